// What a child inherits: platformctl's environment minus secrets (child_env.h).
#include "platformctl/child_env.h"

#include <algorithm>
#include <array>

#include "platformctl/schema.h"

extern char** environ;

namespace platformctl {
namespace {

// Credential values (not profile names, regions or file paths) of the cloud
// CLIs and SDKs a homelab operator is likely to have exported.
constexpr std::array<std::string_view, 16> kCloudCredentials = {
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "ARM_CLIENT_SECRET",
    "ARM_ACCESS_KEY",
    "GOOGLE_OAUTH_ACCESS_TOKEN",
    "GOOGLE_CREDENTIALS",
    "CLOUDSDK_AUTH_ACCESS_TOKEN",
    "DIGITALOCEAN_ACCESS_TOKEN",
    "DIGITALOCEAN_TOKEN",
    "HCLOUD_TOKEN",
    "CLOUDFLARE_API_TOKEN",
};

}  // namespace

std::span<const std::string_view> CloudCredentialEnvNames() { return kCloudCredentials; }

std::vector<std::string> SecretEnvNames() {
  std::vector<std::string> names;
  for (const auto& key : ConfigKeys()) {
    if (key.secret) names.emplace_back(key.name);
  }
  for (auto name : kCloudCredentials) names.emplace_back(name);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::vector<std::string> ScrubbedEnvironment(const std::vector<std::string_view>& drop_names) {
  std::vector<std::string> out;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view kv(*e);
    const std::string_view name = kv.substr(0, kv.find('='));
    if (std::find(drop_names.begin(), drop_names.end(), name) != drop_names.end()) continue;
    out.emplace_back(kv);
  }
  return out;
}

}  // namespace platformctl
