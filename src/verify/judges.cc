// Pure judges: readiness as kstatus and flux judge it, and helm-diff output
// parsing for the drift check. No I/O except reading the ignore-rule file.
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "platformctl/verify.h"

namespace platformctl {
namespace {

using Json = nlohmann::json;

long Int(const Json& obj, std::string_view section, std::string_view field, long fallback = 0) {
  const auto s = obj.find(section);
  if (s == obj.end() || !s->is_object()) return fallback;
  const auto f = s->find(field);
  if (f == s->end() || !f->is_number_integer()) return fallback;
  return f->get<long>();
}
bool Has(const Json& obj, std::string_view section, std::string_view field) {
  const auto s = obj.find(section);
  return s != obj.end() && s->is_object() && s->contains(field);
}
const Json* Condition(const Json& obj, std::string_view type) {
  const auto st = obj.find("status");
  if (st == obj.end() || !st->is_object()) return nullptr;
  const auto conds = st->find("conditions");
  if (conds == st->end() || !conds->is_array()) return nullptr;
  for (const auto& c : *conds) {
    if (c.is_object() && c.value("type", "") == type) return &c;
  }
  return nullptr;
}
std::string Of(long have, long want, std::string_view what) {
  return std::to_string(have) + "/" + std::to_string(want) + " " + std::string(what);
}

// Generic rules of every object (kstatus checkGenericProperties).
std::string Generic(const Json& o) {
  const Json md = o.value("metadata", Json::object());
  if (md.contains("deletionTimestamp")) return "terminating";
  const long generation = md.value("generation", 0L);
  if (Has(o, "status", "observedGeneration")) {
    const long observed = Int(o, "status", "observedGeneration");
    if (observed != generation) {
      return "rollout not observed yet (observedGeneration " + std::to_string(observed) +
             ", generation " + std::to_string(generation) + ")";
    }
  }
  return "";
}

std::string DeploymentNotReady(const Json& o) {
  const long want = Int(o, "spec", "replicas", 1);
  if (const Json* p = Condition(o, "Progressing");
      p != nullptr && p->value("reason", "") == "ProgressDeadlineExceeded") {
    return "rollout failed: progress deadline exceeded (" + p->value("message", "") + ")";
  }
  const long replicas = Int(o, "status", "replicas");
  const long updated = Int(o, "status", "updatedReplicas");
  const long available = Int(o, "status", "availableReplicas");
  const long ready = Int(o, "status", "readyReplicas");
  if (updated < want) return Of(updated, want, "replicas updated");
  if (replicas > want) return std::to_string(replicas - want) + " old replicas still terminating";
  if (available < want) return Of(available, want, "replicas available");
  if (ready < want) return Of(ready, want, "replicas ready");
  const Json* av = Condition(o, "Available");
  if (av == nullptr || av->value("status", "") != "True") return "condition Available is not True";
  const Json* pr = Condition(o, "Progressing");
  if (pr == nullptr || pr->value("status", "") != "True" ||
      pr->value("reason", "") != "NewReplicaSetAvailable") {
    return "rollout in progress (Progressing reason " +
           (pr == nullptr ? std::string("missing") : pr->value("reason", "?")) + ")";
  }
  return "";
}

std::string DaemonSetNotReady(const Json& o) {
  if (!Has(o, "status", "desiredNumberScheduled")) return "not observed by the controller yet";
  const long desired = Int(o, "status", "desiredNumberScheduled");
  const long current = Int(o, "status", "currentNumberScheduled");
  const long updated = Int(o, "status", "updatedNumberScheduled");
  const long available = Int(o, "status", "numberAvailable");
  const long ready = Int(o, "status", "numberReady");
  if (current < desired) return Of(current, desired, "pods scheduled");
  if (updated < desired) return Of(updated, desired, "pods updated");
  if (available < desired) return Of(available, desired, "pods available");
  if (ready < desired) return Of(ready, desired, "pods ready");
  return "";
}

std::string StatefulSetNotReady(const Json& o) {
  const long want = Int(o, "spec", "replicas", 1);
  const long replicas = Int(o, "status", "replicas");
  const long ready = Int(o, "status", "readyReplicas");
  if (replicas < want) return Of(replicas, want, "replicas created");
  if (ready < want) return Of(ready, want, "replicas ready");
  const Json spec = o.value("spec", Json::object());
  // kstatus: OnDelete StatefulSets are current once their replicas are ready.
  if (spec.value("updateStrategy", Json::object()).value("type", "") == "OnDelete") return "";
  const Json rolling =
      spec.value("updateStrategy", Json::object()).value("rollingUpdate", Json::object());
  if (rolling.contains("partition") && rolling["partition"].is_number_integer()) {
    const long partition = rolling["partition"].get<long>();
    const long updated = Int(o, "status", "updatedReplicas");
    if (updated < want - partition) return Of(updated, want - partition, "partition updated");
    return "";
  }
  const long current = Int(o, "status", "currentReplicas");
  if (current < want) return Of(current, want, "replicas at the current revision");
  const Json st = o.value("status", Json::object());
  if (st.value("currentRevision", "") != st.value("updateRevision", "")) {
    return "update in progress (currentRevision " + st.value("currentRevision", "") +
           " != updateRevision " + st.value("updateRevision", "") + ")";
  }
  return "";
}

}  // namespace

std::string WorkloadNotReady(const Json& object) {
  if (std::string g = Generic(object); !g.empty()) return g;
  const std::string kind = object.value("kind", "");
  if (kind == "Deployment") return DeploymentNotReady(object);
  if (kind == "DaemonSet") return DaemonSetNotReady(object);
  if (kind == "StatefulSet") return StatefulSetNotReady(object);
  return "not a workload kind: " + kind;
}

std::string ConditionNotReady(const Json& object) {
  const Json md = object.value("metadata", Json::object());
  if (md.contains("deletionTimestamp")) return "terminating";
  const Json* ready = Condition(object, "Ready");
  if (ready == nullptr) return "no Ready condition yet";
  const std::string why =
      ready->value("reason", "") +
      (ready->value("message", "").empty()
           ? std::string()
           : (ready->value("reason", "").empty() ? "" : ": ") + ready->value("message", ""));
  if (ready->value("status", "") != "True") {
    return "Ready=" + ready->value("status", "Unknown") + (why.empty() ? "" : " (" + why + ")");
  }
  const long generation = md.value("generation", 0L);
  const long observed = ready->value("observedGeneration", 0L);
  if (observed != generation) {
    return "Ready is stale (observedGeneration " + std::to_string(observed) + ", generation " +
           std::to_string(generation) + ")";
  }
  return "";
}

DriftReport ParseHelmfileDiff(std::string_view output) {
  static const std::regex kAnsi("\x1B\\[[0-9;]*[A-Za-z]");
  // helm-diff's diff report (diff/report.go): "NS, NAME, KIND (API) MESSAGE" with
  // MESSAGE one of its change styles; NS is empty for cluster-scoped objects.
  static const std::regex kHeader(
      R"(^([^, ]*), ([^, ]+), (.+) (has changed|has been added|has been removed|changed ownership)(:|, but diff is empty after suppression\.)$)");
  static const std::regex kComparing(R"(^Comparing release=([^, ]+), chart=.*$)");
  static const std::regex kBoilerplate(
      R"(^(Comparing release=.*|Affected releases are:.*|Identified at least one change.*|\s*$))");
  DriftReport report;
  const std::string text = std::regex_replace(std::string(output), kAnsi, "");
  std::istringstream in(text);
  std::string release;
  bool in_body = false;  // diff lines only count after a header
  int stray = 0;
  std::string first_stray;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::smatch m;
    if (std::regex_match(line, m, kComparing)) {
      release = m[1].str();
      in_body = false;
      continue;
    }
    if (std::regex_match(line, m, kHeader)) {
      std::string kind = m[3].str();
      if (auto p = kind.find(" ("); p != std::string::npos) kind = kind.substr(0, p);
      std::string change = m[4].str();
      if (change == "has changed") change = "changed";
      if (change == "has been added") change = "added";
      if (change == "has been removed") change = "removed";
      if (change == "changed ownership") change = "ownership";
      if (m[5].str() != ":") change = "suppressed";  // the user's --suppress/--suppress-secrets
      report.items.push_back(DriftItem{release, m[1].str(), m[2].str(), kind, change});
      in_body = true;
      continue;
    }
    if (std::regex_match(line, kBoilerplate)) continue;
    if (in_body) continue;  // the diff of the object under the last header
    // "  release: NAME" lines of "Affected releases are:" belong to the summary.
    if (line.starts_with("  ") && line.find(" (") != std::string::npos &&
        line.find(") UPDATED") != std::string::npos)
      continue;
    if (++stray == 1) first_stray = line;
  }
  if (stray > 0 && report.items.empty()) {
    report.parsed = false;
    report.error = "no resource header could be parsed (first line: '" +
                   first_stray.substr(0, 120) + "'); refusing to judge the drift";
  }
  return report;
}

