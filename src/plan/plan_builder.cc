// BuildPlan: the pure function Config → Plan. Every step lists the exact argv
// it will run and the names of the env variables it passes; in-process
// actions name their targets and bounds.
#include <algorithm>
#include <set>

#include "platformctl/config.h"
#include "platformctl/host.h"
#include "platformctl/plan.h"
#include "platformctl/registry.h"
#include "platformctl/schema.h"
#include "platformctl/verify.h"

namespace platformctl {
namespace {

// Shown in apply and delete preflights (flux bootstrap sets owner: flux).
constexpr const char* kInstallOwnerCheck =
    "the install record (configmap kube-system/platformctl-state) names no other owner: after "
    "'platformctl flux bootstrap' Flux owns the releases, and apply/delete exit 3";
constexpr std::string_view kTraefikConfig = "infra/traefik/helmchartconfig.yaml";
constexpr std::string_view kCertManagerCrds[] = {
    "certificates.cert-manager.io",    "certificaterequests.cert-manager.io",
    "challenges.acme.cert-manager.io", "clusterissuers.cert-manager.io",
    "issuers.cert-manager.io",         "orders.acme.cert-manager.io"};
constexpr std::string_view kClusterIssuers[] = {"selfsigned", "letsencrypt-staging",
                                                "letsencrypt-prod", "letsencrypt"};

// Path arguments relative to the repo root: the executor makes them absolute.
std::string RepoPath(std::string_view rel) { return "{repo}/" + std::string(rel); }

// Builds argv for kubectl/helm/helmfile with the global cluster flags.
class Argv {
 public:
  Argv(const Config& config, const PlanOptions& options) : config_(config), options_(options) {}

  [[nodiscard]] std::vector<std::string> Kubectl(std::vector<std::string> args) const {
    return Tool("kubectl", "--context", {}, std::move(args));
  }
  [[nodiscard]] std::vector<std::string> Helm(std::vector<std::string> args) const {
    return Tool("helm", "--kube-context", {}, std::move(args));
  }
  [[nodiscard]] std::vector<std::string> Helmfile(const std::string& selector,
                                                  std::vector<std::string> args) const {
    // helmfile resolves --state-values-file (and values files) from the
    // helmfile's own directory: both paths go absolute ({repo}/ at run time).
    const std::string file = config_.Get("HELMFILE_FILE");
    std::vector<std::string> state{"--file",
                                   file.starts_with("/") ? file : RepoPath(file),
                                   "--environment",
                                   config_.Get("HELMFILE_ENV"),
                                   "--state-values-file",
                                   RepoPath(options_.state_values_path)};
    if (!selector.empty()) args.insert(args.begin(), {"--selector", selector});
    return Tool("helmfile", "--kube-context", std::move(state), std::move(args));
  }
  /// helmfile without state (e.g. --version), still with the cluster flags.
  [[nodiscard]] std::vector<std::string> HelmfileGlobal(std::vector<std::string> args) const {
    return Tool("helmfile", "--kube-context", {}, std::move(args));
  }
  /// Tools without cluster flags (systemctl, apt-get, ...).
  [[nodiscard]] static std::vector<std::string> Plain(std::vector<std::string> args) {
    return args;
  }

 private:
  // TOOL [LEADING...] [--kubeconfig K] [CONTEXT_FLAG C] ARGS...
  [[nodiscard]] std::vector<std::string> Tool(const char* tool, const char* context_flag,
                                              std::vector<std::string> leading,
                                              std::vector<std::string> args) const {
    std::vector<std::string> argv{tool};
    argv.insert(argv.end(), leading.begin(), leading.end());
    if (!options_.kubeconfig.empty()) {
      argv.insert(argv.end(), {"--kubeconfig", options_.kubeconfig});
    }
    if (!options_.context.empty()) argv.insert(argv.end(), {context_flag, options_.context});
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  const Config& config_;
  const PlanOptions& options_;
};

// A command; `secrets` are the config keys it receives as environment.
CommandOp Cmd(std::vector<std::string> argv, const std::vector<std::string>& secrets = {},
              int timeout_s = 0) {
  CommandOp op;
  op.argv = std::move(argv);
  for (const auto& name : secrets) op.env.push_back(EnvBinding{name, {}, true, {}});
  op.timeout_s = timeout_s;
  return op;
}

EnvBinding Literal(std::string name, std::string value) {
  return EnvBinding{std::move(name), std::move(value), false, {}};
}

// A check judged in-process on the output of the step's commands.
CheckOp Check(std::string id, std::string description) {
  return CheckOp{std::move(id), std::move(description)};
}

// A host-layer action: shown in the plan; run by the host layer.
std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : std::string(sep)) + i;
  return out;
}

template <typename Range>
std::vector<std::string> Strings(const Range& r) {
  std::vector<std::string> out;
  for (const auto& s : r) out.emplace_back(s);
  return out;
}

std::string WhyComponent(const Component& c, const Config& config) {
  std::vector<std::string> why;
  if (!c.feature_flag.empty())
    why.push_back(std::string(c.feature_flag) + "=" + config.Get(c.feature_flag));
  if (!c.provider_key.empty())
    why.push_back(std::string(c.provider_key) + "=" + config.Get(c.provider_key));
  return why.empty() ? "always installed" : Join(why, ", ");
}

class Builder {
 public:
  Builder(const Config& config, const PlanOptions& options)
      : config_(config),
        options_(options),
        a_(config, options),
        timeout_(config.GetInt("TIMEOUT_SECS")) {}

