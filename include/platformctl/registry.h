#pragma once
/// The component registry: ONE table row per platform component (design
/// doc "Architecture"). Adding a component is one row here plus its values
/// file and helmfile release; nothing else should know it by name.

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace platformctl {

class Config;

/// A Helm release the component owns. `ns` may be a template such as
/// "${APP_NAMESPACE}" (resolved against the config).
struct ReleaseRef {
  std::string_view ns;
  std::string_view name;
};

/// Who must be signed in to reach an ingress (oauth2-proxy auth annotations).
enum class IngressAuth {
  kNone,          ///< public
  kOauthOnNginx,  ///< protected iff FEAT_OAUTH2_PROXY=true and INGRESS_PROVIDER=nginx
  kAppAuth,       ///< the sample app: APP_AUTH_ENABLED, empty = as kOauthOnNginx
};

/// An Ingress the component's release creates (in the release namespace).
struct IngressRef {
  std::string_view name;      ///< metadata.name
  std::string_view host_key;  ///< config key of its host
  IngressAuth auth = IngressAuth::kNone;
  /// Config key naming the ClusterIssuer of its certificate.
  std::string_view issuer_key = "PLATFORM_CLUSTER_ISSUER";
  /// true: cert-manager's ingress-shim makes the Certificate from the
  /// cert-manager.io/cluster-issuer annotation; false: the chart makes it.
  bool issuer_annotation = true;
};

struct Component {
  std::string_view id{};            ///< stable id, e.g. "oauth2-proxy"
  std::string_view title{};         ///< human name
  std::string_view phase{};         ///< apply phase (see plan.h)
  std::string_view feature_flag{};  ///< bool key enabling it ("" = always on)
  std::string_view provider_key{};  ///< enum key selecting it ("" = none)
  std::string_view provider_value{};
  std::string_view state_key{};  ///< camelCase key under `installed:` in the state values
  std::string_view selector{};   ///< helmfile selector ("" = not a helmfile release)
  std::vector<std::string_view> required{};  ///< keys that must be non-empty when enabled
  std::vector<std::string_view> secrets{};   ///< secret keys its helmfile release receives via env
  std::vector<std::string_view> needs{};     ///< components that must be enabled with it
  std::vector<ReleaseRef> releases{};        ///< expected Helm releases
  std::vector<std::string_view> repos{};     ///< helm repositories it pulls from
  /// Its releases run Deployments/DaemonSets/StatefulSets (verify: none found fails).
  bool workloads = false;
  std::vector<IngressRef> ingresses{};  ///< ingresses verify checks (host, class, issuer, auth)
};

struct HelmRepo {
  std::string_view name;
  std::string_view url;
};

std::span<const Component> Components();
const Component* FindComponent(std::string_view id);
std::span<const HelmRepo> HelmRepos();
const HelmRepo* FindHelmRepo(std::string_view name);

/// Whether the component is enabled by the config (feature flag and provider).
bool IsEnabled(const Component& c, const Config& config);

/// Components (enabled or not) that list `key` as required.
std::vector<std::string_view> ComponentsRequiring(std::string_view key);

/// Namespaces the platform manages (created by platform-namespaces, deleted on teardown).
std::span<const std::string_view> ManagedNamespaces();

/// The apply step that installs the component ("cilium/install",
/// "platform/minio", ...): what verify tells users to rerun.
std::string InstallStepId(const Component& c);

/// Whether the ingress must carry oauth2-proxy's auth annotations.
bool IngressProtected(const IngressRef& ingress, const Config& config);

/// Expands a release namespace template like "${APP_NAMESPACE}".
std::string ResolveReleaseNamespace(const ReleaseRef& r, const Config& config);

/// Integrity problems of the tables (unique ids, known keys and phases, needs
/// exist, no cycles, secrets marked secret); empty when consistent.
std::vector<std::string> CheckRegistryIntegrity();

}  // namespace platformctl
