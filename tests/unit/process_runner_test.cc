// The real ProcessRunner spawns real processes: exit codes, missing binary,
// environment, working directory, output, deadlines and process-group kill,
// the drain after the child's exit, interrupts, errors, env scrubbing and
// redaction. Test children may be /bin/sh scripts; platformctl never runs one.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "platformctl/child_env.h"
#include "platformctl/process.h"
#include "platformctl/schema.h"
#include "test_util.h"

namespace platformctl {
namespace {

ProcessResult Spawn(const ProcessSpec& spec, std::string* streamed = nullptr) {
  auto runner = MakePosixProcessRunner();
  return runner->Run(spec, [streamed](std::string_view chunk) {
    if (streamed != nullptr) streamed->append(chunk);
  });
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// True once `pid` no longer exists or is a zombie (of init, after its parent
/// died), polling for up to a second.
bool Gone(pid_t pid) {
  for (int i = 0; i < 50; ++i) {
    if (::kill(pid, 0) != 0 && errno == ESRCH) return true;
    const std::string stat = testing::ReadAll("/proc/" + std::to_string(pid) + "/stat");
    if (stat.empty() || stat.find(") Z") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

/// A scratch directory removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/platformctl-runner-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  [[nodiscard]] std::string Path() const { return path_.string(); }
  [[nodiscard]] std::string Write(const std::string& name, const std::string& text,
                                  int mode) const {
    const auto p = path_ / name;
    std::ofstream(p, std::ios::binary) << text;
    std::filesystem::permissions(p, static_cast<std::filesystem::perms>(mode));
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

TEST(ProcessRunner, ExitCodesAndOutput) {
  auto ok = Spawn({.argv = {"printf", "hello\\n"}});
  EXPECT_TRUE(ok.Ok());
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.output, "hello\n");
  auto fail = Spawn({.argv = {"false"}});
  EXPECT_FALSE(fail.Ok());
  EXPECT_EQ(fail.exit_code, 1);
  EXPECT_EQ(fail.Describe(), "exit status 1");
}

TEST(ProcessRunner, MissingBinaryIsAValueNotACrash) {
  auto r = Spawn({.argv = {"platformctl-no-such-tool-xyz", "--version"}});
  EXPECT_TRUE(r.spawn_failed);
  EXPECT_FALSE(r.Ok());
  EXPECT_NE(r.Describe().find("platformctl-no-such-tool-xyz: not found on PATH"),
            std::string::npos);
}

TEST(ProcessRunner, ArgvIsNotInterpretedByAShell) {
  const std::string marker = "/tmp/platformctl-runner-marker-" + std::to_string(::getpid());
  std::filesystem::remove(marker);
  auto r = Spawn({.argv = {"echo", "$(touch " + marker + ")", ";", "touch", marker}});
  EXPECT_TRUE(r.Ok());
  EXPECT_EQ(r.output, "$(touch " + marker + ") ; touch " + marker + "\n");
  EXPECT_FALSE(std::filesystem::exists(marker));
}

TEST(ProcessRunner, EnvironmentAndWorkingDirectory) {
  auto with_env = Spawn({.argv = {"env"}, .env = {{"PLATFORMCTL_TEST_SECRET", "s3cr3t"}}});
  EXPECT_NE(with_env.output.find("PLATFORMCTL_TEST_SECRET=s3cr3t\n"), std::string::npos);
  EXPECT_NE(with_env.output.find("PATH="), std::string::npos);  // inherited
  auto only = Spawn({.argv = {"/usr/bin/env"}, .env = {{"A", "1"}}, .inherit_env = false});
  EXPECT_EQ(only.output, "A=1\n");
  auto cwd = Spawn({.argv = {"pwd"}, .cwd = "/tmp"});
  EXPECT_EQ(cwd.output, "/tmp\n");
}

TEST(ProcessRunner, StdinIsDevNullAndOutputIsStreamed) {
  std::string streamed;
  auto r = Spawn({.argv = {"cat"}, .timeout_ms = 5000}, &streamed);
  EXPECT_TRUE(r.Ok());  // cat sees EOF at once instead of waiting for a terminal
  auto big = Spawn({.argv = {"seq", "1", "100000"}}, &streamed);
  EXPECT_TRUE(big.Ok());
  EXPECT_EQ(streamed.size(), 588895U);  // everything reaches the sink (the step log)
  // The result keeps a bounded tail for error reports.
  EXPECT_LE(big.output.size(), 512U * 1024U);
  EXPECT_TRUE(big.output.ends_with("99999\n100000\n"));
  EXPECT_TRUE(streamed.ends_with(big.output));
}

TEST(ProcessRunner, DeadlineKillsTheWholeProcessGroup) {
  const std::string pidfile = "/tmp/platformctl-runner-pid-" + std::to_string(::getpid());
  std::filesystem::remove(pidfile);
  // The test's own fixture uses sh to start a grandchild; platformctl never does.
  const auto start = std::chrono::steady_clock::now();
  auto r = Spawn({.argv = {"sh", "-c", "sleep 30 & echo $! > " + pidfile + "; wait"},
                  .timeout_ms = 300,
                  .grace_ms = 200});
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.Ok());
  EXPECT_LT(elapsed, 10.0);
  EXPECT_NE(r.Describe().find("timed out"), std::string::npos);
  std::string pid_text = testing::ReadAll(pidfile);
  ASSERT_FALSE(pid_text.empty());
  const pid_t grandchild = std::stoi(pid_text);
  // The grandchild got the signal too (it may linger briefly as a zombie of init).
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    // ReadAll, not std::string(istreambuf_iterator...): GCC 12 at -O3 reports a bogus
    // -Wnull-dereference inside basic_streambuf for the iterator form.
    const std::string content = testing::ReadAll("/proc/" + std::to_string(grandchild) + "/stat");
    gone = content.empty() || content.find(") Z") != std::string::npos;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "grandchild " << grandchild << " survived the deadline";
  std::filesystem::remove(pidfile);
}

TEST(ProcessRunner, KilledBySignalIsReported) {
  auto r = Spawn({.argv = {"sh", "-c", "kill -TERM $$"}});
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(r.Describe(), "killed by signal 15");
}

TEST(ProcessRunner, DeadlineHoldsAfterTheChildClosesItsOutput) {
  // Once the pipe is at EOF only the reaping is left: the deadline holds there too.
  const auto start = std::chrono::steady_clock::now();
  auto r =
      Spawn({.argv = {"sh", "-c", "exec >&- 2>&-; sleep 30"}, .timeout_ms = 300, .grace_ms = 200});
  const double elapsed = SecondsSince(start);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.Ok());
  EXPECT_LT(elapsed, 0.3 + 0.2 + 0.5);
  EXPECT_FALSE(r.Describe().find("timed out") == std::string::npos) << r.Describe();
  EXPECT_TRUE(Gone(r.pid));
}

TEST(ProcessRunner, DeadlineEscalatesToSigkill) {
  // The child ignores SIGTERM: SIGKILL follows after the grace period.
  const auto start = std::chrono::steady_clock::now();
  auto r = Spawn({.argv = {"sh", "-c", "trap '' TERM; echo ready; sleep 30"},
                  .timeout_ms = 200,
                  .grace_ms = 200});
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.output, "ready\n");
  EXPECT_LT(SecondsSince(start), 0.2 + 0.2 + 0.5);
}

TEST(ProcessRunner, GrandchildHoldingThePipeDoesNotHangTheRunner) {
  // sh exits at once; its background sleep keeps the write end of the pipe.
  const auto start = std::chrono::steady_clock::now();
  auto r = Spawn({.argv = {"sh", "-c", "sleep 30 & echo hi; echo $!"}});
  const double elapsed = SecondsSince(start);
  EXPECT_LT(elapsed, 1.0);
  EXPECT_TRUE(r.Ok()) << r.Describe();
  EXPECT_TRUE(r.stray_killed);
  ASSERT_TRUE(r.output.starts_with("hi\n")) << r.output;
  const pid_t grandchild = std::stoi(r.output.substr(3));
  EXPECT_TRUE(Gone(grandchild)) << "grandchild " << grandchild << " survived";
}

TEST(ProcessRunner, OutputAfterTheChildExitsIsDrained) {
  // A grandchild that finishes writing shortly after the child exits is read to the end.
  auto r = Spawn({.argv = {"sh", "-c", "(sleep 0.05; echo late) & echo early"}});
  EXPECT_TRUE(r.Ok());
  EXPECT_EQ(r.output, "early\nlate\n");
  EXPECT_FALSE(r.stray_killed);
}

TEST(ProcessRunner, BadWorkingDirectoryIsNamed) {
  auto missing = Spawn({.argv = {"pwd"}, .cwd = "/nonexistent-platformctl-dir"});
  EXPECT_TRUE(missing.spawn_failed);
  EXPECT_EQ(missing.error,
            "cannot change to directory /nonexistent-platformctl-dir: No such file or directory");
  EXPECT_EQ(missing.Describe(),
            "not started: cannot change to directory /nonexistent-platformctl-dir: No such file "
            "or directory");
  auto file = Spawn({.argv = {"pwd"}, .cwd = "/etc/passwd"});
  EXPECT_EQ(file.error, "cannot change to directory /etc/passwd: Not a directory");
}

TEST(ProcessRunner, NotExecutableSaysPermissionDenied) {
  ScratchDir dir;
  const std::string tool = dir.Write("tool", "#!/bin/sh\necho hi\n", 0644);
  auto by_path = Spawn({.argv = {tool}});
  EXPECT_TRUE(by_path.spawn_failed);
  EXPECT_EQ(by_path.error, tool + ": permission denied (not executable)");
  auto on_path = Spawn({.argv = {"tool"}, .env = {{"PATH", dir.Path()}}});
  EXPECT_TRUE(on_path.spawn_failed);
  EXPECT_EQ(on_path.error, "tool: permission denied (" + tool + " is not executable)");
  // Once executable, the child's PATH (from spec.env) finds it.
  std::filesystem::permissions(tool, static_cast<std::filesystem::perms>(0755));
  auto ok = Spawn({.argv = {"tool"}, .env = {{"PATH", dir.Path() + ":/usr/bin:/bin"}}});
  EXPECT_TRUE(ok.Ok()) << ok.Describe();
  EXPECT_EQ(ok.output, "hi\n");
}

TEST(ProcessRunner, NotFoundNamesAShortenedPath) {
  const std::string long_path = "/nonexistent/" + std::string(500, 'x') + ":/also/not/here";
  auto r = Spawn({.argv = {"platformctl-no-such-tool"}, .env = {{"PATH", long_path}}});
  EXPECT_TRUE(r.spawn_failed);
  EXPECT_TRUE(
      r.error.starts_with("platformctl-no-such-tool: not found on PATH (PATH=/nonexistent/"))
      << r.error;
  EXPECT_TRUE(r.error.ends_with("...)")) << r.error;
  EXPECT_LT(r.error.size(), 300U);
  auto relative = Spawn({.argv = {"./platformctl-no-such-tool"}, .cwd = "/tmp"});
  EXPECT_EQ(relative.error, "./platformctl-no-such-tool: No such file or directory");
}

TEST(ProcessRunner, MissingInterpreterIsNotNotFound) {
  ScratchDir dir;
  const std::string tool = dir.Write("tool", "#!/nonexistent/interpreter\n", 0755);
  auto r = Spawn({.argv = {tool}});
  EXPECT_TRUE(r.spawn_failed);
  EXPECT_NE(r.error.find("missing interpreter"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find("not found on PATH"), std::string::npos) << r.error;
}

TEST(ProcessRunner, DroppedVariablesAreNotInherited) {
  ::setenv("PLATFORMCTL_TEST_DROPPED", "dropped-Value-7f3a", 1);
  ::setenv("PLATFORMCTL_TEST_KEPT", "kept", 1);
  auto r = Spawn({.argv = {"/usr/bin/env"}, .drop_env = {"PLATFORMCTL_TEST_DROPPED"}});
  EXPECT_EQ(r.output.find("PLATFORMCTL_TEST_DROPPED"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("\nPLATFORMCTL_TEST_KEPT=kept\n"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("PATH="), std::string::npos);
  // A secret the step declares comes back through spec.env, with its own value.
  auto declared = Spawn({.argv = {"/usr/bin/env"},
                         .env = {{"PLATFORMCTL_TEST_DROPPED", "declared"}},
                         .drop_env = {"PLATFORMCTL_TEST_DROPPED"}});
  EXPECT_NE(declared.output.find("PLATFORMCTL_TEST_DROPPED=declared\n"), std::string::npos);
  EXPECT_EQ(declared.output.find("dropped-Value-7f3a"),
            std::string::npos);  // not "leak": ASAN_OPTIONS=detect_leaks
  ::unsetenv("PLATFORMCTL_TEST_DROPPED");
  ::unsetenv("PLATFORMCTL_TEST_KEPT");
}

TEST(ProcessRunner, SecretsAreRedactedAcrossReads) {
  std::vector<std::string> chunks;
  auto runner = MakePosixProcessRunner();
  auto r = runner->Run(
      {.argv = {"sh", "-c", "printf 'x abc'; sleep 0.1; printf 'def y\\n'"}, .redact = {"abcdef"}},
      [&chunks](std::string_view chunk) { chunks.emplace_back(chunk); });
  EXPECT_TRUE(r.Ok());
  EXPECT_EQ(r.output, "x <redacted> y\n");
  std::string streamed;
  for (const auto& c : chunks) {
    EXPECT_EQ(c.find("abc"), std::string::npos) << c;
    streamed += c;
  }
  EXPECT_EQ(streamed, r.output);
  // Short values would redact everything: ignored.
  auto short_value = Spawn({.argv = {"echo", "abc"}, .redact = {"abc", ""}});
  EXPECT_EQ(short_value.output, "abc\n");
}

TEST(ProcessRunner, RedactionKeepsLargeOutputIntact) {
  std::string streamed;
  auto r = Spawn({.argv = {"seq", "1", "100000"}, .redact = {"99999"}}, &streamed);
  EXPECT_TRUE(r.Ok());
  EXPECT_TRUE(streamed.ends_with("\n<redacted>\n100000\n"))
      << streamed.substr(streamed.size() - 40);
  EXPECT_EQ(streamed.find("99999"), std::string::npos);
  EXPECT_EQ(streamed.size(), 588895U - 5U + 10U);
}

TEST(Redact, LeftmostThenLongest) {
  EXPECT_EQ(Redact("a secret and a secret.", {"secret"}), "a <redacted> and a <redacted>.");
  EXPECT_EQ(Redact("xabcdefgh", {"cdef", "abcdefgh"}), "x<redacted>");
  EXPECT_EQ(Redact("abcdefgh", {"abcd", "abcdefgh"}), "<redacted>");
  EXPECT_EQ(Redact("nothing here", {}), "nothing here");
  EXPECT_EQ(Redact("abc", {"abc"}), "abc");
  EXPECT_EQ(RedactedArgv({"helm", "--set", "a=b c", "token=s3cr3tvalue", "it's"}, {"s3cr3tvalue"}),
            "helm --set 'a=b c' 'token=<redacted>' 'it'\\''s'");
}

TEST(ProcessRunner, DescribeNamesTheInterrupt) {
  ProcessResult r;
  r.interrupted = true;
  r.interrupt_signal = SIGINT;
  r.signal = SIGINT;
  EXPECT_EQ(r.Describe(), "interrupted by SIGINT (killed by signal 2)");
  r.signal = 0;
  r.exit_code = 0;
  EXPECT_EQ(r.Describe(), "interrupted by SIGINT (exit status 0)");
  EXPECT_FALSE(r.Ok());
  EXPECT_EQ(SignalName(SIGTERM), "SIGTERM");
  EXPECT_EQ(SignalName(64), "signal 64");
}

TEST(ChildEnv, SecretEnvNamesCoverSchemaSecretsAndCloudCredentials) {
  const auto names = SecretEnvNames();
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  auto has = [&names](std::string_view n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  for (const auto& key : ConfigKeys()) EXPECT_EQ(has(key.name), key.secret) << key.name;
  for (auto n : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}) {
    EXPECT_TRUE(has(n)) << n;
  }
  EXPECT_FALSE(has("PATH"));
  EXPECT_FALSE(has("KUBECONFIG"));
}

TEST(ChildEnv, ScrubbedEnvironmentDropsExactNames) {
  ::setenv("PLATFORMCTL_TEST_SCRUB", "x", 1);
  ::setenv("PLATFORMCTL_TEST_SCRUB_KEPT", "y", 1);
  const auto env = ScrubbedEnvironment({"PLATFORMCTL_TEST_SCRUB"});
  EXPECT_EQ(std::count(env.begin(), env.end(), "PLATFORMCTL_TEST_SCRUB=x"), 0);
  EXPECT_EQ(std::count(env.begin(), env.end(), "PLATFORMCTL_TEST_SCRUB_KEPT=y"), 1);
  ::unsetenv("PLATFORMCTL_TEST_SCRUB");
  ::unsetenv("PLATFORMCTL_TEST_SCRUB_KEPT");
}

/// Interrupts are process-wide: each test starts and ends with a clean flag
/// and the previous SIGINT/SIGTERM dispositions.
class ProcessRunnerInterrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    ResetInterrupt();
    InstallInterruptHandlers();
  }
  void TearDown() override {
    UninstallInterruptHandlers();
    ResetInterrupt();
  }
  /// Runs spec; raises `sig` in this process once the output contains "ready".
  static ProcessResult RunAndSignalWhenReady(const ProcessSpec& spec, int sig, int times = 1) {
    std::string seen;
    bool sent = false;
    auto runner = MakePosixProcessRunner();
    return runner->Run(spec, [&](std::string_view chunk) {
      seen.append(chunk);
      if (!sent && seen.find("ready") != std::string::npos) {
        sent = true;
        for (int i = 0; i < times; ++i) ::kill(::getpid(), sig);
      }
    });
  }
};

TEST_F(ProcessRunnerInterrupt, SigintIsForwardedToTheChildsGroup) {
  const auto start = std::chrono::steady_clock::now();
  std::thread ctrl_c([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(::getpid(), SIGINT);
  });
  auto r = Spawn({.argv = {"sleep", "30"}});
  ctrl_c.join();
  EXPECT_LT(SecondsSince(start), 2.0);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.interrupt_signal, SIGINT);
  EXPECT_EQ(r.signal, SIGINT);
  EXPECT_FALSE(r.Ok());
  EXPECT_EQ(r.Describe(), "interrupted by SIGINT (killed by signal 2)");
  EXPECT_TRUE(Interrupted());
  EXPECT_EQ(InterruptSignal(), SIGINT);
  ASSERT_GT(r.pid, 0);
  EXPECT_TRUE(::kill(-r.pid, 0) != 0 && errno == ESRCH) << "group " << r.pid << " survived";
}

TEST_F(ProcessRunnerInterrupt, ChildThatTrapsTheSignalGetsTheSameOne) {
  const auto start = std::chrono::steady_clock::now();
  auto r = RunAndSignalWhenReady(
      {.argv = {"sh", "-c", "trap 'echo got; exit 0' INT; echo ready; sleep 30 & wait"}}, SIGINT);
  EXPECT_LT(SecondsSince(start), 2.0);
  EXPECT_EQ(r.output, "ready\ngot\n");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.interrupted);
  EXPECT_FALSE(r.Ok());
  EXPECT_EQ(r.Describe(), "interrupted by SIGINT (exit status 0)");

  ResetInterrupt();
  auto term = RunAndSignalWhenReady(
      {.argv = {"sh", "-c", "trap 'echo term; exit 3' TERM; echo ready; sleep 30 & wait"}},
      SIGTERM);
  EXPECT_EQ(term.output, "ready\nterm\n");
  EXPECT_EQ(term.exit_code, 3);
  EXPECT_EQ(term.interrupt_signal, SIGTERM);
  EXPECT_EQ(term.Describe(), "interrupted by SIGTERM (exit status 3)");
}

TEST_F(ProcessRunnerInterrupt, SigkillAfterTheGracePeriod) {
  // The child ignores SIGINT (and so does the sleep it execs).
  const auto start = std::chrono::steady_clock::now();
  auto r = RunAndSignalWhenReady(
      {.argv = {"sh", "-c", "trap '' INT; echo ready; exec sleep 30"}, .interrupt_grace_ms = 300},
      SIGINT);
  const double elapsed = SecondsSince(start);
  EXPECT_GE(elapsed, 0.3);
  EXPECT_LT(elapsed, 2.0);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.signal, SIGKILL);
}

TEST_F(ProcessRunnerInterrupt, SecondInterruptSkipsTheGracePeriod) {
  const auto start = std::chrono::steady_clock::now();
  auto r = RunAndSignalWhenReady({.argv = {"sh", "-c", "trap '' INT; echo ready; exec sleep 30"}},
                                 SIGINT, 2);
  EXPECT_LT(SecondsSince(start), 2.0);  // not the default 10 s grace
  EXPECT_EQ(r.signal, SIGKILL);
}

TEST_F(ProcessRunnerInterrupt, PendingInterruptStartsNothing) {
  ::kill(::getpid(), SIGINT);  // delivered before kill() returns
  EXPECT_TRUE(Interrupted());
  const std::string marker = "/tmp/platformctl-runner-started-" + std::to_string(::getpid());
  auto r = Spawn({.argv = {"touch", marker}});
  EXPECT_TRUE(r.spawn_failed);
  EXPECT_TRUE(r.interrupted);
  EXPECT_FALSE(std::filesystem::exists(marker));
  EXPECT_EQ(r.Describe(), "not started: interrupted by SIGINT before it started");
  ResetInterrupt();
  EXPECT_FALSE(Interrupted());
  EXPECT_EQ(InterruptSignal(), 0);
  EXPECT_TRUE(Spawn({.argv = {"true"}}).Ok());
}

}  // namespace
}  // namespace platformctl
