// `platformctl apply` and `platformctl delete`. The dry-runs print the plan
// that `plan` prints; execution is the executor's job.
#include <iostream>

#include "commands/command.h"
#include "platformctl/exit_code.h"

namespace platformctl {
namespace {

void Execute(const Invocation& inv, const PlanFlags& flags, bool dry_run) {
  // apply and delete refuse unknown keys even for a dry-run: the real run would.
  Plan plan = BuildSelectedPlan(inv.global, flags, /*strict_keys=*/true);
  if (dry_run) {
    PrintPlan(inv.global, plan);
    if (!inv.global.quiet) std::cerr << "Dry run: nothing was executed.\n";
    return;
  }
  throw CommandError(kExitUsage,
                     std::string(flags.delete_mode ? "delete" : "apply") +
                         " without --dry-run is not available in this build yet (the executor is "
                         "tracked separately); run with --dry-run to see what it would do");
}

}  // namespace

void SetupApplyCommand(CLI::App& sub, Invocation& inv) {
  PlanFlags& flags = inv.flags.apply;
  bool& dry_run = inv.flags.dry_run;
  sub.add_flag("--dry-run", dry_run, "Print the plan and exit without executing");
  AddPlanFlags(sub, flags, true);
  sub.add_flag("--resume", inv.flags.resume,
               "Continue after the last successful step of the latest matching run");
  sub.add_flag("--yes", inv.flags.yes, "Do not ask for confirmation");
  Describe(sub,
           "  platformctl apply --profile overlay-staging --dry-run\n"
           "  platformctl apply --profile profiles/overlay-staging.env\n"
           "  platformctl apply --only platform --set FEAT_VERIFY_DEEP=true\n");
  sub.callback([&inv, &flags, &dry_run] { Execute(inv, flags, dry_run); });
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
  sub.callback([&inv, &flags, &dry_run] { Execute(inv, flags, dry_run); });
}

}  // namespace platformctl