  Plan Build() {
    Plan plan;
    plan.mode = options_.mode;
    plan.profile = config_.ProfilePath();
    plan.with_host = options_.with_host;
    plan.preflight = Preflight();
    if (options_.host_only) {
      if (options_.mode == PlanMode::kApply) {
        HostApply();
      } else {
        HostDelete();
      }
    } else if (options_.mode == PlanMode::kApply) {
      if (options_.with_host) HostApply();
      Prereqs();
      Cilium();
      CertManager();
      Issuers();
      Ingress();
      Platform();
      Apps();
      Verify();
    } else {
      DeleteApps();
      DeletePlatform();
      DeleteIngress();
      DeleteIssuers();
      DeleteCertManager();
      Teardown();
      DeleteCilium();
      CleanCheck();
      if (options_.with_host) HostDelete();
    }
    plan.steps = std::move(steps_);
    return plan;
  }

 private:
  PlanStep& Step(std::string phase, std::string name, std::string title, std::string when,
                 std::vector<std::string> aliases = {}) {
    PlanStep s;
    s.id = phase + "/" + name;
    s.phase = std::move(phase);
    s.title = std::move(title);
    s.when = std::move(when);
    s.aliases = std::move(aliases);
    steps_.push_back(std::move(s));
    return steps_.back();
  }

  std::string T() const { return std::to_string(timeout_); }
  std::string Timeout() const { return "--timeout=" + T() + "s"; }

  // Secrets a component's release receives (names only); required inputs that are empty.
  void AddSecrets(PlanStep& s, const Component& c, std::vector<std::string>& env) {
    for (auto key : c.secrets) env.emplace_back(key);
    for (auto key : c.required) {
      if (config_.Get(key).empty()) s.missing.emplace_back(key);
    }
  }

  // `helmfile apply` diffs first and upgrades only what changed, so a
  // converged cluster is a no-op; --skip-deps because the repositories were
  // added once in prereqs/helm-repos. (Releases the preflight finds failed
  // or pending are synced instead by the executor.)
  CommandOp HelmfileApply(PlanStep& s, const Component& c) {
    std::vector<std::string> env;
    AddSecrets(s, c, env);
    return Cmd(a_.Helmfile(std::string(c.selector), {"apply", "--skip-deps", "--suppress-secrets",
                                                     "--skip-diff-on-install"}),
               env, static_cast<int>(timeout_) + 60);
  }

  static AdoptOp Adopt(const std::string& kind, const std::vector<std::string>& names,
                       const std::string& release, const std::string& release_ns,
                       const std::string& ns = "") {
    return AdoptOp{kind, names, ns, release, release_ns};
  }

  CommandOp Rollout(const std::string& ns, const std::string& what) {
    return Cmd(a_.Kubectl({"--namespace", ns, "rollout", "status", what, Timeout()}), {},
               static_cast<int>(timeout_) + 10);
  }

  // Runs before any step, whatever --only/--from select (apply and delete).
  std::vector<PlanOp> Preflight() const {
    std::vector<PlanOp> ops;
    ops.emplace_back(ValidateOp{});
    ops.emplace_back(LockOp{RepoPath("artifacts/.lock")});
    // The host phase runs before a cluster exists (and after it is gone):
    // the cluster checks below run only before cluster steps.
    if (options_.host_only) return ops;
    const std::string expected =
        !options_.context.empty() ? options_.context : config_.Get("KUBE_CONTEXT");
    ops.emplace_back(IdentityGuardOp{expected, config_.Get("CLUSTER_UID")});
    if (options_.mode == PlanMode::kApply)
      ops.emplace_back(WriteStateValuesOp{RepoPath(options_.state_values_path)});
    // Pending and failed releases: apply syncs failed ones (helmfile apply
    // would skip them, helmfile#1411) and refuses pending ones with the remedy.
    ops.emplace_back(Cmd(a_.Helm({"list", "--all-namespaces", "--all", "--output=json"}), {}, 60));
    if (options_.mode == PlanMode::kApply) {
      std::vector<std::string> releases;
      for (const auto& c : Components()) {
        if (!IsEnabled(c, config_)) continue;
        for (const auto& r : c.releases)
          releases.push_back(ResolveReleaseNamespace(r, config_) + "/" + std::string(r.name));
      }
      ops.emplace_back(Check("install-owner", kInstallOwnerCheck));
      ops.emplace_back(InstallRecordOp{releases, {}});
    } else {
      ops.emplace_back(Check("install-owner", kInstallOwnerCheck));
    }
    return ops;
  }

