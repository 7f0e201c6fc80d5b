// Colour decisions for stderr: CLICOLOR_FORCE > --no-color > NO_COLOR > TERM=dumb > tty.
#include "platformctl/terminal.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace platformctl {
namespace {

std::map<std::string, std::string>* g_env = nullptr;
const char* FakeEnv(const char* name) {
  auto it = g_env->find(name);
  return it == g_env->end() ? nullptr : it->second.c_str();
}

bool Wants(std::map<std::string, std::string> env, bool flag, bool tty) {
  g_env = &env;
  bool r = StderrWantsColor(flag, FakeEnv, tty);
  g_env = nullptr;
  return r;
}

TEST(Terminal, ColorRules) {
  EXPECT_TRUE(Wants({}, false, true));
  EXPECT_FALSE(Wants({}, false, false));
  EXPECT_FALSE(Wants({}, true, true));
  EXPECT_FALSE(Wants({{"NO_COLOR", "1"}}, false, true));
  EXPECT_TRUE(Wants({{"NO_COLOR", ""}}, false, true));  // empty NO_COLOR does not count
  EXPECT_FALSE(Wants({{"TERM", "dumb"}}, false, true));
  EXPECT_TRUE(Wants({{"CLICOLOR_FORCE", "1"}}, false, false));
  EXPECT_TRUE(Wants({{"CLICOLOR_FORCE", "1"}, {"NO_COLOR", "1"}}, true, false));
  EXPECT_FALSE(Wants({{"CLICOLOR_FORCE", "0"}}, false, false));
}

TEST(Terminal, OnlyTheSeverityWordIsPainted) {
  Diagnostic d{Severity::kError, "bad", SourceLoc{"a.env", 3, 1}, "fix it", {}};
  EXPECT_EQ(FormatDiagnostic(d, false), "a.env:3:1: error: bad (fix: fix it)");
  EXPECT_EQ(FormatDiagnostic(d, true), "a.env:3:1: \033[1;31merror:\033[0m bad (fix: fix it)");
  d.severity = Severity::kWarning;
  EXPECT_EQ(FormatDiagnostic(d, true), "a.env:3:1: \033[1;33mwarning:\033[0m bad (fix: fix it)");
}

}  // namespace
}  // namespace platformctl
