// Route53 REST client: SigV4-signed requests through HttpClient, retries
// with exponential backoff on throttling only, one trail line per request.
#include <cctype>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "platformctl/dns.h"
#include "platformctl/exit_code.h"
#include "platformctl/process.h"

namespace platformctl {
namespace {

constexpr const char* kApiVersion = "/2013-04-01";
constexpr const char* kRegion = "us-east-1";  // Route53 is global, signed for us-east-1
constexpr const char* kService = "route53";
constexpr int kPageSize = 300;  // Route53's maximum for ListResourceRecordSets
constexpr int kMaxPages = 50;
constexpr size_t kMaxBody = size_t{4} << 20;
constexpr size_t kMaxShownError = 600;

std::string Encode(std::string_view s) {
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3fs", s);
  return buf;
}

/// Keeps error text short and free of control bytes.
std::string Shorten(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  if (s.size() > kMaxShownError) s = s.substr(0, kMaxShownError) + "...";
  return s;
}

}  // namespace

Route53Client::Route53Client(Route53Env env, std::string endpoint, std::string zone_id,
                             AwsCredentials credentials)
    : env_(std::move(env)),
      endpoint_(std::move(endpoint)),
      zone_id_(std::move(zone_id)),
      credentials_(std::move(credentials)) {
  while (!endpoint_.empty() && endpoint_.back() == '/') endpoint_.pop_back();
}

std::string Route53Client::Call(const std::string& operation, const std::string& method,
                                const std::string& path_and_query, const std::string& body) {
  // Anything that came from AWS is redacted before it is shown, in case it
  // ever echoes what we sent.
  std::vector<std::string> secrets{credentials_.secret_access_key};
  if (!credentials_.session_token.empty()) secrets.push_back(credentials_.session_token);
  const std::string failed = "Route53 " + operation + " failed: ";
  double backoff = env_.first_backoff_s;
  for (int attempt = 1;; ++attempt) {
    SigV4Request sign;
    sign.method = method;
    sign.url = endpoint_ + path_and_query;
    if (!body.empty()) sign.headers.emplace_back("Content-Type", "application/xml");
    sign.body = body;
    SigV4Result signed_request;
    try {
      signed_request = SignV4(sign, credentials_, kRegion, kService, AmzDate(env_.now()));
    } catch (const std::exception& e) {
      throw CommandError(kExitFailed, failed + "cannot sign the request: " + e.what());
    }
    HttpRequest request;
    request.method = method;
    request.url = sign.url;
    request.headers = std::move(signed_request.headers);
    request.body = body;
    request.timeout_ms = env_.timeout_ms;
    request.max_body_bytes = kMaxBody;
    ++requests_;
    const auto t0 = std::chrono::steady_clock::now();
    const HttpResponse response = env_.http->Send(request);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (env_.log) {
      env_.log(method + " " + path_and_query + " -> " +
               (response.Ok() ? std::to_string(response.status) : "error") + " in " +
               Seconds(secs) + (attempt > 1 ? " (attempt " + std::to_string(attempt) + ")" : ""));
    }
    if (!response.Ok()) throw CommandError(kExitFailed, failed + Redact(response.error, secrets));
    if (response.status >= 200 && response.status < 300) return response.body;
    const AwsError error = ParseAwsError(response.body);
    if (IsThrottling(response.status, error) && attempt < env_.max_attempts) {
      if (env_.log) {
        env_.log("  throttled (" + (error.code.empty() ? "HTTP 429" : error.code) +
                 "), retrying in " + Seconds(backoff));
      }
      if (env_.sleep) env_.sleep(backoff);
      backoff *= 2;
      continue;
    }
    std::string what = "HTTP " + std::to_string(response.status);
    if (!error.code.empty()) {
      what += " " + error.code + ": " + Shorten(error.message);
    } else if (!response.body.empty()) {
      what += ": " + Shorten(response.body);
    }
    if (!error.request_id.empty()) what += " (request id " + error.request_id + ")";
    if (attempt > 1) what += " after " + std::to_string(attempt) + " attempts";
    throw CommandError(kExitFailed, failed + Redact(what, secrets));
  }
}

std::vector<Route53RecordSet> Route53Client::ListRecordSets(const std::vector<std::string>& names) {
  std::vector<Route53RecordSet> out;
  if (names.empty()) return out;
  std::string first;
  std::string first_key;
  std::string last_key;
  for (const auto& n : names) {
    const std::string name = NormalizeRecordName(n);
    const std::string key = Route53SortKey(name);
    if (first.empty() || key < first_key) {
      first = name;
      first_key = key;
    }
    if (key > last_key) last_key = key;
  }
  const std::string base = std::string(kApiVersion) + "/hostedzone/" + zone_id_ + "/rrset";
  std::string query = "?name=" + Encode(first + ".") + "&maxitems=" + std::to_string(kPageSize);
  for (int page_no = 1;; ++page_no) {
    const std::string body = Call("ListResourceRecordSets", "GET", base + query, "");
    std::string error;
    auto page = ParseListRecordSets(body, error);
    if (!page) throw CommandError(kExitFailed, "Route53 ListResourceRecordSets failed: " + error);
    for (auto& r : page->record_sets) out.push_back(std::move(r));
    if (!page->truncated) break;
    // Route53 lists names in reversed-label order: past the last managed
    // name, nothing more can match.
    if (Route53SortKey(NormalizeRecordName(page->next_name)) > last_key) break;
    if (page_no >= kMaxPages) {
      throw CommandError(kExitFailed,
                         "Route53 ListResourceRecordSets failed: more than " +
                             std::to_string(kMaxPages * kPageSize) +
                             " record sets between the first and the last managed name");
    }
    query = "?name=" + Encode(page->next_name);
    if (!page->next_type.empty()) query += "&type=" + Encode(page->next_type);
    if (!page->next_identifier.empty()) query += "&identifier=" + Encode(page->next_identifier);
    query += "&maxitems=" + std::to_string(kPageSize);
  }
  return out;
}

Route53ChangeInfo Route53Client::ChangeRecordSets(const std::string& batch_xml) {
  const std::string path = std::string(kApiVersion) + "/hostedzone/" + zone_id_ + "/rrset/";
  const std::string body = Call("ChangeResourceRecordSets", "POST", path, batch_xml);
  auto info = ParseChangeInfo(body);
  if (!info) {
    throw CommandError(kExitFailed,
                       "Route53 ChangeResourceRecordSets: the answer has no ChangeInfo (the "
                       "change may have been applied; run 'platformctl dns plan' to see)");
  }
  return *info;
}

}  // namespace platformctl
