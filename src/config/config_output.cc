// Rendering of `config show` and of the helmfile state values.
#include <algorithm>

#include "platformctl/config.h"
#include "platformctl/output.h"
#include "platformctl/registry.h"
#include "platformctl/schema.h"

namespace platformctl {
namespace {

// Unknown keys can be misspelt secrets (OIDC_CLIENT_SECRETT): redact any that
// look like one or come from the secrets file; and any value holding a secret.
bool Redact(const ConfigEntry& e) {
  if (e.Secret()) return true;
  if (e.value.empty()) return false;
  if (e.origin.kind == Origin::Kind::kFile && e.origin.loc.file.ends_with("secrets.env"))
    return true;
  return LooksSecret(e.key);
}

nlohmann::ordered_json TypedValue(const ConfigEntry& e) {
  if (Redact(e)) return e.value.empty() ? std::string() : std::string(kRedacted);
  if (e.spec != nullptr && !e.value.empty() && !CheckValue(*e.spec, e.value)) {
    switch (e.spec->type) {
      case KeyType::kBool:
        return *ParseBool(e.value);
      case KeyType::kInt:
        return std::stol(e.value);
      case KeyType::kList:
        return SplitList(e.value);
      default:
        break;
    }
  }
  return e.value;
}

// Text output: secrets as the marker (empty ones stay empty), control bytes
// and invalid UTF-8 escaped.
std::string ShownValue(const ConfigEntry& e) {
  if (Redact(e)) return e.value.empty() ? std::string() : std::string(kRedacted);
  return EscapeForTerminal(e.value);
}

}  // namespace

std::string EnvQuote(std::string_view value) {
  bool plain = !value.empty();
  for (char c : value) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) ||
          std::string_view("_./:@,+-=%").find(c) != std::string_view::npos)) {
      plain = false;
    }
  }
  if (plain) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\' || c == '$') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

std::string RenderConfig(const Config& config, OutputFormat format, bool with_origin) {
  const auto entries = config.Entries();
  if (format == OutputFormat::kJson || format == OutputFormat::kYaml) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const auto* e : entries) {
      j[e->key] = {{"value", TypedValue(*e)}, {"origin", e->origin.Str()}};
    }
    return format == OutputFormat::kJson ? j.dump(2) + "\n" : ToYaml(j);
  }
  std::string out;
  std::string files;
  for (const auto& f : config.Files()) files += (files.empty() ? "" : " -> ") + f;
  if (format == OutputFormat::kEnv) {
    out += "# platformctl config show -o env; layers (lowest first): defaults -> " + files + "\n";
    for (const auto* e : entries) {
      if (Redact(*e)) {
        // A comment, not KEY="" or KEY=<redacted>: pasted back as a profile,
        // this output must not clobber the real secret in another layer.
        out += "# " + e->key + ": secret, " +
               (e->value.empty() ? std::string("not set") : "set in " + e->origin.Str()) +
               " (value not shown)\n";
        continue;
      }
      out += e->key + "=" + EnvQuote(e->value);
      if (with_origin) out += "  # " + e->origin.Str();
      out += "\n";
    }
    return out;
  }
  // text
  size_t key_w = 0;
  size_t val_w = 0;
  for (const auto* e : entries) {
    key_w = std::max(key_w, e->key.size());
    val_w = std::max(val_w, ShownValue(*e).size());
  }
  val_w = std::min<size_t>(val_w, 60);
  out +=
      "# layers (lowest first): defaults -> " + (files.empty() ? std::string("(no files)") : files);
  out += " -> env -> --set\n";
  for (const auto* e : entries) {
    std::string v = ShownValue(*e);
    if (!with_origin) {
      out += e->key + "=" + v + "\n";
      continue;
    }
    std::string line = e->key + std::string(key_w - e->key.size() + 2, ' ') + v;
    if (v.size() < val_w) line += std::string(val_w - v.size(), ' ');
    line += "  " + e->origin.Str();
    if (e->spec == nullptr) line += " (unknown key)";
    out += line + "\n";
  }
  return out;
}

std::string RenderKeyTable(OutputFormat format) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const auto& k : ConfigKeys()) {
    std::vector<std::string> required_by;
    for (auto id : ComponentsRequiring(k.name)) required_by.emplace_back(id);
    if (k.name == "ACME_EMAIL")
      required_by.emplace_back("issuers (when a letsencrypt* issuer is used)");
    if (k.name == "BASE_DOMAIN" || k.name == "PLATFORM_CLUSTER_ISSUER")
      required_by.emplace_back("always");
    rows.push_back({{"key", k.name},
                    {"type", KeyTypeName(k.type)},
                    {"choices", SplitChoices(k.choices)},
                    {"default", k.default_value},
                    {"secret", k.secret},
                    {"group", KeyGroupName(k.group)},
                    {"requiredBy", required_by},
                    {"doc", k.doc}});
  }
  if (format == OutputFormat::kJson) return rows.dump(2) + "\n";
  if (format == OutputFormat::kYaml) return ToYaml(rows);
  std::string out;
  std::string group;
  for (const auto& r : rows) {
    if (r["group"] != group) {
      group = r["group"].get<std::string>();
      out += "\n### " + group +
             "\n\n| Key | Type | Default | Required by | Description |\n|---|---|---|---|---|\n";
    }
    std::string type = r["type"].get<std::string>();
    if (!r["choices"].empty()) {
      type.clear();
      for (const auto& c : r["choices"])
        type += (type.empty() ? "" : " \\| ") + c.get<std::string>();
    }
    if (r["secret"].get<bool>()) type += ", secret";
    std::string req;
    for (const auto& q : r["requiredBy"]) req += (req.empty() ? "" : ", ") + q.get<std::string>();
    const std::string def = r["default"].get<std::string>();
    out += "| `" + r["key"].get<std::string>() + "` | " + type + " | " +
           (def.empty() ? "" : "`" + def + "`") + " | " + req + " | " +
           r["doc"].get<std::string>() + " |\n";
  }
  return out;
}

