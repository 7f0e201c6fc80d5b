// Managed names, label checks, zone ids, record-name normalisation and
// address parsing for `platformctl dns`: all pure.
#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "platformctl/diagnostics.h"
#include "platformctl/dns.h"

namespace platformctl {
namespace {

/// User input in a message: quoted, at most 40 bytes, control bytes escaped.
std::string Quoted(std::string_view s) { return "'" + Excerpt(s) + "'"; }

constexpr size_t kMaxLabel = 63;
constexpr size_t kMaxName = 253;
constexpr size_t kMaxNames = 100;  // well below Route53's 1000 changes per batch

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::vector<std::string> Tokens(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<std::string_view> Labels(std::string_view name) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t dot = name.find('.', start);
    out.push_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

// The seed's derived set (host_dynamic_dns_subdomains), "" = base itself.
constexpr std::array<std::string_view, 8> kDerivedPrefixes = {
    "",        "oauth.", "staging.hello.", "prod.hello.", "clickstack.",
    "hubble.", "minio.", "minio-console."};

}  // namespace

std::string CheckDnsName(std::string_view name) {
  if (name.empty()) return "the name is empty";
  if (name.size() > kMaxName) {
    return "the name is " + std::to_string(name.size()) + " bytes long (at most " +
           std::to_string(kMaxName) + ")";
  }
  for (std::string_view label : Labels(name)) {
    if (label.empty()) return "it has an empty label (two dots, or a dot at either end)";
    if (label.size() > kMaxLabel) {
      return "label " + Quoted(label) + " is " + std::to_string(label.size()) +
             " bytes long (at most " + std::to_string(kMaxLabel) + ")";
    }
    for (char c : label) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '-') {
        return "label " + Quoted(label) + " has a character other than letters, digits and '-'";
      }
    }
    if (label.front() == '-' || label.back() == '-') {
      return "label " + Quoted(label) + " starts or ends with '-'";
    }
  }
  return {};
}

DnsNames DeriveDnsNames(const DnsNameInputs& in) {
  DnsNames out;
  const std::string zone = Lower(in.zone);
  if (const std::string why = CheckDnsName(zone); !why.empty()) {
    out.error = "DNS_ZONE_NAME " + Quoted(in.zone) + " is not a valid zone name: " + why;
    out.hint = "set DNS_ZONE_NAME to the Route53 hosted zone's domain, e.g. swhurl.com";
    return out;
  }
  std::vector<std::string> fqdns;
  std::string source;
  std::string key;
  if (!Tokens(in.subdomains).empty()) {
    key = source = "SWHURL_SUBDOMAINS";
    for (const auto& t : Tokens(in.subdomains)) fqdns.push_back(t);
  } else if (!Tokens(in.subdomain).empty()) {
    key = source = "SWHURL_SUBDOMAIN";
    for (const auto& t : Tokens(in.subdomain)) fqdns.push_back(t);
  } else {
    const std::string base_domain = Lower(in.base_domain);
    const std::string suffix = "." + zone;
    if (base_domain.size() <= suffix.size() || !base_domain.ends_with(suffix)) {
      out.error =
          "no names to manage: SWHURL_SUBDOMAINS and SWHURL_SUBDOMAIN are empty and "
          "BASE_DOMAIN " +
          Quoted(in.base_domain) + " is not under DNS_ZONE_NAME " + Quoted(zone);
      out.hint =
          "set SWHURL_SUBDOMAINS to the subdomain tokens to keep pointed at this host "
          "(e.g. SWHURL_SUBDOMAINS=\"lab oauth.lab\" gives lab." +
          zone + " and oauth.lab." + zone + "), or BASE_DOMAIN to a name under " + zone;
      return out;
    }
    const std::string base = base_domain.substr(0, base_domain.size() - suffix.size());
    key = "BASE_DOMAIN";
    source = "derived from BASE_DOMAIN";
    for (std::string_view prefix : kDerivedPrefixes) fqdns.push_back(std::string(prefix) + base);
    out.notes.push_back(
        "SWHURL_SUBDOMAINS and SWHURL_SUBDOMAIN are empty: " + std::to_string(fqdns.size()) +
        " names derived from BASE_DOMAIN=" + base_domain +
        " (set SWHURL_SUBDOMAINS to choose them)");
  }
  std::set<std::string> seen;
  for (const auto& token : fqdns) {
    if (const std::string why = CheckDnsName(token); !why.empty()) {
      out.error = key + ": " + Quoted(token) + " is not a valid subdomain: " + why;
      out.hint = "each token of " + key +
                 " is one or more DNS labels (letters, digits and '-', separated by dots), "
                 "without the zone; separate tokens with spaces or commas";
      out.names.clear();
      return out;
    }
    std::string fqdn = Lower(token) + "." + zone;
    if (const std::string why = CheckDnsName(fqdn); !why.empty()) {
      out.error = key + ": " + Quoted(token) + " gives the name " + Quoted(fqdn) +
                  ", which is not valid: " + why;
      out.hint = "shorten the token";
      out.names.clear();
      return out;
    }
    if (!seen.insert(fqdn).second) {
      out.notes.push_back(key + " names " + fqdn + " more than once; managed once");
      continue;
    }
    out.names.push_back(DnsName{fqdn, source});
  }
  if (out.names.size() > kMaxNames) {
    out.error = key + " gives " + std::to_string(out.names.size()) + " names (at most " +
                std::to_string(kMaxNames) + ")";
    out.hint = "manage fewer names, or use a wildcard record outside platformctl";
    out.names.clear();
  }
  return out;
}

std::optional<std::string> NormalizeZoneId(std::string_view id) {
  if (id.starts_with("/")) id.remove_prefix(1);
  if (id.starts_with("hostedzone/")) id.remove_prefix(std::string_view("hostedzone/").size());
  if (id.empty() || id.size() > 32) return std::nullopt;
  for (char c : id) {
    if (std::isupper(static_cast<unsigned char>(c)) == 0 &&
        std::isdigit(static_cast<unsigned char>(c)) == 0) {
      return std::nullopt;
    }
  }
  return std::string(id);
}

std::string NormalizeRecordName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '\\' && i + 3 < name.size()) {
      const std::string_view oct = name.substr(i + 1, 3);
      if (std::all_of(oct.begin(), oct.end(), [](char d) { return d >= '0' && d <= '7'; })) {
        const int v = (oct[0] - '0') * 64 + (oct[1] - '0') * 8 + (oct[2] - '0');
        if (v < 256) {
          out += static_cast<char>(std::tolower(v));
          i += 3;
          continue;
        }
      }
    }
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

std::string Route53SortKey(std::string_view normalized_name) {
  const auto labels = Labels(normalized_name);
  std::string out;
  // As AWS documents it, "com.example.www." with the trailing dot: so
  // "minio-console." sorts before "minio." ('-' < '.').
  for (auto it = labels.rbegin(); it != labels.rend(); ++it) {
    out += *it;
    out += '.';
  }
  return out;
}

std::optional<std::string> ParseIpAddress(std::string_view text, bool v6) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())) != 0) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())) != 0) {
    text.remove_suffix(1);
  }
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  std::array<unsigned char, 16> buf{};
  const int family = v6 ? AF_INET6 : AF_INET;
  if (inet_pton(family, s.c_str(), buf.data()) != 1) return std::nullopt;
  std::array<char, INET6_ADDRSTRLEN> out{};
  if (inet_ntop(family, buf.data(), out.data(), out.size()) == nullptr) return std::nullopt;
  return std::string(out.data());
}

}  // namespace platformctl
