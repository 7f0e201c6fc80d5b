// Layered config loading: parse each layer, merge by precedence, then expand
// references lazily over the merged result.
#include "platformctl/config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "platformctl/output.h"
#include "platformctl/schema.h"

namespace fs = std::filesystem;

namespace platformctl {

std::string Origin::Str() const {
  switch (kind) {
    case Kind::kDefault:
      return "default";
    case Kind::kEnv:
      return "env";
    case Kind::kSet:
      return "--set";
    case Kind::kFile:
      return loc.line > 0 ? loc.file + ":" + std::to_string(loc.line) : loc.file;
  }
  return "default";
}

bool ConfigEntry::Secret() const { return tainted || (spec != nullptr && spec->secret); }

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::vector<std::string> ProcessEnvNames() {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    out.emplace_back(entry.substr(0, entry.find('=')));
  }
  return out;
}

namespace {

bool ReadFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// Path shown to users: relative to the repo root when inside it.
std::string DisplayPath(const std::string& repo_root, const std::string& path) {
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(path, ec), ec);
  fs::path root = fs::weakly_canonical(fs::absolute(repo_root, ec), ec);
  auto rel = abs.lexically_relative(root);
  if (!rel.empty() && *rel.begin() != "..") return rel.string();
  return abs.string();
}

// Layer ranks: defaults 0, files 1..N in load order, then env, then --set.
constexpr int kRankEnv = 1000;
constexpr int kRankSet = 1001;

struct Raw {
  ValueTemplate tmpl;
  Origin origin;
  int rank;  ///< layer that set it (higher wins)
};

bool IsSecretKey(std::string_view key) {
  const KeySpec* k = FindKey(key);
  return k != nullptr && k->secret;
}

// Expands every entry's template against the merged map, detecting cycles.
// It also follows secrets: a value is secret when its key is, or when it
// references a secret (directly or through other keys): `TaintOf`.
class Resolver {
 public:
  Resolver(const std::map<std::string, Raw, std::less<>>& raw, const EnvLookup& env,
           Diagnostics& diags)
      : raw_(raw), env_(env), diags_(diags) {}

  std::optional<std::string> Resolve(const std::string& key) {
    if (auto it = done_.find(key); it != done_.end()) return it->second;
    auto it = raw_.find(key);
    if (it == raw_.end()) return std::nullopt;
    if (std::find(stack_.begin(), stack_.end(), key) != stack_.end()) {
      ReportCycle(key);
      return std::string();
    }
    stack_.push_back(key);
    std::string value = Expand(it->second.tmpl, it->second.origin, key);
    stack_.pop_back();
    done_[key] = value;
    return value;
  }

  /// The secret key whose value `key` holds (through references), and the
  /// key it references to get there; empty when none.
  struct Taint {
    std::string secret;
    std::string via;
  };
  [[nodiscard]] Taint TaintOf(const std::string& key) const {
    auto it = taint_.find(key);
    return it == taint_.end() ? Taint{} : it->second;
  }

 private:
  std::string Expand(const ValueTemplate& t, const Origin& where, const std::string& owner) {
    const bool owner_secret = IsSecretKey(owner);
    std::string out;
    for (const auto& seg : t.segments) {
      if (seg.kind == ValueSegment::Kind::kLiteral) {
        out += seg.text;
        continue;
      }
      std::optional<std::string> v = Resolve(seg.text);
      if (v) NoteTaint(owner, seg.text);
      if (!v && FindKey(seg.text) == nullptr) v = env_(seg.text);  // e.g. ${HOME}
      if ((!v || v->empty()) && seg.fallback) {
        out += Expand(*seg.fallback, where, owner);
        continue;
      }
      if (owner_secret && (!v || v->empty())) {
        // Most likely a '$' that is part of a password. Name the key only:
        // the referenced "name" is text of the secret value.
        if (!secret_reported_.contains(owner)) {
          secret_reported_.insert(owner);
          diags_.Error(
              owner +
                  " contains a '$' that starts a reference to a variable that is not "
                  "set (the value is not shown: it is secret)",
              where.kind == Origin::Kind::kSet ? SourceLoc{"--set " + owner, 0, 0} : where.loc,
              "if the '$' is part of the value, put the whole value in single quotes: " + owner +
                  "='...' (everything inside is literal)");
        }
      } else if (!v && !warned_.contains(seg.text)) {
        warned_.insert(seg.text);
        diags_.Warning(
            "reference to ${" + Excerpt(seg.text) +
                "}, which is not set anywhere; it expands to ''",
            where.loc,
            "define " + Excerpt(seg.text) + " or use ${" + Excerpt(seg.text) + ":-fallback}");
      }
      out += v.value_or("");
    }
    return out;
  }

