// The libcurl HttpsProber (libcurl loaded with dlopen, see util/curl_api.h):
// one GET per probe, TLS verification off, the served leaf certificate read
// with CURLOPT_CERTINFO and parsed by ParseCertificatePem (x509.cc).

#include "platformctl/https_probe.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "util/curl_api.h"

namespace platformctl {
namespace {

constexpr int kHttpsPort = 443;
constexpr int kMaxPort = 65535;

#ifdef PLATFORMCTL_VERSION
constexpr const char* kUserAgent = "platformctl/" PLATFORMCTL_VERSION " (verify)";
#else
constexpr const char* kUserAgent = "platformctl (verify)";
#endif

/// The response headers of the last response (libcurl calls once per line).
struct Headers {
  std::string location;

  static size_t Append(char* data, size_t size, size_t count, void* user) {
    auto* self = static_cast<Headers*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
      self->location.clear();  // a new response (e.g. after 100 Continue)
    } else if (const size_t colon = line.find(':'); colon != std::string_view::npos) {
      if (EqualsIgnoreCase(line.substr(0, colon), "location")) {
        self->location = std::string(Trim(line.substr(colon + 1)));
      }
    }
    return size * count;
  }

  static bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return std::tolower(static_cast<unsigned char>(x)) ==
             std::tolower(static_cast<unsigned char>(y));
    });
  }

  static std::string_view Trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
      s.remove_prefix(1);
    }
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
      s.remove_suffix(1);
    }
    return s;
  }
};

/// The body is not needed; without a write callback libcurl writes it to stdout.
size_t DiscardBody(char* /*data*/, size_t size, size_t count, void* /*user*/) {
  return size * count;
}

/// `host` as it goes into a URL or a CONNECT_TO entry (IPv6 literals in brackets).
std::string UrlHost(const std::string& host) {
  if (host.find(':') != std::string::npos && !host.starts_with('[')) return "[" + host + "]";
  return host;
}

/// The "Cert:" PEM of the first (leaf) certificate in CURLINFO_CERTINFO, or "".
std::string LeafPem(const CurlApi& api, CURL* curl) {
  curl_certinfo* info = nullptr;
  if (api.easy_getinfo(curl, CURLINFO_CERTINFO, &info) != CURLE_OK || info == nullptr ||
      info->num_of_certs < 1 || info->certinfo == nullptr) {
    return "";
  }
  constexpr std::string_view kCert = "Cert:";
  for (const curl_slist* item = info->certinfo[0]; item != nullptr; item = item->next) {
    if (item->data == nullptr) continue;
    const std::string_view entry(item->data);
    if (entry.starts_with(kCert)) return std::string(entry.substr(kCert.size()));
  }
  return "";
}

class CurlHttpsProber final : public HttpsProber {
 public:
  HttpsProbeResult Probe(const HttpsProbeRequest& request) override {
    const auto started = std::chrono::steady_clock::now();
    HttpsProbeResult result = ProbeUntimed(request);
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
  }

 private:
  static HttpsProbeResult ProbeUntimed(const HttpsProbeRequest& request);
};

