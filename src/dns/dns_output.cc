// Rendering of a DnsReport: `dns plan` text, `dns update` text, and the
// JSON (schemaVersion 1) of both and of the trail's result.json.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "platformctl/dns.h"

namespace platformctl {
namespace {

using json = nlohmann::ordered_json;

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string Pad(std::string s, size_t width) {
  if (s.size() < width) s += std::string(width - s.size(), ' ');
  return s;
}

std::string Current(const RecordChange& r, bool read) {
  if (!read) return "?";
  if (!r.current) return "(none)";
  if (r.current->alias) return "(alias)";
  return Join(r.current->values, ",") + " ttl " + std::to_string(r.current->ttl);
}

std::string Addresses(const DnsReport& report) {
  std::string out = report.ipv4.empty() ? "?" : report.ipv4;
  if (report.ipv6) out += " / " + (report.ipv6_address.empty() ? "?" : report.ipv6_address);
  return out;
}

json Nullable(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

std::string RenderDnsPlanText(const DnsReport& report) {
  std::string out;
  out += "zone:        " +
         (report.zone_id.empty() ? "(ROUTE53_HOSTED_ZONE_ID not set)" : report.zone_id) + " (" +
         report.zone_name + ")\n";
  out += "public IPv4: " + (report.ipv4.empty() ? "unknown" : report.ipv4) + "\n";
  if (report.ipv6) {
    out += "public IPv6: " + (report.ipv6_address.empty() ? "unknown" : report.ipv6_address) + "\n";
  }
  if (!report.address_error.empty()) out += "             " + report.address_error + "\n";
  out += "credentials: " +
         (report.have_credentials ? report.credentials_source
                                  : "none: " + report.credentials_source + "; Route53 not read") +
         "\n";
  if (!report.route53_error.empty()) out += "route53:     " + report.route53_error + "\n";
  out += "\n";
  size_t wn = 4;
  size_t ws = 6;
  size_t wc = 11;
  for (const auto& r : report.records) {
    wn = std::max(wn, r.want.name.size());
    ws = std::max(ws, r.want.source.size());
    wc = std::max(wc, Current(r, report.route53_read).size());
  }
  out += Pad("NAME", wn + 2) + "TYPE  " + Pad("TTL", 7) + Pad("SOURCE", ws + 2) +
         Pad("ROUTE53 NOW", wc + 2) + "ACTION\n";
  for (const auto& r : report.records) {
    std::string action(DnsActionName(r.action));
    if (!r.reason.empty() && r.action != DnsAction::kNone) action += ": " + r.reason;
    out += Pad(r.want.name, wn + 2) + Pad(r.want.type, 6) + Pad(std::to_string(r.want.ttl), 7) +
           Pad(r.want.source, ws + 2) + Pad(Current(r, report.route53_read), wc + 2) + action +
           "\n";
  }
  out += "\n";
  if (report.ipv4.empty() || (report.ipv6 && report.ipv6_address.empty())) {
    out += "the public address is unknown: 'dns update' would fail (see above)\n";
  } else if (!report.route53_read) {
    out += "'dns update' would point " + std::to_string(report.records.size()) + " records at " +
           Addresses(report) + " (Route53 not compared)\n";
  } else if (report.Changes() == 0 && report.Conflicts() == 0) {
    out += "nothing to change: all " + std::to_string(report.records.size()) +
           " records already point at " + Addresses(report) + "\n";
  } else {
    out += "'dns update' would UPSERT " + std::to_string(report.Changes()) + " of " +
           std::to_string(report.records.size()) + " records in one change batch";
    if (report.Conflicts() > 0) {
      out += "; " + std::to_string(report.Conflicts()) + " in conflict (not changed)";
    }
    out += "\n";
  }
  return out;
}

std::string RenderDnsUpdateText(const DnsReport& report) {
  std::string out;
  for (const auto& r : report.records) {
    if (r.action == DnsAction::kUpsert) {
      std::string from = "(none)";
      if (r.current && r.current->alias) from = "(alias)";
      if (r.current && !r.current->alias) {
        from = Join(r.current->values, ",") + " ttl " + std::to_string(r.current->ttl);
      }
      out += (report.applied ? "updated " : "would update ") + r.want.name + " " + r.want.type +
             ": " + from + " -> " + r.want.value + " ttl " + std::to_string(r.want.ttl) + "\n";
    } else if (r.action == DnsAction::kConflict) {
      out += "not changed " + r.want.name + " " + r.want.type + ": " + r.reason + "\n";
    }
  }
  if (!report.route53_read) return out;
  const std::string n = std::to_string(report.records.size());
  if (report.Changes() == 0) {
    if (report.Conflicts() == 0)
      out += "all " + n + " records already point at " + Addresses(report) + "\n";
    return out;
  }
  const std::string k = std::to_string(report.Changes());
  if (report.dry_run) {
    out += "dry run: would UPSERT " + k + " of " + n +
           " records in one ChangeResourceRecordSets request; change batch:\n" +
           report.change_batch;
    if (!report.change_batch.ends_with("\n")) out += "\n";
  } else if (report.applied) {
    out += "UPSERTed " + k + " of " + n + " records in one change batch (change " +
           report.change.id + ", " + report.change.status + ")\n";
  }
  return out;
}

std::string RenderDnsJson(const DnsReport& report) {
  json j;
  j["schemaVersion"] = 1;
  j["command"] = !report.update ? "plan" : report.dry_run ? "update --dry-run" : "update";
  j["zone"] = {{"id", Nullable(report.zone_id)}, {"name", report.zone_name}};
  j["ttl"] = report.ttl;
  j["ipv6"] = report.ipv6;
  j["publicAddresses"] = {{"ipv4", Nullable(report.ipv4)},
                          {"ipv6", Nullable(report.ipv6_address)},
                          {"error", Nullable(report.address_error)}};
  j["credentials"] = {{"available", report.have_credentials},
                      {"source", report.credentials_source}};
  j["route53"] = {{"read", report.route53_read},
                  {"error", Nullable(report.route53_error)},
                  {"requests", report.requests}};
  j["records"] = json::array();
  for (const auto& r : report.records) {
    json rec = {{"name", r.want.name},
                {"type", r.want.type},
                {"source", r.want.source},
                {"ttl", r.want.ttl},
                {"want", Nullable(r.want.value)}};
    if (r.current) {
      rec["current"] = {{"values", r.current->values},
                        {"ttl", r.current->ttl < 0 ? json(nullptr) : json(r.current->ttl)},
                        {"alias", r.current->alias}};
    } else {
      rec["current"] = nullptr;
    }
    rec["action"] = std::string(DnsActionName(r.action));
    rec["reason"] = r.reason;
    j["records"].push_back(std::move(rec));
  }
  j["changes"] = report.Changes();
  j["changeBatch"] = Nullable(report.change_batch);
  j["applied"] = report.applied;
  j["change"] = report.applied ? json{{"id", report.change.id}, {"status", report.change.status}}
                               : json(nullptr);
  j["notes"] = report.notes;
  j["ok"] = report.error.empty();
  j["error"] = Nullable(report.error);
  return j.dump(2) + "\n";
}

}  // namespace platformctl
