#pragma once
/// Process spawning: one interface, no shell anywhere. The real runner uses
/// posix_spawnp (own process group, stdin /dev/null, stdout+stderr merged into
/// one pipe read in a poll loop, deadline → SIGTERM, grace, SIGKILL); tests
/// substitute fakes or put fake executables on PATH.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace platformctl {

struct ProcessSpec {
  std::vector<std::string> argv{};
  /// Added to (or overriding) the inherited environment. Secrets travel here only.
  std::vector<std::pair<std::string, std::string>> env{};
  bool inherit_env = true;  ///< false: the child sees only `env`
  std::string cwd{};        ///< empty = inherit
  int timeout_ms = 0;       ///< 0 = no deadline
  int grace_ms = 5000;      ///< SIGTERM → SIGKILL grace period
};

/// A finished (or failed-to-start) process, as a value.
struct ProcessResult {
  int exit_code = -1;  ///< -1 when killed by a signal or not started
  int signal = 0;      ///< terminating signal, 0 if none
  bool timed_out = false;
  bool spawn_failed = false;
  std::string error;   ///< why it could not start (e.g. "helm: not found on PATH")
  std::string output;  ///< combined stdout+stderr (the tail is kept when large)
  double duration_s = 0;

  [[nodiscard]] bool Ok() const { return exit_code == 0 && !timed_out && !spawn_failed; }
  /// "exit status 2", "killed by signal 9", "timed out after 300s", "not started: ...".
  [[nodiscard]] std::string Describe() const;
};

/// Receives output chunks as they arrive (step log, terminal).
using OutputSink = std::function<void(std::string_view)>;

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual ProcessResult Run(const ProcessSpec& spec, const OutputSink& sink) = 0;
};

/// The real runner (posix_spawnp).
std::unique_ptr<ProcessRunner> MakePosixProcessRunner();

/// Runs argv and captures its output (convenience over the real runner).
ProcessResult RunCapture(const std::vector<std::string>& argv, int timeout_ms);

}  // namespace platformctl
