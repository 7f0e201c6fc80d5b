// Acceptance tests of `platformctl plan` and of the dry-runs of apply and
// delete, which print the very same plan (design doc: "Phases", "Command line",
// "Machine-readable output", "Secrets").
//
// Mostly black-box: the built binary runs in a TempRepo (a copy of config.env
// and profiles/ without the developer's secrets.env) with a controlled
// environment. A few tests call BuildPlan/SelectSteps in-process where that is
// simpler (exhaustive flag combinations, the registry as the oracle).
//
// The JSON checks use a small hand-written validator of the design schema
// (PlanSchemaProblems), not a JSON-schema library; a test feeds it broken
// plans so that it cannot silently accept everything.
#include "platformctl/plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <filesystem>
#include <functional>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "platformctl/config.h"
#include "platformctl/diagnostics.h"
#include "platformctl/registry.h"
#include "test_util.h"

namespace platformctl {
namespace {

using nlohmann::json;
using testing::CliResult;
using testing::RunCli;
using testing::TempRepo;
using Args = std::vector<std::string>;

// The design's phase lists, spelled out here on purpose (not ApplyPhases()):
// the code is checked against the contract, not against itself.
const std::vector<std::string> kDesignApplyPhases = {"host",         "prereqs", "cilium",
                                                     "cert-manager", "issuers", "ingress",
                                                     "platform",     "apps",    "verify"};
const std::vector<std::string> kDesignDeletePhases = {"apps",    "platform",     "ingress",
                                                      "issuers", "cert-manager", "teardown",
                                                      "cilium",  "clean",        "host"};

// ---- helpers ------------------------------------------------------------------

using testing::ShippedProfiles;

Args Cat(Args a, const Args& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

CliResult Cli(const TempRepo& repo, const Args& args,
              const std::map<std::string, std::string>& env = {}) {
  return RunCli(args, repo.Root().string(), env);
}

std::string Describe(const Args& args, const CliResult& r) {
  std::string cmd = "platformctl";
  for (const auto& a : args) cmd += " " + a;
  return cmd + "\n  exit " + std::to_string(r.exit_code) + "\n  stderr: " + r.err.substr(0, 2000);
}

json Parse(const std::string& text) { return json::parse(text, nullptr, false); }

/// A valid env variable name (the env-file grammar's key rule).
bool IsEnvName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])) != 0) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

bool IsNonEmptyString(const json& j, const char* key) {
  return j.contains(key) && j[key].is_string() && !j[key].get<std::string>().empty();
}

long IndexIn(const std::vector<std::string>& list, const std::string& s) {
  auto it = std::find(list.begin(), list.end(), s);
  return it == list.end() ? -1 : static_cast<long>(it - list.begin());
}

/// Every way `j` departs from the design's plan schema; empty when it conforms.
/// Additional fields are allowed (the schema is additive), but the optional
/// ones platformctl emits today are type-checked too.
std::vector<std::string> PlanSchemaProblems(const json& j) {
  std::vector<std::string> p;
  if (!j.is_object()) return {"top level is not an object"};
  if (!j.contains("schemaVersion") || !j["schemaVersion"].is_number_integer() ||
      j["schemaVersion"].get<int>() != 1) {
    p.emplace_back("schemaVersion is not the integer 1");
  }
  std::string mode;
  if (!j.contains("mode") || !j["mode"].is_string() ||
      (j["mode"] != "apply" && j["mode"] != "delete")) {
    p.emplace_back("mode is not \"apply\" or \"delete\"");
  } else {
    mode = j["mode"].get<std::string>();
  }
  if (!j.contains("profile") || !(j["profile"].is_null() || IsNonEmptyString(j, "profile"))) {
    p.emplace_back("profile is neither a non-empty string nor null");
  }
  if (j.contains("withHost") && !j["withHost"].is_boolean()) p.emplace_back("withHost not bool");
  if (!j.contains("steps") || !j["steps"].is_array()) {
    p.emplace_back("steps is not an array");
    return p;
  }
  const auto& phases = mode == "delete" ? kDesignDeletePhases : kDesignApplyPhases;
  long last = 0;
  std::set<std::string> ids;
  for (size_t i = 0; i < j["steps"].size(); ++i) {
    const json& s = j["steps"][i];
    const std::string at = "steps[" + std::to_string(i) + "]";
    if (!s.is_object()) {
      p.push_back(at + " is not an object");
      continue;
    }
    bool fields_ok = true;
    for (const char* key : {"id", "phase", "title", "when"}) {
      if (!IsNonEmptyString(s, key)) {
        p.push_back(at + "." + key + " is not a non-empty string");
        fields_ok = false;
      }
    }
    if (fields_ok) {
      const auto id = s["id"].get<std::string>();
      const auto phase = s["phase"].get<std::string>();
      const std::string prefix = phase + "/";
      if (!id.starts_with(prefix) || id.size() == prefix.size() ||
          id.find_first_of("/ \t", prefix.size()) != std::string::npos) {
        p.push_back(at + ".id " + id + " is not <phase>/<name> with phase " + phase);
      }
      if (!ids.insert(id).second) p.push_back(at + ".id " + id + " is not unique");
      const long idx = mode.empty() ? 0 : IndexIn(phases, phase);
      if (idx < 0) {
        p.push_back(at + ".phase " + phase + " is not a " + mode + " phase");
      } else if (idx < last) {
        p.push_back(at + " (" + id + ") is out of phase order");
      } else {
        last = idx;
      }
    }
    if (!s.contains("commands") || !s["commands"].is_array()) {
      p.push_back(at + ".commands is not an array");
      continue;
    }
    for (size_t c = 0; c < s["commands"].size(); ++c) {
      const json& cmd = s["commands"][c];
      const std::string cat = at + ".commands[" + std::to_string(c) + "]";
      if (!cmd.is_object()) {
        p.push_back(cat + " is not an object");
        continue;
      }
      if (!cmd.contains("argv") || !cmd["argv"].is_array() || cmd["argv"].empty() ||
          !std::all_of(cmd["argv"].begin(), cmd["argv"].end(),
                       [](const json& a) { return a.is_string(); }) ||
          cmd["argv"][0].get<std::string>().empty()) {
        p.push_back(cat + ".argv is not a non-empty array of strings with a program name");
      }
      if (!cmd.contains("env") || !cmd["env"].is_array()) {
        p.push_back(cat + ".env is not an array");
      } else {
        std::set<std::string> seen;
        for (const auto& e : cmd["env"]) {
          if (!e.is_string() || !IsEnvName(e.get<std::string>())) {
            p.push_back(cat + ".env holds " + e.dump() + ", not a variable NAME");
          } else if (!seen.insert(e.get<std::string>()).second) {
            p.push_back(cat + ".env names " + e.dump() + " twice");
          }
        }
      }
      if (cmd.contains("timeoutSeconds") &&
          (!cmd["timeoutSeconds"].is_number_integer() || cmd["timeoutSeconds"].get<int>() <= 0)) {
        p.push_back(cat + ".timeoutSeconds is not a positive integer");
      }
    }
    if (s.contains("actions")) {
      if (!s["actions"].is_array()) p.push_back(at + ".actions is not an array");
      for (const auto& a : s["actions"]) {
        if (!IsNonEmptyString(a, "action") || !IsNonEmptyString(a, "description"))
          p.push_back(at + ".actions[] lacks action/description strings");
      }
    }
    if (s.contains("missingInputs")) {
      for (const auto& m : s["missingInputs"]) {
        if (!m.is_string() || !IsEnvName(m.get<std::string>()))
          p.push_back(at + ".missingInputs holds " + m.dump());
      }
    }
    if (s.contains("aliases")) {
      for (const auto& a : s["aliases"]) {
        if (!a.is_string() || a.get<std::string>().empty())
          p.push_back(at + ".aliases holds " + a.dump());
      }
    }
  }
  return p;
}

