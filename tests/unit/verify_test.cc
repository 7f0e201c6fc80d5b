// The check registry and its judges over real object shapes: the fixtures in
// tests/fixtures/verify/ are what real kubectl and helm print for kube-sim's
// healthy-default cluster (the default config applied). Each test breaks one
// thing and expects exactly the check that reads it to fail.
#include "platformctl/verify.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "platformctl/config.h"
#include "platformctl/https_probe.h"
#include "test_util.h"

namespace platformctl {
namespace {

using Json = nlohmann::json;
using testing::SourceDir;

Json Fixture(const std::string& name) {
  std::ifstream in(std::filesystem::path(SourceDir()) / "tests/fixtures/verify" / name);
  return Json::parse(in);
}

constexpr std::int64_t kNow = 1796126400;  // 2026-12-01T12:00:00Z

/// Answers the verify queries from the fixtures; counts processes per family.
struct FakeCluster {
  Json objects = Fixture("objects.json");
  Json runtime = Fixture("runtime.json");
  Json releases = Fixture("releases.json");
  Json events = Fixture("events.json");
  std::string drift_out;
  int drift_rc = 0;
  std::string objects_error;  ///< the first certificates query fails with this output
  std::map<std::string, int> calls;
  std::vector<std::vector<std::string>> argvs;

  ProcessResult Run(const CommandOp& op) {
    argvs.push_back(op.argv);
    const auto has = [&op](std::string_view a) {
      return std::find(op.argv.begin(), op.argv.end(), a) != op.argv.end();
    };
    ProcessResult r;
    r.exit_code = 0;
    if (op.argv[0] == "helmfile") {
      ++calls["drift"];
      r.exit_code = drift_rc;
      r.output = drift_out;
    } else if (op.argv[0] == "helm") {
      ++calls["releases"];
      r.output = releases.dump();
    } else if (has("nodes,pods")) {
      ++calls["runtime"];
      r.output = runtime.dump();
    } else if (has("events")) {
      ++calls["events"];
      r.output = events.dump();
    } else if (has("describe") || has("logs")) {
      ++calls["pod"];
      r.output = "details\n";
    } else {
      // The three object families: each answers from the one fixture list
      // (the judges pick their kinds).
      const std::string kinds = op.argv[2];
      const std::string family = kinds.starts_with("namespaces") ? "workloads"
                                 : kinds.starts_with("services") ? "network"
                                                                 : "certificates";
      ++calls[family];
      if (!objects_error.empty() && family == "certificates" && calls[family] == 1) {
        r.exit_code = 1;
        r.output = objects_error;
      } else {
        r.output = objects.dump();
      }
    }
    return r;
  }

  Json* Find(Json& list, std::string_view kind, std::string_view ns, std::string_view name) {
    for (auto& o : list["items"]) {
      if (o["kind"] == kind && o["metadata"].value("namespace", "") == ns &&
          o["metadata"]["name"] == name)
        return &o;
    }
    ADD_FAILURE() << "fixture has no " << kind << " " << ns << "/" << name;
    static Json dummy;
    return &dummy;
  }
  Json* Object(std::string_view kind, std::string_view ns, std::string_view name) {
    return Find(objects, kind, ns, name);
  }
  void Remove(std::string_view kind, std::string_view ns, std::string_view name) {
    auto& items = objects["items"];
    for (auto it = items.begin(); it != items.end(); ++it) {
      if ((*it)["kind"] == kind && (*it)["metadata"].value("namespace", "") == ns &&
          (*it)["metadata"]["name"] == name) {
        items.erase(it);
        return;
      }
    }
    ADD_FAILURE() << "fixture has no " << kind << " " << ns << "/" << name;
  }
};

/// Serves protected hosts a redirect to oauth2-proxy, others 200, with a
/// staging certificate for the host.
class FakeProber : public HttpsProber {
 public:
  HttpsProbeResult Probe(const HttpsProbeRequest& request) override {
    requests.push_back(request);
    HttpsProbeResult r;
    r.status = 200;
    if (request.host.starts_with("hubble.") || request.host.starts_with("clickstack.") ||
        request.host.starts_with("staging.hello.")) {
      r.status = 302;
      r.location = "https://oauth.homelab.swhurl.com/oauth2/start?rd=https://" + request.host + "/";
    }
    TlsCertificate c;
    c.issuer_o = issuer_o;
    c.issuer = "CN=(STAGING) Pseudo Plum E5,O=" + issuer_o + ",C=US";
    c.not_before = kNow - 86400;
    c.not_after = kNow + 60 * 86400;
    c.dns_names = {request.host};
    r.certificate = c;
    return r;
  }
  std::string issuer_o = "(STAGING) Let's Encrypt";
  std::vector<HttpsProbeRequest> requests;
};

std::map<std::string, std::string> Inputs() {
  return {{"ACME_EMAIL", "you@example.com"},
          {"OIDC_ISSUER", "https://accounts.example.com"},
          {"OIDC_CLIENT_ID", "platform"},
          {"OIDC_CLIENT_SECRET", "oidc-secret-value"},
          {"OAUTH_COOKIE_SECRET", "0123456789abcdef"},
          {"OAUTH_EMAIL_DOMAINS", "example.com"},
          {"CLICKSTACK_API_KEY", "api-key-value"},
          {"CLICKSTACK_INGESTION_KEY", "ingestion-key-value"},
          {"MINIO_ROOT_PASSWORD", "minio-root-password"}};
}

struct Outcome {
  std::vector<CheckResult> results;
  int processes = 0;