  // Components the config disables lose their releases on apply (as the Bash
  // version's phase sync did), so that e.g. nginx -> traefik frees the
  // NodePorts. Cilium is never removed by apply: the CNI goes only in delete.
  void RemoveDisabled(std::string_view phase) {
    for (const auto& c : Components()) {
      if (c.phase != phase || c.releases.empty() || IsEnabled(c, config_) || c.id == "cilium")
        continue;
      auto& s = Step(std::string(phase), "remove-" + std::string(c.id),
                     "Remove " + std::string(c.title) + " (disabled)",
                     WhyComponent(c, config_) + ": uninstall if installed (no-op otherwise)");
      s.component = std::string(c.id);
      for (const auto& r : c.releases)
        s.ops.push_back(Uninstall(ResolveReleaseNamespace(r, config_), std::string(r.name)));
    }
  }

  // ---- apply --------------------------------------------------------------

  // The host phase: every path is the host's, with --root applied.
  std::string HostFile(std::string_view path) const { return HostPath(options_.host, path); }
  std::string RootWhen() const {
    const HostFacts& h = options_.host;
    if (h.is_root) return "needs root: running as root";
    if (config_.GetBool("HOST_SUDO")) return "needs root: through sudo -n (HOST_SUDO=true)";
    return "needs root: refused unless run as root or with HOST_SUDO=true";
  }

  void HostApply() {
    const HostFacts& h = options_.host;
    if (config_.GetBool("HOST_INSTALL_PACKAGES")) {
      std::string pm = config_.Get("HOST_PACKAGE_MANAGER");
      std::string why = "HOST_PACKAGE_MANAGER=" + pm;
      if (pm == "auto") {
        pm = h.package_manager;
        why = "/etc/os-release: " + (h.os_name.empty() ? h.os_id : h.os_name) + " -> " +
              (pm.empty() ? std::string("no known package manager") : pm);
        if (h.os_id.empty()) why = "no " + HostFile("/etc/os-release");
      }
      auto packages = config_.GetList("HOST_BASE_PACKAGES");
      if (packages.empty()) packages = {"ca-certificates", "curl", "iptables"};
      auto& s = Step("host", "packages", "Install missing host packages",
                     "HOST_INSTALL_PACKAGES=true (" + why + "); " + RootWhen(), {"00"});
      if (pm.empty()) {
        s.missing.emplace_back("HOST_PACKAGE_MANAGER");
      } else {
        PackagesOp op;
        op.manager = pm;
        op.packages = packages;
        op.query = PackageQueryArgv(pm, packages);
        if (pm == "apt") {
          op.refresh = {"apt-get", "update"};
          op.install = {"apt-get", "install", "--yes", "--no-install-recommends"};
          op.env.push_back(Literal("DEBIAN_FRONTEND", "noninteractive"));
        } else if (pm == "dnf") {
          op.install = {"dnf", "install", "--assumeyes"};
        } else if (pm == "pacman") {
          // -Syu, never -Sy alone: a partial upgrade breaks Arch (W49).
          op.install = {"pacman", "-Syu", "--noconfirm", "--needed"};
        } else {
          op.install = {"zypper", "--non-interactive", "install"};
        }
        op.timeout_s = 900;
        s.ops.emplace_back(std::move(op));
      }
      s.ops.emplace_back(RequireCommandsOp{config_.GetList("HOST_REQUIRED_COMMANDS")});
    }

    auto& dns = Step(
        "host", "dns", "Route53 dynamic DNS timer (platformctl dns update)",
        "systemd timer every " + config_.Get("DNS_UPDATE_INTERVAL") + "; " + RootWhen(), {"10"});
    if (!h.systemd) {
      dns.ops.emplace_back(
          Check("note", "this host does not run systemd (" + HostFile("/run/systemd/system") +
                            " is missing): no timer is installed; run 'platformctl dns update' "
                            "from cron or your init system every " +
                            config_.Get("DNS_UPDATE_INTERVAL")));
    } else {
      SystemdUnitsOp units;
      units.dir = HostFile(kSystemdUnitDir);
      const std::string repo = options_.repo_root.empty() ? config_.RepoRoot() : options_.repo_root;
      units.units.push_back(
          {std::string(kDnsService), RenderDnsService(h, repo, config_.ProfilePath())});
      const auto interval = ParseDurationSeconds(config_.Get("DNS_UPDATE_INTERVAL"));
      if (auto timer = RenderDnsTimer(interval.value_or(0))) {
        units.units.push_back({std::string(kDnsTimer), *timer});
      } else {
        dns.missing.emplace_back("DNS_UPDATE_INTERVAL");
      }
      // A timer that can only fail every few minutes is not installed.
      if (config_.Get("ROUTE53_HOSTED_ZONE_ID").empty())
        dns.missing.emplace_back("ROUTE53_HOSTED_ZONE_ID");
      units.enable = std::string(kDnsTimer);
      for (auto legacy : kLegacyDnsUnits) units.legacy.emplace_back(legacy);
      dns.ops.emplace_back(std::move(units));
    }

    const std::vector<std::string> flags = K3sServerFlags(config_);
    const std::string version = config_.Get("K3S_VERSION");
    auto& k3s = Step(
        "host", "k3s",
        config_.GetBool("FEAT_CILIUM") ? "Install k3s without flannel (for Cilium)" : "Install k3s",
        (version.empty() ? "channel " + config_.Get("K3S_CHANNEL") : "K3S_VERSION=" + version) +
            ", K3S_INGRESS_MODE=" + config_.Get("K3S_INGRESS_MODE") + "; " + RootWhen(),
        {"k3s"});
    K3sInstallOp install;
    install.url = config_.Get("K3S_INSTALL_URL");
    install.sha256 = config_.Get("K3S_INSTALL_SHA256");
    install.installer = RepoPath("artifacts/host/k3s-install.sh");
    std::string exec = "server";
    for (const auto& f : flags) exec += " " + f;
    install.env.push_back(Literal("INSTALL_K3S_EXEC", exec));
    if (!version.empty()) {
      install.env.push_back(Literal("INSTALL_K3S_VERSION", version));
    } else {
      install.env.push_back(Literal("INSTALL_K3S_CHANNEL", config_.Get("K3S_CHANNEL")));
    }
    install.flags = flags;
    install.version = version;
    install.channel = config_.Get("K3S_CHANNEL");
    install.binary = HostFile("/usr/local/bin/k3s");
    install.unit = HostFile("/etc/systemd/system/k3s.service");
    install.timeout_s = 900;
    k3s.ops.emplace_back(std::move(install));
    MergeKubeconfigOp merge;
    merge.source = HostFile("/etc/rancher/k3s/k3s.yaml");
    const K3sKubeconfig target = K3sKubeconfigFor(config_, h);
    merge.dest = target.dest;
    merge.context = target.context;
    merge.standalone = target.standalone;
    k3s.ops.emplace_back(std::move(merge));
  }

