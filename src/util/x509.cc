// X.509 certificate parsing with OpenSSL's libcrypto, loaded with dlopen on
// first use (not linked), and the judgement of a served certificate; see
// platformctl/https_probe.h. Only OpenSSL's headers are used at build time:
// no OpenSSL macro or inline function that calls into libcrypto may be used
// here (BIO_get_mem_data, OPENSSL_free, sk_*_num, ...), only the pointers below.

#include <dlfcn.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "platformctl/https_probe.h"
#include "util/dl_resolve.h"

namespace platformctl {
namespace {

constexpr const char* kCryptoLibrary = "libcrypto.so.3";
constexpr std::int64_t kSecondsPerDay = 86400;
constexpr int kCertManagerRenewDays = 30;  // Let's Encrypt 90-day certificates, renewBefore 1/3

/// The libcrypto entry points used for X.509. `error` is non-empty when the
/// library could not be loaded; then no pointer may be used.
struct X509Api {
  decltype(&BIO_new_mem_buf) bio_new_mem_buf = nullptr;
  decltype(&BIO_s_mem) bio_s_mem = nullptr;
  decltype(&BIO_new) bio_new = nullptr;
  decltype(&BIO_ctrl) bio_ctrl = nullptr;
  decltype(&BIO_free) bio_free = nullptr;
  decltype(&PEM_read_bio_X509) pem_read_bio_x509 = nullptr;
  decltype(&X509_free) x509_free = nullptr;
  decltype(&X509_get_subject_name) get_subject_name = nullptr;
  decltype(&X509_get_issuer_name) get_issuer_name = nullptr;
  decltype(&X509_NAME_print_ex) name_print_ex = nullptr;
  decltype(&X509_NAME_get_index_by_NID) name_get_index_by_nid = nullptr;
  decltype(&X509_NAME_get_entry) name_get_entry = nullptr;
  decltype(&X509_NAME_ENTRY_get_data) name_entry_get_data = nullptr;
  decltype(&ASN1_STRING_to_UTF8) asn1_string_to_utf8 = nullptr;
  decltype(&ASN1_STRING_get0_data) asn1_string_get0_data = nullptr;
  decltype(&ASN1_STRING_length) asn1_string_length = nullptr;
  decltype(&ASN1_TIME_to_tm) asn1_time_to_tm = nullptr;
  decltype(&CRYPTO_free) crypto_free = nullptr;
  decltype(&X509_self_signed) self_signed = nullptr;
  decltype(&X509_get0_notBefore) get0_not_before = nullptr;
  decltype(&X509_get0_notAfter) get0_not_after = nullptr;
  decltype(&X509_get_ext_d2i) get_ext_d2i = nullptr;
  decltype(&GENERAL_NAMES_free) general_names_free = nullptr;
  decltype(&OPENSSL_sk_num) stack_num = nullptr;
  decltype(&OPENSSL_sk_value) stack_value = nullptr;
  decltype(&ERR_get_error) err_get_error = nullptr;
  decltype(&ERR_error_string_n) err_error_string_n = nullptr;
  decltype(&ERR_clear_error) err_clear_error = nullptr;
  std::string error;
};

std::unique_ptr<X509Api> LoadX509Api() {
  auto api = std::make_unique<X509Api>();
  // Never closed: stays mapped until exit (OpenSSL registers atexit handlers).
  void* handle = dlopen(kCryptoLibrary, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    api->error = std::string("certificate parsing is unavailable: cannot load ") + kCryptoLibrary +
                 " (" + (why != nullptr ? why : "unknown error") +
                 "); install OpenSSL 3 (Debian: apt-get install libssl3)";
    return api;
  }
  std::string missing;
  ResolveSymbol(handle, "BIO_new_mem_buf", api->bio_new_mem_buf, missing);
  ResolveSymbol(handle, "BIO_s_mem", api->bio_s_mem, missing);
  ResolveSymbol(handle, "BIO_new", api->bio_new, missing);
  ResolveSymbol(handle, "BIO_ctrl", api->bio_ctrl, missing);
  ResolveSymbol(handle, "BIO_free", api->bio_free, missing);
  ResolveSymbol(handle, "PEM_read_bio_X509", api->pem_read_bio_x509, missing);
  ResolveSymbol(handle, "X509_free", api->x509_free, missing);
  ResolveSymbol(handle, "X509_get_subject_name", api->get_subject_name, missing);
  ResolveSymbol(handle, "X509_get_issuer_name", api->get_issuer_name, missing);
  ResolveSymbol(handle, "X509_NAME_print_ex", api->name_print_ex, missing);
  ResolveSymbol(handle, "X509_NAME_get_index_by_NID", api->name_get_index_by_nid, missing);
  ResolveSymbol(handle, "X509_NAME_get_entry", api->name_get_entry, missing);
  ResolveSymbol(handle, "X509_NAME_ENTRY_get_data", api->name_entry_get_data, missing);
  ResolveSymbol(handle, "ASN1_STRING_to_UTF8", api->asn1_string_to_utf8, missing);
  ResolveSymbol(handle, "ASN1_STRING_get0_data", api->asn1_string_get0_data, missing);
  ResolveSymbol(handle, "ASN1_STRING_length", api->asn1_string_length, missing);
  ResolveSymbol(handle, "ASN1_TIME_to_tm", api->asn1_time_to_tm, missing);
  ResolveSymbol(handle, "CRYPTO_free", api->crypto_free, missing);
  ResolveSymbol(handle, "X509_self_signed", api->self_signed, missing);
  ResolveSymbol(handle, "X509_get0_notBefore", api->get0_not_before, missing);
  ResolveSymbol(handle, "X509_get0_notAfter", api->get0_not_after, missing);
  ResolveSymbol(handle, "X509_get_ext_d2i", api->get_ext_d2i, missing);
  ResolveSymbol(handle, "GENERAL_NAMES_free", api->general_names_free, missing);
  ResolveSymbol(handle, "OPENSSL_sk_num", api->stack_num, missing);
  ResolveSymbol(handle, "OPENSSL_sk_value", api->stack_value, missing);
  ResolveSymbol(handle, "ERR_get_error", api->err_get_error, missing);
  ResolveSymbol(handle, "ERR_error_string_n", api->err_error_string_n, missing);
  ResolveSymbol(handle, "ERR_clear_error", api->err_clear_error, missing);
  if (!missing.empty()) {
    api->error =
        std::string("certificate parsing is unavailable: ") + kCryptoLibrary + " lacks " + missing;
  }
  return api;
}

/// The process-wide libcrypto, loaded on first use (thread-safe static init).
const X509Api& Api() {
  static const std::unique_ptr<X509Api> api = LoadX509Api();
  return *api;
}

/// The oldest queued OpenSSL error of this thread as text (the queue is then
/// cleared), or `fallback`.
std::string OpenSslError(const X509Api& api, const char* fallback) {
  const unsigned long code = api.err_get_error();
  api.err_clear_error();
  if (code == 0) return fallback;
  char buffer[256] = {};
  api.err_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

/// One-line RFC 2253 form ("CN=x,O=y,C=US"), UTF-8 kept as is.
std::string NameToString(const X509Api& api, const X509_NAME* name) {
  if (name == nullptr) return "";
  BIO* bio = api.bio_new(api.bio_s_mem());
  if (bio == nullptr) return "";
  constexpr unsigned long kFlags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
  std::string out;
  if (api.name_print_ex(bio, name, 0, kFlags) >= 0) {
    char* data = nullptr;
    // BIO_get_mem_data(bio, &data), a macro over BIO_ctrl.
    const long size = api.bio_ctrl(bio, BIO_CTRL_INFO, 0, static_cast<void*>(&data));
    if (size > 0 && data != nullptr) out.assign(data, static_cast<size_t>(size));
  }
  api.bio_free(bio);
  return out;
}

/// The first entry `nid` of `name` in UTF-8, "" when absent.
std::string NameEntry(const X509Api& api, const X509_NAME* name, int nid) {
  if (name == nullptr) return "";
  const int index = api.name_get_index_by_nid(name, nid, -1);
  if (index < 0) return "";
  const X509_NAME_ENTRY* entry = api.name_get_entry(name, index);
  if (entry == nullptr) return "";
  unsigned char* utf8 = nullptr;
  const int size = api.asn1_string_to_utf8(&utf8, api.name_entry_get_data(entry));
  std::string out;
  if (size > 0 && utf8 != nullptr) {
    out.assign(reinterpret_cast<const char*>(utf8), static_cast<size_t>(size));
  }
  if (utf8 != nullptr) api.crypto_free(utf8, __FILE__, __LINE__);
  return out;
}

std::optional<std::int64_t> ToUnix(const X509Api& api, const ASN1_TIME* time) {
  if (time == nullptr) return std::nullopt;  // ASN1_TIME_to_tm(nullptr) means "now"
  std::tm tm{};
  if (api.asn1_time_to_tm(time, &tm) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::vector<std::string> DnsNames(const X509Api& api, const X509* cert) {
  std::vector<std::string> names;
  auto* general_names =
      static_cast<GENERAL_NAMES*>(api.get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (general_names == nullptr) return names;
  const auto* stack = reinterpret_cast<const OPENSSL_STACK*>(general_names);
  const int count = api.stack_num(stack);
  for (int i = 0; i < count; ++i) {
    const auto* name = static_cast<const GENERAL_NAME*>(api.stack_value(stack, i));
    if (name == nullptr || name->type != GEN_DNS || name->d.dNSName == nullptr) continue;
    const unsigned char* data = api.asn1_string_get0_data(name->d.dNSName);
    const int size = api.asn1_string_length(name->d.dNSName);
    if (data != nullptr && size > 0) {
      names.emplace_back(reinterpret_cast<const char*>(data), static_cast<size_t>(size));
    }
  }
  api.general_names_free(general_names);
  return names;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view StripTrailingDot(std::string_view s) {
  if (s.ends_with('.')) s.remove_suffix(1);
  return s;
}

bool NameMatchesHost(std::string_view pattern_in, std::string_view host_in) {
  const std::string pattern = ToLower(StripTrailingDot(pattern_in));
  const std::string host = ToLower(StripTrailingDot(host_in));
  if (pattern.empty() || host.empty()) return false;
  if (!pattern.starts_with("*.")) return pattern == host;
  // "*.example.com": the wildcard is the whole left-most label and matches
  // exactly one non-empty label; at least two labels must follow it.
  const std::string_view suffix = std::string_view(pattern).substr(1);  // ".example.com"
  if (suffix.find('*') != std::string_view::npos) return false;
  if (suffix.substr(1).find('.') == std::string_view::npos) return false;  // "*.com"
  const size_t dot = host.find('.');
  if (dot == std::string::npos || dot == 0) return false;
  return std::string_view(host).substr(dot) == suffix;
}

std::string FormatUtc(std::int64_t unix_seconds, const char* format) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(unix_seconds);
  char buffer[64] = {};
  const size_t n = std::strftime(buffer, sizeof(buffer), format, &tm);
  return std::string(buffer, n);
}

std::string Date(std::int64_t unix_seconds) { return FormatUtc(unix_seconds, "%Y-%m-%d"); }
std::string Timestamp(std::int64_t unix_seconds) {
  return FormatUtc(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string IssuerProblem(const TlsCertificate& cert, ExpectedIssuer expected) {
  std::string wanted;
  switch (expected) {
    case ExpectedIssuer::kSelfSigned:
      if (cert.self_signed) return "";
      wanted = "a self-signed certificate";
      break;
    case ExpectedIssuer::kLetsEncryptStaging:
      if (cert.issuer_o.find("(STAGING)") != std::string::npos) return "";
      wanted = "a Let's Encrypt staging certificate ((STAGING) in the issuer organisation)";
      break;
    case ExpectedIssuer::kLetsEncryptProd:
      if (cert.issuer_o == "Let's Encrypt") return "";
      wanted = "a Let's Encrypt production certificate (issuer organisation \"Let's Encrypt\")";
      break;
  }
  const std::string issuer = cert.issuer.empty() ? "(empty issuer name)" : cert.issuer;
  return "certificate is issued by '" + issuer + "', expected " + wanted;
}

}  // namespace

std::optional<TlsCertificate> ParseCertificatePem(std::string_view pem, std::string* error) {
  auto fail = [error](std::string why) -> std::optional<TlsCertificate> {
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  const X509Api& api = Api();
  if (!api.error.empty()) return fail(api.error);
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string_view::npos) {
    return fail("not a PEM certificate (no -----BEGIN CERTIFICATE----- line)");
  }
  if (pem.size() > static_cast<size_t>(INT_MAX)) return fail("PEM certificate too large");

  api.err_clear_error();
  BIO* bio = api.bio_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return fail("BIO_new_mem_buf failed");
  X509* cert = api.pem_read_bio_x509(bio, nullptr, nullptr, nullptr);
  api.bio_free(bio);
  if (cert == nullptr) {
    return fail("cannot parse the PEM certificate: " + OpenSslError(api, "unknown error"));
  }
  struct Free {
    const X509Api& api;
    X509* cert;
    ~Free() { api.x509_free(cert); }
  } free_cert{api, cert};

  TlsCertificate out;
  const X509_NAME* subject = api.get_subject_name(cert);
  const X509_NAME* issuer = api.get_issuer_name(cert);
  out.subject = NameToString(api, subject);
  out.issuer = NameToString(api, issuer);
  out.issuer_cn = NameEntry(api, issuer, NID_commonName);
  out.issuer_o = NameEntry(api, issuer, NID_organizationName);
  // Issued by its own key: names match (and AKID/SKID when present) and the
  // signature verifies with the certificate's own key. Not X509_check_issued:
  // it also demands keyCertSign, which self-signed leaves (cert-manager's
  // SelfSigned issuer, the ingress controller's fake certificate) lack.
  out.self_signed = api.self_signed(cert, 1) == 1;
  const std::optional<std::int64_t> not_before = ToUnix(api, api.get0_not_before(cert));
  const std::optional<std::int64_t> not_after = ToUnix(api, api.get0_not_after(cert));
  if (!not_before || !not_after) {
    api.err_clear_error();
    return fail("certificate has an unreadable validity period");
  }
  out.not_before = *not_before;
  out.not_after = *not_after;
  out.dns_names = DnsNames(api, cert);
  // The first certificate, as given.
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  const size_t begin = pem.find("-----BEGIN CERTIFICATE-----");
  size_t end = pem.find(kEnd, begin);
  end = end == std::string_view::npos ? pem.size() : end + kEnd.size();
  if (end < pem.size() && pem[end] == '\n') ++end;
  out.pem = std::string(pem.substr(begin, end - begin));
  api.err_clear_error();  // e.g. X509_self_signed may queue errors
  return out;
}

bool CertificateCoversHost(const TlsCertificate& cert, std::string_view host) {
  return std::any_of(cert.dns_names.begin(), cert.dns_names.end(),
                     [host](const std::string& name) { return NameMatchesHost(name, host); });
}

std::string JudgeServedCertificate(const TlsCertificate& cert, ExpectedIssuer expected,
                                   std::string_view host, std::int64_t now_unix,
                                   int min_days_left) {
  if (now_unix < cert.not_before) {
    return "certificate is not valid before " + Date(cert.not_before) + " (not before " +
           Timestamp(cert.not_before) + ")";
  }
  if (now_unix > cert.not_after) {
    return "certificate expired on " + Date(cert.not_after) + " (not after " +
           Timestamp(cert.not_after) + ")";
  }
  if (std::string problem = IssuerProblem(cert, expected); !problem.empty()) return problem;
  if (!CertificateCoversHost(cert, host)) {
    const std::string names = cert.dns_names.empty() ? "no DNS names" : Join(cert.dns_names, ", ");
    return "certificate does not cover " + std::string(host) + " (SAN: " + names + ")";
  }
  const std::int64_t seconds_left = cert.not_after - now_unix;
  if (seconds_left < static_cast<std::int64_t>(min_days_left) * kSecondsPerDay) {
    const std::int64_t days = seconds_left / kSecondsPerDay;
    const std::string in = days == 0   ? "less than a day"
                           : days == 1 ? "1 day"
                                       : std::to_string(days) + " days";
    std::string why = seconds_left < kCertManagerRenewDays * kSecondsPerDay
                          ? "renewal is overdue (cert-manager renews " +
                                std::to_string(kCertManagerRenewDays) + " days before)"
                          : "fewer than " + std::to_string(min_days_left) + " days are left";
    return "certificate expires in " + in + " (" + Date(cert.not_after) + "); " + why;
  }
  return "";
}

}  // namespace platformctl
