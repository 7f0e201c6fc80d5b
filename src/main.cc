// platformctl: the thin executable. All logic lives in platformctl_core; the
// single top-level catch maps failures to the design's exit codes.
#include <iostream>

#include "commands/command.h"
#include "platformctl/exit_code.h"

int main(int argc, char** argv) {
  using namespace platformctl;  // NOLINT(google-build-using-namespace): main only
  CLI::App app{"platformctl", "platformctl"};
  Invocation inv;
  try {
    BuildCli(app, inv);
    app.parse(argc, argv);
    return inv.exit_code;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "platformctl: " << e.what() << "\n";
    std::cerr
        << "Run 'platformctl --help' (or 'platformctl COMMAND --help') for usage and examples.\n";
    return kExitUsage;
  } catch (const CommandError& e) {
    std::cerr << "platformctl: " << e.what() << "\n";
    return e.Code();
  } catch (const std::exception& e) {
    std::cerr << "platformctl: internal error: " << e.what() << "\n";
    return kExitFailed;
  }
}