  void Prereqs() {
    auto& tools = Step("prereqs", "tools", "Check tools and versions", "always", {"01"});
    tools.ops.push_back(Cmd(a_.Helm({"version", "--short"}), {}, 30));
    tools.ops.push_back(Cmd(a_.HelmfileGlobal({"--version"}), {}, 30));
    if (config_.GetBool("FEAT_VERIFY")) {
      tools.ops.push_back(Cmd(a_.Helm({"plugin", "list"}), {}, 30));
      tools.ops.push_back(Check(
          "helm-diff", "helm-diff plugin installed (needed by helmfile apply and verify/drift)"));
    }

    auto& access =
        Step("prereqs", "cluster-access", "Check cluster access and identity", "always", {"15"});
    // The preflight's identity guard checked the context, and its helm list
    // and install-record query reached the API server: no process of its own.
    access.ops.push_back(
        Check("cluster-access",
              std::string(options_.context.empty()
                              ? "the current context exists and its API server answers"
                              : "context " + options_.context +
                                    " exists in the kubeconfig and its API server answers") +
                  "; the context and server are recorded in the run journal, and --resume "
                  "against a different one is refused (exit 3)"));

    auto& repos = Step("prereqs", "helm-repos", "Add the Helm repositories of enabled components",
                       "always", {"25"});
    HelmReposOp helm_repos;
    helm_repos.attempts = std::max(1, static_cast<int>(config_.GetInt("HELM_REPO_RETRIES")));
    for (const auto& repo : HelmRepos()) {
      bool used = false;
      for (const auto& c : Components()) {
        if (IsEnabled(c, config_) &&
            std::find(c.repos.begin(), c.repos.end(), repo.name) != c.repos.end())
          used = true;
      }
      if (!used) continue;
      helm_repos.repos.emplace_back(std::string(repo.name), std::string(repo.url));
    }
    repos.ops.push_back(helm_repos);

    const Component* ns = FindComponent("platform-namespaces");
    auto& nss = Step("prereqs", "namespaces", "Platform namespaces", "always", {"20"});
    nss.component = std::string(ns->id);
    nss.ops.push_back(
        Adopt("namespaces", Strings(ManagedNamespaces()), "platform-namespaces", "kube-system"));
    nss.ops.push_back(HelmfileApply(nss, *ns));
  }

  void Cilium() {
    const Component* c = FindComponent("cilium");
    if (!IsEnabled(*c, config_)) return;
    if (!config_.GetBool("CILIUM_SKIP_FLANNEL_CHECK")) {
      auto& guard = Step("cilium", "flannel-guard", "Refuse Cilium on nodes running flannel",
                         "FEAT_CILIUM=true and CILIUM_SKIP_FLANNEL_CHECK=false", {"26"});
      guard.ops.push_back(Cmd(a_.Kubectl({"get", "nodes", "--output=json"}), {}, 30));
      guard.ops.push_back(Check(
          "no-flannel",
          "no node has annotation flannel.alpha.coreos.com/backend-type (else fail: reinstall "
          "k3s with --flannel-backend=none --disable-network-policy)"));
    }
    auto& s = Step("cilium", "install", "Cilium CNI and Hubble", WhyComponent(*c, config_), {"26"});
    s.component = std::string(c->id);
    s.ops.push_back(WaitGoneOp{{"namespace/cilium-secrets"}, "", "", 120, 0, true});
    s.ops.push_back(Adopt("namespace", {"cilium-secrets"}, "cilium", "kube-system"));
    s.ops.push_back(HelmfileApply(s, *c));
    s.ops.push_back(Rollout("kube-system", "ds/cilium"));
    s.ops.push_back(WaitConditionOp{
        {"deployment/cilium-operator", "deployment/hubble-relay", "deployment/hubble-ui"},
        "kube-system",
        "Available",
        static_cast<int>(timeout_)});
  }