HttpsProbeResult CurlHttpsProber::ProbeUntimed(const HttpsProbeRequest& request) {
  HttpsProbeResult result;
  if (request.host.empty()) {
    result.error = "HTTPS probe without a host name";
    return result;
  }
  if (request.port < 1 || request.port > kMaxPort) {
    result.error =
        "HTTPS probe of " + request.host + " with an invalid port " + std::to_string(request.port);
    return result;
  }
  const std::string path =
      request.path.starts_with('/') ? request.path : "/" + request.path;  // "" -> "/"
  const std::string port = std::to_string(request.port);
  std::string url;
  std::string connect_to;
  std::string description;
  if (request.connect_address.empty()) {
    url =
        "https://" + UrlHost(request.host) + (request.port == kHttpsPort ? "" : ":" + port) + path;
    description = "GET " + url;
  } else {
    // SNI, the Host header and the certificate check keep the host name; only
    // the TCP connection goes to ADDRESS:PORT.
    url = "https://" + UrlHost(request.host) + path;
    connect_to = UrlHost(request.host) + ":" + std::to_string(kHttpsPort) + ":" +
                 UrlHost(request.connect_address) + ":" + port;
    description = "GET " + url + " via " + UrlHost(request.connect_address) + ":" + port;
  }

  const std::shared_ptr<const CurlApi> api_holder = DefaultCurl();
  const CurlApi& api = *api_holder;
  if (!api.error.empty()) {
    result.error = api.error;
    return result;
  }
  CURL* curl = api.easy_init();
  if (curl == nullptr) {
    result.error = "curl_easy_init failed";
    return result;
  }
  curl_slist* connect_list = nullptr;
  struct Cleanup {
    const CurlApi& api;
    CURL* curl;
    curl_slist*& list;
    ~Cleanup() {
      api.easy_cleanup(curl);
      api.slist_free_all(list);
    }
  } cleanup{api, curl, connect_list};
  if (!connect_to.empty()) {
    connect_list = api.slist_append(nullptr, connect_to.c_str());
    if (connect_list == nullptr) {
      result.error = "curl_slist_append failed";
      return result;
    }
  }

  char error_buffer[CURL_ERROR_SIZE] = {};
  Headers headers;
  using Long = long;  // libcurl's varargs expect long for numeric options
  CurlOptions options(api, curl);
  options.Set(CURLOPT_ERRORBUFFER, "CURLOPT_ERRORBUFFER", static_cast<char*>(error_buffer));
  options.Set(CURLOPT_URL, "CURLOPT_URL", url.c_str());
  if (connect_list != nullptr) options.Set(CURLOPT_CONNECT_TO, "CURLOPT_CONNECT_TO", connect_list);
  options.Set(CURLOPT_NOSIGNAL, "CURLOPT_NOSIGNAL", Long{1});
  options.Set(CURLOPT_TIMEOUT_MS, "CURLOPT_TIMEOUT_MS", Long{std::max(request.timeout_ms, 1)});
  options.Set(CURLOPT_USERAGENT, "CURLOPT_USERAGENT", kUserAgent);
  options.SetProtocols(false, "https", 1L << 1);  // CURLPROTO_HTTPS
  // "" = no proxy, whatever https_proxy says: the probe targets one node address.
  options.Set(CURLOPT_PROXY, "CURLOPT_PROXY", "");
  options.Set(CURLOPT_FOLLOWLOCATION, "CURLOPT_FOLLOWLOCATION", Long{0});
  // Self-signed and staging certificates never verify; JudgeServedCertificate
  // judges the certificate instead.
  options.Set(CURLOPT_SSL_VERIFYPEER, "CURLOPT_SSL_VERIFYPEER", Long{0});
  options.Set(CURLOPT_SSL_VERIFYHOST, "CURLOPT_SSL_VERIFYHOST", Long{0});
  options.Set(CURLOPT_CERTINFO, "CURLOPT_CERTINFO", Long{1});
  options.Set(CURLOPT_WRITEFUNCTION, "CURLOPT_WRITEFUNCTION", &DiscardBody);
  options.Set(CURLOPT_HEADERFUNCTION, "CURLOPT_HEADERFUNCTION", &Headers::Append);
  options.Set(CURLOPT_HEADERDATA, "CURLOPT_HEADERDATA", static_cast<void*>(&headers));
  if (!options.error().empty()) {
    result.error = options.error() + " (" + description + ")";
    return result;
  }

  const CURLcode rc = api.easy_perform(curl);
  // The certificate is read even after a failure past the handshake (e.g. an
  // empty reply), so the caller can still judge it.
  if (const std::string pem = LeafPem(api, curl); !pem.empty()) {
    std::string why;
    result.certificate = ParseCertificatePem(pem, &why);
    if (!result.certificate) result.certificate_error = "served certificate: " + why;
  } else {
    result.certificate_error = rc == CURLE_OK ? "libcurl reported no server certificate"
                                              : "no server certificate (TLS handshake failed or "
                                                "not reached)";
  }
  if (rc != CURLE_OK) {
    result.error = error_buffer[0] != '\0' ? error_buffer : api.easy_strerror(rc);
    result.error += " (" + description + ")";
    return result;
  }
  Long status = 0;
  if (const CURLcode info = api.easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      info != CURLE_OK) {
    result.error = std::string("curl_easy_getinfo(CURLINFO_RESPONSE_CODE) failed: ") +
                   api.easy_strerror(info) + " (" + description + ")";
    return result;
  }
  result.status = static_cast<int>(status);
  if (result.status >= 300 && result.status < 400) result.location = headers.location;
  return result;
}

}  // namespace

std::unique_ptr<HttpsProber> MakeCurlHttpsProber() { return std::make_unique<CurlHttpsProber>(); }

}  // namespace platformctl
