// apply and delete for real, against fake kubectl/helm/helmfile
// (tests/integration/fake-bin/fake_tool.py) first on PATH: argv, environment
// per child, exit codes, journal, resume, lock, guards, SIGINT.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "test_util.h"

namespace platformctl {
namespace {

using json = nlohmann::json;
using testing::CliResult;
using testing::ReadAll;
using testing::RunCli;
using testing::TempRepo;
namespace fs = std::filesystem;

std::string FakeBin() { return testing::SourceDir() + "/tests/integration/fake-bin"; }

const std::map<std::string, std::string>& Secrets() {
  static const std::map<std::string, std::string> s = {
      {"OIDC_CLIENT_SECRET", "oidc-Secret-Exec-1111"},
      {"OAUTH_COOKIE_SECRET", "ExecCookie0123456789abcdefExecCo"},  // 32 bytes
      {"MINIO_ROOT_PASSWORD", "minio-Password-Exec-2222"},
      {"CLICKSTACK_API_KEY", "hdx-Api-Exec-3333"},
      {"CLICKSTACK_INGESTION_KEY", "hdx-Ingest-Exec-4444"},
  };
  return s;
}

// A scratch repo with secrets, a fake cluster state and a call log.
class FakeCluster {
 public:
  FakeCluster() {
    std::string text = ReadAll(repo_.Root() / "profiles/secrets.example.env");
    for (const auto& [k, v] : Secrets()) text += k + "=" + v + "\n";
    repo_.Write("profiles/secrets.env", text);
    // The verify phase is tested on its own (VerifyPhase below, verify_test.cc).
    repo_.Write("profiles/local.env", "FEAT_VERIFY=false\n");
    SetState(json{{"context", "lab"}, {"contexts", {"lab"}}, {"uid", "uid-1"}});
  }
  [[nodiscard]] const TempRepo& Repo() const { return repo_; }
  [[nodiscard]] fs::path Root() const { return repo_.Root(); }
  void SetState(const json& j) const { repo_.Write("fake-state.json", j.dump()); }
  [[nodiscard]] json State() const { return json::parse(ReadAll(Root() / "fake-state.json")); }
  void Patch(const json& patch) const {
    json s = State();
    s.merge_patch(patch);
    SetState(s);
  }
  [[nodiscard]] std::map<std::string, std::string> Env() const {
    return {{"PATH", FakeBin() + ":/usr/bin:/bin"},
            {"FAKE_STATE", (Root() / "fake-state.json").string()},
            {"FAKE_LOG", (Root() / "calls.jsonl").string()},
            {"FAKE_VERIFY_DIR", testing::SourceDir() + "/tests/fixtures/verify"},
            // Must reach no child: cloud credentials are scrubbed.
            {"AWS_SECRET_ACCESS_KEY", "aws-Never-In-A-Child-9999"}};
  }
  CliResult Run(const std::vector<std::string>& args) const {
    return RunCli(args, Root().string(), Env());
  }
  /// Calls recorded since the last ClearCalls().
  [[nodiscard]] std::vector<json> Calls() const {
    std::vector<json> out;
    std::stringstream ss(ReadAll(Root() / "calls.jsonl"));
    for (std::string line; std::getline(ss, line);) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }
  void ClearCalls() const { fs::remove(Root() / "calls.jsonl"); }
  [[nodiscard]] json LatestJournal(const std::string& mode) const {
    std::vector<fs::path> runs;
    for (const auto& e : fs::directory_iterator(Root() / "artifacts/runs")) {
      if (e.path().filename().string().find(mode) == std::string::npos) continue;
      // Refused runs (a held lock) changed nothing; skip them like --resume does.
      if (json::parse(ReadAll(e.path() / "journal.json"))["status"] == "refused") continue;
      runs.push_back(e.path());
    }
    std::sort(runs.begin(), runs.end());
    EXPECT_FALSE(runs.empty());
    return json::parse(ReadAll(runs.back() / "journal.json"));
  }

