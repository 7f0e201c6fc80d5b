// The host layer's pure helpers: units, k3s flags and read-backs, package
// queries, package manager detection, kubeconfig merge.
#include "platformctl/host.h"

#include <gtest/gtest.h>

#include "platformctl/config.h"

namespace platformctl {
namespace {

TEST(HostUnits, ServiceIsOneshotWithoutRestartAndQuotesPaths) {
  HostFacts f;
  f.platformctl = "/opt/platform ctl/bin/platformctl";
  f.user = "sam";
  const std::string unit = RenderDnsService(f, "/home/sam/my repo", "profiles/homelab.env");
  EXPECT_TRUE(unit.starts_with(kManagedUnitMarker));
  EXPECT_NE(unit.find("Type=oneshot\n"), std::string::npos);
  EXPECT_EQ(unit.find("Restart"), std::string::npos);  // W46
  EXPECT_NE(unit.find("User=sam\n"), std::string::npos);
  EXPECT_NE(unit.find("ExecStart=\"/opt/platform ctl/bin/platformctl\" --repo \"/home/sam/my "
                      "repo\" --profile \"/home/sam/my repo/profiles/homelab.env\" dns update\n"),
            std::string::npos)
      << unit;
  f.user = "root";
  EXPECT_EQ(RenderDnsService(f, "/srv/p", "").find("User="), std::string::npos);
}

TEST(HostUnits, SystemdQuoteEscapesPercentDollarAndQuotes) {
  EXPECT_EQ(SystemdQuote("/usr/bin/x"), "/usr/bin/x");
  EXPECT_EQ(SystemdQuote("/a%b"), "/a%%b");
  EXPECT_EQ(SystemdQuote("/a$b"), "/a$$b");
  EXPECT_EQ(SystemdQuote("a \"b\""), "\"a \\\"b\\\"\"");
  EXPECT_EQ(SystemdQuote(""), "\"\"");
}

TEST(HostUnits, TimerRunsOnACalendarStepThatDividesAnHourOrADay) {
  EXPECT_EQ(CalendarFor(600), "*:0/10");
  EXPECT_EQ(CalendarFor(60), "*:*");
  EXPECT_EQ(CalendarFor(3600), "*-*-* 0/1:00:00");
  EXPECT_EQ(CalendarFor(6 * 3600), "*-*-* 0/6:00:00");
  EXPECT_EQ(CalendarFor(86400), "daily");
  EXPECT_FALSE(CalendarFor(7 * 60));
  EXPECT_FALSE(CalendarFor(90));
  EXPECT_FALSE(CalendarFor(5 * 3600));
  EXPECT_FALSE(CalendarFor(0));
  const auto timer = RenderDnsTimer(900);
  ASSERT_TRUE(timer);
  EXPECT_NE(timer->find("OnCalendar=*:0/15\n"), std::string::npos);
  EXPECT_NE(timer->find("Persistent=true\n"), std::string::npos);
  EXPECT_NE(timer->find("Unit=platformctl-dns.service\n"), std::string::npos);
}

TEST(HostK3s, ServerFlagsFollowCiliumIngressModeAndExtraArgs) {
  auto flags = [](std::map<std::string, std::string> v) {
    return K3sServerFlags(Config::FromValues(v));
  };
  EXPECT_EQ(flags({{"FEAT_CILIUM", "true"}, {"K3S_INGRESS_MODE", "traefik"}}),
            (std::vector<std::string>{"--flannel-backend=none", "--disable-network-policy"}));
  EXPECT_EQ(flags({{"FEAT_CILIUM", "true"}, {"K3S_INGRESS_MODE", "none"}}),
            (std::vector<std::string>{"--flannel-backend=none", "--disable-network-policy",
                                      "--disable=traefik"}));
  EXPECT_EQ(flags({{"FEAT_CILIUM", "false"}, {"K3S_INGRESS_MODE", "traefik"}}),
            std::vector<std::string>{});
  EXPECT_EQ(flags({{"FEAT_CILIUM", "false"},
                   {"K3S_INGRESS_MODE", "none"},
                   {"K3S_EXTRA_ARGS", "\"--write-kubeconfig-mode=0600 --tls-san=lab.example\""}}),
            (std::vector<std::string>{"--disable=traefik", "--write-kubeconfig-mode=0600",
                                      "--tls-san=lab.example"}));
}

TEST(HostK3s, FlagsAreReadBackFromTheInstallersServiceUnit) {
  // As get.k3s.io writes it (create_systemd_service_file).
  const std::string unit =
      "[Unit]\nDescription=Lightweight Kubernetes\n\n[Service]\nType=notify\n"
      "ExecStartPre=-/sbin/modprobe br_netfilter\n"
      "ExecStart=/usr/local/bin/k3s \\\n    server \\\n\t'--flannel-backend=none' \\\n"
      "\t'--disable-network-policy' \\\n\t'--disable=traefik' \\\n\n";
  const auto flags = ParseK3sServiceFlags(unit);
  ASSERT_TRUE(flags);
  EXPECT_EQ(*flags, (std::vector<std::string>{"--flannel-backend=none", "--disable-network-policy",
                                              "--disable=traefik"}));
  EXPECT_EQ(ParseK3sServiceFlags("ExecStart=/usr/local/bin/k3s \\\n    server \\\n\n"),
            std::vector<std::string>{});
  EXPECT_FALSE(ParseK3sServiceFlags("[Service]\nExecStart=/usr/bin/true\n"));
  EXPECT_EQ(ParseK3sVersion("k3s version v1.31.4+k3s1 (a562d090)\ngo version go1.22.9\n"),
            "v1.31.4+k3s1");
  EXPECT_EQ(ParseK3sVersion("bash: k3s: not found"), "");
}

TEST(HostPackages, ManagerFromOsReleaseAndMissingFromTheQuery) {
  EXPECT_EQ(PackageManagerFor("debian", ""), "apt");
  EXPECT_EQ(PackageManagerFor("pop", "ubuntu debian"), "apt");
  EXPECT_EQ(PackageManagerFor("rocky", "rhel centos fedora"), "dnf");
  EXPECT_EQ(PackageManagerFor("fedora", ""), "dnf");
  EXPECT_EQ(PackageManagerFor("manjaro", "arch"), "pacman");
  EXPECT_EQ(PackageManagerFor("opensuse-tumbleweed", "opensuse suse"), "zypper");
  EXPECT_EQ(PackageManagerFor("alpine", ""), "");
  const std::vector<std::string> pkgs{"curl", "iptables", "ca-certificates"};
  EXPECT_EQ(MissingPackages("apt", pkgs,
                            "curl installed\ndpkg-query: no packages found matching iptables\n"
                            "ca-certificates not-installed\n"),
            (std::vector<std::string>{"iptables", "ca-certificates"}));
  EXPECT_EQ(MissingPackages("dnf", pkgs,
                            "curl installed\npackage iptables is not installed\nca-certificates "
                            "installed\n"),
            std::vector<std::string>{"iptables"});
  EXPECT_EQ(MissingPackages("pacman", pkgs,
                            "curl 8.5.0-1\nerror: package 'iptables' was not found\n"
                            "ca-certificates 20240203-1\n"),
            std::vector<std::string>{"iptables"});
  EXPECT_EQ(PackageQueryArgv("apt", {"curl"}).front(), "dpkg-query");
  EXPECT_EQ(PackageQueryArgv("zypper", {"curl"}).front(), "rpm");
}

constexpr const char* kK3sYaml =
    "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: Q0E=\n    server: "
    "https://127.0.0.1:6443\n  name: default\ncontexts:\n- context:\n    cluster: default\n    "
    "user: default\n  name: default\ncurrent-context: default\nkind: Config\npreferences: {}\n"
    "users:\n- name: default\n  user:\n    client-certificate-data: Q0VSVA==\n    "
    "client-key-data: S0VZ\n";

TEST(HostKubeconfig, MergeKeepsOtherContextsAndReplacesItsOwn) {
  const std::string existing =
      "apiVersion: v1\nkind: Config\nclusters:\n- name: work\n  cluster:\n    server: "
      "https://work:6443\n- name: k3s\n  cluster:\n    server: https://old:6443\ncontexts:\n- "
      "name: work\n  context:\n    cluster: work\n    user: work\n- name: k3s\n  context:\n    "
      "cluster: k3s\n    user: k3s\ncurrent-context: work\nusers:\n- name: work\n  user:\n    "
      "token: t\n- name: k3s\n  user:\n    token: old\n";
  const auto m = MergeKubeconfig(kK3sYaml, existing, "k3s", false);
  ASSERT_EQ(m.error, "");
  EXPECT_TRUE(m.changed);
  EXPECT_EQ(m.previous_context, "work");
  EXPECT_EQ(m.kept, std::vector<std::string>{"work"});
  EXPECT_NE(m.text.find("https://work:6443"), std::string::npos);
  EXPECT_EQ(m.text.find("https://old:6443"), std::string::npos);  // replaced, not duplicated
  EXPECT_NE(m.text.find("https://127.0.0.1:6443"), std::string::npos);
  EXPECT_NE(m.text.find("current-context: k3s"), std::string::npos);
  EXPECT_EQ(m.text.find("name: default"), std::string::npos);
  // Merging again is no change.
  const auto again = MergeKubeconfig(kK3sYaml, m.text, "k3s", false);
  EXPECT_FALSE(again.changed);
  // A broken kubeconfig is never overwritten.
  EXPECT_NE(MergeKubeconfig(kK3sYaml, "clusters: [\n", "k3s", false).error, "");
  EXPECT_NE(MergeKubeconfig("nope", "", "k3s", false).error, "");
  // Standalone: only k3s, renamed.
  const auto alone = MergeKubeconfig(kK3sYaml, existing, "lab", true);
  EXPECT_EQ(alone.text.find("work"), std::string::npos);
  EXPECT_NE(alone.text.find("current-context: lab"), std::string::npos);
}

}  // namespace
}  // namespace platformctl
