// `platformctl doctor` through the binary, with small /bin/sh fakes of helm,
// helmfile and kubectl on a PATH of their own (so the real tools of this
// machine are not seen), and once on this machine's real PATH.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <thread>

#include "test_util.h"

namespace platformctl {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kHelm =
    "#!/bin/sh\n"
    "case \"$1\" in\n"
    "  version) echo \"${FAKE_HELM_VERSION:-v3.17.2+gcc0bbbd}\" ;;\n"
    "  plugin) printf 'NAME\\tVERSION\\tDESCRIPTION\\n'\n"
    "          [ -n \"$FAKE_NO_DIFF\" ] || printf 'diff\\t3.9.11\\tPreview helm upgrade "
    "changes\\n' ;;\n"
    "esac\n";
constexpr const char* kHelmfile = "#!/bin/sh\necho 'helmfile version 0.169.1'\n";
constexpr const char* kKubectl =
    "#!/bin/sh\n"
    "case \"$*\" in\n"
    "  *--client*) echo '{\"clientVersion\":{\"gitVersion\":\"v1.32.4\"}}' ;;\n"
    "  *'config view'*) printf '{\"current-context\":\"lab\",\"contexts\":[{\"name\":\"lab\","
    "\"context\":{\"cluster\":\"lab\",\"user\":\"lab\"}}],\"clusters\":[{\"name\":\"lab\","
    "\"cluster\":{\"server\":\"%s\"}}]}\\n' \"${FAKE_SERVER:-https://127.0.0.1:1}\" ;;\n"
    "  *version*) echo '{\"clientVersion\":{\"gitVersion\":\"v1.32.4\"},"
    "\"serverVersion\":{\"gitVersion\":\"v1.32.0+k3s1\"}}' ;;\n"
    "esac\n";

class DoctorCli : public ::testing::Test {
 protected:
  void SetUp() override {
    repo_.Write("bin/helm", kHelm, 0755);
    repo_.Write("bin/helmfile", kHelmfile, 0755);
    repo_.Write("bin/kubectl", kKubectl, 0755);
    repo_.Write("kubeconfig", "apiVersion: v1\nkind: Config\n", 0600);
    repo_.Write("home/.keep", "", 0600);
    env_ = {{"PATH", (repo_.Root() / "bin").string()},
            {"HOME", (repo_.Root() / "home").string()},
            {"KUBECONFIG", (repo_.Root() / "kubeconfig").string()}};
  }
  testing::CliResult Run(std::vector<std::string> args, const std::string& cwd = "") {
    return testing::RunCli(args, cwd.empty() ? repo_.Root().string() : cwd, env_);
  }
  /// doctor -o json, parsed; the checks by id.
  std::map<std::string, json> Checks(const testing::CliResult& r) {
    EXPECT_TRUE(json::accept(r.out)) << r.out << r.err;
    std::map<std::string, json> out;
    if (!json::accept(r.out)) return out;
    const json j = json::parse(r.out);
    for (const auto& c : j["checks"]) out[c["id"].get<std::string>()] = c;
    return out;
  }