  void CertManager() {
    const Component* c = FindComponent("cert-manager");
    auto& s = Step("cert-manager", "install", "cert-manager", WhyComponent(*c, config_), {"31"});
    s.component = std::string(c->id);
    s.ops.push_back(HelmfileApply(s, *c));
    std::vector<std::string> crds;
    for (auto crd : kCertManagerCrds) crds.push_back("crd/" + std::string(crd));
    s.ops.push_back(WaitConditionOp{crds, "", "Established", static_cast<int>(timeout_)});
    s.ops.push_back(WaitWebhookCaOp{"cert-manager-webhook",
                                    "cert-manager",
                                    {"cert-manager-webhook", "cert-manager-cainjector"},
                                    static_cast<int>(timeout_)});
  }

  void Issuers() {
    const Component* c = FindComponent("issuers");
    auto& s =
        Step("issuers", "install",
             "ClusterIssuers (selfsigned, letsencrypt-staging, letsencrypt-prod, letsencrypt)",
             "always (letsencrypt alias → " + config_.Get("LETSENCRYPT_ENV") + ")", {"31"});
    s.component = std::string(c->id);
    if (config_.Get("ACME_EMAIL").empty() &&
        (config_.Get("PLATFORM_CLUSTER_ISSUER").starts_with("letsencrypt") ||
         config_.Get("APP_CLUSTER_ISSUER").starts_with("letsencrypt"))) {
      s.missing.emplace_back("ACME_EMAIL");
    }
    s.ops.push_back(
        Adopt("clusterissuers", Strings(kClusterIssuers), "platform-issuers", "kube-system"));
    s.ops.push_back(HelmfileApply(s, *c));
  }

  void Ingress() {
    RemoveDisabled("ingress");
    const Component* nginx = FindComponent("ingress-nginx");
    if (IsEnabled(*nginx, config_)) {
      auto& s = Step("ingress", "ingress-nginx", "ingress-nginx (NodePorts 31514/30313)",
                     WhyComponent(*nginx, config_), {"31"});
      s.component = std::string(nginx->id);
      s.ops.push_back(HelmfileApply(s, *nginx));
    }
    const Component* traefik = FindComponent("traefik");
    if (IsEnabled(*traefik, config_)) {
      auto& s = Step("ingress", "traefik", "Traefik configuration (k3s HelmChartConfig)",
                     WhyComponent(*traefik, config_), {"31"});
      s.component = std::string(traefik->id);
      s.ops.push_back(Cmd(a_.Kubectl({"apply", "--filename", RepoPath(kTraefikConfig)}), {}, 60));
      s.ops.push_back(Rollout("kube-system", "deploy/traefik"));
    }
  }

  void Platform() {
    RemoveDisabled("platform");
    for (const auto& c : Components()) {
      if (c.phase != "platform" || c.selector.empty() || !IsEnabled(c, config_)) continue;
      auto& s = Step("platform", std::string(c.id), std::string(c.title), WhyComponent(c, config_),
                     {"36"});
      s.component = std::string(c.id);
      s.ops.push_back(HelmfileApply(s, c));
    }
  }

  void Apps() {
    const Component* c = FindComponent("hello-web");
    const std::string ns = config_.Get("APP_NAMESPACE");
    auto& s = Step("apps", "hello-web", "Sample app hello-web",
                   "always (namespace " + ns + ", host " + config_.Get("APP_HOST") + ")", {"75"});
    s.component = std::string(c->id);
    s.ops.push_back(
        Adopt("deployment/service/ingress/certificate", {"hello-web"}, "hello-web", ns, ns));
    s.ops.push_back(HelmfileApply(s, *c));
  }

