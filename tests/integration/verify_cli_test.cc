// `platformctl verify` through the binary, with the fake kubectl/helm/helmfile
// of tests/integration/fake-bin counting every process; the fake kubectl
// answers the verify queries from tests/fixtures/verify (kube-sim's healthy
// cluster as real kubectl prints it).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <thread>

#include "test_util.h"

namespace platformctl {
namespace {

using json = nlohmann::json;
using testing::ReadAll;
namespace fs = std::filesystem;

class VerifyCli : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.UseExampleSecrets();
    fs::copy(fs::path(testing::SourceDir()) / "infra", repo_.Root() / "infra",
             fs::copy_options::recursive);
    // The fake helm lists the fixture's releases.
    json state = {{"context", "lab"},
                  {"releases", json::parse(ReadAll(testing::SourceDir() +
                                                   "/tests/fixtures/verify/releases.json"))}};
    repo_.Write("fake-state.json", state.dump(), 0644);
  }
  testing::CliResult Run(std::vector<std::string> args) {
    // The fixture's cluster was installed with this e-mail (a later --set wins).
    args.insert(args.begin() + 1, {"--set", "ACME_EMAIL=you@example.com"});
    fs::remove(repo_.Root() / "calls.jsonl");
    return testing::RunCli(
        args, repo_.Root().string(),
        {{"PATH", testing::SourceDir() + "/tests/integration/fake-bin:/usr/bin:/bin"},
         {"FAKE_STATE", (repo_.Root() / "fake-state.json").string()},
         {"FAKE_LOG", (repo_.Root() / "calls.jsonl").string()},
         {"FAKE_VERIFY_DIR", testing::SourceDir() + "/tests/fixtures/verify"}});
  }
  std::vector<json> Calls() const {
    std::vector<json> out;
    std::stringstream ss(ReadAll(repo_.Root() / "calls.jsonl"));
    for (std::string line; std::getline(ss, line);) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }
  testing::TempRepo repo_;
};

TEST_F(VerifyCli, CoreTierIsFourProcessesAndPasses) {
  auto r = Run({"verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("30 passed, 0 failed, 0 skipped"), std::string::npos) << r.out;
  const auto calls = Calls();
  EXPECT_EQ(calls.size(), 4u);  // three kubectl get + one helmfile diff
  EXPECT_LE(calls.size(), 8u);
  for (const auto& c : calls) {
    // Secrets reach helmfile through its environment, never its argv.
    for (const auto& a : c["argv"])
      EXPECT_EQ(a.get<std::string>().find("replace-with"), std::string::npos) << c.dump();
  }
  EXPECT_NE(r.err.find("verify (core): 4 processes"), std::string::npos) << r.err;
  // A trail: run.log, one log per query, report.json.
  fs::path run;
  for (const auto& e : fs::directory_iterator(repo_.Root() / "artifacts/runs")) run = e.path();
  EXPECT_TRUE(fs::exists(run / "run.log"));
  EXPECT_TRUE(fs::exists(run / "report.json"));
  EXPECT_TRUE(fs::exists(run / "queries/01-kubectl.log") ||
              fs::exists(run / "queries/01-helmfile.log"));
}

TEST_F(VerifyCli, DeepTierStaysWithinFifteenProcesses) {
  auto r = Run({"verify", "--deep", "-o", "json", "--set", "VERIFY_INGRESS_ADDRESS=127.0.0.1",
                "--set", "VERIFY_HTTPS_PORT=1"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the HTTPS probes find nothing listening
  json j = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["ok"], false);
  for (const auto& c : j["checks"]) {
    const std::string id = c["id"];
    if (!id.ends_with("/https")) {
      EXPECT_NE(c["status"], "fail") << id << ": " << c["message"];
    } else {
      EXPECT_EQ(c["status"], "fail") << id;
    }
  }
  const auto calls = Calls();
  EXPECT_LE(calls.size(), 15u);
  EXPECT_EQ(calls.size(), 7u);
}

TEST_F(VerifyCli, JunitOnStdoutAndInTheReportFileParseBack) {
  const fs::path report = repo_.Root() / "out/verify.xml";
  fs::create_directories(report.parent_path());
  auto r = Run({"verify", "-o", "junit", "--report", report.string(), "--set",
                "ACME_EMAIL=ops@example.org"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  for (const std::string& xml : {r.out, ReadAll(report)}) {
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
    auto suites = doc.child("testsuites");
    EXPECT_EQ(suites.attribute("tests").as_int(), 30);
    EXPECT_EQ(suites.attribute("failures").as_int(), 1);
    auto failed =
        suites.find_node([](pugi::xml_node n) { return std::string(n.name()) == "failure"; });
    ASSERT_TRUE(failed);
    EXPECT_EQ(std::string(failed.parent().attribute("name").value()), "issuers/acme-email");
    EXPECT_EQ(std::string(failed.parent().attribute("classname").value()), "issuers");
  }
}

TEST_F(VerifyCli, ListRunsNothing) {
  auto r = Run({"verify", "--list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("hello-web/https"), std::string::npos);
  EXPECT_TRUE(Calls().empty());
}

TEST_F(VerifyCli, DiagnosticsWritesTheBundleWhereAsked) {
  const fs::path out = repo_.Root() / "diag";
  auto r = Run({"diagnostics", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* f : {"nodes.txt", "pods.txt", "events-last-hour.txt", "helm-releases.txt"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  EXPECT_NE(ReadAll(out / "nodes.txt").find("homelab-k3s"), std::string::npos);
}

// Ctrl-C while a query hangs (the queries run at once on threads): exit 130
// within the interrupt grace, the child gone.
TEST_F(VerifyCli, SigintWhileAQueryHangsExits130) {
  json state = json::parse(ReadAll(repo_.Root() / "fake-state.json"));
  state["hang"] = {" diff "};
  repo_.Write("fake-state.json", state.dump(), 0644);
  const std::string err_path = (repo_.Root() / "stderr.txt").string();
  const pid_t pid = testing::SpawnInBackground(
      {testing::Binary(), "verify", "--set", "ACME_EMAIL=you@example.com"}, repo_.Root().string(),
      {{"PATH", testing::SourceDir() + "/tests/integration/fake-bin:/usr/bin:/bin"},
       {"FAKE_STATE", (repo_.Root() / "fake-state.json").string()},
       {"FAKE_LOG", (repo_.Root() / "calls.jsonl").string()},
       {"FAKE_VERIFY_DIR", testing::SourceDir() + "/tests/fixtures/verify"}},
      err_path);
  ASSERT_NE(pid, 0);
  int child = 0;
  for (int i = 0; i < 200 && child == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (!fs::exists(repo_.Root() / "calls.jsonl")) continue;
    for (const auto& call : Calls()) {
      if (call["tool"] == "helmfile") child = call["pid"];
    }
  }
  ASSERT_NE(child, 0) << "helmfile diff never started";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 130) << ReadAll(err_path);
  EXPECT_LT(secs, 12.0);
  EXPECT_NE(ReadAll(err_path).find("verify interrupted by SIGINT"), std::string::npos)
      << ReadAll(err_path);
  EXPECT_NE(::kill(child, 0), 0) << "the hanging helmfile is still running";
}

}  // namespace
}  // namespace platformctl
