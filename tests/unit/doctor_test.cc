// doctor's pure parts: version parsing and comparison, the HTTP Date, the
// clock and disk judges, the text report.
#include "platformctl/doctor.h"

#include <gtest/gtest.h>

namespace platformctl {
namespace {

TEST(DoctorVersion, ParsesWhatTheToolsPrint) {
  struct Case {
    const char* text;
    ToolVersion want;
  };
  for (const Case& c : {
           Case{"v3.17.2+gcc0bbbd", {3, 17, 2}},
           Case{"helmfile version 0.169.1", {0, 169, 1}},
           Case{"helmfile version v1.1.0", {1, 1, 0}},
           Case{"v1.32.4-dispatcher", {1, 32, 4}},
           Case{"flux version 2.6.4", {2, 6, 4}},
           Case{"k3s version v1.32.4+k3s1 (6d2dd7c4)\ngo version go1.23.8", {1, 32, 4}},
           Case{"3.9", {3, 9, 0}},
           Case{"Version: v3.13.0-rc.1", {3, 13, 0}},
       }) {
    auto v = ParseToolVersion(c.text);
    ASSERT_TRUE(v) << c.text;
    EXPECT_EQ(*v, c.want) << c.text << " -> " << ToString(*v);
  }
  for (const char* bad : {"", "helm", "go1.23", "version 7"})
    EXPECT_FALSE(ParseToolVersion(bad)) << bad;
}

TEST(DoctorVersion, ComparesNumerically) {
  EXPECT_LT((ToolVersion{3, 9, 0}), (ToolVersion{3, 13, 0}));
  EXPECT_LT((ToolVersion{3, 12, 99}), (ToolVersion{3, 13, 0}));
  EXPECT_GE((ToolVersion{3, 13, 0}), (ToolVersion{3, 13, 0}));
  EXPECT_GT((ToolVersion{4, 0, 0}), (ToolVersion{3, 17, 2}));
  EXPECT_EQ(ToString(ToolVersion{0, 169, 1}), "0.169.1");
}

TEST(DoctorClock, ParsesTheHttpDate) {
  auto t = ParseHttpDate("Tue, 01 Dec 2026 16:30:00 GMT");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, 1796142600);
  EXPECT_EQ(*ParseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  for (const char* bad : {"", "yesterday", "Tue, 01 Foo 2026 16:30:00 GMT",
                          "Tue, 01 Dec 2026 16:30:00 CET", "Tue, 01 Dec 2026 25:30:00 GMT"})
    EXPECT_FALSE(ParseHttpDate(bad)) << bad;
}

TEST(DoctorClock, WarnsAbove30SecondsAndFailsAbove5Minutes) {
  EXPECT_EQ(JudgeClockSkew(0).status, DoctorStatus::kPass);
  EXPECT_EQ(JudgeClockSkew(-30).status, DoctorStatus::kPass);
  EXPECT_EQ(JudgeClockSkew(31).status, DoctorStatus::kWarn);
  EXPECT_EQ(JudgeClockSkew(-300).status, DoctorStatus::kWarn);
  const auto fail = JudgeClockSkew(-301);
  EXPECT_EQ(fail.status, DoctorStatus::kFail);
  EXPECT_NE(fail.message.find("301s behind"), std::string::npos) << fail.message;
  EXPECT_FALSE(fail.fix.empty());
  EXPECT_TRUE(JudgeClockSkew(1).fix.empty());
}

TEST(DoctorDisk, WarnsBelow500MibAndFailsBelow50Mib) {
  constexpr std::uint64_t kMib = std::uint64_t{1} << 20;
  EXPECT_EQ(JudgeFreeDisk(500 * kMib, "/r").status, DoctorStatus::kPass);
  EXPECT_EQ(JudgeFreeDisk(500 * kMib - 1, "/r").status, DoctorStatus::kWarn);
  EXPECT_EQ(JudgeFreeDisk(50 * kMib, "/r").status, DoctorStatus::kWarn);
  const auto fail = JudgeFreeDisk(10 * kMib, "/r/artifacts");
  EXPECT_EQ(fail.status, DoctorStatus::kFail);
  EXPECT_NE(fail.message.find("10 MiB free at /r/artifacts"), std::string::npos);
  EXPECT_FALSE(fail.fix.empty());
}

TEST(DoctorReport, TextHasMarksFixesAndTheSummary) {
  const std::vector<DoctorCheck> checks = {
      {"tool/helm", DoctorStatus::kPass, "helm 3.17.2", ""},
      {"dns/a", DoctorStatus::kWarn, "does not resolve", "platformctl dns update"},
      {"kube/api", DoctorStatus::kFail, "no answer", "start it"},
      {"clock/skew", DoctorStatus::kSkip, "needs the API server", ""},
  };
  const std::string text = RenderDoctorText(checks);
  EXPECT_NE(text.find("PASS  tool/helm   helm 3.17.2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("fix: platformctl dns update\n"), std::string::npos) << text;
  EXPECT_NE(text.find("1 passed, 1 warnings, 1 failed, 1 skipped\n"), std::string::npos) << text;
  EXPECT_EQ(DoctorExitCode(checks), 1);
  EXPECT_EQ(DoctorExitCode({checks[0], checks[1]}), 0);
}

}  // namespace
}  // namespace platformctl