std::vector<DriftIgnoreRule> LoadDriftIgnoreRules(const std::string& path, Diagnostics& diags) {
  std::vector<DriftIgnoreRule> rules;
  std::ifstream in(path);
  if (!in) return rules;  // no file: nothing is ignored
  YAML::Node doc;
  try {
    doc = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    diags.Error(e.msg, SourceLoc{path, e.mark.line + 1, e.mark.column + 1}, "fix the YAML syntax");
    return rules;
  }
  const YAML::Node list = doc["ignore"];
  if (!list) return rules;
  if (!list.IsSequence()) {
    diags.Error("'ignore' must be a list of rules",
                SourceLoc{path, list.Mark().line + 1, list.Mark().column + 1}, "");
    return rules;
  }
  for (const auto& r : list) {
    const SourceLoc at{path, r.Mark().line + 1, r.Mark().column + 1};
    if (!r.IsMap()) {
      diags.Error("a rule must be a mapping", at, "");
      continue;
    }
    auto get = [&r](const char* key) {
      return r[key] && r[key].IsScalar() ? r[key].as<std::string>() : std::string();
    };
    DriftIgnoreRule rule{get("namespace"), get("name"), get("kind"), get("change"), get("reason")};
    if (rule.name.empty() || rule.kind.empty()) {
      diags.Error("a rule needs 'name' and 'kind'", at,
                  "add them (namespace and change are optional)");
      continue;
    }
    if (rule.reason.empty()) {
      diags.Error("the rule for " + rule.kind + " " + rule.name + " has no reason", at,
                  "say why this drift is harmless in 'reason'");
      continue;
    }
    if (!rule.change.empty() && rule.change != "changed" && rule.change != "added" &&
        rule.change != "removed") {
      diags.Error("change must be changed, added or removed", at, "");
      continue;
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace platformctl
