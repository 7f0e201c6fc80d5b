// The component registry table.
#include <algorithm>
#include <functional>
#include <set>

#include "platformctl/config.h"
#include "platformctl/plan.h"
#include "platformctl/registry.h"
#include "platformctl/schema.h"

namespace platformctl {
namespace {

// clang-format off
const std::vector<Component>& Table() {
  static const std::vector<Component> kComponents = {
    {.id = "platform-namespaces", .title = "Platform namespaces", .phase = "prereqs",
     .state_key = "platformNamespaces", .selector = "component=platform-namespaces",
     .releases = {{"kube-system", "platform-namespaces"}}},
    {.id = "cilium", .title = "Cilium CNI and Hubble", .phase = "cilium", .feature_flag = "FEAT_CILIUM",
     .state_key = "cilium", .selector = "component=cilium", .required = {"HUBBLE_HOST"},
     .releases = {{"kube-system", "cilium"}}, .repos = {"cilium"}, .workloads = true,
     .ingresses = {{.name = "hubble-ui", .host_key = "HUBBLE_HOST", .auth = IngressAuth::kOauthOnNginx}}},
    {.id = "cert-manager", .title = "cert-manager", .phase = "cert-manager", .state_key = "certManager",
     .selector = "component=cert-manager", .releases = {{"cert-manager", "cert-manager"}},
     .repos = {"jetstack"}, .workloads = true},
    {.id = "issuers", .title = "ClusterIssuers", .phase = "issuers", .state_key = "platformIssuers",
     .selector = "component=platform-issuers", .needs = {"cert-manager"},
     .releases = {{"kube-system", "platform-issuers"}}},
    {.id = "ingress-nginx", .title = "ingress-nginx", .phase = "ingress", .provider_key = "INGRESS_PROVIDER",
     .provider_value = "nginx", .state_key = "ingressNginx", .selector = "component=ingress-nginx",
     .releases = {{"ingress", "ingress-nginx"}}, .repos = {"ingress-nginx"}, .workloads = true},
    {.id = "traefik", .title = "Traefik (bundled with k3s)", .phase = "ingress",
     .provider_key = "INGRESS_PROVIDER", .provider_value = "traefik", .state_key = "traefik"},
    {.id = "oauth2-proxy", .title = "oauth2-proxy", .phase = "platform", .feature_flag = "FEAT_OAUTH2_PROXY",
     .state_key = "oauth2Proxy", .selector = "component=oauth2-proxy",
     .required = {"OAUTH_HOST", "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OAUTH_COOKIE_SECRET",
                  "OAUTH_EMAIL_DOMAINS"},
     .secrets = {"OIDC_CLIENT_SECRET", "OAUTH_COOKIE_SECRET"},
     .releases = {{"ingress", "oauth2-proxy"}}, .repos = {"oauth2-proxy"}, .workloads = true,
     .ingresses = {{.name = "oauth2-proxy", .host_key = "OAUTH_HOST"}}},
    {.id = "clickstack", .title = "ClickStack (ClickHouse + HyperDX)", .phase = "platform",
     .feature_flag = "FEAT_CLICKSTACK", .state_key = "clickstack", .selector = "component=clickstack",
     .required = {"CLICKSTACK_HOST", "CLICKSTACK_API_KEY"}, .secrets = {"CLICKSTACK_API_KEY"},
     .releases = {{"observability", "clickstack"}}, .repos = {"clickstack"}, .workloads = true,
     .ingresses = {{.name = "clickstack-app-ingress", .host_key = "CLICKSTACK_HOST",
                    .auth = IngressAuth::kOauthOnNginx}}},
    {.id = "otel-daemonset", .title = "OTel collector (daemonset)", .phase = "platform",
     .feature_flag = "FEAT_OTEL_K8S", .state_key = "otelK8sDaemonset", .selector = "component=otel-k8s-daemonset",
     .required = {"CLICKSTACK_INGESTION_KEY"}, .secrets = {"CLICKSTACK_INGESTION_KEY"}, .needs = {"clickstack"},
     .releases = {{"logging", "otel-k8s-daemonset"}}, .repos = {"open-telemetry"}, .workloads = true},
    {.id = "otel-cluster", .title = "OTel collector (cluster)", .phase = "platform",
     .feature_flag = "FEAT_OTEL_K8S", .state_key = "otelK8sCluster", .selector = "component=otel-k8s-cluster",
     .required = {"CLICKSTACK_INGESTION_KEY"}, .secrets = {"CLICKSTACK_INGESTION_KEY"},
     .needs = {"clickstack", "otel-daemonset"},
     .releases = {{"logging", "otel-k8s-cluster"}}, .repos = {"open-telemetry"}, .workloads = true},
    {.id = "minio", .title = "MinIO object storage", .phase = "platform", .feature_flag = "FEAT_MINIO",
     .provider_key = "OBJECT_STORAGE_PROVIDER", .provider_value = "minio", .state_key = "minio",
     .selector = "component=minio", .required = {"MINIO_HOST", "MINIO_CONSOLE_HOST", "MINIO_ROOT_PASSWORD"},
     .secrets = {"MINIO_ROOT_PASSWORD"}, .releases = {{"storage", "minio"}}, .repos = {"minio"},
     .workloads = true,
     .ingresses = {{.name = "minio", .host_key = "MINIO_HOST"},
                   {.name = "minio-console", .host_key = "MINIO_CONSOLE_HOST"}}},
    {.id = "ceph", .title = "Ceph object storage (declared; nothing installed yet)", .phase = "platform",
     .provider_key = "OBJECT_STORAGE_PROVIDER", .provider_value = "ceph", .state_key = "ceph"},
    {.id = "hello-web", .title = "Sample app hello-web", .phase = "apps", .state_key = "helloWeb",
     .selector = "component=apps-hello", .required = {"APP_HOST"}, .needs = {"issuers"},
     .releases = {{"${APP_NAMESPACE}", "hello-web"}}, .workloads = true,
     .ingresses = {{.name = "hello-web", .host_key = "APP_HOST", .auth = IngressAuth::kAppAuth,
                    .issuer_key = "APP_CLUSTER_ISSUER", .issuer_annotation = false}}},
  };
  return kComponents;
}

constexpr HelmRepo kRepos[] = {
  {"jetstack", "https://charts.jetstack.io"},
  {"ingress-nginx", "https://kubernetes.github.io/ingress-nginx"},
  {"oauth2-proxy", "https://oauth2-proxy.github.io/manifests"},
  {"cilium", "https://helm.cilium.io/"},
  {"clickstack", "https://clickhouse.github.io/ClickStack-helm-charts"},
  {"open-telemetry", "https://open-telemetry.github.io/opentelemetry-helm-charts"},
  {"minio", "https://charts.min.io/"},
};

constexpr std::string_view kManagedNamespaces[] = {
  "platform-system", "ingress", "cert-manager", "logging", "observability", "storage", "apps-staging", "apps-prod",
};
// clang-format on

}  // namespace

std::span<const Component> Components() { return Table(); }

const Component* FindComponent(std::string_view id) {
  for (const auto& c : Table()) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

std::span<const HelmRepo> HelmRepos() { return kRepos; }

const HelmRepo* FindHelmRepo(std::string_view name) {
  for (const auto& r : kRepos) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::span<const std::string_view> ManagedNamespaces() { return kManagedNamespaces; }

bool IsEnabled(const Component& c, const Config& config) {
  if (!c.feature_flag.empty() && !config.GetBool(c.feature_flag)) return false;
  if (!c.provider_key.empty() && config.Get(c.provider_key) != c.provider_value) return false;
  return true;
}

std::vector<std::string_view> ComponentsRequiring(std::string_view key) {
  std::vector<std::string_view> out;
  for (const auto& c : Table()) {
    if (std::find(c.required.begin(), c.required.end(), key) != c.required.end())
      out.push_back(c.id);
  }
  return out;
}

std::string InstallStepId(const Component& c) {
  if (c.phase == "prereqs") return "prereqs/namespaces";
  if (c.phase == "cilium" || c.phase == "cert-manager" || c.phase == "issuers")
    return std::string(c.phase) + "/install";
  return std::string(c.phase) + "/" + std::string(c.id);
}

bool IngressProtected(const IngressRef& ingress, const Config& config) {
  const bool oauth_on_nginx =
      config.GetBool("FEAT_OAUTH2_PROXY") && config.Get("INGRESS_PROVIDER") == "nginx";
  switch (ingress.auth) {
    case IngressAuth::kNone:
      return false;
    case IngressAuth::kOauthOnNginx:
      return oauth_on_nginx;
    case IngressAuth::kAppAuth:  // the chart annotates only under nginx
      if (config.Get("APP_AUTH_ENABLED").empty()) return oauth_on_nginx;
      return config.GetBool("APP_AUTH_ENABLED") && config.Get("INGRESS_PROVIDER") == "nginx";
  }
  return false;
}

std::string ResolveReleaseNamespace(const ReleaseRef& r, const Config& config) {
  if (r.ns.starts_with("${") && r.ns.ends_with("}")) {
    return config.Get(r.ns.substr(2, r.ns.size() - 3));
  }
  return std::string(r.ns);
}

std::vector<std::string> CheckRegistryIntegrity() {
  std::vector<std::string> problems;
  std::set<std::string_view> ids;
  std::set<std::string_view> state_keys;
  const auto& phases = ApplyPhases();
  for (const auto& c : Table()) {
    const std::string id(c.id);
    if (!ids.insert(c.id).second) problems.push_back("duplicate component id " + id);
    if (!state_keys.insert(c.state_key).second) problems.push_back(id + ": duplicate state key");
    if (std::find(phases.begin(), phases.end(), c.phase) == phases.end()) {
      problems.push_back(id + ": unknown phase " + std::string(c.phase));
    }
    if (!c.feature_flag.empty()) {
      const KeySpec* k = FindKey(c.feature_flag);
      if (k == nullptr || k->type != KeyType::kBool)
        problems.push_back(id + ": feature flag is not a bool key");
    }
    if (!c.provider_key.empty()) {
      const KeySpec* k = FindKey(c.provider_key);
      bool ok = k != nullptr && k->type == KeyType::kEnum;
      if (ok) {
        auto choices = SplitChoices(k->choices);
        ok = std::find(choices.begin(), choices.end(), c.provider_value) != choices.end();
      }
      if (!ok)
        problems.push_back(id + ": provider " + std::string(c.provider_value) + " is not a choice");
    }
    for (auto key : c.required) {
      if (FindKey(key) == nullptr)
        problems.push_back(id + ": unknown required key " + std::string(key));
    }
    for (auto key : c.secrets) {
      const KeySpec* k = FindKey(key);
      if (k == nullptr || !k->secret)
        problems.push_back(id + ": " + std::string(key) + " is not a secret key");
    }
    for (auto repo : c.repos) {
      if (FindHelmRepo(repo) == nullptr)
        problems.push_back(id + ": unknown helm repo " + std::string(repo));
    }
    if (!c.selector.empty() && c.releases.empty())
      problems.push_back(id + ": selector without releases");
    for (const auto& r : c.releases) {
      if (r.ns.starts_with("${") && FindKey(r.ns.substr(2, r.ns.size() - 3)) == nullptr) {
        problems.push_back(id + ": release namespace references an unknown key");
      }
    }
  }
  // needs: exist, and no cycles (depth-first search).
  std::function<bool(std::string_view, std::set<std::string_view>&)> cyclic =
      [&](std::string_view id, std::set<std::string_view>& stack) {
        if (!stack.insert(id).second) return true;
        const Component* c = FindComponent(id);
        if (c != nullptr) {
          for (auto n : c->needs) {
            if (cyclic(n, stack)) return true;
          }
        }
        stack.erase(id);
        return false;
      };
  for (const auto& c : Table()) {
    for (auto n : c.needs) {
      if (FindComponent(n) == nullptr)
        problems.push_back(std::string(c.id) + ": needs unknown " + std::string(n));
    }
    std::set<std::string_view> stack;
    if (cyclic(c.id, stack)) problems.push_back(std::string(c.id) + ": cycle in needs");
  }
  return problems;
}

}  // namespace platformctl