  void NoteTaint(const std::string& owner, const std::string& referenced) {
    if (taint_.contains(owner)) return;
    if (IsSecretKey(referenced)) {
      taint_[owner] = Taint{referenced, referenced};
    } else if (auto it = taint_.find(referenced); it != taint_.end()) {
      taint_[owner] = Taint{it->second.secret, referenced};
    }
  }

  void ReportCycle(const std::string& key) {
    if (cycle_reported_.contains(key)) return;
    auto first = std::find(stack_.begin(), stack_.end(), key);
    std::string chain;
    bool secret_seen = false;
    for (auto i = first; i != stack_.end(); ++i) {
      cycle_reported_.insert(*i);
      if (secret_seen) continue;
      // Names after a secret key are text of its value: not shown.
      chain += *i;
      if (IsSecretKey(*i)) {
        secret_seen = true;
        chain += " -> (not shown: inside a secret value)";
      } else {
        chain += " -> ";
      }
    }
    if (!secret_seen) chain += key;
    const Origin& o = raw_.find(key)->second.origin;
    diags_.Error("reference cycle: " + chain, o.loc,
                 "break the cycle by giving one of these keys a literal value");
  }

  const std::map<std::string, Raw, std::less<>>& raw_;
  const EnvLookup& env_;
  Diagnostics& diags_;
  std::map<std::string, std::string> done_;
  std::map<std::string, Taint> taint_;
  std::vector<std::string> stack_;
  std::set<std::string> warned_;
  std::set<std::string> cycle_reported_;
  std::set<std::string> secret_reported_;
};

void AddDefaults(std::map<std::string, Raw, std::less<>>& raw) {
  Diagnostics ignored;  // defaults are part of the table and covered by a unit test
  for (const auto& k : ConfigKeys()) {
    raw[std::string(k.name)] =
        Raw{ParseEnvValue(k.default_value, SourceLoc{"default", 0, 0}, ignored), Origin{}, 0};
  }
}

SourceLoc LocOfOrigin(const std::string& key, const Origin& o) {
  switch (o.kind) {
    case Origin::Kind::kFile:
      return o.loc;
    case Origin::Kind::kSet:
      return SourceLoc{"--set " + key, 0, 0};
    case Origin::Kind::kEnv:
      return SourceLoc{"env " + key, 0, 0};
    case Origin::Kind::kDefault:
      break;
  }
  return SourceLoc{"default", 0, 0};
}

void Finish(const std::map<std::string, Raw, std::less<>>& raw, const EnvLookup& env,
            Diagnostics& diags, std::map<std::string, ConfigEntry, std::less<>>& entries) {
  Resolver resolver(raw, env, diags);
  for (const auto& [key, r] : raw) {
    ConfigEntry e;
    e.key = key;
    e.raw = r.tmpl;
    e.origin = r.origin;
    e.spec = FindKey(key);
    e.value = resolver.Resolve(key).value_or("");
    entries.emplace(key, std::move(e));
  }
  for (auto& [key, e] : entries) {
    const Resolver::Taint t = resolver.TaintOf(key);
    if (t.secret.empty()) continue;
    e.tainted = true;
    if (IsSecretKey(key) || e.origin.kind == Origin::Kind::kDefault) continue;
    // A non-secret key would carry the secret into output, logs and the
    // state values helmfile receives: refuse it, naming keys only.
    diags.Error(key + " references the secret key " + t.secret +
                    (t.via != t.secret ? " (through " + t.via + ")" : "") + ", but " + key +
                    " is not secret",
                LocOfOrigin(key, e.origin),
                "give " + key +
                    " a value of its own: only secret keys may reference a secret ('platformctl "
                    "config keys' lists which keys are secret)");
  }
}

