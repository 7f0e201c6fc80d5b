// Shared command plumbing: the command table, global flags, config loading.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
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
    {"verify", "Check the live platform against the config (--deep: nodes, HTTPS, releases)",
     SetupVerifyCommand},
    {"diagnostics", "Collect a diagnostics bundle (nodes, pods, events, releases, failing pods)",
     SetupDiagnosticsCommand},
    {"version", "Print the platformctl version", SetupVersionCommand},
    {"host", "Host layer: packages, k3s and the dynamic DNS timer (plan, apply, delete)",
     SetupHostCommand},

    {"dns", "Route53 dynamic DNS: point this host's names at its public IP", SetupDnsCommand},

    {"flux", "Flux GitOps: bootstrap (install Flux, apply cluster/) and reconcile",
     SetupFluxCommand},

    {"doctor", "Check tools, kubeconfig, cluster access, DNS, disk and clock, each with a fix",
     SetupDoctorCommand},

    {"completion", "Print the shell completion script for bash, zsh or fish",
     SetupCompletionCommand},

};

void AddGlobalFlags(CLI::App& app, GlobalOptions& g) {
  app.add_option("-C,--repo", g.repo,
                 "Platform repo root (default: nearest ancestor of cwd holding config.env)")
      ->type_name("DIR")
      ->group("Global");
  app.add_option("-p,--profile", g.profile,
                 "Profile file, highest file precedence (env PROFILE_FILE)")
      ->type_name("FILE")
      ->group("Global");
  app.add_flag("--exclusive", g.exclusive,
               "Load only config.env and the profile (env PROFILE_EXCLUSIVE=true)")
      ->group("Global");
  app.add_option("--set", g.sets, "Override KEY=VALUE above every file (repeatable)")
      ->type_name("KEY=VALUE")
      ->group("Global");
  app.add_option("--kubeconfig", g.kubeconfig,
                 "kubeconfig passed to every kubectl/helm/helmfile call")
      ->type_name("FILE")
      ->group("Global");
  app.add_option("--context", g.context, "kube context passed to every kubectl/helm/helmfile call")
      ->type_name("NAME")
      ->group("Global");
  app.add_option("-o,--output", g.output,
                 "Output format: text (default), json, yaml (config show: env)")
      ->type_name("FORMAT")
      ->group("Global");
  app.add_flag("-v,--verbose", g.verbose, "More detail on stderr")->group("Global");
  app.add_flag("-q,--quiet", g.quiet, "Only errors on stderr")->group("Global");
  app.add_flag("--no-color", g.no_color, "No colour (NO_COLOR is honoured too)")->group("Global");
}

// Each command's help ends with the global flags (they are the root's
// options, accepted before or after the command).
std::string GlobalFlagsHelp(const CLI::App& root) {
  std::string out = "Global flags (before or after the command):\n";
  for (const CLI::Option* o : root.get_options()) {
    if (o->get_group() != "Global") continue;
    std::string names = o->get_name(false, true);
    if (o->get_items_expected_max() > 0) {
      std::string meta = "VALUE";
      for (const auto& [flag, m] : {std::pair<const char*, const char*>{"--repo", "DIR"},
                                    {"--profile", "FILE"},
                                    {"--set", "KEY=VALUE"},
                                    {"--kubeconfig", "FILE"},
                                    {"--context", "NAME"},
                                    {"--output", "FORMAT"}}) {
        if (o->check_name(flag)) meta = m;
      }
      names += " " + meta;
    }
    out += "  " + names;
    out += names.size() < 28 ? std::string(28 - names.size(), ' ') : std::string("  ");
    out += o->get_description() + "\n";
  }
  return out;
}

void AllowGlobalsEverywhere(CLI::App& app, const std::string& globals_help) {
  for (CLI::App* sub : app.get_subcommands({})) {
    // Planned commands keep unknown flags to themselves (exit 2 says why).
    if (!sub->get_allow_extras()) sub->fallthrough();
    std::string footer = sub->get_footer();
    sub->footer((footer.empty() ? "" : footer + "\n") + globals_help);
    AllowGlobalsEverywhere(*sub, globals_help);
  }
}

