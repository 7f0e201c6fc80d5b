// Contract validation (the seed's step 94 and more): every problem at once.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "platformctl/config.h"
#include "platformctl/host.h"
#include "platformctl/process.h"
#include "platformctl/registry.h"
#include "platformctl/schema.h"

namespace platformctl {
namespace {

SourceLoc LocOf(const Config& config, std::string_view key) {
  const ConfigEntry* e = config.Find(key);
  if (e == nullptr) return {};
  if (e->origin.kind == Origin::Kind::kFile) return e->origin.loc;
  if (e->origin.kind == Origin::Kind::kSet) return SourceLoc{"--set " + std::string(key), 0, 0};
  if (e->origin.kind == Origin::Kind::kEnv) return SourceLoc{"env " + std::string(key), 0, 0};
  return {};
}

std::string WhyEnabled(const Component& c, const Config& config) {
  std::string why;
  if (!c.feature_flag.empty())
    why = std::string(c.feature_flag) + "=" + Excerpt(config.Get(c.feature_flag));
  if (!c.provider_key.empty()) {
    why += (why.empty() ? "" : ", ") + std::string(c.provider_key) + "=" +
           std::string(c.provider_value);
  }
  return why.empty() ? "always installed" : why;
}

void CheckTypes(const Config& config, Diagnostics& diags) {
  for (const auto& spec : ConfigKeys()) {
    const ConfigEntry* e = config.Find(spec.name);
    if (e == nullptr) continue;
    if (spec.name == "LETSENCRYPT_ENV" && e->value == "production") {
      diags.Error(
          "LETSENCRYPT_ENV must be one of staging, prod (got 'production')",
          LocOf(config, spec.name),
          "write LETSENCRYPT_ENV=prod; 'production' would leave the letsencrypt alias on staging");
      continue;
    }
    if (auto problem = CheckValue(spec, e->value)) {
      // Never echo a secret's value back (nor a value holding one).
      std::string msg =
          e->Secret() ? std::string(spec.name) + " has an invalid value (not shown: it is secret)"
                      : *problem;
      std::string hint = "fix the value";
      if (spec.type == KeyType::kEnum) hint = "use one of: " + std::string(spec.choices);
      if (spec.type == KeyType::kBool) hint = "write true or false";
      if (spec.type == KeyType::kDnsName)
        hint = "use a host name like name.example.com (letters, digits, '-', '.')";
      if (spec.type == KeyType::kEmail) hint = "use an address like admin@example.com";
      if (spec.type == KeyType::kUrl) hint = "use a URL starting with https://";
      if (spec.type == KeyType::kInt) hint = "use digits only, e.g. 300";
      diags.Error(msg, LocOf(config, spec.name), hint);
    }
  }
}

bool UsesLetsEncrypt(const Config& config) {
  return config.Get("PLATFORM_CLUSTER_ISSUER").starts_with("letsencrypt") ||
         config.Get("APP_CLUSTER_ISSUER").starts_with("letsencrypt");
}

void CheckRequired(const Config& config, ValidateMode mode, Diagnostics& diags) {
  // Who needs what: the platform itself, the issuers, then every enabled component.
  struct Need {
    std::string who;
    std::vector<std::string> keys;
  };
  std::vector<Need> needs;
  needs.push_back({"the platform", {"BASE_DOMAIN", "PLATFORM_CLUSTER_ISSUER"}});
  if (UsesLetsEncrypt(config))
    needs.push_back({"the Let's Encrypt issuers (an issuer is letsencrypt*)", {"ACME_EMAIL"}});
  for (const auto& c : Components()) {
    if (!IsEnabled(c, config)) continue;
    Need n{std::string(c.id) + " (" + WhyEnabled(c, config) + ")", {}};
    for (auto key : c.required) n.keys.emplace_back(key);
    needs.push_back(std::move(n));
  }
  std::vector<std::string> reported;
  for (const auto& need : needs) {
    std::vector<std::string> missing;
    for (const auto& key : need.keys) {
      if (!config.Get(key).empty()) continue;
      if (std::find(reported.begin(), reported.end(), key) != reported.end()) continue;
      reported.push_back(key);
      missing.push_back(key);
    }
    if (missing.empty()) continue;
    if (mode == ValidateMode::kLenient) {
      // CI plans and dry-runs run without secrets: one line per component.
      std::string keys;
      for (const auto& k : missing) keys += (keys.empty() ? "" : ", ") + k;
      // Filled field by field: GCC 12 -O3 reports a false -Wmaybe-uninitialized
      // for the aggregate temporary (release preset).
      Diagnostic d;
      d.severity = Severity::kWarning;
      d.message = need.who + " will need " + keys + " (empty; required before apply)";
      d.hint =
          "set them in profiles/secrets.env (template: profiles/secrets.example.env) or your "
          "profile";
      d.code = "missing-required";
      diags.Add(std::move(d));
      continue;
    }
    for (const auto& key : missing) {
      const KeySpec* spec = FindKey(key);
      bool secret = spec != nullptr && spec->secret;
      diags.Error(key + " is required by " + need.who + " but is empty", LocOf(config, key),
                  secret ? "set it in profiles/secrets.env (template: profiles/secrets.example.env)"
                         : "set it in config.env or your profile");
    }
  }
}

void CheckCrossKey(const Config& config, Diagnostics& diags) {
  // Components that need other components (e.g. the OTel collectors export to ClickStack, W21).
  for (const auto& c : Components()) {
    if (!IsEnabled(c, config)) continue;
    for (auto need : c.needs) {
      const Component* n = FindComponent(need);
      if (n == nullptr || IsEnabled(*n, config)) continue;
      std::string flag =
          n->feature_flag.empty() ? std::string(n->provider_key) : std::string(n->feature_flag);
      diags.Error(std::string(c.id) + " needs " + std::string(need) + ", which is disabled (" +
                      WhyEnabled(*n, config) + ")",
                  LocOf(config, c.feature_flag.empty() ? flag : c.feature_flag),
                  "enable " + flag + " or disable " +
                      (c.feature_flag.empty() ? std::string(c.id) : std::string(c.feature_flag)));
    }
  }
  const std::string cookie = config.Get("OAUTH_COOKIE_SECRET");
  if (!cookie.empty() && cookie.size() != 16 && cookie.size() != 24 && cookie.size() != 32) {
    diags.Error("OAUTH_COOKIE_SECRET must be exactly 16, 24 or 32 bytes (it has " +
                    std::to_string(cookie.size()) + ")",
                LocOf(config, "OAUTH_COOKIE_SECRET"),
                "generate one with: openssl rand -hex 16   (32 characters; base64 of 32 bytes is "
                "44, too long)");
  }
  for (const auto& domain : config.GetList("OAUTH_EMAIL_DOMAINS")) {
    if (domain == "*") {
      diags.Warning(
          "OAUTH_EMAIL_DOMAINS contains '*': any account at the identity provider is authorized",
          LocOf(config, "OAUTH_EMAIL_DOMAINS"), "list your domains, e.g. example.com");
    } else if (!IsDnsName(domain)) {
      diags.Error("OAUTH_EMAIL_DOMAINS entry '" + Excerpt(domain) + "' is not a domain",
                  LocOf(config, "OAUTH_EMAIL_DOMAINS"),
                  "list domains such as example.com, separated by spaces or commas");
    }
  }
  if (config.Get("INGRESS_PROVIDER") == "traefik" && config.Get("K3S_INGRESS_MODE") == "none") {
    diags.Error("INGRESS_PROVIDER=traefik needs k3s's bundled Traefik, but K3S_INGRESS_MODE=none",
                LocOf(config, "INGRESS_PROVIDER"),
                "set K3S_INGRESS_MODE=traefik or INGRESS_PROVIDER=nginx");
  }
  if (const auto interval = ParseDurationSeconds(config.Get("DNS_UPDATE_INTERVAL"));
      interval && !CalendarFor(*interval)) {
    diags.Error("DNS_UPDATE_INTERVAL=" + config.Get("DNS_UPDATE_INTERVAL") +
                    " does not divide an hour or a day, so the systemd timer cannot run at a "
                    "fixed calendar step",
                LocOf(config, "DNS_UPDATE_INTERVAL"),
                "use 1m, 2m, 5m, 10m, 15m, 20m, 30m, 1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h");
  }
  for (const auto& [key, instead] :
       {std::pair<std::string_view, std::string_view>{"CLUSTER_ISSUER", "PLATFORM_CLUSTER_ISSUER"},
        {"ONLY", "the --only flag"}}) {
    const ConfigEntry* e = config.Find(key);
    if (e != nullptr && !e->value.empty() && e->origin.kind != Origin::Kind::kDefault) {
      std::string what = std::string(key) + " is deprecated";
      if (key == "CLUSTER_ISSUER" && config.Find("PLATFORM_CLUSTER_ISSUER") != nullptr &&
          config.Find("PLATFORM_CLUSTER_ISSUER")->origin.Str() == e->origin.Str()) {
        what += "; it sets PLATFORM_CLUSTER_ISSUER here, as it is set in a higher layer";
      }
      diags.Warning(what, LocOf(config, key), "use " + std::string(instead));
    }
  }
  if (!config.GetBool("FEAT_VERIFY") && config.GetBool("FEAT_VERIFY_DEEP")) {
    diags.Warning("FEAT_VERIFY_DEEP=true has no effect while FEAT_VERIFY=false",
                  LocOf(config, "FEAT_VERIFY_DEEP"), "set FEAT_VERIFY=true to run verification");
  }
}

void CheckSecretHygiene(const Config& config, Diagnostics& diags) {
  namespace fs = std::filesystem;
  const fs::path root(config.RepoRoot());
  std::error_code ec;
  const fs::path secrets = root / "profiles" / "secrets.env";
  struct stat st {};
  if (!config.RepoRoot().empty() && ::stat(secrets.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    diags.Warning("profiles/secrets.env is readable by group or others",
                  SourceLoc{"profiles/secrets.env", 0, 0}, "chmod 600 profiles/secrets.env");
  }
  // A secret value that comes from a file git tracks is a leak waiting to be pushed.
  std::map<std::string, bool> tracked_files;  // one git call per file
  for (const auto* e : config.Entries()) {
    if (!e->Secret() || e->value.empty() || e->origin.kind != Origin::Kind::kFile) continue;
    const std::string& file = e->origin.loc.file;
    if (file == "profiles/secrets.env" || file.ends_with(".local.env")) continue;
    auto it = tracked_files.find(file);
    if (it == tracked_files.end()) {
      bool tracked = false;
      if (!config.RepoRoot().empty() && fs::exists(root / ".git", ec)) {
        ProcessResult r = RunCapture(
            {"git", "-C", config.RepoRoot(), "ls-files", "--error-unmatch", "--", file}, 5000);
        tracked = r.exit_code == 0;
      }
      it = tracked_files.emplace(file, tracked).first;
    }
    if (it->second) {
      diags.Warning("secret " + e->key + " is set in " + file + ", which git tracks", e->origin.loc,
                    "move it to profiles/secrets.env (git-ignored) and remove it from history if "
                    "it was pushed");
    }
  }
}

}  // namespace

void ValidateConfig(const Config& config, ValidateMode mode, Diagnostics& diags) {
  CheckTypes(config, diags);
  CheckRequired(config, mode, diags);
  CheckCrossKey(config, diags);
  CheckSecretHygiene(config, diags);
}

}  // namespace platformctl
