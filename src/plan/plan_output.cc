// Plan rendering (text, JSON, YAML) and step selection (--only / --from).
#include <algorithm>
#include <set>
#include <span>

#include "platformctl/output.h"
#include "platformctl/plan.h"

namespace platformctl {
namespace {

// Quotes an argv element for display only (never executed by a shell).
std::string DisplayArg(const std::string& a) {
  if (!a.empty() && a.find_first_of(" \t\"'\\$`|&;<>(){}*?!#~") == std::string::npos) return a;
  std::string out = "'";
  for (char c : a) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string DisplayArgv(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + DisplayArg(a);
  return out;
}

nlohmann::ordered_json PlanToJson(const Plan& plan) {
  using J = nlohmann::ordered_json;
  J steps = J::array();
  for (const auto& s : plan.steps) {
    J commands = J::array();
    J actions = J::array();
    int order = 0;
    for (const auto& op : s.ops) {
      if (op.kind == PlanOp::Kind::kCommand) {
        J c = {{"argv", op.argv}, {"env", op.env}};
        if (op.timeout_s > 0) c["timeoutSeconds"] = op.timeout_s;
        c["order"] = order;
        commands.push_back(std::move(c));
      } else {
        J a = {{"action", op.action}, {"description", op.description}};
        if (op.timeout_s > 0) a["timeoutSeconds"] = op.timeout_s;
        a["order"] = order;
        actions.push_back(std::move(a));
      }
      ++order;
    }
    J step = {{"id", s.id},           {"phase", s.phase},   {"title", s.title},    {"when", s.when},
              {"commands", commands}, {"actions", actions}, {"aliases", s.aliases}};
    if (!s.component.empty()) step["component"] = s.component;
    if (!s.missing.empty()) step["missingInputs"] = s.missing;
    steps.push_back(std::move(step));
  }
  J j = {{"schemaVersion", 1},
         {"mode", plan.mode == PlanMode::kApply ? "apply" : "delete"},
         {"profile", plan.profile.empty() ? J(nullptr) : J(plan.profile)},
         {"withHost", plan.with_host},
         {"steps", steps}};
  return j;
}

// The seed's script numbers, per mode, with the first phase they land in
// (--from uses it when the config leaves the aliased steps out).
struct AliasRow {
  std::string_view alias;
  PlanMode mode;
  std::string_view phase;
};
constexpr AliasRow kAliases[] = {
    {"00", PlanMode::kApply, "host"},      {"10", PlanMode::kApply, "host"},
    {"k3s", PlanMode::kApply, "host"},     {"01", PlanMode::kApply, "prereqs"},
    {"15", PlanMode::kApply, "prereqs"},   {"94", PlanMode::kApply, "prereqs"},
    {"25", PlanMode::kApply, "prereqs"},   {"20", PlanMode::kApply, "prereqs"},
    {"26", PlanMode::kApply, "cilium"},    {"31", PlanMode::kApply, "cert-manager"},
    {"36", PlanMode::kApply, "platform"},  {"75", PlanMode::kApply, "apps"},
    {"91", PlanMode::kApply, "verify"},    {"92", PlanMode::kApply, "verify"},
    {"90", PlanMode::kApply, "verify"},    {"93", PlanMode::kApply, "verify"},
    {"95", PlanMode::kApply, "verify"},    {"96", PlanMode::kApply, "verify"},
    {"97", PlanMode::kApply, "verify"},    {"75", PlanMode::kDelete, "apps"},
    {"36", PlanMode::kDelete, "platform"}, {"29", PlanMode::kDelete, "platform"},
    {"31", PlanMode::kDelete, "ingress"},  {"30", PlanMode::kDelete, "cert-manager"},
    {"20", PlanMode::kDelete, "teardown"}, {"99", PlanMode::kDelete, "teardown"},
    {"26", PlanMode::kDelete, "cilium"},   {"98", PlanMode::kDelete, "clean"},
    {"10", PlanMode::kDelete, "host"},     {"k3s", PlanMode::kDelete, "host"},
};

std::span<const std::string_view> PhasesOf(PlanMode mode) {
  return mode == PlanMode::kApply ? ApplyPhases() : DeletePhases();
}

int PhaseIndex(PlanMode mode, std::string_view phase) {
  auto phases = PhasesOf(mode);
  auto it = std::find(phases.begin(), phases.end(), phase);
  return it == phases.end() ? -1 : static_cast<int>(it - phases.begin());
}

std::string StepName(const PlanStep& s) { return s.id.substr(s.id.find('/') + 1); }

// Phase names, step ids and aliases match as such; a bare step name
// ("hello-web") matches the step of that name (ambiguity is rejected earlier).
bool StepMatches(const PlanStep& s, const std::string& token) {
  if (token == s.id || token == s.phase) return true;
  if (std::find(s.aliases.begin(), s.aliases.end(), token) != s.aliases.end()) return true;
  return token.find('/') == std::string::npos && token == StepName(s);
}

std::vector<std::string> SplitCsv(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  out.erase(std::remove(out.begin(), out.end(), std::string()), out.end());
  return out;
}

}  // namespace

std::vector<std::string> ValidSelectors(const Plan& plan) {
  // Every phase and alias of the mode is valid even when the current config
  // leaves its steps out (e.g. --only cilium with FEAT_CILIUM=false).
  std::vector<std::string> out;
  auto add = [&out](std::string_view s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
  };
  for (auto p : PhasesOf(plan.mode)) add(p);
  for (const auto& s : plan.steps) add(s.id);
  for (const auto& r : kAliases) {
    if (r.mode == plan.mode) add(r.alias);
  }
  return out;
}

std::vector<std::string> AliasTableProblems() {
  std::vector<std::string> problems;
  for (const auto& r : kAliases) {
    if (PhaseIndex(r.mode, r.phase) < 0)
      problems.push_back(std::string(r.alias) + ": unknown phase");
  }
  return problems;
}

int AliasPhaseIndex(PlanMode mode, std::string_view alias) {
  for (const auto& r : kAliases) {
    if (r.mode == mode && r.alias == alias) return PhaseIndex(mode, r.phase);
  }
  return -1;
}

std::optional<Plan> SelectSteps(const Plan& plan, const std::string& only, const std::string& from,
                                Diagnostics& diags) {
  const auto valid = ValidSelectors(plan);
  std::string list;
  for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
  const char* mode_name = plan.mode == PlanMode::kApply ? "apply" : "delete";
  auto check = [&](const std::string& token, const char* flag) {
    if (std::find(valid.begin(), valid.end(), token) != valid.end()) return;
    std::vector<std::string> named;
    for (const auto& s : plan.steps) {
      if (token.find('/') == std::string::npos && StepName(s) == token) named.push_back(s.id);
    }
    if (named.size() == 1) return;
    if (named.size() > 1) {
      std::string ids;
      for (const auto& n : named) ids += (ids.empty() ? "" : ", ") + n;
      diags.Error(std::string(flag) + " " + token + ": ambiguous step name (" + ids + ")", {},
                  "use a step id, e.g. " + named.front());
      return;
    }
    diags.Error(
        std::string(flag) + " " + token + ": unknown phase, step or step number for " + mode_name,
        {}, "use one of: " + list);
  };
  auto tokens = SplitCsv(only);
  if (!only.empty() && tokens.empty()) {
    diags.Error("--only needs a value", {},
                "e.g. --only cert-manager,issuers or --only 31; use one of: " + list);
  }
  for (const auto& t : tokens) check(t, "--only");
  if (!from.empty()) check(from, "--from");
  if (diags.HasErrors()) return std::nullopt;

  // --from: the first step it matches; when the config leaves those steps
  // out, the first step of a later phase (so --from cilium still runs the rest).
  size_t start = 0;
  if (!from.empty()) {
    start = plan.steps.size();
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      if (StepMatches(plan.steps[i], from)) {
        start = i;
        break;
      }
    }
    if (start == plan.steps.size()) {
      int phase = PhaseIndex(plan.mode, from);
      if (phase < 0) phase = AliasPhaseIndex(plan.mode, from);
      for (size_t i = 0; phase >= 0 && i < plan.steps.size(); ++i) {
        if (PhaseIndex(plan.mode, plan.steps[i].phase) >= phase) {
          start = i;
          break;
        }
      }
      diags.Warning("--from " + from + ": no such step in this " + std::string(mode_name) +
                        " plan with this config; starting at " +
                        (start < plan.steps.size() ? plan.steps[start].id : std::string("the end")),
                    {}, "");
    }
  }
  Plan out = plan;
  out.steps.clear();
  for (size_t i = start; i < plan.steps.size(); ++i) {
    const auto& s = plan.steps[i];
    if (!tokens.empty() && std::none_of(tokens.begin(), tokens.end(),
                                        [&](const std::string& t) { return StepMatches(s, t); })) {
      continue;
    }
    out.steps.push_back(s);
  }
  for (const auto& t : tokens) {
    if (std::none_of(plan.steps.begin(), plan.steps.end(),
                     [&](const PlanStep& s) { return StepMatches(s, t); })) {
      diags.Warning("--only " + t + " selects no step of this " + std::string(mode_name) +
                        " plan with this config",
                    {}, "check the feature flags, --with-host, or the mode (--delete)");
    }
  }
  return out;
}

std::string RenderPlanText(const Plan& plan) {
  std::string out;
  out += std::string(plan.mode == PlanMode::kApply ? "Apply" : "Delete") + " plan";
  out += plan.profile.empty() ? " (no profile)" : " for profile " + plan.profile;
  out +=
      ": " + std::to_string(plan.steps.size()) + (plan.steps.size() == 1 ? " step\n" : " steps\n");
  std::string phase;
  int n = 0;
  for (const auto& s : plan.steps) {
    if (s.phase != phase) {
      phase = s.phase;
      out += "\n== " + phase + " ==\n";
    }
    ++n;
    out += std::to_string(n) + ". " + s.id + "  " + s.title + "\n";
    out += "     when: " + s.when + "\n";
    for (const auto& op : s.ops) {
      if (op.kind == PlanOp::Kind::kCommand) {
        out += "     $ " + DisplayArgv(op.argv);
        if (!op.env.empty()) {
          std::string names;
          for (const auto& e : op.env) names += (names.empty() ? "" : ",") + e;
          out += "   [env: " + names + "]";
        }
        out += "\n";
      } else {
        out += "     - " + op.description + "\n";
      }
    }
    if (!s.missing.empty()) {
      std::string names;
      for (const auto& m : s.missing) names += (names.empty() ? "" : ", ") + m;
      out += "     ! needs " + names + " (empty: apply will refuse)\n";
    }
  }
  return out;
}

std::string RenderPlanJson(const Plan& plan) { return PlanToJson(plan).dump(2) + "\n"; }

std::string RenderPlanYaml(const Plan& plan) { return ToYaml(PlanToJson(plan)); }

}  // namespace platformctl