std::string JoinLines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += "  " + s + "\n";
  return out;
}

std::vector<std::string> StepIds(const json& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan["steps"]) out.push_back(s["id"].get<std::string>());
  return out;
}

std::vector<std::string> StepIdsInPhase(const json& plan, const std::string& phase) {
  std::vector<std::string> out;
  for (const auto& s : plan["steps"]) {
    if (s["phase"] == phase) out.push_back(s["id"].get<std::string>());
  }
  return out;
}

struct Command {
  std::string step;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  bool operator==(const Command&) const = default;
};

std::string Show(const Command& c) {
  std::string out = c.step + ":";
  for (const auto& a : c.argv) out += " <" + a + ">";
  out += " env=[";
  for (const auto& e : c.env) out += e + ";";
  return out + "]";
}

std::vector<Command> JsonCommands(const json& plan) {
  std::vector<Command> out;
  if (plan.contains("preflight")) {
    for (const auto& c : plan["preflight"]) {
      if (c.value("action", "") != "command") continue;
      out.push_back({"preflight", c["argv"].get<std::vector<std::string>>(),
                     c["env"].get<std::vector<std::string>>()});
    }
  }
  for (const auto& s : plan["steps"]) {
    for (const auto& c : s["commands"]) {
      out.push_back({s["id"].get<std::string>(), c["argv"].get<std::vector<std::string>>(),
                     c["env"].get<std::vector<std::string>>()});
    }
  }
  return out;
}

/// The argv host actions carry (the package query, refresh and install).
std::vector<Command> JsonHostCommands(const json& plan) {
  std::vector<Command> out;
  for (const auto& s : plan["steps"]) {
    for (const auto& a : s.value("actions", json::array())) {
      for (const char* key : {"query", "refresh", "install"}) {
        if (a.contains("params") && a["params"].contains(key) && !a["params"][key].empty())
          out.push_back(
              {s["id"].get<std::string>(), a["params"][key].get<std::vector<std::string>>(), {}});
      }
    }
  }
  return out;
}

/// Splits a displayed command line the way a POSIX shell would for the
/// quoting the text output uses: blanks separate words, '...' is literal,
/// \x outside quotes is x. nullopt on an unterminated quote.
std::optional<std::vector<std::string>> ShellSplit(const std::string& line) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(cur);
      cur.clear();
      in_word = false;
    } else if (c == '\'') {
      const size_t end = line.find('\'', i + 1);
      if (end == std::string::npos) return std::nullopt;
      cur += line.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      cur.push_back(line[++i]);
      in_word = true;
    } else {
      cur.push_back(c);
      in_word = true;
    }
  }
  if (in_word) words.push_back(cur);
  return words;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

/// The commands of a text plan: the `$ ` lines, attributed to the step of the
/// last "N. <id>  <title>" heading, with the "   [env: A,B]" suffix split off.
std::vector<Command> TextCommands(const std::string& text, std::vector<std::string>& step_ids,
                                  std::vector<std::string>& problems) {
  static const std::regex kStep(R"(^(\d+)\. (\S+)  .+$)");
  // "$ ARGV   [env: A,B=literal]   (notes)"; literal values never hold a secret.
  static const std::regex kCmd(
      R"(^     \$ (.*?)(   \[env: ([A-Za-z0-9_]+(=[^,\]]*)?(,[A-Za-z0-9_]+(=[^,\]]*)?)*)\])?(   \(([^()]+)\))?$)");
  std::vector<Command> out;
  std::string step = "preflight";  // commands before the first step heading
  for (const auto& line : Split(text, '\n')) {
    std::smatch m;
    if (std::regex_match(line, m, kStep)) {
      step = m[2];
      step_ids.push_back(step);
      if (m[1] != std::to_string(step_ids.size()))
        problems.push_back("step number " + std::string(m[1]) + " out of sequence: " + line);
    } else if (std::regex_match(line, m, kCmd)) {
      auto argv = ShellSplit(m[1]);
      if (!argv) {
        problems.push_back("unbalanced quote: " + line);
        continue;
      }
      Command c{step, *argv, {}};
      if (m[3].matched) {
        for (auto e : Split(m[3], ',')) c.env.push_back(e.substr(0, e.find('=')));
      }
      out.push_back(std::move(c));
    } else if (line.find("$ ") != std::string::npos && line.starts_with("     $")) {
      problems.push_back("unparsed command line: " + line);
    }
  }
  return out;
}

/// helmfile selectors of the `... --selector S ... apply|sync` commands.
std::set<std::string> SyncSelectors(const json& plan) {
  std::set<std::string> out;
  for (const auto& c : JsonCommands(plan)) {
    if (c.argv.front() != "helmfile" ||
        (c.argv.back() != "sync" &&
         std::find(c.argv.begin(), c.argv.end(), "apply") == c.argv.end()))
      continue;
    auto it = std::find(c.argv.begin(), c.argv.end(), "--selector");
    if (it != c.argv.end() && it + 1 != c.argv.end()) out.insert(*(it + 1));
  }
  return out;
}

/// The config the CLI sees in `repo` (same layers, no process environment).
Config LoadIn(const TempRepo& repo, const std::string& profile, const Args& sets) {
  LoadOptions o;
  o.repo_root = repo.Root().string();
  if (!profile.empty()) o.profile = (repo.Root() / "profiles" / (profile + ".env")).string();
  o.sets = sets;
  o.env = [](const std::string&) { return std::optional<std::string>(); };
  Diagnostics d;
  auto c = LoadConfig(o, d);
  EXPECT_TRUE(c.has_value()) << profile;
  return c ? std::move(*c) : Config::FromValues({});
}

/// Runs `args` with -o json, expects exit 0 and a schema-valid plan.
json PlanJson(const TempRepo& repo, const Args& args) {
  const Args full = Cat(args, {"-o", "json"});
  auto r = Cli(repo, full);
  EXPECT_EQ(r.exit_code, 0) << Describe(full, r);
  json j = Parse(r.out);
  EXPECT_FALSE(j.is_discarded()) << Describe(full, r) << "\nstdout: " << r.out.substr(0, 500);
  if (j.is_discarded()) return json::object({{"steps", json::array()}});
  auto problems = PlanSchemaProblems(j);
  EXPECT_TRUE(problems.empty()) << Describe(full, r) << "\n" << JoinLines(problems);
  return j;
}

