// The real ProcessRunner: posix_spawnp with an argv vector, never a shell.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

#include "platformctl/process.h"

extern char** environ;

namespace platformctl {
namespace {

constexpr size_t kMaxKeptOutput = 256 * 1024;

std::vector<std::string> BuildEnv(const ProcessSpec& spec) {
  std::map<std::string, std::string> overrides(spec.env.begin(), spec.env.end());
  std::vector<std::string> out;
  for (char** e = spec.inherit_env ? environ : nullptr; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos && overrides.contains(kv.substr(0, eq))) continue;
    out.push_back(std::move(kv));
  }
  for (const auto& [k, v] : overrides) out.push_back(k + "=" + v);
  return out;
}

class PosixProcessRunner : public ProcessRunner {
 public:
  ProcessResult Run(const ProcessSpec& spec, const OutputSink& sink) override {
    ProcessResult result;
    const auto start = std::chrono::steady_clock::now();
    if (spec.argv.empty()) {
      result.spawn_failed = true;
      result.error = "empty command";
      return result;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      result.spawn_failed = true;
      result.error = std::string("pipe: ") + std::strerror(errno);
      return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
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
    int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    ::close(fds[1]);
    if (rc != 0) {
      ::close(fds[0]);
      result.spawn_failed = true;
      result.error = rc == ENOENT ? spec.argv[0] + ": not found on PATH"
                                  : spec.argv[0] + ": " + std::strerror(rc);
      return result;
    }

    const auto deadline = start + std::chrono::milliseconds(spec.timeout_ms);
    bool term_sent = false;
    auto kill_at = std::chrono::steady_clock::time_point::max();
    char buf[8192];
    while (true) {
      int wait_ms = -1;
      auto now = std::chrono::steady_clock::now();
      if (spec.timeout_ms > 0 && !term_sent) {
        if (now >= deadline) {
          ::kill(-pid, SIGTERM);
          term_sent = true;
          result.timed_out = true;
          kill_at = now + std::chrono::milliseconds(spec.grace_ms);
        } else {
          wait_ms =
              static_cast<int>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count()) +
              1;
        }
      }
      if (term_sent) {
        if (now >= kill_at) {
          ::kill(-pid, SIGKILL);
          kill_at = std::chrono::steady_clock::time_point::max();
          wait_ms = -1;
        } else if (kill_at != std::chrono::steady_clock::time_point::max()) {
          wait_ms =
              static_cast<int>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(kill_at - now).count()) +
              1;
        }
      }
      pollfd p{fds[0], POLLIN, 0};
      int n = ::poll(&p, 1, wait_ms);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) continue;
      ssize_t got = ::read(fds[0], buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      std::string_view chunk(buf, static_cast<size_t>(got));
      if (sink) sink(chunk);
      result.output.append(chunk);
      if (result.output.size() > 2 * kMaxKeptOutput) {
        result.output.erase(0, result.output.size() - kMaxKeptOutput);
      }
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // The group may still hold grandchildren that closed the pipe; end them too.
    if (term_sent) ::kill(-pid, SIGKILL);
    if (WIFEXITED(status)) {
      result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      result.signal = WTERMSIG(status);
    }
    result.duration_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
  }
};

}  // namespace

std::string ProcessResult::Describe() const {
  if (spawn_failed) return "not started: " + error;
  if (timed_out) return "timed out after " + std::to_string(static_cast<long>(duration_s)) + "s";
  if (signal != 0) return "killed by signal " + std::to_string(signal);
  return "exit status " + std::to_string(exit_code);
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

}  // namespace platformctl
