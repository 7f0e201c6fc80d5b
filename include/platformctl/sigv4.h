#pragma once
/// AWS Signature Version 4 (AWS4-HMAC-SHA256) request signing, for native
/// AWS API clients (Route53). Hashing is crypto.h's (libcrypto via dlopen).
///
/// Conventions (those of the AWS SDKs for services other than S3):
///  - the URL is taken as it is sent: its path is normalised (empty and "."
///    segments dropped, ".." resolved, a trailing '/' kept) and then
///    URI-encoded once more by the signer, so an already-encoded "%20" in the
///    URL becomes "%2520" in the canonical URI;
///  - the query string is percent-decoded and re-encoded with RFC 3986
///    unreserved characters left alone (a literal '+' is a plus, "%2B"; send
///    spaces as "%20"), then sorted by encoded key, then encoded value;
///  - every header in SigV4Request::headers is signed, plus the ones added.

#include <cstdint>
#include <string>
#include <string_view>

#include "platformctl/http.h"

namespace platformctl {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;  ///< never logged or put in errors
  std::string session_token;      ///< "" = none; sent as X-Amz-Security-Token (signed)
};

/// What is signed.
struct SigV4Request {
  std::string method;  ///< "GET", "POST"
  /// Full URL, e.g. https://route53.amazonaws.com/2013-04-01/hostedzone/Z1/rrset?type=A
  std::string url;
  /// Extra headers to sign, as sent (Host is added from the URL if missing).
  HttpHeaders headers;
  std::string body;
};

struct SigV4Result {
  std::string canonical_request;
  std::string string_to_sign;
  std::string authorization;  ///< the Authorization header value
  /// Every header to send: the input headers (in their order), then those
  /// added: Host, X-Amz-Date, X-Amz-Security-Token (each only when the input
  /// lacks it) and Authorization.
  HttpHeaders headers;
};

/// Signs with AWS SigV4 (AWS4-HMAC-SHA256) for `service` in `region` at time
/// `amz_date` ("20150830T123600Z"). Throws std::invalid_argument when
/// `amz_date` is malformed, the URL has no host, the request already carries
/// an Authorization header, or its X-Amz-Date / X-Amz-Security-Token header
/// disagrees with `amz_date` / the credentials (messages never contain the
/// secret key or the session token). Throws std::runtime_error when
/// libcrypto cannot be loaded (see crypto.h).
[[nodiscard]] SigV4Result SignV4(const SigV4Request& request, const AwsCredentials& credentials,
                                 std::string_view region, std::string_view service,
                                 std::string_view amz_date);

/// "20150830T123600Z" for a unix time (UTC). Throws std::out_of_range for
/// times outside the years 0000-9999.
[[nodiscard]] std::string AmzDate(std::int64_t unix_seconds);

}  // namespace platformctl
