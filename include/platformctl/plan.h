#pragma once
/// The plan: a plain value built by a pure function of the Config (no I/O, no
/// cluster). `plan`, `apply --dry-run` and `apply` print the very same plan,
/// and the executor walks it.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platformctl/diagnostics.h"

namespace platformctl {

class Config;

/// Apply phases in execution order (design contract).
std::span<const std::string_view> ApplyPhases();
/// Delete phases in execution order ("clean" is the clean-state check).
std::span<const std::string_view> DeletePhases();

enum class PlanMode { kApply, kDelete };

/// One operation of a step: a process to spawn, or an in-process action.
struct PlanOp {
  enum class Kind { kCommand, kAction };
  Kind kind = Kind::kCommand;
  std::vector<std::string> argv;  ///< kCommand: exact argv (no shell)
  std::vector<std::string> env;  ///< kCommand: NAMES of variables the child receives (values never)
  std::string action;            ///< kAction: id, e.g. "wait-crd", "adopt", "check"
  std::string description;  ///< kAction: targets and bounds, e.g. "wait ≤ 300s: CRD x Established"
  int timeout_s = 0;        ///< bound (kCommand deadline or kAction bound); 0 = none
  bool may_fail = false;    ///< failure is reported but does not fail the step
};

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
  std::string profile;  ///< resolved profile path or "" (JSON null)
  bool with_host = false;
  std::vector<PlanStep> steps;
};

struct PlanOptions {
  PlanMode mode = PlanMode::kApply;
  bool with_host = false;
  std::string kubeconfig;  ///< global --kubeconfig ("" = none)
  std::string context;     ///< global --context ("" = none)
  /// Where platformctl writes the state values (repo-relative).
  std::string state_values_path = "artifacts/state-values.yaml";
};

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

/// Text rendering: phases as headings, numbered steps, indented commands.
std::string RenderPlanText(const Plan& plan);
/// JSON rendering (schemaVersion 1, design "Machine-readable output").
std::string RenderPlanJson(const Plan& plan);
std::string RenderPlanYaml(const Plan& plan);

}  // namespace platformctl
