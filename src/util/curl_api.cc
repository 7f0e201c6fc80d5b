// Loading of libcurl with dlopen on first use; see curl_api.h.

#include "util/curl_api.h"

#include <dlfcn.h>

#include <memory>
#include <string>

#include "util/dl_resolve.h"

namespace platformctl {
namespace {

constexpr const char* kDefaultCurlLibrary = "libcurl.so.4";

}  // namespace

std::shared_ptr<const CurlApi> LoadCurl(const std::string& library) {
  auto api = std::make_shared<CurlApi>();
  void* handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    api->error = "HTTP is unavailable: cannot load " + library + " (" +
                 (why != nullptr ? why : "unknown error") +
                 "); install libcurl (Debian: apt-get install libcurl4)";
    return api;
  }
  // The handle is deliberately never closed: libcurl stays mapped until exit,
  // so no easy handle or callback can outlive the code it points into.
  std::string missing;
  ResolveSymbol(handle, "curl_global_init", api->global_init, missing);
  ResolveSymbol(handle, "curl_easy_init", api->easy_init, missing);
  ResolveSymbol(handle, "curl_easy_setopt", api->easy_setopt, missing);
  ResolveSymbol(handle, "curl_easy_perform", api->easy_perform, missing);
  ResolveSymbol(handle, "curl_easy_getinfo", api->easy_getinfo, missing);
  ResolveSymbol(handle, "curl_easy_cleanup", api->easy_cleanup, missing);
  ResolveSymbol(handle, "curl_easy_strerror", api->easy_strerror, missing);
  ResolveSymbol(handle, "curl_slist_append", api->slist_append, missing);
  ResolveSymbol(handle, "curl_slist_free_all", api->slist_free_all, missing);
  if (!missing.empty()) {
    api->error = "HTTP is unavailable: " + library + " lacks " + missing +
                 " (is it really libcurl 7.x/8.x?)";
    return api;
  }
  const CURLcode rc = api->global_init(CURL_GLOBAL_DEFAULT);
  if (rc != CURLE_OK) {
    api->error = "HTTP is unavailable: curl_global_init failed with code " + std::to_string(rc);
  }
  return api;
}

std::shared_ptr<const CurlApi> DefaultCurl() {
  static const std::shared_ptr<const CurlApi> api = LoadCurl(kDefaultCurlLibrary);
  return api;
}

}  // namespace platformctl