  [[nodiscard]] const CheckResult& Get(const std::string& id) const {
    for (const auto& r : results) {
      if (r.id == id) return r;
    }
    static CheckResult none;
    ADD_FAILURE() << "no check " << id;
    return none;
  }
  [[nodiscard]] std::vector<std::string> Failed() const {
    std::vector<std::string> out;
    for (const auto& r : results) {
      if (r.status == CheckStatus::kFail) out.push_back(r.id + ": " + r.message);
    }
    return out;
  }
};

Outcome Verify(FakeCluster& cluster, std::map<std::string, std::string> overrides = {},
               bool deep = false, const std::string& only = "", FakeProber* prober = nullptr,
               const std::string& diag_dir = "") {
  auto values = Inputs();
  for (auto& [k, v] : overrides) values[k] = v;
  Config config = Config::FromValues(values);
  VerifyEnv env;
  env.run = [&cluster](const CommandOp& op) { return cluster.Run(op); };
  FakeProber default_prober;
  env.prober = prober != nullptr ? prober : &default_prober;
  env.repo_root = SourceDir();
  env.now = kNow;
  env.diagnostics_dir = diag_dir.empty() ? "/tmp/platformctl-verify-test-diag" : diag_dir;
  for (const auto& [k, v] : Inputs()) {
    if (k.find("SECRET") != std::string::npos || k.find("KEY") != std::string::npos ||
        k.find("PASSWORD") != std::string::npos)
      env.secrets.push_back(values[k]);
  }
  PlanOptions options;
  Verifier verifier(config, std::move(env), BuildVerifyQueries(config, options));
  Diagnostics diags;
  auto checks = SelectChecks(config, only, deep, diags);
  EXPECT_TRUE(checks.has_value());
  Outcome r;
  r.results = verifier.Run(*checks);
  r.processes = verifier.processes();
  return r;
}

TEST(Verify, HealthyClusterPassesTheCoreTierInFourProcesses) {
  FakeCluster cluster;
  Outcome r = Verify(cluster);
  EXPECT_TRUE(r.Failed().empty()) << ::testing::PrintToString(r.Failed());
  EXPECT_EQ(r.processes, 4);  // one per family, however many checks read it
  for (const char* family : {"workloads", "network", "certificates", "drift"})
    EXPECT_EQ(cluster.calls[family], 1) << family;
  // Every enabled component with workloads is judged (W28/W29: nothing is a no-op).
  for (const char* id : {"cilium/workloads", "cert-manager/workloads", "ingress-nginx/workloads",
                         "oauth2-proxy/workloads", "clickstack/workloads",
                         "otel-daemonset/workloads", "otel-cluster/workloads", "minio/workloads",
                         "hello-web/workloads", "hello-web/certificates", "minio/ingress"}) {
    EXPECT_EQ(r.Get(id).status, CheckStatus::kPass) << id << ": " << r.Get(id).message;
  }
  // No deep check runs without --deep.
  for (const auto& c : r.results) EXPECT_EQ(c.tier, CheckTier::kCore) << c.id;
}

TEST(Verify, HealthyClusterPassesTheDeepTierInSevenProcesses) {
  FakeCluster cluster;
  FakeProber prober;
  const std::string dir = "/tmp/platformctl-verify-test-deep";
  std::filesystem::remove_all(dir);
  Outcome r = Verify(cluster, {}, /*deep=*/true, "", &prober, dir);
  EXPECT_TRUE(r.Failed().empty()) << ::testing::PrintToString(r.Failed());
  EXPECT_EQ(r.processes, 7);  // workloads, network, certificates, drift, runtime, releases, events
  EXPECT_EQ(r.Get("cluster/nodes").message, "1/1 nodes Ready");
  // Every enabled ingress host is probed through the node address and NodePort.
  EXPECT_EQ(prober.requests.size(), 6u);
  for (const auto& req : prober.requests) {
    EXPECT_EQ(req.connect_address, "192.0.2.10") << req.host;
    EXPECT_EQ(req.port, 30313);
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/events-last-hour.txt"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/helm-releases.txt"));
  std::filesystem::remove_all(dir);
}

TEST(Verify, NotReadyNodeIsNotCountedReady) {  // W27
  FakeCluster cluster;
  for (auto& c :
       cluster.Find(cluster.runtime, "Node", "", "homelab-k3s")->at("status")["conditions"]) {
    if (c["type"] == "Ready") c["status"] = "False";
  }
  Outcome r = Verify(cluster, {}, true, "cluster/nodes");
  EXPECT_EQ(r.Get("cluster/nodes").status, CheckStatus::kFail);
  EXPECT_NE(r.Get("cluster/nodes").message.find("0/1 nodes Ready: homelab-k3s Ready=False"),
            std::string::npos)
      << r.Get("cluster/nodes").message;
}

TEST(Verify, DeploymentWithNoReadyReplicaFailsItsComponent) {
  FakeCluster cluster;
  auto& st = cluster.Object("Deployment", "apps-staging", "hello-web")->at("status");
  st["readyReplicas"] = 0;
  st["availableReplicas"] = 0;
  Outcome r = Verify(cluster);
  EXPECT_EQ(r.Failed().size(), 1u) << ::testing::PrintToString(r.Failed());
  const auto& c = r.Get("hello-web/workloads");
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_NE(c.message.find("deployment/hello-web: 0/1 replicas available"), std::string::npos)
      << c.message;
  EXPECT_NE(c.remediation.find("platformctl apply --only apps/hello-web"), std::string::npos);
}

TEST(Verify, OldObservedGenerationIsInProgress) {
  FakeCluster cluster;
  cluster.Object("Deployment", "cert-manager", "cert-manager-webhook")
      ->at("metadata")["generation"] = 2;
  Outcome r = Verify(cluster, {}, false, "cert-manager");
  const auto& c = r.Get("cert-manager/workloads");
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_NE(c.message.find("observedGeneration 1, generation 2"), std::string::npos) << c.message;
}

TEST(Verify, AbsentWorkloadsAreNotZeroMatches) {  // W28
  FakeCluster cluster;
  cluster.Remove("DaemonSet", "logging", "otel-k8s-daemonset-opentelemetry-collector-agent");
  Outcome r = Verify(cluster, {}, false, "otel-daemonset");
  const auto& c = r.Get("otel-daemonset/workloads");
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_NE(c.message.find("no Deployment, DaemonSet or StatefulSet of release "
                           "logging/otel-k8s-daemonset found"),
            std::string::npos)
      << c.message;
}

TEST(Verify, CertificateNotReadyFails) {
  FakeCluster cluster;
  for (auto& c :
       cluster.Object("Certificate", "storage", "minio-tls")->at("status")["conditions"]) {
    c["status"] = "False";
    c["reason"] = "Failed";
    c["message"] = "order failed";
  }
  Outcome r = Verify(cluster);
  EXPECT_EQ(r.Failed().size(), 1u) << ::testing::PrintToString(r.Failed());
  EXPECT_NE(r.Get("minio/certificates")
                .message.find("Certificate storage/minio-tls not Ready: "
                              "Ready=False (Failed: order failed)"),
            std::string::npos)
      << r.Get("minio/certificates").message;
}

TEST(Verify, AppCertificateFromAnotherIssuerFails) {  // W29: APP_CLUSTER_ISSUER
  FakeCluster cluster;
  Outcome r = Verify(cluster, {{"APP_CLUSTER_ISSUER", "selfsigned"}}, false, "hello-web");
  const auto& c = r.Get("hello-web/certificates");
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_NE(c.message.find("is issued by 'letsencrypt-staging', expected 'selfsigned' "
                           "(APP_CLUSTER_ISSUER)"),
            std::string::npos)
      << c.message;
}

TEST(Verify, IssuerEmailMismatchFails) {
  FakeCluster cluster;
  Outcome r = Verify(cluster, {{"ACME_EMAIL", "ops@example.org"}}, false, "issuers");
  const auto& c = r.Get("issuers/acme-email");
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_NE(c.message.find("letsencrypt-staging has email 'you@example.com', the config says "
                           "'ops@example.org'"),
            std::string::npos)
      << c.message;
  EXPECT_EQ(c.remediation, "platformctl apply --only issuers/install");
  EXPECT_EQ(r.Get("issuers/alias").status, CheckStatus::kPass);
}

TEST(Verify, AliasIssuerOnTheWrongServerFails) {
  FakeCluster cluster;
  cluster.Object("ClusterIssuer", "", "letsencrypt")->at("spec")["acme"]["server"] =
      "https://acme-v02.api.letsencrypt.org/directory";
  Outcome r = Verify(cluster, {}, false, "issuers");
  EXPECT_EQ(r.Get("issuers/alias").status, CheckStatus::kFail);
  EXPECT_NE(r.Get("issuers/alias").message.find("LETSENCRYPT_ENV=staging"), std::string::npos);
  EXPECT_EQ(r.Get("issuers/acme-servers").status, CheckStatus::kPass);
  // And with LETSENCRYPT_ENV=prod the same cluster passes the alias check.
  Outcome prod = Verify(cluster, {{"LETSENCRYPT_ENV", "prod"}}, false, "issuers/alias");
  EXPECT_EQ(prod.Get("issuers/alias").status, CheckStatus::kPass);
}

TEST(Verify, UnregisteredAcmeIssuerIsNotReady) {
  FakeCluster cluster;
  cluster.Object("ClusterIssuer", "", "letsencrypt-prod")->at("status")["acme"].erase("uri");
  Outcome r = Verify(cluster, {}, false, "issuers/ready");
  EXPECT_EQ(r.Get("issuers/ready").status, CheckStatus::kFail);
  EXPECT_NE(r.Get("issuers/ready").message.find("no status.acme.uri"), std::string::npos);
}

TEST(Verify, PendingAndFailedReleasesFail) {  // W30
  FakeCluster cluster;
  for (auto& rel : cluster.releases) {
    if (rel["name"] == "clickstack") rel["status"] = "pending-upgrade";
    if (rel["name"] == "minio") rel["status"] = "failed";
  }
  Outcome r = Verify(cluster, {}, true, "releases");
  EXPECT_EQ(r.Get("clickstack/releases").status, CheckStatus::kFail);
  EXPECT_EQ(r.Get("clickstack/releases").remediation, "platformctl apply --recover-pending");
  EXPECT_NE(
      r.Get("clickstack/releases").message.find("observability/clickstack is pending-upgrade"),
      std::string::npos);
  EXPECT_EQ(r.Get("minio/releases").status, CheckStatus::kFail);
  EXPECT_EQ(r.Get("minio/releases").remediation, "platformctl apply --only platform/minio");
  EXPECT_EQ(r.Get("cert-manager/releases").status, CheckStatus::kPass);
  EXPECT_EQ(r.processes, 1);  // one helm list for every release check
}

TEST(Verify, ExtraReleasesFollowScopeAllowlistAndStrictness) {
  FakeCluster cluster;
  cluster.releases.push_back({{"name", "custom-app"},
                              {"namespace", "ingress"},
                              {"status", "deployed"},
                              {"revision", "1"}});
  cluster.releases.push_back(
      {{"name", "other"}, {"namespace", "team-x"}, {"status", "deployed"}, {"revision", "1"}});
  Outcome lax = Verify(cluster, {}, true, "releases/extras");
  EXPECT_EQ(lax.Get("releases/extras").status, CheckStatus::kSkip);
  EXPECT_NE(lax.Get("releases/extras").message.find("ingress/custom-app"), std::string::npos);
  Outcome strict =
      Verify(cluster, {{"VERIFY_RELEASE_STRICT_EXTRAS", "true"}}, true, "releases/extras");
  EXPECT_EQ(strict.Get("releases/extras").status, CheckStatus::kFail);
  EXPECT_NE(strict.Get("releases/extras").message.find("ingress/custom-app"), std::string::npos);
  EXPECT_EQ(strict.Get("releases/extras").message.find("team-x"), std::string::npos)
      << "platform scope ignores other namespaces";
  Outcome allowed = Verify(
      cluster,
      {{"VERIFY_RELEASE_STRICT_EXTRAS", "true"}, {"VERIFY_RELEASE_ALLOWLIST", "ingress/custom-*"}},
      true, "releases/extras");
  EXPECT_EQ(allowed.Get("releases/extras").status, CheckStatus::kPass);
  EXPECT_NE(allowed.Get("releases/extras").message.find("allowed: ingress/custom-app"),
            std::string::npos);
  Outcome cluster_scope = Verify(cluster,
                                 {{"VERIFY_RELEASE_STRICT_EXTRAS", "true"},
                                  {"VERIFY_RELEASE_ALLOWLIST", "ingress/custom-*"},
                                  {"VERIFY_RELEASE_SCOPE", "cluster"}},
                                 true, "releases/extras");
  EXPECT_EQ(cluster_scope.Get("releases/extras").status, CheckStatus::kFail);
  EXPECT_NE(cluster_scope.Get("releases/extras").message.find("team-x/other"), std::string::npos);
}

TEST(Verify, IngressAuthAnnotationsFollowTheConfig) {
  FakeCluster cluster;
  cluster.Object("Ingress", "observability", "clickstack-app-ingress")
      ->at("metadata")["annotations"]
      .erase("nginx.ingress.kubernetes.io/auth-url");
  Outcome r = Verify(cluster, {}, false, "clickstack/ingress");
  EXPECT_EQ(r.Get("clickstack/ingress").status, CheckStatus::kFail);
  EXPECT_NE(r.Get("clickstack/ingress")
                .message.find("auth-url is '', expected "
                              "'https://oauth.homelab.swhurl.com/oauth2/auth'"),
            std::string::npos)
      << r.Get("clickstack/ingress").message;
  // oauth2-proxy off: the leftover annotations on hubble-ui are a failure.
  FakeCluster healthy;
  Outcome off = Verify(healthy, {{"FEAT_OAUTH2_PROXY", "false"}}, false, "cilium/ingress");
  EXPECT_EQ(off.Get("cilium/ingress").status, CheckStatus::kFail);
  EXPECT_NE(off.Get("cilium/ingress").message.find("carries oauth2-proxy auth annotations"),
            std::string::npos);
}

TEST(Verify, WrongIngressHostFailsWithTheKey) {
  FakeCluster cluster;
  Outcome r = Verify(cluster, {{"MINIO_HOST", "s3.example.com"}}, false, "minio/ingress");
  EXPECT_EQ(r.Get("minio/ingress").status, CheckStatus::kFail);
  EXPECT_NE(r.Get("minio/ingress").message.find("not MINIO_HOST=s3.example.com"),
            std::string::npos);
}

TEST(Verify, NginxServiceNodePorts) {
  FakeCluster cluster;
  for (auto& p :
       cluster.Object("Service", "ingress", "ingress-nginx-controller")->at("spec")["ports"])
    if (p["name"] == "https") p["nodePort"] = 32000;
  Outcome r = Verify(cluster, {}, false, "ingress-nginx");
  EXPECT_EQ(r.Get("ingress-nginx/service").status, CheckStatus::kFail);
  EXPECT_NE(r.Get("ingress-nginx/service").message.find("https nodePort 32000, expected 30313"),
            std::string::npos);
  EXPECT_EQ(r.Get("ingress-nginx/class").status, CheckStatus::kPass);
  EXPECT_EQ(r.Get("ingress-nginx/config").status, CheckStatus::kPass);
}

TEST(Verify, TraefikProviderChecksTraefikNotNginx) {
  FakeCluster cluster;  // the fixture runs ingress-nginx: Traefik's service is missing
  Outcome r = Verify(cluster, {{"INGRESS_PROVIDER", "traefik"}}, false, "traefik");
  EXPECT_EQ(r.Get("traefik/service").status, CheckStatus::kFail);
  EXPECT_NE(r.Get("traefik/service").message.find("Service kube-system/traefik missing"),
            std::string::npos);
  Diagnostics d;
  auto cfg = Config::FromValues({{"INGRESS_PROVIDER", "traefik"}});
  EXPECT_FALSE(SelectChecks(cfg, "ingress-nginx/service", false, d).has_value());
}

TEST(Verify, MissingCertManagerCrdsAreReportedNotFatal) {
  FakeCluster cluster;
  cluster.objects_error = "error: the server doesn't have a resource type \"clusterissuers\"\n";
  Outcome r = Verify(cluster, {}, false, "issuers/present,hello-web/workloads");
  EXPECT_EQ(r.Get("issuers/present").status, CheckStatus::kFail);
  EXPECT_NE(
      r.Get("issuers/present").message.find("the API serves no clusterissuers.cert-manager.io"),
      std::string::npos)
      << r.Get("issuers/present").message;
  EXPECT_EQ(r.Get("hello-web/workloads").status, CheckStatus::kPass);
  EXPECT_EQ(cluster.calls["certificates"], 2);
  // Asked again without the kind the API lacks.
  std::vector<std::string> retry;
  for (const auto& argv : cluster.argvs) {
    if (argv.size() > 2 && argv[2].find("cert-manager.io") != std::string::npos) retry = argv;
  }
  ASSERT_EQ(retry.size(), 5u) << ::testing::PrintToString(retry);
  EXPECT_EQ(retry[2], "certificates.cert-manager.io");
}

TEST(Verify, QueryFailureFailsEveryCheckReadingIt) {
  FakeCluster cluster;
  cluster.objects_error = "The connection to the server 127.0.0.1:6443 was refused\n";
  Outcome r = Verify(cluster, {}, false, "issuers/present,issuers/ready,issuers/alias");
  EXPECT_EQ(cluster.calls["certificates"], 1);  // failed once, not retried per check
  for (const char* id : {"issuers/present", "issuers/ready", "issuers/alias"}) {
    EXPECT_EQ(r.Get(id).status, CheckStatus::kFail);
    EXPECT_NE(r.Get(id).message.find("query failed"), std::string::npos);
    EXPECT_NE(r.Get(id).message.find("connection to the server"), std::string::npos);
  }
}

const char* kCiliumChurn =
    "Comparing release=cilium, chart=cilium/cilium, namespace=kube-system\n"
    "kube-system, cilium-ca, Secret (v1) has changed:\n"
    "  # Source: cilium/templates/cilium-ca-secret.yaml\n"
    "  apiVersion: v1\n"
    "- ca.crt: '-------- # (1234 bytes)'\n"
    "+ ca.crt: '++++++++ # (1234 bytes)'\n"
    "kube-system, hubble-server-certs, Secret (v1) has changed:\n"
    "  kind: Secret\n"
    "kube-system, hubble-relay-client-certs, Secret (v1) has changed:\n"
    "  kind: Secret\n"
    "\n"
    "Affected releases are:\n"
    "  cilium (cilium/cilium) UPDATED\n"
    "\n"
    "Identified at least one change\n";

TEST(Verify, DriftIgnoresOnlyTheRulesInTheRepo) {
  FakeCluster cluster;
  cluster.drift_rc = 2;
  cluster.drift_out = kCiliumChurn;
  Outcome r = Verify(cluster, {}, false, "helmfile/drift");
  EXPECT_EQ(r.Get("helmfile/drift").status, CheckStatus::kPass) << r.Get("helmfile/drift").message;
  EXPECT_NE(r.Get("helmfile/drift").message.find("only ignored drift"), std::string::npos);

  cluster.drift_out = std::string(kCiliumChurn) +
                      "Comparing release=minio, chart=minio/minio, namespace=storage\n"
                      "storage, minio, Deployment (apps) has changed:\n"
                      "-         replicas: 1\n+         replicas: 2\n";
  r = Verify(cluster, {}, false, "helmfile/drift");
  EXPECT_EQ(r.Get("helmfile/drift").status, CheckStatus::kFail);
  EXPECT_NE(
      r.Get("helmfile/drift").message.find("1 object(s) drifted: storage/minio Deployment changed"),
      std::string::npos)
      << r.Get("helmfile/drift").message;
  EXPECT_EQ(r.Get("helmfile/drift").remediation, "platformctl apply --only platform/minio");
}

TEST(DriftParse, EveryHelmDiffChangeStyle) {
  const auto r = ParseHelmfileDiff(
      "Comparing release=minio, chart=minio/minio, namespace=storage\n"
      "\x1b[33mstorage, minio, Deployment (apps) has changed:\x1b[0m\n"
      "+  replicas: 2\n"
      "storage, minio-new, ConfigMap (v1) has been added:\n"
      "storage, minio-old, Service (v1) has been removed:\n"
      ", minio-role, ClusterRole (rbac.authorization.k8s.io) changed ownership:\n"
      "storage, minio-secret, Secret (v1) has changed, but diff is empty after suppression.\n");
  ASSERT_TRUE(r.parsed) << r.error;
  ASSERT_EQ(r.items.size(), 5u);
  EXPECT_EQ(r.items[0].release, "minio");
  EXPECT_EQ(r.items[0].kind, "Deployment");
  EXPECT_EQ(r.items[0].change, "changed");
  EXPECT_EQ(r.items[1].change, "added");
  EXPECT_EQ(r.items[2].change, "removed");
  EXPECT_EQ(r.items[3].ns, "");
  EXPECT_EQ(r.items[3].change, "ownership");
  EXPECT_EQ(r.items[4].change, "suppressed");
}

TEST(Verify, DriftOutputThatCannotBeParsedFails) {  // W31
  FakeCluster cluster;
  cluster.drift_rc = 2;
  cluster.drift_out = "some new helm-diff output format\nwith no headers\n";
  Outcome r = Verify(cluster, {}, false, "helmfile/drift");
  EXPECT_EQ(r.Get("helmfile/drift").status, CheckStatus::kFail);
  EXPECT_NE(r.Get("helmfile/drift").message.find("no resource header could be parsed"),
            std::string::npos);
}

TEST(Verify, DriftErrorNamesTheHelmDiffPluginAndHidesSecrets) {
  FakeCluster cluster;
  cluster.drift_rc = 1;
  cluster.drift_out = "Error: unknown command \"diff\" for \"helm\"\nvalue minio-root-password\n";
  Outcome r = Verify(cluster, {}, false, "helmfile/drift");
  const auto& c = r.Get("helmfile/drift");
  EXPECT_EQ(c.status, CheckStatus::kFail);
  EXPECT_EQ(c.remediation, "helm plugin install https://github.com/databus23/helm-diff");
  EXPECT_EQ(c.message.find("minio-root-password"), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("<redacted>"), std::string::npos) << c.message;
}

TEST(Verify, DriftQueryHasNoArgsPassthroughAndPassesSecretsAsEnv) {
  auto config = Config::FromValues(Inputs());
  PlanOptions options;
  for (const auto& q : BuildVerifyQueries(config, options)) {
    if (q.family != "drift") continue;
    const auto& argv = q.command.argv;
    EXPECT_EQ(std::find(argv.begin(), argv.end(), "--args"), argv.end());
    for (const char* flag : {"--detailed-exitcode", "--suppress-secrets", "--skip-deps"})
      EXPECT_NE(std::find(argv.begin(), argv.end(), flag), argv.end()) << flag;
    auto sv = std::find(argv.begin(), argv.end(), "--state-values-file");
    ASSERT_NE(sv, argv.end());
    EXPECT_EQ(*(sv + 1), "{repo}/artifacts/state-values.yaml");
    std::vector<std::string> env;
    for (const auto& e : q.command.env) env.push_back(e.name);
    EXPECT_NE(std::find(env.begin(), env.end(), "MINIO_ROOT_PASSWORD"), env.end());
    for (const auto& a : argv) EXPECT_EQ(a.find("minio-root-password"), std::string::npos);
  }
}

TEST(Verify, HttpsSmokeJudgesStatusRedirectAndCertificate) {
  FakeCluster cluster;
  FakeProber prober;
  Outcome r = Verify(cluster, {}, true, "hello-web/https,minio/https", &prober);
  EXPECT_EQ(r.Get("hello-web/https").status, CheckStatus::kPass)
      << r.Get("hello-web/https").message;
  EXPECT_EQ(r.Get("minio/https").status, CheckStatus::kPass) << r.Get("minio/https").message;
  // A production certificate where staging is configured fails.
  FakeProber prod;
  prod.issuer_o = "Let's Encrypt";
  r = Verify(cluster, {}, true, "hello-web/https", &prod);
  EXPECT_EQ(r.Get("hello-web/https").status, CheckStatus::kFail);
  EXPECT_NE(r.Get("hello-web/https").message.find("issued by"), std::string::npos)
      << r.Get("hello-web/https").message;
  // Protection off: the app must answer itself, not redirect to oauth2-proxy... and
  // VERIFY_INGRESS_ADDRESS wins over the node address.
  FakeProber p2;
  r = Verify(cluster, {{"VERIFY_INGRESS_ADDRESS", "10.1.2.3"}, {"VERIFY_HTTPS_PORT", "8443"}}, true,
             "minio/https", &p2);
  ASSERT_EQ(p2.requests.size(), 2u);
  EXPECT_EQ(p2.requests[0].connect_address, "10.1.2.3");
  EXPECT_EQ(p2.requests[0].port, 8443);
}

TEST(Verify, DiagnosticsBundleKeepsTheLastHourAndRedacts) {
  FakeCluster cluster;
  // One event two hours old, one from ten minutes ago mentioning a secret value.
  cluster.events = {
      {"kind", "List"},
      {"items", Json::array({{{"kind", "Event"},
                              {"metadata", {{"name", "old"}, {"namespace", "storage"}}},
                              {"lastTimestamp", "2026-12-01T10:00:00Z"},
                              {"type", "Warning"},
                              {"reason", "OldReason"},
                              {"message", "old"},
                              {"involvedObject", {{"kind", "Pod"}, {"name", "minio-0"}}}},
                             {{"kind", "Event"},
                              {"metadata", {{"name", "new"}, {"namespace", "storage"}}},
                              {"lastTimestamp", "2026-12-01T11:50:00Z"},
                              {"type", "Warning"},
                              {"reason", "BackOff"},
                              {"message", "password minio-root-password rejected"},
                              {"involvedObject", {{"kind", "Pod"}, {"name", "minio-0"}}}}})}};
  // A failing pod gets a describe and a log tail.
  auto& pod = cluster.runtime["items"];
  for (auto& o : pod) {
    if (o["kind"] == "Pod" && o["metadata"]["namespace"] == "storage")
      o["status"]["phase"] = "Pending";
  }
  const std::string dir = "/tmp/platformctl-verify-test-bundle";
  std::filesystem::remove_all(dir);
  Outcome r = Verify(cluster, {}, true, "cluster/diagnostics", nullptr, dir);
  EXPECT_EQ(r.Get("cluster/diagnostics").status, CheckStatus::kPass)
      << r.Get("cluster/diagnostics").message;
  const std::string events = testing::ReadAll(dir + "/events-last-hour.txt");
  EXPECT_NE(events.find("BackOff"), std::string::npos);
  EXPECT_EQ(events.find("OldReason"), std::string::npos) << events;
  EXPECT_EQ(events.find("minio-root-password"), std::string::npos) << events;
  EXPECT_EQ(cluster.calls["pod"], 2);  // describe + logs of the one failing pod
  bool described = false;
  for (const auto& e : std::filesystem::directory_iterator(dir + "/pods"))
    described = described || e.path().filename().string().ends_with(".describe.txt");
  EXPECT_TRUE(described);
  std::filesystem::remove_all(dir);
}

TEST(Verify, RegistryConsistencyAndProviderMatrixPassOnTheShippedRepo) {
  FakeCluster cluster;
  Outcome r = Verify(cluster, {}, true, "registry");
  EXPECT_EQ(r.Get("registry/consistency").status, CheckStatus::kPass)
      << r.Get("registry/consistency").message;
  EXPECT_EQ(r.Get("registry/provider-matrix").status, CheckStatus::kPass)
      << r.Get("registry/provider-matrix").message;
  EXPECT_EQ(r.Get("registry/provider-matrix").message, "8 provider-matrix gates as expected");
  EXPECT_EQ(r.processes, 0);  // offline
}

TEST(Verify, RegistryConsistencyCatchesAWrongHelmfileGate) {
  testing::TempRepo repo;
  std::string helmfile = testing::ReadAll(SourceDir() + "/infra/helmfile.yaml.gotmpl");
  const std::string from = "installed: {{ $i.minio }}";
  ASSERT_NE(helmfile.find(from), std::string::npos);
  helmfile.replace(helmfile.find(from), from.size(), "installed: {{ $i.ceph }}");
  repo.Write("infra/helmfile.yaml.gotmpl", helmfile, 0644);
  auto config = Config::FromValues(Inputs());
  FakeCluster cluster;
  VerifyEnv env;
  env.run = [&cluster](const CommandOp& op) { return cluster.Run(op); };
  env.repo_root = repo.Root().string();
  Verifier verifier(config, std::move(env), {});
  Diagnostics d;
  auto checks = SelectChecks(config, "registry", true, d);
  ASSERT_TRUE(checks);
  auto results = verifier.Run(*checks);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, CheckStatus::kFail);
  EXPECT_NE(results[0].message.find("release minio is gated on installed.ceph"), std::string::npos)
      << results[0].message;
  EXPECT_EQ(results[1].status, CheckStatus::kFail);
  EXPECT_NE(results[1].message.find("[nginx-minio] release minio installed=false, expected true"),
            std::string::npos)
      << results[1].message;
}