std::vector<std::string> SelectedIds(const TempRepo& repo, const Args& args) {
  return StepIds(PlanJson(repo, args));
}

// ---- schema -------------------------------------------------------------------

TEST(PlanSchema, PhaseListsAreTheDesignOnes) {
  std::vector<std::string> apply(ApplyPhases().begin(), ApplyPhases().end());
  std::vector<std::string> del(DeletePhases().begin(), DeletePhases().end());
  EXPECT_EQ(apply, kDesignApplyPhases);
  EXPECT_EQ(del, kDesignDeletePhases);
}

TEST(PlanSchema, EveryShippedProfileApplyAndDeleteMatchesTheDesign) {
  TempRepo repo;
  auto profiles = ShippedProfiles();
  ASSERT_GE(profiles.size(), 5U);
  profiles.emplace_back("");  // no profile: "profile": null
  for (const auto& profile : profiles) {
    for (const Args& mode : {Args{"plan"}, Args{"plan", "--delete"}}) {
      for (const Args& host : {Args{}, Args{"--with-host"}}) {
        Args args = Cat(mode, host);
        if (!profile.empty()) args = Cat(args, {"--profile", profile});
        SCOPED_TRACE(::testing::PrintToString(args));
        json j = PlanJson(repo, args);
        const bool del = mode.size() == 2;
        EXPECT_EQ(j.value("mode", ""), del ? "delete" : "apply");
        if (profile.empty()) {
          EXPECT_TRUE(j["profile"].is_null());
        } else {
          EXPECT_EQ(j["profile"], "profiles/" + profile + ".env");
        }
        ASSERT_FALSE(j["steps"].empty());
        const auto phases = del ? kDesignDeletePhases : kDesignApplyPhases;
        const bool has_host = !StepIdsInPhase(j, "host").empty();
        EXPECT_EQ(has_host, !host.empty());
        if (!del) {
          EXPECT_EQ(j["steps"][0]["phase"], host.empty() ? "prereqs" : "host");
          EXPECT_FALSE(StepIdsInPhase(j, "cert-manager").empty());
          EXPECT_FALSE(StepIdsInPhase(j, "apps").empty());
        } else {
          for (const char* phase : {"apps", "platform", "ingress", "issuers", "cert-manager",
                                    "teardown", "cilium", "clean"}) {
            EXPECT_FALSE(StepIdsInPhase(j, phase).empty()) << phase;
          }
        }
      }
    }
  }
}

TEST(PlanSchema, ValidatorRejectsBrokenPlans) {
  TempRepo repo;
  const json good = PlanJson(repo, {"plan"});
  ASSERT_TRUE(PlanSchemaProblems(good).empty());
  auto broken = [&](const std::function<void(json&)>& mutate) {
    json j = good;
    mutate(j);
    return !PlanSchemaProblems(j).empty();
  };
  EXPECT_TRUE(broken([](json& j) { j["schemaVersion"] = 2; }));
  EXPECT_TRUE(broken([](json& j) { j["schemaVersion"] = "1"; }));
  EXPECT_TRUE(broken([](json& j) { j["mode"] = "destroy"; }));
  EXPECT_TRUE(broken([](json& j) { j["profile"] = 3; }));
  EXPECT_TRUE(broken([](json& j) { j.erase("steps"); }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["when"] = ""; }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0].erase("title"); }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["id"] = "cilium/tools"; }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["id"] = "prereqs/"; }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][1]["id"] = j["steps"][0]["id"]; }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["phase"] = "teardown"; }));
  EXPECT_TRUE(broken([](json& j) { std::swap(j["steps"][0], j["steps"][j["steps"].size() - 1]); }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["commands"][0]["argv"] = json::array(); }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["commands"][0]["argv"] = {"", "x"}; }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["commands"][0]["argv"] = {"a", 1}; }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["commands"][0]["env"] = {"A=secret"}; }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["commands"][0]["env"] = {"1X"}; }));
  EXPECT_TRUE(broken([](json& j) { j["steps"][0]["commands"][0].erase("env"); }));
  EXPECT_TRUE(broken([](json& j) { j["mode"] = "delete"; }));  // apply phases in delete order
}

// Every combination of the plan-shaping flags, in-process: the plan is
// schema-valid (phases in design order), each helmfile release is synced at
// most once, and delete removes the same steps whatever today's flags (W43).
// Delete is checked on every 8th combination only, to keep the test quick.
TEST(PlanSchema, AllFlagCombinationsInProcess) {
  // Each bit flips a group of keys.
  const std::vector<std::vector<std::string>> bits = {
      {"FEAT_CILIUM"}, {"FEAT_OAUTH2_PROXY"}, {"FEAT_CLICKSTACK", "FEAT_OTEL_K8S"},
      {"FEAT_MINIO"},  {"FEAT_VERIFY"},       {"FEAT_VERIFY_DEEP"}};
  // Switches that only change operations flip with the parity of the mask.
  const std::vector<std::string> ops_only = {"CILIUM_DELETE_CRDS", "CM_DELETE_CRDS",
                                             "CILIUM_SKIP_FLANNEL_CHECK",
                                             "HELMFILE_SERVER_DRY_RUN"};
  const size_t n = bits.size();
  std::vector<std::string> delete_ids;
  int plans = 0;
  for (unsigned mask = 0; mask < (1U << (n + 2)); ++mask) {
    std::map<std::string, std::string> values;
    for (size_t b = 0; b < n; ++b) {
      for (const auto& key : bits[b]) values[key] = (mask >> b) & 1U ? "true" : "false";
    }
    for (const auto& key : ops_only) values[key] = std::popcount(mask) % 2 ? "true" : "false";
    values["INGRESS_PROVIDER"] = (mask >> n) & 1U ? "traefik" : "nginx";
    values["OBJECT_STORAGE_PROVIDER"] = (mask >> (n + 1)) & 1U ? "ceph" : "minio";
    const Config config = Config::FromValues(values);
    for (auto mode : {PlanMode::kApply, PlanMode::kDelete}) {
      if (mode == PlanMode::kDelete && mask % 8 != 0) continue;
      for (bool host : {false, true}) {
        PlanOptions o;
        o.mode = mode;
        o.with_host = host;
        const Plan plan = BuildPlan(config, o);
        const json j = Parse(RenderPlanJson(plan));
        ++plans;
        auto problems = PlanSchemaProblems(j);
        ASSERT_TRUE(problems.empty()) << ::testing::PrintToString(values) << "\n"
                                      << JoinLines(problems);
        std::multiset<std::string> selectors;
        for (const auto& c : JsonCommands(j)) {
          auto it = std::find(c.argv.begin(), c.argv.end(), "--selector");
          if (c.argv[0] == "helmfile" && it != c.argv.end()) selectors.insert(*(it + 1));
        }
        for (const auto& s : selectors) EXPECT_EQ(selectors.count(s), 1U) << s;
        if (mode == PlanMode::kDelete && !host) {
          if (delete_ids.empty()) delete_ids = StepIds(j);
          EXPECT_EQ(StepIds(j), delete_ids) << ::testing::PrintToString(values);
        }
      }
    }
  }
  EXPECT_EQ(plans, (2 << (n + 2)) + (2 << (n + 2)) / 8);
}

