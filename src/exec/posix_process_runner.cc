// The real ProcessRunner: posix_spawnp with an argv vector, never a shell.
// One poll loop watches the output pipe, the child (pidfd, else a waitpid tick)
// and the interrupt self-pipe, so the deadline holds in every phase
// (include/platformctl/process.h describes the phases).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

#include "platformctl/child_env.h"
#include "platformctl/output.h"
#include "platformctl/process.h"

extern char** environ;

namespace platformctl {
namespace {

using Clock = std::chrono::steady_clock;
constexpr Clock::time_point kNever = Clock::time_point::max();

constexpr size_t kMaxKeptOutput = 256 * 1024;
constexpr size_t kReadSize = 64 * 1024;
/// The drain after the child's exit never lasts longer than this in all.
constexpr auto kMaxDrain = std::chrono::milliseconds(2000);
/// After SIGKILL: how long to wait for the child to be reaped before giving up.
constexpr auto kReapAfterKill = std::chrono::milliseconds(2000);
/// Without a pidfd: how often waitpid(WNOHANG) looks at the child.
constexpr int kReapTickMs = 50;
/// At the end of the drain: at most this much more is read from an idle pipe.
constexpr size_t kFinalReadLimit = 1024 * 1024;
constexpr size_t kMaxPathInMessage = 200;

// ---- Interrupts --------------------------------------------------------------

std::atomic<int> g_interrupt_signal{0};
std::atomic<int> g_interrupt_count{0};
std::atomic<int> g_self_pipe_read{-1};
std::atomic<int> g_self_pipe_write{-1};
// The self-pipe wakes one Run() only, so with interrupts installed each Run()
// also looks at the counter every kConcurrentTickMs (verify runs several at once).
constexpr int kConcurrentTickMs = 100;
static_assert(std::atomic<int>::is_always_lock_free, "used in a signal handler");

std::mutex g_install_mutex;
bool g_installed = false;
struct sigaction g_old_sigint {};
struct sigaction g_old_sigterm {};

void OnInterrupt(int sig) {
  const int saved_errno = errno;
  int none = 0;
  g_interrupt_signal.compare_exchange_strong(none, sig);
  g_interrupt_count.fetch_add(1);
  const int fd = g_self_pipe_write.load();
  if (fd >= 0) {
    const char byte = static_cast<char>(sig);
    if (::write(fd, &byte, 1) < 0) {
      // Full pipe: the runner wakes up anyway, the count says how many came.
    }
  }
  errno = saved_errno;
}

void DrainSelfPipe() {
  const int fd = g_self_pipe_read.load();
  if (fd < 0) return;
  char buf[64];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

// ---- Redaction ---------------------------------------------------------------

/// Streaming redaction: keeps max(secret length) - 1 bytes back between chunks
/// so a secret split across two reads is still found. Same result as redacting
/// the whole text at once.
class StreamRedactor {
 public:
  explicit StreamRedactor(const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
      if (s.size() >= kMinRedactLength) patterns_.push_back(s);
    }
    // Longest first: on a tie at one position the longest secret wins.
    std::sort(patterns_.begin(), patterns_.end(), [](const std::string& a, const std::string& b) {
      return a.size() != b.size() ? a.size() > b.size() : a < b;
    });
    patterns_.erase(std::unique(patterns_.begin(), patterns_.end()), patterns_.end());
    if (!patterns_.empty()) max_len_ = patterns_.front().size();
  }

  [[nodiscard]] bool Active() const { return !patterns_.empty(); }
  std::string Feed(std::string_view chunk) {
    buf_.append(chunk);
    return Process(false);
  }
  std::string Finish() { return Process(true); }

 private:
  std::string Process(bool final) {
    std::string out;
    // A match starting before `limit` lies wholly inside buf_; later ones may
    // continue in the next chunk.
    const size_t keep = final ? 0 : max_len_ - 1;
    const size_t limit = buf_.size() > keep ? buf_.size() - keep : 0;
    std::vector<size_t> next(patterns_.size(), 0);  // next occurrence ≥ pos (or npos)
    std::vector<bool> known(patterns_.size(), false);
    size_t pos = 0;
    while (pos < limit) {
      size_t best = std::string::npos;
      size_t best_len = 0;
      for (size_t i = 0; i < patterns_.size(); ++i) {
        if (!known[i] || (next[i] != std::string::npos && next[i] < pos)) {
          next[i] = buf_.find(patterns_[i], pos);
          known[i] = true;
        }
        if (next[i] < limit && next[i] < best) {
          best = next[i];
          best_len = patterns_[i].size();
        }
      }
      if (best == std::string::npos) {
        out.append(buf_, pos, limit - pos);
        pos = limit;
        break;
      }
      out.append(buf_, pos, best - pos);
      out.append(kRedacted);
      pos = best + best_len;
    }
    buf_.erase(0, pos);
    return out;
  }

  std::vector<std::string> patterns_;
  size_t max_len_ = 0;
  std::string buf_;
};

// ---- Spawning ----------------------------------------------------------------

std::vector<std::string> BuildEnv(const ProcessSpec& spec) {
  std::map<std::string, std::string> overrides(spec.env.begin(), spec.env.end());
  std::vector<std::string> out;
  if (spec.inherit_env) {
    std::vector<std::string_view> drop(spec.drop_env.begin(), spec.drop_env.end());
    for (const auto& [k, v] : overrides) drop.emplace_back(k);
    out = ScrubbedEnvironment(drop);
  }
  for (const auto& [k, v] : overrides) out.push_back(k + "=" + v);
  return out;
}

std::string Under(const std::string& dir, const std::string& path) {
  if (dir.empty() || path.starts_with('/')) return path;
  return dir + "/" + path;
}

std::string Cut(std::string_view text, size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max)) + "...";
}

