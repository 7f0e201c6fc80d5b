// Plan rendering (text, JSON, YAML) and step selection (--only / --from).
#include <algorithm>
#include <cstdio>
#include <set>
#include <span>

#include "platformctl/crypto.h"
#include "platformctl/output.h"
#include "platformctl/overloaded.h"
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

std::string List(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}
std::string Secs(int s) { return std::to_string(s) + "s"; }
std::string FileMode(unsigned mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", mode & 07777U);
  return buf;
}
// A generated file's digest for the plan (libcrypto is loaded on first use).
std::string ContentHash(const std::string& content) {
  try {
    return Sha256Hex(content);
  } catch (const std::exception&) {
    return "unavailable";
  }
}

// The typed parameters of an action, for -o json (commands have their own shape).
nlohmann::ordered_json OpParams(const PlanOp& op) {
  using J = nlohmann::ordered_json;
  return std::visit(
      Overloaded{
          [](const CommandOp&) { return J::object(); },
          [](const AdoptOp& o) {
            return J{{"kind", o.kind},
                     {"names", o.names},
                     {"namespace", o.ns},
                     {"release", o.release},
                     {"releaseNamespace", o.release_ns}};
          },
          [](const WaitConditionOp& o) {
            return J{{"objects", o.objects}, {"namespace", o.ns}, {"condition", o.condition}};
          },
          [](const WaitWebhookCaOp& o) {
            return J{{"webhookConfiguration", o.webhook_config},
                     {"namespace", o.ns},
                     {"restartOnce", o.restart}};
          },
          [](const WaitGoneOp& o) {
            return J{{"objects", o.objects},
                     {"namespace", o.ns},
                     {"selector", o.selector},
                     {"forceTimeoutSeconds", o.force_timeout_s},
                     {"onlyIfTerminating", o.only_if_terminating}};
          },
          [](const ClearFinalizersOp& o) {
            return J{{"kinds", o.kinds}};
          },
          [](const DeleteCrdsOp& o) {
            return J{{"suffix", o.suffix}};
          },
          [](const DeleteIfManagedOp& o) {
            return J{{"objects", o.objects}, {"label", o.label}};
          },
          [](const DeleteCustomObjectOp& o) {
            return J{{"crd", o.crd}, {"name", o.name}, {"namespace", o.ns}};
          },
          [](const InstallRecordOp& o) {
            J j{{"releases", o.releases}};
            if (!o.owner.empty()) j["owner"] = o.owner;
            return j;
          },
          [](const UninstallRecordedOp& o) {
            return J{{"covered", o.covered}};
          },
          [](const HelmReposOp& o) {
            J repos = J::array();
            for (const auto& [name, url] : o.repos) repos.push_back({{"name", name}, {"url", url}});
            return J{{"repos", repos}, {"attempts", o.attempts}};
          },
          [](const ValidateOp&) {
            return J{{"mode", "strict"}};
          },
          [](const WriteStateValuesOp& o) {
            return J{{"path", o.path}, {"mode", "0600"}};
          },
          [](const LockOp& o) {
            return J{{"path", o.path}};
          },
          [](const IdentityGuardOp& o) {
            return J{{"expectedContext", o.expected_context}, {"expectedUid", o.expected_uid}};
          },
          [](const CheckOp& o) {
            return J{{"check", o.check}};
          },
          [](const VerifyOp& o) {
            J queries = J::object();
            for (const auto& q : o.queries) queries[q.family] = q.command.argv;
            return J{{"group", o.group},
                     {"tier", o.deep ? "deep" : "core"},
                     {"checks", o.checks},
                     {"queries", queries}};
          },
          [](const PackagesOp& o) {
            J env = J::object();
            for (const auto& e : o.env) env[e.name] = e.literal;
            return J{{"manager", o.manager}, {"packages", o.packages}, {"query", o.query},
                     {"refresh", o.refresh}, {"install", o.install},   {"envValues", env},
                     {"needsRoot", true}};
          },
          [](const RequireCommandsOp& o) {
            return J{{"commands", o.commands}};
          },
          [](const K3sInstallOp& o) {
            J env = J::object();
            for (const auto& e : o.env) env[e.name] = e.literal;
            return J{{"url", o.url},
                     {"sha256", o.sha256.empty() ? J(nullptr) : J(o.sha256)},
                     {"installer", o.installer},
                     {"envValues", env},
                     {"flags", o.flags},
                     {"version", o.version.empty() ? J(nullptr) : J(o.version)},
                     {"channel", o.channel},
                     {"reads", J::array({o.binary + " --version", o.unit})},
                     {"needsRoot", true}};
          },
          [](const MergeKubeconfigOp& o) {
            return J{{"source", o.source},
                     {"dest", o.dest},
                     {"context", o.context},
                     {"standalone", o.standalone}};
          },
          [](const SystemdUnitsOp& o) {
            J units = J::array();
            for (const auto& u : o.units)
              units.push_back({{"path", o.dir + "/" + u.name}, {"content", u.content}});
            J legacy = J::array();
            for (const auto& l : o.legacy) legacy.push_back(o.dir + "/" + l);
            return J{
                {"units", units}, {"enable", o.enable}, {"legacy", legacy}, {"needsRoot", true}};
          },
          [](const RemoveSystemdUnitsOp& o) {
            J units = J::array();
            for (const auto& u : o.units) units.push_back(o.dir + "/" + u);
            return J{{"units", units}, {"disable", o.disable}, {"needsRoot", true}};
          },
          [](const K3sUninstallOp& o) {
            return J{{"script", o.script}, {"needsRoot", true}};
          },
          [](const WriteFileOp& o) {
            return J{{"path", o.path},
                     {"mode", FileMode(o.mode)},
                     {"bytes", o.content.size()},
                     {"sha256", ContentHash(o.content)},
                     {"content", o.content}};
          },
      },
      op);
}