// ---- order --------------------------------------------------------------------

TEST(PlanOrder, DeleteRunsTeardownThenCiliumThenCleanThenHost) {
  TempRepo repo;
  for (const Args& extra : {Args{"--profile", "overlay-staging"}, Args{"--profile", "minimal"},
                            Args{"--set", "FEAT_CILIUM=false"},
                            Args{"--set", "K3S_UNINSTALL=true", "--profile", "provider-traefik"}}) {
    SCOPED_TRACE(::testing::PrintToString(extra));
    const json j = PlanJson(repo, Cat({"plan", "--delete", "--with-host"}, extra));
    std::vector<std::string> phases;
    for (const auto& s : j["steps"]) phases.push_back(s["phase"].get<std::string>());
    auto first = [&](const std::string& p) { return IndexIn(phases, p); };
    auto last = [&](const std::string& p) {
      auto it = std::find(phases.rbegin(), phases.rend(), p);
      return it == phases.rend() ? -1L : static_cast<long>(phases.rend() - it - 1);
    };
    ASSERT_GE(first("teardown"), 0);
    ASSERT_GE(first("cilium"), 0) << "cilium is removed whatever FEAT_CILIUM says (W43)";
    EXPECT_LT(last("teardown"), first("cilium"));
    const long clean = IndexIn(StepIds(j), "clean/verify");
    ASSERT_GE(clean, 0);
    EXPECT_GT(clean, last("cilium"));
    ASSERT_GE(first("host"), 0);
    EXPECT_GT(first("host"), clean);
    EXPECT_EQ(last("host"), static_cast<long>(phases.size()) - 1);
    for (size_t i = static_cast<size_t>(first("host")); i < phases.size(); ++i)
      EXPECT_EQ(phases[i], "host") << "host must be last";
    // Namespaces go before the gate, the gate before Cilium.
    EXPECT_LT(IndexIn(StepIds(j), "teardown/namespaces"), IndexIn(StepIds(j), "teardown/gate"));
    if (extra.front() == "--set" && extra[1] == "K3S_UNINSTALL=true") {
      EXPECT_EQ(StepIds(j).back(), "host/k3s");
    }
  }
}

TEST(PlanOrder, ApplyWithHostStartsWithHostAndRunHostLayerIsTheSame) {
  TempRepo repo;
  const json j = PlanJson(repo, {"plan", "--with-host", "--profile", "overlay-staging"});
  std::vector<std::string> phases;
  for (const auto& s : j["steps"]) phases.push_back(s["phase"].get<std::string>());
  const auto host = StepIdsInPhase(j, "host");
  ASSERT_FALSE(host.empty());
  for (size_t i = 0; i < host.size(); ++i) EXPECT_EQ(phases[i], "host");
  EXPECT_EQ(std::count(phases.begin(), phases.end(), "host"), static_cast<long>(host.size()));
  EXPECT_EQ(j["steps"][host.size()]["phase"], "prereqs");
  EXPECT_TRUE(StepIdsInPhase(PlanJson(repo, {"plan"}), "host").empty());
  EXPECT_TRUE(StepIdsInPhase(PlanJson(repo, {"plan", "--delete"}), "host").empty());

  auto a = Cli(repo, {"plan", "--with-host", "-o", "json"});
  auto b = Cli(repo, {"plan", "--set", "RUN_HOST_LAYER=true", "-o", "json"});
  EXPECT_EQ(a.exit_code, 0);
  EXPECT_EQ(a.out, b.out) << "RUN_HOST_LAYER=true must equal --with-host";
}

// ---- providers ----------------------------------------------------------------

TEST(ProviderMatrix, ShippedTraefikAndCephProfiles) {
  TempRepo repo;
  int traefik = 0;
  int ceph = 0;
  for (const auto& profile : ShippedProfiles()) {
    SCOPED_TRACE(profile);
    const Config config = LoadIn(repo, profile, {});
    for (const Args& mode : {Args{"plan"}, Args{"plan", "--delete"}}) {
      const json j = PlanJson(repo, Cat(mode, {"--profile", profile}));
      const std::string dump = j.dump();
      const auto ids = StepIds(j);
      const bool apply = mode.size() == 1;
      if (config.Get("INGRESS_PROVIDER") == "traefik") {
        traefik += apply ? 1 : 0;
        EXPECT_EQ(dump.find("component=ingress-nginx"), std::string::npos);
        if (apply) {
          EXPECT_NE(IndexIn(ids, "ingress/traefik"), -1);
          EXPECT_EQ(IndexIn(ids, "ingress/ingress-nginx"), -1);
          EXPECT_EQ(dump.find("helm repo add ingress-nginx"), std::string::npos);
          // Only the step that removes the disabled ingress-nginx names it.
          for (const auto& c : JsonCommands(j)) {
            if (c.step == "ingress/remove-ingress-nginx") {
              EXPECT_EQ(c.argv[1], "uninstall") << Show(c);
              continue;
            }
            EXPECT_EQ(std::find(c.argv.begin(), c.argv.end(), "ingress-nginx"), c.argv.end())
                << Show(c);
          }
        }
      } else if (apply) {
        EXPECT_NE(IndexIn(ids, "ingress/ingress-nginx"), -1);
        EXPECT_EQ(IndexIn(ids, "ingress/traefik"), -1);
      }
      if (config.Get("OBJECT_STORAGE_PROVIDER") == "ceph") {
        ceph += apply ? 1 : 0;
        EXPECT_EQ(dump.find("component=minio"), std::string::npos);
        if (apply) {
          EXPECT_EQ(IndexIn(ids, "platform/minio"), -1);
          for (const auto& c : JsonCommands(j)) {
            EXPECT_EQ(std::find(c.argv.begin(), c.argv.end(), "MINIO_ROOT_PASSWORD"), c.argv.end());
            EXPECT_EQ(std::find(c.env.begin(), c.env.end(), "MINIO_ROOT_PASSWORD"), c.env.end())
                << Show(c);
          }
        }
      }
    }
  }
  EXPECT_GE(traefik, 1) << "no shipped traefik profile: the check above is vacuous";
  EXPECT_GE(ceph, 1) << "no shipped ceph profile: the check above is vacuous";
}

