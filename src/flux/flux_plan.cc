// `platformctl flux bootstrap` / `flux reconcile`: plans for the executor.
// Pure: the generated settings and stack are rendered into WriteFileOps, so
// the dry-run shows every byte that is written. Flux facts used here:
// - `flux bootstrap git` reads the HTTPS password from GIT_PASSWORD when
//   --password is not given (fluxcd/flux2 cmd/flux/bootstrap_git.go,
//   gitPasswordEnvVar); --token-auth makes it use HTTPS basic auth and store
//   the credentials in Secret flux-system/flux-system (--secret-name).
// - --kubeconfig/--context are flux's root flags (genericclioptions), as are
//   --timeout and --namespace (cmd/flux/main.go).
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "platformctl/config.h"
#include "platformctl/exit_code.h"
#include "platformctl/flux.h"
#include "platformctl/registry.h"
#include "platformctl/schema.h"

namespace platformctl {
namespace {

constexpr const char* kSourceName = "swhurl-platform";
constexpr const char* kStackName = "homelab-flux-stack";
constexpr const char* kFluxNamespace = "flux-system";

std::string RepoPath(std::string_view rel) { return "{repo}/" + std::string(rel); }

// A YAML scalar: JSON string syntax is valid YAML (double-quoted).
std::string Quote(const std::string& s) { return nlohmann::json(s).dump(); }

// TOOL [--kubeconfig K] [CONTEXT_FLAG C] ARGS...
std::vector<std::string> Tool(const FluxOptions& o, const char* tool, const char* context_flag,
                              const std::vector<std::string>& args) {
  std::vector<std::string> argv{tool};
  if (!o.kubeconfig.empty()) {
    argv.emplace_back("--kubeconfig");
    argv.push_back(o.kubeconfig);
  }
  if (!o.context.empty()) {
    argv.emplace_back(context_flag);
    argv.push_back(o.context);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}
std::vector<std::string> Kubectl(const FluxOptions& o, const std::vector<std::string>& args) {
  return Tool(o, "kubectl", "--context", args);
}
std::vector<std::string> Helm(const FluxOptions& o, const std::vector<std::string>& args) {
  return Tool(o, "helm", "--kube-context", args);
}
std::vector<std::string> Flux(const FluxOptions& o, const std::vector<std::string>& args) {
  return Tool(o, "flux", "--context", args);
}

CommandOp Cmd(std::vector<std::string> argv, int timeout_s) {
  CommandOp op;
  op.argv = std::move(argv);
  op.timeout_s = timeout_s;
  return op;
}

PlanStep MakeStep(std::string name, std::string title, std::string when) {
  PlanStep s;
  s.id = "flux/" + name;
  s.phase = "flux";
  s.title = std::move(title);
  s.when = std::move(when);
  return s;
}

bool Enabled(const Config& config, std::string_view id) {
  const Component* c = FindComponent(id);
  return c != nullptr && IsEnabled(*c, config);
}

// "prod" / "staging" overlays of the platform layers, "" = the bases (which
// take ${PLATFORM_CLUSTER_ISSUER} from the settings).
std::string PlatformOverlay(const Config& config) {
  const std::string issuer = config.Get("PLATFORM_CLUSTER_ISSUER");
  if (issuer == "letsencrypt-prod") return "prod";
  if (issuer == "letsencrypt-staging") return "staging";
  return {};
}

Plan NewPlan(const Config& config, const FluxOptions& options, const char* command) {
  Plan plan;
  plan.mode = PlanMode::kApply;
  plan.command = command;
  plan.profile = config.ProfilePath();
  plan.preflight.emplace_back(ValidateOp{});
  plan.preflight.emplace_back(LockOp{RepoPath("artifacts/.lock")});
  const std::string expected =
      !options.context.empty() ? options.context : config.Get("KUBE_CONTEXT");
  plan.preflight.emplace_back(IdentityGuardOp{expected, config.Get("CLUSTER_UID")});
  return plan;
}

int ReconcileTimeout(const Config& config) {
  auto t = ParseDurationSeconds(config.Get("FLUX_RECONCILE_TIMEOUT"));
  return t ? static_cast<int>(*t) : 300;
}

}  // namespace

std::vector<FluxLayer> FluxLayers(const Config& config) {
  const std::string env = PlatformOverlay(config);
  auto platform = [&env](const std::string& layer, const std::string& base) {
    return env.empty() ? base : "./cluster/overlays/homelab/platform/" + env + "/" + layer;
  };
  auto on = [](bool enabled, const std::string& path) {
    return enabled ? path : std::string(kFluxDisabledPath);
  };
  const bool minio = Enabled(config, "minio");
  const bool ceph = Enabled(config, "ceph");
  std::string storage = kFluxDisabledPath;
  if (minio)
    storage = env.empty() ? "./cluster/overlays/homelab/providers/storage-minio"
                          : platform("storage-minio", "");
  if (ceph) storage = "./cluster/overlays/homelab/providers/storage-ceph";
  const std::string app_ns = config.Get("APP_NAMESPACE");
  if (app_ns != "apps-staging" && app_ns != "apps-prod") {
    throw CommandError(kExitUsage, "APP_NAMESPACE=" + app_ns +
                                       ": the Flux tree has app overlays for apps-staging and "
                                       "apps-prod only (cluster/overlays/homelab/apps)");
  }
  const std::string ingress = config.Get("INGRESS_PROVIDER") == "traefik" ? "traefik" : "nginx";
  std::vector<FluxLayer> layers = {
      {"homelab-namespaces", "./cluster/base/namespaces", true},
      {"homelab-cilium", on(Enabled(config, "cilium"), "./cluster/base/cilium"), true},
      {"homelab-cert-manager", platform("cert-manager", "./cluster/base/cert-manager"), true},
      {"homelab-issuers", platform("issuers", "./cluster/base/cert-manager/issuers"), true},
      {"homelab-ingress", "./cluster/overlays/homelab/providers/ingress-" + ingress, true},
      {"homelab-oauth2-proxy",
       on(Enabled(config, "oauth2-proxy"), platform("oauth2-proxy", "./cluster/base/oauth2-proxy")),
       true},
      {"homelab-clickstack",
       on(Enabled(config, "clickstack"), platform("clickstack", "./cluster/base/clickstack")),
       true},
      {"homelab-otel",
       on(Enabled(config, "otel-daemonset"), platform("otel", "./cluster/base/otel")), true},
      {"homelab-storage", storage, true},
      {"homelab-example-app",
       "./cluster/overlays/homelab/apps/" + std::string(app_ns == "apps-prod" ? "prod" : "staging"),
       true},
  };
  for (auto& l : layers) l.enabled = l.path != kFluxDisabledPath;
  return layers;
}

std::vector<std::pair<std::string, std::string>> PlatformSettings(const Config& config) {
  const bool traefik = config.Get("INGRESS_PROVIDER") == "traefik";
  const auto domains = config.GetList("OAUTH_EMAIL_DOMAINS");
  std::vector<std::pair<std::string, std::string>> out = {
      {"BASE_DOMAIN", config.Get("BASE_DOMAIN")},
      {"ACME_EMAIL", config.Get("ACME_EMAIL")},
      {"OIDC_ISSUER", config.Get("OIDC_ISSUER")},
      // oauth2-proxy's manifest takes one domain (--email-domain): the first.
      {"OAUTH_EMAIL_DOMAIN", domains.empty() ? std::string() : domains.front()},
      {"INGRESS_CLASS", traefik ? "traefik" : "nginx"},
      {"PLATFORM_CLUSTER_ISSUER", config.Get("PLATFORM_CLUSTER_ISSUER")},
      {"APP_CLUSTER_ISSUER", config.Get("APP_CLUSTER_ISSUER")},
      {"CLICKSTACK_OTEL_ENDPOINT", config.Get("CLICKSTACK_OTEL_ENDPOINT")},
      {"CLICKSTACK_INGRESS_PATH", traefik ? "/" : "/(.*)"},
      {"CLICKSTACK_INGRESS_PATH_TYPE", traefik ? "Prefix" : "ImplementationSpecific"},
  };
  // Never a secret, not even one reached through a reference.
  std::erase_if(out, [&config](const auto& kv) {
    const ConfigEntry* e = config.Find(kv.first);
    return e != nullptr && e->Secret();
  });
  return out;
}

std::string RenderPlatformSettings(const Config& config) {
  std::string out =
      "# Generated by platformctl flux bootstrap from the config (non-secret values only).\n"
      "# The stack's Kustomizations substitute these after kustomize build\n"
      "# (spec.postBuild.substituteFrom); see cluster/README.md.\n"
      "apiVersion: v1\n"
      "kind: ConfigMap\n"
      "metadata:\n"
      "  name: platform-settings\n"
      "  namespace: flux-system\n"
      "  labels:\n"
      "    app.kubernetes.io/managed-by: platformctl\n"
      "data:\n";
  for (const auto& [k, v] : PlatformSettings(config)) out += "  " + k + ": " + Quote(v) + "\n";
  return out;
}

std::string RenderFluxStack(const Config& config) {
  const bool token = config.Get("FLUX_MODE") == "bootstrap";
  std::string out =
      "# Generated by platformctl flux bootstrap for this profile: the source and the\n"
      "# stack entry point. The layer paths follow the profile (providers, features,\n"
      "# staging/prod overlays); a disabled layer reconciles an empty directory, so\n"
      "# Flux prunes what it installed. Defaults: cluster/flux/gitrepository.yaml and\n"
      "# cluster/flux/stack-kustomization.yaml.\n"
      "apiVersion: source.toolkit.fluxcd.io/v1\n"
      "kind: GitRepository\n"
      "metadata:\n"
      "  name: " +
      std::string(kSourceName) +
      "\n"
      "  namespace: flux-system\n"
      "spec:\n"
      "  interval: 1m\n"
      "  url: " +
      Quote(config.Get("FLUX_GIT_URL")) +
      "\n"
      "  ref:\n"
      "    branch: " +
      Quote(config.Get("FLUX_GIT_BRANCH")) + "\n";
  if (token) {
    out +=
        "  # flux bootstrap git --token-auth stores the credentials here.\n"
        "  secretRef:\n"
        "    name: flux-system\n";
  }
  out +=
      "---\n"
      "apiVersion: kustomize.toolkit.fluxcd.io/v1\n"
      "kind: Kustomization\n"
      "metadata:\n"
      "  name: " +
      std::string(kStackName) +
      "\n"
      "  namespace: flux-system\n"
      "spec:\n"
      "  interval: 10m\n"
      "  timeout: 5m\n"
      "  path: ./cluster/overlays/homelab/flux\n"
      "  prune: true\n"
      "  wait: true\n"
      "  sourceRef:\n"
      "    kind: GitRepository\n"
      "    name: " +
      std::string(kSourceName) +
      "\n"
      "  patches:\n";
  for (const auto& l : FluxLayers(config)) {
    out +=
        "    - target:\n"
        "        group: kustomize.toolkit.fluxcd.io\n"
        "        kind: Kustomization\n"
        "        name: " +
        l.name +
        "\n"
        "      patch: |-\n"
        "        - op: replace\n"
        "          path: /spec/path\n"
        "          value: " +
        l.path + "\n";
  }
  return out;
}

Plan BuildFluxBootstrapPlan(const Config& config, const FluxOptions& options) {
  Plan plan = NewPlan(config, options, "flux-bootstrap");
  const long timeout = config.GetInt("TIMEOUT_SECS");
  const std::string mode = config.Get("FLUX_MODE");
  const std::string url = config.Get("FLUX_GIT_URL");
  if (mode == "bootstrap" && !url.starts_with("https://")) {
    throw CommandError(kExitUsage,
                       "FLUX_MODE=bootstrap needs an https:// FLUX_GIT_URL (got " + url +
                           "): platformctl hands FLUX_GIT_TOKEN to 'flux bootstrap git "
                           "--token-auth' as GIT_PASSWORD in its environment; SSH deploy keys "
                           "are not supported here. Nothing was executed.");
  }

  PlanStep cli = MakeStep("cli", "The flux CLI is on PATH", "always");
  cli.ops.emplace_back(Cmd({"flux", "--version"}, 30));
  plan.steps.push_back(std::move(cli));

  if (config.GetBool("FEAT_CILIUM")) {
    PlanStep cni = MakeStep("cni", "Cilium runs before Flux (W24)",
                            "FEAT_CILIUM=true: k3s runs without flannel, so Flux's controllers "
                            "cannot schedule until Cilium is ready");
    CommandOp get = Cmd(Kubectl(options, {"get", "nodes,daemonsets", "--namespace", "kube-system",
                                          "--output=json"}),
                        30);
    cni.ops.emplace_back(std::move(get));
    cni.ops.emplace_back(CheckOp{
        "flux-cni",
        "DaemonSet kube-system/cilium exists and is ready on every node, every node is Ready; "
        "else refuse with the fix 'platformctl apply --only prereqs,cilium'"});
    plan.steps.push_back(std::move(cni));
  }

  std::vector<std::string> releases;
  for (const auto& c : Components()) {
    if (!IsEnabled(c, config)) continue;
    for (const auto& r : c.releases)
      releases.push_back(ResolveReleaseNamespace(r, config) + "/" + std::string(r.name));
  }
  PlanStep own = MakeStep("ownership", "One owner per Helm release",
                          options.adopt ? "--adopt: Flux takes over the releases helmfile made"
                                        : "always: platform releases Flux did not make refuse "
                                          "the bootstrap (exit 3) unless --adopt");
  CommandOp list = Cmd(Helm(options, {"list", "--all-namespaces", "--all", "--output=json"}), 60);
  own.ops.emplace_back(std::move(list));
  CommandOp hrs = Cmd(Kubectl(options, {"get", "helmreleases.helm.toolkit.fluxcd.io",
                                        "--all-namespaces", "--output=json"}),
                      30);
  hrs.tolerate_failure = true;  // no CRD before Flux is installed: no HelmRelease
  own.ops.emplace_back(std::move(hrs));
  own.ops.emplace_back(CheckOp{
      options.adopt ? "flux-adopt" : "flux-ownership",
      options.adopt
          ? "list the platform releases no HelmRelease's status.history names: Flux's "
            "HelmReleases (same releaseName and namespace) take them over"
          : "every platform release that exists is in a HelmRelease's status.history (made by "
            "Flux); else exit 3 naming them (helmfile and Flux would both own them)"});
  own.ops.emplace_back(InstallRecordOp{releases, "flux"});
  plan.steps.push_back(std::move(own));

  PlanStep install = MakeStep(
      "install", mode == "bootstrap" ? "flux bootstrap git" : "flux install", "FLUX_MODE=" + mode);
  const std::string t = "--timeout=" + std::to_string(timeout) + "s";
  if (mode == "bootstrap") {
    CommandOp boot =
        Cmd(Flux(options,
                 {"bootstrap", "git", "--url=" + url, "--branch=" + config.Get("FLUX_GIT_BRANCH"),
                  "--path=" + config.Get("FLUX_GIT_PATH"), "--token-auth", "--silent", t}),
            static_cast<int>(timeout) + 120);
    // The token as the child's environment only (bootstrap_git.go reads GIT_PASSWORD).
    boot.env.push_back(EnvBinding{"GIT_PASSWORD", {}, true, "FLUX_GIT_TOKEN"});
    install.ops.emplace_back(std::move(boot));
    if (config.Get("FLUX_GIT_TOKEN").empty()) install.missing.emplace_back("FLUX_GIT_TOKEN");
  } else {
    install.ops.emplace_back(Cmd(Flux(options, {"install", t}), static_cast<int>(timeout) + 60));
  }
  plan.steps.push_back(std::move(install));

  PlanStep manifests =
      MakeStep("manifests", "Sources, settings and the profile's stack",
               "always: cluster/flux (HelmRepositories), then the generated settings and stack");
  manifests.ops.emplace_back(
      WriteFileOp{RepoPath(kFluxSettingsPath), RenderPlatformSettings(config), 0644});
  manifests.ops.emplace_back(WriteFileOp{RepoPath(kFluxStackPath), RenderFluxStack(config), 0644});
  manifests.ops.emplace_back(
      Cmd(Kubectl(options, {"apply", "--kustomize", RepoPath("cluster/flux")}), 60));
  manifests.ops.emplace_back(
      Cmd(Kubectl(options, {"apply", "--filename", RepoPath(kFluxSettingsPath)}), 60));
  manifests.ops.emplace_back(
      Cmd(Kubectl(options, {"apply", "--filename", RepoPath(kFluxStackPath)}), 60));
  plan.steps.push_back(std::move(manifests));
  return plan;
}

Plan BuildFluxReconcilePlan(const Config& config, const FluxOptions& options) {
  Plan plan = NewPlan(config, options, "flux-reconcile");
  const int timeout = ReconcileTimeout(config);
  const std::string t = "--timeout=" + std::to_string(timeout) + "s";
  PlanStep source =
      MakeStep("source", "Fetch the Git source now",
               "always (FLUX_RECONCILE_TIMEOUT=" + config.Get("FLUX_RECONCILE_TIMEOUT") + ")");
  source.ops.emplace_back(Cmd(
      Flux(options, {"reconcile", "source", "git", kSourceName, "--namespace", kFluxNamespace, t}),
      timeout + 30));
  plan.steps.push_back(std::move(source));
  PlanStep stack = MakeStep("stack", "Reconcile the stack entry point", "always");
  stack.ops.emplace_back(Cmd(Flux(options, {"reconcile", "kustomization", kStackName, "--namespace",
                                            kFluxNamespace, "--with-source", t}),
                             timeout + 30));
  plan.steps.push_back(std::move(stack));
  return plan;
}

}  // namespace platformctl