nlohmann::ordered_json CommandJson(const CommandOp& c, int order) {
  using J = nlohmann::ordered_json;
  std::vector<std::string> names;
  J literal = J::object();
  for (const auto& e : c.env) {
    names.push_back(e.name);
    if (!e.secret) literal[e.name] = e.literal;
  }
  J j = {{"argv", c.argv}, {"env", names}};
  if (!literal.empty()) j["envValues"] = literal;  // non-secret values only
  if (c.timeout_s > 0) j["timeoutSeconds"] = c.timeout_s;
  if (c.ok_exit_codes != std::vector<int>{0}) j["okExitCodes"] = c.ok_exit_codes;
  if (c.tolerate_failure) j["tolerateFailure"] = true;
  if (c.needs_root) j["needsRoot"] = true;
  if (c.attempts > 1) j["attempts"] = c.attempts;
  j["order"] = order;
  return j;
}

nlohmann::ordered_json ActionJson(const PlanOp& op, int order) {
  using J = nlohmann::ordered_json;
  J a = {{"action", std::string(OpName(op))}, {"description", DescribeOp(op)}};
  if (OpTimeout(op) > 0) a["timeoutSeconds"] = OpTimeout(op);
  J params = OpParams(op);
  if (!params.empty()) a["params"] = params;
  a["order"] = order;
  return a;
}

