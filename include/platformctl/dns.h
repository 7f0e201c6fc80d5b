#pragma once
/// Route53 dynamic DNS (`platformctl dns plan|update`): which names are
/// managed, the public address, the Route53 REST API (2013-04-01) signed with
/// SigV4, and the diff between them. It replaces the seed's
/// scripts/aws-dns-updater.sh (no dig, no aws CLI, no temp files).
///
/// Pure parts (name derivation, XML parsing and building, diffing, error
/// parsing) are plain functions; I/O goes through HttpClient, an injectable
/// clock and sleep, so tests need neither the network nor real time.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platformctl/http.h"
#include "platformctl/sigv4.h"

namespace platformctl {

class Config;

// ---- Names (pure) -----------------------------------------------------------

/// One managed name and where it came from.
struct DnsName {
  std::string fqdn;    ///< lowercase, no trailing dot, e.g. "lab.swhurl.com"
  std::string source;  ///< "SWHURL_SUBDOMAINS", "SWHURL_SUBDOMAIN" or "derived from BASE_DOMAIN"
};

struct DnsNameInputs {
  std::string subdomains;   ///< SWHURL_SUBDOMAINS (space or comma separated tokens)
  std::string subdomain;    ///< SWHURL_SUBDOMAIN
  std::string zone;         ///< DNS_ZONE_NAME
  std::string base_domain;  ///< BASE_DOMAIN
};

/// The result of DeriveDnsNames. Names and notes are apart: no note (what
/// the seed printed as a warning on stdout, W44) can ever become a name.
struct DnsNames {
  std::vector<DnsName> names;
  std::vector<std::string> notes;  ///< for stderr / "notes" in JSON
  std::string error;               ///< non-empty = configuration error (exit 2)
  std::string hint;                ///< how to fix `error`
};

/// The managed names: each token of SWHURL_SUBDOMAINS, else of
/// SWHURL_SUBDOMAIN, plus "." + zone; when both are empty and BASE_DOMAIN
/// ends with "." + zone, the seed's set derived from it (base = BASE_DOMAIN
/// minus ".zone"): base, oauth.base, staging.hello.base, prod.hello.base,
/// clickstack.base, hubble.base, minio.base, minio-console.base. Every name
/// is checked with CheckDnsName; duplicates (any case) are dropped.
[[nodiscard]] DnsNames DeriveDnsNames(const DnsNameInputs& in);

/// "" when `name` is a host name of LDH labels (letters, digits, '-' not at
/// either end; 1-63 bytes each; at most 253 bytes in all, no trailing dot),
/// else why not (quoting the offending label).
[[nodiscard]] std::string CheckDnsName(std::string_view name);

/// The bare hosted zone id from "Z123..." or "/hostedzone/Z123..." (also
/// "hostedzone/Z123..."): uppercase letters and digits only. nullopt when
/// malformed or empty.
[[nodiscard]] std::optional<std::string> NormalizeZoneId(std::string_view id);

/// A record name as Route53 lists it, made comparable: "\\ooo" octal escapes
/// decoded ("\\052" is '*'), lowercase, trailing dot dropped.
[[nodiscard]] std::string NormalizeRecordName(std::string_view name);

/// The key Route53 sorts record names by: labels reversed
/// ("www.example.com" -> "com.example.www").
[[nodiscard]] std::string Route53SortKey(std::string_view normalized_name);

/// The canonical text (inet_ntop) of an IPv4 (`v6` false) or IPv6 address
/// given as `text` (surrounding whitespace ignored); nullopt when it is not one.
[[nodiscard]] std::optional<std::string> ParseIpAddress(std::string_view text, bool v6);

// ---- Route53 XML (pure) -----------------------------------------------------

struct Route53RecordSet {
  std::string name;  ///< NormalizeRecordName'd
  std::string type;  ///< "A", "AAAA", "CNAME", ...
  long ttl = -1;     ///< -1 when absent (alias records)
  std::vector<std::string> values;
  bool alias = false;          ///< has an AliasTarget
  std::string set_identifier;  ///< non-empty for weighted/latency/... records
};

struct Route53Page {
  std::vector<Route53RecordSet> record_sets;
  bool truncated = false;
  std::string next_name;  ///< as sent by Route53 (not normalised)
  std::string next_type;
  std::string next_identifier;
};

/// Parses a ListResourceRecordSetsResponse; nullopt with `error` set when it
/// is not one.
[[nodiscard]] std::optional<Route53Page> ParseListRecordSets(std::string_view xml,
                                                             std::string& error);

/// An AWS error body: <ErrorResponse><Error><Type/><Code/><Message/></Error>
/// <RequestId/></ErrorResponse>, or Route53's <InvalidChangeBatch><Messages>
/// <Message/>...</Messages></InvalidChangeBatch> (code "InvalidChangeBatch",
/// messages joined with "; "). Empty code when the body is neither.
struct AwsError {
  std::string type;
  std::string code;
  std::string message;
  std::string request_id;
};
[[nodiscard]] AwsError ParseAwsError(std::string_view body);

/// Whether a failed response is worth retrying: HTTP 429, or the codes
/// Throttling, ThrottlingException, PriorRequestNotComplete,
/// RequestLimitExceeded.
[[nodiscard]] bool IsThrottling(int status, const AwsError& error);

/// The ChangeInfo of a ChangeResourceRecordSetsResponse (Id, Status).
struct Route53ChangeInfo {
  std::string id;
  std::string status;
};
[[nodiscard]] std::optional<Route53ChangeInfo> ParseChangeInfo(std::string_view xml);

// ---- Desired state and the diff (pure) -------------------------------------

struct DesiredRecord {
  std::string name;    ///< fqdn, normalised
  std::string type;    ///< "A" or "AAAA"
  std::string source;  ///< DnsName::source
  long ttl = 300;
  std::string value;  ///< the public address; "" when unknown
};

enum class DnsAction {
  kNone,      ///< Route53 already has exactly this value and TTL
  kUpsert,    ///< goes into the change batch
  kConflict,  ///< another record type (CNAME) holds the name: not changed
  kUnknown,   ///< not compared (no credentials, no zone, address unknown, read failed)
};
[[nodiscard]] std::string_view DnsActionName(DnsAction a);

struct RecordChange {
  DesiredRecord want;
  std::optional<Route53RecordSet> current;  ///< the plain (no SetIdentifier) set of that name/type
  DnsAction action = DnsAction::kUnknown;
  std::string reason;  ///< e.g. "no A record", "points at 198.51.100.1", "TTL 60, want 300"
};

/// Compares each desired record with `current` (the listed record sets; any
/// order, other names ignored). Names compare case-insensitively.
[[nodiscard]] std::vector<RecordChange> DiffRecords(const std::vector<DesiredRecord>& desired,
                                                    const std::vector<Route53RecordSet>& current);

/// The ChangeResourceRecordSetsRequest XML with one UPSERT per kUpsert
/// change (name with a trailing dot, type, TTL, the value), and `comment`.
[[nodiscard]] std::string BuildChangeBatch(const std::vector<RecordChange>& changes,
                                           std::string_view comment);

// ---- Credentials -------------------------------------------------------------

struct AwsCredentialInputs {
  std::string access_key_id;      ///< AWS_ACCESS_KEY_ID (config)
  std::string secret_access_key;  ///< AWS_SECRET_ACCESS_KEY (config)
  std::string session_token;      ///< AWS_SESSION_TOKEN (config)
  std::string key_origin;         ///< where AWS_ACCESS_KEY_ID came from ("env", "FILE:LINE")
  std::string profile;            ///< AWS_PROFILE
  std::string credentials_file;   ///< AWS_SHARED_CREDENTIALS_FILE from the environment, or ""
  std::string home;               ///< $HOME, for ~/.aws/credentials
};

struct AwsCredentialLookup {
  std::optional<AwsCredentials> credentials;
  std::string source;  ///< e.g. "AWS_ACCESS_KEY_ID (env)", "profile default in FILE"
  std::string looked;  ///< where it looked, when none were found
  std::string error;   ///< a half-set pair or an unreadable file (exit 2); never a secret
};

/// AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN) when set,
/// else the `profile` section of the shared credentials file
/// (`credentials_file`, else `home`/.aws/credentials).
[[nodiscard]] AwsCredentialLookup FindAwsCredentials(const AwsCredentialInputs& in);

/// The [profile] section of an AWS shared credentials file (INI:
/// aws_access_key_id, aws_secret_access_key, aws_session_token); nullopt
/// when the section or either key is missing.
[[nodiscard]] std::optional<AwsCredentials> ParseAwsCredentialsFile(std::string_view text,
                                                                    std::string_view profile);

// ---- Route53 client ---------------------------------------------------------

/// What the client needs from the outside world.
struct Route53Env {
  HttpClient* http = nullptr;
  std::function<std::int64_t()> now;            ///< unix seconds (signing time)
  std::function<void(double seconds)> sleep;    ///< between throttled attempts
  std::function<void(const std::string&)> log;  ///< one line per request (the run trail)
  int max_attempts = 5;                         ///< throttled requests: 0.5 s, 1 s, 2 s, 4 s
  double first_backoff_s = 0.5;
  int timeout_ms = 15000;
};

/// Route53 REST client for one hosted zone; every request signed with SigV4
/// (service route53, region us-east-1). Failures throw CommandError(1) with
/// "Route53 <Operation> failed: HTTP <status> <Code>: <Message>"; messages
/// never hold the secret key or the session token.
class Route53Client {
 public:
  Route53Client(Route53Env env, std::string endpoint, std::string zone_id,
                AwsCredentials credentials);

