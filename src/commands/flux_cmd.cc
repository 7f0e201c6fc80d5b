// `platformctl flux bootstrap` and `platformctl flux reconcile`: plans built
// by src/flux/flux_plan.cc, run by the executor like apply (run lock, identity
// guard, trail artifacts/runs/<UTC>-flux-*/); --dry-run prints the plan.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "commands/command.h"
#include "platformctl/executor.h"
#include "platformctl/exit_code.h"
#include "platformctl/flux.h"
#include "platformctl/process.h"

namespace platformctl {
namespace {

enum class FluxAction { kBootstrap, kReconcile };

void RunFlux(Invocation& inv, FluxAction action, bool dry_run, bool adopt) {
  if (!dry_run) RequireFormat(inv.global, {OutputFormat::kText});
  // Strict for a real run (missing FLUX_GIT_TOKEN in bootstrap mode is an
  // error); unknown keys are errors even for a dry-run, as with apply.
  // reconcile only asks Flux to sync: it needs none of the components' inputs.
  const bool lenient = dry_run || action == FluxAction::kReconcile;
  Config config =
      LoadForCommand(inv.global, lenient ? ValidateMode::kLenient : ValidateMode::kStrict,
                     "missing-required", /*strict_keys=*/true);
  FluxOptions fo;
  fo.adopt = adopt;
  fo.kubeconfig = inv.global.kubeconfig;
  fo.context = inv.global.context;
  Plan plan = action == FluxAction::kBootstrap ? BuildFluxBootstrapPlan(config, fo)
                                               : BuildFluxReconcilePlan(config, fo);
  std::string missing;
  for (const auto& s : plan.steps) {
    for (const auto& m : s.missing) missing += (missing.empty() ? "" : ", ") + m;
  }
  if (dry_run) {
    PrintPlan(inv.global, plan);
    if (!inv.global.quiet) {
      if (!missing.empty())
        std::cerr << "platformctl: warning: the run will need " << missing
                  << " (empty; set it in profiles/secrets.env)\n";
      std::cerr << "Dry run: nothing was executed.\n";
    }
    return;
  }
  if (!missing.empty()) {
    throw CommandError(kExitUsage, missing +
                                       " is empty: FLUX_MODE=bootstrap passes it to flux as "
                                       "GIT_PASSWORD (set it in profiles/secrets.env); nothing "
                                       "was executed");
  }
  InstallInterruptHandlers();
  auto runner = MakePosixProcessRunner();
  RunOptions options;
  options.repo_root = std::filesystem::absolute(config.RepoRoot()).lexically_normal().string();
  while (options.repo_root.size() > 1 && options.repo_root.back() == '/')
    options.repo_root.pop_back();
  options.kubeconfig = inv.global.kubeconfig;
  options.context = inv.global.context;
  options.interactive = ::isatty(0) == 1 && ::isatty(2) == 1;
  options.quiet = inv.global.quiet;
  options.command_line = inv.command_line;
  inv.exit_code = ExecutePlan(config, plan, *runner, options, std::cerr);
}

}  // namespace

void SetupFluxCommand(CLI::App& sub, Invocation& inv) {
  sub.require_subcommand(1);
  CLI::App* boot = sub.add_subcommand(
      "bootstrap",
      "Install Flux (FLUX_MODE=install|bootstrap) and apply cluster/flux plus the profile's "
      "settings and stack; refuses releases helmfile owns unless --adopt");
  boot->add_flag("--dry-run", inv.flags.dry_run, "Print the plan and exit without executing");
  boot->add_flag("--adopt", inv.flags.adopt,
                 "Hand the platform's existing Helm releases to Flux (apply/delete then refuse)");
  Describe(*boot,
           "  platformctl flux bootstrap --dry-run\n"
           "  platformctl flux bootstrap --adopt --profile overlay-staging\n");
  boot->callback(
      [&inv] { RunFlux(inv, FluxAction::kBootstrap, inv.flags.dry_run, inv.flags.adopt); });
  CLI::App* rec = sub.add_subcommand(
      "reconcile", "Reconcile the Git source, then the stack Kustomization (--with-source)");
  rec->add_flag("--dry-run", inv.flags.dry_run, "Print the plan and exit without executing");
  Describe(*rec,
           "  platformctl flux reconcile\n"
           "  platformctl flux reconcile --dry-run -o json\n");
  rec->callback([&inv] { RunFlux(inv, FluxAction::kReconcile, inv.flags.dry_run, false); });
  Describe(sub,
           "  platformctl flux bootstrap --dry-run\n"
           "  platformctl flux bootstrap --adopt\n"
           "  platformctl flux reconcile\n");
}

}  // namespace platformctl