/// "" when `dir` can be the child's working directory, else the reason.
std::string CheckCwd(const std::string& dir) {
  struct stat st {};
  int err = 0;
  if (::stat(dir.c_str(), &st) != 0) {
    err = errno;
  } else if (!S_ISDIR(st.st_mode)) {
    err = ENOTDIR;
  } else if (::access(dir.c_str(), X_OK) != 0) {
    err = errno;
  }
  if (err == 0) return "";
  return "cannot change to directory " + dir + ": " + std::strerror(err);
}

enum class FileState { kExecutable, kMissing, kDirectory, kNotExecutable };

FileState Inspect(const std::string& file, int* err) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    *err = errno;
    return FileState::kMissing;
  }
  if (S_ISDIR(st.st_mode)) return FileState::kDirectory;
  if (::access(file.c_str(), X_OK) != 0) return FileState::kNotExecutable;
  return FileState::kExecutable;
}

struct Program {
  std::string file;   ///< what posix_spawnp executes (contains a '/')
  std::string error;  ///< why it cannot be executed
};

/// Resolves argv[0] as execvp would, in the child's PATH and relative to the
/// child's working directory, so that errors can say what really happened.
Program Resolve(const std::string& name, const std::string& path_var, const std::string& cwd) {
  Program p;
  int err = 0;
  if (name.find('/') != std::string::npos) {
    p.file = Under(cwd, name);
    switch (Inspect(p.file, &err)) {
      case FileState::kExecutable:
        break;
      case FileState::kMissing:
        p.error = name + ": " + std::strerror(err);
        break;
      case FileState::kDirectory:
        p.error = name + ": is a directory";
        break;
      case FileState::kNotExecutable:
        p.error = name + ": permission denied (not executable)";
        break;
    }
    return p;
  }
  std::string not_executable;
  size_t begin = 0;
  while (begin <= path_var.size()) {
    size_t end = path_var.find(':', begin);
    if (end == std::string::npos) end = path_var.size();
    std::string dir = path_var.substr(begin, end - begin);
    begin = end + 1;
    if (dir.empty()) dir = ".";  // an empty PATH entry is the working directory
    const std::string candidate = Under(cwd, dir + "/" + name);
    switch (Inspect(candidate, &err)) {
      case FileState::kExecutable:
        p.file = candidate;
        return p;
      case FileState::kNotExecutable:
        if (not_executable.empty()) not_executable = candidate;
        break;
      case FileState::kMissing:
      case FileState::kDirectory:
        break;
    }
  }
  if (!not_executable.empty()) {
    p.error = name + ": permission denied (" + not_executable + " is not executable)";
  } else {
    p.error = name + ": not found on PATH (PATH=" + Cut(path_var, kMaxPathInMessage) + ")";
  }
  return p;
}

/// The PATH the child will search: spec.env's, else ours, else the libc default.
std::string ChildPath(const ProcessSpec& spec) {
  for (const auto& [k, v] : spec.env) {
    if (k == "PATH") return v;
  }
  const char* path = std::getenv("PATH");
  return path != nullptr ? path : "/bin:/usr/bin";
}