  testing::TempRepo repo_;
  std::map<std::string, std::string> env_;
};

TEST_F(DoctorCli, ToolsPresentAndNewEnoughPassAndTheClusterAnswers) {
  auto r = Run({"doctor", "-o", "json"});
  auto c = Checks(r);
  for (const char* id : {"repo", "config", "tool/helm", "tool/helm-diff", "tool/helmfile",
                         "tool/kubectl", "kube/kubeconfig", "kube/context", "kube/api"}) {
    ASSERT_TRUE(c.contains(id)) << id << "\n" << r.out;
    EXPECT_EQ(c[id]["status"], "pass") << id << ": " << c[id].dump();
  }
  EXPECT_NE(c["tool/helm"]["message"].get<std::string>().find("helm 3.17.2"), std::string::npos);
  EXPECT_NE(c["tool/helmfile"]["message"].get<std::string>().find("0.169.1"), std::string::npos);
  EXPECT_NE(c["kube/api"]["message"].get<std::string>().find("v1.32.0+k3s1"), std::string::npos);
  EXPECT_NE(c["kube/context"]["message"].get<std::string>().find("lab"), std::string::npos);
  // Nothing listens on 127.0.0.1:1: the Date cannot be read, a warning.
  EXPECT_EQ(c["clock/skew"]["status"], "warn") << c["clock/skew"].dump();
  EXPECT_EQ(c["tool/k3s"]["status"], "skip");
  EXPECT_EQ(c["tool/flux"]["status"], "skip");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(json::parse(r.out)["ok"], true);

  // Text: one line per check with a mark, and the summary.
  auto t = Run({"doctor"});
  EXPECT_EQ(t.exit_code, 0) << t.out;
  EXPECT_NE(t.out.find("PASS  tool/helm "), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("WARN  clock/skew "), std::string::npos) << t.out;
  EXPECT_NE(t.out.find(" passed, "), std::string::npos) << t.out;
  EXPECT_NE(t.out.find(" warnings, 0 failed"), std::string::npos) << t.out;
}

TEST_F(DoctorCli, HelmTooOldFailsNamingTheRequiredVersion) {
  env_["FAKE_HELM_VERSION"] = "v3.12.3+g3a31588";
  auto r = Run({"doctor", "-o", "json"});
  auto c = Checks(r);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(c["tool/helm"]["status"], "fail");
  const std::string msg = c["tool/helm"]["message"];
  EXPECT_NE(msg.find("3.12.3"), std::string::npos) << msg;
  EXPECT_NE(msg.find(">= 3.13.0"), std::string::npos) << msg;
  EXPECT_NE(c["tool/helm"]["fix"].get<std::string>().find("https://helm.sh/docs/intro/install/"),
            std::string::npos);
}

TEST_F(DoctorCli, MissingHelmfileAndHelmDiffFailWithTheirInstallHints) {
  fs::remove(repo_.Root() / "bin/helmfile");
  env_["FAKE_NO_DIFF"] = "1";
  auto r = Run({"doctor", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // a result, not a crash
  auto c = Checks(r);
  EXPECT_EQ(c["tool/helmfile"]["status"], "fail");
  EXPECT_NE(c["tool/helmfile"]["message"].get<std::string>().find("not found"), std::string::npos);
  EXPECT_NE(c["tool/helmfile"]["fix"].get<std::string>().find(
                "https://github.com/helmfile/helmfile/releases"),
            std::string::npos);
  EXPECT_EQ(c["tool/helm-diff"]["status"], "fail");
  EXPECT_NE(c["tool/helm-diff"]["fix"].get<std::string>().find(
                "helm plugin install https://github.com/databus23/helm-diff"),
            std::string::npos);
  EXPECT_EQ(c["tool/helm"]["status"], "pass");
}

TEST_F(DoctorCli, NoKubeconfigIsOneFailWithAFixAndTheDependentChecksSkip) {
  env_.erase("KUBECONFIG");
  auto r = Run({"doctor", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1);
  auto c = Checks(r);
  EXPECT_EQ(c["kube/kubeconfig"]["status"], "fail");
  EXPECT_NE(c["kube/kubeconfig"]["fix"].get<std::string>().find("--kubeconfig"), std::string::npos);
  for (const char* id : {"kube/context", "kube/api", "clock/skew"})
    EXPECT_EQ(c[id]["status"], "skip") << id;
  int fails = 0;
  for (const auto& [id, check] : c) fails += check["status"] == "fail" ? 1 : 0;
  EXPECT_EQ(fails, 1) << r.out;
}

TEST_F(DoctorCli, ContextMissingFromTheKubeconfigFails) {
  auto r = Run({"doctor", "--context", "nope", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1);
  auto c = Checks(r);
  EXPECT_EQ(c["kube/context"]["status"], "fail");
  EXPECT_NE(c["kube/context"]["message"].get<std::string>().find("contexts: lab"),
            std::string::npos);
  EXPECT_EQ(c["kube/api"]["status"], "skip");
}

TEST_F(DoctorCli, JsonHasTheSchemaAndEveryWarnOrFailHasAFix) {
  fs::remove(repo_.Root() / "bin/helmfile");
  auto r = Run({"doctor", "-o", "json"});
  ASSERT_TRUE(json::accept(r.out)) << r.out;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["schemaVersion"], 1);
  EXPECT_EQ(j["ok"], false);
  ASSERT_TRUE(j["checks"].is_array());
  ASSERT_FALSE(j["checks"].empty());
  for (const auto& c : j["checks"]) {
    ASSERT_EQ(c.size(), 4u) << c.dump();
    for (const char* k : {"id", "status", "message", "fix"}) ASSERT_TRUE(c[k].is_string()) << k;
    const std::string s = c["status"];
    EXPECT_TRUE(s == "pass" || s == "warn" || s == "fail" || s == "skip") << s;
    if (s == "warn" || s == "fail") {
      EXPECT_FALSE(c["fix"].get<std::string>().empty()) << c.dump();
    }
  }
  auto y = Run({"doctor", "-o", "yaml"});
  EXPECT_NE(y.out.find("schemaVersion: 1"), std::string::npos) << y.out;
  auto bad = Run({"doctor", "-o", "junit"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_TRUE(bad.out.empty());
}

TEST_F(DoctorCli, WithoutARepoTheToolChecksStillRun) {
  char tmpl[] = "/tmp/platformctl-norepo-XXXXXX";
  const std::string elsewhere = ::mkdtemp(tmpl);
  auto r = Run({"doctor", "-o", "json"}, elsewhere);
  auto c = Checks(r);
  EXPECT_EQ(c["repo"]["status"], "warn");
  EXPECT_NE(c["repo"]["fix"].get<std::string>().find("-C DIR"), std::string::npos);
  EXPECT_EQ(c["tool/helm"]["status"], "pass");
  EXPECT_EQ(c["kube/api"]["status"], "pass");
  EXPECT_FALSE(c.contains("config"));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  // An explicit -C that is no repo is bad input.
  auto bad = Run({"-C", elsewhere, "doctor"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  fs::remove_all(elsewhere);
}

TEST_F(DoctorCli, HostLayerConfiguredChecksK3sAsAWarningWhenMissing) {
  auto r = Run({"doctor", "--set", "RUN_HOST_LAYER=true", "-o", "json"});
  auto c = Checks(r);
  EXPECT_EQ(c["tool/k3s"]["status"], "warn");
  EXPECT_NE(c["tool/k3s"]["fix"].get<std::string>().find("platformctl host apply"),
            std::string::npos);
  EXPECT_EQ(r.exit_code, 0);
}

// The clock is read from the Date header of the API server's /version answer
// (any status: here a static server's 404).
TEST_F(DoctorCli, ClockSkewIsReadFromTheApiServersDateHeader) {
  const fs::path port_file = repo_.Root() / "port";
  const std::string serve = testing::SourceDir() + "/tests/integration/fake-host/serve_dir.py";
  const pid_t server =
      testing::SpawnInBackground({"/usr/bin/python3", serve, repo_.Root().string(),
                                  port_file.string(), (repo_.Root() / "http.log").string()},
                                 repo_.Root().string(), {}, (repo_.Root() / "http.err").string());
  ASSERT_GT(server, 0);
  for (int i = 0; i < 100 && !fs::exists(port_file); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(port_file)) << "the test HTTP server did not start";
  env_["FAKE_SERVER"] = "http://127.0.0.1:" + testing::ReadAll(port_file);
  auto r = Run({"doctor", "-o", "json"});
  ::kill(server, SIGTERM);
  ::waitpid(server, nullptr, 0);
  auto c = Checks(r);
  EXPECT_EQ(c["clock/skew"]["status"], "pass") << c["clock/skew"].dump();
  EXPECT_NE(c["clock/skew"]["message"].get<std::string>().find("the API server's Date"),
            std::string::npos);
  EXPECT_NE(testing::ReadAll(repo_.Root() / "http.log").find("GET /version"), std::string::npos);
}

// Acceptance (issue 10): on this machine (no cluster, no helmfile) doctor
// exits 1 and every failed line has a fix; -o json parses.
TEST_F(DoctorCli, OnThisMachinesPathWithoutAClusterExitsOneWithAFixPerFail) {
  const char* path = std::getenv("PATH");
  env_["PATH"] = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  env_.erase("KUBECONFIG");
  auto t = Run({"doctor"});
  EXPECT_EQ(t.exit_code, 1) << t.out << t.err;
  EXPECT_NE(t.out.find("FAIL  kube/kubeconfig"), std::string::npos) << t.out;
  auto r = Run({"doctor", "-o", "json"});
  EXPECT_EQ(r.exit_code, 1);
  auto c = Checks(r);
  for (const auto& [id, check] : c) {
    if (check["status"] == "fail") {
      EXPECT_FALSE(check["fix"].get<std::string>().empty()) << id;
    }
  }
}

}  // namespace
}  // namespace platformctl