// The marker `config show` prints instead of a secret is never a value.
bool IsRedactionMarker(const ValueTemplate& t) { return t.IsLiteral() && t.Display() == kRedacted; }

void ReportMarker(const std::string& key, const SourceLoc& loc, Diagnostics& diags) {
  diags.Error(Excerpt(key) + " is set to the redaction marker '<redacted>', not to a value", loc,
              "this line was probably pasted from 'config show'; delete it, or put the real "
              "value in profiles/secrets.env");
}

// Unknown keys kept for display and references; beyond, only counted.
constexpr size_t kMaxUnknownKept = 1000;

// Prefixes of key families that no other common tool uses in the environment.
bool LooksLikeOurs(std::string_view name) {
  std::string upper;
  for (char c : name)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (upper != name && FindKey(upper) != nullptr) return true;  // feat_cilium
  if (name.starts_with(kUserKeyPrefix)) return false;
  for (std::string_view prefix :
       {"FEAT_", "OAUTH_", "OIDC_", "MINIO_", "CLICKSTACK_", "HELMFILE_", "LETSENCRYPT_", "CILIUM_",
        "VERIFY_", "PLATFORM_", "SWHURL_", "HELLO_", "CM_"}) {
    if (upper.starts_with(prefix)) return SuggestKey(name).has_value();
  }
  return false;
}

// Unknown keys: errors in strict mode (apply, delete, config validate),
// warnings otherwise; USER_* keys are the user's own and never reported.
class UnknownKeys {
 public:
  UnknownKeys(bool strict, Diagnostics& diags) : strict_(strict), diags_(diags) {}

  void Report(const std::string& key, const SourceLoc& loc, std::string_view extra_hint) {
    last_user_ = key.starts_with(kUserKeyPrefix);
    if (last_user_) return;
    ++count_;
    const Severity sev = strict_ ? Severity::kError : Severity::kWarning;
    if (!diags_.Accepts(sev)) {  // only counted: skip the suggestion's cost
      diags_.Add(Diagnostic{sev, {}, {}, {}, {}});
      return;
    }
    auto suggestion = SuggestKey(key);
    std::string hint = suggestion ? "did you mean " + std::string(*suggestion) + "?"
                                  : "see 'platformctl config keys' for the known keys";
    hint += "; keys of your own go under the " + std::string(kUserKeyPrefix) + " prefix";
    if (!extra_hint.empty()) hint = std::string(extra_hint) + "; " + hint;
    Diagnostic d;
    d.severity = sev;
    d.message = "unknown key " + Excerpt(key) +
                (strict_ ? "" : " (an error for apply, delete and config validate)");
    d.loc = loc;
    d.hint = std::move(hint);
    d.code = "unknown-key";
    diags_.Add(std::move(d));
  }
  /// Whether the key just reported is kept in the config.
  [[nodiscard]] bool Keep() const { return last_user_ || count_ <= kMaxUnknownKept; }

 private:
  bool strict_;
  Diagnostics& diags_;
  size_t count_ = 0;
  bool last_user_ = false;
};

// Keys that steer loading itself; in a file they would have no effect.
bool IsLoaderKey(std::string_view key) {
  return key == "PROFILE_FILE" || key == "PROFILE_EXCLUSIVE";
}

}  // namespace

