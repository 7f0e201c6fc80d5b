#pragma once
/// Exit codes of the design contract.

#include <stdexcept>
#include <string>

namespace platformctl {

enum ExitCode : int {
  kExitOk = 0,            ///< success
  kExitFailed = 1,        ///< a step or check failed
  kExitUsage = 2,         ///< usage or configuration error (nothing executed)
  kExitRefused = 3,       ///< refused by a safety guard
  kExitInterrupted = 130  ///< interrupted (SIGINT/SIGTERM)
};

/// Aborts a command with an exit code; caught once, in main.
class CommandError : public std::runtime_error {
 public:
  CommandError(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] int Code() const { return code_; }

 private:
  int code_;
};

}  // namespace platformctl
