// `platformctl plan`, and the dry-runs of apply and delete, which print the
// very same plan.
#include <iostream>

#include "commands/command.h"
#include "platformctl/exit_code.h"
#include "platformctl/host.h"
#include "platformctl/plan.h"
#include "platformctl/schema.h"

namespace platformctl {

ConfigAndPlan LoadAndPlan(const GlobalOptions& g, const PlanFlags& flags, bool strict_keys,
                          ValidateMode mode) {
  // Missing inputs are reported per step below, naming the step that needs them.
  // The host phase alone needs no cluster inputs (a fresh host has no OIDC
  // secrets yet): its own missing inputs are checked per step below.
  Config config = LoadForCommand(g, flags.host_only ? ValidateMode::kLenient : mode,
                                 "missing-required", strict_keys);
  PlanOptions options;
  options.mode = flags.delete_mode ? PlanMode::kDelete : PlanMode::kApply;
  options.with_host = flags.with_host || config.GetBool("RUN_HOST_LAYER");
  options.kubeconfig = g.kubeconfig;
  options.context = g.context;
  options.repo_root = config.RepoRoot();
  options.host_only = flags.host_only;
  if (options.with_host || options.host_only) options.host = GatherHostFacts(flags.host_root);
  if (options.with_host && !options.host_only && options.mode == PlanMode::kApply) {
    // The cluster steps talk to the k3s that host/k3s installs, through the
    // kubeconfig and context it writes (not whatever $HOME/$KUBECONFIG say
    // under sudo).
    const K3sKubeconfig k3s = K3sKubeconfigFor(config, options.host);
    if (!g.kubeconfig.empty() && g.kubeconfig != k3s.dest)
      throw CommandError(kExitUsage, "apply --with-host writes the k3s kubeconfig to " + k3s.dest +
                                         ", but --kubeconfig is " + g.kubeconfig +
                                         ": drop --kubeconfig, or set K3S_KUBECONFIG_DEST "
                                         "(or KUBECONFIG_OUT) to it");
    if (!g.context.empty() && g.context != k3s.context)
      throw CommandError(kExitUsage, "apply --with-host merges the k3s context as " + k3s.context +
                                         ", but --context is " + g.context +
                                         ": drop --context, or set K3S_CONTEXT_NAME to it");
    options.kubeconfig = k3s.dest;
    options.context = k3s.context;
  }
  if (flags.delete_mode && !options.with_host && !options.host_only &&
      config.GetBool("K3S_UNINSTALL")) {
    Diagnostics d;
    d.Warning("K3S_UNINSTALL=true has no effect without --with-host: k3s stays installed", {},
              "run 'platformctl host delete' afterwards, or 'platformctl delete --with-host'");
    PrintDiagnostics(d, g);
  }
  Plan full = BuildPlan(config, options);
  if (options.host_only) full.command = flags.delete_mode ? "host-delete" : "host-apply";
  Diagnostics diags;
  // ONLY from the config is the seed's way of selecting; --only wins.
  const std::string only = flags.only.empty() && !flags.host_only ? config.Get("ONLY") : flags.only;
  if (flags.host_only) {
    // host --only names host tasks; a cluster phase would select nothing.
    for (const auto& token : SplitList(only)) {
      std::string name = token.starts_with("host/") ? token.substr(5) : token;
      if (name != "packages" && name != "dns" && name != "k3s" && name != "host")
        throw CommandError(kExitUsage, "unknown host task '" + token +
                                           "' in --only (host tasks: packages, dns, k3s)");
    }
  }
  auto selected = SelectSteps(full, only, flags.from, diags);
  PrintDiagnostics(diags, g);
  if (!selected) throw CommandError(kExitUsage, "invalid step selection; nothing was executed");
  Diagnostics missing;
  for (const auto& s : selected->steps) {
    if (s.missing.empty()) continue;
    std::string names;
    for (const auto& m : s.missing) names += (names.empty() ? "" : ", ") + m;
    missing.Warning("step " + s.id + " will need " + names + " (empty; required before apply)", {},
                    "set them in profiles/secrets.env or your profile");
  }
  if (mode == ValidateMode::kLenient) {
    PrintDiagnostics(missing, g);
  } else if (!missing.Items().empty()) {
    Diagnostics errors;
    for (const auto& d : missing.Items()) errors.Error(d.message, d.loc, d.hint);
    PrintDiagnostics(errors, g);
    throw CommandError(kExitUsage, "required inputs are empty; nothing was executed");
  }
  return ConfigAndPlan{std::move(config), std::move(*selected), options.host, options.kubeconfig,
                       options.context};
}

Plan BuildSelectedPlan(const GlobalOptions& g, const PlanFlags& flags, bool strict_keys) {
  return LoadAndPlan(g, flags, strict_keys, ValidateMode::kLenient).plan;
}

void PrintPlan(const GlobalOptions& g, const Plan& plan) {
  auto f = RequireFormat(g, {OutputFormat::kText, OutputFormat::kJson, OutputFormat::kYaml});
  if (f == OutputFormat::kJson) {
    std::cout << RenderPlanJson(plan);
  } else if (f == OutputFormat::kYaml) {
    std::cout << RenderPlanYaml(plan);
  } else {
    std::cout << RenderPlanText(plan);
  }
}

void AddPlanFlags(CLI::App& sub, PlanFlags& flags, bool allow_from) {
  sub.add_flag("--with-host", flags.with_host,
               "Include the host phase (packages, dynamic DNS, k3s)");
  sub.add_option("--root", flags.host_root,
                 "With --with-host: prefix every host file read or written (like DESTDIR)")
      ->type_name("DIR");
  sub.add_option(
         "--only", flags.only,
         "Comma-separated phases, step ids or seed step numbers (e.g. cert-manager,issuers or 31)")
      ->type_name("LIST");
  if (allow_from)
    sub.add_option("--from", flags.from, "Start at this phase, step id or step number")
        ->type_name("STEP");
}

void SetupPlanCommand(CLI::App& sub, Invocation& inv) {
  PlanFlags& flags = inv.flags.plan;
  sub.add_flag("--delete", flags.delete_mode, "Plan a delete instead of an apply");
  AddPlanFlags(sub, flags, true);
  Describe(sub,
           "  platformctl plan --profile overlay-staging\n"
           "  platformctl plan -p overlay-prod -o json > plan.json\n"
           "  platformctl plan --delete --with-host\n"
           "  platformctl plan --only cert-manager,issuers\n"
           "  platformctl plan --from platform --set FEAT_VERIFY_DEEP=true\n");
  sub.callback([&inv, &flags] { PrintPlan(inv.global, BuildSelectedPlan(inv.global, flags)); });
}

}  // namespace platformctl