/// The message for a posix_spawnp failure of a program Resolve() accepted.
std::string SpawnError(const ProcessSpec& spec, const Program& program, int rc) {
  const std::string& name = spec.argv[0];
  if (!spec.cwd.empty()) {
    std::string cwd_error = CheckCwd(spec.cwd);
    if (!cwd_error.empty()) return cwd_error;
  }
  if (rc == ENOENT) {
    // The file is there: its interpreter (#!) or dynamic loader is not.
    return name + ": cannot execute " + program.file +
           ": No such file or directory (missing interpreter or loader?)";
  }
  if (rc == EACCES) return name + ": permission denied (" + program.file + ")";
  return name + ": cannot execute " + program.file + ": " + std::strerror(rc);
}

int MsUntil(Clock::time_point t, Clock::time_point now) {
  if (t == kNever) return -1;
  if (t <= now) return 0;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count() + 1;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

int OpenPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // close-on-exec by design
#else
  (void)pid;
  return -1;
#endif
}

class PosixProcessRunner : public ProcessRunner {
 public:
  ProcessResult Run(const ProcessSpec& spec, const OutputSink& sink) override {
    ProcessResult result;
    const auto start = Clock::now();
    auto finish = [&]() -> ProcessResult& {
      result.duration_s = std::chrono::duration<double>(Clock::now() - start).count();
      return result;
    };
    if (spec.argv.empty()) {
      result.spawn_failed = true;
      result.error = "empty command";
      return finish();
    }
    if (g_interrupt_count.load() > 0) {
      result.spawn_failed = true;
      result.interrupted = true;
      result.interrupt_signal = g_interrupt_signal.load();
      result.error = "interrupted by " + SignalName(result.interrupt_signal) + " before it started";
      return finish();
    }
    if (!spec.cwd.empty()) {
      result.error = CheckCwd(spec.cwd);
      if (!result.error.empty()) {
        result.spawn_failed = true;
        return finish();
      }
    }
    const Program program = Resolve(spec.argv[0], ChildPath(spec), spec.cwd);
    if (!program.error.empty()) {
      result.spawn_failed = true;
      result.error = program.error;
      return finish();
    }

    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      result.spawn_failed = true;
      result.error = std::string("pipe: ") + std::strerror(errno);
      return finish();
    }
    const int out_fd = fds[0];
    ::fcntl(out_fd, F_SETFL, ::fcntl(out_fd, F_GETFL) | O_NONBLOCK);  // our end only
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (spec.stdout_file.empty()) {
      posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    } else {  // whole, unmixed stdout for a parser; stderr still streams below
      posix_spawn_file_actions_addopen(&actions, 1, spec.stdout_file.c_str(),
                                       O_WRONLY | O_CREAT | O_TRUNC, 0600);
    }
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // Run locks, step logs, journals: no descriptor of ours leaks into a child.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
#endif
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    sigset_t empty_mask;
    sigemptyset(&empty_mask);
    posix_spawnattr_setsigmask(&attr, &empty_mask);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

