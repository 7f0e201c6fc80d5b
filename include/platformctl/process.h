#pragma once
/// Process spawning: one interface, no shell anywhere. The real runner uses
/// posix_spawnp (own process group, stdin /dev/null, stdout+stderr merged into
/// one pipe read in a poll loop, fds above 2 closed in the child); tests
/// substitute fakes or put fake executables on PATH.
///
/// Phases and their bounds (src/exec/posix_process_runner.cc):
/// - One absolute deadline (`timeout_ms` after the start) covers reading AND
///   reaping: at the deadline the group gets SIGTERM, after `grace_ms` SIGKILL.
///   The child's exit is watched with a pidfd (or a 50 ms waitpid(WNOHANG)
///   tick), never a blocking waitpid.
/// - Once the direct child has exited, the pipe is read until it has been idle
///   for `drain_ms` (at most 2 s in all, never past the deadline); whatever still
///   holds it (a background grandchild) is then killed with its process group
///   (`ProcessResult::stray_killed`).
/// - Interrupts (InstallInterruptHandlers below): the runner forwards the same
///   signal to the group, waits `interrupt_grace_ms` (helm records the release
///   as failed on SIGINT/SIGTERM), then sends SIGKILL. A second interrupt sends
///   SIGKILL at once. A pending interrupt stops new children from starting.
/// - Nothing is left running: after a deadline or an interrupt the whole group
///   gets SIGKILL once the child is reaped.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace platformctl {

struct ProcessSpec {
  /// argv[0] without a '/' is looked up in the child's PATH (`env` may set
  /// it; else ours), relative entries and relative paths against `cwd`.
  std::vector<std::string> argv{};
  /// Added to (or overriding) the inherited environment. Secrets travel here only.
  std::vector<std::pair<std::string, std::string>> env{};
  bool inherit_env = true;  ///< false: the child sees only `env`
  std::string cwd{};        ///< empty = inherit
  int timeout_ms = 0;       ///< 0 = no deadline
  int grace_ms = 5000;      ///< deadline: SIGTERM → SIGKILL grace period
  /// Interrupt: forwarded SIGINT/SIGTERM → SIGKILL grace period (capped by the
  /// deadline plus `grace_ms` when there is a deadline).
  int interrupt_grace_ms = 10000;
  /// Names removed from the inherited environment (`env` may add them back).
  /// The executor passes SecretEnvNames() (platformctl/child_env.h).
  std::vector<std::string> drop_env{};
  /// Secret values replaced by "<redacted>" in everything the sink and
  /// `ProcessResult::output` receive, also when split across reads. Values
  /// shorter than kMinRedactLength bytes are ignored.
  std::vector<std::string> redact{};
  /// After the direct child exits: stop reading once the pipe is idle this long.
  int drain_ms = 200;
  /// Non-empty: the child's stdout goes whole to this file (mode 0600, not
  /// redacted, not capped) and only stderr to the sink and `output`: for
  /// machine-readable answers (verify's `-o json` queries).
  std::string stdout_file{};
};

/// Shorter secret values are not redacted (they would redact everything).
inline constexpr size_t kMinRedactLength = 4;

/// A finished (or failed-to-start) process, as a value.
struct ProcessResult {
  int exit_code = -1;  ///< -1 when killed by a signal or not started
  int signal = 0;      ///< terminating signal, 0 if none
  bool timed_out = false;
  bool spawn_failed = false;
  /// Why it could not start: "helm: not found on PATH (PATH=...)", "cannot
  /// change to directory X: No such file or directory", "X: permission denied
  /// (not executable)"; or a note about the end of the run (e.g. not reaped).
  std::string error;
  std::string output;  ///< combined stdout+stderr, redacted (the tail is kept when large)
  double duration_s = 0;
  bool interrupted = false;  ///< an interrupt arrived while it ran (or before it started)
  int interrupt_signal = 0;  ///< SIGINT or SIGTERM when interrupted
  /// The child exited but something in its group still held the output pipe
  /// after the drain period and was killed.
  bool stray_killed = false;
  int pid = 0;  ///< the child's pid, also its process group id; 0 when not started

  [[nodiscard]] bool Ok() const {
    return exit_code == 0 && !timed_out && !spawn_failed && !interrupted;
  }
  /// "exit status 2", "killed by signal 9", "timed out after 300s", "not
  /// started: ...", "interrupted by SIGINT (exit status 1)".
  [[nodiscard]] std::string Describe() const;
};

/// Receives output chunks as they arrive (step log, terminal), already redacted.
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

// ---- Interrupts ------------------------------------------------------------
//
// InstallInterruptHandlers() catches SIGINT and SIGTERM process-wide
// (sigaction without SA_RESTART: blocking calls elsewhere see EINTR). The
// handler records the signal and writes to a self-pipe that every Run() polls;
// the running child's group gets the same signal (see the phases above) and its
// result says `interrupted`. The flag stays set until ResetInterrupt(): while
// it is set, Run() starts nothing (the result is `spawn_failed` and
// `interrupted`), so a Ctrl-C between two steps also stops the run. The
// executor checks Interrupted() after each step and exits 130. The self-pipe
// wakes one Run() at a time; every Run() also polls the counter every 100 ms,
// so concurrent ones (verify runs its queries at once) each forward the signal.

/// Idempotent and thread-safe; call it early (before starting threads).
void InstallInterruptHandlers();
/// Restores the dispositions found by InstallInterruptHandlers (tests).
void UninstallInterruptHandlers();
/// True once SIGINT or SIGTERM arrived after InstallInterruptHandlers().
bool Interrupted();
/// The first signal received (SIGINT or SIGTERM), 0 if none.
int InterruptSignal();
/// Clears the flag and the self-pipe (tests; an executor that goes on after an
/// interrupt on purpose).
void ResetInterrupt();

/// "SIGINT", "SIGTERM", "SIGKILL", ...; "signal 42" for others.
std::string SignalName(int sig);

// ---- Redaction -------------------------------------------------------------

/// `text` with every occurrence of each secret (>= kMinRedactLength bytes)
/// replaced by "<redacted>"; leftmost match first, the longest one on a tie.
std::string Redact(std::string_view text, const std::vector<std::string>& secrets);

/// argv as one line for error reports and logs: arguments with spaces or shell
/// metacharacters single-quoted, secret values redacted (argv should hold none).
std::string RedactedArgv(const std::vector<std::string>& argv,
                         const std::vector<std::string>& secrets = {});

}  // namespace platformctl
