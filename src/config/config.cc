// Layered config loading: parse each layer, merge by precedence, then expand
// references lazily over the merged result.
#include "platformctl/config.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

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

bool ConfigEntry::Secret() const { return spec != nullptr && spec->secret; }

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
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

struct Raw {
  ValueTemplate tmpl;
  Origin origin;
};

// Expands every entry's template against the merged map, detecting cycles.
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
    std::string value = Expand(it->second.tmpl, it->second.origin);
    stack_.pop_back();
    done_[key] = value;
    return value;
  }

 private:
  std::string Expand(const ValueTemplate& t, const Origin& where) {
    std::string out;
    for (const auto& seg : t.segments) {
      if (seg.kind == ValueSegment::Kind::kLiteral) {
        out += seg.text;
        continue;
      }
      std::optional<std::string> v = Resolve(seg.text);
      if (!v && FindKey(seg.text) == nullptr) v = env_(seg.text);  // e.g. ${HOME}
      if ((!v || v->empty()) && seg.fallback) {
        out += Expand(*seg.fallback, where);
        continue;
      }
      if (!v && !warned_.contains(seg.text)) {
        warned_.insert(seg.text);
        diags_.Warning(
            "reference to ${" + seg.text + "}, which is not set anywhere; it expands to ''",
            where.loc, "define " + seg.text + " or use ${" + seg.text + ":-fallback}");
      }
      out += v.value_or("");
    }
    return out;
  }

  void ReportCycle(const std::string& key) {
    if (cycle_reported_.contains(key)) return;
    auto first = std::find(stack_.begin(), stack_.end(), key);
    std::string chain;
    for (auto i = first; i != stack_.end(); ++i) {
      chain += *i + " -> ";
      cycle_reported_.insert(*i);
    }
    chain += key;
    const Origin& o = raw_.find(key)->second.origin;
    diags_.Error("reference cycle: " + chain, o.loc,
                 "break the cycle by giving one of these keys a literal value");
  }

  const std::map<std::string, Raw, std::less<>>& raw_;
  const EnvLookup& env_;
  Diagnostics& diags_;
  std::map<std::string, std::string> done_;
  std::vector<std::string> stack_;
  std::set<std::string> warned_;
  std::set<std::string> cycle_reported_;
};

void AddDefaults(std::map<std::string, Raw, std::less<>>& raw) {
  Diagnostics ignored;  // defaults are part of the table and covered by a unit test
  for (const auto& k : ConfigKeys()) {
    raw[std::string(k.name)] =
        Raw{ParseEnvValue(k.default_value, SourceLoc{"default", 0, 0}, ignored), Origin{}};
  }
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
}

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
    raw[k] =
        Raw{ParseEnvValue(v, SourceLoc{"--set " + k, 0, 0}, diags), Origin{Origin::Kind::kSet, {}}};
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
      diags.Error("PROFILE_EXCLUSIVE must be true or false (got '" + *env + "')",
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
  for (const auto& f : files) {
    const std::string shown = DisplayPath(options.repo_root, f);
    std::string text;
    if (!ReadFile(f, text)) {
      diags.Error("cannot read " + shown, SourceLoc{shown, 0, 0}, "check the file's permissions");
      syntax_errors = true;
      continue;
    }
    config.files_.push_back(shown);
    Diagnostics file_diags;
    EnvFile parsed = ParseEnvFile(text, shown, file_diags);
    syntax_errors = syntax_errors || file_diags.HasErrors();
    diags.Append(file_diags);
    for (auto& a : parsed.assignments) {
      if (IsLoaderKey(a.key)) {
        diags.Warning(a.key + " has no effect in a file", a.loc,
                      a.key == "PROFILE_FILE" ? "use --profile FILE" : "use --exclusive");
        continue;
      }
      if (FindKey(a.key) == nullptr) {
        auto suggestion = SuggestKey(a.key);
        diags.Warning("unknown key " + a.key, a.loc,
                      suggestion ? "did you mean " + std::string(*suggestion) + "?"
                                 : "see 'platformctl config show' for the known keys");
      }
      raw[a.key] =
          Raw{std::move(a.value), Origin{Origin::Kind::kFile, SourceLoc{shown, a.loc.line, 0}}};
    }
  }
  // Process environment: schema keys only (the shell already expanded them).
  for (const auto& k : ConfigKeys()) {
    if (auto v = options.env(std::string(k.name))) {
      raw[std::string(k.name)] = Raw{ValueTemplate::Literal(*v), Origin{Origin::Kind::kEnv, {}}};
    }
  }
  for (const auto& set : options.sets) {
    auto eq = set.find('=');
    std::string key = set.substr(0, eq);
    if (eq == std::string::npos || !IsValidEnvKey(key)) {
      diags.Error("--set " + set + ": expected KEY=VALUE", SourceLoc{"--set", 0, 0},
                  "write it as --set KEY=VALUE, e.g. --set FEAT_CILIUM=false");
      syntax_errors = true;
      continue;
    }
    if (FindKey(key) == nullptr) {
      auto suggestion = SuggestKey(key);
      diags.Error("--set " + key + ": unknown key", SourceLoc{"--set", 0, 0},
                  suggestion ? "did you mean " + std::string(*suggestion) + "?"
                             : "see 'platformctl config show'");
      syntax_errors = true;
      continue;
    }
    Diagnostics value_diags;
    ValueTemplate t =
        ParseEnvValue(set.substr(eq + 1), SourceLoc{"--set " + key, 0, 0}, value_diags);
    syntax_errors = syntax_errors || value_diags.HasErrors();
    diags.Append(value_diags);
    raw[key] = Raw{std::move(t), Origin{Origin::Kind::kSet, {}}};
  }
  if (syntax_errors) return std::nullopt;

  size_t errors_before = diags.ErrorCount();
  Finish(raw, options.env, diags, config.entries_);
  if (diags.ErrorCount() > errors_before) return std::nullopt;
  return config;
}

}  // namespace platformctl
