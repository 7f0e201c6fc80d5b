#pragma once
// libcurl loaded with dlopen (not linked), shared by HttpClient (http.cc) and
// HttpsProber (https_probe.cc). Only libcurl's headers are used at build time.

#include <memory>
#include <string>

// We call through function pointers; the C type-checking macros don't apply.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

namespace platformctl {

/// The libcurl entry points we use, resolved with dlsym. `error` is non-empty
/// when the library could not be loaded; then no pointer may be used.
struct CurlApi {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
  std::string error;
};

/// Loads `library` (a soname or path) and resolves the entry points; never
/// null. The library is never unloaded.
std::shared_ptr<const CurlApi> LoadCurl(const std::string& library);

/// The process-wide libcurl.so.4, loaded on first use (thread-safe).
std::shared_ptr<const CurlApi> DefaultCurl();

}  // namespace platformctl