TEST(ProviderMatrix, HelmfileSelectorsEqualTheRegistry) {
  TempRepo repo;
  for (const char* ingress : {"nginx", "traefik"}) {
    for (const char* storage : {"minio", "ceph"}) {
      for (const char* minio : {"true", "false"}) {
        const Args sets = {std::string("INGRESS_PROVIDER=") + ingress,
                           std::string("OBJECT_STORAGE_PROVIDER=") + storage,
                           std::string("FEAT_MINIO=") + minio};
        SCOPED_TRACE(::testing::PrintToString(sets));
        Args args = {"plan"};
        for (const auto& s : sets) args = Cat(args, {"--set", s});
        const auto got = SyncSelectors(PlanJson(repo, args));

        const Config config = LoadIn(repo, "", sets);
        std::set<std::string> want;
        for (const auto& c : Components()) {
          if (!c.selector.empty() && IsEnabled(c, config)) want.insert(std::string(c.selector));
        }
        for (const char* always : {"component=platform-namespaces", "component=cert-manager",
                                   "component=platform-issuers", "component=apps-hello"}) {
          EXPECT_TRUE(want.contains(always)) << always;
        }
        EXPECT_EQ(want.contains("component=ingress-nginx"), std::string(ingress) == "nginx");
        EXPECT_EQ(want.contains("component=minio"),
                  std::string(storage) == "minio" && std::string(minio) == "true");
        EXPECT_EQ(got, want);
      }
    }
  }
}

// ---- equivalence --------------------------------------------------------------

TEST(Equivalence, PlanEqualsApplyDryRunByteForByte) {
  TempRepo repo;
  const std::vector<Args> selections = {{},
                                        {"--only", "31"},
                                        {"--from", "platform"},
                                        {"--with-host"},
                                        {"--with-host", "--only", "host,verify"},
                                        {"--only", "cert-manager/install,apps", "--from", "31"},
                                        {"--kubeconfig", "/tmp/k c/kube.yaml", "--context", "lab"}};
  for (const char* profile : {"overlay-staging", "minimal", "provider-traefik-ceph", ""}) {
    for (const auto& sel : selections) {
      for (const char* format : {"text", "json", "yaml"}) {
        Args tail = Cat(sel, {"-o", format});
        if (*profile != '\0') tail = Cat(tail, {"--profile", profile});
        const Args plan = Cat({"plan"}, tail);
        const Args dry = Cat({"apply", "--dry-run"}, tail);
        auto a = Cli(repo, plan);
        auto b = Cli(repo, dry);
        ASSERT_EQ(a.exit_code, 0) << Describe(plan, a);
        ASSERT_EQ(b.exit_code, 0) << Describe(dry, b);
        EXPECT_FALSE(a.out.empty());
        EXPECT_EQ(a.out, b.out) << Describe(dry, b);
      }
    }
  }
}

TEST(Equivalence, PlanDeleteEqualsDeleteDryRunByteForByte) {
  TempRepo repo;
  for (const char* profile : {"overlay-staging", "minimal", "provider-traefik"}) {
    for (const Args& sel :
         {Args{}, Args{"--with-host"}, Args{"--only", "teardown,26"}, Args{"--context", "c"}}) {
      for (const char* format : {"text", "json", "yaml"}) {
        const Args tail = Cat(sel, {"-o", format, "--profile", profile});
        const Args plan = Cat({"plan", "--delete"}, tail);
        const Args dry = Cat({"delete", "--dry-run"}, tail);
        auto a = Cli(repo, plan);
        auto b = Cli(repo, dry);
        ASSERT_EQ(a.exit_code, 0) << Describe(plan, a);
        ASSERT_EQ(b.exit_code, 0) << Describe(dry, b);
        EXPECT_EQ(a.out, b.out) << Describe(dry, b);
      }
    }
  }
}

TEST(Equivalence, TextListsTheSameArgvAsJson) {
  TempRepo repo;
  // A kubeconfig path with a space and a quote exercises the display quoting.
  const Args weird = {"--kubeconfig", "/tmp/my kube/it's.yaml", "--context", "lab ctx"};
  for (const Args& base :
       {Args{"plan"}, Args{"plan", "--delete"}, Args{"plan", "--with-host"},
        Args{"plan", "--delete", "--with-host"}, Cat({"plan", "--with-host"}, weird),
        Cat({"plan", "--delete"}, weird), Args{"plan", "--set", "FEAT_VERIFY_DEEP=true"}}) {
    for (const char* profile : {"overlay-staging", "minimal", "provider-traefik-ceph"}) {
      const Args args = Cat(base, {"--profile", profile});
      SCOPED_TRACE(::testing::PrintToString(args));
      const json j = PlanJson(repo, args);
      auto text = Cli(repo, args);
      ASSERT_EQ(text.exit_code, 0) << Describe(args, text);
      std::vector<std::string> text_ids;
      std::vector<std::string> problems;
      const auto from_text = TextCommands(text.out, text_ids, problems);
      EXPECT_TRUE(problems.empty()) << JoinLines(problems);
      EXPECT_EQ(text_ids, StepIds(j));
      const auto from_json = JsonCommands(j);
      ASSERT_EQ(from_text.size(), from_json.size());
      for (size_t i = 0; i < from_json.size(); ++i) {
        EXPECT_EQ(from_text[i], from_json[i])
            << "text: " << Show(from_text[i]) << "\njson: " << Show(from_json[i]);
      }
      const std::string header = text.out.substr(0, text.out.find('\n'));
      EXPECT_NE(header.find("profiles/" + std::string(profile) + ".env"), std::string::npos)
          << header;
      EXPECT_NE(header.find(std::to_string(j["steps"].size()) + " steps"), std::string::npos)
          << header;
    }
  }
}

TEST(Equivalence, ShellSplitUndoesTheDisplayQuoting) {
  EXPECT_EQ(ShellSplit("a 'b c' 'it'\\''s' d"),
            (std::vector<std::string>{"a", "b c", "it's", "d"}));
  EXPECT_EQ(ShellSplit("''"), (std::vector<std::string>{""}));
  EXPECT_FALSE(ShellSplit("'open").has_value());
}

// ---- secrets ------------------------------------------------------------------

// Distinctive values: none of them occurs in any plan by accident.
const std::map<std::string, std::string> kSecrets = {
    {"OIDC_CLIENT_SECRET", "oidcSECRETq7Zt3v9Kx"},
    {"OAUTH_COOKIE_SECRET", "ckSECRETw4Rj8Lm2Qp6Ty0Uv5Xb1Nc3D"},  // 32 characters
    {"MINIO_ROOT_PASSWORD", "minioSECRETh5Gd2Sa8Jk"},
    {"CLICKSTACK_API_KEY", "apiSECRETf1Hy7Ub4Wn"},
    {"CLICKSTACK_INGESTION_KEY", "ingestSECRETr9Tm6Ce3Vq"},
    {"AWS_ACCESS_KEY_ID", "FAKEKEYIDZ3XQ8V4KM2X"},
    {"AWS_SECRET_ACCESS_KEY", "awsSECRETp2Lk/9Hd+Ye5Wq7Rt4Nb"},
};

