#pragma once
// The command table and the helpers command files share. A command file binds
// flags to an options struct and calls into the core; no business logic here.

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platformctl/config.h"
#include "platformctl/output.h"
#include "platformctl/plan.h"

namespace platformctl {

/// Flags accepted before or after the command (design "Command line").
struct GlobalOptions {
  std::string repo;
  std::string profile;
  bool exclusive = false;
  std::vector<std::string> sets;
  std::string kubeconfig;
  std::string context;
  std::string output = "text";
  bool verbose = false;
  bool quiet = false;
  bool no_color = false;
};

/// Flags shared by plan, apply and delete.
struct PlanFlags {
  bool delete_mode = false;
  bool with_host = false;
  bool host_only = false;  ///< `platformctl host ...`: the host phase alone
  std::string host_root;   ///< --root DIR for every host path
  std::string only;
  std::string from;
};
/// The flags of every command, owned by one invocation (no statics, so a
/// CLI can be built more than once in a process).
struct CommandFlags {
  PlanFlags plan;
  PlanFlags apply;
  PlanFlags del;
  PlanFlags host_plan;
  PlanFlags host_apply;
  PlanFlags host_delete;
  bool dry_run = false;
  bool resume = false;
  bool recover_pending = false;
  bool yes = false;
  bool adopt = false;  ///< flux bootstrap --adopt
  bool origin = false;
  // verify and diagnostics
  bool deep = false;
  bool list = false;
  std::string verify_only;
  std::string report;
  std::string out_dir;
};

/// Shared state of one invocation.
struct Invocation {
  GlobalOptions global;
  CommandFlags flags;
  int exit_code = 0;
  std::string command_line;  ///< argv joined, for the run lock and journal
};

struct CommandDef {
  std::string_view name;
  std::string_view summary;
  void (*setup)(CLI::App& sub, Invocation& inv);
};

/// Every command, in help order (ninja's kTools, helm's root.go).
std::span<const CommandDef> CommandTable();

/// Builds the whole CLI11 app (used by main and by tests).
void BuildCli(CLI::App& app, Invocation& inv);

/// Adds the examples footer and the fallthrough for global flags.
void Describe(CLI::App& sub, std::string_view examples);

/// Finds the repo, loads and validates the config; prints diagnostics to
/// stderr; throws CommandError(2) on errors.
/// Diagnostics whose code equals `skip_code` are not printed. Unknown keys
/// are errors in kStrict mode or with `strict_keys` (apply/delete dry-runs).
Config LoadForCommand(const GlobalOptions& g, ValidateMode mode, std::string_view skip_code = {},
                      bool strict_keys = false);

/// Prints diagnostics to stderr (errors and, unless quiet, warnings).
void PrintDiagnostics(const Diagnostics& diags, const GlobalOptions& g,
                      std::string_view skip_code = {});
/// Whether stderr gets colour (CLICOLOR_FORCE, --no-color, NO_COLOR, TERM=dumb, tty).
bool UseColor(const GlobalOptions& g);

/// -o value checked against what the command supports; throws CommandError(2).
OutputFormat RequireFormat(const GlobalOptions& g, std::initializer_list<OutputFormat> allowed);

/// Loads the config (lenient; unknown keys are errors with `strict_keys`),
/// builds the plan and applies --only/--from; throws CommandError(2) on bad
/// input.
Plan BuildSelectedPlan(const GlobalOptions& g, const PlanFlags& flags, bool strict_keys = false);
struct ConfigAndPlan {
  Config config;
  Plan plan;
  HostFacts host;  ///< read when the plan has a host phase
  /// The cluster flags the plan uses (apply --with-host: the k3s kubeconfig).
  std::string kubeconfig;
  std::string context;
};
/// The same, keeping the Config; `mode` kStrict for a real apply/delete.
ConfigAndPlan LoadAndPlan(const GlobalOptions& g, const PlanFlags& flags, bool strict_keys,
                          ValidateMode mode);
void PrintPlan(const GlobalOptions& g, const Plan& plan);
/// apply/delete/host apply/host delete: prints the plan with `dry_run`,
/// else runs it through the executor (strict config, run trail, lock).
void ExecutePlanCommand(Invocation& inv, const PlanFlags& flags, bool dry_run);
void AddPlanFlags(CLI::App& sub, PlanFlags& flags, bool allow_from);

// Setup functions, one per command file.
void SetupPlanCommand(CLI::App& sub, Invocation& inv);
void SetupApplyCommand(CLI::App& sub, Invocation& inv);
void SetupDeleteCommand(CLI::App& sub, Invocation& inv);
void SetupConfigCommand(CLI::App& sub, Invocation& inv);
void SetupVersionCommand(CLI::App& sub, Invocation& inv);
void SetupVerifyCommand(CLI::App& sub, Invocation& inv);
void SetupDiagnosticsCommand(CLI::App& sub, Invocation& inv);
void SetupHostCommand(CLI::App& sub, Invocation& inv);

void SetupDnsCommand(CLI::App& sub, Invocation& inv);

void SetupFluxCommand(CLI::App& sub, Invocation& inv);

void SetupDoctorCommand(CLI::App& sub, Invocation& inv);

void SetupCompletionCommand(CLI::App& sub, Invocation& inv);

/// A command that is planned but not in this version: listed in help, exit 2.
void SetupPlannedCommand(CLI::App& sub, Invocation& inv);

/// Checks argv (without argv[0]) against the CLI before CLI11 parses it:
/// unknown commands and flags (with did-you-mean), missing or empty values,
/// flag-like values of --context/--kubeconfig. Rewrites `help [CMD...]` to
/// `[CMD...] --help`. Throws CommandError(2) with the message to print.
void CheckCommandLine(const CLI::App& root, std::vector<std::string>& args);

}  // namespace platformctl
