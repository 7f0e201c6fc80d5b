#pragma once
/// `platformctl flux bootstrap` and `flux reconcile` as plans run by the
/// executor (run lock, identity guard, trail artifacts/runs/<UTC>-flux-*/).
/// Pure like BuildPlan: the generated files are rendered into the plan.

#include <string>
#include <utility>
#include <vector>

#include "platformctl/plan.h"

namespace platformctl {

class Config;

struct FluxOptions {
  bool adopt = false;      ///< bootstrap: take over helmfile-owned releases
  std::string kubeconfig;  ///< global --kubeconfig ("" = none)
  std::string context;     ///< global --context ("" = none)
};

/// One Flux Kustomization layer of the stack and the cluster/ path it
/// reconciles for this config (cluster/overlays/homelab/flux/stack-kustomizations.yaml).
struct FluxLayer {
  std::string name;  ///< e.g. "homelab-ingress"
  std::string path;  ///< e.g. "./cluster/overlays/homelab/providers/ingress-nginx"
  bool enabled = true;
};

/// Where generated files go (repo-relative).
inline constexpr const char* kFluxSettingsPath = "artifacts/flux/platform-settings.yaml";
inline constexpr const char* kFluxStackPath = "artifacts/flux/stack.yaml";
/// The path a disabled layer reconciles (renders nothing, so Flux prunes).
inline constexpr const char* kFluxDisabledPath = "./cluster/overlays/homelab/disabled";

/// The ten layers with their paths for this config (provider, features,
/// staging/prod overlays). Throws ConfigError-like std::invalid_argument
/// when the tree cannot express the config.
std::vector<FluxLayer> FluxLayers(const Config& config);

/// The ConfigMap flux-system/platform-settings (YAML): the non-secret values
/// the manifests substitute (cluster/README.md, "Settings").
std::string RenderPlatformSettings(const Config& config);
/// The settings as name/value pairs (what RenderPlatformSettings writes).
std::vector<std::pair<std::string, std::string>> PlatformSettings(const Config& config);

/// The profile's stack (YAML): GitRepository flux-system/swhurl-platform
/// (FLUX_GIT_URL, FLUX_GIT_BRANCH) and Kustomization homelab-flux-stack with
/// one JSON6902 patch per layer setting its path.
std::string RenderFluxStack(const Config& config);

/// Plan::command "flux-bootstrap". Throws CommandError(2) on a config the
/// Flux path cannot run (e.g. FLUX_MODE=bootstrap without an https URL).
Plan BuildFluxBootstrapPlan(const Config& config, const FluxOptions& options);
/// Plan::command "flux-reconcile".
Plan BuildFluxReconcilePlan(const Config& config, const FluxOptions& options);

}  // namespace platformctl
