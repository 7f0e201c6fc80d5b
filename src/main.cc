// platformctl: the thin executable. All logic lives in platformctl_core; the
// single top-level catch maps failures to the design's exit codes.
#include <algorithm>
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "commands/command.h"
#include "platformctl/exit_code.h"
#include "platformctl/stdout_sink.h"

namespace {

int Run(int argc, char** argv) {
  using namespace platformctl;  // NOLINT(google-build-using-namespace): main only
  CLI::App app{"platformctl", "platformctl"};
  Invocation inv;
  try {
    BuildCli(app, inv);
    std::vector<std::string> args(argv + 1, argv + argc);
    inv.command_line = "platformctl";
    for (const auto& a : args) inv.command_line += " " + a;
    CheckCommandLine(app, args);
    std::reverse(args.begin(), args.end());  // CLI11 takes the vector in reverse
    app.parse(args);
    return inv.exit_code;
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CheckCommandLine catches the usual mistakes with our own words; this
    // is what is left (e.g. a value CLI11 cannot convert).
    std::cerr << "platformctl: the command line could not be read: " << e.what() << "\n";
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

}  // namespace

int main(int argc, char** argv) {
  // A closed pipe is a write error (EPIPE) we can see, not a silent death.
  std::signal(SIGPIPE, SIG_IGN);
  platformctl::FdSink out(1);
  std::streambuf* previous = std::cout.rdbuf(&out);
  int rc = Run(argc, argv);
  rc = platformctl::FinishStdout(out, rc);
  std::cout.rdbuf(previous);
  return rc;
}
