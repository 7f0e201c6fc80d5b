// `platformctl config show|validate|values`.
#include <iostream>

#include "commands/command.h"

namespace platformctl {

void SetupConfigCommand(CLI::App& sub, Invocation& inv) {
  sub.require_subcommand(1);
  Describe(sub,
           "  platformctl config show --origin --profile overlay-staging\n"
           "  platformctl config validate --profile profiles/overlay-prod.env\n"
           "  platformctl config values > artifacts/state-values.yaml\n");

  CLI::App* show =
      sub.add_subcommand("show", "Print the effective configuration (secrets redacted)");
  show->add_flag("--origin", inv.flags.origin,
                 "Show where each value came from (FILE:LINE, default, env, --set)");
  Describe(*show,
           "  platformctl config show\n"
           "  platformctl config show --origin -p overlay-prod\n"
           "  platformctl config show -o json | jq '.BASE_DOMAIN'\n"
           "  platformctl config show -o env --set BASE_DOMAIN=lab.example.com\n");
  show->callback([&inv] {
    auto f = RequireFormat(inv.global, {OutputFormat::kText, OutputFormat::kJson,
                                        OutputFormat::kYaml, OutputFormat::kEnv});
    Config config = LoadForCommand(inv.global, ValidateMode::kLenient);
    std::cout << RenderConfig(config, f, inv.flags.origin);
  });

  CLI::App* validate =
      sub.add_subcommand("validate", "Check the config contract (missing secrets are errors)");
  Describe(*validate,
           "  platformctl config validate\n"
           "  platformctl config validate -p overlay-prod --set LETSENCRYPT_ENV=prod\n");
  validate->callback([&inv] {
    Config config = LoadForCommand(inv.global, ValidateMode::kStrict);
    if (!inv.global.quiet) {
      std::string files;
      for (const auto& f : config.Files()) files += (files.empty() ? "" : ", ") + f;
      std::cerr << "config OK (" << files << ")\n";
    }
  });

  CLI::App* keys =
      sub.add_subcommand("keys", "List every config key: type, default, secret, who requires it");
  Describe(*keys,
           "  platformctl config keys\n"
           "  platformctl config keys -o json | jq '.[] | select(.secret)'\n");
  keys->callback([&inv] {
    auto f =
        RequireFormat(inv.global, {OutputFormat::kText, OutputFormat::kJson, OutputFormat::kYaml});
    std::cout << RenderKeyTable(f);
  });

  CLI::App* values =
      sub.add_subcommand("values", "Print the helmfile state values (non-secret config as YAML)");
  Describe(*values,
           "  platformctl config values -p overlay-staging\n"
           "  platformctl config values -o json\n");
  values->callback([&inv] {
    auto f =
        RequireFormat(inv.global, {OutputFormat::kText, OutputFormat::kYaml, OutputFormat::kJson});
    Config config = LoadForCommand(inv.global, ValidateMode::kLenient);
    auto j = StateValues(config);
    std::cout << (f == OutputFormat::kJson ? j.dump(2) + "\n" : ToYaml(j));
  });
}

}  // namespace platformctl