  /// Every record set from the first of `names` (in Route53's order) to the
  /// last, following IsTruncated/NextRecordName/NextRecordType (300 a page).
  std::vector<Route53RecordSet> ListRecordSets(const std::vector<std::string>& names);

  /// POSTs one ChangeResourceRecordSets request.
  Route53ChangeInfo ChangeRecordSets(const std::string& batch_xml);

  /// Requests sent so far (attempts included).
  [[nodiscard]] int Requests() const { return requests_; }

 private:
  std::string Call(const std::string& operation, const std::string& method,
                   const std::string& path_and_query, const std::string& body);

  Route53Env env_;
  std::string endpoint_;
  std::string zone_id_;
  AwsCredentials credentials_;
  int requests_ = 0;
};

// ---- One run ---------------------------------------------------------------

struct DnsOptions {
  bool update = false;           ///< `dns update` (else `dns plan`)
  bool dry_run = false;          ///< with update: everything but the POST
  std::string credentials_file;  ///< AWS_SHARED_CREDENTIALS_FILE
  std::string home;              ///< $HOME
};

struct DnsEnv {
  HttpClient* http = nullptr;
  std::function<std::int64_t()> now;
  std::function<void(double)> sleep;
  std::function<void(const std::string&)> log;
};

/// What `dns plan` shows and `dns update` did.
struct DnsReport {
  bool update = false;
  bool dry_run = false;
  std::string zone_id;  ///< normalised; "" when not set
  std::string zone_name;
  long ttl = 300;
  bool ipv6 = false;
  std::vector<DnsName> names;
  std::vector<std::string> notes;
  std::string ipv4;  ///< the public addresses seen ("" = unknown)
  std::string ipv6_address;
  std::string address_error;
  bool have_credentials = false;
  std::string credentials_source;  ///< or where it looked
  bool route53_read = false;
  std::string route53_error;
  std::vector<RecordChange> records;
  std::string change_batch;  ///< the XML sent (or, dry-run, that would be sent)
  bool applied = false;
  Route53ChangeInfo change;
  int requests = 0;   ///< Route53 requests
  std::string error;  ///< why the run failed (exit 1); "" = ok

  [[nodiscard]] size_t Changes() const;
  [[nodiscard]] size_t Conflicts() const;
};

/// `dns plan` / `dns update`: the names, the public address, Route53's
/// records, the diff, and (update, not dry-run) one ChangeResourceRecordSets
/// with the UPSERTs. Throws CommandError(2) for configuration errors before
/// any request (names, zone id, URLs, TTL, no credentials for update) and
/// CommandError(1) when update fails; plan reports failures in the report.
[[nodiscard]] DnsReport RunDns(const Config& config, const DnsOptions& options, DnsEnv env);

/// Text for `dns plan` (stdout).
[[nodiscard]] std::string RenderDnsPlanText(const DnsReport& report);
/// Text for `dns update` (stdout).
[[nodiscard]] std::string RenderDnsUpdateText(const DnsReport& report);
/// JSON (schemaVersion 1) of `dns plan -o json`, `dns update -o json` and
/// the trail's result.json (docs/manual.md, "dns -o json schema").
[[nodiscard]] std::string RenderDnsJson(const DnsReport& report);

}  // namespace platformctl