void WriteSecrets(const TempRepo& repo) {
  std::string text =
      "ACME_EMAIL=ops@example.org\nOIDC_ISSUER=https://idp.example.org\n"
      "OIDC_CLIENT_ID=platform\nOAUTH_EMAIL_DOMAINS=example.org\nAWS_ZONE_ID=Z123EXAMPLE\n";
  for (const auto& [k, v] : kSecrets) text += k + "=" + v + "\n";
  repo.Write("profiles/secrets.env", text);
}

TEST(Secrets, NeverPrintedByAnyPlanOutput) {
  ASSERT_EQ(kSecrets.at("OAUTH_COOKIE_SECRET").size(), 32U);
  TempRepo repo;
  WriteSecrets(repo);
  int runs = 0;
  auto check = [&](const Args& args, const std::map<std::string, std::string>& env) {
    auto r = Cli(repo, args, env);
    ++runs;
    EXPECT_EQ(r.exit_code, 0) << Describe(args, r);
    EXPECT_FALSE(r.out.empty()) << Describe(args, r);
    for (const auto& [key, value] : kSecrets) {
      EXPECT_EQ(r.out.find(value), std::string::npos)
          << key << " on stdout of " << Describe(args, r);
      EXPECT_EQ(r.err.find(value), std::string::npos)
          << key << " on stderr of " << Describe(args, r);
    }
  };
  for (const Args& cmd : {Args{"plan"}, Args{"plan", "--delete"}, Args{"apply", "--dry-run"},
                          Args{"delete", "--dry-run"}}) {
    for (const char* format : {"text", "json", "yaml"}) {
      for (const Args& host : {Args{}, Args{"--with-host"}}) {
        for (const char* profile : {"overlay-staging", "provider-traefik-ceph", "minimal"}) {
          check(Cat(Cat(cmd, host), {"-o", format, "--profile", profile, "-v"}), {});
        }
      }
    }
  }
  // Secrets from the process environment and --set are never printed either.
  std::map<std::string, std::string> env;
  for (const auto& [k, v] : kSecrets) env[k] = v;
  Args sets = {"plan", "--with-host", "-o", "json"};
  for (const auto& [k, v] : kSecrets) sets = Cat(sets, {"--set", k + "=" + v});
  check({"plan", "--with-host"}, env);
  check({"apply", "--dry-run", "-o", "yaml", "--with-host"}, env);
  check(sets, {});
  EXPECT_EQ(runs, 4 * 3 * 2 * 3 + 3);
}