TEST(Verify, OnlySelectsByIdComponentGroupAndGlobAndRejectsTypos) {
  auto config = Config::FromValues(Inputs());
  Diagnostics d;
  auto ids = [&](const std::string& only) {
    std::vector<std::string> out;
    auto checks = SelectChecks(config, only, false, d);
    if (checks) {
      for (const auto& c : *checks) out.push_back(c.id);
    }
    return out;
  };
  EXPECT_EQ(ids("issuers/alias"), std::vector<std::string>{"issuers/alias"});
  EXPECT_EQ(ids("minio").size(), 5u);  // workloads, ingress, certificates + deep: https, releases
  EXPECT_EQ(ids("drift"), std::vector<std::string>{"helmfile/drift"});
  EXPECT_EQ(ids("*/https").size(), 5u);
  EXPECT_TRUE(d.Empty());
  EXPECT_TRUE(ids("isuers/alias").empty());
  ASSERT_TRUE(d.HasErrors());
  EXPECT_NE(d.Items()[0].hint.find("did you mean issuers/alias?"), std::string::npos);
}

TEST(Verify, OneObjectQueryForThePlansVerifyPhase) {
  FakeCluster cluster;
  auto config = Config::FromValues(Inputs());
  VerifyEnv env;
  env.run = [&cluster](const CommandOp& op) { return cluster.Run(op); };
  env.repo_root = SourceDir();
  env.now = kNow;
  PlanOptions options;
  Verifier verifier(config, std::move(env),
                    BuildVerifyQueries(config, options, VerifyObjects::kOneQuery));
  auto results = verifier.Run(ChecksFor(config, /*deep=*/false));
  for (const auto& r : results)
    EXPECT_NE(r.status, CheckStatus::kFail) << r.id << ": " << r.message;
  EXPECT_EQ(verifier.processes(), 2);  // every object kind in one kubectl get + helmfile diff
}