nlohmann::ordered_json PlanToJson(const Plan& plan) {
  using J = nlohmann::ordered_json;
  J preflight = J::array();
  int pre_order = 0;
  for (const auto& op : plan.preflight) {
    if (const auto* c = std::get_if<CommandOp>(&op)) {
      J j = CommandJson(*c, pre_order++);
      j["action"] = "command";
      preflight.push_back(std::move(j));
    } else {
      preflight.push_back(ActionJson(op, pre_order++));
    }
  }
  J steps = J::array();
  for (const auto& s : plan.steps) {
    J commands = J::array();
    J actions = J::array();
    int order = 0;
    for (const auto& op : s.ops) {
      if (const auto* c = std::get_if<CommandOp>(&op)) {
        commands.push_back(CommandJson(*c, order));
      } else {
        actions.push_back(ActionJson(op, order));
        // A verify op's queries are the processes the step may start.
        if (const auto* v = std::get_if<VerifyOp>(&op)) {
          for (const auto& q : v->queries) {
            auto j = CommandJson(q.command, order);
            j["query"] = q.family;
            commands.push_back(std::move(j));
          }
        }
      }
      ++order;
    }
    J step = {{"id", s.id},           {"phase", s.phase},   {"title", s.title},    {"when", s.when},
              {"commands", commands}, {"actions", actions}, {"aliases", s.aliases}};
    if (!s.component.empty()) step["component"] = s.component;
    if (!s.missing.empty()) step["missingInputs"] = s.missing;
    steps.push_back(std::move(step));
  }
  J j = {{"schemaVersion", 1}, {"mode", plan.mode == PlanMode::kApply ? "apply" : "delete"}};
  if (!plan.command.empty()) j["command"] = plan.command;
  j["profile"] = plan.profile.empty() ? J(nullptr) : J(plan.profile);
  j["withHost"] = plan.with_host;
  j["repoRoot"] = "{repo}";
  j["preflight"] = preflight;
  j["steps"] = steps;
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

std::string_view OpName(const PlanOp& op) {
  return std::visit(
      Overloaded{
          [](const CommandOp&) { return std::string_view("command"); },
          [](const AdoptOp&) { return std::string_view("adopt"); },
          [](const WaitConditionOp&) { return std::string_view("wait-condition"); },
          [](const WaitWebhookCaOp&) { return std::string_view("wait-webhook-ca"); },
          [](const WaitGoneOp&) { return std::string_view("wait-gone"); },
          [](const ClearFinalizersOp&) { return std::string_view("clear-finalizers"); },
          [](const DeleteCrdsOp&) { return std::string_view("delete-crds"); },
          [](const DeleteIfManagedOp&) { return std::string_view("delete-if-managed"); },
          [](const DeleteCustomObjectOp&) { return std::string_view("delete-custom-object"); },
          [](const InstallRecordOp&) { return std::string_view("install-record"); },
          [](const UninstallRecordedOp&) { return std::string_view("uninstall-recorded"); },
          [](const HelmReposOp&) { return std::string_view("helm-repos"); },
          [](const ValidateOp&) { return std::string_view("validate"); },
          [](const WriteStateValuesOp&) { return std::string_view("write-state-values"); },
          [](const LockOp&) { return std::string_view("lock"); },
          [](const IdentityGuardOp&) { return std::string_view("identity-guard"); },
          [](const CheckOp&) { return std::string_view("check"); },
          [](const VerifyOp&) { return std::string_view("verify"); },
          [](const PackagesOp&) { return std::string_view("packages"); },
          [](const RequireCommandsOp&) { return std::string_view("require-commands"); },
          [](const K3sInstallOp&) { return std::string_view("k3s-install"); },
          [](const MergeKubeconfigOp&) { return std::string_view("merge-kubeconfig"); },
          [](const SystemdUnitsOp&) { return std::string_view("systemd-units"); },
          [](const RemoveSystemdUnitsOp&) { return std::string_view("remove-systemd-units"); },
          [](const K3sUninstallOp&) { return std::string_view("k3s-uninstall"); },
          [](const WriteFileOp&) { return std::string_view("write-file"); },
      },
      op);
}

int OpTimeout(const PlanOp& op) {
  return std::visit(Overloaded{
                        [](const CommandOp& o) { return o.timeout_s; },
                        [](const AdoptOp&) { return 30; },
                        [](const WaitConditionOp& o) { return o.timeout_s; },
                        [](const WaitWebhookCaOp& o) { return 2 * o.timeout_s; },
                        [](const WaitGoneOp& o) { return o.timeout_s + o.force_timeout_s; },
                        [](const ClearFinalizersOp& o) { return o.timeout_s; },
                        [](const DeleteCrdsOp& o) { return o.timeout_s; },
                        [](const DeleteIfManagedOp&) { return 60; },
                        [](const DeleteCustomObjectOp&) { return 60; },
                        [](const InstallRecordOp&) { return 60; },
                        [](const UninstallRecordedOp& o) { return o.timeout_s; },
                        [](const HelmReposOp& o) { return 60 * o.attempts + 120; },
                        [](const ValidateOp&) { return 0; },
                        [](const WriteStateValuesOp&) { return 0; },
                        [](const LockOp&) { return 0; },
                        [](const IdentityGuardOp&) { return 30; },
                        [](const CheckOp&) { return 0; },
                        [](const VerifyOp& o) {
                          int t = 0;
                          for (const auto& q : o.queries) t += q.command.timeout_s;
                          return t;
                        },
                        [](const PackagesOp& o) { return o.timeout_s; },
                        [](const RequireCommandsOp&) { return 0; },
                        [](const K3sInstallOp& o) { return o.timeout_s; },
                        [](const MergeKubeconfigOp&) { return 0; },
                        [](const SystemdUnitsOp&) { return 60; },
                        [](const RemoveSystemdUnitsOp&) { return 60; },
                        [](const K3sUninstallOp& o) { return o.timeout_s; },
                        [](const WriteFileOp&) { return 0; },
                    },
                    op);
}

std::string DescribeOp(const PlanOp& op) {
  return std::visit(
      Overloaded{
          [](const CommandOp& o) { return DisplayArgv(o.argv); },
          [](const AdoptOp& o) {
            return "adopt existing " + o.kind + " " + List(o.names) +
                   (o.ns.empty() ? "" : " in " + o.ns) + " into Helm release " + o.release_ns +
                   "/" + o.release +
                   " (label app.kubernetes.io/managed-by=Helm, annotate "
                   "meta.helm.sh/release-name/-namespace; only objects that exist)";
          },
          [](const WaitConditionOp& o) {
            return "wait ≤ " + Secs(o.timeout_s) + " (one kubectl wait): " + List(o.objects) + " " +
                   o.condition;
          },
          [](const WaitWebhookCaOp& o) {
            return "wait ≤ " + Secs(o.timeout_s) + ": every webhook of " + o.webhook_config +
                   " has a caBundle; on timeout restart deploy/" + List(o.restart) + " in " + o.ns +
                   " once and wait ≤ " + Secs(o.timeout_s) + " again";
          },
          [](const WaitGoneOp& o) {
            std::string what = List(o.objects);
            if (!o.selector.empty()) what += " labelled " + o.selector;
            if (!o.ns.empty()) what += " in " + o.ns;
            std::string out = o.only_if_terminating
                                  ? "if " + what + " is terminating, wait ≤ " + Secs(o.timeout_s) +
                                        " for it to go"
                                  : "wait ≤ " + Secs(o.timeout_s) + " (one kubectl wait): " + what +
                                        " gone (none left is success at once)";
            if (o.force_timeout_s > 0)
              out += "; then force-delete the rest (grace 0) and wait ≤ " + Secs(o.force_timeout_s);
            return out;
          },
          [](const ClearFinalizersOp& o) {
            return "for each kind whose CRD exists (" + List(o.kinds) +
                   "): one kubectl get -o json, patch each object in its namespace "
                   "(metadata.finalizers=[]), then delete --wait=false (W37)";
          },
          [](const DeleteCrdsOp& o) {
            return "delete every CRD named *" + o.suffix + " with --wait=false, then wait ≤ " +
                   Secs(o.timeout_s) + " for them to go";
          },
          [](const DeleteIfManagedOp& o) {
            return "delete " + List(o.objects) + " only when labelled " + o.label;
          },
          [](const DeleteCustomObjectOp& o) {
            return "delete " + o.crd + " " + o.ns + "/" + o.name +
                   " if that CRD exists (nothing to do otherwise)";
          },
          [](const InstallRecordOp& o) {
            std::string out = "record " + std::to_string(o.releases.size()) +
                              " releases this run may install in configmap "
                              "kube-system/platformctl-state (added to what earlier runs "
                              "recorded; delete reads it)";
            if (!o.owner.empty())
              out += "; set owner: " + o.owner + " (apply and delete then refuse with exit 3)";
            return out;
          },
          [](const UninstallRecordedOp& o) {
            return "uninstall the releases of configmap kube-system/platformctl-state that "
                   "no step removes (e.g. hello-web in a former APP_NAMESPACE), each ≤ " +
                   std::to_string(o.timeout_s) + "s";
          },
          [](const HelmReposOp& o) {
            std::string names;
            for (const auto& [name, url] : o.repos)
              names += (names.empty() ? "" : ", ") + name + "=" + url;
            return "helm repositories " + names +
                   ": one helm repo list, helm repo add --force-update for the missing or changed "
                   "ones (" +
                   std::to_string(o.attempts) + " attempts, 2 s apart), one helm repo update";
          },
          [](const ValidateOp&) {
            return std::string(
                "strict validation of the layered config (missing secrets and "
                "unknown keys are errors)");
          },
          [](const WriteStateValuesOp& o) {
            return "write the non-secret state values to " + o.path +
                   " (mode 0600) for helmfile --state-values-file";
          },
          [](const LockOp& o) {
            return "take the run lock " + o.path + " (a second run exits 3 naming the holder)";
          },
          [](const IdentityGuardOp& o) {
            std::string out = o.expected_context.empty()
                                  ? std::string("record the current kube context and server")
                                  : "the kube context is " + o.expected_context;
            if (!o.expected_uid.empty()) out += "; kube-system UID is " + o.expected_uid;
            return out + " (else exit 3 before any change)";
          },
          [](const CheckOp& o) { return o.description; },
          [](const VerifyOp& o) {
            std::string out = "judge " + std::to_string(o.checks.size()) + " check" +
                              (o.checks.size() == 1 ? "" : "s") + " in-process: " + List(o.checks);
            if (!o.queries.empty()) {
              std::vector<std::string> fams;
              for (const auto& q : o.queries) fams.push_back(q.family);
              out += " (reads, each once per run: " + List(fams) + ")";
            }
            return out;
          },
          [](const PackagesOp& o) {
            std::string env;
            for (const auto& e : o.env) env += " " + e.name + "=" + e.literal;
            return "install with " + o.manager + " what is missing of: " + List(o.packages) +
                   " (root). Asks: " + DisplayArgv(o.query) + "; then, only when one is missing: " +
                   (o.refresh.empty() ? "" : DisplayArgv(o.refresh) + "; ") +
                   DisplayArgv(o.install) + " MISSING..." +
                   (env.empty() ? "" : "  [env:" + env + "]");
          },
          [](const RequireCommandsOp& o) {
            return "require on PATH: " +
                   (o.commands.empty() ? std::string("(none)") : List(o.commands));
          },
          [](const K3sInstallOp& o) {
            std::string env;
            for (const auto& e : o.env) env += " " + e.name + "=" + DisplayArg(e.literal);
            return "k3s " + (o.version.empty() ? "from channel " + o.channel : o.version) +
                   " with server flags [" + DisplayArgv(o.flags) + "] (root). Reads back " +
                   o.binary + " --version and " + o.unit + "; when k3s is missing: download " +
                   o.url + " (HTTPS, ≤ 2 MiB" +
                   (o.sha256.empty() ? ", checksum not configured" : ", SHA-256 " + o.sha256) +
                   ") to " + o.installer + " (0755) and run it directly, no shell  [env:" + env +
                   "]; when version or flags differ: show the difference, re-run it only with "
                   "--yes or a typed yes; then wait ≤ 120s for a registered node (" +
                   o.binary + " kubectl get nodes)";
          },
          [](const MergeKubeconfigOp& o) {
            if (o.standalone)
              return "write " + o.source + " to " + o.dest + " (0600) as context " + o.context +
                     " (KUBECONFIG_OUT; backup of an existing file first)";
            return "merge " + o.source + " into " + o.dest + " as context " + o.context +
                   " (cluster, user and context " + o.context +
                   " replaced; other contexts kept; backup " + o.dest +
                   ".platformctl-backup-<UTC> first; 0600; current-context " + o.context +
                   " when the context is new or none is current)";
          },
          [](const SystemdUnitsOp& o) {
            std::string files;
            for (const auto& u : o.units)
              files += (files.empty() ? "" : ", ") + o.dir + "/" + u.name;
            std::string legacy;
            for (const auto& l : o.legacy) legacy += (legacy.empty() ? "" : ", ") + o.dir + "/" + l;
            return "write " + files + " when their content differs (root; marker '" +
                   std::string(kManagedUnitMarker) +
                   "'); when found, disable --now and remove the Bash updater's " + legacy +
                   "; systemctl daemon-reload when anything changed; systemctl enable --now " +
                   o.enable + " unless it is enabled and active";
          },
          [](const RemoveSystemdUnitsOp& o) {
            std::string files;
            for (const auto& u : o.units) files += (files.empty() ? "" : ", ") + o.dir + "/" + u;
            return "systemctl disable --now " + o.disable + ", then remove " + files +
                   " if they carry the marker '" + std::string(kManagedUnitMarker) +
                   "' (root; others left in place; already gone is fine); systemctl daemon-reload "
                   "when one was removed";
          },
          [](const K3sUninstallOp& o) {
            return "run " + o.script +
                   " (root; removes k3s, its data and its kubeconfig; k3s not "
                   "installed: nothing to do)";
          },
          [](const WriteFileOp& o) {
            return "write " + o.path + " (mode " + FileMode(o.mode) + ", " +
                   std::to_string(o.content.size()) + " bytes, sha256 " + ContentHash(o.content) +
                   ")";
          },
      },
      op);
}

namespace {
std::string OpLine(const PlanOp& op) {
  if (const auto* c = std::get_if<CommandOp>(&op)) {
    std::string out = "     $ " + DisplayArgv(c->argv);
    if (!c->env.empty()) {
      std::string names;
      for (const auto& e : c->env) {
        names += (names.empty() ? "" : ",") + e.name;
        if (!e.secret) names += "=" + DisplayArg(e.literal);
      }
      out += "   [env: " + names + "]";
    }
    std::vector<std::string> notes;
    if (c->ok_exit_codes != std::vector<int>{0}) {
      std::string codes;
      for (int x : c->ok_exit_codes) codes += (codes.empty() ? "" : ",") + std::to_string(x);
      notes.push_back("ok exit " + codes);
    }
    if (c->tolerate_failure) notes.push_back("may fail");
    if (c->needs_root) notes.push_back("root");
    if (c->attempts > 1) notes.push_back(std::to_string(c->attempts) + " attempts");
    if (!notes.empty()) out += "   (" + List(notes) + ")";
    return out + "\n";
  }
  std::string out = "     - " + DescribeOp(op) + "\n";
  // A generated file is shown whole: what the dry-run prints is what is written.
  if (const auto* f = std::get_if<WriteFileOp>(&op)) {
    size_t start = 0;
    while (start < f->content.size()) {
      size_t end = f->content.find('\n', start);
      if (end == std::string::npos) end = f->content.size();
      out += "       | " + f->content.substr(start, end - start) + "\n";
      start = end + 1;
    }
  }
  if (const auto* u = std::get_if<SystemdUnitsOp>(&op)) {
    for (const auto& unit : u->units) {
      out += "       " + u->dir + "/" + unit.name + ":\n";
      size_t pos = 0;
      while (pos < unit.content.size()) {
        size_t eol = unit.content.find('\n', pos);
        if (eol == std::string::npos) eol = unit.content.size();
        out += "         | " + unit.content.substr(pos, eol - pos) + "\n";
        pos = eol + 1;
      }
    }
  }
  if (const auto* v = std::get_if<VerifyOp>(&op)) {
    for (const auto& q : v->queries) out += OpLine(q.command);
  }
  return out;
}
}  // namespace

std::string RenderPlanText(const Plan& plan) {
  std::string out;
  std::string title = PlanName(plan);  // "apply", "host-apply", "flux-bootstrap", ...
  std::replace(title.begin(), title.end(), '-', ' ');
  title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
  out += title + " plan";
  out += plan.profile.empty() ? " (no profile)" : " for profile " + plan.profile;
  out +=
      ": " + std::to_string(plan.steps.size()) + (plan.steps.size() == 1 ? " step\n" : " steps\n");
  if (!plan.preflight.empty()) {
    out += "\n== preflight (always runs, whatever --only/--from select) ==\n";
    for (const auto& op : plan.preflight) out += OpLine(op);
  }
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
    for (const auto& op : s.ops) out += OpLine(op);
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
