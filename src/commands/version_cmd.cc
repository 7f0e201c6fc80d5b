#include <iostream>

#include "commands/command.h"

namespace platformctl {

void SetupVersionCommand(CLI::App& sub, Invocation& inv) {
  Describe(sub, "  platformctl version\n  platformctl version -o json\n");
  sub.callback([&inv] {
    auto f = RequireFormat(inv.global, {OutputFormat::kText, OutputFormat::kJson});
    if (f == OutputFormat::kJson) {
      std::cout << nlohmann::json{{"version", PLATFORMCTL_VERSION}}.dump() << "\n";
    } else {
      std::cout << "platformctl " << PLATFORMCTL_VERSION << "\n";
    }
  });
}

}  // namespace platformctl
