// Shared command plumbing: the command table, global flags, config loading.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "commands/command.h"
#include "platformctl/exit_code.h"
#include "platformctl/terminal.h"

namespace platformctl {
namespace {

constexpr CommandDef kCommands[] = {
    {"plan", "Print what apply (or delete) would run, step by step", SetupPlanCommand},
    {"apply", "Install or update the platform (--dry-run prints the plan)", SetupApplyCommand},
    {"delete", "Remove the platform (--dry-run prints the plan)", SetupDeleteCommand},
    {"config", "Show or validate the layered configuration", SetupConfigCommand},
    {"version", "Print the platformctl version", SetupVersionCommand},
};

void AddGlobalFlags(CLI::App& app, GlobalOptions& g) {
  app.add_option("-C,--repo", g.repo,
                 "Platform repo root (default: nearest ancestor of cwd holding config.env)")
      ->group("Global");
  app.add_option("-p,--profile", g.profile,
                 "Profile file, highest file precedence (env PROFILE_FILE)")
      ->group("Global");
  app.add_flag("--exclusive", g.exclusive,
               "Load only config.env and the profile (env PROFILE_EXCLUSIVE=true)")
      ->group("Global");
  app.add_option("--set", g.sets, "Override KEY=VALUE above every file (repeatable)")
      ->group("Global");
  app.add_option("--kubeconfig", g.kubeconfig,
                 "kubeconfig passed to every kubectl/helm/helmfile call")
      ->group("Global");
  app.add_option("--context", g.context, "kube context passed to every kubectl/helm/helmfile call")
      ->group("Global");
  app.add_option("-o,--output", g.output,
                 "Output format: text (default), json, yaml (config show: env)")
      ->group("Global");
  app.add_flag("-v,--verbose", g.verbose, "More detail on stderr")->group("Global");
  app.add_flag("-q,--quiet", g.quiet, "Only errors on stderr")->group("Global");
  app.add_flag("--no-color", g.no_color, "No colour (NO_COLOR is honoured too)")->group("Global");
}

void AllowGlobalsEverywhere(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->fallthrough();
    AllowGlobalsEverywhere(*sub);
  }
}

}  // namespace

std::span<const CommandDef> CommandTable() { return kCommands; }

void Describe(CLI::App& sub, std::string_view examples) {
  sub.footer("Examples:\n" + std::string(examples));
}

void BuildCli(CLI::App& app, Invocation& inv) {
  app.description(
      "platformctl stands up and operates a k3s platform (Cilium, cert-manager, ingress, "
      "oauth2-proxy, "
      "ClickStack, OTel, MinIO, a sample app) from this repo's config.env, profiles/, infra/, "
      "charts/ and "
      "cluster/.");
  app.footer(
      "Examples:\n"
      "  platformctl plan --profile overlay-staging            # what apply would run\n"
      "  platformctl apply --profile profiles/overlay-staging.env\n"
      "  platformctl config show --origin -p overlay-prod      # every value and where it came "
      "from\n"
      "  platformctl config validate --set FEAT_CILIUM=false\n"
      "Exit codes: 0 ok, 1 a step or check failed, 2 usage/config error, 3 refused by a safety "
      "guard, "
      "130 interrupted.");
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Help for every command");
  AddGlobalFlags(app, inv.global);
  for (const auto& def : kCommands) {
    CLI::App* sub = app.add_subcommand(std::string(def.name), std::string(def.summary));
    def.setup(*sub, inv);
  }
  AllowGlobalsEverywhere(app);
}

bool UseColor(const GlobalOptions& g) {
  return StderrWantsColor(
      g.no_color, [](const char* name) -> const char* { return std::getenv(name); },
      ::isatty(2) == 1);
}

void PrintDiagnostics(const Diagnostics& diags, const GlobalOptions& g,
                      std::string_view skip_code) {
  const bool color = UseColor(g);
  for (const auto& d : diags.Items()) {
    if (g.quiet && d.severity == Severity::kWarning) continue;
    if (!skip_code.empty() && d.code == skip_code) continue;
    std::cerr << FormatDiagnostic(d, color) << "\n";
  }
}

Config LoadForCommand(const GlobalOptions& g, ValidateMode mode, std::string_view skip_code) {
  std::string error;
  auto root = FindRepoRoot(g.repo, error);
  if (!root) throw CommandError(kExitUsage, error);
  LoadOptions opts;
  opts.repo_root = *root;
  opts.profile = g.profile;
  if (g.exclusive) opts.exclusive = true;
  opts.sets = g.sets;
  Diagnostics diags;
  auto config = LoadConfig(opts, diags);
  if (config) ValidateConfig(*config, mode, diags);
  PrintDiagnostics(diags, g, skip_code);
  if (g.verbose && config) {
    std::string files;
    for (const auto& f : config->Files()) files += (files.empty() ? "" : " -> ") + f;
    std::cerr << "platformctl: repo " << *root << "; layers: defaults -> " << files
              << " -> env -> --set" << (config->Exclusive() ? " (exclusive)" : "") << "\n";
  }
  if (!config || diags.HasErrors()) {
    throw CommandError(kExitUsage, std::to_string(diags.ErrorCount()) +
                                       " configuration error(s); nothing was executed");
  }
  return std::move(*config);
}

OutputFormat RequireFormat(const GlobalOptions& g, std::initializer_list<OutputFormat> allowed) {
  auto f = ParseOutputFormat(g.output);
  std::string names;
  for (auto a : allowed) {
    if (f && *f == a) return a;
    names += (names.empty() ? "" : ", ") + std::string(OutputFormatName(a));
  }
  throw CommandError(kExitUsage, "-o " + g.output + ": this command supports " + names);
}

}  // namespace platformctl