TEST(Secrets, NamesReachTheStepsThatNeedThem) {
  TempRepo repo;
  WriteSecrets(repo);
  auto r = Cli(repo, {"plan", "--profile", "overlay-staging"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err.find("will need"), std::string::npos) << "all inputs are set, yet plan warns:\n"
                                                        << r.err;

  const json j = PlanJson(repo, {"plan", "--profile", "overlay-staging"});
  std::map<std::string, std::set<std::string>> env_of;  // step -> env names of its commands
  for (const auto& c : JsonCommands(j)) env_of[c.step].insert(c.env.begin(), c.env.end());
  for (const auto& s : j["steps"]) EXPECT_FALSE(s.contains("missingInputs")) << s["id"];

  const std::map<std::string, std::vector<std::string>> want = {
      {"platform/oauth2-proxy", {"OIDC_CLIENT_SECRET", "OAUTH_COOKIE_SECRET"}},
      {"platform/clickstack", {"CLICKSTACK_API_KEY"}},
      {"platform/otel-daemonset", {"CLICKSTACK_INGESTION_KEY"}},
      {"platform/otel-cluster", {"CLICKSTACK_INGESTION_KEY"}},
      {"platform/minio", {"MINIO_ROOT_PASSWORD"}},
      {"verify/drift",
       {"OIDC_CLIENT_SECRET", "OAUTH_COOKIE_SECRET", "CLICKSTACK_API_KEY",
        "CLICKSTACK_INGESTION_KEY", "MINIO_ROOT_PASSWORD"}},
  };
  for (const auto& [step, names] : want) {
    for (const auto& n : names) EXPECT_TRUE(env_of[step].contains(n)) << step << " lacks " << n;
  }
  // Generic: the helmfile sync of each component passes exactly its registry secrets.
  for (const auto& s : j["steps"]) {
    if (!s.contains("component")) continue;
    const Component* c = FindComponent(s["component"].get<std::string>());
    ASSERT_NE(c, nullptr) << s["component"];
    for (const auto& cmd : s["commands"]) {
      if (cmd["argv"][0] != "helmfile") continue;
      std::set<std::string> got = cmd["env"].get<std::set<std::string>>();
      std::set<std::string> expected(c->secrets.begin(), c->secrets.end());
      EXPECT_EQ(got, expected) << s["id"];
    }
  }
  // Nothing but a step's own component secrets reaches it.
  EXPECT_FALSE(env_of["platform/clickstack"].contains("MINIO_ROOT_PASSWORD"));
  EXPECT_FALSE(env_of["apps/hello-web"].contains("OIDC_CLIENT_SECRET"));
}

TEST(Secrets, MissingSecretsWarnNamingTheStepAndStillPlan) {
  TempRepo repo;  // no profiles/secrets.env
  auto r = Cli(repo, {"plan", "--profile", "overlay-staging"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("platform/oauth2-proxy"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("OIDC_CLIENT_SECRET"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("platform/minio"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("! needs"), std::string::npos);
  const json j = PlanJson(repo, {"plan", "--profile", "overlay-staging"});
  bool found = false;
  for (const auto& s : j["steps"]) {
    if (s["id"] != "platform/oauth2-proxy") continue;
    found = true;
    ASSERT_TRUE(s.contains("missingInputs"));
    auto missing = s["missingInputs"].get<std::vector<std::string>>();
    EXPECT_NE(std::find(missing.begin(), missing.end(), "OAUTH_COOKIE_SECRET"), missing.end());
  }
  EXPECT_TRUE(found);
  // The dry-runs behave the same; --quiet drops the warnings but not the plan.
  auto dry = Cli(repo, {"apply", "--dry-run", "--profile", "overlay-staging"});
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_NE(dry.err.find("platform/oauth2-proxy"), std::string::npos);
  auto quiet = Cli(repo, {"plan", "-q", "--profile", "overlay-staging"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err.find("platform/oauth2-proxy"), std::string::npos) << quiet.err;
  EXPECT_EQ(quiet.out, r.out);
}

// ---- --kubeconfig / --context ---------------------------------------------------

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}
bool HasPair(const std::vector<std::string>& v, const std::string& flag, const std::string& value) {
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    if (v[i] == flag && v[i + 1] == value) return true;
  }
  return false;
}

/// argv without the global cluster flags (--kubeconfig X, --context X, --kube-context X).
std::vector<std::string> WithoutClusterFlags(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  for (size_t i = 0; i < argv.size(); ++i) {
    const bool flag = argv[i] == "--kubeconfig" || argv[i] == "--kube-context" ||
                      (argv[i] == "--context" && argv[0] != "helmfile");
    if (flag && i + 1 < argv.size()) {
      ++i;
    } else {
      out.push_back(argv[i]);
    }
  }
  return out;
}

enum class Talks { kCluster, kLocal, kNotKube };

/// Whether a command talks to the cluster. `helm repo|version|plugin`,
/// `kubectl version --client` and `helmfile --version` are local;
/// systemctl, apt-get, sh, ... are not Kubernetes tools at all.
Talks Classify(const std::vector<std::string>& argv) {
  const auto a = WithoutClusterFlags(argv);
  const std::string& tool = a[0];
  const std::string sub = a.size() > 1 ? a[1] : "";
  if (tool == "helm") {
    return sub == "repo" || sub == "version" || sub == "plugin" ? Talks::kLocal : Talks::kCluster;
  }
  if (tool == "kubectl")
    return sub == "version" && Has(a, "--client") ? Talks::kLocal : Talks::kCluster;
  if (tool == "helmfile") return sub == "--version" ? Talks::kLocal : Talks::kCluster;
  return Talks::kNotKube;
}

// The design: "--kubeconfig FILE, --context NAME passed to every
// kubectl/helm/helmfile call" (kubectl --context, helm/helmfile --kube-context).
// Commands that talk to a cluster must carry both, exactly once. Local ones
// (helm repo/version/plugin, kubectl version --client, helmfile --version)
// may carry them or not, since the flags are harmless there, but when they do,
// they carry both, correctly spelt. Non-Kubernetes tools never do.
void ExpectClusterFlags(const Command& c, const std::string& k, const std::string& ctx) {
  SCOPED_TRACE(Show(c));
  const std::string& tool = c.argv[0];
  const Talks talks = Classify(c.argv);
  const std::string ctx_flag = tool == "kubectl" ? "--context" : "--kube-context";
  if (talks == Talks::kNotKube) {
    EXPECT_FALSE(Has(c.argv, "--kubeconfig"));
    EXPECT_FALSE(Has(c.argv, "--kube-context"));
    EXPECT_FALSE(Has(c.argv, "--context"));
    return;
  }
  const bool any = Has(c.argv, "--kubeconfig") || Has(c.argv, ctx_flag);
  if (talks == Talks::kLocal && !any) return;
  EXPECT_EQ(std::count(c.argv.begin(), c.argv.end(), "--kubeconfig"), 1);
  EXPECT_TRUE(HasPair(c.argv, "--kubeconfig", k));
  EXPECT_EQ(std::count(c.argv.begin(), c.argv.end(), ctx_flag), 1);
  EXPECT_TRUE(HasPair(c.argv, ctx_flag, ctx));
  if (tool == "kubectl") {
    EXPECT_FALSE(Has(c.argv, "--kube-context"));
    EXPECT_EQ(c.argv[1], "--kubeconfig") << "global flags right after kubectl";
  }
  if (tool == "helm") {
    EXPECT_FALSE(Has(c.argv, "--context"));
    EXPECT_EQ(c.argv[1], "--kubeconfig") << "global flags right after helm";
  }
  if (tool == "helmfile") {
    // Global helmfile flags go before the subcommand (--context after `diff`
    // is helmfile diff's own option: lines of context).
    auto sub = std::find_if(c.argv.begin(), c.argv.end(), [](const std::string& a) {
      return a == "sync" || a == "apply" || a == "diff" || a == "--version";
    });
    ASSERT_NE(sub, c.argv.end());
    EXPECT_LT(std::find(c.argv.begin(), c.argv.end(), "--kube-context"), sub);
    EXPECT_LT(std::find(c.argv.begin(), c.argv.end(), "--kubeconfig"), sub);
  }
}

TEST(ClusterFlags, KubeconfigAndContextReachEveryClusterCommand) {
  TempRepo repo;
  const std::string k = "/etc/platform/kube config.yaml";
  const std::string ctx = "lab-ctx";
  std::map<Talks, int> seen;
  for (const Args& mode : {Args{"plan", "--with-host"}, Args{"plan", "--delete", "--with-host"}}) {
    for (const char* profile : {"overlay-staging", "provider-traefik-ceph"}) {
      const Args args =
          Cat(mode, {"--kubeconfig", k, "--context", ctx, "--profile", profile, "--set",
                     "FEAT_VERIFY_DEEP=true", "--set", "K3S_UNINSTALL=true"});
      const json plan = PlanJson(repo, args);
      for (const auto& c : JsonCommands(plan)) {
        ++seen[Classify(c.argv)];
        ExpectClusterFlags(c, k, ctx);
      }
      for (const auto& c : JsonHostCommands(plan)) {
        ++seen[Classify(c.argv)];
        ExpectClusterFlags(c, k, ctx);
      }
    }
  }
  EXPECT_GE(seen[Talks::kCluster], 40);
  EXPECT_GE(seen[Talks::kLocal], 4);
  EXPECT_GE(seen[Talks::kNotKube], 4);
}

TEST(ClusterFlags, AbsentWithoutTheGlobalFlags) {
  TempRepo repo;
  for (const Args& mode : {Args{"plan", "--with-host"}, Args{"plan", "--delete", "--with-host"}}) {
    for (const auto& c : JsonCommands(PlanJson(repo, mode))) {
      EXPECT_FALSE(Has(c.argv, "--kubeconfig")) << Show(c);
      EXPECT_FALSE(Has(c.argv, "--kube-context")) << Show(c);
      if (c.argv[0] != "helmfile") {
        EXPECT_FALSE(Has(c.argv, "--context")) << Show(c);
      }
    }
  }
}

// ---- --only / --from ------------------------------------------------------------

TEST(Selection, SeedNumbersPhasesIdsAndNames) {
  TempRepo repo;
  using V = std::vector<std::string>;
  const V all = SelectedIds(repo, {"plan"});
  const V platform = StepIdsInPhase(PlanJson(repo, {"plan"}), "platform");
  ASSERT_GE(platform.size(), 4U);

  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "31"}),
            (V{"cert-manager/install", "issuers/install", "ingress/ingress-nginx"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "31", "--profile", "provider-traefik"}),
            (V{"cert-manager/install", "issuers/install", "ingress/traefik"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "36"}), platform);
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "platform"}), platform);
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "26"}),
            (V{"cilium/flannel-guard", "cilium/install"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "75"}), (V{"apps/hello-web"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "hello-web"}), (V{"apps/hello-web"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "apps/hello-web"}), (V{"apps/hello-web"}));
  // Plan order, whatever the order of the tokens; duplicates select once.
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "apps,issuers/install,cert-manager,75"}),
            (V{"cert-manager/install", "issuers/install", "apps/hello-web"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "verify, prereqs/tools"}),
            (V{"prereqs/tools", "verify/platform-state", "verify/drift"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only", "oauth2-proxy,drift"}),
            (V{"platform/oauth2-proxy", "verify/drift"}));
  // A bare name that names several steps is ambiguous: exit 2 naming them.
  auto ambiguous = Cli(repo, {"plan", "--only", "install"});
  EXPECT_EQ(ambiguous.exit_code, 2);
  EXPECT_NE(ambiguous.err.find("ambiguous"), std::string::npos) << ambiguous.err;
  EXPECT_NE(ambiguous.err.find("cert-manager/install"), std::string::npos) << ambiguous.err;
  // Everything selected by phase names equals the whole plan.
  EXPECT_EQ(SelectedIds(repo, {"plan", "--only",
                               "prereqs,cilium,cert-manager,issuers,ingress,platform,apps,verify"}),
            all);
  EXPECT_EQ(SelectedIds(repo, {"plan", "--with-host", "--only", "host"}),
            (V{"host/packages", "host/dns", "host/k3s"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--with-host", "--only", "k3s"}), (V{"host/k3s"}));
}

TEST(Selection, FromStartsAtTheFirstMatchingStep) {
  TempRepo repo;
  using V = std::vector<std::string>;
  const V all = SelectedIds(repo, {"plan"});
  auto suffix = [&](const std::string& id) {
    auto it = std::find(all.begin(), all.end(), id);
    EXPECT_NE(it, all.end()) << id;
    return V(it, all.end());
  };
  EXPECT_EQ(SelectedIds(repo, {"plan", "--from", "platform"}), suffix("platform/oauth2-proxy"));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--from", "36"}), suffix("platform/oauth2-proxy"));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--from", "31"}), suffix("cert-manager/install"));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--from", "issuers/install"}), suffix("issuers/install"));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--from", "hello-web"}), suffix("apps/hello-web"));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--from", "prereqs"}), all);
  EXPECT_EQ(
      SelectedIds(repo, {"plan", "--from", "cert-manager", "--only", "31,75"}),
      (V{"cert-manager/install", "issuers/install", "ingress/ingress-nginx", "apps/hello-web"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--from", "apps", "--only", "cilium"}), V{});
  // --from a phase the config leaves out starts at the next phase present.
  EXPECT_EQ(SelectedIds(repo, {"plan", "--from", "cilium", "--set", "FEAT_CILIUM=false"}),
            suffix("cert-manager/install"));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--from", "26", "--set", "FEAT_CILIUM=false"}),
            suffix("cert-manager/install"));
  // apply --dry-run takes the same selection.
  auto a = Cli(repo, {"apply", "--dry-run", "--from", "36", "-o", "json"});
  EXPECT_EQ(a.exit_code, 0);
  EXPECT_EQ(StepIds(Parse(a.out)), suffix("platform/oauth2-proxy"));
}

TEST(Selection, DeleteSelection) {
  TempRepo repo;
  using V = std::vector<std::string>;
  EXPECT_EQ(SelectedIds(repo, {"plan", "--delete", "--only", "26"}), (V{"cilium/remove"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--delete", "--only", "cilium,teardown"}),
            (V{"teardown/namespaces-release", "teardown/secrets", "teardown/namespaces",
               "teardown/gate", "cilium/remove"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--delete", "--only", "31"}),
            (V{"ingress/remove", "issuers/remove", "cert-manager/remove"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--delete", "--only", "75"}), (V{"apps/hello-web"}));
  EXPECT_EQ(SelectedIds(repo, {"plan", "--delete", "--only", "clean/verify"}), (V{"clean/verify"}));
  auto d = Cli(repo, {"delete", "--dry-run", "--only", "teardown", "-o", "json"});
  EXPECT_EQ(d.exit_code, 0) << d.err;
  EXPECT_EQ(StepIds(Parse(d.out)),
            StepIdsInPhase(PlanJson(repo, {"plan", "--delete"}), "teardown"));
}

TEST(Selection, UnknownTokensExitTwoListingTheValidChoices) {
  TempRepo repo;
  const std::vector<Args> bad = {
      {"plan", "--only", "99x"},
      {"plan", "--only", "nope"},
      {"plan", "--from", "bogus"},
      {"plan", "--only", ","},
      {"plan", "--only", "31,nope"},
      {"plan", "--only", "cert-manager/nope"},
      {"plan", "--only", "teardown"},  // a delete phase in an apply plan
      {"plan", "-o", "json", "--only", "nope"},
      {"apply", "--dry-run", "--only", "nope"},
      {"apply", "--dry-run", "--from", "bogus"},
      {"plan", "--delete", "--only", "nope"},
      {"plan", "--delete", "--only", "cert-manager/install"},  // an apply step in a delete plan
      {"delete", "--dry-run", "--only", "99x"},
      {"plan", "--only", "99"},              // a delete-only seed number in an apply plan
      {"plan", "--delete", "--only", "94"},  // an apply-only seed number in a delete plan
  };
  for (const auto& args : bad) {
    auto r = Cli(repo, args);
    EXPECT_EQ(r.exit_code, 2) << Describe(args, r);
    EXPECT_EQ(r.out, "") << Describe(args, r);
    const bool del = Has(args, "--delete") || args[0] == "delete";
    EXPECT_NE(r.err.find(del ? "cert-manager/remove" : "cert-manager/install"), std::string::npos)
        << Describe(args, r);
    EXPECT_NE(r.err.find("31"), std::string::npos) << Describe(args, r);
    EXPECT_NE(r.err.find(del ? "teardown" : "prereqs"), std::string::npos) << Describe(args, r);
  }
}

TEST(Selection, ValidButEmptySelectionWarns) {
  TempRepo repo;
  auto r = Cli(repo, {"plan", "--only", "cilium", "--set", "FEAT_CILIUM=false", "-o", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Parse(r.out)["steps"].empty());
  EXPECT_NE(r.err.find("selects no step"), std::string::npos) << r.err;
}

TEST(Selection, InProcessSelectStepsKeepsPlanOrderAndReportsErrors) {
  const Config config = Config::FromValues({});
  const Plan plan = BuildPlan(config, PlanOptions{});
  Diagnostics ok;
  auto sel = SelectSteps(plan, "apps,31", "", ok);
  ASSERT_TRUE(sel.has_value());
  EXPECT_FALSE(ok.HasErrors());
  std::vector<std::string> ids;
  for (const auto& s : sel->steps) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"cert-manager/install", "issuers/install",
                                           "ingress/ingress-nginx", "apps/hello-web"}));
  EXPECT_EQ(sel->mode, plan.mode);

  Diagnostics bad;
  EXPECT_FALSE(SelectSteps(plan, "nope", "", bad).has_value());
  ASSERT_TRUE(bad.HasErrors());
  EXPECT_NE(bad.Items()[0].hint.find("cert-manager/install"), std::string::npos);

  const auto valid = ValidSelectors(plan);
  for (const auto& p : kDesignApplyPhases) EXPECT_TRUE(Has(valid, p)) << p;
  for (const auto& s : plan.steps) EXPECT_TRUE(Has(valid, s.id)) << s.id;
  for (const char* alias : {"26", "31", "36", "75"}) EXPECT_TRUE(Has(valid, alias)) << alias;
}

}  // namespace
}  // namespace platformctl
