// The config key table (one row per key) and the typed checks behind it.
#include "platformctl/schema.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

#include "platformctl/diagnostics.h"
#include "platformctl/suggest.h"

namespace platformctl {
namespace {

using enum KeyType;
using enum KeyGroup;

constexpr std::string_view kLeStaging = "https://acme-staging-v02.api.letsencrypt.org/directory";

// clang-format off
// name, type, default, secret, choices, group, doc[, allow_empty]
constexpr KeySpec kKeys[] = {
  // Domain / TLS / app
  {"BASE_DOMAIN", kDnsName, "homelab.swhurl.com", false, "", kDomain, "Base DNS domain; every derived host defaults to PREFIX.${BASE_DOMAIN}", false},
  {"PLATFORM_CLUSTER_ISSUER", kEnum, "${CLUSTER_ISSUER:-letsencrypt-staging}", false, "selfsigned|letsencrypt|letsencrypt-staging|letsencrypt-prod", kDomain, "ClusterIssuer for platform ingresses (hubble, oauth, clickstack, minio)", false},
  {"CLUSTER_ISSUER", kEnum, "", false, "selfsigned|letsencrypt|letsencrypt-staging|letsencrypt-prod", kDomain, "Deprecated: the default of PLATFORM_CLUSTER_ISSUER; set PLATFORM_CLUSTER_ISSUER instead"},
  {"APP_CLUSTER_ISSUER", kEnum, "${PLATFORM_CLUSTER_ISSUER}", false, "selfsigned|letsencrypt|letsencrypt-staging|letsencrypt-prod", kDomain, "ClusterIssuer for the sample app's Certificate", false},
  {"APP_NAMESPACE", kEnum, "apps-staging", false, "apps-staging|apps-prod", kDomain, "Namespace of the sample app release hello-web", false},
  {"APP_HOST", kDnsName, "staging.hello.${BASE_DOMAIN}", false, "", kDomain, "Host of the sample app ingress and certificate", false},
  {"APP_AUTH_ENABLED", kBool, "", false, "", kDomain, "Protect the sample app with oauth2-proxy; empty = on iff oauth2-proxy is on and ingress is nginx"},
  {"HELLO_IMAGE_REPO", kString, "docker.io/nginx", false, "", kDomain, "Sample app image repository", false},
  {"HELLO_IMAGE_TAG", kString, "1.25-alpine", false, "", kDomain, "Sample app image tag", false},
  {"TLS_SECRET", kString, "hello-web-tls", false, "", kDomain, "Secret holding the sample app certificate", false},
  {"LETSENCRYPT_ENV", kEnum, "staging", false, "staging|prod", kDomain, "Which ACME server the 'letsencrypt' alias issuer uses", false},
  {"LETSENCRYPT_STAGING_SERVER", kUrl, kLeStaging, false, "", kDomain, "ACME directory of letsencrypt-staging", false},
  {"LETSENCRYPT_PROD_SERVER", kUrl, "https://acme-v02.api.letsencrypt.org/directory", false, "", kDomain, "ACME directory of letsencrypt-prod (point it at staging for test loops)", false},
  {"ACME_EMAIL", kEmail, "", false, "", kDomain, "ACME account e-mail (required when a Let's Encrypt issuer is in use)"},
  // OAuth2 / OIDC
  {"OAUTH_HOST", kDnsName, "oauth.${BASE_DOMAIN}", false, "", kAuth, "oauth2-proxy ingress host"},
  {"OIDC_ISSUER", kUrl, "", false, "", kAuth, "OIDC issuer URL for oauth2-proxy (e.g. https://accounts.google.com)"},
  {"OIDC_CLIENT_ID", kString, "", false, "", kAuth, "OIDC client id for oauth2-proxy"},
  {"OIDC_CLIENT_SECRET", kString, "", true, "", kAuth, "OIDC client secret for oauth2-proxy"},
  {"OAUTH_COOKIE_SECRET", kString, "", true, "", kAuth, "oauth2-proxy cookie secret: exactly 16, 24 or 32 bytes"},
  {"OAUTH_REDIRECT_URL", kUrl, "https://${OAUTH_HOST}/oauth2/callback", false, "", kAuth, "OIDC redirect URL"},
  {"OAUTH_EMAIL_DOMAINS", kList, "", false, "", kAuth, "E-mail domains oauth2-proxy authorizes (space/comma list; no '*' default)"},
  // Observability
  {"HUBBLE_HOST", kDnsName, "hubble.${BASE_DOMAIN}", false, "", kObservability, "Hubble UI ingress host"},
  {"CLICKSTACK_HOST", kDnsName, "clickstack.${BASE_DOMAIN}", false, "", kObservability, "HyperDX (ClickStack) ingress host"},
  {"CLICKSTACK_API_KEY", kString, "", true, "", kObservability, "HyperDX API key"},
  {"CLICKSTACK_INGESTION_KEY", kString, "", true, "", kObservability, "Ingestion key the OTel collectors send (from the HyperDX UI, API Keys)"},
  {"CLICKSTACK_OTEL_ENDPOINT", kUrl, "http://clickstack-otel-collector.observability.svc.cluster.local:4318", false, "", kObservability, "OTLP/HTTP endpoint of the ClickStack collector", false},
  // Storage
  {"MINIO_HOST", kDnsName, "minio.${BASE_DOMAIN}", false, "", kStorage, "MinIO S3 API ingress host"},
  {"MINIO_CONSOLE_HOST", kDnsName, "minio-console.${BASE_DOMAIN}", false, "", kStorage, "MinIO console ingress host"},
  {"MINIO_ROOT_USER", kString, "minioadmin", false, "", kStorage, "MinIO root user", false},
  {"MINIO_ROOT_PASSWORD", kString, "", true, "", kStorage, "MinIO root password"},
  // Providers and features
  {"INGRESS_PROVIDER", kEnum, "nginx", false, "nginx|traefik", kFeatures, "Ingress controller: ingress-nginx release, or k3s's bundled Traefik", false},
  {"OBJECT_STORAGE_PROVIDER", kEnum, "minio", false, "minio|ceph", kFeatures, "Object storage provider (ceph: declared, nothing installed yet)", false},
  {"FEAT_CILIUM", kBool, "true", false, "", kFeatures, "Install Cilium (k3s must run with --flannel-backend=none)", false},
  {"FEAT_OAUTH2_PROXY", kBool, "true", false, "", kFeatures, "Install oauth2-proxy and protect platform UIs", false},
  {"FEAT_CLICKSTACK", kBool, "true", false, "", kFeatures, "Install ClickStack (ClickHouse + HyperDX + collector)", false},
  {"FEAT_OTEL_K8S", kBool, "true", false, "", kFeatures, "Install the Kubernetes OTel collectors (needs ClickStack)", false},
  {"FEAT_MINIO", kBool, "true", false, "", kFeatures, "Install MinIO when OBJECT_STORAGE_PROVIDER=minio", false},
  {"FEAT_VERIFY", kBool, "true", false, "", kFeatures, "Run the core verify tier at the end of apply", false},
  {"FEAT_VERIFY_DEEP", kBool, "false", false, "", kFeatures, "Also run the deep verify tier (ignored when FEAT_VERIFY=false)", false},
  // Runtime
  {"TIMEOUT_SECS", kInt, "300", false, "", kRuntime, "Default bound in seconds for helm waits, rollouts and CRD waits", false},
  {"HELMFILE_ENV", kEnum, "default", false, "default|minimal", kRuntime, "helmfile environment (-e); gating always comes from FEAT_* keys", false},
  {"HELMFILE_FILE", kPath, "infra/helmfile.yaml.gotmpl", false, "", kRuntime, "helmfile state file, relative to the repo root (--file)", false},
  {"ONLY", kList, "", false, "", kRuntime, "Deprecated: default step selection when --only is not given; use --only"},
  {"HELM_REPO_RETRIES", kInt, "3", false, "", kRuntime, "Attempts per helm repo add", false},
  {"KUBE_CONTEXT", kString, "", false, "", kRuntime, "Expected kube context: apply and delete exit 3 before any change when the context in use differs (empty: the current context, recorded in the journal)"},
  {"CLUSTER_UID", kString, "", false, "", kRuntime, "Expected UID of the kube-system namespace (kubectl get ns kube-system -o jsonpath='{.metadata.uid}'); a different cluster exits 3 (empty: not checked)"},
  {"RUN_HOST_LAYER", kBool, "false", false, "", kRuntime, "Include the host phase in apply/delete (same as --with-host)", false},
  {"CILIUM_SKIP_FLANNEL_CHECK", kBool, "false", false, "", kRuntime, "Skip the guard that refuses Cilium on flannel nodes", false},
  {"CILIUM_DELETE_CRDS", kBool, "true", false, "", kRuntime, "Delete *.cilium.io CRDs on delete", false},
  {"CM_STARTUP_API_CHECK", kBool, "false", false, "", kRuntime, "Enable cert-manager's startupapicheck job", false},
  {"CM_DELETE_CRDS", kBool, "true", false, "", kRuntime, "Delete cert-manager CRDs on delete", false},
  // Verify
  {"HELMFILE_SERVER_DRY_RUN", kBool, "true", false, "", kVerify, "Deprecated, ignored: verify/drift passes no --args to helmfile (helmfile#1749)", false},
  {"HELMFILE_DIFF_CONTEXT", kInt, "3", false, "", kVerify, "Lines of context in drift output", false},
  {"HELMFILE_DIFF_SUPPRESS_SECRETS", kBool, "true", false, "", kVerify, "Pass --suppress-secrets to helmfile diff", false},
  {"HELMFILE_DIFF_SUPPRESS_OBJECTS", kList, "", false, "", kVerify, "Kinds to suppress in drift output"},
  {"VERIFY_RELEASE_SCOPE", kEnum, "platform", false, "platform|cluster", kVerify, "Which namespaces the release check looks at", false},
  {"VERIFY_RELEASE_STRICT_EXTRAS", kBool, "false", false, "", kVerify, "Fail on unexpected Helm releases", false},
  {"VERIFY_RELEASE_ALLOWLIST", kList, "", false, "", kVerify, "ns/name globs of releases allowed besides the expected ones"},
  {"VERIFY_INGRESS_ADDRESS", kString, "", false, "", kVerify, "Address the deep HTTPS smoke connects to (empty: the InternalIP of the first Ready node)"},
  {"VERIFY_HTTPS_PORT", kInt, "30313", false, "", kVerify, "Port the deep HTTPS smoke connects to (the ingress HTTPS NodePort)", false},
  {"VERIFY_CERT_MIN_DAYS", kInt, "14", false, "", kVerify, "A served certificate expiring within this many days fails the deep HTTPS smoke", false},
  // Delete
  {"DELETE_SCOPE", kEnum, "managed", false, "managed|dedicated-cluster", kDelete, "Secret sweep scope on delete", false},
  {"NAMESPACE_DELETE_TIMEOUT_SECS", kInt, "180", false, "", kDelete, "Bound for waiting on managed namespace deletion", false},
  {"K3S_UNINSTALL", kBool, "false", false, "", kDelete, "Uninstall k3s in the host phase of delete", false},
  {"ALLOW_LETSENCRYPT_PROD_LOOP", kBool, "false", false, "", kDelete, "Allow repeated scratch cycles against the production ACME server", false},
  {"CYCLES", kInt, "3", false, "", kDelete, "Install/delete cycles of the scratch test loop", false},
  // Host
  {"HOST_PACKAGE_MANAGER", kEnum, "auto", false, "auto|apt|dnf|pacman|zypper", kHost, "Package manager for host bootstrap", false},
  {"HOST_INSTALL_PACKAGES", kBool, "true", false, "", kHost, "Install base packages during host bootstrap", false},
  {"HOST_BASE_PACKAGES", kList, "", false, "", kHost, "Replace the default host package list"},
  {"HOST_REQUIRED_COMMANDS", kList, "curl", false, "", kHost, "Commands that must exist after host bootstrap"},
  {"K3S_INGRESS_MODE", kEnum, "traefik", false, "traefik|none", kHost, "Keep k3s's bundled Traefik (traefik) or disable it (none)", false},
  {"K3S_VERSION", kString, "", false, "", kHost, "Pinned k3s version (empty = channel default)"},
  {"K3S_KUBECONFIG_DEST", kPath, "", false, "", kHost, "Kubeconfig the k3s context is merged into, with a backup (empty = ~/.kube/config of the invoking user)"},
  {"HOST_SUDO", kBool, "false", false, "", kHost, "Run root-only host tasks through 'sudo -n' when not root (else they need root)", false},
  {"K3S_CHANNEL", kString, "stable", false, "", kHost, "k3s release channel used when K3S_VERSION is empty (stable, latest, v1.31, ...)", false},
  {"K3S_INSTALL_URL", kUrl, "https://get.k3s.io", false, "", kHost, "Where the k3s installer script is downloaded from (https; http only for loopback)", false},
  {"K3S_INSTALL_SHA256", kString, "", false, "", kHost, "SHA-256 of the installer script: a download with another checksum is refused (empty = not checked)"},
  {"K3S_EXTRA_ARGS", kList, "", false, "", kHost, "Extra k3s server flags, after the ones derived from the config"},
  {"K3S_CONTEXT_NAME", kString, "${KUBE_CONTEXT}", false, "", kHost, "Name of the context, cluster and user merged into the kubeconfig (empty = k3s)"},
  {"KUBECONFIG_OUT", kPath, "", false, "", kHost, "Write the k3s kubeconfig to this file (a standalone file) instead of merging it"},
  // Dynamic DNS
  {"SWHURL_SUBDOMAINS", kList, "", false, "", kDns, "Subdomain tokens (space or comma separated) kept pointed at this host; DNS_ZONE_NAME is appended (empty = SWHURL_SUBDOMAIN, else derived from BASE_DOMAIN)"},
  {"SWHURL_SUBDOMAIN", kString, "", false, "", kDns, "Single subdomain token (legacy fallback)"},
  {"DNS_ZONE_NAME", kDnsName, "swhurl.com", false, "", kDns, "The Route53 zone's domain, appended to every subdomain token", false},
  {"AWS_ZONE_ID", kString, "", false, "", kDns, "Deprecated: the default of ROUTE53_HOSTED_ZONE_ID; set ROUTE53_HOSTED_ZONE_ID instead"},
  {"ROUTE53_HOSTED_ZONE_ID", kString, "${AWS_ZONE_ID}", false, "", kDns, "Route53 hosted zone id (Z..., or /hostedzone/Z...)"},
  {"DNS_TTL", kInt, "300", false, "", kDns, "TTL of the records 'dns update' writes (seconds)", false},
  {"DNS_IPV6", kBool, "false", false, "", kDns, "Also keep AAAA records pointed at the public IPv6 address", false},
  {"DNS_UPDATE_INTERVAL", kDuration, "10m", false, "", kDns, "How often the systemd timer runs 'platformctl dns update' (divides an hour or a day)", false},
  {"PUBLIC_IP_URL", kUrl, "https://checkip.amazonaws.com", false, "", kDns, "HTTPS service answering the public IPv4 address (http only for loopback)", false},
  {"PUBLIC_IP6_URL", kUrl, "https://api6.ipify.org", false, "", kDns, "HTTPS service answering the public IPv6 address (with DNS_IPV6=true)", false},
  {"ROUTE53_ENDPOINT", kUrl, "https://route53.amazonaws.com", false, "", kDns, "Route53 API endpoint (http only for loopback, for tests)", false},
  {"AWS_PROFILE", kString, "default", false, "", kDns, "Section of ~/.aws/credentials used when AWS_ACCESS_KEY_ID is empty", false},
  {"AWS_ACCESS_KEY_ID", kString, "", true, "", kDns, "AWS access key id for Route53 (else the AWS profile)"},
  {"AWS_SECRET_ACCESS_KEY", kString, "", true, "", kDns, "AWS secret access key for Route53"},
  {"AWS_SESSION_TOKEN", kString, "", true, "", kDns, "AWS session token for temporary credentials"},
  {"AWS_NAMESERVER", kString, "", false, "", kDns, "Deprecated, ignored: 'dns update' reads the records from the Route53 API, not from a name server"},
  // Flux
  {"FLUX_MODE", kEnum, "install", false, "install|bootstrap", kFlux, "flux bootstrap: 'flux install' (controllers only) or 'flux bootstrap git' (commits flux-system to FLUX_GIT_URL)", false},
  {"FLUX_GIT_URL", kUrl, "https://github.com/samclement/swhurl-platform", false, "", kFlux, "Git repository Flux reconciles (the GitRepository's url; point it at your fork)", false},
  {"FLUX_GIT_BRANCH", kString, "main", false, "", kFlux, "Branch Flux reconciles", false},
  {"FLUX_GIT_PATH", kString, "cluster/flux", false, "", kFlux, "Path in the repository of the bootstrap manifests (flux bootstrap --path)", false},
  {"FLUX_GIT_TOKEN", kString, "", true, "", kFlux, "Token for 'flux bootstrap git --token-auth' (FLUX_MODE=bootstrap, https URL); flux gets it only as GIT_PASSWORD in its environment"},
  {"FLUX_RECONCILE_TIMEOUT", kDuration, "5m", false, "", kFlux, "Bound of each 'flux reconcile' wait", false},
};
// clang-format on

}  // namespace

std::span<const KeySpec> ConfigKeys() { return kKeys; }

const KeySpec* FindKey(std::string_view name) {
  for (const auto& k : kKeys) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string_view KeyTypeName(KeyType t) {
  switch (t) {
    case kString:
      return "string";
    case kBool:
      return "bool";
    case kInt:
      return "int";
    case kEnum:
      return "enum";
    case kDnsName:
      return "dns name";
    case kUrl:
      return "url";
    case kEmail:
      return "email";
    case kDuration:
      return "duration";
    case kList:
      return "list";
    case kPath:
      return "path";
  }
  return "string";
}

std::string_view KeyGroupName(KeyGroup g) {
  switch (g) {
    case kDomain:
      return "Domain, TLS and sample app";
    case kAuth:
      return "OAuth2 / OIDC";
    case kObservability:
      return "Observability";
    case kStorage:
      return "Object storage";
    case kFeatures:
      return "Providers and features";
    case kRuntime:
      return "Runtime";
    case kVerify:
      return "Verification";
    case kDelete:
      return "Delete";
    case kHost:
      return "Host layer";
    case kDns:
      return "Dynamic DNS";
    case kFlux:
      return "Flux GitOps";
  }
  return "";
}

std::vector<std::string_view> SplitChoices(std::string_view choices) {
  std::vector<std::string_view> out;
  while (!choices.empty()) {
    auto bar = choices.find('|');
    out.push_back(choices.substr(0, bar));
    if (bar == std::string_view::npos) break;
    choices.remove_prefix(bar + 1);
  }
  return out;
}

std::optional<std::string_view> SuggestKey(std::string_view unknown) {
  static const std::vector<std::string_view> names = [] {
    std::vector<std::string_view> v;
    for (const auto& k : kKeys) v.push_back(k.name);
    return v;
  }();
  return SuggestClosest(unknown, names);
}

bool LooksSecret(std::string_view key) {
  if (const KeySpec* k = FindKey(key)) return k->secret;
  std::string upper;
  for (char c : key)
    upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  for (std::string_view marker : {"SECRET", "PASSWORD", "TOKEN", "KEY", "PASS", "CREDENTIAL"}) {
    if (upper.find(marker) != std::string::npos) return true;
  }
  return false;
}

std::optional<bool> ParseBool(std::string_view text) {
  std::string v;
  for (char c : text) v.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (v == "true" || v == "1" || v == "yes") return true;
  if (v == "false" || v == "0" || v == "no") return false;
  return std::nullopt;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::optional<long> ParseDurationSeconds(std::string_view text) {
  if (text.empty()) return std::nullopt;
  long total = 0;
  size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    long n = 0;
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 100000000) return std::nullopt;
      ++i;
    }
    if (i == start) return std::nullopt;
    long unit = 1;
    if (i < text.size()) {
      switch (text[i]) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        default:
          return std::nullopt;
      }
      ++i;
    } else if (any) {
      return std::nullopt;  // "1m30" is ambiguous
    }
    total += n * unit;
    any = true;
  }
  return total;
}