nlohmann::ordered_json StateValues(const Config& config) {
  using J = nlohmann::ordered_json;
  // Only the Config's non-secret values; a value holding a secret (which
  // LoadConfig refuses) reads as empty here, never as the secret.
  struct NonSecret {
    const Config& c;
    [[nodiscard]] std::string Get(std::string_view key) const {
      const ConfigEntry* e = c.Find(key);
      return e == nullptr || e->Secret() ? std::string() : e->value;
    }
    [[nodiscard]] bool GetBool(std::string_view key) const { return c.GetBool(key); }
    [[nodiscard]] long GetInt(std::string_view key) const { return c.GetInt(key); }
    [[nodiscard]] std::vector<std::string> GetList(std::string_view key) const {
      return SplitList(Get(key));
    }
  } c{config};
  J installed = J::object();
  for (const auto& comp : Components())
    installed[std::string(comp.state_key)] = IsEnabled(comp, config);
  const bool oauth = installed["oauth2Proxy"].get<bool>();
  const bool nginx = c.Get("INGRESS_PROVIDER") == "nginx";
  bool app_auth = oauth && nginx;
  if (!c.Get("APP_AUTH_ENABLED").empty()) app_auth = c.GetBool("APP_AUTH_ENABLED");
  const bool prod = c.Get("LETSENCRYPT_ENV") == "prod";
  J namespaces = J::array();
  for (auto ns : ManagedNamespaces()) namespaces.push_back(std::string(ns));

  J j = J::object();
  j["schemaVersion"] = 1;
  j["baseDomain"] = c.Get("BASE_DOMAIN");
  j["timeoutSecs"] = c.GetInt("TIMEOUT_SECS");
  j["helmfileEnv"] = c.Get("HELMFILE_ENV");
  j["issuers"] = {{"platform", c.Get("PLATFORM_CLUSTER_ISSUER")},
                  {"app", c.Get("APP_CLUSTER_ISSUER")}};
  j["letsencrypt"] = {{"env", c.Get("LETSENCRYPT_ENV")},
                      {"email", c.Get("ACME_EMAIL")},
                      {"stagingServer", c.Get("LETSENCRYPT_STAGING_SERVER")},
                      {"prodServer", c.Get("LETSENCRYPT_PROD_SERVER")},
                      {"aliasServer", prod ? c.Get("LETSENCRYPT_PROD_SERVER")
                                           : c.Get("LETSENCRYPT_STAGING_SERVER")}};
  j["providers"] = {{"ingress", c.Get("INGRESS_PROVIDER")},
                    {"objectStorage", c.Get("OBJECT_STORAGE_PROVIDER")}};
  j["ingressClass"] = c.Get("INGRESS_PROVIDER") == "traefik" ? "traefik" : "nginx";
  j["features"] = {{"cilium", c.GetBool("FEAT_CILIUM")},
                   {"oauth2Proxy", c.GetBool("FEAT_OAUTH2_PROXY")},
                   {"clickstack", c.GetBool("FEAT_CLICKSTACK")},
                   {"otelK8s", c.GetBool("FEAT_OTEL_K8S")},
                   {"minio", c.GetBool("FEAT_MINIO")}};
  j["installed"] = installed;
  j["hosts"] = {{"oauth", c.Get("OAUTH_HOST")},
                {"hubble", c.Get("HUBBLE_HOST")},
                {"clickstack", c.Get("CLICKSTACK_HOST")},
                {"minio", c.Get("MINIO_HOST")},
                {"minioConsole", c.Get("MINIO_CONSOLE_HOST")},
                {"app", c.Get("APP_HOST")}};
  j["app"] = {
      {"namespace", c.Get("APP_NAMESPACE")},
      {"tlsSecret", c.Get("TLS_SECRET")},
      {"authEnabled", app_auth},
      {"image", {{"repository", c.Get("HELLO_IMAGE_REPO")}, {"tag", c.Get("HELLO_IMAGE_TAG")}}}};
  j["oauth"] = {{"enabled", oauth},
                {"oidcIssuer", c.Get("OIDC_ISSUER")},
                {"clientId", c.Get("OIDC_CLIENT_ID")},
                {"redirectUrl", c.Get("OAUTH_REDIRECT_URL")},
                {"emailDomains", c.GetList("OAUTH_EMAIL_DOMAINS")},
                {"cookieDomain", "." + c.Get("BASE_DOMAIN")}};
  j["clickstack"] = {{"otelEndpoint", c.Get("CLICKSTACK_OTEL_ENDPOINT")}};
  j["minio"] = {{"rootUser", c.Get("MINIO_ROOT_USER")}};
  j["certManager"] = {{"startupApiCheck", c.GetBool("CM_STARTUP_API_CHECK")}};
  j["namespaces"] = namespaces;
  return j;
}

}  // namespace platformctl
