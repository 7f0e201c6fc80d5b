// `platformctl host plan|apply|delete` through the binary, with --root in a
// temp dir, fake apt-get/dpkg-query/systemctl/sudo (tests/integration/
// fake-host) logging every call, and the k3s installer downloaded from a
// local HTTP server on 127.0.0.1.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "platformctl/crypto.h"
#include "platformctl/host.h"
#include "test_util.h"

namespace platformctl {
namespace {

using json = nlohmann::json;
using testing::ReadAll;
namespace fs = std::filesystem;

const std::string kFakeHost = testing::SourceDir() + "/tests/integration/fake-host";

class HostCli : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = repo_.Root() / "hostroot";
    home_ = repo_.Root() / "home";
    fs::create_directories(root_ / "etc");
    fs::create_directories(root_ / "run/systemd/system");
    fs::create_directories(root_ / "etc/systemd/system");
    fs::create_directories(home_);
    std::ofstream(root_ / "etc/os-release")
        << "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n";
    SetState({{"installed", {"curl"}}, {"units", json::object()}});
    // The installer download: a local HTTP server serving fake-host/.
    const fs::path port_file = repo_.Root() / "port";
    server_ =
        testing::SpawnInBackground({"/usr/bin/python3", kFakeHost + "/serve_dir.py", kFakeHost,
                                    port_file.string(), (repo_.Root() / "http.log").string()},
                                   repo_.Root().string(), {}, (repo_.Root() / "http.err").string());
    for (int i = 0; i < 100 && !fs::exists(port_file); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(fs::exists(port_file)) << "the test HTTP server did not start";
    url_ = "http://127.0.0.1:" + ReadAll(port_file) + "/k3s-install.py";
    // The existing kubeconfig of the user: another cluster that must survive.
    Write(KubeconfigPath(),
          "apiVersion: v1\nkind: Config\nclusters:\n- name: work\n  cluster:\n    server: "
          "https://work.example:6443\ncontexts:\n- name: work\n  context:\n    cluster: work\n    "
          "user: work\ncurrent-context: work\nusers:\n- name: work\n  user:\n    token: "
          "work-token\n");
  }
  void TearDown() override {
    if (server_ > 0) {
      ::kill(server_, SIGTERM);
      ::waitpid(server_, nullptr, 0);
    }
  }
  static void Write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  void SetState(const json& j) const { repo_.Write("host-state.json", j.dump(), 0644); }
  json State() const { return json::parse(ReadAll(repo_.Root() / "host-state.json")); }
  fs::path KubeconfigPath() const {
    return fs::path(root_.string() + home_.string()) / ".kube/config";
  }
  fs::path Units() const { return root_ / "etc/systemd/system"; }

  testing::CliResult Run(std::vector<std::string> args,
                         std::map<std::string, std::string> extra = {}) {
    fs::remove(repo_.Root() / "calls.jsonl");
    std::vector<std::string> full{args.front()};
    full.insert(full.end(), args.begin() + 1, args.end());
    if (args.front() == "host") full.insert(full.end(), {"--root", root_.string()});
    full.insert(full.end(), {"--set", "K3S_INSTALL_URL=" + url_});
    std::map<std::string, std::string> env = {
        {"PATH", kFakeHost + ":/usr/bin:/bin"},
        {"HOME", home_.string()},
        {"FAKE_HOST_STATE", (repo_.Root() / "host-state.json").string()},
        {"FAKE_HOST_ROOT", root_.string()},
        {"FAKE_LOG", (repo_.Root() / "calls.jsonl").string()},
        // Root, whoever runs the tests (honoured with --root only).
        {"PLATFORMCTL_TEST_EUID", "0"},
        {"ROUTE53_HOSTED_ZONE_ID", "Z0TEST"}};
    for (auto& [k, v] : extra) env[k] = v;
    return testing::RunCli(full, repo_.Root().string(), env);
  }
  std::vector<json> Calls() const {
    std::vector<json> out;
    std::stringstream ss(ReadAll(repo_.Root() / "calls.jsonl"));
    for (std::string line; std::getline(ss, line);) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }
  // "tool arg1 arg2" for each call.
  std::vector<std::string> CallLines() const {
    std::vector<std::string> out;
    for (const auto& c : Calls()) {
      std::string line = c["tool"].get<std::string>();
      for (const auto& a : c["argv"]) line += " " + a.get<std::string>();
      out.push_back(line);
    }
    return out;
  }
  static bool Has(const std::vector<std::string>& lines, const std::string& needle) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.find(needle) != std::string::npos; });
  }
  static std::string Dump(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
  }

  testing::TempRepo repo_;
  fs::path root_;
  fs::path home_;
  std::string url_;
  pid_t server_ = -1;
};