TEST(Verify, DriftExitTwoWithoutAnyHeaderFails) {  // W31: a change nobody can see
  FakeCluster cluster;
  cluster.drift_rc = 2;
  cluster.drift_out = "Comparing release=minio, chart=minio/minio, namespace=storage\n\n";
  Outcome r = Verify(cluster, {}, false, "helmfile/drift");
  EXPECT_EQ(r.Get("helmfile/drift").status, CheckStatus::kFail) << r.Get("helmfile/drift").message;
}

TEST(Verify, NullEventTimestampsDoNotAbortTheBundle) {
  FakeCluster cluster;
  cluster.events = {
      {"kind", "List"},
      {"items", Json::array({{{"kind", "Event"},
                              {"metadata",
                               {{"name", "e"},
                                {"namespace", "storage"},
                                {"creationTimestamp", "2026-12-01T11:55:00Z"}}},
                              {"lastTimestamp", nullptr},
                              {"eventTime", "2026-12-01T11:55:00.000000Z"},
                              {"type", "Normal"},
                              {"reason", "Scheduled"},
                              {"message", nullptr},
                              {"involvedObject", {{"kind", "Pod"}, {"name", "minio-0"}}}}})}};
  const std::string dir = "/tmp/platformctl-verify-test-null";
  std::filesystem::remove_all(dir);
  Outcome r = Verify(cluster, {}, true, "cluster/diagnostics", nullptr, dir);
  EXPECT_EQ(r.Get("cluster/diagnostics").status, CheckStatus::kPass)
      << r.Get("cluster/diagnostics").message;
  EXPECT_NE(testing::ReadAll(dir + "/events-last-hour.txt").find("Scheduled"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Verify, BothCertManagerKindsMissingGiveAnEmptyAnswer) {
  FakeCluster cluster;
  int calls = 0;
  auto config = Config::FromValues(Inputs());
  VerifyEnv env;
  env.run = [&](const CommandOp& op) {
    ProcessResult r;
    ++calls;
    r.exit_code = 1;
    const std::string kinds = op.argv[2];
    r.output = std::string("error: the server doesn't have a resource type \"") +
               (kinds.starts_with("clusterissuers") ? "clusterissuers" : "certificates") + "\"\n";
    return r;
  };
  env.repo_root = SourceDir();
  PlanOptions options;
  Verifier verifier(config, std::move(env), BuildVerifyQueries(config, options));
  Diagnostics d;
  auto checks = SelectChecks(config, "issuers/present", false, d);
  ASSERT_TRUE(checks);
  auto results = verifier.Run(*checks);
  EXPECT_EQ(calls, 2);
  EXPECT_NE(results[0].message.find("the API serves no clusterissuers.cert-manager.io"),
            std::string::npos)
      << results[0].message;
}

TEST(Verify, TakeAnswerRedactsSecretsAlsoAsJsonEscapesThem) {
  testing::TempRepo repo;
  const std::string path = (repo.Root() / "answer.json").string();
  repo.Write("answer.json", R"({"a":"pa\u003css\u0026w\"rd","b":"plain-secret-1"})", 0600);
  const std::string text = TakeAnswer(path, {"pa<ss&w\"rd", "plain-secret-1"});
  EXPECT_EQ(text.find("pa\\u003c"), std::string::npos) << text;
  EXPECT_EQ(text.find("plain-secret-1"), std::string::npos) << text;
  EXPECT_EQ(testing::ReadAll(path), text);  // the file in the trail is redacted too
  EXPECT_TRUE(Json::parse(text, nullptr, false).is_object()) << text;
}

TEST(Verify, ParallelQueriesGiveTheSameResults) {
  FakeCluster cluster;
  auto config = Config::FromValues(Inputs());
  std::mutex mu;
  VerifyEnv env;
  env.run = [&](const CommandOp& op) {
    const std::lock_guard<std::mutex> lock(mu);
    return cluster.Run(op);
  };
  FakeProber prober;
  env.prober = &prober;
  env.repo_root = SourceDir();
  env.now = kNow;
  env.parallel = true;
  env.diagnostics_dir = "/tmp/platformctl-verify-test-parallel";
  PlanOptions options;
  Verifier verifier(config, std::move(env), BuildVerifyQueries(config, options));
  auto results = verifier.Run(ChecksFor(config, /*deep=*/true));
  for (const auto& r : results)
    EXPECT_NE(r.status, CheckStatus::kFail) << r.id << ": " << r.message;
  EXPECT_EQ(verifier.processes(), 7);
  std::filesystem::remove_all("/tmp/platformctl-verify-test-parallel");
}

TEST(VerifyReport, JsonMatchesTheDesignSchema) {
  std::vector<CheckResult> results{
      {"issuers/present", CheckTier::kCore, CheckStatus::kPass, "4 present", "", 0.01},
      {"minio/https", CheckTier::kDeep, CheckStatus::kFail, "expired", "rerun", 0.2},
      {"releases/extras", CheckTier::kDeep, CheckStatus::kSkip, "not strict", "", 0}};
  const Json j = Json::parse(RenderVerifyJson(results));
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.size(), 3u);
  EXPECT_EQ(j["schemaVersion"], 1);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["checks"].size(), 3u);
  for (const auto& c : j["checks"]) {
    EXPECT_EQ(c.size(), 5u);
    for (const char* k : {"id", "tier", "status", "message", "remediation"})
      EXPECT_TRUE(c.contains(k) && c[k].is_string()) << k;
    EXPECT_TRUE(c["tier"] == "core" || c["tier"] == "deep");
    EXPECT_TRUE(c["status"] == "pass" || c["status"] == "fail" || c["status"] == "skip");
  }
  EXPECT_EQ(j["checks"][1]["status"], "fail");
  EXPECT_EQ(j["checks"][1]["remediation"], "rerun");
  results.erase(results.begin() + 1);
  EXPECT_EQ(Json::parse(RenderVerifyJson(results))["ok"], true);
}