bool IsDnsName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  if (host.back() == '.') host.remove_suffix(1);
  int labels = 0;
  while (true) {
    auto dot = host.find('.');
    std::string_view label = host.substr(0, dot);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
    }
    ++labels;
    if (dot == std::string_view::npos) break;
    host.remove_prefix(dot + 1);
  }
  return labels >= 2;
}

bool IsEmail(std::string_view email) {
  auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 ||
      email.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  for (char c : email.substr(0, at)) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == ',')
      return false;
  }
  return IsDnsName(email.substr(at + 1));
}

bool IsUrl(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else {
    return false;
  }
  auto end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  auto colon = authority.rfind(':');
  std::string_view host = authority.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view port = authority.substr(colon + 1);
    int p = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || ptr != port.data() + port.size() || p <= 0 || p > 65535) return false;
  }
  for (char c : url) {
    if (std::isspace(static_cast<unsigned char>(c))) return false;
  }
  return host == "localhost" || IsDnsName(host);
}

std::optional<std::string> CheckValue(const KeySpec& spec, std::string_view value) {
  if (value.empty()) {
    if (spec.allow_empty) return std::nullopt;
    return std::string(spec.name) + " must not be empty";
  }
  const std::string name(spec.name);
  const std::string got = "(got '" + Excerpt(value) + "')";
  switch (spec.type) {
    case kString:
    case kPath:
    case kList:
      return std::nullopt;
    case kBool:
      if (ParseBool(value)) return std::nullopt;
      return name + " must be true or false (also accepted: 1/0, yes/no, any case) " + got;
    case kInt: {
      long n = 0;
      auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (ec == std::errc() && ptr == value.data() + value.size() && n >= 0) return std::nullopt;
      return name + " must be a non-negative integer " + got;
    }
    case kEnum: {
      for (auto c : SplitChoices(spec.choices)) {
        if (c == value) return std::nullopt;
      }
      std::string list;
      for (auto c : SplitChoices(spec.choices)) list += (list.empty() ? "" : ", ") + std::string(c);
      return name + " must be one of " + list + " " + got;
    }
    case kDnsName:
      if (IsDnsName(value)) return std::nullopt;
      return name + " must be a DNS name such as host.example.com " + got;
    case kUrl:
      if (IsUrl(value)) return std::nullopt;
      return name + " must be an http(s) URL such as https://host.example.com/path " + got;
    case kEmail:
      if (IsEmail(value)) return std::nullopt;
      return name + " must be an e-mail address such as admin@example.com " + got;
    case kDuration:
      if (ParseDurationSeconds(value)) return std::nullopt;
      return name + " must be a duration such as 90s, 10m or 1h " + got;
  }
  return std::nullopt;
}

}  // namespace platformctl
