// libcurl-backed HttpClient. libcurl is loaded with dlopen on the first Send
// (not linked): it drags in ~36 shared libraries (TLS, LDAP, SSH, IDN, ...),
// whose loading would dominate the start-up of commands that do no HTTP.
// Only libcurl's headers are used at build time, for types and constants
// (loading: util/curl_api.cc).

#include "platformctl/http.h"

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <utility>

#include "util/curl_api.h"

namespace platformctl {
namespace {

constexpr long kMaxRedirects = 5;  // libcurl takes long for numeric options

#ifdef PLATFORMCTL_VERSION
constexpr const char* kUserAgent = "platformctl/" PLATFORMCTL_VERSION;
#else
constexpr const char* kUserAgent = "platformctl";
#endif

/// Where the write callback puts the body, and how much it may take.
struct BodySink {
  std::string* body;
  size_t max_bytes;
  bool overflow = false;
};

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const size_t n = size * count;
  if (sink->body->size() + n > sink->max_bytes) {
    sink->overflow = true;
    return 0;  // anything but n makes libcurl abort with CURLE_WRITE_ERROR
  }
  sink->body->append(data, n);
  return n;
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
  // libcurl's varargs expect long for numeric options.
  using Long = long;
  CurlOptions o(api, curl);
  o.Set(CURLOPT_ERRORBUFFER, "CURLOPT_ERRORBUFFER", static_cast<char*>(error_buffer));
  o.Set(CURLOPT_URL, "CURLOPT_URL", request.url.c_str());
  o.Set(CURLOPT_NOSIGNAL, "CURLOPT_NOSIGNAL", Long{1});
  o.Set(CURLOPT_TIMEOUT_MS, "CURLOPT_TIMEOUT_MS", Long{std::max(request.timeout_ms, 1)});
  o.Set(CURLOPT_USERAGENT, "CURLOPT_USERAGENT", kUserAgent);
  constexpr long kHttp = 1L << 0;   // CURLPROTO_HTTP
  constexpr long kHttps = 1L << 1;  // CURLPROTO_HTTPS
  o.SetProtocols(false, "http,https", kHttp | kHttps);
  // An https URL never follows a redirect to plain http.
  if (request.url.starts_with("https://")) {
    o.SetProtocols(true, "https", kHttps);
  } else {
    o.SetProtocols(true, "http,https", kHttp | kHttps);
  }
  if (request.follow_redirects) {
    o.Set(CURLOPT_FOLLOWLOCATION, "CURLOPT_FOLLOWLOCATION", Long{1});
    o.Set(CURLOPT_MAXREDIRS, "CURLOPT_MAXREDIRS", kMaxRedirects);
  }
  if (!request.verify_tls) {
    o.Set(CURLOPT_SSL_VERIFYPEER, "CURLOPT_SSL_VERIFYPEER", Long{0});
    o.Set(CURLOPT_SSL_VERIFYHOST, "CURLOPT_SSL_VERIFYHOST", Long{0});
  }

  const std::string& method = request.method;
  const bool sends_body =
      !request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
  if (method == "HEAD") {
    o.Set(CURLOPT_NOBODY, "CURLOPT_NOBODY", Long{1});
  } else if (sends_body) {
    o.Set(CURLOPT_POSTFIELDS, "CURLOPT_POSTFIELDS", request.body.data());
    o.Set(CURLOPT_POSTFIELDSIZE_LARGE, "CURLOPT_POSTFIELDSIZE_LARGE",
          static_cast<curl_off_t>(request.body.size()));
    if (method != "POST") o.Set(CURLOPT_CUSTOMREQUEST, "CURLOPT_CUSTOMREQUEST", method.c_str());
  } else if (method != "GET") {
    o.Set(CURLOPT_CUSTOMREQUEST, "CURLOPT_CUSTOMREQUEST", method.c_str());
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
    curl_slist* appended = api.slist_append(header_list, "Expect:");
    if (appended == nullptr) {
      response.error = "curl_slist_append failed";
      return response;
    }
    header_list = appended;
  }
  if (header_list != nullptr) o.Set(CURLOPT_HTTPHEADER, "CURLOPT_HTTPHEADER", header_list);

  BodySink sink{&response.body, request.max_body_bytes};
  o.Set(CURLOPT_WRITEFUNCTION, "CURLOPT_WRITEFUNCTION", &AppendBody);
  o.Set(CURLOPT_WRITEDATA, "CURLOPT_WRITEDATA", static_cast<void*>(&sink));
  o.Set(CURLOPT_HEADERFUNCTION, "CURLOPT_HEADERFUNCTION", &AppendHeader);
  o.Set(CURLOPT_HEADERDATA, "CURLOPT_HEADERDATA", static_cast<void*>(&response.headers));
  if (!o.error().empty()) {
    // Nothing was sent: a request without one of its options could go out
    // wrong (no timeout, another protocol, no body limit).
    response.error = o.error() + " (" + method + " " + request.url + ")";
    return response;
  }

  const CURLcode rc = api.easy_perform(curl);
  if (rc != CURLE_OK) {
    if (sink.overflow) {
      response.error =
          "response body larger than " + std::to_string(request.max_body_bytes) + " bytes";
    } else {
      response.error = error_buffer[0] != '\0' ? error_buffer : api.easy_strerror(rc);
    }
    response.error += " (" + method + " " + request.url + ")";
    response.status = 0;
    response.body.clear();
    response.headers.clear();
    return response;
  }
  Long status = 0;
  if (const CURLcode info = api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      info != CURLE_OK) {
    response.error = std::string("curl_easy_getinfo(CURLINFO_RESPONSE_CODE) failed: ") +
                     api.easy_strerror(info) + " (" + method + " " + request.url + ")";
    response.body.clear();
    response.headers.clear();
    return response;
  }
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace

std::string CheckFetchUrl(std::string_view url) {
  if (url.starts_with("https://") && url.size() > 8) return {};
  if (!url.starts_with("http://")) return "'" + std::string(url) + "' is not an https:// URL";
  std::string_view rest = url.substr(7);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  std::string_view host;
  if (rest.starts_with("[")) {
    host =
        rest.substr(0, rest.find(']') == std::string_view::npos ? rest.size() : rest.find(']') + 1);
  } else {
    host = rest.substr(0, rest.find(':'));
  }
  bool loopback = host == "localhost" || host == "[::1]";
  if (host.starts_with("127.")) {
    int parts = 2;  // "127" and the label after the first dot
    bool digits = true;
    for (char c : host.substr(4)) {
      if (c == '.')
        ++parts;
      else if (std::isdigit(static_cast<unsigned char>(c)) == 0)
        digits = false;
    }
    loopback = digits && parts == 4;
  }
  if (loopback) return {};
  return "'" + std::string(url) +
         "' is plain http to a host that is not loopback; use https:// (http is accepted only "
         "for 127.0.0.1, [::1] and localhost, for tests)";
}

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
