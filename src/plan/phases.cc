#include "platformctl/plan.h"

namespace platformctl {
namespace {
constexpr std::string_view kApply[] = {"host",    "prereqs",  "cilium", "cert-manager", "issuers",
                                       "ingress", "platform", "apps",   "verify"};
constexpr std::string_view kDelete[] = {"apps",    "platform",     "ingress",
                                        "issuers", "cert-manager", "teardown",
                                        "cilium",  "clean",        "host"};
}  // namespace

std::span<const std::string_view> ApplyPhases() { return kApply; }
std::span<const std::string_view> DeletePhases() { return kDelete; }

std::string PlanName(const Plan& plan) {
  if (!plan.command.empty()) return plan.command;
  return plan.mode == PlanMode::kApply ? "apply" : "delete";
}

}  // namespace platformctl
