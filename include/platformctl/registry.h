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

/// Expands a release namespace template like "${APP_NAMESPACE}".
std::string ResolveReleaseNamespace(const ReleaseRef& r, const Config& config);

/// Integrity problems of the tables (unique ids, known keys and phases, needs
/// exist, no cycles, secrets marked secret); empty when consistent.
std::vector<std::string> CheckRegistryIntegrity();

}  // namespace platformctl
