// Static checks of repo assets that have no renderer here (k3s's HelmChartConfig).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "test_util.h"

namespace platformctl {
namespace {

TEST(Assets, TraefikHelmChartConfigKeepsTheIngressNodePorts) {
  YAML::Node doc = YAML::LoadFile(testing::SourceDir() + "/infra/traefik/helmchartconfig.yaml");
  EXPECT_EQ(doc["apiVersion"].as<std::string>(), "helm.cattle.io/v1");
  EXPECT_EQ(doc["kind"].as<std::string>(), "HelmChartConfig");
  EXPECT_EQ(doc["metadata"]["name"].as<std::string>(), "traefik");
  EXPECT_EQ(doc["metadata"]["namespace"].as<std::string>(), "kube-system");
  YAML::Node values = YAML::Load(doc["spec"]["valuesContent"].as<std::string>());
  EXPECT_EQ(values["service"]["type"].as<std::string>(), "NodePort");
  EXPECT_EQ(values["ports"]["web"]["nodePort"].as<int>(), 31514);
  EXPECT_EQ(values["ports"]["websecure"]["nodePort"].as<int>(), 30313);
  EXPECT_TRUE(values["ingressClass"]["isDefaultClass"].as<bool>());
}

}  // namespace
}  // namespace platformctl
