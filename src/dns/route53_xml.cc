// Route53 REST XML (API version 2013-04-01), with pugixml: the
// ListResourceRecordSets response, AWS error bodies, the ChangeBatch
// request, and the diff that decides what goes into it.
#include <algorithm>
#include <cctype>
#include <optional>
#include <pugixml.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "platformctl/dns.h"

namespace platformctl {
namespace {

constexpr const char* kXmlns = "https://route53.amazonaws.com/doc/2013-04-01/";

std::string Text(const pugi::xml_node& node, const char* child) {
  return node.child(child).text().as_string();
}

std::string Trim(std::string s) {
  const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

bool Load(pugi::xml_document& doc, std::string_view xml) {
  return static_cast<bool>(doc.load_buffer(xml.data(), xml.size()));
}

std::string Join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

/// The values as compared: canonical addresses for A/AAAA, sorted.
std::vector<std::string> Canonical(const std::vector<std::string>& values,
                                   const std::string& type) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::optional<std::string> ip;
    if (type == "A") ip = ParseIpAddress(v, false);
    if (type == "AAAA") ip = ParseIpAddress(v, true);
    out.push_back(ip ? *ip : v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::optional<Route53Page> ParseListRecordSets(std::string_view xml, std::string& error) {
  pugi::xml_document doc;
  if (!Load(doc, xml)) {
    error = "the ListResourceRecordSets response is not XML";
    return std::nullopt;
  }
  const pugi::xml_node root = doc.child("ListResourceRecordSetsResponse");
  if (!root) {
    error = "the response has no ListResourceRecordSetsResponse element";
    return std::nullopt;
  }
  Route53Page page;
  for (const pugi::xml_node set : root.child("ResourceRecordSets").children("ResourceRecordSet")) {
    Route53RecordSet r;
    r.name = NormalizeRecordName(Trim(Text(set, "Name")));
    r.type = Trim(Text(set, "Type"));
    if (set.child("TTL")) r.ttl = set.child("TTL").text().as_llong(-1);
    r.alias = static_cast<bool>(set.child("AliasTarget"));
    r.set_identifier = Trim(Text(set, "SetIdentifier"));
    for (const pugi::xml_node rr : set.child("ResourceRecords").children("ResourceRecord")) {
      r.values.push_back(Trim(Text(rr, "Value")));
    }
    page.record_sets.push_back(std::move(r));
  }
  page.truncated = Trim(Text(root, "IsTruncated")) == "true";
  page.next_name = Trim(Text(root, "NextRecordName"));
  page.next_type = Trim(Text(root, "NextRecordType"));
  page.next_identifier = Trim(Text(root, "NextRecordIdentifier"));
  if (page.truncated && page.next_name.empty()) {
    error = "the response is truncated but has no NextRecordName";
    return std::nullopt;
  }
  return page;
}

AwsError ParseAwsError(std::string_view body) {
  AwsError e;
  pugi::xml_document doc;
  if (!Load(doc, body)) return e;
  if (const pugi::xml_node root = doc.child("ErrorResponse")) {
    const pugi::xml_node err = root.child("Error");
    e.type = Trim(Text(err, "Type"));
    e.code = Trim(Text(err, "Code"));
    e.message = Trim(Text(err, "Message"));
    e.request_id = Trim(Text(root, "RequestId"));
    return e;
  }
  if (const pugi::xml_node root = doc.child("InvalidChangeBatch")) {
    std::vector<std::string> messages;
    for (const pugi::xml_node m : root.child("Messages").children("Message")) {
      messages.push_back(Trim(m.text().as_string()));
    }
    // Some answers carry a single <Message> directly.
    if (messages.empty() && root.child("Message")) messages.push_back(Trim(Text(root, "Message")));
    e.code = "InvalidChangeBatch";
    e.message = Join(messages, "; ");
    e.request_id = Trim(Text(root, "RequestId"));
  }
  return e;
}

bool IsThrottling(int status, const AwsError& error) {
  if (status == 429) return true;
  for (std::string_view code :
       {"Throttling", "ThrottlingException", "PriorRequestNotComplete", "RequestLimitExceeded"}) {
    if (error.code == code) return true;
  }
  return false;
}

std::optional<Route53ChangeInfo> ParseChangeInfo(std::string_view xml) {
  pugi::xml_document doc;
  if (!Load(doc, xml)) return std::nullopt;
  const pugi::xml_node info = doc.child("ChangeResourceRecordSetsResponse").child("ChangeInfo");
  if (!info) return std::nullopt;
  return Route53ChangeInfo{Trim(Text(info, "Id")), Trim(Text(info, "Status"))};
}

std::string_view DnsActionName(DnsAction a) {
  switch (a) {
    case DnsAction::kNone:
      return "none";
    case DnsAction::kUpsert:
      return "upsert";
    case DnsAction::kConflict:
      return "conflict";
    case DnsAction::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::vector<RecordChange> DiffRecords(const std::vector<DesiredRecord>& desired,
                                      const std::vector<Route53RecordSet>& current) {
  std::vector<RecordChange> out;
  for (const auto& want : desired) {
    RecordChange c;
    c.want = want;
    const std::string name = NormalizeRecordName(want.name);
    const Route53RecordSet* cname = nullptr;
    const Route53RecordSet* routed = nullptr;  // same type, with a SetIdentifier
    for (const auto& r : current) {
      if (r.name != name) continue;
      if (r.type == "CNAME") cname = &r;
      if (r.type != want.type) continue;
      if (r.set_identifier.empty()) {
        c.current = r;
      } else {
        routed = &r;
      }
    }
    if (want.value.empty()) {
      c.action = DnsAction::kUnknown;
      c.reason =
          "public " + std::string(want.type == "AAAA" ? "IPv6" : "IPv4") + " address unknown";
    } else if (cname != nullptr) {
      c.action = DnsAction::kConflict;
      c.reason = "a CNAME record holds this name (-> " + Join(cname->values, ",") +
                 "); Route53 allows no " + want.type + " record beside it: delete the CNAME";
    } else if (routed != nullptr && !c.current) {
      c.action = DnsAction::kConflict;
      c.reason = "a " + want.type + " record with SetIdentifier " + routed->set_identifier +
                 " (weighted/latency/failover routing) holds this name; not touched";
    } else if (!c.current) {
      c.action = DnsAction::kUpsert;
      c.reason = "no " + want.type + " record";
    } else if (c.current->alias) {
      c.action = DnsAction::kUpsert;
      c.reason = "is an alias record";
    } else if (Canonical(c.current->values, want.type) !=
               Canonical(std::vector<std::string>{want.value}, want.type)) {
      c.action = DnsAction::kUpsert;
      c.reason = "points at " + Join(c.current->values, ",");
    } else if (c.current->ttl != want.ttl) {
      c.action = DnsAction::kUpsert;
      c.reason = "TTL " + std::to_string(c.current->ttl) + ", want " + std::to_string(want.ttl);
    } else {
      c.action = DnsAction::kNone;
      c.reason = "up to date";
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::string BuildChangeBatch(const std::vector<RecordChange>& changes, std::string_view comment) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  pugi::xml_node root = doc.append_child("ChangeResourceRecordSetsRequest");
  root.append_attribute("xmlns") = kXmlns;
  pugi::xml_node batch = root.append_child("ChangeBatch");
  batch.append_child("Comment").text() = std::string(comment).c_str();
  pugi::xml_node list = batch.append_child("Changes");
  for (const auto& c : changes) {
    if (c.action != DnsAction::kUpsert) continue;
    pugi::xml_node change = list.append_child("Change");
    change.append_child("Action").text() = "UPSERT";
    pugi::xml_node set = change.append_child("ResourceRecordSet");
    set.append_child("Name").text() = (c.want.name + ".").c_str();
    set.append_child("Type").text() = c.want.type.c_str();
    set.append_child("TTL").text() = static_cast<long long>(c.want.ttl);
    set.append_child("ResourceRecords")
        .append_child("ResourceRecord")
        .append_child("Value")
        .text() = c.want.value.c_str();
  }
  std::ostringstream out;
  doc.save(out, "  ", pugi::format_indent, pugi::encoding_utf8);
  return out.str();
}

}  // namespace platformctl
