// The real ProcessRunner spawns real processes: exit codes, missing binary,
// environment, working directory, output, deadlines and process-group kill.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "platformctl/process.h"
#include "test_util.h"

namespace platformctl {
namespace {

ProcessResult Spawn(const ProcessSpec& spec, std::string* streamed = nullptr) {
  auto runner = MakePosixProcessRunner();
  return runner->Run(spec, [streamed](std::string_view chunk) {
    if (streamed != nullptr) streamed->append(chunk);
  });
}

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

}  // namespace
}  // namespace platformctl
