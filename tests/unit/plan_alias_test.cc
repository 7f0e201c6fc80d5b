// The seed-number alias table agrees with the steps the builder emits.
#include <gtest/gtest.h>

#include <algorithm>

#include "platformctl/config.h"
#include "platformctl/plan.h"

namespace platformctl {
namespace {

int PhaseIndex(PlanMode mode, std::string_view phase) {
  auto phases = mode == PlanMode::kApply ? ApplyPhases() : DeletePhases();
  return static_cast<int>(std::find(phases.begin(), phases.end(), phase) - phases.begin());
}

TEST(AliasTable, ConsistentWithTheBuilder) {
  EXPECT_TRUE(AliasTableProblems().empty());
  // Everything on, with host: every step and every alias a step carries.
  Config c = Config::FromValues({{"FEAT_VERIFY_DEEP", "true"}});
  for (PlanMode mode : {PlanMode::kApply, PlanMode::kDelete}) {
    PlanOptions o;
    o.mode = mode;
    o.with_host = true;
    Plan plan = BuildPlan(c, o);
    auto valid = ValidSelectors(plan);
    for (const auto& s : plan.steps) {
      for (const auto& alias : s.aliases) {
        SCOPED_TRACE(s.id + " alias " + alias);
        EXPECT_NE(std::find(valid.begin(), valid.end(), alias), valid.end());
        int first = AliasPhaseIndex(mode, alias);
        ASSERT_GE(first, 0);
        // --from ALIAS must never skip a step the alias names.
        EXPECT_LE(first, PhaseIndex(mode, s.phase));
      }
    }
  }
}

}  // namespace
}  // namespace platformctl