  // The verify phase: one step per check group of the registry (the
  // seed's scripts), each running its checks through the Verifier. The
  // queries are shared: each family runs once per apply, on first use.
  void Verify() {
    if (!config_.GetBool("FEAT_VERIFY")) return;
    const bool deep = config_.GetBool("FEAT_VERIFY_DEEP");
    // Apply runs its processes one at a time, and its cost is counted in
    // processes: every object kind in one kubectl get.
    const std::vector<VerifyQuery> queries =
        BuildVerifyQueries(config_, options_, VerifyObjects::kOneQuery);
    const std::vector<PlannedCheck> checks = ChecksFor(config_, deep);
    struct Group {
      std::string_view name, title;
      std::vector<std::string> aliases;
    };
    const Group groups[] = {
        {"platform-state", "Live state matches the config (core tier)", {"91", "94"}},
        {"drift", "Helm releases have no drift (core tier)", {"92"}},
        {"runtime-smoke", "Nodes Ready, HTTPS through the ingress (deep tier)", {"90"}},
        {"releases", "Expected Helm releases deployed (deep tier)", {"93"}},
        {"provider-matrix",
         "Registry, helmfile and provider gating agree (deep tier, offline)",
         {"96", "97"}},
        {"diagnostics", "Capture a diagnostics bundle (deep tier)", {"95"}},
    };
    for (const auto& g : groups) {
      VerifyOp op;
      op.group = std::string(g.name);
      std::set<std::string_view> families;
      for (const auto& c : checks) {
        if (c.row->group != g.name) continue;
        op.checks.push_back(c.id);
        op.deep = c.row->tier == CheckTier::kDeep;
        std::string_view fams = c.row->family;
        while (!fams.empty()) {
          const size_t comma = fams.find(',');
          families.insert(fams.substr(0, comma));
          fams = comma == std::string_view::npos ? std::string_view() : fams.substr(comma + 1);
        }
      }
      if (op.checks.empty()) continue;
      if (families.contains("workloads") || families.contains("network") ||
          families.contains("certificates"))
        families.insert("objects");
      for (const auto& q : queries) {
        if (families.contains(q.family)) op.queries.push_back(q);
      }
      auto& s = Step("verify", std::string(g.name), std::string(g.title),
                     op.deep ? "FEAT_VERIFY_DEEP=true" : "FEAT_VERIFY=true", g.aliases);
      s.ops.emplace_back(std::move(op));
    }
  }

  // ---- delete -------------------------------------------------------------

  CommandOp Uninstall(const std::string& ns, const std::string& release) {
    return Cmd(a_.Helm({"uninstall", release, "--namespace", ns, "--ignore-not-found", "--wait",
                        Timeout()}),
               {}, static_cast<int>(timeout_) + 30);
  }

  void DeleteApps() {
    auto& s = Step("apps", "hello-web", "Remove the sample app",
                   "always: from every app namespace (W22)", {"75"});
    s.component = "hello-web";
    std::vector<std::string> nss{"apps-staging", "apps-prod"};
    for (const auto& ns : nss) s.ops.push_back(Uninstall(ns, "hello-web"));
    // What earlier applies recorded beyond that (W43: delete does not trust
    // today's config alone).
    std::vector<std::string> covered;
    for (const auto& ns : nss) covered.push_back(ns + "/hello-web");
    for (const auto& c : Components()) {
      if (c.id == "hello-web") continue;
      for (const auto& r : c.releases)
        covered.push_back(ResolveReleaseNamespace(r, config_) + "/" + std::string(r.name));
    }
    s.ops.push_back(UninstallRecordedOp{covered, static_cast<int>(timeout_) + 30});
  }

  void DeletePlatform() {
    // Reverse registry order, whatever the current flags: delete must not
    // depend on today's config to clean up yesterday's install (W43).
    std::vector<const Component*> comps;
    for (const auto& c : Components()) {
      if (c.phase == "platform" && !c.releases.empty()) comps.push_back(&c);
    }
    std::reverse(comps.begin(), comps.end());
    for (const Component* c : comps) {
      auto& s = Step(
          "platform", std::string(c->id), "Remove " + std::string(c->title),
          "always (currently " + std::string(IsEnabled(*c, config_) ? "enabled" : "disabled") + ")",
          {"36", "29"});
      s.component = std::string(c->id);
      for (const auto& r : c->releases)
        s.ops.push_back(Uninstall(ResolveReleaseNamespace(r, config_), std::string(r.name)));
    }
    auto& legacy =
        Step("platform", "legacy-secrets", "Remove legacy runtime Secrets", "always", {"29"});
    legacy.ops.push_back(
        DeleteIfManagedOp{{"ingress/secret/oauth2-proxy-secret", "logging/secret/hyperdx-secret",
                           "logging/configmap/otel-config-vars", "storage/secret/minio-creds"},
                          "platform.swhurl.io/managed=true"});
  }

  void DeleteIngress() {
    auto& s = Step("ingress", "remove", "Remove ingress-nginx and the Traefik configuration",
                   "always", {"31"});
    s.component = "ingress-nginx";
    s.ops.push_back(Uninstall("ingress", "ingress-nginx"));
    // k3s's HelmChartConfig CRD exists only with its bundled Traefik.
    s.ops.push_back(
        DeleteCustomObjectOp{"helmchartconfigs.helm.cattle.io", "traefik", "kube-system"});
  }

  void DeleteIssuers() {
    auto& s = Step("issuers", "remove", "Remove the ClusterIssuers", "always", {"31"});
    s.component = "issuers";
    s.ops.push_back(Uninstall("kube-system", "platform-issuers"));
  }