std::string ExpectedService(const std::string& repo, const std::string& user) {
  return "# Managed by platformctl (platformctl host apply writes it, platformctl host delete "
         "removes it; edits are overwritten)\n"
         "[Unit]\n"
         "Description=platformctl Route53 dynamic DNS update\n"
         "Wants=network-online.target\n"
         "After=network-online.target\n"
         "\n"
         "[Service]\n"
         "Type=oneshot\n"
         "User=" +
         user +
         "\n"
         "ExecStart=" +
         std::string(PLATFORMCTL_BINARY) + " --repo " + repo + " dns update\n";
}

const char* const kExpectedTimer =
    "# Managed by platformctl (platformctl host apply writes it, platformctl host delete removes "
    "it; edits are overwritten)\n"
    "[Unit]\n"
    "Description=Run platformctl dns update (*:0/10)\n"
    "\n"
    "[Timer]\n"
    "OnCalendar=*:0/10\n"
    "OnBootSec=1min\n"
    "AccuracySec=1min\n"
    "RandomizedDelaySec=30s\n"
    "Persistent=true\n"
    "Unit=platformctl-dns.service\n"
    "\n"
    "[Install]\n"
    "WantedBy=timers.target\n";

TEST_F(HostCli, PlanShowsEveryFileAndCommand) {
  auto r = Run({"host", "plan"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string u = Units().string();
  for (const std::string& needle :
       {std::string("dpkg-query --show"), std::string("apt-get update"),
        std::string("apt-get install --yes --no-install-recommends"),
        u + "/platformctl-dns.service", u + "/platformctl-dns.timer",
        u + "/aws-dns-updater.service", u + "/aws-dns-updater.timer",
        std::string("systemctl daemon-reload"),
        std::string("systemctl enable --now platformctl-dns.timer"), url_,
        (root_ / "usr/local/bin/k3s").string() + " --version", u + "/k3s.service",
        std::string("INSTALL_K3S_EXEC='server --flannel-backend=none --disable-network-policy'"),
        (root_ / "etc/rancher/k3s/k3s.yaml").string(), KubeconfigPath().string(),
        std::string("| ExecStart="), std::string("| OnCalendar=*:0/10"),
        std::string("Debian GNU/Linux 12 (bookworm) -> apt")}) {
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
  }
  EXPECT_TRUE(Calls().empty()) << "host plan ran a process";
  auto bad = Run({"host", "plan", "--only", "cilium"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown host task 'cilium'"), std::string::npos) << bad.err;
  auto j = Run({"host", "plan", "-o", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const json plan = json::parse(j.out);
  ASSERT_EQ(plan["steps"].size(), 3u);
  EXPECT_EQ(plan["steps"][1]["id"], "host/dns");
  auto d = Run({"host", "plan", "--delete", "--set", "K3S_UNINSTALL=true"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_NE(d.out.find((root_ / "usr/local/bin/k3s-uninstall.sh").string()), std::string::npos);
  EXPECT_NE(d.out.find("systemctl disable --now platformctl-dns.timer"), std::string::npos);
}

TEST_F(HostCli, ApplyInstallsOnlyWhatIsMissingAndASecondRunChangesNothing) {
  // The Bash version's updater is installed: it must be migrated.
  Write(Units() / "aws-dns-updater.service", "# Managed template for host dynamic DNS updater\n");
  Write(Units() / "aws-dns-updater.timer",
        "# Managed template for host dynamic DNS updater timer\n");
  auto r = Run({"host", "apply"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto calls = CallLines();
  EXPECT_TRUE(Has(calls, "apt-get install --yes --no-install-recommends ca-certificates iptables"))
      << Dump(calls);
  EXPECT_FALSE(Has(calls, "install --yes --no-install-recommends ca-certificates curl"));
  EXPECT_TRUE(Has(calls, "systemctl disable --now aws-dns-updater.timer aws-dns-updater.service"));
  EXPECT_FALSE(fs::exists(Units() / "aws-dns-updater.service"));
  EXPECT_FALSE(fs::exists(Units() / "aws-dns-updater.timer"));
  // Units byte-exact.
  EXPECT_EQ(ReadAll(Units() / "platformctl-dns.service"),
            ExpectedService(repo_.Root().string(), GatherHostFacts("").user));
  EXPECT_EQ(ReadAll(Units() / "platformctl-dns.timer"), kExpectedTimer);
  EXPECT_TRUE(Has(calls, "systemctl daemon-reload"));
  EXPECT_TRUE(Has(calls, "systemctl enable --now platformctl-dns.timer"));
  // k3s: the installer ran with the derived flags in its environment.
  json installer;
  for (const auto& c : Calls())
    if (c["tool"] == "k3s-install.sh") installer = c;
  ASSERT_FALSE(installer.is_null()) << Dump(calls);
  EXPECT_EQ(installer["env"]["INSTALL_K3S_EXEC"],
            "server --flannel-backend=none --disable-network-policy");
  EXPECT_EQ(installer["env"]["INSTALL_K3S_CHANNEL"], "stable");
  EXPECT_TRUE(fs::exists(root_ / "usr/local/bin/k3s"));
  // The kubeconfig: merged, the other context kept, a backup made.
  const std::string kube = ReadAll(KubeconfigPath());
  EXPECT_NE(kube.find("name: work"), std::string::npos) << kube;
  EXPECT_NE(kube.find("work-token"), std::string::npos) << kube;
  EXPECT_NE(kube.find("name: k3s"), std::string::npos) << kube;
  EXPECT_NE(kube.find("current-context: k3s"), std::string::npos) << kube;
  EXPECT_EQ(fs::status(KubeconfigPath()).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  int backups = 0;
  for (const auto& e : fs::directory_iterator(KubeconfigPath().parent_path()))
    backups += e.path().filename().string().find(".platformctl-backup-") != std::string::npos;
  EXPECT_EQ(backups, 1);
  EXPECT_NE(r.err.find("current-context work -> k3s"), std::string::npos) << r.err;
  // A run trail like apply's.
  bool trail = false;
  for (const auto& e : fs::directory_iterator(repo_.Root() / "artifacts/runs"))
    trail = trail || e.path().filename().string().ends_with("-host-apply");
  EXPECT_TRUE(trail);

  // Second run: queries only; nothing written, installed, reloaded or downloaded.
  const auto service_time = fs::last_write_time(Units() / "platformctl-dns.service");
  const std::string http_before = ReadAll(repo_.Root() / "http.log");
  auto again = Run({"host", "apply"});
  ASSERT_EQ(again.exit_code, 0) << again.out << again.err;
  calls = CallLines();
  EXPECT_FALSE(Has(calls, "apt-get")) << Dump(calls);
  EXPECT_FALSE(Has(calls, "daemon-reload")) << Dump(calls);
  EXPECT_FALSE(Has(calls, "systemctl enable")) << Dump(calls);
  EXPECT_FALSE(Has(calls, "k3s-install.sh")) << Dump(calls);
  EXPECT_EQ(ReadAll(repo_.Root() / "http.log"), http_before);
  EXPECT_EQ(fs::last_write_time(Units() / "platformctl-dns.service"), service_time);
  EXPECT_NE(again.err.find("nothing to do"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("unchanged"), std::string::npos) << again.err;
  backups = 0;
  for (const auto& e : fs::directory_iterator(KubeconfigPath().parent_path()))
    backups += e.path().filename().string().find(".platformctl-backup-") != std::string::npos;
  EXPECT_EQ(backups, 1);
}

TEST_F(HostCli, ChangedK3sFlagsAreShownAndReappliedOnlyWithYes) {
  ASSERT_EQ(Run({"host", "apply", "--only", "k3s"}).exit_code, 0);
  auto r = Run({"host", "apply", "--only", "k3s", "--set", "K3S_INGRESS_MODE=none", "--set",
                "INGRESS_PROVIDER=nginx"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.err.find("server flag missing: --disable=traefik"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--yes"), std::string::npos) << r.err;
  EXPECT_FALSE(Has(CallLines(), "k3s-install.sh"));
  auto yes = Run({"host", "apply", "--only", "k3s", "--yes", "--set", "K3S_INGRESS_MODE=none",
                  "--set", "INGRESS_PROVIDER=nginx"});
  EXPECT_EQ(yes.exit_code, 0) << yes.out << yes.err;
  json installer;
  for (const auto& c : Calls())
    if (c["tool"] == "k3s-install.sh") installer = c;
  ASSERT_FALSE(installer.is_null());
  EXPECT_EQ(installer["env"]["INSTALL_K3S_EXEC"],
            "server --flannel-backend=none --disable-network-policy --disable=traefik");
  // Validation refuses Traefik as the ingress provider without k3s's Traefik.
  auto bad =
      Run({"host", "plan", "--set", "K3S_INGRESS_MODE=none", "--set", "INGRESS_PROVIDER=traefik"});
  EXPECT_EQ(bad.exit_code, 2) << bad.out << bad.err;
  EXPECT_NE(bad.err.find("K3S_INGRESS_MODE"), std::string::npos) << bad.err;
}

TEST_F(HostCli, InstallerWithAnotherChecksumIsRefusedBeforeItRuns) {
  auto r = Run(
      {"host", "apply", "--only", "k3s", "--set", "K3S_INSTALL_SHA256=" + std::string(64, 'a')});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("SHA-256"), std::string::npos) << r.err;
  EXPECT_FALSE(Has(CallLines(), "k3s-install.sh"));
  const std::string good = Sha256Hex(ReadAll(kFakeHost + "/k3s-install.py"));
  auto ok = Run({"host", "apply", "--only", "k3s", "--set", "K3S_INSTALL_SHA256=" + good});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(Has(CallLines(), "k3s-install.sh"));
}

TEST_F(HostCli, DeleteRemovesOnlyMarkedUnitsAndSucceedsWhenGone) {
  ASSERT_EQ(Run({"host", "apply", "--only", "dns"}).exit_code, 0);
  // A unit of the same name that the user wrote: left alone.
  Write(Units() / "platformctl-dns.service", "[Service]\nExecStart=/usr/bin/true\n");
  auto r = Run({"host", "delete"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_FALSE(fs::exists(Units() / "platformctl-dns.timer"));
  EXPECT_TRUE(fs::exists(Units() / "platformctl-dns.service"));
  EXPECT_NE(r.err.find("no platformctl marker"), std::string::npos) << r.err;
  EXPECT_TRUE(Has(CallLines(), "systemctl disable --now platformctl-dns.timer"));
  fs::remove(Units() / "platformctl-dns.service");
  auto again = Run({"host", "delete"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("nothing to remove"), std::string::npos) << again.err;
  EXPECT_FALSE(Has(CallLines(), "systemctl"));
}

TEST_F(HostCli, K3sUninstallRunsLastAndOnlyWhenAskedFor) {
  ASSERT_EQ(Run({"host", "apply", "--only", "k3s"}).exit_code, 0);
  auto keep = Run({"host", "delete", "--yes"});
  ASSERT_EQ(keep.exit_code, 0) << keep.err;
  EXPECT_TRUE(fs::exists(root_ / "usr/local/bin/k3s"));
  auto refused = Run({"host", "delete", "--set", "K3S_UNINSTALL=true"});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_TRUE(fs::exists(root_ / "usr/local/bin/k3s"));
  auto r = Run({"host", "delete", "--yes", "--set", "K3S_UNINSTALL=true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto calls = CallLines();
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), "k3s-uninstall.sh");
  EXPECT_FALSE(fs::exists(root_ / "usr/local/bin/k3s"));
  // Without --with-host a cluster delete says K3S_UNINSTALL does nothing.
  auto plan = Run({"plan", "--delete", "--set", "K3S_UNINSTALL=true"});
  EXPECT_NE(plan.err.find("K3S_UNINSTALL=true has no effect without --with-host"),
            std::string::npos)
      << plan.err;
}

TEST_F(HostCli, NonRootIsRefusedBeforeAnythingRunsAndHostSudoUsesSudo) {
  auto r = Run({"host", "apply"}, {{"PLATFORMCTL_TEST_EUID", "1000"}});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("need root"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("HOST_SUDO=true"), std::string::npos) << r.err;
  EXPECT_TRUE(Calls().empty());
  EXPECT_FALSE(fs::exists(Units() / "platformctl-dns.service"));
  auto s = Run({"host", "apply", "--only", "packages,dns", "--set", "HOST_SUDO=true"},
               {{"PLATFORMCTL_TEST_EUID", "1000"}});
  ASSERT_EQ(s.exit_code, 0) << s.out << s.err;
  const auto calls = CallLines();
  EXPECT_TRUE(Has(calls, "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install"))
      << Dump(calls);
  EXPECT_TRUE(Has(calls, "sudo -n install -D -m 644 --")) << Dump(calls);
  EXPECT_TRUE(Has(calls, "sudo -n systemctl daemon-reload")) << Dump(calls);
  EXPECT_EQ(ReadAll(Units() / "platformctl-dns.timer"), kExpectedTimer);
}

TEST_F(HostCli, NonSystemdHostGetsANoticeAndNothingElse) {
  fs::remove_all(root_ / "run/systemd");
  auto r = Run({"host", "apply", "--only", "dns"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("does not run systemd"), std::string::npos) << r.err;
  EXPECT_TRUE(Calls().empty());
  EXPECT_FALSE(fs::exists(Units() / "platformctl-dns.service"));
}

TEST_F(HostCli, KubeconfigOutWritesAStandaloneFile) {
  const fs::path out = repo_.Root() / "k3s.kubeconfig";
  auto r = Run({"host", "apply", "--only", "k3s", "--set", "KUBECONFIG_OUT=" + out.string(),
                "--set", "K3S_CONTEXT_NAME=homelab"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const fs::path written = fs::path(root_.string() + out.string());
  const std::string text = ReadAll(written);
  EXPECT_NE(text.find("current-context: homelab"), std::string::npos) << text;
  EXPECT_EQ(text.find("work-token"), std::string::npos) << text;
  EXPECT_NE(ReadAll(KubeconfigPath()).find("current-context: work"), std::string::npos);
}

}  // namespace
}  // namespace platformctl

namespace platformctl {
namespace {

TEST_F(HostCli, UnderSudoTheTrailGoesBackToTheInvokingUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (chown)";
  auto r = Run({"host", "apply", "--only", "dns"}, {{"SUDO_UID", "4321"}, {"SUDO_GID", "4321"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(::stat((repo_.Root() / "artifacts").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 4321u);
  for (const auto& e : fs::recursive_directory_iterator(repo_.Root() / "artifacts/runs")) {
    ASSERT_EQ(::lstat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 4321u) << e.path();
  }
  // Host files stay root's.
  ASSERT_EQ(::stat((Units() / "platformctl-dns.timer").c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, 0u);
}

}  // namespace
}  // namespace platformctl