// Repeated single-value flags: the last one wins (as with kubectl and helm).
void LastOneWins(CLI::App& app) {
  for (CLI::Option* o : app.get_options({})) {
    if (o->get_items_expected_max() == 1) o->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  }
  for (CLI::App* sub : app.get_subcommands({})) LastOneWins(*sub);
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
      "  platformctl verify --deep                              # is the live platform healthy?\n"
      "  sudo platformctl host apply                            # packages, k3s, DNS timer\n"
      "  platformctl dns plan                                   # Route53 names vs this host's IP\n"
      "  platformctl <command> --help                           # flags and examples of each\n"
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
  AllowGlobalsEverywhere(app, GlobalFlagsHelp(app));
  LastOneWins(app);
}

void SetupPlannedCommand(CLI::App& sub, Invocation& /*inv*/) {
  sub.allow_extras();
  const std::string name = sub.get_name();
  Describe(sub, "  (none yet: 'platformctl " + name + "' is planned, not in this version)\n");
  sub.callback([name] {
    throw CommandError(kExitUsage, "'" + name + "' is not available in platformctl " +
                                       std::string(PLATFORMCTL_VERSION) +
                                       " yet; it is planned (see docs/manual.md, \"Planned "
                                       "commands\"). Nothing was executed.");
  });
}

bool UseColor(const GlobalOptions& g) {
  return StderrWantsColor(
      g.no_color, [](const char* name) -> const char* { return std::getenv(name); },
      ::isatty(2) == 1);
}

void PrintDiagnostics(const Diagnostics& diags, const GlobalOptions& g,
                      std::string_view skip_code) {
  const bool color = UseColor(g);
  // At most Diagnostics::kMaxStored lines: every kept error, then warnings.
  size_t errors = 0;
  for (const auto& d : diags.Items()) errors += d.severity == Severity::kError ? 1 : 0;
  size_t warning_room = Diagnostics::kMaxStored > errors ? Diagnostics::kMaxStored - errors : 0;
  size_t shown = 0;
  size_t skipped = 0;
  for (const auto& d : diags.Items()) {
    if (g.quiet && d.severity == Severity::kWarning) continue;
    if (!skip_code.empty() && d.code == skip_code) {
      ++skipped;
      continue;
    }
    if (d.severity == Severity::kWarning) {
      if (warning_room == 0) continue;
      --warning_room;
    }
    std::cerr << FormatDiagnostic(d, color) << "\n";
    ++shown;
  }
  const size_t total = g.quiet ? diags.ErrorCount() : diags.ErrorCount() + diags.WarningCount();
  if (total > shown + skipped) {
    std::cerr << "platformctl: ... and " << (total - shown - skipped) << " more ("
              << diags.ErrorCount() << " error(s), " << diags.WarningCount()
              << " warning(s) in all; the first are shown)\n";
  }
}

Config LoadForCommand(const GlobalOptions& g, ValidateMode mode, std::string_view skip_code,
                      bool strict_keys) {
  std::string error;
  auto root = FindRepoRoot(g.repo, error);
  if (!root) throw CommandError(kExitUsage, error);
  LoadOptions opts;
  opts.repo_root = *root;
  opts.profile = g.profile;
  if (g.exclusive) opts.exclusive = true;
  opts.sets = g.sets;
  opts.env_names = ProcessEnvNames;
  opts.strict_keys = strict_keys || mode == ValidateMode::kStrict;
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
    std::string msg =
        std::to_string(diags.ErrorCount()) + " configuration error(s); nothing was executed";
    // A fresh clone has no secrets file yet: say how to start one.
    const bool secrets_missing =
        std::any_of(diags.Items().begin(), diags.Items().end(), [](const Diagnostic& d) {
          return d.hint.find("secrets.example.env") != std::string::npos;
        });
    if (secrets_missing && !std::filesystem::exists(*root + "/profiles/secrets.env")) {
      msg +=
          ". There is no profiles/secrets.env yet: start from the template with "
          "'cp profiles/secrets.example.env profiles/secrets.env && chmod 600 "
          "profiles/secrets.env', then fill it in";
    }
    throw CommandError(kExitUsage, msg);
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
