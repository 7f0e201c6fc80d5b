// Layering, precedence, lazy expansion and profile resolution.
#include "platformctl/config.h"

#include <gtest/gtest.h>

#include <array>

#include "platformctl/process.h"
#include "test_util.h"

namespace platformctl {
namespace {

using testing::ReadAll;
using testing::TempRepo;

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

struct Loaded {
  std::optional<Config> config;
  Diagnostics diags;
};

Loaded Load(const TempRepo& repo, const std::string& profile,
            std::map<std::string, std::string> env = {}, std::vector<std::string> sets = {},
            std::optional<bool> exclusive = std::nullopt) {
  LoadOptions o;
  o.repo_root = repo.Root().string();
  o.profile = profile;
  o.env = FakeEnv(std::move(env));
  o.sets = std::move(sets);
  o.exclusive = exclusive;
  Loaded l;
  l.config = LoadConfig(o, l.diags);
  return l;
}

// The seven layers, lowest first.
enum Layer { kDefault, kConfigEnv, kLocal, kSecrets, kProfile, kEnv, kSet, kLayerCount };
constexpr std::array<const char*, kLayerCount> kLayerNames = {
    "default", "config.env", "local", "secrets", "profile", "env", "--set"};

TEST(Precedence, EveryPairOfLayersHigherWins) {
  // For every pair (low, high), set the key in exactly those two layers and
  // expect the higher one's value and origin.
  for (int low = 0; low < kLayerCount; ++low) {
    for (int high = low + 1; high < kLayerCount; ++high) {
      TempRepo repo;
      repo.Write("config.env", "# base\n");
      repo.Write("profiles/local.env", "# local\n");
      repo.Write("profiles/secrets.env", "# secrets\n");
      repo.Write("profiles/p.env", "# profile\n");
      std::map<std::string, std::string> env;
      std::vector<std::string> sets;
      auto set_in = [&](int layer) {
        const std::string v = std::string("v-") + kLayerNames[static_cast<size_t>(layer)];
        switch (layer) {
          case kDefault:
            break;  // the built-in default "1.25-alpine"
          case kConfigEnv:
            repo.Write("config.env", "# base\nHELLO_IMAGE_TAG=" + v + "\n");
            break;
          case kLocal:
            repo.Write("profiles/local.env", "# local\nHELLO_IMAGE_TAG=" + v + "\n");
            break;
          case kSecrets:
            repo.Write("profiles/secrets.env", "# secrets\nHELLO_IMAGE_TAG=" + v + "\n");
            break;
          case kProfile:
            repo.Write("profiles/p.env", "# profile\nHELLO_IMAGE_TAG=" + v + "\n");
            break;
          case kEnv:
            env["HELLO_IMAGE_TAG"] = v;
            break;
          case kSet:
            sets.push_back("HELLO_IMAGE_TAG=" + v);
            break;
          default:
            break;
        }
      };
      set_in(low);
      set_in(high);
      auto l = Load(repo, "p", env, sets);
      ASSERT_TRUE(l.config) << kLayerNames[static_cast<size_t>(low)] << " vs "
                            << kLayerNames[static_cast<size_t>(high)];
      EXPECT_EQ(l.config->Get("HELLO_IMAGE_TAG"),
                std::string("v-") + kLayerNames[static_cast<size_t>(high)])
          << kLayerNames[static_cast<size_t>(low)] << " vs "
          << kLayerNames[static_cast<size_t>(high)];
      const std::string origin = l.config->Find("HELLO_IMAGE_TAG")->origin.Str();
      switch (high) {
        case kConfigEnv:
          EXPECT_EQ(origin, "config.env:2");
          break;
        case kLocal:
          EXPECT_EQ(origin, "profiles/local.env:2");
          break;
        case kSecrets:
          EXPECT_EQ(origin, "profiles/secrets.env:2");
          break;
        case kProfile:
          EXPECT_EQ(origin, "profiles/p.env:2");
          break;
        case kEnv:
          EXPECT_EQ(origin, "env");
          break;
        case kSet:
          EXPECT_EQ(origin, "--set");
          break;
        default:
          break;
      }
    }
  }
}

TEST(Precedence, DefaultWhenNoLayerSetsIt) {
  TempRepo repo;
  repo.Write("config.env", "# nothing\n");
  auto l = Load(repo, "");
  ASSERT_TRUE(l.config);
  EXPECT_EQ(l.config->Get("HELLO_IMAGE_TAG"), "1.25-alpine");
  EXPECT_EQ(l.config->Find("HELLO_IMAGE_TAG")->origin.Str(), "default");
}

TEST(Precedence, ExclusiveSkipsLocalAndSecrets) {
  TempRepo repo;
  repo.Write("config.env", "HELLO_IMAGE_TAG=base\n");
  repo.Write("profiles/local.env", "HELLO_IMAGE_TAG=local\nTLS_SECRET=from-local\n");
  repo.Write("profiles/secrets.env", "MINIO_ROOT_PASSWORD=pw-from-secrets\n");
  repo.Write("profiles/p.env", "BASE_DOMAIN=p.example.com\n");
  auto l = Load(repo, "p", {}, {}, true);
  ASSERT_TRUE(l.config);
  EXPECT_EQ(l.config->Get("HELLO_IMAGE_TAG"), "base");
  EXPECT_EQ(l.config->Get("TLS_SECRET"), "hello-web-tls");
  EXPECT_EQ(l.config->Get("MINIO_ROOT_PASSWORD"), "");
  EXPECT_EQ(l.config->Files(), (std::vector<std::string>{"config.env", "profiles/p.env"}));
  // PROFILE_EXCLUSIVE from the environment does the same.
  auto e = Load(repo, "p", {{"PROFILE_EXCLUSIVE", "TRUE"}});
  ASSERT_TRUE(e.config);
  EXPECT_EQ(e.config->Get("HELLO_IMAGE_TAG"), "base");
  auto bad = Load(repo, "p", {{"PROFILE_EXCLUSIVE", "maybe"}});
  EXPECT_FALSE(bad.config);
}

TEST(LazyExpansion, ProfileChangingBaseDomainMovesDerivedHosts) {
  TempRepo repo;
  repo.Write("config.env", "BASE_DOMAIN=homelab.example.com\nOAUTH_HOST=oauth.${BASE_DOMAIN}\n");
  repo.Write("profiles/p.env", "BASE_DOMAIN=lab.example.org\n");
  auto l = Load(repo, "p");
  ASSERT_TRUE(l.config);
  EXPECT_EQ(l.config->Get("OAUTH_HOST"), "oauth.lab.example.org");
  EXPECT_EQ(l.config->Find("OAUTH_HOST")->origin.Str(), "config.env:2");
  // Built-in defaults are lazy too (HUBBLE_HOST is not in any file).
  EXPECT_EQ(l.config->Get("HUBBLE_HOST"), "hubble.lab.example.org");
  EXPECT_EQ(l.config->Get("OAUTH_REDIRECT_URL"), "https://oauth.lab.example.org/oauth2/callback");
}

TEST(LazyExpansion, ExplicitValueInHigherLayerWins) {
  TempRepo repo;
  repo.Write("config.env", "BASE_DOMAIN=homelab.example.com\nOAUTH_HOST=oauth.${BASE_DOMAIN}\n");
  repo.Write("profiles/p.env", "BASE_DOMAIN=lab.example.org\nOAUTH_HOST=login.example.net\n");
  auto l = Load(repo, "p");
  ASSERT_TRUE(l.config);
  EXPECT_EQ(l.config->Get("OAUTH_HOST"), "login.example.net");
}

TEST(LazyExpansion, EnvAndSetMoveDerivedHostsToo) {
  TempRepo repo;
  repo.Write("config.env", "BASE_DOMAIN=homelab.example.com\nMINIO_HOST=minio.${BASE_DOMAIN}\n");
  auto env = Load(repo, "", {{"BASE_DOMAIN", "env.example.com"}});
  ASSERT_TRUE(env.config);
  EXPECT_EQ(env.config->Get("MINIO_HOST"), "minio.env.example.com");
  auto set = Load(repo, "", {{"BASE_DOMAIN", "env.example.com"}}, {"BASE_DOMAIN=set.example.com"});
  ASSERT_TRUE(set.config);
  EXPECT_EQ(set.config->Get("MINIO_HOST"), "minio.set.example.com");
  // A --set value may itself reference other keys.
  auto ref = Load(repo, "", {}, {"APP_HOST=app.${BASE_DOMAIN}"});
  ASSERT_TRUE(ref.config);
  EXPECT_EQ(ref.config->Get("APP_HOST"), "app.homelab.example.com");
}

TEST(LazyExpansion, ProcessEnvValuesAreLiteral) {
  TempRepo repo;
  repo.Write("config.env", "BASE_DOMAIN=homelab.example.com\n");
  auto l = Load(repo, "", {{"HELLO_IMAGE_TAG", "${BASE_DOMAIN}"}});
  ASSERT_TRUE(l.config);
  EXPECT_EQ(l.config->Get("HELLO_IMAGE_TAG"), "${BASE_DOMAIN}");
}

TEST(LazyExpansion, FallbackAndUnsetReference) {
  TempRepo repo;
  repo.Write("config.env",
             "TLS_SECRET=${MY_TLS:-hello-tls}\nHELLO_IMAGE_TAG=${NOT_SET_ANYWHERE}x\n");
  auto l = Load(repo, "");
  ASSERT_TRUE(l.config);
  EXPECT_EQ(l.config->Get("TLS_SECRET"), "hello-tls");
  EXPECT_EQ(l.config->Get("HELLO_IMAGE_TAG"), "x");
  EXPECT_GE(l.diags.WarningCount(), 1U);
}

TEST(LazyExpansion, CycleIsAnErrorNamingTheKeys) {
  TempRepo repo;
  repo.Write("config.env", "OAUTH_HOST=${HUBBLE_HOST}\nHUBBLE_HOST=x.${OAUTH_HOST}\n");
  auto l = Load(repo, "");
  EXPECT_FALSE(l.config);
  ASSERT_TRUE(l.diags.HasErrors());
  std::string all;
  for (const auto& d : l.diags.Items()) all += Diagnostics::Format(d) + "\n";
  EXPECT_NE(all.find("cycle"), std::string::npos) << all;
  EXPECT_NE(all.find("OAUTH_HOST"), std::string::npos) << all;
  EXPECT_NE(all.find("HUBBLE_HOST"), std::string::npos) << all;
  EXPECT_NE(all.find("config.env:"), std::string::npos) << all;
}

TEST(Loading, LegacyClusterIssuerStillDrivesThePlatformIssuerWithAWarning) {
  TempRepo repo;
  repo.Write("config.env", "# no PLATFORM_CLUSTER_ISSUER here\n");
  repo.Write("profiles/p.env", "CLUSTER_ISSUER=selfsigned\n");
  auto l = Load(repo, "p");
  ASSERT_TRUE(l.config);
  EXPECT_EQ(l.config->Get("PLATFORM_CLUSTER_ISSUER"), "selfsigned");
  EXPECT_EQ(l.config->Get("APP_CLUSTER_ISSUER"), "selfsigned");
  ValidateConfig(*l.config, ValidateMode::kLenient, l.diags);
  bool warned = false;
  for (const auto& d : l.diags.Items()) {
    warned = warned || (d.message.starts_with("CLUSTER_ISSUER is deprecated") &&
                        d.loc.Str() == "profiles/p.env:1");
  }
  EXPECT_TRUE(warned);
}

TEST(Loading, UnknownKeyWarnsWithDidYouMean) {
  TempRepo repo;
  repo.Write("config.env", "FEAT_OAUTH_PROXY=false\n");
  auto l = Load(repo, "");
  ASSERT_TRUE(l.config);
  ASSERT_EQ(l.diags.WarningCount(), 1U);
  const auto& d = l.diags.Items()[0];
  EXPECT_TRUE(d.loc.Str().starts_with("config.env:1")) << d.loc.Str();
  EXPECT_NE(d.hint.find("FEAT_OAUTH2_PROXY"), std::string::npos);
}

TEST(Loading, ProcessEnvOnlySchemaKeys) {
  TempRepo repo;
  repo.Write("config.env", "# empty\n");
  auto l = Load(repo, "", {{"SOME_RANDOM_VAR", "1"}, {"FEAT_CILIUM", "false"}});
  ASSERT_TRUE(l.config);
  EXPECT_EQ(l.config->Find("SOME_RANDOM_VAR"), nullptr);
  EXPECT_FALSE(l.config->GetBool("FEAT_CILIUM"));
}

TEST(Loading, ProfileFromEnvironmentAndResolution) {
  TempRepo repo;
  auto by_env = Load(repo, "", {{"PROFILE_FILE", "overlay-prod"}});
  ASSERT_TRUE(by_env.config);
  EXPECT_EQ(by_env.config->ProfilePath(), "profiles/overlay-prod.env");
  EXPECT_EQ(by_env.config->Get("APP_NAMESPACE"), "apps-prod");
  // Paths "as given" are relative to the working directory: run from the repo root.
  const auto old_cwd = std::filesystem::current_path();
  std::filesystem::current_path(repo.Root());
  for (const std::string& name :
       std::vector<std::string>{"overlay-prod", "overlay-prod.env", "profiles/overlay-prod.env",
                                (repo.Root() / "profiles/overlay-prod.env").string()}) {
    auto l = Load(repo, name);
    ASSERT_TRUE(l.config) << name;
    EXPECT_EQ(l.config->ProfilePath(), "profiles/overlay-prod.env") << name;
  }
  std::filesystem::current_path(old_cwd);
  auto missing = Load(repo, "nope");
  EXPECT_FALSE(missing.config);
  ASSERT_TRUE(missing.diags.HasErrors());
  EXPECT_NE(missing.diags.Items()[0].message.find("profiles/nope.env"), std::string::npos);
}

TEST(Loading, SetRejectsMalformedAndUnknown) {
  TempRepo repo;
  EXPECT_FALSE(Load(repo, "", {}, {"NOEQUALS"}).config);
  auto unknown = Load(repo, "", {}, {"FEAT_CILLIUM=false"});
  EXPECT_FALSE(unknown.config);
  EXPECT_NE(unknown.diags.Items().back().hint.find("FEAT_CILIUM"), std::string::npos);
}

TEST(Validation, ShippedProfilesAreValidWithExampleSecrets) {
  TempRepo repo;
  repo.UseExampleSecrets();
  for (const auto& e : std::filesystem::directory_iterator(repo.Root() / "profiles")) {
    const std::string name = e.path().filename().string();
    if (name == "local.env" || name.starts_with("secrets")) continue;
    auto l = Load(repo, name);
    ASSERT_TRUE(l.config) << name;
    ValidateConfig(*l.config, ValidateMode::kStrict, l.diags);
    std::string all;
    for (const auto& d : l.diags.Items()) all += Diagnostics::Format(d) + "\n";
    EXPECT_FALSE(l.diags.HasErrors()) << name << "\n" << all;
    EXPECT_EQ(l.diags.WarningCount(), 0U) << name << "\n" << all;
  }
}

TEST(Validation, MissingSecretIsErrorWhenStrictWarningWhenLenient) {
  TempRepo repo;
  auto l = Load(repo, "overlay-staging");
  ASSERT_TRUE(l.config);
  Diagnostics strict;
  ValidateConfig(*l.config, ValidateMode::kStrict, strict);
  EXPECT_TRUE(strict.HasErrors());
  Diagnostics lenient;
  ValidateConfig(*l.config, ValidateMode::kLenient, lenient);
  EXPECT_FALSE(lenient.HasErrors());
  std::string all;
  for (const auto& d : lenient.Items()) all += Diagnostics::Format(d) + "\n";
  EXPECT_NE(all.find("oauth2-proxy"), std::string::npos) << all;
  EXPECT_NE(all.find("OIDC_CLIENT_SECRET"), std::string::npos) << all;
}

TEST(Validation, SecretsFileReadableByOthersWarns) {
  TempRepo repo;
  repo.Write("profiles/secrets.env", ReadAll(repo.Root() / "profiles/secrets.example.env"), 0644);
  auto l = Load(repo, "");
  ASSERT_TRUE(l.config);
  ValidateConfig(*l.config, ValidateMode::kStrict, l.diags);
  bool found = false;
  for (const auto& d : l.diags.Items()) {
    found = found || (d.severity == Severity::kWarning &&
                      d.message.find("readable by group") != std::string::npos);
  }
  EXPECT_TRUE(found);
}

TEST(Validation, SecretInTrackedFileWarns) {
  TempRepo repo;
  repo.UseExampleSecrets();
  repo.Write("profiles/leaky.env", "MINIO_ROOT_PASSWORD=do-not-commit-me\n");
  const std::string root = repo.Root().string();
  ASSERT_TRUE(RunCapture({"git", "init", "-q", root}, 10000).Ok());
  ASSERT_TRUE(RunCapture({"git", "-C", root, "add", "profiles/leaky.env"}, 10000).Ok());
  auto l = Load(repo, "leaky");
  ASSERT_TRUE(l.config);
  ValidateConfig(*l.config, ValidateMode::kStrict, l.diags);
  bool found = false;
  for (const auto& d : l.diags.Items()) {
    if (d.message.find("git tracks") != std::string::npos) {
      found = true;
      EXPECT_EQ(d.loc.Str(), "profiles/leaky.env:1");
      EXPECT_EQ(d.message.find("do-not-commit-me"), std::string::npos);
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace platformctl