  void DeleteCertManager() {
    auto& s = Step("cert-manager", "remove", "Remove cert-manager, its finalizers and CRDs",
                   "always", {"30", "31"});
    s.component = "cert-manager";
    s.ops.push_back(Uninstall("cert-manager", "cert-manager"));
    std::vector<std::string> crds = Strings(kCertManagerCrds);
    // Only kinds whose CRD still exists are queried: `kubectl get <kind>
    // --ignore-not-found` fails once the CRD is gone (a second delete).
    s.ops.push_back(ClearFinalizersOp{crds, static_cast<int>(timeout_)});
    if (config_.GetBool("CM_DELETE_CRDS")) {
      std::vector<std::string> argv{"delete", "customresourcedefinition"};
      argv.insert(argv.end(), crds.begin(), crds.end());
      argv.insert(argv.end(), {"--ignore-not-found", "--wait=false"});
      s.ops.push_back(Cmd(a_.Kubectl(argv), {}, 60));
      std::vector<std::string> objs;
      for (const auto& c : crds) objs.push_back("crd/" + c);
      s.ops.push_back(WaitGoneOp{objs, "", "", static_cast<int>(timeout_), 0, false});
    }
  }

  void Teardown() {
    const std::string nt = config_.Get("NAMESPACE_DELETE_TIMEOUT_SECS");
    const std::vector<std::string> nss = Strings(ManagedNamespaces());
    auto& rel = Step("teardown", "namespaces-release",
                     "Remove the platform-namespaces release (namespaces kept)", "always", {"20"});
    rel.component = "platform-namespaces";
    rel.ops.push_back(Uninstall("kube-system", "platform-namespaces"));
    auto& secrets = Step("teardown", "secrets", "Sweep platform Secrets",
                         "DELETE_SCOPE=" + config_.Get("DELETE_SCOPE"), {"99"});
    if (config_.Get("DELETE_SCOPE") == "dedicated-cluster") {
      secrets.ops.push_back(
          Cmd(a_.Kubectl({"delete", "secret", "--all-namespaces", "--selector",
                          "platform.swhurl.io/managed=true", "--ignore-not-found", "--wait=false"}),
              {}, 60));
      secrets.ops.push_back(
          Check("note",
                "dedicated-cluster: only Secrets labelled platform.swhurl.io/managed=true, "
                "in every namespace (k3s and user Secrets are never swept, W41)"));
    } else {
      for (const auto& ns : nss) {
        secrets.ops.push_back(Cmd(
            a_.Kubectl({"--namespace", ns, "delete", "secret", "--selector",
                        "platform.swhurl.io/managed=true", "--ignore-not-found", "--wait=false"}),
            {}, 60));
      }
    }
    auto& ns = Step("teardown", "namespaces", "Delete the managed namespaces", "always", {"99"});
    std::vector<std::string> del{"delete", "namespace"};
    del.insert(del.end(), nss.begin(), nss.end());
    del.insert(del.end(), {"--ignore-not-found", "--wait=false"});
    ns.ops.push_back(Cmd(a_.Kubectl(del), {}, 60));
    // One bounded wait for all namespaces together (W39).
    std::vector<std::string> ns_objs;
    for (const auto& n : nss) ns_objs.push_back("namespace/" + n);
    ns.ops.push_back(WaitGoneOp{ns_objs, "", "",
                                static_cast<int>(config_.GetInt("NAMESPACE_DELETE_TIMEOUT_SECS")),
                                0, false});
    auto& gate = Step("teardown", "gate", "No PVCs or managed namespaces left before Cilium goes",
                      "always", {"99"});
    gate.ops.push_back(Cmd(a_.Kubectl({"get", "namespaces,persistentvolumeclaims",
                                       "--all-namespaces", "--output=json"}),
                           {}, 60));
    gate.ops.push_back(
        Check("teardown-gate",
              "refuse to continue (fail) while a managed namespace or a PVC in one remains"));
  }

  void DeleteCilium() {
    auto& s = Step(
        "cilium", "remove", "Remove Cilium last (after teardown)",
        "always, after teardown (currently FEAT_CILIUM=" + config_.Get("FEAT_CILIUM") + ", W43)",
        {"26"});
    s.component = "cilium";
    s.ops.push_back(Uninstall("kube-system", "cilium"));
    s.ops.push_back(Cmd(a_.Kubectl({"--namespace", "kube-system", "delete", "secret",
                                    "hubble-ui-tls", "--ignore-not-found"}),
                        {}, 60));
    s.ops.push_back(Cmd(
        a_.Kubectl({"--namespace", "kube-system", "delete",
                    "daemonset,deployment,service,configmap,secret,serviceaccount,role,rolebinding",
                    "--selector", "app.kubernetes.io/part-of=cilium", "--ignore-not-found",
                    "--wait=false"}),
        {}, 60));
    s.ops.push_back(Cmd(a_.Kubectl({"delete", "clusterrole,clusterrolebinding", "--selector",
                                    "app.kubernetes.io/part-of=cilium", "--ignore-not-found"}),
                        {}, 60));
    s.ops.push_back(
        WaitGoneOp{{"pods"}, "kube-system", "app.kubernetes.io/part-of=cilium", 60, 30, false});
    if (config_.GetBool("CILIUM_DELETE_CRDS")) {
      // After Cilium is uninstalled (W38).
      s.ops.push_back(DeleteCrdsOp{".cilium.io", static_cast<int>(timeout_)});
    }
    s.ops.push_back(Cmd(
        a_.Kubectl({"delete", "namespace", "cilium-secrets", "--ignore-not-found", "--wait=false"}),
        {}, 60));
  }

