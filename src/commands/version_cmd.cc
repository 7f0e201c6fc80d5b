// `platformctl version [-o json]`: version, the git commit of the build
// (captured at configure time) and the versions of the libraries.
#include <dlfcn.h>

#include <iostream>
#include <string>

#include "commands/command.h"

// libcurl and libcrypto are not linked (dlopen); their headers give the
// compile-time versions.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>
#include <fmt/core.h>
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <spdlog/version.h>

#include <CLI/Version.hpp>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#ifndef PLATFORMCTL_GIT_COMMIT
#define PLATFORMCTL_GIT_COMMIT "unknown"
#endif
#ifndef PLATFORMCTL_YAML_CPP_VERSION
#define PLATFORMCTL_YAML_CPP_VERSION "unknown"
#endif

namespace platformctl {
namespace {

// The runtime version of a dlopen'ed library, or `fallback` (the header's)
// when it cannot be loaded. Only `version -o json` pays for loading.
std::string CurlVersion() {
  if (void* h = ::dlopen("libcurl.so.4", RTLD_LAZY | RTLD_LOCAL)) {
    using Fn = curl_version_info_data* (*)(CURLversion);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): dlsym
    if (auto fn = reinterpret_cast<Fn>(::dlsym(h, "curl_version_info"))) {
      if (const curl_version_info_data* d = fn(CURLVERSION_NOW); d && d->version) return d->version;
    }
  }
  return LIBCURL_VERSION;
}

std::string OpensslVersion() {
#ifdef OPENSSL_VERSION_STR
  const std::string fallback = OPENSSL_VERSION_STR;
#else
  const std::string fallback = OPENSSL_VERSION_TEXT;
#endif
#ifdef OPENSSL_VERSION_STRING
  if (void* h = ::dlopen("libcrypto.so.3", RTLD_LAZY | RTLD_LOCAL)) {
    using Fn = const char* (*)(int);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): dlsym
    if (auto fn = reinterpret_cast<Fn>(::dlsym(h, "OpenSSL_version"))) {
      if (const char* v = fn(OPENSSL_VERSION_STRING)) return v;
    }
  }
#endif
  return fallback;
}

std::string Dotted(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

nlohmann::json VersionJson() {
  return {
      {"version", PLATFORMCTL_VERSION},
      {"gitCommit", PLATFORMCTL_GIT_COMMIT},
      {"dependencies",
       {
           {"cli11", CLI11_VERSION},
           {"yaml-cpp", PLATFORMCTL_YAML_CPP_VERSION},
           {"nlohmann_json", Dotted(NLOHMANN_JSON_VERSION_MAJOR, NLOHMANN_JSON_VERSION_MINOR,
                                    NLOHMANN_JSON_VERSION_PATCH)},
           {"fmt", Dotted(FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100)},
           {"spdlog", Dotted(SPDLOG_VER_MAJOR, SPDLOG_VER_MINOR, SPDLOG_VER_PATCH)},
           {"pugixml", std::to_string(PUGIXML_VERSION / 1000) + "." +
                           std::to_string(PUGIXML_VERSION / 10 % 100)},
           {"libcurl", CurlVersion()},
           {"openssl", OpensslVersion()},
       }},
  };
}

}  // namespace

void SetupVersionCommand(CLI::App& sub, Invocation& inv) {
  Describe(sub, "  platformctl version\n  platformctl version -o json\n");
  sub.callback([&inv] {
    auto f = RequireFormat(inv.global, {OutputFormat::kText, OutputFormat::kJson});
    if (f == OutputFormat::kJson) {
      std::cout << VersionJson().dump() << "\n";
    } else {
      std::cout << "platformctl " << PLATFORMCTL_VERSION << " (commit " << PLATFORMCTL_GIT_COMMIT
                << ")\n";
    }
  });
}

}  // namespace platformctl
