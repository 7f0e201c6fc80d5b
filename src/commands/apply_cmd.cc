// `platformctl apply` and `platformctl delete`. The dry-runs print the plan
// that `plan` prints; without --dry-run the executor runs it.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "commands/command.h"
#include "platformctl/executor.h"
#include "platformctl/exit_code.h"
#include "platformctl/process.h"

namespace platformctl {

void ExecutePlanCommand(Invocation& inv, const PlanFlags& flags, bool dry_run) {
  if (dry_run) {
    // apply and delete refuse unknown keys even for a dry-run: the real run would.
    Plan plan = BuildSelectedPlan(inv.global, flags, /*strict_keys=*/true);
    PrintPlan(inv.global, plan);
    if (!inv.global.quiet) std::cerr << "Dry run: nothing was executed.\n";
    return;
  }
  RequireFormat(inv.global, {OutputFormat::kText});
  // Strict: missing inputs and unknown keys are errors before anything runs.
  ConfigAndPlan cp = LoadAndPlan(inv.global, flags, /*strict_keys=*/true, ValidateMode::kStrict);
  InstallInterruptHandlers();
  auto runner = MakePosixProcessRunner();
  RunOptions options;
  options.repo_root = std::filesystem::absolute(cp.config.RepoRoot()).lexically_normal().string();
  while (options.repo_root.size() > 1 && options.repo_root.back() == '/')
    options.repo_root.pop_back();
  options.kubeconfig = inv.global.kubeconfig;
  options.context = inv.global.context;
  options.yes = inv.flags.yes;
  options.resume = inv.flags.resume;
  options.recover_pending = inv.flags.recover_pending;
  options.interactive = ::isatty(0) == 1 && ::isatty(2) == 1;
  options.quiet = inv.global.quiet;
  options.command_line = inv.command_line;
  options.host = cp.host;
  inv.exit_code = ExecutePlan(cp.config, cp.plan, *runner, options, std::cerr);
}

void SetupApplyCommand(CLI::App& sub, Invocation& inv) {
  PlanFlags& flags = inv.flags.apply;
  bool& dry_run = inv.flags.dry_run;
  sub.add_flag("--dry-run", dry_run, "Print the plan and exit without executing");
  AddPlanFlags(sub, flags, true);
  sub.add_flag("--recover-pending", inv.flags.recover_pending,
               "Unlock releases stuck pending: roll back to the last deployed revision, "
               "uninstall a pending install");
  sub.add_flag("--resume", inv.flags.resume,
               "Continue after the last successful step of the latest matching run");
  sub.add_flag("--yes", inv.flags.yes, "Do not ask for confirmation");
  Describe(sub,
           "  platformctl apply --profile overlay-staging --dry-run\n"
           "  platformctl apply --profile profiles/overlay-staging.env\n"
           "  platformctl apply --only platform --set FEAT_VERIFY_DEEP=true\n");
  sub.callback([&inv, &flags, &dry_run] { ExecutePlanCommand(inv, flags, dry_run); });
}

void SetupDeleteCommand(CLI::App& sub, Invocation& inv) {
  PlanFlags& flags = inv.flags.del;
  bool& dry_run = inv.flags.dry_run;
  flags.delete_mode = true;
  sub.add_flag("--dry-run", dry_run, "Print the delete plan and exit without executing");
  AddPlanFlags(sub, flags, false);
  sub.add_flag("--yes", inv.flags.yes, "Confirm the delete without a prompt");
  Describe(sub,
           "  platformctl delete --dry-run\n"
           "  platformctl delete --profile overlay-staging --yes\n"
           "  platformctl delete --with-host --dry-run -o json\n");
  sub.callback([&inv, &flags, &dry_run] { ExecutePlanCommand(inv, flags, dry_run); });
}

}  // namespace platformctl