TEST(VerifyReport, JunitParsesBackWithSuitesCasesFailuresAndSkips) {
  std::vector<CheckResult> results{
      {"issuers/present", CheckTier::kCore, CheckStatus::kPass, "4 present", "", 0.01},
      {"minio/ingress", CheckTier::kCore, CheckStatus::kFail, "host <wrong> & \"odd\"", "fix it",
       0.02},
      {"minio/https", CheckTier::kDeep, CheckStatus::kFail, "expired", "rerun", 0.2},
      {"releases/extras", CheckTier::kDeep, CheckStatus::kSkip, "not strict", "", 0}};
  pugi::xml_document doc;
  const std::string xml = RenderVerifyJunit(results);
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  auto suites = doc.child("testsuites");
  ASSERT_TRUE(suites);
  EXPECT_EQ(suites.attribute("tests").as_int(), 4);
  EXPECT_EQ(suites.attribute("failures").as_int(), 2);
  EXPECT_EQ(suites.attribute("skipped").as_int(), 1);
  int n_suites = 0;
  int n_cases = 0;
  for (auto suite : suites.children("testsuite")) {
    ++n_suites;
    for (const char* a : {"name", "tests", "failures", "errors", "skipped", "time"})
      EXPECT_TRUE(suite.attribute(a)) << a;
    for (auto tc : suite.children("testcase")) {
      ++n_cases;
      EXPECT_TRUE(tc.attribute("classname"));
      EXPECT_TRUE(tc.attribute("name"));
      EXPECT_GE(tc.attribute("time").as_double(-1), 0.0);
    }
  }
  EXPECT_EQ(n_suites, 2);
  EXPECT_EQ(n_cases, 4);
  auto failure = suites
                     .find_node([](pugi::xml_node n) {
                       return std::string(n.name()) == "testcase" &&
                              std::string(n.attribute("name").value()) == "minio/ingress";
                     })
                     .child("failure");
  ASSERT_TRUE(failure);
  EXPECT_EQ(std::string(failure.attribute("message").value()), "host <wrong> & \"odd\"");
  EXPECT_NE(std::string(failure.text().get()).find("fix: fix it"), std::string::npos);
  EXPECT_EQ(std::string(suites.first_child().first_child().attribute("classname").value()),
            "issuers");
}

