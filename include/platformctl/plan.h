#pragma once
/// The plan: a plain value built by a pure function of the Config (no I/O, no
/// cluster). `plan`, `apply --dry-run` and `apply` print the very same plan,
/// and the executor walks it.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "platformctl/diagnostics.h"
#include "platformctl/host.h"

namespace platformctl {

class Config;

/// Apply phases in execution order (design contract).
std::span<const std::string_view> ApplyPhases();
/// Delete phases in execution order ("clean" is the clean-state check).
std::span<const std::string_view> DeletePhases();

enum class PlanMode { kApply, kDelete };

/// An environment variable a command receives: a literal value (shown in the
/// plan) or a secret, whose value is read from the config key of the same name
/// at run time and never printed.
struct EnvBinding {
  std::string name;
  std::string literal;  ///< the value when !secret
  bool secret = false;
  /// The config key a secret's value is read from when it differs from
  /// `name` (flux reads FLUX_GIT_TOKEN as GIT_PASSWORD); "" = `name`.
  std::string key;
};

/// A process to spawn (no shell): the executor passes exactly `env` on top of
/// the scrubbed inherited environment (no secret the op does not declare).
struct CommandOp {
  std::vector<std::string> argv;
  std::vector<EnvBinding> env;
  int timeout_s = 0;                  ///< deadline; 0 = none
  std::vector<int> ok_exit_codes{0};  ///< exit codes that count as success
  bool tolerate_failure = false;      ///< a failure is reported, the step goes on
  bool needs_root = false;
  int attempts = 1;  ///< tries (e.g. `helm repo add` per HELM_REPO_RETRIES), 2 s apart
  /// Its stdout is a machine-readable answer (verify's -o json queries): kept
  /// whole and apart from stderr (ProcessSpec::stdout_file), then parsed.
  bool stdout_is_answer = false;
};

// In-process actions: one struct each, with the targets and bounds the
// executor needs. Text, JSON and execution are visitors over them
// (plan_output.cc, exec/executor.cc), so each must be printable and runnable.

/// Label/annotate existing objects so that Helm adopts them into a release.
struct AdoptOp {
  std::string kind;  ///< kubectl resource, e.g. "namespace", "clusterissuer"
  std::vector<std::string> names;
  std::string ns;  ///< "" for cluster-scoped
  std::string release;
  std::string release_ns;
};
/// `kubectl wait --for=condition=C` on several objects at once.
struct WaitConditionOp {
  std::vector<std::string> objects;  ///< e.g. "crd/certificates.cert-manager.io"
  std::string ns;
  std::string condition;
  int timeout_s = 0;
};
/// Every webhook of a webhook configuration has a caBundle; on timeout,
/// restart the deployments once and wait again.
struct WaitWebhookCaOp {
  std::string webhook_config;
  std::string ns;
  std::vector<std::string> restart;  ///< deployments restarted once on timeout
  int timeout_s = 0;
};
/// Objects are gone (`kubectl wait --for=delete`); optionally force-delete
/// (grace 0) what remains after `timeout_s`, then wait `force_timeout_s`.
struct WaitGoneOp {
  std::vector<std::string> objects;  ///< "namespace/x", or a kind with a selector
  std::string ns;
  std::string selector;
  int timeout_s = 0;
  int force_timeout_s = 0;           ///< 0 = no force delete
  bool only_if_terminating = false;  ///< wait only for objects being deleted
};
/// Helm repositories: one `helm repo list`, `helm repo add` for the missing
/// or changed ones (each tried `attempts` times), one `helm repo update`.
struct HelmReposOp {
  std::vector<std::pair<std::string, std::string>> repos;  ///< name, URL
  int attempts = 1;
};
/// Clear finalizers of the namespaced objects of these kinds (when the CRD
/// exists), then delete them with --wait=false.
struct ClearFinalizersOp {
  std::vector<std::string> kinds;
  int timeout_s = 0;
};
/// Delete every CRD whose name ends with `suffix` (--wait=false), then wait.
struct DeleteCrdsOp {
  std::string suffix;
  int timeout_s = 0;
};
/// Delete an object of a custom kind when its CRD exists (`kubectl delete
/// --ignore-not-found` fails on an unknown kind, e.g. k3s's HelmChartConfig
/// on a cluster without the bundled Traefik).
struct DeleteCustomObjectOp {
  std::string crd;  ///< e.g. "helmchartconfigs.helm.cattle.io"
  std::string name;
  std::string ns;
};
/// Delete objects only when they carry the managed label.
struct DeleteIfManagedOp {
  std::vector<std::string> objects;  ///< "ns/kind/name"
  std::string label;
};
/// Strict validation of the layered config (missing secrets are errors).
struct ValidateOp {};
/// Write the non-secret state values helmfile reads (mode 0600).
struct WriteStateValuesOp {
  std::string path;  ///< absolute
};
/// Take the run lock (artifacts/.lock, O_EXCL).
struct LockOp {
  std::string path;
};
/// The install record: ConfigMap kube-system/platformctl-state listing the
/// Helm releases platform runs may have installed. Apply adds this run's
/// releases to it before any change (a union: an old APP_NAMESPACE stays
/// recorded); delete reads it and uninstalls recorded releases the plan does
/// not already remove (`UninstallRecordedOp`).
struct InstallRecordOp {
  std::vector<std::string> releases;  ///< "namespace/name" this run may install (apply)
  /// "" keeps the record's owner; "flux" hands the platform to Flux (flux
  /// bootstrap), after which apply and delete refuse (check "install-owner").
  std::string owner;
};
/// Uninstall the releases of the install record that no other step removes.
struct UninstallRecordedOp {
  std::vector<std::string> covered;  ///< "namespace/name" the delete plan removes anyway
  int timeout_s = 0;
};
/// The cluster is the one the config names: context (KUBE_CONTEXT or
/// --context) and, when set, the kube-system namespace UID (CLUSTER_UID).
struct IdentityGuardOp {
  std::string expected_context;  ///< "" = any (the current one is recorded)
  std::string expected_uid;      ///< "" = not checked
};
/// A check judged in-process on the output of the step's commands.
struct CheckOp {
  std::string check;  ///< id, e.g. "no-flannel", "teardown-gate"
  std::string description;
};
/// A batched read of the verify checks: one process per family and run
/// ("objects", "runtime", "releases", "drift", "events"), run on first use and
/// shared by every check that reads it.
struct VerifyQuery {
  std::string family;
  CommandOp command;
};
/// Runs the verify checks of one group (the step's name: "platform-state",
/// "drift", ...) from the check registry, judged in-process over the queries.
struct VerifyOp {
  std::string group;
  bool deep = false;                ///< the group's checks are deep-tier
  std::vector<std::string> checks;  ///< the check ids this config expands to (shown in the plan)
  std::vector<VerifyQuery> queries;
};
// ---- host layer (paths are host paths with --root applied) ----

/// Install the packages the query finds missing (after `refresh`, apt only);
/// nothing runs but the query when all are installed.
struct PackagesOp {
  std::string manager;  ///< apt|dnf|pacman|zypper
  std::vector<std::string> packages;
  std::vector<std::string> query;    ///< argv of the installed-package query
  std::vector<std::string> refresh;  ///< argv run first when something is missing (empty = none)
  std::vector<std::string> install;  ///< argv; the missing packages are appended
  std::vector<EnvBinding> env;
  int timeout_s = 0;
};
/// Every command is on PATH (after the packages are installed).
struct RequireCommandsOp {
  std::vector<std::string> commands;
};
/// k3s at this version (or channel) with these server flags: read back from
/// `k3s --version` and k3s.service; when absent, download the installer
/// (libcurl; SHA-256 checked when configured) and run it with `env`; when
/// different, show the difference and re-run it only with --yes or a "yes".
/// Then wait until a node is registered.
struct K3sInstallOp {
  std::string url;
  std::string sha256;     ///< "" = not checked
  std::string installer;  ///< where the script is saved, e.g. {repo}/artifacts/host/k3s-install.sh
  std::vector<EnvBinding> env;  ///< INSTALL_K3S_EXEC, INSTALL_K3S_VERSION | INSTALL_K3S_CHANNEL
  std::vector<std::string> flags;
  std::string version;  ///< "" = the channel's
  std::string channel;
  std::string binary;  ///< /usr/local/bin/k3s
  std::string unit;    ///< /etc/systemd/system/k3s.service
  int timeout_s = 0;
};
/// Merge k3s.yaml into `dest` as context `context` (backup first; other
/// contexts kept), or write it standalone (KUBECONFIG_OUT).
struct MergeKubeconfigOp {
  std::string source;
  std::string dest;
  std::string context;
  bool standalone = false;
};
/// Write the units whose content changed (marker first line), disable and
/// remove the legacy units, daemon-reload when anything changed, enable
/// --now `enable` unless it is enabled and active.
struct SystemdUnitsOp {
  struct Unit {
    std::string name;
    std::string content;
  };
  std::string dir;
  std::vector<Unit> units;
  std::string enable;
  std::vector<std::string> legacy;
};
/// Disable `disable` and remove the units that carry the marker (a unit
/// without it is left alone; gone ones are fine); daemon-reload when removed.
struct RemoveSystemdUnitsOp {
  std::string dir;
  std::vector<std::string> units;
  std::string disable;
};
/// Run k3s's uninstaller when it exists (k3s not installed: nothing to do).
struct K3sUninstallOp {
  std::string script;
  int timeout_s = 0;
};

/// A file platformctl renders from the config and writes (flux bootstrap's
/// settings and stack under artifacts/flux/): the content is in the plan, so
/// a dry-run shows exactly what is written. Never holds a secret.
struct WriteFileOp {
  std::string path;  ///< "{repo}/..." or absolute
  std::string content;
  unsigned mode = 0644;
};

using PlanOp =
    std::variant<CommandOp, AdoptOp, WaitConditionOp, WaitWebhookCaOp, WaitGoneOp,
                 ClearFinalizersOp, DeleteCrdsOp, DeleteCustomObjectOp, DeleteIfManagedOp,
                 HelmReposOp, InstallRecordOp, UninstallRecordedOp, ValidateOp, WriteStateValuesOp,
                 LockOp, IdentityGuardOp, CheckOp, VerifyOp, PackagesOp, RequireCommandsOp,
                 K3sInstallOp, MergeKubeconfigOp, SystemdUnitsOp, RemoveSystemdUnitsOp,
                 K3sUninstallOp, WriteFileOp>;

/// The id of an op in plan output ("command" for CommandOp, else e.g. "adopt").
std::string_view OpName(const PlanOp& op);
/// One line describing an action (targets and bounds), for text and JSON.
std::string DescribeOp(const PlanOp& op);
/// The bound of an op in seconds (deadline or wait), 0 = none.
int OpTimeout(const PlanOp& op);

struct PlanStep {
  std::string id;  ///< "<phase>/<name>"
  std::string phase;
  std::string title;
  std::string when;                  ///< why the step is in the plan
  std::vector<std::string> aliases;  ///< the seed's script numbers, e.g. "31"
  std::string component;             ///< registry id when the step installs/removes a component
  std::vector<PlanOp> ops;
  /// Required inputs (secret or not) the step needs that are empty in the
  /// config: plan and dry-runs warn, apply refuses.
  std::vector<std::string> missing;
};

struct Plan {
  PlanMode mode = PlanMode::kApply;
  /// The command that runs it, naming the run trail and journal
  /// ("host-apply", "flux-bootstrap", ...); "" = "apply" or "delete".
  std::string command;
  std::string profile;  ///< resolved profile path or "" (JSON null)
  bool with_host = false;
  /// Always runs first, whatever --only/--from select: validation, the run
  /// lock, the identity guard, the state values, the release health query.
  std::vector<PlanOp> preflight;
  std::vector<PlanStep> steps;
};

struct PlanOptions {
  PlanMode mode = PlanMode::kApply;
  bool with_host = false;
  std::string kubeconfig;  ///< global --kubeconfig ("" = none)
  std::string context;     ///< global --context ("" = none)
  /// Where platformctl writes the state values (repo-relative in the plan
  /// text; helmfile receives it absolute, see `repo_root`).
  std::string state_values_path = "artifacts/state-values.yaml";
  /// Absolute repo root: helmfile resolves relative --file/--state-values-file
  /// paths from the helmfile's own directory, so both are passed absolute.
  /// "" = keep them relative (tests).
  std::string repo_root;
  /// Only the host phase (`platformctl host plan|apply|delete`).
  bool host_only = false;
  /// The machine, for the host phase (read by the command; BuildPlan stays pure).
  HostFacts host;
};

/// The run's name: plan.command, else "apply" or "delete".
std::string PlanName(const Plan& plan);

/// Builds the full plan for the mode. Pure: reads only the config.
Plan BuildPlan(const Config& config, const PlanOptions& options);

/// Applies --only (comma-separated tokens) and --from (one token). Tokens are
/// phase names, step ids, step names and the seed's script numbers. An
/// unknown token is an error listing the valid ones; nullopt on error.
std::optional<Plan> SelectSteps(const Plan& plan, const std::string& only, const std::string& from,
                                Diagnostics& diags);

/// Every token --only/--from accept for this plan's mode (for errors and
/// completion): phases, step ids and the seed's script numbers. Bare step
/// names are accepted too when they name exactly one step.
std::vector<std::string> ValidSelectors(const Plan& plan);
/// Integrity of the alias table (each alias maps to a phase of its mode).
std::vector<std::string> AliasTableProblems();
/// The first phase (index in ApplyPhases()/DeletePhases()) an alias lands in; -1 if unknown.
int AliasPhaseIndex(PlanMode mode, std::string_view alias);

/// How the verify queries ask for the object kinds of the core checks:
/// three families run at once (`verify`), or one kubectl get (the plan's
/// verify phase, which runs processes one at a time).
enum class VerifyObjects { kThreeQueries, kOneQuery };
/// The verify queries for this config, one per family, with the global
/// cluster flags (the same argv `verify` and the plan's verify phase run).
std::vector<VerifyQuery> BuildVerifyQueries(const Config& config, const PlanOptions& options,
                                            VerifyObjects objects = VerifyObjects::kThreeQueries);

/// Text rendering: phases as headings, numbered steps, indented commands.
std::string RenderPlanText(const Plan& plan);
/// JSON rendering (schemaVersion 1, design "Machine-readable output").
std::string RenderPlanJson(const Plan& plan);
std::string RenderPlanYaml(const Plan& plan);

}  // namespace platformctl