std::string Config::Get(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? std::string() : it->second.value;
}

bool Config::GetBool(std::string_view key) const {
  if (auto b = ParseBool(Get(key))) return *b;
  const KeySpec* k = FindKey(key);
  return k != nullptr && ParseBool(k->default_value).value_or(false);
}

long Config::GetInt(std::string_view key) const {
  std::string v = Get(key);
  char* end = nullptr;
  long n = std::strtol(v.c_str(), &end, 10);
  if (!v.empty() && end != nullptr && *end == '\0' && n >= 0) return n;
  const KeySpec* k = FindKey(key);
  return k != nullptr ? std::strtol(std::string(k->default_value).c_str(), nullptr, 10) : 0;
}

std::vector<std::string> Config::GetList(std::string_view key) const { return SplitList(Get(key)); }

const ConfigEntry* Config::Find(std::string_view key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

std::vector<const ConfigEntry*> Config::Entries() const {
  std::vector<const ConfigEntry*> out;
  for (const auto& k : ConfigKeys()) {
    if (const ConfigEntry* e = Find(k.name)) out.push_back(e);
  }
  for (const auto& [key, e] : entries_) {
    if (e.spec == nullptr) out.push_back(&e);
  }
  return out;
}

Config Config::FromValues(const std::map<std::string, std::string>& values) {
  std::map<std::string, Raw, std::less<>> raw;
  AddDefaults(raw);
  Diagnostics diags;
  for (const auto& [k, v] : values) {
    raw[k] = Raw{ParseEnvValue(v, SourceLoc{"--set " + k, 0, 0}, diags),
                 Origin{Origin::Kind::kSet, {}}, kRankSet};
  }
  Config c;
  Finish(
      raw, [](const std::string&) { return std::nullopt; }, diags, c.entries_);
  return c;
}

std::optional<std::string> ResolveProfilePath(const std::string& repo_root, const std::string& name,
                                              std::vector<std::string>& looked_at) {
  std::error_code ec;
  std::vector<fs::path> candidates;
  fs::path p(name);
  if (p.is_absolute()) {
    candidates.push_back(p);
  } else {
    candidates.push_back(fs::current_path(ec) / p);
    candidates.push_back(fs::path(repo_root) / p);
  }
  candidates.push_back(fs::path(repo_root) / "profiles" / p);
  candidates.push_back(fs::path(repo_root) / "profiles" / (name + ".env"));
  for (const auto& c : candidates) {
    std::string s = c.lexically_normal().string();
    if (std::find(looked_at.begin(), looked_at.end(), s) == looked_at.end()) looked_at.push_back(s);
    if (fs::is_regular_file(c, ec)) return s;
  }
  return std::nullopt;
}

std::optional<std::string> FindRepoRoot(const std::string& explicit_dir, std::string& error) {
  std::error_code ec;
  if (!explicit_dir.empty()) {
    fs::path d = fs::absolute(explicit_dir, ec);
    if (!fs::is_directory(d, ec)) {
      error = "--repo " + explicit_dir + ": no such directory";
      return std::nullopt;
    }
    if (!fs::is_regular_file(d / "config.env", ec)) {
      error = "--repo " + explicit_dir + ": no config.env there (is this a platform repo?)";
      return std::nullopt;
    }
    return d.lexically_normal().string();
  }
  fs::path d = fs::current_path(ec);
  for (fs::path cur = d; !cur.empty(); cur = cur.parent_path()) {
    if (fs::is_regular_file(cur / "config.env", ec)) return cur.string();
    if (cur == cur.parent_path()) break;
  }
  error = "no config.env in " + d.string() +
          " or any parent directory; run inside a platform repo or pass -C/--repo DIR";
  return std::nullopt;
}

std::optional<Config> LoadConfig(const LoadOptions& options, Diagnostics& diags) {
  Config config;
  config.repo_root_ = options.repo_root;

  // Loader controls come from flags, else the process environment.
  bool exclusive = false;
  if (options.exclusive) {
    exclusive = *options.exclusive;
  } else if (auto env = options.env("PROFILE_EXCLUSIVE"); env && !env->empty()) {
    auto b = ParseBool(*env);
    if (!b) {
      diags.Error("PROFILE_EXCLUSIVE must be true or false (got '" + Excerpt(*env) + "')",
                  SourceLoc{"env", 0, 0}, "unset it or use --exclusive");
      return std::nullopt;
    }
    exclusive = *b;
  }
  config.exclusive_ = exclusive;
  std::string profile = options.profile;
  if (profile.empty()) profile = options.env("PROFILE_FILE").value_or("");

  std::vector<std::string> files;
  const fs::path root(options.repo_root);
  std::error_code ec;
  auto add_if_present = [&](const fs::path& p) {
    if (fs::is_regular_file(p, ec)) files.push_back(p.string());
  };
  add_if_present(root / "config.env");
  if (!exclusive) {
    add_if_present(root / "profiles" / "local.env");
    add_if_present(root / "profiles" / "secrets.env");
  }
  if (!profile.empty()) {
    std::vector<std::string> looked_at;
    auto path = ResolveProfilePath(options.repo_root, profile, looked_at);
    if (!path) {
      std::string places;
      for (const auto& l : looked_at)
        places += (places.empty() ? "" : ", ") + DisplayPath(options.repo_root, l);
      diags.Error("profile '" + profile + "' not found (looked at: " + places + ")", {},
                  "pass an existing file, or a name from profiles/ such as overlay-staging");
      return std::nullopt;
    }
    config.profile_path_ = DisplayPath(options.repo_root, *path);
    files.push_back(*path);
  }

  std::map<std::string, Raw, std::less<>> raw;
  AddDefaults(raw);
  bool syntax_errors = false;
  UnknownKeys unknown(options.strict_keys, diags);
  int file_rank = 0;
  for (const auto& f : files) {
    ++file_rank;
    const std::string shown = DisplayPath(options.repo_root, f);
    std::string text;
    if (!ReadFile(f, text)) {
      diags.Error("cannot read " + shown, SourceLoc{shown, 0, 0}, "check the file's permissions");
      syntax_errors = true;
      continue;
    }
    config.files_.push_back(shown);
    const size_t errors_before = diags.ErrorCount();
    size_t dropped = 0;
    ParseEnvFile(text, shown, diags, [&](Assignment&& a) {
      if (IsLoaderKey(a.key)) {
        diags.Warning(a.key + " has no effect in a file", a.loc,
                      a.key == "PROFILE_FILE" ? "use --profile FILE" : "use --exclusive");
        return;
      }
      if (IsRedactionMarker(a.value)) {
        ReportMarker(a.key, a.loc, diags);
        return;
      }
      if (FindKey(a.key) == nullptr) {
        unknown.Report(a.key, a.loc, "");
        if (!unknown.Keep()) {
          ++dropped;
          return;
        }
      }
      raw[a.key] = Raw{std::move(a.value),
                       Origin{Origin::Kind::kFile, SourceLoc{shown, a.loc.line, 0}}, file_rank};
    });
    if (dropped > 0) {
      diags.Warning(std::to_string(dropped) + " more unknown keys in this file were not kept",
                    SourceLoc{shown, 0, 0},
                    "is this an env file? platformctl keeps at most " +
                        std::to_string(kMaxUnknownKept) + " unknown keys");
    }
    syntax_errors = syntax_errors || diags.ErrorCount() > errors_before;
  }
  // Process environment: schema keys only (the shell already expanded them).
  for (const auto& k : ConfigKeys()) {
    if (auto v = options.env(std::string(k.name))) {
      if (*v == kRedacted) {
        ReportMarker(std::string(k.name), SourceLoc{"env " + std::string(k.name), 0, 0}, diags);
        syntax_errors = true;
        continue;
      }
      raw[std::string(k.name)] =
          Raw{ValueTemplate::Literal(*v), Origin{Origin::Kind::kEnv, {}}, kRankEnv};
    }
  }
  // Environment variables that look like a misspelt key (FEAT_CILLIUM,
  // feat_cilium): the user meant to set something that will not be read.
  if (options.env_names) {
    for (const auto& name : options.env_names()) {
      if (FindKey(name) != nullptr || !LooksLikeOurs(name)) continue;
      unknown.Report(name, SourceLoc{"env " + Excerpt(name), 0, 0},
                     "unset it, or export the key it was meant to be");
    }
  }
  for (const auto& set : options.sets) {
    auto eq = set.find('=');
    std::string key = set.substr(0, eq);
    if (eq == std::string::npos || !IsValidEnvKey(key)) {
      // The argument may be a pasted secret: never echo it.
      diags.Error("--set needs KEY=VALUE" +
                      std::string(eq == std::string::npos ? " (no '=' in the argument)"
                                                          : " (the part before '=' is not a key)"),
                  SourceLoc{"--set", 0, 0},
                  "write it as --set KEY=VALUE, e.g. --set FEAT_CILIUM=false");
      syntax_errors = true;
      continue;
    }
    const std::string where = "--set " + Excerpt(key);
    if (FindKey(key) == nullptr && !key.starts_with(kUserKeyPrefix)) {
      auto suggestion = SuggestKey(key);
      diags.Error(where + ": unknown key", SourceLoc{"--set", 0, 0},
                  suggestion ? "did you mean " + std::string(*suggestion) + "?"
                             : "see 'platformctl config keys' for the known keys");
      syntax_errors = true;
      continue;
    }
    const std::string value_text = set.substr(eq + 1);
    if (IsSecretKey(key)) {
      diags.Warning(
          "--set " + key +
              " puts a secret on the command line, where other users of this machine can read "
              "it (ps, /proc)",
          SourceLoc{"--set", 0, 0},
          "put it in profiles/secrets.env (git-ignored, chmod 600) or export " + key +
              " in the environment");
    }
    if (value_text == kRedacted) {
      ReportMarker(key, SourceLoc{"--set", 0, 0}, diags);
      syntax_errors = true;
      continue;
    }
    Diagnostics value_diags;
    ValueTemplate t = ParseEnvValue(value_text, SourceLoc{where, 0, 0}, value_diags);
    if (value_diags.HasErrors() && LooksSecret(key)) {
      diags.Error(where + ": the value is not valid env-file syntax (not shown: it is secret)",
                  SourceLoc{"--set", 0, 0},
                  "quote it for the env-file grammar: --set " + key + "=\"'...'\"");
    } else {
      diags.Append(value_diags);
    }
    syntax_errors = syntax_errors || value_diags.HasErrors();
    if (IsRedactionMarker(t)) {
      ReportMarker(key, SourceLoc{"--set", 0, 0}, diags);
      syntax_errors = true;
      continue;
    }
    raw[key] = Raw{std::move(t), Origin{Origin::Kind::kSet, {}}, kRankSet};
  }
  // The legacy CLUSTER_ISSUER, set in a layer above the one that sets
  // PLATFORM_CLUSTER_ISSUER, takes effect as it did for the Bash version's
  // users (validation warns that it is deprecated).
  if (auto legacy = raw.find("CLUSTER_ISSUER"), current = raw.find("PLATFORM_CLUSTER_ISSUER");
      legacy != raw.end() && current != raw.end() && legacy->second.rank > current->second.rank &&
      !legacy->second.tmpl.segments.empty()) {
    current->second = legacy->second;
  }
  if (syntax_errors) return std::nullopt;

  size_t errors_before = diags.ErrorCount();
  Finish(raw, options.env, diags, config.entries_);
  if (diags.ErrorCount() > errors_before) return std::nullopt;
  return config;
}

}  // namespace platformctl