  void CleanCheck() {
    auto& s = Step("clean", "verify", "The cluster is clean of the platform", "always", {"98"});
    s.ops.push_back(Cmd(a_.Kubectl({"--namespace", "kube-system", "delete", "configmap",
                                    "platformctl-state", "--ignore-not-found"}),
                        {}, 60));
    s.ops.push_back(
        Cmd(a_.Kubectl({"get", "namespaces,customresourcedefinitions", "--output=json"}), {}, 60));
    s.ops.push_back(
        Cmd(a_.Kubectl({"--namespace", "kube-system", "get",
                        "pods,daemonsets,deployments,services,secrets", "--output=json"}),
            {}, 60));
    s.ops.push_back(Cmd(a_.Helm({"list", "--all-namespaces", "--all", "--output=json"}), {}, 60));
    s.ops.push_back(
        Check("clean",
              "no managed namespace, no platform CRD, no cilium residue, no hubble-ui-tls, and "
              "no platform Helm release left (k3s's own traefik releases are not platform, W35)"));
  }

  void HostDelete() {
    const HostFacts& h = options_.host;
    auto& dns = Step("host", "dns", "Remove the dynamic DNS timer",
                     "units with the platformctl marker only; " + RootWhen(), {"10"});
    if (!h.systemd) {
      dns.ops.emplace_back(Check("note", "this host does not run systemd (" +
                                             HostFile("/run/systemd/system") +
                                             " is missing): no timer to remove"));
    } else {
      dns.ops.emplace_back(RemoveSystemdUnitsOp{HostFile(kSystemdUnitDir),
                                                {std::string(kDnsTimer), std::string(kDnsService)},
                                                std::string(kDnsTimer)});
    }
    if (config_.GetBool("K3S_UNINSTALL")) {
      auto& k3s =
          Step("host", "k3s", "Uninstall k3s",
               "K3S_UNINSTALL=true (last: nothing after it needs the cluster, W40); " + RootWhen(),
               {"k3s"});
      k3s.ops.emplace_back(K3sUninstallOp{HostFile("/usr/local/bin/k3s-uninstall.sh"), 600});
    }
  }

  const Config& config_;
  const PlanOptions& options_;
  Argv a_;
  long timeout_;
  std::vector<PlanStep> steps_;
};

}  // namespace

std::vector<VerifyQuery> BuildVerifyQueries(const Config& config, const PlanOptions& options,
                                            VerifyObjects objects) {
  const Argv a(config, options);
  std::vector<VerifyQuery> out;
  auto answer = [](CommandOp op) {
    op.stdout_is_answer = true;
    return op;
  };
  auto get = [&a, &answer](std::string kinds) {
    return answer(
        Cmd(a.Kubectl({"get", std::move(kinds), "--all-namespaces", "--output=json"}), {}, 60));
  };
  const std::string workloads = "namespaces,deployments,daemonsets,statefulsets";
  const std::string network = config.Get("INGRESS_PROVIDER") == "nginx"
                                  ? "services,ingresses,ingressclasses,configmaps"
                                  : "services,ingresses,ingressclasses";
  const std::string certificates = "clusterissuers.cert-manager.io,certificates.cert-manager.io";
  if (objects == VerifyObjects::kOneQuery) {
    out.push_back({"objects", get(workloads + "," + network + "," + certificates)});
  } else {
    // kubectl lists the kinds of one get one after the other: three families
    // run at once take the wall time of the slowest.
    out.push_back({"workloads", get(workloads)});
    out.push_back({"network", get(network)});
    out.push_back({"certificates", get(certificates)});
  }
  out.push_back({"runtime", get("nodes,pods")});
  out.push_back(
      {"releases",
       answer(Cmd(a.Helm({"list", "--all-namespaces", "--all", "--output=json"}), {}, 60))});
  // No --args passthrough (helmfile#1749): the same flags as apply.
  std::vector<std::string> diff{"diff", "--detailed-exitcode", "--skip-deps", "--context",
                                config.Get("HELMFILE_DIFF_CONTEXT")};
  if (config.GetBool("HELMFILE_DIFF_SUPPRESS_SECRETS")) diff.emplace_back("--suppress-secrets");
  for (const auto& kind : config.GetList("HELMFILE_DIFF_SUPPRESS_OBJECTS")) {
    diff.insert(diff.end(), {"--suppress", kind});
  }
  std::vector<std::string> secrets;
  for (const auto& c : Components()) {
    if (!IsEnabled(c, config)) continue;
    for (auto key : c.secrets) {
      if (std::find(secrets.begin(), secrets.end(), key) == secrets.end())
        secrets.emplace_back(key);
    }
  }
  CommandOp diff_op =
      Cmd(a.Helmfile("", diff), secrets, static_cast<int>(config.GetInt("TIMEOUT_SECS")) + 60);
  diff_op.ok_exit_codes = {0, 2};  // 2 = drift, judged by helmfile/drift; 1 = error
  out.push_back({"drift", diff_op});
  out.push_back({"events", get("events")});
  return out;
}

Plan BuildPlan(const Config& config, const PlanOptions& options) {
  return Builder(config, options).Build();
}

}  // namespace platformctl
