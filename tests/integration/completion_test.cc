// `platformctl completion bash|zsh|fish`: bash's completion function driven
// with COMP_WORDS/COMP_CWORD in a temp repo; zsh and fish load checks when
// those shells are installed.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "platformctl/verify.h"
#include "test_util.h"

namespace platformctl {
namespace {

using testing::Binary;
using testing::RunProgram;
using testing::TempRepo;

std::string BinDir() { return std::filesystem::path(Binary()).parent_path().string(); }

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool HaveProgram(const std::string& name) {
  return RunProgram({"sh", "-c", "command -v " + name}, "/").exit_code == 0;
}

// Runs bash's completion function for COMP_WORDS = `words` (the last one is
// the word being completed) and returns COMPREPLY.
std::vector<std::string> BashComplete(const TempRepo& repo, const std::vector<std::string>& words) {
  std::string arr;
  for (const auto& w : words) arr += " " + Quote(w);
  const std::string script =
      "source <(platformctl completion bash) || exit 9\n"
      "COMP_WORDS=(" +
      arr + ")\nCOMP_CWORD=" + std::to_string(words.size() - 1) +
      "\n_platformctl_completion_fn\n"
      "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
  auto r = RunProgram({"bash", "-c", script}, repo.Root().string(),
                      {{"PATH", BinDir() + ":/usr/local/bin:/usr/bin:/bin"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> out;
  std::stringstream ss(r.out);
  for (std::string line; std::getline(ss, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::string Dump(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + " ";
  return out;
}

TEST(Completion, BashScriptRegistersAFunctionWithCompleteF) {
  TempRepo repo;
  auto r = testing::RunCli({"completion", "bash"}, repo.Root().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("complete -F _platformctl_completion_fn platformctl"), std::string::npos);
  auto check = RunProgram(
      {"bash", "-c", "source <(\"$0\" completion bash) && complete -p platformctl", Binary()},
      repo.Root().string());
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("_platformctl_completion_fn"), std::string::npos) << check.out;
}

TEST(Completion, BashApplyOnlyOffersPhaseNamesAndStepIds) {
  TempRepo repo;
  auto c = BashComplete(repo, {"platformctl", "apply", "--only", ""});
  for (const char* phase : {"cilium", "cert-manager", "platform"}) {
    EXPECT_TRUE(Has(c, phase)) << phase << " not in: " << Dump(c);
  }
  EXPECT_GT(c.size(), 10U) << "step ids expected too: " << Dump(c);
  // After a comma: the next selector, keeping what was typed.
  auto more = BashComplete(repo, {"platformctl", "apply", "--only", "cilium,cert"});
  EXPECT_TRUE(Has(more, "cilium,cert-manager")) << Dump(more);
  for (const auto& m : more) EXPECT_EQ(m.rfind("cilium,cert", 0), 0U) << m;
  auto from = BashComplete(repo, {"platformctl", "plan", "--from", "cil"});
  EXPECT_TRUE(Has(from, "cilium")) << Dump(from);
  auto del = BashComplete(repo, {"platformctl", "delete", "--only", ""});
  EXPECT_FALSE(del.empty());
  auto host = BashComplete(repo, {"platformctl", "host", "apply", "--only", ""});
  EXPECT_TRUE(Has(host, "k3s")) << Dump(host);
  EXPECT_FALSE(Has(host, "cilium")) << Dump(host);
}

TEST(Completion, BashOffersCommandsSubcommandsAndFlags) {
  TempRepo repo;
  auto top = BashComplete(repo, {"platformctl", ""});
  for (const char* cmd : {"plan", "apply", "delete", "config", "verify", "version", "host", "dns",
                          "flux", "completion"}) {
    EXPECT_TRUE(Has(top, cmd)) << cmd << " not in: " << Dump(top);
  }
  for (const auto& w : top) EXPECT_NE(w.rfind("__", 0), 0U) << "hidden helper offered: " << w;
  auto config = BashComplete(repo, {"platformctl", "config", ""});
  EXPECT_TRUE(Has(config, "show")) << Dump(config);
  EXPECT_TRUE(Has(config, "validate")) << Dump(config);
  auto flux = BashComplete(repo, {"platformctl", "flux", "b"});
  EXPECT_TRUE(Has(flux, "bootstrap")) << Dump(flux);
  auto apply = BashComplete(repo, {"platformctl", "apply", "--"});
  for (const char* flag : {"--dry-run", "--only", "--from", "--yes", "--profile", "--output"}) {
    EXPECT_TRUE(Has(apply, flag)) << flag << " not in: " << Dump(apply);
  }
  // Global flags before the command, and a nested subcommand's own flag.
  auto show = BashComplete(repo, {"platformctl", "-p", "local", "config", "show", "--o"});
  EXPECT_TRUE(Has(show, "--origin")) << Dump(show);
  EXPECT_TRUE(Has(show, "--output")) << Dump(show);
  auto adopt = BashComplete(repo, {"platformctl", "flux", "bootstrap", "--a"});
  EXPECT_TRUE(Has(adopt, "--adopt")) << Dump(adopt);
  auto shells = BashComplete(repo, {"platformctl", "completion", ""});
  EXPECT_TRUE(Has(shells, "bash") && Has(shells, "zsh") && Has(shells, "fish")) << Dump(shells);
}

TEST(Completion, BashOffersOutputFormatsProfilesAndCheckIds) {
  TempRepo repo;
  auto out = BashComplete(repo, {"platformctl", "verify", "-o", ""});
  EXPECT_TRUE(Has(out, "json") && Has(out, "junit") && Has(out, "text")) << Dump(out);
  auto show = BashComplete(repo, {"platformctl", "config", "show", "--output", ""});
  EXPECT_TRUE(Has(show, "env") && Has(show, "yaml")) << Dump(show);

  auto prof = BashComplete(repo, {"platformctl", "plan", "--profile", ""});
  EXPECT_TRUE(Has(prof, "overlay-staging")) << Dump(prof);
  EXPECT_TRUE(Has(prof, "profiles/overlay-staging.env")) << Dump(prof);
  auto short_p = BashComplete(repo, {"platformctl", "-p", "overlay-p"});
  EXPECT_TRUE(Has(short_p, "overlay-prod")) << Dump(short_p);

  auto checks = BashComplete(repo, {"platformctl", "verify", "--only", ""});
  ASSERT_FALSE(checks.empty());
  size_t known = 0;
  for (const auto& row : CheckRegistry()) known += Has(checks, std::string(row.id)) ? 1 : 0;
  EXPECT_GT(known, 3U) << Dump(checks);
  EXPECT_FALSE(Has(checks, "cilium")) << "phase names are not check ids: " << Dump(checks);

  auto keys = BashComplete(repo, {"platformctl", "plan", "--set", "FEAT_CIL"});
  EXPECT_TRUE(Has(keys, "FEAT_CILIUM=")) << Dump(keys);
}

TEST(Completion, UnknownShellIsAUsageError) {
  TempRepo repo;
  EXPECT_EQ(testing::RunCli({"completion", "tcsh"}, repo.Root().string()).exit_code, 2);
  EXPECT_EQ(testing::RunCli({"completion"}, repo.Root().string()).exit_code, 2);
}

TEST(Completion, ZshScriptLoads) {
  if (!HaveProgram("zsh")) GTEST_SKIP() << "zsh is not installed (apt-get install zsh)";
  TempRepo repo;
  const std::string file = (repo.Root() / "_platformctl").string();
  auto gen = testing::RunCli({"completion", "zsh"}, repo.Root().string());
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  repo.Write("_platformctl", gen.out);
  EXPECT_EQ(gen.out.rfind("#compdef platformctl\n", 0), 0U);
  auto syntax = RunProgram({"zsh", "-n", file}, repo.Root().string());
  EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
  // Sourced with compinit: registered for platformctl, and the shared
  // candidate function answers like bash's.
  auto load = RunProgram({"zsh", "-f", "-c",
                          "autoload -U compinit && compinit -u && source " + file +
                              " && print -r -- ${_comps[platformctl]} && "
                              "_platformctl_cands platformctl '' apply --only"},
                         repo.Root().string(), {{"PATH", BinDir() + ":/usr/bin:/bin"}});
  EXPECT_EQ(load.exit_code, 0) << load.err;
  EXPECT_EQ(load.err, "");
  EXPECT_NE(load.out.find("_platformctl\n"), std::string::npos) << load.out;
  EXPECT_NE(load.out.find("\ncert-manager\n"), std::string::npos) << load.out;
}

TEST(Completion, FishScriptLoadsAndCompletes) {
  if (!HaveProgram("fish")) GTEST_SKIP() << "fish is not installed (apt-get install fish)";
  TempRepo repo;
  const std::string file = (repo.Root() / "platformctl.fish").string();
  auto gen = testing::RunCli({"completion", "fish"}, repo.Root().string());
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  repo.Write("platformctl.fish", gen.out);
  auto syntax = RunProgram({"fish", "--no-execute", file}, repo.Root().string());
  EXPECT_EQ(syntax.exit_code, 0) << syntax.err;
  const std::map<std::string, std::string> env = {{"PATH", BinDir() + ":/usr/bin:/bin"},
                                                  {"HOME", repo.Root().string()}};
  auto only = RunProgram(
      {"fish", "-N", "-c", "source " + file + "; complete -C 'platformctl apply --only '"},
      repo.Root().string(), env);
  EXPECT_EQ(only.exit_code, 0) << only.err;
  EXPECT_NE(only.out.find("cert-manager"), std::string::npos) << only.out;
  auto top = RunProgram({"fish", "-N", "-c", "source " + file + "; complete -C 'platformctl con'"},
                        repo.Root().string(), env);
  EXPECT_NE(top.out.find("config"), std::string::npos) << top.out;
  auto flag = RunProgram(
      {"fish", "-N", "-c", "source " + file + "; complete -C 'platformctl config show --or'"},
      repo.Root().string(), env);
  EXPECT_NE(flag.out.find("--origin"), std::string::npos) << flag.out;
}

}  // namespace
}  // namespace platformctl
