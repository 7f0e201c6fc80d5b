#pragma once
/// HTTPS probe with inspection of the served certificate, for
/// `platformctl verify --deep`: a GET to each ingress host through the ingress
/// node address and NodePort (so DNS is not needed), then a judgement of the
/// certificate the ingress served (validity, SAN, expected issuer).
///
/// X.509 parsing uses OpenSSL's libcrypto and the probe uses libcurl, both
/// loaded with dlopen on first use (see http.h, crypto.h).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace platformctl {

struct TlsCertificate {
  std::string subject;    ///< one line, RFC 2253 style, e.g. "CN=hello.example.com" (may be empty)
  std::string issuer;     ///< e.g. "CN=(STAGING) Pseudo Plum E5,O=(STAGING) Let's Encrypt,C=US"
  std::string issuer_cn;  ///< issuer commonName ("" if none)
  std::string issuer_o;   ///< issuer organizationName ("" if none)
  /// Issued by its own key: X509_self_signed(cert, 1), i.e. subject == issuer
  /// and the signature verifies with the certificate's own public key.
  bool self_signed = false;
  std::int64_t not_before = 0;         ///< unix seconds
  std::int64_t not_after = 0;          ///< unix seconds
  std::vector<std::string> dns_names;  ///< subjectAltName DNS entries, as in the certificate
  std::string pem;                     ///< the leaf certificate as served
};

/// Parses the first PEM certificate in `pem` with OpenSSL (libcrypto.so.3 via
/// dlopen). On failure returns nullopt and sets *error (when non-null).
std::optional<TlsCertificate> ParseCertificatePem(std::string_view pem, std::string* error);

/// RFC 6125 host matching against cert.dns_names: case-insensitive, a trailing
/// dot ignored, a wildcard only as the whole left-most label ("*.example.com"
/// covers "a.example.com", not "a.b.example.com" nor "example.com"), at least
/// two labels after it. No fallback to the subject CN.
bool CertificateCoversHost(const TlsCertificate& cert, std::string_view host);

enum class ExpectedIssuer {
  kSelfSigned,          ///< self_signed must be true
  kLetsEncryptStaging,  ///< issuer_o contains "(STAGING)" (O="(STAGING) Let's Encrypt")
  kLetsEncryptProd,     ///< issuer_o == "Let's Encrypt"
};

/// Judges a served certificate for `host` at `now_unix`: "" when fine, else one
/// sentence saying what is wrong (the first problem, in this order):
///   "certificate is not valid before 2026-12-01 (not before 2026-12-01T10:00:00Z)"
///   "certificate expired on 2026-11-30 (not after 2026-11-30T10:00:00Z)"
///   "certificate is issued by '<issuer>', expected a Let's Encrypt staging certificate (...)"
///   "certificate does not cover hello.example.com (SAN: ingress.local)"
///   "certificate expires in 3 days (2026-12-04); renewal is overdue (cert-manager renews 30
///    days before)" when fewer than `min_days_left` days are left.
/// The issuer comes before the SAN because a wrong issuer (e.g. the ingress
/// controller's fake certificate) is the root cause of a wrong SAN as well.
std::string JudgeServedCertificate(const TlsCertificate& cert, ExpectedIssuer expected,
                                   std::string_view host, std::int64_t now_unix,
                                   int min_days_left = 14);

struct HttpsProbeRequest {
  std::string host;             ///< SNI, Host header and certificate name
  std::string connect_address;  ///< IP or name to connect to instead of host ("" = resolve host)
  int port = 443;               ///< port to connect to (the NodePort, e.g. 30313)
  std::string path = "/";
  int timeout_ms = 10000;
};

struct HttpsProbeResult {
  int status = 0;                             ///< HTTP status, 0 when no response
  std::string location;                       ///< Location header of a 3xx, "" otherwise
  std::string error;                          ///< transport error ("" when a response arrived)
  std::optional<TlsCertificate> certificate;  ///< the served leaf certificate
  std::string certificate_error;              ///< why it could not be read/parsed
  double seconds = 0;                         ///< wall time of the request
};

/// Probes one HTTPS endpoint. Implementations are used from one thread at a time.
class HttpsProber {
 public:
  virtual ~HttpsProber() = default;
  /// Never throws for transport problems: they are reported in
  /// HttpsProbeResult::error (with status 0).
  virtual HttpsProbeResult Probe(const HttpsProbeRequest& request) = 0;
};

/// The libcurl prober: GET https://HOST/PATH, connected to
/// CONNECT_ADDRESS:PORT with CURLOPT_CONNECT_TO (so SNI and Host stay HOST);
/// without connect_address, GET https://HOST:PORT/PATH. TLS verification is
/// off (the certificate is judged by JudgeServedCertificate instead: self-signed
/// and staging certificates never verify), redirects are not followed, proxies
/// from the environment are not used, and the served leaf certificate is read
/// with CURLOPT_CERTINFO.
std::unique_ptr<HttpsProber> MakeCurlHttpsProber();

}  // namespace platformctl
