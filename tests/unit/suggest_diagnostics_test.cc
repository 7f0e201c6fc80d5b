// Unit tests of did-you-mean, the diagnostics cap and excerpts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "platformctl/diagnostics.h"
#include "platformctl/schema.h"
#include "platformctl/suggest.h"

namespace platformctl {
namespace {

TEST(Suggest, BoundedEditDistanceMatchesLevenshteinWithinTheLimit) {
  EXPECT_EQ(BoundedEditDistance("kitten", "sitting", 5), 3U);
  EXPECT_EQ(BoundedEditDistance("", "abc", 5), 3U);
  EXPECT_EQ(BoundedEditDistance("abc", "abc", 0), 0U);
  EXPECT_EQ(BoundedEditDistance("FEAT_CILIUM", "feat_cillium", 3), 1U);  // case ignored
  EXPECT_GT(BoundedEditDistance("kitten", "sitting", 2), 2U);            // over the limit
  EXPECT_GT(BoundedEditDistance(std::string(1 << 20, 'x'), "FEAT_CILIUM", 3), 3U);
}

TEST(Suggest, ClosestKeyCommandOrFlag) {
  EXPECT_EQ(SuggestKey("FEAT_CILLIUM").value_or(""), "FEAT_CILIUM");
  EXPECT_EQ(SuggestKey("feat_cilium").value_or(""), "FEAT_CILIUM");
  EXPECT_EQ(SuggestKey("FEAT_OAUTH_PROXY").value_or(""), "FEAT_OAUTH2_PROXY");
  EXPECT_FALSE(SuggestKey("COMPLETELY_DIFFERENT_THING").has_value());
  const std::vector<std::string_view> cmds = {"plan", "apply", "delete", "config"};
  EXPECT_EQ(SuggestClosest("paln", cmds).value_or(""), "plan");
  EXPECT_FALSE(SuggestClosest("zzzzzz", cmds).has_value());
}

TEST(Diagnostics, KeepsAtMostFiftyOfEachSeverityAndCountsTheRest) {
  Diagnostics d;
  for (int i = 0; i < 120; ++i) d.Warning("w" + std::to_string(i));
  for (int i = 0; i < 70; ++i) d.Error("e" + std::to_string(i));
  EXPECT_EQ(d.WarningCount(), 120U);
  EXPECT_EQ(d.ErrorCount(), 70U);
  EXPECT_EQ(d.Items().size(), 100U);
  EXPECT_EQ(d.Dropped(), 90U);
  EXPECT_FALSE(d.Accepts(Severity::kError));
  Diagnostics all;
  all.Error("first");
  all.Append(d);
  EXPECT_EQ(all.ErrorCount(), 71U);
  EXPECT_EQ(all.WarningCount(), 120U);
  EXPECT_TRUE(all.HasErrors());
}

TEST(Diagnostics, ExcerptCutsAtFortyBytesAndEscapes) {
  EXPECT_EQ(Excerpt("short"), "short");
  EXPECT_EQ(Excerpt(std::string(50, 'a')), std::string(40, 'a') + "...");
  EXPECT_EQ(Excerpt("a\x01\xff b"), "a\\x01\\xFF b");
  EXPECT_EQ(Excerpt("caf\xc3\xa9"), "caf\xc3\xa9");       // valid UTF-8 stays
  EXPECT_EQ(Excerpt("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a surrogate is not UTF-8
  EXPECT_EQ(Excerpt(std::string(39, 'a') + "\xc3\xa9"), std::string(39, 'a') + "...");
  Diagnostic diag{Severity::kError, "bad \x1b[31m value", {}, {}, {}};
  EXPECT_EQ(Diagnostics::Format(diag), "error: bad \\x1B[31m value");
}

}  // namespace
}  // namespace platformctl
