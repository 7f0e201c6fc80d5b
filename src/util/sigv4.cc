// AWS Signature Version 4, following the published algorithm
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)
// and checked against AWS's SigV4 test suite (tests/unit/sigv4_test.cc).

#include "platformctl/sigv4.h"

#include <string.h>  // explicit_bzero

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "platformctl/crypto.h"

namespace platformctl {
namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

/// RFC 3986 encoding with upper-case hex; '/' is kept when `keep_slash`.
std::string UriEncode(std::string_view s, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(c);
    } else {
      const auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0x0f]);
    }
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decodes %XX escapes; a '%' not followed by two hex digits stays literal.
std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>((hi << 4) | lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

char ToLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLower(a[i]) != ToLower(b[i])) return false;
  }
  return true;
}

struct ParsedUrl {
  std::string host;  ///< as for the Host header: no userinfo, default port dropped
  std::string path;  ///< as in the URL, "" when absent
  std::string query;
};

ParsedUrl ParseUrl(std::string_view url) {
  ParsedUrl parsed;
  std::string_view rest = url;
  std::string scheme;
  if (const size_t colon = rest.find("://"); colon != std::string_view::npos) {
    scheme = Lower(rest.substr(0, colon));
    rest.remove_prefix(colon + 3);
  }
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  // Drop the scheme's default port, as HTTP clients do in the Host header.
  const size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']', colon) == std::string_view::npos) {
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty() || (scheme == "https" && port == "443") ||
        (scheme == "http" && port == "80")) {
      authority = authority.substr(0, colon);
    }
  }
  parsed.host = Lower(authority);
  const size_t question = rest.find('?');
  parsed.path = std::string(rest.substr(0, question));
  if (question != std::string_view::npos) parsed.query = std::string(rest.substr(question + 1));
  return parsed;
}

/// Path normalisation as the AWS SDKs do it: empty and "." segments dropped,
/// ".." removes the previous segment, a trailing '/' is kept.
std::string NormalisePath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out = "/";
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (!segments.empty() && path.ends_with('/')) out.push_back('/');
  return out;
}

std::string CanonicalQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view param = query.substr(start, end - start);
    if (!param.empty()) {
      const size_t equals = param.find('=');
      const std::string_view key = param.substr(0, equals);
      const std::string_view value =
          equals == std::string_view::npos ? std::string_view() : param.substr(equals + 1);
      params.emplace_back(UriEncode(PercentDecode(key), false),
                          UriEncode(PercentDecode(value), false));
    }
    start = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += key;
    out.push_back('=');
    out += value;
  }
  return out;
}

/// Leading and trailing whitespace removed, inner runs collapsed to one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (const char c : value) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

const std::string* FindHeader(const HttpHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return &value;
  }
  return nullptr;
}

bool IsAmzDate(std::string_view s) {
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return false;
  for (size_t i = 0; i < 15; ++i) {
    if (i != 8 && (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

/// Overwrites key material before the string is freed.
void Wipe(std::string& s) {
  if (!s.empty()) explicit_bzero(s.data(), s.size());
}

}  // namespace

SigV4Result SignV4(const SigV4Request& request, const AwsCredentials& credentials,
                   std::string_view region, std::string_view service, std::string_view amz_date) {
  if (!IsAmzDate(amz_date)) {
    throw std::invalid_argument("SigV4: amz_date '" + std::string(amz_date) +
                                "' is not of the form YYYYMMDDTHHMMSSZ");
  }
  const ParsedUrl url = ParseUrl(request.url);
  if (url.host.empty()) {
    throw std::invalid_argument("SigV4: URL '" + request.url + "' has no host");
  }
  if (FindHeader(request.headers, "Authorization") != nullptr) {
    throw std::invalid_argument("SigV4: the request already has an Authorization header");
  }

  SigV4Result result;
  result.headers = request.headers;
  if (FindHeader(request.headers, "Host") == nullptr) result.headers.emplace_back("Host", url.host);
  if (const std::string* date = FindHeader(request.headers, "X-Amz-Date")) {
    if (*date != amz_date) {
      throw std::invalid_argument("SigV4: the request's X-Amz-Date '" + *date +
                                  "' differs from the signing time '" + std::string(amz_date) +
                                  "'");
    }
  } else {
    result.headers.emplace_back("X-Amz-Date", std::string(amz_date));
  }
  if (!credentials.session_token.empty()) {
    if (const std::string* token = FindHeader(request.headers, "X-Amz-Security-Token")) {
      if (*token != credentials.session_token) {
        throw std::invalid_argument(
            "SigV4: the request's X-Amz-Security-Token differs from the credentials' session "
            "token");
      }
    } else {
      result.headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
    }
  }

  // Canonical headers: lower-case names, sorted; repeated names keep their
  // values in order, joined with ','.
  std::map<std::string, std::string> canonical_headers;
  for (const auto& [name, value] : result.headers) {
    auto [it, inserted] = canonical_headers.try_emplace(Lower(TrimAll(name)), TrimAll(value));
    if (!inserted) {
      it->second.push_back(',');
      it->second += TrimAll(value);
    }
  }
  std::string header_lines;
  std::string signed_headers;
  for (const auto& [name, value] : canonical_headers) {
    header_lines += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += name;
  }

  result.canonical_request = request.method + "\n" + UriEncode(NormalisePath(url.path), true) +
                             "\n" + CanonicalQuery(url.query) + "\n" + header_lines + "\n" +
                             signed_headers + "\n" + Sha256Hex(request.body);

  const std::string date(amz_date.substr(0, 8));
  const std::string scope =
      date + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  result.string_to_sign = std::string(kAlgorithm) + "\n" + std::string(amz_date) + "\n" + scope +
                          "\n" + Sha256Hex(result.canonical_request);

  std::string key = "AWS4" + credentials.secret_access_key;
  for (const std::string_view part :
       {std::string_view(date), region, service, std::string_view("aws4_request")}) {
    std::string next = HmacSha256(key, part);
    Wipe(key);
    key = std::move(next);
  }
  const std::string signature = HexEncode(HmacSha256(key, result.string_to_sign));
  Wipe(key);

  result.authorization = std::string(kAlgorithm) + " Credential=" + credentials.access_key_id +
                         "/" + scope + ", SignedHeaders=" + signed_headers +
                         ", Signature=" + signature;
  result.headers.emplace_back("Authorization", result.authorization);
  return result;
}

std::string AmzDate(std::int64_t unix_seconds) {
  // Days from 1970-01-01 and the civil date for them (H. Hinnant's algorithm),
  // independent of time_t's range.
  constexpr std::int64_t kSecondsPerDay = 86400;
  // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
  constexpr std::int64_t kMin = -62167219200;
  constexpr std::int64_t kMax = 253402300799;
  if (unix_seconds < kMin || unix_seconds > kMax) {
    throw std::out_of_range("AmzDate: " + std::to_string(unix_seconds) +
                            " is outside the years 0000-9999");
  }
  std::int64_t days = unix_seconds / kSecondsPerDay;
  std::int64_t seconds = unix_seconds % kSecondsPerDay;
  if (seconds < 0) {
    seconds += kSecondsPerDay;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);

  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%04lld%02lld%02lldT%02lld%02lld%02lldZ",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  return buffer;
}

}  // namespace platformctl
