// libcurl-backed HttpClient. libcurl is loaded with dlopen on the first Send
// (not linked): it drags in ~36 shared libraries (TLS, LDAP, SSH, IDN, ...),
// whose loading would dominate the start-up of commands that do no HTTP.
// Only libcurl's headers are used at build time, for types and constants.

#include "platformctl/http.h"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <utility>

// We call through function pointers; the C type-checking macros don't apply.
#define CURL_DISABLE_TYPECHECK
#include <curl/curl.h>

namespace platformctl {
namespace {

constexpr const char* kDefaultCurlLibrary = "libcurl.so.4";
constexpr long kMaxRedirects = 5;  // libcurl takes long for numeric options

#ifdef PLATFORMCTL_VERSION
constexpr const char* kUserAgent = "platformctl/" PLATFORMCTL_VERSION;
#else
constexpr const char* kUserAgent = "platformctl";
#endif

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

template <typename Fn>
void Resolve(void* handle, const char* name, Fn& fn, std::string& missing) {
  void* symbol = dlsym(handle, name);
  if (symbol == nullptr) {
    missing += missing.empty() ? name : std::string(", ") + name;
    return;
  }
  // POSIX guarantees that dlsym's result converts to a function pointer.
  fn = reinterpret_cast<Fn>(symbol);
}

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
  Resolve(handle, "curl_global_init", api->global_init, missing);
  Resolve(handle, "curl_easy_init", api->easy_init, missing);
  Resolve(handle, "curl_easy_setopt", api->easy_setopt, missing);
  Resolve(handle, "curl_easy_perform", api->easy_perform, missing);
  Resolve(handle, "curl_easy_getinfo", api->easy_getinfo, missing);
  Resolve(handle, "curl_easy_cleanup", api->easy_cleanup, missing);
  Resolve(handle, "curl_easy_strerror", api->easy_strerror, missing);
  Resolve(handle, "curl_slist_append", api->slist_append, missing);
  Resolve(handle, "curl_slist_free_all", api->slist_free_all, missing);
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

/// The process-wide libcurl, loaded on first use (thread-safe static init).
std::shared_ptr<const CurlApi> DefaultCurl() {
  static const std::shared_ptr<const CurlApi> api = LoadCurl(kDefaultCurlLibrary);
  return api;
}

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

/// Called by libcurl once per header line, status line included.
size_t AppendHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<HttpHeaders*>(user);
  const std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    headers->clear();  // a new response (after a redirect or 100 Continue)
  } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
    headers->emplace_back(std::string(Trim(line.substr(0, colon))),
                          std::string(Trim(line.substr(colon + 1))));
  }
  return size * count;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

class CurlHttpClient final : public HttpClient {
 public:
  /// `library` empty = the process-wide libcurl.so.4.
  explicit CurlHttpClient(std::string library) : library_(std::move(library)) {}

  HttpResponse Send(const HttpRequest& request) override;

 private:
  const CurlApi& Api() {
    if (api_ == nullptr) api_ = library_.empty() ? DefaultCurl() : LoadCurl(library_);
    return *api_;
  }

  std::string library_;
  std::shared_ptr<const CurlApi> api_;  // null until the first Send
};

HttpResponse CurlHttpClient::Send(const HttpRequest& request) {
  HttpResponse response;
  const CurlApi& api = Api();
  if (!api.error.empty()) {
    response.error = api.error;
    return response;
  }

  CURL* curl = api.easy_init();
  if (curl == nullptr) {
    response.error = "curl_easy_init failed";
    return response;
  }
  curl_slist* header_list = nullptr;
  struct Cleanup {
    const CurlApi& api;
    CURL* curl;
    curl_slist*& list;
    ~Cleanup() {
      api.slist_free_all(list);
      api.easy_cleanup(curl);
    }
  } cleanup{api, curl, header_list};

  char error_buffer[CURL_ERROR_SIZE] = {};
  auto set = api.easy_setopt;
  // libcurl's varargs expect long for numeric options.
  using Long = long;
  set(curl, CURLOPT_ERRORBUFFER, error_buffer);
  set(curl, CURLOPT_URL, request.url.c_str());
  set(curl, CURLOPT_NOSIGNAL, Long{1});
  set(curl, CURLOPT_TIMEOUT_MS, Long{std::max(request.timeout_ms, 1)});
  set(curl, CURLOPT_USERAGENT, kUserAgent);
  set(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  set(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  if (request.follow_redirects) {
    set(curl, CURLOPT_FOLLOWLOCATION, Long{1});
    set(curl, CURLOPT_MAXREDIRS, kMaxRedirects);
  }
  if (!request.verify_tls) {
    set(curl, CURLOPT_SSL_VERIFYPEER, Long{0});
    set(curl, CURLOPT_SSL_VERIFYHOST, Long{0});
  }

  const std::string& method = request.method;
  const bool sends_body =
      !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (method == "HEAD") {
    set(curl, CURLOPT_NOBODY, Long{1});
  } else if (sends_body) {
    set(curl, CURLOPT_POSTFIELDS, request.body.data());
    set(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    if (method != "POST") set(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  } else if (method != "GET") {
    set(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }

  bool has_expect = false;
  for (const auto& [name, value] : request.headers) {
    has_expect = has_expect || EqualsIgnoreCase(name, "Expect");
    // "Name:" would make curl drop the header; "Name;" sends it empty.
    const std::string line = value.empty() ? name + ";" : name + ": " + value;
    curl_slist* appended = api.slist_append(header_list, line.c_str());
    if (appended == nullptr) {
      response.error = "curl_slist_append failed";
      return response;
    }
    header_list = appended;
  }
  if (!has_expect && sends_body) {
    // No "Expect: 100-continue" round trip for large bodies.
    if (curl_slist* appended = api.slist_append(header_list, "Expect:")) header_list = appended;
  }
  if (header_list != nullptr) set(curl, CURLOPT_HTTPHEADER, header_list);

  set(curl, CURLOPT_WRITEFUNCTION, &AppendBody);
  set(curl, CURLOPT_WRITEDATA, &response.body);
  set(curl, CURLOPT_HEADERFUNCTION, &AppendHeader);
  set(curl, CURLOPT_HEADERDATA, &response.headers);

  const CURLcode rc = api.easy_perform(curl);
  if (rc != CURLE_OK) {
    response.error = error_buffer[0] != '\0' ? error_buffer : api.easy_strerror(rc);
    response.error += " (" + method + " " + request.url + ")";
    response.status = 0;
    response.body.clear();
    response.headers.clear();
    return response;
  }
  Long status = 0;
  api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace

const std::string* HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

std::unique_ptr<HttpClient> MakeCurlHttpClient() {
  return std::make_unique<CurlHttpClient>(std::string());
}

std::unique_ptr<HttpClient> MakeCurlHttpClient(std::string library) {
  return std::make_unique<CurlHttpClient>(std::move(library));
}

}  // namespace platformctl
