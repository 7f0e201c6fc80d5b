// Plan rendering (text, JSON, YAML) and step selection (--only / --from).
#include <algorithm>
#include <set>

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

bool StepMatches(const PlanStep& s, const std::string& token) {
  if (token == s.id || token == s.phase) return true;
  if (token == s.id.substr(s.id.find('/') + 1)) return true;
  return std::find(s.aliases.begin(), s.aliases.end(), token) != s.aliases.end();
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
  auto add = [&out](const std::string& s) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  for (auto p : plan.mode == PlanMode::kApply ? ApplyPhases() : DeletePhases()) add(std::string(p));
  for (const auto& s : plan.steps) add(s.id);
  std::vector<std::string> aliases;
  for (const char* a : {"00", "01", "10", "15", "20", "25", "26", "29", "30", "31", "36", "75",
                        "90", "91", "92", "93", "94", "95", "96", "97", "98", "99", "k3s"}) {
    aliases.emplace_back(a);
  }
  for (const auto& a : aliases) add(a);
  return out;
}

std::optional<Plan> SelectSteps(const Plan& plan, const std::string& only, const std::string& from,
                                Diagnostics& diags) {
  const auto valid = ValidSelectors(plan);
  std::string list;
  for (const auto& v : valid) list += (list.empty() ? "" : ", ") + v;
  auto check = [&](const std::string& token, const char* flag) {
    bool known = std::find(valid.begin(), valid.end(), token) != valid.end();
    for (const auto& s : plan.steps) known = known || StepMatches(s, token);
    if (!known) {
      diags.Error(std::string(flag) + " " + token + ": unknown phase, step or step number", {},
                  "use one of: " + list);
    }
    return known;
  };
  auto tokens = SplitCsv(only);
  if (!only.empty() && tokens.empty()) {
    diags.Error("--only needs a value", {},
                "e.g. --only cert-manager,issuers or --only 31; use one of: " + list);
  }
  for (const auto& t : tokens) check(t, "--only");
  if (!from.empty()) check(from, "--from");
  if (diags.HasErrors()) return std::nullopt;

  Plan out = plan;
  out.steps.clear();
  bool started = from.empty();
  for (const auto& s : plan.steps) {
    if (!started && StepMatches(s, from)) started = true;
    if (!started) continue;
    if (!tokens.empty() && std::none_of(tokens.begin(), tokens.end(),
                                        [&](const std::string& t) { return StepMatches(s, t); })) {
      continue;
    }
    out.steps.push_back(s);
  }
  for (const auto& t : tokens) {
    if (std::none_of(plan.steps.begin(), plan.steps.end(),
                     [&](const PlanStep& s) { return StepMatches(s, t); })) {
      diags.Warning("--only " + t + " selects no step of this " +
                        std::string(plan.mode == PlanMode::kApply ? "apply" : "delete") +
                        " plan with this config",
                    {}, "check the feature flags, or the mode (--delete)");
    }
  }
  if (!from.empty() && !started) {
    diags.Warning("--from " + from + " matches no step of this plan; nothing selected", {}, "");
  }
  return out;
}

std::string RenderPlanText(const Plan& plan) {
  std::string out;
  out += std::string(plan.mode == PlanMode::kApply ? "Apply" : "Delete") + " plan";
  out += plan.profile.empty() ? " (no profile)" : " for profile " + plan.profile;
  out += ": " + std::to_string(plan.steps.size()) + " steps\n";
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

std::vector<std::string> FlattenCommands(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan.steps) {
    for (const auto& op : s.ops) {
      if (op.kind == PlanOp::Kind::kCommand) out.push_back(s.id + ": " + DisplayArgv(op.argv));
    }
  }
  return out;
}

}  // namespace platformctl
