// `platformctl host plan|apply|delete`: the host phase alone (packages, the
// DNS timer, k3s), as plan steps run by the same executor as apply.
#include "commands/command.h"

namespace platformctl {
namespace {

void AddHostFlags(CLI::App& sub, PlanFlags& flags) {
  sub.add_option("--only", flags.only, "Comma-separated host tasks: packages, dns, k3s")
      ->type_name("LIST");
  sub.add_option("--root", flags.host_root,
                 "Prefix every host file read or written (like DESTDIR), e.g. for tests")
      ->type_name("DIR");
}

}  // namespace

void SetupHostCommand(CLI::App& sub, Invocation& inv) {
  sub.require_subcommand(1);
  Describe(sub,
           "  platformctl host plan\n"
           "  sudo platformctl host apply --profile homelab\n"
           "  platformctl host apply --only dns --set HOST_SUDO=true\n"
           "  platformctl host delete --dry-run --set K3S_UNINSTALL=true\n");

  CLI::App* plan = sub.add_subcommand("plan", "Print the host tasks and every file and command");
  PlanFlags& pf = inv.flags.host_plan;
  pf.host_only = true;
  plan->add_flag("--delete", pf.delete_mode, "Plan host delete instead of host apply");
  AddHostFlags(*plan, pf);
  Describe(*plan,
           "  platformctl host plan\n"
           "  platformctl host plan --delete -o json\n"
           "  platformctl host plan --root /tmp/hostroot --only dns\n");
  plan->callback([&inv, &pf] { PrintPlan(inv.global, BuildSelectedPlan(inv.global, pf)); });

  CLI::App* apply = sub.add_subcommand(
      "apply", "Install missing packages, k3s (flags from the config) and the DNS timer");
  PlanFlags& af = inv.flags.host_apply;
  af.host_only = true;
  bool& dry_run = inv.flags.dry_run;
  apply->add_flag("--dry-run", dry_run, "Print the plan and exit without executing");
  apply->add_flag("--yes", inv.flags.yes,
                  "Re-run the k3s installer when version or flags differ, without asking");
  AddHostFlags(*apply, af);
  Describe(*apply,
           "  sudo platformctl host apply\n"
           "  platformctl host apply --dry-run\n"
           "  sudo platformctl host apply --only k3s --set K3S_VERSION=v1.31.4+k3s1 --yes\n");
  apply->callback([&inv, &af, &dry_run] { ExecutePlanCommand(inv, af, dry_run); });

  CLI::App* del = sub.add_subcommand(
      "delete", "Remove the DNS timer (marked units only); k3s with K3S_UNINSTALL=true");
  PlanFlags& df = inv.flags.host_delete;
  df.host_only = true;
  df.delete_mode = true;
  del->add_flag("--dry-run", dry_run, "Print the plan and exit without executing");
  del->add_flag("--yes", inv.flags.yes, "Uninstall k3s without asking (K3S_UNINSTALL=true)");
  AddHostFlags(*del, df);
  Describe(*del,
           "  sudo platformctl host delete\n"
           "  sudo platformctl host delete --set K3S_UNINSTALL=true --yes\n");
  del->callback([&inv, &df, &dry_run] { ExecutePlanCommand(inv, df, dry_run); });
}

}  // namespace platformctl
