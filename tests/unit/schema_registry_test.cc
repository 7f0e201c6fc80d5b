// The key table and the component registry: integrity and typed checks.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "platformctl/config.h"
#include "platformctl/output.h"
#include "platformctl/registry.h"
#include "platformctl/schema.h"
#include "test_util.h"

namespace platformctl {
namespace {

TEST(KeyTable, NamesValidUniqueAndDocumented) {
  std::set<std::string_view> names;
  for (const auto& k : ConfigKeys()) {
    EXPECT_TRUE(IsValidEnvKey(k.name)) << k.name;
    EXPECT_TRUE(names.insert(k.name).second) << "duplicate " << k.name;
    EXPECT_FALSE(k.doc.empty()) << k.name;
    EXPECT_EQ(k.type == KeyType::kEnum, !k.choices.empty()) << k.name;
    EXPECT_TRUE(!k.secret || k.default_value.empty()) << "secret with a default: " << k.name;
  }
  EXPECT_GE(ConfigKeys().size(), 60U);
}

TEST(KeyTable, EveryDefaultPassesItsOwnTypeCheck) {
  Config c = Config::FromValues({});
  for (const auto& k : ConfigKeys()) {
    const std::string v = c.Get(k.name);
    EXPECT_EQ(CheckValue(k, v), std::nullopt) << k.name << "=" << v;
  }
}

TEST(KeyTable, ConfigEnvDocumentsEveryKeyWithAComment) {
  const std::string text = testing::ReadAll(testing::SourceDir() + "/config.env");
  for (const auto& k : ConfigKeys()) {
    std::regex line("(^|\\n)# [^\\n]+\\n" + std::string(k.name) + "=");
    EXPECT_TRUE(std::regex_search(text, line))
        << k.name << " missing from config.env or has no comment above it";
  }
}

TEST(Types, BoolsAcceptOnlyKnownSpellings) {
  for (const char* t : {"true", "TRUE", "True", "1", "yes", "YES"})
    EXPECT_EQ(ParseBool(t), true) << t;
  for (const char* f : {"false", "FALSE", "0", "no", "No"}) EXPECT_EQ(ParseBool(f), false) << f;
  for (const char* bad : {"", "on", "off", "tru", "y", "2", " true"})
    EXPECT_EQ(ParseBool(bad), std::nullopt) << bad;
}

TEST(Types, EnumErrorListsChoices) {
  const KeySpec* k = FindKey("INGRESS_PROVIDER");
  ASSERT_NE(k, nullptr);
  auto err = CheckValue(*k, "nginxx");
  ASSERT_TRUE(err);
  EXPECT_EQ(*err, "INGRESS_PROVIDER must be one of nginx, traefik (got 'nginxx')");
  EXPECT_EQ(CheckValue(*k, "traefik"), std::nullopt);
}

TEST(Types, HostsEmailsUrlsDurations) {
  EXPECT_TRUE(IsDnsName("oauth.homelab.swhurl.com"));
  EXPECT_TRUE(IsDnsName("127.0.0.1.nip.io"));
  EXPECT_FALSE(IsDnsName("localhost"));
  EXPECT_FALSE(IsDnsName("bad_host.example.com"));
  EXPECT_FALSE(IsDnsName("-a.example.com"));
  EXPECT_FALSE(IsDnsName("a..example.com"));
  EXPECT_FALSE(IsDnsName(std::string(64, 'a') + ".com"));
  EXPECT_TRUE(IsEmail("admin@example.com"));
  EXPECT_FALSE(IsEmail("admin"));
  EXPECT_FALSE(IsEmail("a@b@example.com"));
  EXPECT_FALSE(IsEmail("admin@localhost"));
  EXPECT_TRUE(IsUrl("https://acme-v02.api.letsencrypt.org/directory"));
  EXPECT_TRUE(IsUrl("http://clickstack-otel-collector.observability.svc.cluster.local:4318"));
  EXPECT_FALSE(IsUrl("ftp://example.com"));
  EXPECT_FALSE(IsUrl("https://exa mple.com"));
  EXPECT_FALSE(IsUrl("https://example.com:99999"));
  EXPECT_EQ(ParseDurationSeconds("90"), 90);
  EXPECT_EQ(ParseDurationSeconds("10m"), 600);
  EXPECT_EQ(ParseDurationSeconds("1h30m"), 5400);
  EXPECT_EQ(ParseDurationSeconds("10 minutes"), std::nullopt);
  EXPECT_EQ(ParseDurationSeconds("1m30"), std::nullopt);
  EXPECT_EQ(SplitList("a.com, b.com  c.com,,"),
            (std::vector<std::string>{"a.com", "b.com", "c.com"}));
}

TEST(Types, DidYouMean) {
  EXPECT_EQ(SuggestKey("FEAT_OAUTH_PROXY"), "FEAT_OAUTH2_PROXY");
  EXPECT_EQ(SuggestKey("BASE_DOMIAN"), "BASE_DOMAIN");
  EXPECT_EQ(SuggestKey("COMPLETELY_UNRELATED_THING"), std::nullopt);
}

TEST(Registry, IntegrityHolds) {
  auto problems = CheckRegistryIntegrity();
  std::string all;
  for (const auto& p : problems) all += p + "\n";
  EXPECT_TRUE(problems.empty()) << all;
}

TEST(Registry, RequiredSecretsAreMarkedSecretAndListed) {
  for (const auto& c : Components()) {
    for (auto key : c.required) {
      const KeySpec* k = FindKey(key);
      ASSERT_NE(k, nullptr) << key;
      if (k->secret) {
        EXPECT_NE(std::find(c.secrets.begin(), c.secrets.end(), key), c.secrets.end())
            << c.id << " requires secret " << key << " but does not list it in secrets";
      }
    }
  }
}

// The provider matrix (seed 97): which releases the config expects.
std::set<std::string> ExpectedReleases(const Config& c) {
  std::set<std::string> out;
  for (const auto& comp : Components()) {
    if (!IsEnabled(comp, c)) continue;
    for (const auto& r : comp.releases)
      out.insert(ResolveReleaseNamespace(r, c) + "/" + std::string(r.name));
  }
  return out;
}

TEST(Registry, ProviderMatrix) {
  for (const char* ingress : {"nginx", "traefik"}) {
    for (const char* storage : {"minio", "ceph"}) {
      for (const char* minio_flag : {"true", "false"}) {
        Config c = Config::FromValues({{"INGRESS_PROVIDER", ingress},
                                       {"OBJECT_STORAGE_PROVIDER", storage},
                                       {"FEAT_MINIO", minio_flag}});
        auto rel = ExpectedReleases(c);
        SCOPED_TRACE(std::string(ingress) + "/" + storage + "/FEAT_MINIO=" + minio_flag);
        EXPECT_EQ(rel.contains("ingress/ingress-nginx"), std::string(ingress) == "nginx");
        EXPECT_EQ(rel.contains("storage/minio"),
                  std::string(storage) == "minio" && std::string(minio_flag) == "true");
        EXPECT_TRUE(rel.contains("cert-manager/cert-manager"));
        EXPECT_TRUE(rel.contains("kube-system/platform-issuers"));
        EXPECT_TRUE(rel.contains("apps-staging/hello-web"));
        auto sv = StateValues(c);
        EXPECT_EQ(sv["installed"]["ingressNginx"].get<bool>(),
                  rel.contains("ingress/ingress-nginx"));
        EXPECT_EQ(sv["installed"]["minio"].get<bool>(), rel.contains("storage/minio"));
        EXPECT_EQ(sv["ingressClass"].get<std::string>(), std::string(ingress));
      }
    }
  }
}

TEST(Registry, DefaultConfigExpectsTheElevenReleases) {
  Config c = Config::FromValues({});
  EXPECT_EQ(
      ExpectedReleases(c),
      (std::set<std::string>{
          "kube-system/platform-namespaces", "kube-system/cilium", "cert-manager/cert-manager",
          "kube-system/platform-issuers", "ingress/ingress-nginx", "ingress/oauth2-proxy",
          "observability/clickstack", "logging/otel-k8s-daemonset", "logging/otel-k8s-cluster",
          "storage/minio", "apps-staging/hello-web"}));
  Config prod = Config::FromValues({{"APP_NAMESPACE", "apps-prod"}});
  EXPECT_TRUE(ExpectedReleases(prod).contains("apps-prod/hello-web"));
}

TEST(StateValues, NoSecretsAndLetsEncryptAlias) {
  Config c = Config::FromValues({{"OIDC_CLIENT_SECRET", "s3cr3t-client"},
                                 {"OAUTH_COOKIE_SECRET", "0123456789abcdef"},
                                 {"MINIO_ROOT_PASSWORD", "pw-minio-123"},
                                 {"LETSENCRYPT_ENV", "prod"}});
  const std::string dump = StateValues(c).dump();
  for (const char* s : {"s3cr3t-client", "0123456789abcdef", "pw-minio-123"}) {
    EXPECT_EQ(dump.find(s), std::string::npos) << s;
  }
  EXPECT_EQ(StateValues(c)["letsencrypt"]["aliasServer"],
            "https://acme-v02.api.letsencrypt.org/directory");
  Config staging = Config::FromValues({});
  EXPECT_EQ(StateValues(staging)["letsencrypt"]["aliasServer"],
            "https://acme-staging-v02.api.letsencrypt.org/directory");
}

TEST(Yaml, QuotesWhatYamlWouldMisread) {
  nlohmann::ordered_json j = {{"a", "true"},
                              {"b", true},
                              {"c", "1.25-alpine"},
                              {"d", "plain"},
                              {"e", nlohmann::ordered_json::array({"x", "y: z"})},
                              {"f", nlohmann::ordered_json::object()}};
  EXPECT_EQ(ToYaml(j),
            "a: \"true\"\nb: true\nc: \"1.25-alpine\"\nd: plain\ne:\n- x\n- \"y: z\"\nf: {}\n");
}

}  // namespace
}  // namespace platformctl