TEST(VerifyReport, TextEndsWithTheCounts) {
  std::vector<CheckResult> results{
      {"a/b", CheckTier::kCore, CheckStatus::kPass, "fine", "", 0},
      {"c/d", CheckTier::kCore, CheckStatus::kFail, "broken", "platformctl apply --only x", 0}};
  const std::string text = RenderVerifyText(results);
  EXPECT_NE(text.find("FAIL  c/d  broken\n"), std::string::npos) << text;
  EXPECT_NE(text.find("fix: platformctl apply --only x"), std::string::npos);
  EXPECT_TRUE(text.ends_with("1 passed, 1 failed, 0 skipped\n")) << text;
}

// ---- readiness rules (kstatus) --------------------------------------------------

TEST(Readiness, DaemonSetAndStatefulSetRules) {
  Json ds = {{"kind", "DaemonSet"},
             {"metadata", {{"generation", 1}}},
             {"status",
              {{"observedGeneration", 1},
               {"desiredNumberScheduled", 2},
               {"currentNumberScheduled", 2},
               {"updatedNumberScheduled", 2},
               {"numberAvailable", 2},
               {"numberReady", 1}}}};
  EXPECT_EQ(WorkloadNotReady(ds), "1/2 pods ready");
  ds["status"]["numberReady"] = 2;
  EXPECT_EQ(WorkloadNotReady(ds), "");
  ds["status"].erase("desiredNumberScheduled");
  EXPECT_EQ(WorkloadNotReady(ds), "not observed by the controller yet");

  Json sts = {{"kind", "StatefulSet"},
              {"metadata", {{"generation", 3}}},
              {"spec", {{"replicas", 2}}},
              {"status",
               {{"observedGeneration", 3},
                {"replicas", 2},
                {"readyReplicas", 2},
                {"currentReplicas", 2},
                {"currentRevision", "a"},
                {"updateRevision", "b"}}}};
  EXPECT_NE(WorkloadNotReady(sts).find("update in progress"), std::string::npos);
  sts["status"]["updateRevision"] = "a";
  EXPECT_EQ(WorkloadNotReady(sts), "");
  sts["spec"]["updateStrategy"] = {{"rollingUpdate", {{"partition", 1}}}};
  sts["status"]["updatedReplicas"] = 0;
  EXPECT_EQ(WorkloadNotReady(sts), "0/1 partition updated");
  sts["metadata"]["deletionTimestamp"] = "2026-12-01T00:00:00Z";
  EXPECT_EQ(WorkloadNotReady(sts), "terminating");
}