    std::vector<char*> argv;
    for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<std::string> env_strings = BuildEnv(spec);
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    pid_t pid = 0;
    // program.file contains a '/', so posix_spawnp does no PATH search of its own.
    const int rc =
        posix_spawnp(&pid, program.file.c_str(), &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(out_fd);
      result.spawn_failed = true;
      result.error = SpawnError(spec, program, rc);
      return finish();
    }
    result.pid = pid;
    Watch(spec, sink, pid, out_fd, start, result);
    return finish();
  }

 private:
  static void Watch(const ProcessSpec& spec, const OutputSink& sink, pid_t pid, int out_fd,
                    Clock::time_point start, ProcessResult& result) {
    const int pidfd = OpenPidfd(pid);
    const int interrupt_fd = g_self_pipe_read.load();
    const auto deadline =
        spec.timeout_ms > 0 ? start + std::chrono::milliseconds(spec.timeout_ms) : kNever;
    const auto hard_kill =
        deadline == kNever ? kNever : deadline + std::chrono::milliseconds(spec.grace_ms);

    StreamRedactor redactor(spec.redact);
    auto emit = [&](std::string_view text) {
      if (text.empty()) return;
      if (sink) sink(text);
      result.output.append(text);
      if (result.output.size() > 2 * kMaxKeptOutput) {
        result.output.erase(0, result.output.size() - kMaxKeptOutput);
      }
    };
    std::string buf(kReadSize, '\0');
    bool pipe_open = true;
    enum class Read { kData, kIdle, kClosed };
    auto read_once = [&]() -> Read {
      const ssize_t got = ::read(out_fd, buf.data(), buf.size());
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) return Read::kIdle;
      if (got <= 0) {
        ::close(out_fd);
        pipe_open = false;
        return Read::kClosed;
      }
      const std::string_view chunk(buf.data(), static_cast<size_t>(got));
      if (redactor.Active()) {
        emit(redactor.Feed(chunk));
      } else {
        emit(chunk);
      }
      return Read::kData;
    };

    bool reaped = false;
    bool status_known = false;
    int status = 0;
    bool term_sent = false;  // SIGTERM (deadline) or the interrupt signal went out
    bool kill_sent = false;
    auto kill_at = kNever;
    auto reap_give_up = kNever;
    auto drain_idle_end = kNever;
    auto drain_end = kNever;
    int interrupts_seen = 0;

    while (true) {
      auto now = Clock::now();
      const int interrupts = g_interrupt_count.load();
      if (interrupts > 0 && interrupts_seen == 0) {
        interrupts_seen = 1;  // a second one, even if it came with the first, ends the grace
        result.interrupted = true;
        result.interrupt_signal = g_interrupt_signal.load();
        ::kill(-pid, result.interrupt_signal);
        term_sent = true;
        kill_at = std::min(
            {kill_at, now + std::chrono::milliseconds(spec.interrupt_grace_ms), hard_kill});
      } else if (interrupts > interrupts_seen && !kill_sent) {
        kill_at = now;  // a second Ctrl-C: no more grace
      }
      if (!reaped && !term_sent && now >= deadline) {
        ::kill(-pid, SIGTERM);
        term_sent = true;
        result.timed_out = true;
        kill_at = std::min(kill_at, now + std::chrono::milliseconds(spec.grace_ms));
      }
      if (!kill_sent && now >= kill_at) {
        ::kill(-pid, SIGKILL);
        kill_sent = true;
        reap_give_up = now + kReapAfterKill;
      }
      if (reaped && pipe_open && now >= std::min(drain_idle_end, drain_end)) {
        // Whatever is already buffered is kept; then the holders of the pipe go.
        for (size_t reads = 0; reads < kFinalReadLimit / kReadSize; ++reads) {
          if (read_once() != Read::kData) break;
        }
        if (pipe_open) {
          ::close(out_fd);
          pipe_open = false;
          ::kill(-pid, SIGKILL);
          result.stray_killed = true;
        }
      }
      if (reaped && !pipe_open) break;
      if (!reaped && kill_sent && now >= reap_give_up) {
        result.error = "pid " + std::to_string(pid) + " did not exit after SIGKILL";
        if (pipe_open) ::close(out_fd);
        pipe_open = false;
        break;
      }

      auto wake = kNever;
      if (!reaped && !term_sent) wake = std::min(wake, deadline);
      if (!kill_sent) wake = std::min(wake, kill_at);
      if (!reaped && kill_sent) wake = std::min(wake, reap_give_up);
      if (reaped && pipe_open) wake = std::min({wake, drain_idle_end, drain_end});
      int timeout = MsUntil(wake, now);
      if (!reaped && pidfd < 0 && (timeout < 0 || timeout > kReapTickMs)) timeout = kReapTickMs;
      // With interrupts installed, never sleep past a tick: a Run() that
      // overlaps this one (now or later) may drain the self-pipe first.
      if (interrupt_fd >= 0 && (timeout < 0 || timeout > kConcurrentTickMs))
        timeout = kConcurrentTickMs;

      pollfd polled[3];
      nfds_t count = 0;
      int pipe_slot = -1;
      int interrupt_slot = -1;
      if (pipe_open) {
        pipe_slot = static_cast<int>(count);
        polled[count++] = pollfd{out_fd, POLLIN, 0};
      }
      if (!reaped && pidfd >= 0) polled[count++] = pollfd{pidfd, POLLIN, 0};
      if (interrupt_fd >= 0) {
        interrupt_slot = static_cast<int>(count);
        polled[count++] = pollfd{interrupt_fd, POLLIN, 0};
      }
      const int n = ::poll(polled, count, timeout);
      if (n < 0 && errno != EINTR && !kill_sent) {
        // Cannot watch it any more: end it, then only reap.
        result.error = std::string("poll: ") + std::strerror(errno);
        ::kill(-pid, SIGKILL);
        term_sent = kill_sent = true;
        reap_give_up = Clock::now() + kReapAfterKill;
      }
      now = Clock::now();
      if (n > 0 && interrupt_slot >= 0 && polled[interrupt_slot].revents != 0) DrainSelfPipe();
      if (n > 0 && pipe_slot >= 0 && polled[pipe_slot].revents != 0) {
        if (read_once() == Read::kData && reaped)
          drain_idle_end = now + std::chrono::milliseconds(spec.drain_ms);
      }
      if (!reaped) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) {
          if (r < 0) result.error = "the child was reaped elsewhere (SIGCHLD ignored?)";
          status_known = r == pid;
          reaped = true;
          drain_idle_end = now + std::chrono::milliseconds(spec.drain_ms);
          drain_end = now + kMaxDrain;
          if (deadline != kNever) drain_end = std::min(drain_end, std::max(deadline, now));
        }
      }
    }
    if (pidfd >= 0) ::close(pidfd);
    // Grandchildren that closed the pipe but outlived a deadline or interrupt.
    if (reaped && term_sent) ::kill(-pid, SIGKILL);
    if (redactor.Active()) emit(redactor.Finish());
    if (status_known) {
      if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
      } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
      }
    }
  }
};

