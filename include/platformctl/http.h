#pragma once
/// HTTP client interface. The real implementation uses libcurl, loaded with
/// dlopen on the first request, so commands that do no HTTP never map libcurl
/// and the ~36 shared libraries it pulls in. Tests use a fake HttpClient.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace platformctl {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  ///< GET, HEAD, POST, PUT, DELETE, ...
  std::string url;
  HttpHeaders headers;  ///< sent in order, e.g. {"Authorization", "..."}
  std::string body;     ///< sent when non-empty (or when method is POST/PUT)
  int timeout_ms = 10000;
  bool verify_tls = true;         ///< false = accept any certificate (curl -k)
  bool follow_redirects = false;  ///< follow 3xx Location (at most 5 hops)
  /// A longer response body aborts the transfer: Send returns the error
  /// "response body larger than N bytes".
  size_t max_body_bytes = size_t{1} << 20;
};

struct HttpResponse {
  int status = 0;  ///< HTTP status code; 0 when no response was received
  std::string body;
  HttpHeaders headers;  ///< of the final response, names as sent by the server
  std::string error;    ///< transport error (DNS, connect, TLS, timeout, no libcurl)

  /// True when a response arrived (any status); false on a transport error.
  [[nodiscard]] bool Ok() const { return error.empty(); }
  /// First header whose name matches case-insensitively, or nullptr.
  [[nodiscard]] const std::string* Header(std::string_view name) const;
};

/// Sends requests. Implementations are used from one thread at a time.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  /// Never throws for transport problems: they are reported in
  /// HttpResponse::error (with status 0).
  virtual HttpResponse Send(const HttpRequest& request) = 0;
};

/// "" when `url` may be fetched by platformctl: https://, or plain http://
/// only to a loopback host (127.0.0.0/8, [::1], localhost), for tests and
/// local stand-ins. Otherwise why not, for an error message.
std::string CheckFetchUrl(std::string_view url);

/// The libcurl client. libcurl.so.4 is loaded on the first Send; when it
/// cannot be loaded, every Send returns an error saying how to install it.
std::unique_ptr<HttpClient> MakeCurlHttpClient();

/// Same, loading libcurl from `library` (a soname or path) instead of
/// libcurl.so.4, without sharing the process-wide instance. For tests.
std::unique_ptr<HttpClient> MakeCurlHttpClient(std::string library);

}  // namespace platformctl
