// The generated parts of `platformctl flux bootstrap`: settings and stack.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "platformctl/config.h"
#include "platformctl/flux.h"

namespace platformctl {
namespace {

std::string PathOf(const std::vector<FluxLayer>& layers, const std::string& name) {
  for (const auto& l : layers) {
    if (l.name == name) return l.path;
  }
  return "absent";
}

TEST(FluxPlan, SettingsComeFromTheConfigAndFollowTheIngressProvider) {
  Config c = Config::FromValues({{"BASE_DOMAIN", "lab.example.org"},
                                 {"ACME_EMAIL", "ops@example.org"},
                                 {"OAUTH_EMAIL_DOMAINS", "example.org,other.org"},
                                 {"INGRESS_PROVIDER", "traefik"},
                                 {"PLATFORM_CLUSTER_ISSUER", "selfsigned"}});
  YAML::Node cm = YAML::Load(RenderPlatformSettings(c));
  EXPECT_EQ(cm["metadata"]["name"].as<std::string>(), "platform-settings");
  EXPECT_EQ(cm["metadata"]["namespace"].as<std::string>(), "flux-system");
  const YAML::Node d = cm["data"];
  EXPECT_EQ(d["BASE_DOMAIN"].as<std::string>(), "lab.example.org");
  EXPECT_EQ(d["ACME_EMAIL"].as<std::string>(), "ops@example.org");
  EXPECT_EQ(d["OAUTH_EMAIL_DOMAIN"].as<std::string>(), "example.org");
  EXPECT_EQ(d["INGRESS_CLASS"].as<std::string>(), "traefik");
  EXPECT_EQ(d["CLICKSTACK_INGRESS_PATH"].as<std::string>(), "/");
  EXPECT_EQ(d["CLICKSTACK_INGRESS_PATH_TYPE"].as<std::string>(), "Prefix");
  EXPECT_EQ(d["PLATFORM_CLUSTER_ISSUER"].as<std::string>(), "selfsigned");
  // Every variable the manifests read (cluster/README.md) is there.
  for (const char* k : {"OIDC_ISSUER", "CLICKSTACK_OTEL_ENDPOINT", "APP_CLUSTER_ISSUER"})
    EXPECT_TRUE(d[k].IsDefined()) << k;
}

TEST(FluxPlan, SettingsNeverHoldASecret) {
  Config c = Config::FromValues(
      {{"OIDC_CLIENT_SECRET", "oidc-Secret-Unit-1"}, {"MINIO_ROOT_PASSWORD", "minio-Unit-2"}});
  const std::string text = RenderPlatformSettings(c) + RenderFluxStack(c);
  EXPECT_EQ(text.find("oidc-Secret-Unit-1"), std::string::npos);
  EXPECT_EQ(text.find("minio-Unit-2"), std::string::npos);
}

TEST(FluxPlan, LayersFollowProvidersFeaturesAndIssuers) {
  auto def = FluxLayers(Config::FromValues({{"PLATFORM_CLUSTER_ISSUER", "letsencrypt-staging"}}));
  ASSERT_EQ(def.size(), 10U);
  EXPECT_EQ(PathOf(def, "homelab-ingress"), "./cluster/overlays/homelab/providers/ingress-nginx");
  EXPECT_EQ(PathOf(def, "homelab-issuers"), "./cluster/overlays/homelab/platform/staging/issuers");
  EXPECT_EQ(PathOf(def, "homelab-storage"),
            "./cluster/overlays/homelab/platform/staging/storage-minio");
  EXPECT_EQ(PathOf(def, "homelab-example-app"), "./cluster/overlays/homelab/apps/staging");

  auto prod = FluxLayers(Config::FromValues(
      {{"PLATFORM_CLUSTER_ISSUER", "letsencrypt-prod"}, {"APP_NAMESPACE", "apps-prod"}}));
  EXPECT_EQ(PathOf(prod, "homelab-cert-manager"),
            "./cluster/overlays/homelab/platform/prod/cert-manager");
  EXPECT_EQ(PathOf(prod, "homelab-example-app"), "./cluster/overlays/homelab/apps/prod");

  auto self = FluxLayers(Config::FromValues({{"PLATFORM_CLUSTER_ISSUER", "selfsigned"},
                                             {"INGRESS_PROVIDER", "traefik"},
                                             {"OBJECT_STORAGE_PROVIDER", "ceph"},
                                             {"FEAT_OAUTH2_PROXY", "false"},
                                             {"FEAT_CILIUM", "false"}}));
  EXPECT_EQ(PathOf(self, "homelab-issuers"), "./cluster/base/cert-manager/issuers");
  EXPECT_EQ(PathOf(self, "homelab-ingress"),
            "./cluster/overlays/homelab/providers/ingress-traefik");
  EXPECT_EQ(PathOf(self, "homelab-storage"), "./cluster/overlays/homelab/providers/storage-ceph");
  EXPECT_EQ(PathOf(self, "homelab-oauth2-proxy"), kFluxDisabledPath);
  EXPECT_EQ(PathOf(self, "homelab-cilium"), kFluxDisabledPath);

  auto off = FluxLayers(Config::FromValues(
      {{"FEAT_MINIO", "false"}, {"FEAT_CLICKSTACK", "false"}, {"FEAT_OTEL_K8S", "false"}}));
  EXPECT_EQ(PathOf(off, "homelab-storage"), kFluxDisabledPath);
  EXPECT_EQ(PathOf(off, "homelab-clickstack"), kFluxDisabledPath);
  EXPECT_EQ(PathOf(off, "homelab-otel"), kFluxDisabledPath);
}

TEST(FluxPlan, StackPatchesEveryLayerAndNamesTheSource) {
  Config c = Config::FromValues(
      {{"FLUX_GIT_URL", "https://git.example.org/me/p.git"}, {"FLUX_GIT_BRANCH", "lab"}});
  auto docs = YAML::LoadAll(RenderFluxStack(c));
  ASSERT_EQ(docs.size(), 2U);
  EXPECT_EQ(docs[0]["kind"].as<std::string>(), "GitRepository");
  EXPECT_EQ(docs[0]["spec"]["url"].as<std::string>(), "https://git.example.org/me/p.git");
  EXPECT_EQ(docs[0]["spec"]["ref"]["branch"].as<std::string>(), "lab");
  EXPECT_FALSE(docs[0]["spec"]["secretRef"].IsDefined()) << "install mode: no credentials";
  EXPECT_EQ(docs[1]["metadata"]["name"].as<std::string>(), "homelab-flux-stack");
  const auto patches = docs[1]["spec"]["patches"];
  ASSERT_EQ(patches.size(), 10U);
  auto layers = FluxLayers(c);
  for (size_t i = 0; i < layers.size(); ++i) {
    EXPECT_EQ(patches[i]["target"]["name"].as<std::string>(), layers[i].name);
    auto ops = YAML::Load(patches[i]["patch"].as<std::string>());
    EXPECT_EQ(ops[0]["op"].as<std::string>(), "replace");
    EXPECT_EQ(ops[0]["path"].as<std::string>(), "/spec/path");
    EXPECT_EQ(ops[0]["value"].as<std::string>(), layers[i].path);
  }
}

}  // namespace
}  // namespace platformctl