TEST(Readiness, DeploymentNeedsProgressingNewReplicaSetAvailable) {
  FakeCluster cluster;
  Json d = *cluster.Object("Deployment", "storage", "minio");
  EXPECT_EQ(WorkloadNotReady(d), "");
  for (auto& c : d["status"]["conditions"]) {
    if (c["type"] == "Progressing") c["reason"] = "ReplicaSetUpdated";
  }
  EXPECT_NE(WorkloadNotReady(d).find("rollout in progress"), std::string::npos);
  for (auto& c : d["status"]["conditions"]) {
    if (c["type"] == "Progressing") c["reason"] = "ProgressDeadlineExceeded";
  }
  EXPECT_NE(WorkloadNotReady(d).find("progress deadline exceeded"), std::string::npos);
}

TEST(Readiness, StrictReadyRuleForCustomResources) {
  FakeCluster cluster;
  Json cert = *cluster.Object("Certificate", "storage", "minio-tls");
  EXPECT_EQ(ConditionNotReady(cert), "");
  cert["metadata"]["generation"] = 2;  // spec changed, not yet observed
  EXPECT_NE(ConditionNotReady(cert).find("stale"), std::string::npos);
  cert["status"].erase("conditions");
  EXPECT_EQ(ConditionNotReady(cert), "no Ready condition yet");
}

TEST(DriftIgnore, RulesNeedAReasonAndReportFileLine) {
  testing::TempRepo repo;
  repo.Write("rules.yaml",
             "ignore:\n  - kind: Secret\n    name: a\n    reason: fine\n  - kind: Secret\n"
             "    name: b\n",
             0644);
  Diagnostics d;
  auto rules = LoadDriftIgnoreRules((repo.Root() / "rules.yaml").string(), d);
  EXPECT_EQ(rules.size(), 1u);
  ASSERT_TRUE(d.HasErrors());
  EXPECT_NE(d.Items()[0].message.find("has no reason"), std::string::npos);
  EXPECT_EQ(d.Items()[0].loc.line, 5);
  // The shipped rules load cleanly.
  Diagnostics shipped;
  EXPECT_EQ(LoadDriftIgnoreRules(SourceDir() + "/infra/verify/drift-ignore.yaml", shipped).size(),
            3u);
  EXPECT_TRUE(shipped.Empty());
}

}  // namespace
}  // namespace platformctl