 private:
  TempRepo repo_;
};

std::string Joined(const json& call) {
  std::string out = call["tool"].get<std::string>();
  for (const auto& a : call["argv"]) out += " " + a.get<std::string>();
  return out;
}

bool HasCall(const std::vector<json>& calls, const std::string& needle) {
  return std::any_of(calls.begin(), calls.end(),
                     [&](const json& c) { return Joined(c).find(needle) != std::string::npos; });
}

std::string StepStatus(const json& journal, const std::string& id) {
  for (const auto& s : journal["steps"]) {
    if (s["step"] == id) return s["status"];
  }
  return "absent";
}

TEST(Apply, RunsEveryStepAndLeavesATrail) {
  FakeCluster c;
  auto r = c.Run({"apply", "-p", "overlay-staging"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("apply succeeded"), std::string::npos) << r.err;
  const json j = c.LatestJournal("apply");
  EXPECT_EQ(j["status"], "succeeded");
  EXPECT_EQ(j["context"], "lab");
  EXPECT_EQ(j["fingerprint"].get<std::string>().size(), 64U);
  for (const auto& s : j["steps"]) {
    EXPECT_EQ(s["status"], "succeeded") << s.dump();
    EXPECT_TRUE(fs::exists(c.Root() / s["log"].get<std::string>())) << s.dump();
  }
  const fs::path run = c.Root() / j["steps"][0]["log"].get<std::string>();
  EXPECT_FALSE(ReadAll(run.parent_path().parent_path() / "run.log").empty());
  EXPECT_FALSE(fs::exists(c.Root() / "artifacts/.lock")) << "the lock is released";
  // The state values: written 0600, no secret in them.
  const fs::path values = c.Root() / "artifacts/state-values.yaml";
  struct stat st {};
  ASSERT_EQ(::stat(values.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);
  const std::string text = ReadAll(values);
  EXPECT_NE(text.find("schemaVersion: 1"), std::string::npos);
  for (const auto& [k, v] : Secrets()) EXPECT_EQ(text.find(v), std::string::npos) << k;
  // helmfile gets absolute paths (it resolves relative ones from infra/).
  const auto calls = c.Calls();
  int helmfile_apply = 0;
  for (const auto& call : calls) {
    if (call["tool"] != "helmfile" || Joined(call).find(" apply ") == std::string::npos) continue;
    ++helmfile_apply;
    const auto argv = call["argv"].get<std::vector<std::string>>();
    auto it = std::find(argv.begin(), argv.end(), "--state-values-file");
    ASSERT_NE(it, argv.end());
    EXPECT_EQ(*(it + 1), (c.Root() / "artifacts/state-values.yaml").string());
    auto f = std::find(argv.begin(), argv.end(), "--file");
    EXPECT_EQ(*(f + 1), (c.Root() / "infra/helmfile.yaml.gotmpl").string());
    EXPECT_NE(std::find(argv.begin(), argv.end(), "--skip-deps"), argv.end());
  }
  EXPECT_GE(helmfile_apply, 10);
}

// A helmfile call's identity: its selector, else its subcommand (diff, --version).
std::string CallKey(const std::vector<std::string>& argv) {
  auto it = std::find(argv.begin(), argv.end(), "--selector");
  if (it != argv.end() && it + 1 != argv.end()) return *(it + 1);
  for (const char* sub : {"diff", "--version"}) {
    if (std::find(argv.begin(), argv.end(), sub) != argv.end()) return sub;
  }
  return "";
}

TEST(Apply, EachSecretReachesOnlyTheStepsThatDeclareIt) {
  FakeCluster c;
  auto plan = c.Run({"plan", "-p", "overlay-staging", "-o", "json"});
  ASSERT_EQ(plan.exit_code, 0);
  // selector -> secret names the plan declares for it
  std::map<std::string, std::set<std::string>> declared;
  const json plan_json = json::parse(plan.out);
  for (const auto& s : plan_json["steps"]) {
    for (const auto& cmd : s["commands"]) {
      const auto argv = cmd["argv"].get<std::vector<std::string>>();
      if (argv[0] != "helmfile") continue;
      for (const auto& e : cmd["env"]) declared[CallKey(argv)].insert(e.get<std::string>());
    }
  }
  ASSERT_TRUE(declared["component=oauth2-proxy"].contains("OIDC_CLIENT_SECRET"));
  auto r = c.Run({"apply", "-p", "overlay-staging"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto calls = c.Calls();
  ASSERT_GT(calls.size(), 20U);
  int with_secret = 0;
  for (const auto& call : calls) {
    const std::string line = Joined(call);
    for (const auto& [k, v] : Secrets()) {
      EXPECT_EQ(line.find(v), std::string::npos) << "secret in argv: " << line;
    }
    EXPECT_FALSE(call["env"].contains("AWS_SECRET_ACCESS_KEY")) << line;
    const std::string selector = CallKey(call["argv"].get<std::vector<std::string>>());
    for (const auto& [k, v] : Secrets()) {
      const bool has = call["env"].contains(k);
      const bool should = call["tool"] == "helmfile" && declared[selector].contains(k);
      EXPECT_EQ(has, should) << k << " in " << line;
      if (has) {
        EXPECT_EQ(call["env"][k], v);
        ++with_secret;
      }
    }
  }
  EXPECT_GE(with_secret, 4);
  // Nothing platformctl printed holds a secret either.
  for (const auto& [k, v] : Secrets()) {
    EXPECT_EQ(r.err.find(v), std::string::npos);
    EXPECT_EQ(r.out.find(v), std::string::npos);
  }
}

TEST(Apply, FailureStopsTheRunAndResumeSkipsFinishedSteps) {
  FakeCluster c;
  c.Patch({{"fail", {{"component=clickstack", 1}}}});
  auto r = c.Run({"apply", "-p", "overlay-staging"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("failing on purpose"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("step log: artifacts/runs/"), std::string::npos) << r.err;
  json j = c.LatestJournal("apply");
  EXPECT_EQ(j["status"], "failed");
  EXPECT_EQ(StepStatus(j, "platform/oauth2-proxy"), "succeeded");
  EXPECT_EQ(StepStatus(j, "platform/clickstack"), "failed");
  EXPECT_EQ(StepStatus(j, "apps/hello-web"), "pending");
  EXPECT_FALSE(fs::exists(c.Root() / "artifacts/.lock"));
  // A changed config is refused.
  auto changed = c.Run({"apply", "-p", "overlay-staging", "--resume", "--set", "TIMEOUT_SECS=301"});
  EXPECT_EQ(changed.exit_code, 3) << changed.err;
  EXPECT_NE(changed.err.find("config changed"), std::string::npos) << changed.err;
  // Fixed: resume runs only what is left.
  c.Patch({{"fail", nullptr}});
  c.ClearCalls();
  auto resumed = c.Run({"apply", "-p", "overlay-staging", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  const auto calls = c.Calls();
  EXPECT_FALSE(HasCall(calls, "component=cert-manager")) << "a finished step ran again";
  EXPECT_FALSE(HasCall(calls, "component=oauth2-proxy"));
  EXPECT_TRUE(HasCall(calls, "component=clickstack"));
  EXPECT_TRUE(HasCall(calls, "component=apps-hello"));
  j = c.LatestJournal("apply");
  EXPECT_EQ(StepStatus(j, "prereqs/tools"), "skipped");
  EXPECT_EQ(StepStatus(j, "platform/clickstack"), "succeeded");
}

TEST(Apply, ASecondRunIsRefusedWhileTheLockIsHeld) {
  FakeCluster c;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  c.Repo().Write(
      "artifacts/.lock",
      json{{"pid", 1}, {"host", host}, {"started", "x"}, {"command", "platformctl apply"}}.dump());
  auto r = c.Run({"apply", "-p", "overlay-staging"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("another run holds the lock"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pid 1 on"), std::string::npos) << r.err;
  EXPECT_FALSE(HasCall(c.Calls(), "helmfile")) << "nothing ran";
  EXPECT_TRUE(fs::exists(c.Root() / "artifacts/.lock")) << "someone else's lock is kept";
  // A lock whose process is gone (on this host) is taken over.
  c.Repo().Write("artifacts/.lock", json{{"pid", 999999}, {"host", host}}.dump());
  auto stale = c.Run({"apply", "-p", "overlay-staging"});
  EXPECT_EQ(stale.exit_code, 0) << stale.err;
  EXPECT_NE(stale.err.find("took over a stale run lock"), std::string::npos) << stale.err;
}

TEST(Apply, AContextMismatchChangesNothing) {
  FakeCluster c;
  c.Repo().Write("profiles/p.env", "KUBE_CONTEXT=prod-cluster\n");
  auto r = c.Run({"apply", "-p", "p"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("the kube context is lab, but the config expects prod-cluster"),
            std::string::npos)
      << r.err;
  for (const auto& call : c.Calls()) {
    EXPECT_EQ(call["tool"], "kubectl") << Joined(call);
    EXPECT_EQ(call["argv"][0], "config") << Joined(call);
  }
  // A different cluster behind the right context: CLUSTER_UID.
  c.Repo().Write("profiles/p.env", "KUBE_CONTEXT=lab\nCLUSTER_UID=uid-other\n");
  auto uid = c.Run({"apply", "-p", "p"});
  EXPECT_EQ(uid.exit_code, 3) << uid.err;
  EXPECT_NE(uid.err.find("a different cluster"), std::string::npos) << uid.err;
  EXPECT_FALSE(HasCall(c.Calls(), "helmfile"));
}

TEST(Delete, NeedsYesWithoutATerminalAndIsIdempotent) {
  FakeCluster c;
  ASSERT_EQ(c.Run({"apply", "-p", "overlay-staging"}).exit_code, 0);
  c.ClearCalls();
  auto refused = c.Run({"delete", "-p", "overlay-staging"});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("pass --yes"), std::string::npos) << refused.err;
  EXPECT_FALSE(HasCall(c.Calls(), "uninstall"));
  EXPECT_FALSE(HasCall(c.Calls(), "delete"));
  auto first = c.Run({"delete", "-p", "overlay-staging", "--yes"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(c.State()["namespaces"].empty()) << c.State().dump();
  EXPECT_TRUE(c.State()["releases"].empty()) << c.State().dump();
  // Again on a clean cluster (the cert-manager CRDs are gone now).
  auto second = c.Run({"delete", "-p", "overlay-staging", "--yes"});
  EXPECT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(c.LatestJournal("delete")["status"], "succeeded");
}

TEST(Apply, PendingReleasesAreRefusedWithTheRemedyAndFailedOnesAreSynced) {
  FakeCluster c;
  c.Patch({{"releases",
            {{{"name", "clickstack"},
              {"namespace", "observability"},
              {"status", "pending-upgrade"},
              {"revision", "4"}}}}});
  auto pending = c.Run({"apply", "-p", "overlay-staging"});
  EXPECT_EQ(pending.exit_code, 1) << pending.err;
  EXPECT_NE(pending.err.find("observability/clickstack (pending-upgrade, revision 4)"),
            std::string::npos)
      << pending.err;
  EXPECT_NE(pending.err.find("rollback"), std::string::npos);
  EXPECT_FALSE(HasCall(c.Calls(), "helmfile"));
  c.Patch({{"releases",
            {{{"name", "clickstack"},
              {"namespace", "observability"},
              {"status", "failed"},
              {"revision", "4"}}}}});
  c.ClearCalls();
  auto failed = c.Run({"apply", "-p", "overlay-staging"});
  ASSERT_EQ(failed.exit_code, 0) << failed.err;
  EXPECT_TRUE(HasCall(c.Calls(), "--selector component=clickstack sync"));
  EXPECT_TRUE(HasCall(c.Calls(), "--selector component=minio apply"));
}

TEST(Apply, TheFlannelGuardStopsCiliumOnFlannelNodes) {
  FakeCluster c;
  c.Patch({{"nodes",
            {{{"name", "n1"},
              {"annotations", {{"flannel.alpha.coreos.com/backend-type", "vxlan"}}}}}}});
  auto r = c.Run({"apply", "-p", "overlay-staging"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("node n1 runs flannel"), std::string::npos) << r.err;
  EXPECT_FALSE(HasCall(c.Calls(), "component=cilium"));
}

// SIGINT while a step's child hangs: the child's group goes, exit 130, the
// journal says interrupted, and --resume finishes without redoing steps.
TEST(Apply, SigintStopsTheChildAndResumeCompletes) {
  FakeCluster c;
  c.Patch({{"hang", {"component=cert-manager"}}});
  const std::string err_path = (c.Root() / "stderr.txt").string();
  const pid_t pid = testing::SpawnInBackground(
      {testing::Binary(), "apply", "-p", "overlay-staging"}, c.Root().string(), c.Env(), err_path);
  ASSERT_NE(pid, 0);
  // Wait for the hanging helmfile call.
  int child = 0;
  for (int i = 0; i < 200 && child == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!fs::exists(c.Root() / "calls.jsonl")) continue;
    for (const auto& call : c.Calls()) {
      if (Joined(call).find("component=cert-manager") != std::string::npos) child = call["pid"];
    }
  }
  ASSERT_NE(child, 0) << "the hanging step never started";
  // A second, concurrent run is refused while this one holds the lock.
  auto concurrent = c.Run({"apply", "-p", "overlay-staging"});
  EXPECT_EQ(concurrent.exit_code, 3) << concurrent.err;
  EXPECT_NE(concurrent.err.find("another run holds the lock"), std::string::npos) << concurrent.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130) << ReadAll(err_path);
  EXPECT_LT(secs, 12.0);
  // The child's group is gone within 2 s of the interrupt.
  bool gone = false;
  for (int i = 0; i < 40 && !gone; ++i) {
    gone = ::kill(child, 0) != 0 && errno == ESRCH;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_TRUE(gone) << "helmfile child " << child << " survived the interrupt";
  json j = c.LatestJournal("apply");
  EXPECT_EQ(j["status"], "interrupted");
  EXPECT_EQ(StepStatus(j, "cert-manager/install"), "interrupted");
  EXPECT_EQ(StepStatus(j, "cilium/install"), "succeeded");
  EXPECT_FALSE(fs::exists(c.Root() / "artifacts/.lock"));
  c.Patch({{"hang", json::array()}});
  c.ClearCalls();
  auto resumed = c.Run({"apply", "-p", "overlay-staging", "--resume"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_FALSE(HasCall(c.Calls(), "component=cilium"));
  EXPECT_TRUE(HasCall(c.Calls(), "component=cert-manager"));
}

TEST(Apply, MissingSecretsAndUnknownKeysStopItBeforeAnythingRuns) {
  FakeCluster c;
  c.Repo().Write("profiles/secrets.env", "");
  auto r = c.Run({"apply", "-p", "overlay-staging"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("MINIO_ROOT_PASSWORD is required"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(c.Root() / "calls.jsonl"));
  EXPECT_FALSE(fs::exists(c.Root() / "artifacts"));
}
}  // namespace
}  // namespace platformctl

namespace platformctl {
namespace {

TEST(InstallRecord, ApplyRecordsItsReleasesAndDeleteRemovesWhatWasRecorded) {
  FakeCluster c;
  ASSERT_EQ(c.Run({"apply", "-p", "overlay-staging"}).exit_code, 0);
  json state = c.State();
  json record;
  for (const auto& o : state["objects"]) {
    if (o["kind"] == "ConfigMap" && o["name"] == "platformctl-state") record = o;
  }
  ASSERT_TRUE(record.is_object()) << state.dump();
  EXPECT_EQ(record["namespace"], "kube-system");
  const json releases = json::parse(record["data"]["releases"].get<std::string>());
  EXPECT_NE(std::find(releases.begin(), releases.end(), "storage/minio"), releases.end());
  EXPECT_NE(std::find(releases.begin(), releases.end(), "apps-staging/hello-web"), releases.end());
  // A converged apply does not rewrite it.
  c.ClearCalls();
  ASSERT_EQ(c.Run({"apply", "-p", "overlay-staging"}).exit_code, 0);
  EXPECT_FALSE(HasCall(c.Calls(), "install-record.json"));
  // Something an earlier apply installed that today's config does not name.
  for (auto& o : state["objects"]) {
    if (o["kind"] == "ConfigMap") {
      json r = releases;
      r.push_back("legacy-ns/old-release");
      o["data"]["releases"] = r.dump();
    }
  }
  state["releases"] = c.State()["releases"];
  c.SetState(state);
  c.ClearCalls();
  auto del = c.Run({"delete", "-p", "overlay-staging", "--yes"});
  ASSERT_EQ(del.exit_code, 0) << del.err;
  EXPECT_TRUE(HasCall(c.Calls(), "helm uninstall old-release --namespace legacy-ns"));
  EXPECT_TRUE(HasCall(c.Calls(), "delete configmap platformctl-state"));
}
}  // namespace
}  // namespace platformctl

namespace platformctl {
namespace {

TEST(Apply, RecoverPendingRollsBackOrUninstallsThenApplies) {
  FakeCluster c;
  c.Patch({{"releases",
            {{{"name", "clickstack"},
              {"namespace", "observability"},
              {"status", "pending-upgrade"},
              {"revision", "4"}},
             {{"name", "minio"},
              {"namespace", "storage"},
              {"status", "pending-install"},
              {"revision", "1"}}}},
           {"history",
            {{"clickstack",
              {{{"revision", 2}, {"status", "superseded"}},
               {{"revision", 3}, {"status", "deployed"}},
               {{"revision", 4}, {"status", "pending-upgrade"}}}}}}});
  auto r = c.Run({"apply", "-p", "overlay-staging", "--recover-pending"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto calls = c.Calls();
  EXPECT_TRUE(HasCall(calls, "helm rollback clickstack 3 --namespace observability"));
  EXPECT_TRUE(HasCall(calls, "helm uninstall minio --namespace storage"));
  EXPECT_NE(r.err.find("rollback to revision 3"), std::string::npos) << r.err;
}
// The verify phase of apply runs the same registry as `platformctl verify`,
// over one kubectl query and one helmfile diff (the fixture of
// tests/fixtures/verify is what kube-sim's healthy cluster returns).
TEST(Apply, VerifyPhaseJudgesTheClusterWithTwoQueries) {
  FakeCluster c;
  // The fixture was installed from the default config with this e-mail.
  const std::vector<std::string> fixture{"--set", "FEAT_VERIFY=true", "--set",
                                         "ACME_EMAIL=you@example.com"};
  std::vector<std::string> args{"apply"};
  args.insert(args.end(), fixture.begin(), fixture.end());
  auto r = c.Run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json j = c.LatestJournal("apply");
  EXPECT_EQ(StepStatus(j, "verify/platform-state"), "succeeded");
  EXPECT_EQ(StepStatus(j, "verify/drift"), "succeeded");
  int verify_queries = 0;
  for (const auto& call : c.Calls()) {
    const std::string joined = Joined(call);
    for (const char* query : {"get namespaces,deployments", " diff "}) {
      if (joined.find(query) != std::string::npos) ++verify_queries;
    }
  }
  // Apply asks for every object kind in one kubectl get (its processes run one
  // at a time), shared by both verify steps.
  EXPECT_EQ(verify_queries, 2);
  // A mismatch fails the step with the check, its message and the fix.
  args = {"apply",
          "--only",
          "verify",
          "--set",
          "FEAT_VERIFY=true",
          "--set",
          "ACME_EMAIL=ops@example.org"};
  r = c.Run(args);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("issuers/acme-email"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fix: platformctl apply --only issuers/install"), std::string::npos)
      << r.err;
  EXPECT_EQ(StepStatus(c.LatestJournal("apply"), "verify/platform-state"), "failed");
}

}  // namespace
}  // namespace platformctl
