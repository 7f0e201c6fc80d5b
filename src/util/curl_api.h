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

/// curl_easy_setopt with its result checked: the first failure is kept in
/// error() and later calls do nothing (http.cc, https_probe.cc).
class CurlOptions {
 public:
  CurlOptions(const CurlApi& api, CURL* curl) : api_(api), curl_(curl) {}

  template <typename T>
  void Set(CURLoption option, const char* name, T value) {
    if (!error_.empty()) return;
    const CURLcode rc = api_.easy_setopt(curl_, option, value);
    if (rc != CURLE_OK) {
      error_ = std::string("curl_easy_setopt(") + name + ") failed: " + api_.easy_strerror(rc);
    }
  }

  /// CURLOPT_[REDIR_]PROTOCOLS_STR (libcurl >= 7.85), else the bitmask
  /// option it replaced (Ubuntu 22.04 has 7.81, RHEL 9 7.76): by number,
  /// since newer headers mark it deprecated.
  void SetProtocols(bool redirect, const char* names, long mask) {
    if (!error_.empty()) return;
    const CURLoption str = redirect ? CURLOPT_REDIR_PROTOCOLS_STR : CURLOPT_PROTOCOLS_STR;
    CURLcode rc = api_.easy_setopt(curl_, str, names);
    if (rc == CURLE_UNKNOWN_OPTION) {
      const auto legacy = static_cast<CURLoption>(CURLOPTTYPE_LONG + (redirect ? 182 : 181));
      rc = api_.easy_setopt(curl_, legacy, mask);
    }
    if (rc != CURLE_OK) {
      error_ = std::string("curl_easy_setopt(") +
               (redirect ? "CURLOPT_REDIR_PROTOCOLS" : "CURLOPT_PROTOCOLS") +
               ") failed: " + api_.easy_strerror(rc);
    }
  }

  [[nodiscard]] const std::string& error() const { return error_; }

 private:
  const CurlApi& api_;
  CURL* curl_;
  std::string error_;
};

}  // namespace platformctl
