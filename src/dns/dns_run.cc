// One `dns plan` / `dns update` run: configuration checks (exit 2 before any
// request), the public address, Route53's records, the diff, the change.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "platformctl/config.h"
#include "platformctl/diagnostics.h"
#include "platformctl/dns.h"
#include "platformctl/exit_code.h"

namespace platformctl {
namespace {

/// User input in a message: quoted, at most 40 bytes, control bytes escaped.
std::string Quoted(std::string_view s) { return "'" + Excerpt(s) + "'"; }

constexpr long kMaxTtl = 2147483647;  // Route53: 0 to 2^31 - 1
constexpr int kAddressTimeoutMs = 10000;
constexpr size_t kAddressMaxBody = 4096;

std::string UtcStamp(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string OriginOf(const Config& config, std::string_view key) {
  const ConfigEntry* e = config.Find(key);
  return e == nullptr ? std::string("default") : e->origin.Str();
}

bool IsDefault(const Config& config, std::string_view key) {
  const ConfigEntry* e = config.Find(key);
  return e == nullptr || e->origin.kind == Origin::Kind::kDefault;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

[[noreturn]] void ConfigError(const std::string& message, const std::string& hint = {}) {
  throw CommandError(kExitUsage,
                     message + (hint.empty() ? "" : "\n  fix: " + hint) + "\nNothing was sent.");
}

void CheckUrl(const Config& config, const char* key) {
  const std::string why = CheckFetchUrl(config.Get(key));
  if (!why.empty()) ConfigError(std::string(key) + " (" + OriginOf(config, key) + "): " + why);
}

/// GET `url`, the body as an address of the wanted family.
std::string FetchAddress(HttpClient& http, const std::string& url, bool v6,
                         const std::function<void(const std::string&)>& log, std::string& error) {
  HttpRequest request;
  request.url = url;
  request.timeout_ms = kAddressTimeoutMs;
  request.max_body_bytes = kAddressMaxBody;
  const auto t0 = std::chrono::steady_clock::now();
  const HttpResponse r = http.Send(request);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (log) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3fs", secs);
    log("GET " + url + " -> " + (r.Ok() ? std::to_string(r.status) : "error") + " in " + buf);
  }
  const std::string what = std::string("public ") + (v6 ? "IPv6" : "IPv4") + " address from " + url;
  if (!r.Ok()) {
    error = "cannot get the " + what + ": " + r.error;
    return {};
  }
  if (r.status != 200) {
    error = "cannot get the " + what + ": HTTP " + std::to_string(r.status);
    return {};
  }
  auto ip = ParseIpAddress(r.body, v6);
  if (!ip) {
    error = "the " + what + " is not an " + (v6 ? "IPv6" : "IPv4") +
            " address: " + Quoted(Trim(r.body));
    return {};
  }
  return *ip;
}

}  // namespace

size_t DnsReport::Changes() const {
  size_t n = 0;
  for (const auto& r : records) n += r.action == DnsAction::kUpsert ? 1 : 0;
  return n;
}

size_t DnsReport::Conflicts() const {
  size_t n = 0;
  for (const auto& r : records) n += r.action == DnsAction::kConflict ? 1 : 0;
  return n;
}

DnsReport RunDns(const Config& config, const DnsOptions& options, DnsEnv env) {
  DnsReport report;
  report.update = options.update;
  report.dry_run = options.dry_run;

  // ---- configuration: all of it before any request ----
  DnsNames names = DeriveDnsNames({config.Get("SWHURL_SUBDOMAINS"), config.Get("SWHURL_SUBDOMAIN"),
                                   config.Get("DNS_ZONE_NAME"), config.Get("BASE_DOMAIN")});
  if (!names.error.empty()) ConfigError(names.error, names.hint);
  report.names = std::move(names.names);
  report.notes = std::move(names.notes);
  report.zone_name = config.Get("DNS_ZONE_NAME");

  const std::string raw_zone = config.Get("ROUTE53_HOSTED_ZONE_ID");
  if (!raw_zone.empty()) {
    auto zone = NormalizeZoneId(raw_zone);
    if (!zone) {
      ConfigError("ROUTE53_HOSTED_ZONE_ID (" + OriginOf(config, "ROUTE53_HOSTED_ZONE_ID") + ") " +
                      Quoted(raw_zone) + " is not a hosted zone id",
                  "use the id the Route53 console shows, e.g. Z08316812BZVAZ9D79ZRO or "
                  "/hostedzone/Z08316812BZVAZ9D79ZRO");
    }
    report.zone_id = *zone;
  } else if (options.update) {
    ConfigError("ROUTE53_HOSTED_ZONE_ID is empty: 'dns update' needs the hosted zone of " +
                    report.zone_name,
                "set ROUTE53_HOSTED_ZONE_ID=Z... in profiles/local.env (find it with 'aws "
                "route53 list-hosted-zones-by-name --dns-name " +
                    report.zone_name + "')");
  } else {
    report.notes.push_back("ROUTE53_HOSTED_ZONE_ID is empty: Route53 is not read");
  }
  if (!config.Get("AWS_ZONE_ID").empty() && IsDefault(config, "ROUTE53_HOSTED_ZONE_ID")) {
    report.notes.push_back("AWS_ZONE_ID (" + OriginOf(config, "AWS_ZONE_ID") +
                           ") is deprecated: rename it to ROUTE53_HOSTED_ZONE_ID");
  }
  if (!config.Get("AWS_NAMESERVER").empty()) {
    report.notes.push_back("AWS_NAMESERVER (" + OriginOf(config, "AWS_NAMESERVER") +
                           ") is ignored: records are read from the Route53 API");
  }
  report.ttl = config.GetInt("DNS_TTL");
  if (report.ttl < 0 || report.ttl > kMaxTtl) {
    ConfigError("DNS_TTL must be between 0 and " + std::to_string(kMaxTtl) + " seconds");
  }
  report.ipv6 = config.GetBool("DNS_IPV6");
  CheckUrl(config, "ROUTE53_ENDPOINT");
  CheckUrl(config, "PUBLIC_IP_URL");
  if (report.ipv6) CheckUrl(config, "PUBLIC_IP6_URL");

  AwsCredentialLookup creds =
      FindAwsCredentials({config.Get("AWS_ACCESS_KEY_ID"), config.Get("AWS_SECRET_ACCESS_KEY"),
                          config.Get("AWS_SESSION_TOKEN"), OriginOf(config, "AWS_ACCESS_KEY_ID"),
                          config.Get("AWS_PROFILE"), options.credentials_file, options.home});
  if (!creds.error.empty()) ConfigError(creds.error);
  report.have_credentials = creds.credentials.has_value();
  report.credentials_source = report.have_credentials ? creds.source : creds.looked;
  if (!report.have_credentials && options.update) {
    ConfigError("no AWS credentials: " + creds.looked,
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment or "
                "profiles/secrets.env, or AWS_PROFILE to a section of ~/.aws/credentials "
                "(AWS_SHARED_CREDENTIALS_FILE for another file)");
  }

  // ---- the public address ----
  // From here on failures are results (exit 1), kept in the report so that
  // the trail's result.json holds them too.
  auto fail = [&](const std::string& message) {
    if (report.error.empty()) report.error = message;
  };
  std::string error;
  report.ipv4 = FetchAddress(*env.http, config.Get("PUBLIC_IP_URL"), false, env.log, error);
  if (report.ipv4.empty()) {
    report.address_error = error;
    fail(error);
  }
  if (report.ipv6) {
    error.clear();
    report.ipv6_address =
        FetchAddress(*env.http, config.Get("PUBLIC_IP6_URL"), true, env.log, error);
    if (report.ipv6_address.empty()) {
      if (report.address_error.empty()) report.address_error = error;
      fail(error);
    }
  }

  std::vector<DesiredRecord> desired;
  // Nothing to point at only when no family is known: a failed IPv6 lookup
  // must not block the A records (the run still exits 1 naming it).
  const bool stop =
      options.update && report.ipv4.empty() && (!report.ipv6 || report.ipv6_address.empty());
  for (const auto& n : report.names) {
    desired.push_back({n.fqdn, "A", n.source, report.ttl, report.ipv4});
    if (report.ipv6) desired.push_back({n.fqdn, "AAAA", n.source, report.ttl, report.ipv6_address});
  }

  // ---- Route53 ----
  if (!report.have_credentials || report.zone_id.empty() || stop) {
    for (const auto& d : desired) {
      RecordChange c;
      c.want = d;
      c.action = DnsAction::kUnknown;
      c.reason = stop                       ? "public address unknown: Route53 not read"
                 : !report.have_credentials ? "no AWS credentials: Route53 not read"
                                            : "no hosted zone id: Route53 not read";
      report.records.push_back(std::move(c));
    }
    return report;
  }
  Route53Env r53;
  r53.http = env.http;
  r53.now = env.now;
  r53.sleep = env.sleep;
  r53.log = env.log;
  Route53Client client(r53, config.Get("ROUTE53_ENDPOINT"), report.zone_id, *creds.credentials);
  std::vector<std::string> fqdns;
  for (const auto& n : report.names) fqdns.push_back(n.fqdn);
  std::vector<Route53RecordSet> current;
  try {
    current = client.ListRecordSets(fqdns);
    report.route53_read = true;
  } catch (const CommandError& e) {
    report.route53_error = e.what();
    fail(e.what());
  }
  if (report.route53_read) {
    report.records = DiffRecords(desired, current);
  } else {
    for (const auto& d : desired) {
      RecordChange c;
      c.want = d;
      c.action = DnsAction::kUnknown;
      c.reason = "Route53 could not be read";
      report.records.push_back(std::move(c));
    }
  }
  if (report.Changes() > 0) {
    report.change_batch =
        BuildChangeBatch(report.records, "platformctl dns update " + UtcStamp(env.now()));
  }
  if (options.update && !options.dry_run && report.Changes() > 0) {
    try {
      report.change = client.ChangeRecordSets(report.change_batch);
      report.applied = true;
    } catch (const CommandError& e) {
      fail(e.what());
    }
  }
  report.requests = client.Requests();
  if (options.update && report.Conflicts() > 0) {
    std::string names_in_conflict;
    for (const auto& r : report.records) {
      if (r.action != DnsAction::kConflict) continue;
      names_in_conflict += "\n  " + r.want.name + " " + r.want.type + ": " + r.reason;
    }
    fail(std::to_string(report.Conflicts()) + " record(s) not changed:" + names_in_conflict);
  }
  return report;
}

}  // namespace platformctl