std::string ShellQuote(const std::string& arg) {
  if (arg.empty()) return "''";
  const bool plain = std::all_of(arg.begin(), arg.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::strchr("_@%+=:,./-", c) != nullptr;
  });
  if (plain) return arg;
  std::string out = "'";
  for (char c : arg) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string SignalName(int sig) {
  switch (sig) {
    case SIGHUP:
      return "SIGHUP";
    case SIGINT:
      return "SIGINT";
    case SIGQUIT:
      return "SIGQUIT";
    case SIGILL:
      return "SIGILL";
    case SIGABRT:
      return "SIGABRT";
    case SIGBUS:
      return "SIGBUS";
    case SIGFPE:
      return "SIGFPE";
    case SIGKILL:
      return "SIGKILL";
    case SIGSEGV:
      return "SIGSEGV";
    case SIGPIPE:
      return "SIGPIPE";
    case SIGALRM:
      return "SIGALRM";
    case SIGTERM:
      return "SIGTERM";
    default:
      return "signal " + std::to_string(sig);
  }
}

std::string ProcessResult::Describe() const {
  std::string what;
  if (spawn_failed) {
    what = "not started: " + error;
  } else if (timed_out) {
    what = "timed out after " + std::to_string(static_cast<long>(duration_s)) + "s";
  } else if (signal != 0) {
    what = "killed by signal " + std::to_string(signal);
  } else if (exit_code >= 0) {
    what = "exit status " + std::to_string(exit_code);
  } else {
    what = error.empty() ? "no exit status" : error;
  }
  if (interrupted && !spawn_failed) {
    return "interrupted by " + SignalName(interrupt_signal) + " (" + what + ")";
  }
  return what;
}

std::unique_ptr<ProcessRunner> MakePosixProcessRunner() {
  return std::make_unique<PosixProcessRunner>();
}

ProcessResult RunCapture(const std::vector<std::string>& argv, int timeout_ms) {
  PosixProcessRunner runner;
  ProcessSpec spec;
  spec.argv = argv;
  spec.timeout_ms = timeout_ms;
  return runner.Run(spec, nullptr);
}

void InstallInterruptHandlers() {
  std::lock_guard<std::mutex> lock(g_install_mutex);
  if (g_installed) return;
  if (g_self_pipe_read.load() < 0) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return;  // runs without forwarding
    g_self_pipe_read.store(fds[0]);
    g_self_pipe_write.store(fds[1]);
  }
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR
  ::sigaction(SIGINT, &sa, &g_old_sigint);
  ::sigaction(SIGTERM, &sa, &g_old_sigterm);
  g_installed = true;
}

void UninstallInterruptHandlers() {
  std::lock_guard<std::mutex> lock(g_install_mutex);
  if (!g_installed) return;
  ::sigaction(SIGINT, &g_old_sigint, nullptr);
  ::sigaction(SIGTERM, &g_old_sigterm, nullptr);
  g_installed = false;
}

bool Interrupted() { return g_interrupt_count.load() > 0; }

int InterruptSignal() { return g_interrupt_signal.load(); }

void ResetInterrupt() {
  g_interrupt_count.store(0);
  g_interrupt_signal.store(0);
  DrainSelfPipe();
}

std::string Redact(std::string_view text, const std::vector<std::string>& secrets) {
  StreamRedactor redactor(secrets);
  if (!redactor.Active()) return std::string(text);
  std::string out = redactor.Feed(text);
  out += redactor.Finish();
  return out;
}

std::string RedactedArgv(const std::vector<std::string>& argv,
                         const std::vector<std::string>& secrets) {
  std::string line;
  for (const auto& arg : argv) {
    if (!line.empty()) line += ' ';
    line += ShellQuote(Redact(arg, secrets));
  }
  return line;
}

}  // namespace platformctl
