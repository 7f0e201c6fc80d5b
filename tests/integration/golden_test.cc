// Golden files of the plan: tests/golden/plan/*.txt and *.json hold the exact
// stdout of `platformctl plan` (text and -o json) for
//
//   <profile>                         plan --profile <profile>   (every shipped profile)
//   delete-<profile>                  plan --delete --profile <profile>   (overlay-staging,
//   minimal) with-host-overlay-staging         plan --with-host --profile overlay-staging
//   with-host-delete-overlay-staging  plan --delete --with-host --profile overlay-staging
//
// Shipped profiles are profiles/*.env except local.env, secrets*.env and
// *.local.env. The plans run in a clean copy of the repo (config.env and
// profiles/ without secrets.env, local.env or *.local.env) with only PATH in
// the environment, exactly as scripts/update-golden.sh produces them, so a
// developer's own secrets and overrides never leak in.
//
// When the plan changes on purpose, regenerate and review:
//   make golden          # = PLATFORMCTL_BINARY=build/dev/platformctl bash scripts/update-golden.sh
//   git diff tests/golden
// A mismatch prints the first differing line and that command. A new profile
// needs a `make golden` run; the case list here and in the script must agree
// (the test also fails on a golden file no case produces).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "test_util.h"

namespace platformctl {
namespace {

using testing::RunCli;
using testing::TempRepo;

struct GoldenCase {
  std::string name;
  std::vector<std::string> args;
};

std::filesystem::path GoldenDir() {
  return std::filesystem::path(testing::SourceDir()) / "tests/golden/plan";
}

using testing::ShippedProfiles;

// Keep in step with scripts/update-golden.sh.
std::vector<GoldenCase> Cases() {
  std::vector<GoldenCase> cases;
  for (const auto& p : ShippedProfiles()) cases.push_back({p, {"plan", "--profile", p}});
  for (const char* p : {"overlay-staging", "minimal"}) {
    cases.push_back({std::string("delete-") + p, {"plan", "--delete", "--profile", p}});
  }
  cases.push_back({"with-host-overlay-staging",
                   {"plan", "--with-host", "--root", "hostroot", "--profile", "overlay-staging"}});
  cases.push_back(
      {"with-host-delete-overlay-staging",
       {"plan", "--delete", "--with-host", "--root", "hostroot", "--profile", "overlay-staging"}});
  return cases;
}

/// "" when equal, else where and how the first difference shows.
std::string FirstDifference(const std::string& want, const std::string& got) {
  if (want == got) return "";
  size_t line = 1;
  size_t pos = 0;
  while (true) {
    const size_t we = want.find('\n', pos);
    const size_t ge = got.find('\n', pos);
    const std::string w = want.substr(pos, we == std::string::npos ? std::string::npos : we - pos);
    const std::string g = got.substr(pos, ge == std::string::npos ? std::string::npos : ge - pos);
    if (w != g || we != ge) {
      auto show = [](const std::string& s, size_t end, size_t at) {
        if (at >= s.size() && end == std::string::npos) return std::string("<end of output>");
        return "\"" + s.substr(at, end == std::string::npos ? std::string::npos : end - at) + "\"" +
               (end == std::string::npos ? " (no final newline)" : "");
      };
      return "first difference at line " + std::to_string(line) +
             ":\n  golden: " + show(want, we, pos) + "\n  actual: " + show(got, ge, pos);
    }
    if (we == std::string::npos) return "outputs differ";  // unreachable: equal strings
    pos = we + 1;
    ++line;
  }
}

constexpr const char* kRegenerate =
    "\nIf the change is intended, regenerate the goldens with `make golden` "
    "(scripts/update-golden.sh) and review `git diff tests/golden`.";

class CleanRepo : public TempRepo {
 public:
  CleanRepo() {
    // As scripts/update-golden.sh: no local overrides (the tracked local.env
    // holds comments only; a developer's edits must not change the goldens).
    std::filesystem::remove(Root() / "profiles/local.env");
    // The host facts of the with-host plans: a Debian host without systemd,
    // run as root by a user whose HOME is /home/lab (not this machine's).
    Write("hostroot/etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n",
          0644);
  }
};

TEST(GoldenPlan, MatchesTheGoldenFilesByteForByte) {
  CleanRepo repo;
  for (const auto& c : Cases()) {
    for (const char* format : {"text", "json"}) {
      const std::string ext = std::string(format) == "text" ? ".txt" : ".json";
      const auto path = GoldenDir() / (c.name + ext);
      std::vector<std::string> args = {"-C", repo.Root().string()};
      args.insert(args.end(), c.args.begin(), c.args.end());
      args.insert(args.end(), {"-o", format});
      std::string cmd = "platformctl";
      for (size_t i = 2; i < args.size(); ++i) cmd += " " + args[i];
      if (!std::filesystem::exists(path)) {
        ADD_FAILURE() << "missing golden " << path.filename() << " for `" << cmd << "`"
                      << kRegenerate;
        continue;
      }
      auto r = RunCli(args, repo.Root().string(),
                      {{"HOME", "/home/lab"}, {"PLATFORMCTL_TEST_EUID", "0"}});
      ASSERT_EQ(r.exit_code, 0) << cmd << "\n" << r.err;
      const std::string diff = FirstDifference(testing::ReadAll(path), r.out);
      if (!diff.empty()) {
        ADD_FAILURE() << "tests/golden/plan/" << path.filename().string() << " vs `" << cmd
                      << "`: " << diff << kRegenerate;
      }
    }
  }
}

TEST(GoldenPlan, NoStaleGoldenFiles) {
  std::set<std::string> want;
  for (const auto& c : Cases()) want.insert({c.name + ".txt", c.name + ".json"});
  std::set<std::string> have;
  for (const auto& e : std::filesystem::directory_iterator(GoldenDir())) {
    have.insert(e.path().filename().string());
  }
  for (const auto& f : have) {
    EXPECT_TRUE(want.contains(f)) << "tests/golden/plan/" << f
                                  << " is produced by no case (a removed profile?)" << kRegenerate;
  }
  for (const auto& f : want) {
    EXPECT_TRUE(have.contains(f)) << "tests/golden/plan/" << f << " is missing" << kRegenerate;
  }
}

TEST(GoldenPlan, FirstDifferenceNamesTheLine) {
  EXPECT_EQ(FirstDifference("a\nb\n", "a\nb\n"), "");
  EXPECT_NE(FirstDifference("a\nb\nc\n", "a\nx\nc\n").find("line 2"), std::string::npos);
  EXPECT_NE(FirstDifference("a\nb\n", "a\nb\nc\n").find("line 3"), std::string::npos);
  EXPECT_NE(FirstDifference("a\nb", "a\nb\n").find("line 2"), std::string::npos);
}

TEST(GoldenPlan, GoldensHoldNoMachinePaths) {
  for (const auto& e : std::filesystem::directory_iterator(GoldenDir())) {
    const std::string text = testing::ReadAll(e.path());
    EXPECT_EQ(text.find("/tmp/"), std::string::npos) << e.path().filename();
    EXPECT_EQ(text.find(testing::SourceDir()), std::string::npos) << e.path().filename();
  }
}

}  // namespace
}  // namespace platformctl
