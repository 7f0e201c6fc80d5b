// Unit tests of src/dns/: name derivation (W44), label checks, zone ids,
// record-name normalisation, Route53 XML parsing and building, the diff,
// AWS error parsing, credentials, and the Route53 client (retries,
// pagination, signing) over a fake HttpClient with an injected sleep.
#include "platformctl/dns.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "platformctl/exit_code.h"

namespace platformctl {
namespace {

using Names = std::vector<std::string>;

Names Fqdns(const DnsNames& n) {
  Names out;
  for (const auto& x : n.names) out.push_back(x.fqdn);
  return out;
}

// ---- names ------------------------------------------------------------------

TEST(DnsNames, SubdomainsTokensSplitOnSpacesAndCommas) {
  const DnsNames n = DeriveDnsNames(
      {"lab, oauth.lab  Staging.Hello.lab", "ignored", "swhurl.com", "homelab.swhurl.com"});
  ASSERT_TRUE(n.error.empty()) << n.error;
  EXPECT_EQ(Fqdns(n),
            (Names{"lab.swhurl.com", "oauth.lab.swhurl.com", "staging.hello.lab.swhurl.com"}));
  for (const auto& x : n.names) EXPECT_EQ(x.source, "SWHURL_SUBDOMAINS");
  EXPECT_TRUE(n.notes.empty());
}

TEST(DnsNames, SingleSubdomainIsTheFallback) {
  const DnsNames n = DeriveDnsNames({"", "home", "example.org", "lab.swhurl.com"});
  ASSERT_TRUE(n.error.empty()) << n.error;
  EXPECT_EQ(Fqdns(n), Names{"home.example.org"});
  EXPECT_EQ(n.names[0].source, "SWHURL_SUBDOMAIN");
}

TEST(DnsNames, DerivedFromBaseDomainIsTheSeedSetAndNotesStayApart) {
  const DnsNames n = DeriveDnsNames({"", "", "swhurl.com", "lab.swhurl.com"});
  ASSERT_TRUE(n.error.empty()) << n.error;
  EXPECT_EQ(Fqdns(n), (Names{"lab.swhurl.com", "oauth.lab.swhurl.com",
                             "staging.hello.lab.swhurl.com", "prod.hello.lab.swhurl.com",
                             "clickstack.lab.swhurl.com", "hubble.lab.swhurl.com",
                             "minio.lab.swhurl.com", "minio-console.lab.swhurl.com"}));
  // W44: the seed printed its warning on stdout and read it back as tokens.
  ASSERT_EQ(n.notes.size(), 1u);
  EXPECT_NE(n.notes[0].find("derived from BASE_DOMAIN"), std::string::npos);
  for (const auto& x : n.names) {
    EXPECT_EQ(x.source, "derived from BASE_DOMAIN");
    EXPECT_TRUE(CheckDnsName(x.fqdn).empty()) << x.fqdn;
    EXPECT_EQ(x.fqdn.find(' '), std::string::npos) << x.fqdn;
    EXPECT_EQ(x.fqdn.find("WARN"), std::string::npos) << x.fqdn;
  }
}

TEST(DnsNames, NothingToManageIsAnErrorWithAFix) {
  const DnsNames n = DeriveDnsNames({"", "", "swhurl.com", "127.0.0.1.nip.io"});
  EXPECT_TRUE(n.names.empty());
  EXPECT_NE(n.error.find("no names to manage"), std::string::npos) << n.error;
  EXPECT_NE(n.error.find("127.0.0.1.nip.io"), std::string::npos) << n.error;
  EXPECT_NE(n.hint.find("SWHURL_SUBDOMAINS"), std::string::npos) << n.hint;
  // The zone itself is not "under" the zone (the seed's regex needs a dot).
  EXPECT_FALSE(DeriveDnsNames({"", "", "swhurl.com", "swhurl.com"}).error.empty());
}

TEST(DnsNames, BadTokenNamesTheTokenAndTheKey) {
  for (const char* bad : {"bad_token", "-lead", "trail-", "a..b", "[HOST][WARN]", "x.", "*"}) {
    const DnsNames n = DeriveDnsNames({std::string("lab ") + bad, "", "swhurl.com", ""});
    EXPECT_TRUE(n.names.empty()) << bad;
    EXPECT_NE(n.error.find("SWHURL_SUBDOMAINS"), std::string::npos) << n.error;
    EXPECT_NE(n.error.find(bad), std::string::npos) << n.error;
  }
  const DnsNames one = DeriveDnsNames({"", "a/b", "swhurl.com", ""});
  EXPECT_NE(one.error.find("SWHURL_SUBDOMAIN:"), std::string::npos) << one.error;
  EXPECT_FALSE(DeriveDnsNames({"lab", "", "bad_zone", ""}).error.empty());
}

TEST(DnsNames, DuplicatesAreManagedOnce) {
  const DnsNames n = DeriveDnsNames({"lab LAB lab", "", "Swhurl.COM", ""});
  ASSERT_TRUE(n.error.empty()) << n.error;
  EXPECT_EQ(Fqdns(n), Names{"lab.swhurl.com"});
  EXPECT_EQ(n.notes.size(), 2u);
}

TEST(DnsNames, CheckDnsNameLimits) {
  EXPECT_EQ(CheckDnsName("a-b.c0.example"), "");
  EXPECT_EQ(CheckDnsName(std::string(63, 'a') + ".com"), "");
  EXPECT_NE(CheckDnsName(std::string(64, 'a') + ".com"), "");
  std::string long_name;
  while (long_name.size() < 260) long_name += "abcdefghi.";
  long_name += "com";
  EXPECT_GT(long_name.size(), 253u);
  EXPECT_NE(CheckDnsName(long_name).find("at most 253"), std::string::npos);
  EXPECT_NE(CheckDnsName(""), "");
  EXPECT_NE(CheckDnsName("a b"), "");
  EXPECT_NE(CheckDnsName("a.-b"), "");
}

TEST(DnsNames, ZoneIdForms) {
  EXPECT_EQ(NormalizeZoneId("Z08316812BZVAZ9D79ZRO"), "Z08316812BZVAZ9D79ZRO");
  EXPECT_EQ(NormalizeZoneId("/hostedzone/Z0TEST"), "Z0TEST");
  EXPECT_EQ(NormalizeZoneId("hostedzone/Z0TEST"), "Z0TEST");
  EXPECT_EQ(NormalizeZoneId(""), std::nullopt);
  EXPECT_EQ(NormalizeZoneId("z0test"), std::nullopt);
  EXPECT_EQ(NormalizeZoneId("Z0/../x"), std::nullopt);
  EXPECT_EQ(NormalizeZoneId("/hostedzone/"), std::nullopt);
}

TEST(DnsNames, RecordNamesAreNormalised) {
  EXPECT_EQ(NormalizeRecordName("\\052.Lab.Swhurl.com."), "*.lab.swhurl.com");
  EXPECT_EQ(NormalizeRecordName("lab.swhurl.com"), "lab.swhurl.com");
  EXPECT_EQ(NormalizeRecordName("a\\100b."), "a@b");
  EXPECT_EQ(NormalizeRecordName("a\\9"), "a\\9");  // not an escape: kept
  EXPECT_EQ(Route53SortKey("www.example.com"), "com.example.www.");
  // AWS's order: '-' sorts before the label separator.
  EXPECT_LT(Route53SortKey("minio-console.lab.swhurl.com"), Route53SortKey("minio.lab.swhurl.com"));
}

TEST(DnsNames, AddressesParseStrictly) {
  EXPECT_EQ(ParseIpAddress("203.0.113.7\n", false), "203.0.113.7");
  EXPECT_EQ(ParseIpAddress("  203.0.113.7 ", false), "203.0.113.7");
  EXPECT_EQ(ParseIpAddress("203.0.113", false), std::nullopt);
  EXPECT_EQ(ParseIpAddress("203.0.113.7.1", false), std::nullopt);
  EXPECT_EQ(ParseIpAddress("[WARN] no address", false), std::nullopt);
  EXPECT_EQ(ParseIpAddress("2001:DB8:0:0::1", true), "2001:db8::1");
  EXPECT_EQ(ParseIpAddress("203.0.113.7", true), std::nullopt);
  EXPECT_EQ(ParseIpAddress("2001:db8::1", false), std::nullopt);
  EXPECT_EQ(ParseIpAddress("", false), std::nullopt);
}

// ---- XML --------------------------------------------------------------------

constexpr const char* kListXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListResourceRecordSetsResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">
  <ResourceRecordSets>
    <ResourceRecordSet>
      <Name>lab.swhurl.com.</Name><Type>A</Type><TTL>300</TTL>
      <ResourceRecords><ResourceRecord><Value>203.0.113.7</Value></ResourceRecord></ResourceRecords>
    </ResourceRecordSet>
    <ResourceRecordSet>
      <Name>\052.lab.swhurl.com.</Name><Type>A</Type><TTL>60</TTL>
      <ResourceRecords>
        <ResourceRecord><Value>192.0.2.1</Value></ResourceRecord>
        <ResourceRecord><Value>192.0.2.2</Value></ResourceRecord>
      </ResourceRecords>
    </ResourceRecordSet>
    <ResourceRecordSet>
      <Name>cdn.lab.swhurl.com.</Name><Type>A</Type>
      <AliasTarget><HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>d1.cloudfront.net.</DNSName>
      <EvaluateTargetHealth>false</EvaluateTargetHealth></AliasTarget>
    </ResourceRecordSet>
    <ResourceRecordSet>
      <Name>w.lab.swhurl.com.</Name><Type>A</Type><SetIdentifier>blue</SetIdentifier><Weight>1</Weight>
      <TTL>60</TTL><ResourceRecords><ResourceRecord><Value>192.0.2.9</Value></ResourceRecord></ResourceRecords>
    </ResourceRecordSet>
  </ResourceRecordSets>
  <IsTruncated>true</IsTruncated>
  <NextRecordName>x.lab.swhurl.com.</NextRecordName>
  <NextRecordType>AAAA</NextRecordType>
  <MaxItems>4</MaxItems>
</ListResourceRecordSetsResponse>)";

TEST(DnsXml, ListResponseParses) {
  std::string error;
  const auto page = ParseListRecordSets(kListXml, error);
  ASSERT_TRUE(page) << error;
  ASSERT_EQ(page->record_sets.size(), 4u);
  const auto& a = page->record_sets[0];
  EXPECT_EQ(a.name, "lab.swhurl.com");
  EXPECT_EQ(a.type, "A");
  EXPECT_EQ(a.ttl, 300);
  EXPECT_EQ(a.values, Names{"203.0.113.7"});
  EXPECT_EQ(page->record_sets[1].name, "*.lab.swhurl.com");
  EXPECT_EQ(page->record_sets[1].values, (Names{"192.0.2.1", "192.0.2.2"}));
  EXPECT_TRUE(page->record_sets[2].alias);
  EXPECT_EQ(page->record_sets[2].ttl, -1);
  EXPECT_EQ(page->record_sets[3].set_identifier, "blue");
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_name, "x.lab.swhurl.com.");
  EXPECT_EQ(page->next_type, "AAAA");
}

TEST(DnsXml, NotAListResponseIsAnError) {
  std::string error;
  EXPECT_FALSE(ParseListRecordSets("not xml <", error));
  EXPECT_FALSE(error.empty());
  EXPECT_FALSE(ParseListRecordSets("<ErrorResponse/>", error));
  EXPECT_FALSE(
      ParseListRecordSets("<ListResourceRecordSetsResponse><IsTruncated>true</IsTruncated>"
                          "</ListResourceRecordSetsResponse>",
                          error));
  EXPECT_NE(error.find("NextRecordName"), std::string::npos);
}

TEST(DnsXml, AwsErrorBodies) {
  const AwsError e = ParseAwsError(
      R"(<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/">)"
      "<Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>The request signature "
      "we calculated does not match</Message></Error><RequestId>r-1</RequestId></ErrorResponse>");
  EXPECT_EQ(e.type, "Sender");
  EXPECT_EQ(e.code, "SignatureDoesNotMatch");
  EXPECT_EQ(e.message, "The request signature we calculated does not match");
  EXPECT_EQ(e.request_id, "r-1");

  const AwsError b = ParseAwsError(
      R"(<InvalidChangeBatch xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Messages>)"
      "<Message>Tried to create a.example.com. A, but it already exists</Message>"
      "<Message>second</Message></Messages><RequestId>r-2</RequestId></InvalidChangeBatch>");
  EXPECT_EQ(b.code, "InvalidChangeBatch");
  EXPECT_EQ(b.message, "Tried to create a.example.com. A, but it already exists; second");
  EXPECT_EQ(b.request_id, "r-2");

  EXPECT_TRUE(ParseAwsError("<html>502 Bad Gateway</html>").code.empty());
  EXPECT_TRUE(ParseAwsError("").code.empty());
}

TEST(DnsXml, ThrottlingCodes) {
  for (const char* code :
       {"Throttling", "ThrottlingException", "PriorRequestNotComplete", "RequestLimitExceeded"}) {
    EXPECT_TRUE(IsThrottling(400, AwsError{"Sender", code, "", ""})) << code;
  }
  EXPECT_TRUE(IsThrottling(429, AwsError{}));
  EXPECT_FALSE(IsThrottling(403, AwsError{"Sender", "AccessDenied", "", ""}));
  EXPECT_FALSE(IsThrottling(500, AwsError{}));
  EXPECT_FALSE(IsThrottling(400, AwsError{"Sender", "InvalidChangeBatch", "", ""}));
}

TEST(DnsXml, ChangeInfoParses) {
  const auto info = ParseChangeInfo(
      "<ChangeResourceRecordSetsResponse><ChangeInfo><Id>/change/C1</Id><Status>PENDING</Status>"
      "</ChangeInfo></ChangeResourceRecordSetsResponse>");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->id, "/change/C1");
  EXPECT_EQ(info->status, "PENDING");
  EXPECT_FALSE(ParseChangeInfo("<x/>"));
}

// ---- diff and change batch -------------------------------------------------------

Route53RecordSet Set(std::string name, std::string type, long ttl, Names values) {
  Route53RecordSet r;
  r.name = std::move(name);
  r.type = std::move(type);
  r.ttl = ttl;
  r.values = std::move(values);
  return r;
}

DesiredRecord Want(std::string name, std::string value, std::string type = "A") {
  return DesiredRecord{std::move(name), std::move(type), "SWHURL_SUBDOMAINS", 300,
                       std::move(value)};
}

TEST(DnsDiff, EachCase) {
  Route53RecordSet alias = Set("alias.swhurl.com", "A", -1, {});
  alias.alias = true;
  Route53RecordSet weighted = Set("weighted.swhurl.com", "A", 60, {"192.0.2.9"});
  weighted.set_identifier = "blue";
  const std::vector<Route53RecordSet> current = {
      Set("same.swhurl.com", "A", 300, {"203.0.113.7"}),
      Set("old.swhurl.com", "A", 300, {"198.51.100.1"}),
      Set("ttl.swhurl.com", "A", 60, {"203.0.113.7"}),
      Set("cname.swhurl.com", "CNAME", 300, {"elsewhere.example."}),
      Set("two.swhurl.com", "A", 300, {"203.0.113.7", "192.0.2.1"}),
      Set("v6.swhurl.com", "AAAA", 300, {"2001:DB8:0::1"}),
      alias,
      weighted,
  };
  const auto diff = DiffRecords(
      {Want("SAME.swhurl.com", "203.0.113.7"), Want("old.swhurl.com", "203.0.113.7"),
       Want("ttl.swhurl.com", "203.0.113.7"), Want("cname.swhurl.com", "203.0.113.7"),
       Want("two.swhurl.com", "203.0.113.7"), Want("v6.swhurl.com", "2001:db8::1", "AAAA"),
       Want("alias.swhurl.com", "203.0.113.7"), Want("weighted.swhurl.com", "203.0.113.7"),
       Want("absent.swhurl.com", "203.0.113.7"), Want("unknown.swhurl.com", "")},
      current);
  ASSERT_EQ(diff.size(), 10u);
  std::vector<DnsAction> actions;
  for (const auto& d : diff) actions.push_back(d.action);
  EXPECT_EQ(actions,
            (std::vector<DnsAction>{DnsAction::kNone, DnsAction::kUpsert, DnsAction::kUpsert,
                                    DnsAction::kConflict, DnsAction::kUpsert, DnsAction::kNone,
                                    DnsAction::kUpsert, DnsAction::kConflict, DnsAction::kUpsert,
                                    DnsAction::kUnknown}));
  EXPECT_EQ(diff[1].reason, "points at 198.51.100.1");
  EXPECT_EQ(diff[2].reason, "TTL 60, want 300");
  EXPECT_NE(diff[3].reason.find("CNAME"), std::string::npos);
  EXPECT_EQ(diff[8].reason, "no A record");
  EXPECT_FALSE(diff[8].current);
}

TEST(DnsDiff, ChangeBatchHasOnlyTheUpserts) {
  const auto diff =
      DiffRecords({Want("same.swhurl.com", "203.0.113.7"), Want("old.swhurl.com", "203.0.113.7"),
                   Want("v6.swhurl.com", "2001:db8::1", "AAAA")},
                  {Set("same.swhurl.com", "A", 300, {"203.0.113.7"}),
                   Set("old.swhurl.com", "A", 300, {"198.51.100.1"})});
  const std::string xml = BuildChangeBatch(diff, "platformctl dns update <2026> & co");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(xml.c_str())) << xml;
  const auto root = doc.child("ChangeResourceRecordSetsRequest");
  EXPECT_STREQ(root.attribute("xmlns").value(), "https://route53.amazonaws.com/doc/2013-04-01/");
  const auto batch = root.child("ChangeBatch");
  EXPECT_STREQ(batch.child("Comment").text().as_string(), "platformctl dns update <2026> & co");
  std::vector<std::string> seen;
  for (const auto c : batch.child("Changes").children("Change")) {
    EXPECT_STREQ(c.child("Action").text().as_string(), "UPSERT");
    const auto s = c.child("ResourceRecordSet");
    EXPECT_EQ(s.child("TTL").text().as_int(), 300);
    seen.push_back(
        std::string(s.child("Name").text().as_string()) + " " + s.child("Type").text().as_string() +
        " " + s.child("ResourceRecords").child("ResourceRecord").child("Value").text().as_string());
  }
  EXPECT_EQ(seen, (Names{"old.swhurl.com. A 203.0.113.7", "v6.swhurl.com. AAAA 2001:db8::1"}));
}

// ---- credentials ----------------------------------------------------------------

TEST(DnsCredentials, FileProfiles) {
  const std::string text =
      "# comment\n[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key=sd\n\n"
      "[profile dns]\n; another\naws_access_key_id=AKIDDNS\naws_secret_access_key = s2 \n"
      "aws_session_token = tok\n[half]\naws_access_key_id=AKIDHALF\n";
  auto d = ParseAwsCredentialsFile(text, "default");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(d->secret_access_key, "sd");
  EXPECT_EQ(d->session_token, "");
  auto n = ParseAwsCredentialsFile(text, "dns");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->access_key_id, "AKIDDNS");
  EXPECT_EQ(n->secret_access_key, "s2");
  EXPECT_EQ(n->session_token, "tok");
  EXPECT_FALSE(ParseAwsCredentialsFile(text, "half"));
  EXPECT_FALSE(ParseAwsCredentialsFile(text, "absent"));
}

TEST(DnsCredentials, ConfigFirstThenTheFile) {
  AwsCredentialInputs in;
  in.access_key_id = "AKIDCONFIG";
  in.secret_access_key = "secret-config-value";
  in.key_origin = "env";
  auto r = FindAwsCredentials(in);
  ASSERT_TRUE(r.credentials);
  EXPECT_EQ(r.source, "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (env)");

  in.secret_access_key.clear();
  r = FindAwsCredentials(in);
  EXPECT_FALSE(r.credentials);
  EXPECT_NE(r.error.find("AWS_SECRET_ACCESS_KEY is empty"), std::string::npos) << r.error;

  char tmpl[] = "/tmp/platformctl-creds-XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(tmpl);
  in.access_key_id.clear();
  in.profile = "dns";
  in.home = dir.string();
  r = FindAwsCredentials(in);
  EXPECT_FALSE(r.credentials);
  EXPECT_TRUE(r.error.empty());
  EXPECT_NE(r.looked.find(dir.string() + "/.aws/credentials does not exist"), std::string::npos)
      << r.looked;

  std::ofstream(dir / "creds") << "[dns]\naws_access_key_id=AKIDFILE\naws_secret_access_key=s\n";
  in.credentials_file = (dir / "creds").string();
  r = FindAwsCredentials(in);
  ASSERT_TRUE(r.credentials);
  EXPECT_EQ(r.credentials->access_key_id, "AKIDFILE");
  EXPECT_EQ(r.source, "profile dns in " + (dir / "creds").string());
  in.profile = "other";
  r = FindAwsCredentials(in);
  EXPECT_FALSE(r.credentials);
  EXPECT_NE(r.looked.find("has no [other] section"), std::string::npos) << r.looked;
  std::filesystem::remove_all(dir);
}

// ---- client -------------------------------------------------------------------

class FakeHttp : public HttpClient {
 public:
  HttpResponse Send(const HttpRequest& request) override {
    requests.push_back(request);
    if (responses.empty()) return HttpResponse{500, "no more answers", {}, ""};
    HttpResponse r = responses.front();
    responses.pop_front();
    return r;
  }
  std::deque<HttpResponse> responses;
  std::vector<HttpRequest> requests;
};

constexpr const char* kSecret = "unit-test-SECRET/key+0123456789";

std::string ErrorXml(const std::string& code, const std::string& message) {
  return "<ErrorResponse><Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message +
         "</Message></Error><RequestId>r</RequestId></ErrorResponse>";
}

std::string Page(const std::string& sets, const std::string& next_name = "",
                 const std::string& next_type = "") {
  std::string x =
      "<ListResourceRecordSetsResponse><ResourceRecordSets>" + sets + "</ResourceRecordSets>";
  if (next_name.empty())
    return x + "<IsTruncated>false</IsTruncated></ListResourceRecordSetsResponse>";
  return x + "<IsTruncated>true</IsTruncated><NextRecordName>" + next_name +
         "</NextRecordName><NextRecordType>" + next_type +
         "</NextRecordType></ListResourceRecordSetsResponse>";
}

std::string A(const std::string& name, const std::string& ip) {
  return "<ResourceRecordSet><Name>" + name +
         "</Name><Type>A</Type><TTL>300</TTL>"
         "<ResourceRecords><ResourceRecord><Value>" +
         ip + "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>";
}

struct ClientFixture {
  FakeHttp http;
  std::vector<double> sleeps;
  std::vector<std::string> log;
  Route53Client Client(const std::string& token = "") {
    Route53Env env;
    env.http = &http;
    env.now = [] { return std::int64_t{1767225600}; };  // 2026-01-01T00:00:00Z
    env.sleep = [this](double s) { sleeps.push_back(s); };
    env.log = [this](const std::string& l) { log.push_back(l); };
    return Route53Client(env, "https://route53.example.test/", "Z0TEST",
                         AwsCredentials{"AKIDUNIT", kSecret, token});
  }
};

TEST(DnsClient, ThrottledTwiceThenSucceedsWithBackoff) {
  ClientFixture f;
  f.http.responses = {{400, ErrorXml("Throttling", "Rate exceeded"), {}, ""},
                      {429, "", {}, ""},
                      {200, Page(A("lab.swhurl.com.", "203.0.113.7")), {}, ""}};
  auto client = f.Client();
  const auto sets = client.ListRecordSets({"lab.swhurl.com"});
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(f.sleeps, (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(client.Requests(), 3);
  EXPECT_EQ(f.log.size(), 5u);  // 3 requests + 2 retry notes
}

TEST(DnsClient, ThrottlingGivesUpAfterFiveAttempts) {
  ClientFixture f;
  for (int i = 0; i < 6; ++i) {
    f.http.responses.push_back({400, ErrorXml("PriorRequestNotComplete", "busy"), {}, ""});
  }
  auto client = f.Client();
  try {
    client.ChangeRecordSets("<x/>");
    FAIL() << "no error";
  } catch (const CommandError& e) {
    EXPECT_EQ(e.Code(), kExitFailed);
    EXPECT_EQ(std::string(e.what()),
              "Route53 ChangeResourceRecordSets failed: HTTP 400 PriorRequestNotComplete: busy "
              "(request id r) after 5 attempts");
  }
  EXPECT_EQ(f.sleeps, (std::vector<double>{0.5, 1.0, 2.0, 4.0}));
  EXPECT_EQ(f.http.requests.size(), 5u);
}

TEST(DnsClient, OtherErrorsAreNotRetried) {
  ClientFixture f;
  f.http.responses = {{403, ErrorXml("AccessDenied", "User is not authorized"), {}, ""}};
  auto client = f.Client();
  try {
    (void)client.ListRecordSets({"lab.swhurl.com"});
    FAIL() << "no error";
  } catch (const CommandError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Route53 ListResourceRecordSets failed: HTTP 403 AccessDenied: User is not "
              "authorized (request id r)");
  }
  EXPECT_TRUE(f.sleeps.empty());
  EXPECT_EQ(f.http.requests.size(), 1u);
}

TEST(DnsClient, SecretsNeverInErrorsEvenWhenEchoed) {
  ClientFixture f;
  f.http.responses = {{500, std::string("echo ") + kSecret + " tok-session-value", {}, ""}};
  auto client = f.Client("tok-session-value");
  try {
    (void)client.ListRecordSets({"lab.swhurl.com"});
    FAIL() << "no error";
  } catch (const CommandError& e) {
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("tok-session-value"), std::string::npos) << e.what();
  }
}

TEST(DnsClient, SignedRequestsAndPagination) {
  ClientFixture f;
  f.http.responses = {
      {200, Page(A("lab.swhurl.com.", "1.1.1.1"), "oauth.lab.swhurl.com.", "A"), {}, ""},
      {200, Page(A("oauth.lab.swhurl.com.", "1.1.1.2"), "zzz.lab.swhurl.com.", "A"), {}, ""}};
  auto client = f.Client("tok-session-value");
  const auto sets = client.ListRecordSets({"oauth.lab.swhurl.com", "lab.swhurl.com"});
  // Stops at zzz: past the last managed name in Route53's order.
  ASSERT_EQ(f.http.requests.size(), 2u);
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(f.http.requests[0].url,
            "https://route53.example.test/2013-04-01/hostedzone/Z0TEST/rrset?name=lab.swhurl.com."
            "&maxitems=300");
  EXPECT_EQ(f.http.requests[1].url,
            "https://route53.example.test/2013-04-01/hostedzone/Z0TEST/rrset?name=oauth.lab."
            "swhurl.com.&type=A&maxitems=300");
  for (const auto& r : f.http.requests) {
    const HttpResponse probe{0, "", r.headers, ""};
    ASSERT_NE(probe.Header("Authorization"), nullptr);
    EXPECT_TRUE(probe.Header("Authorization")
                    ->starts_with("AWS4-HMAC-SHA256 Credential=AKIDUNIT/20260101/us-east-1/"
                                  "route53/aws4_request, SignedHeaders=host;x-amz-date;"
                                  "x-amz-security-token, Signature="))
        << *probe.Header("Authorization");
    ASSERT_NE(probe.Header("X-Amz-Security-Token"), nullptr);
    EXPECT_EQ(*probe.Header("X-Amz-Date"), "20260101T000000Z");
    for (const auto& [k, v] : r.headers) EXPECT_EQ(v.find(kSecret), std::string::npos) << k;
    EXPECT_LE(r.max_body_bytes, size_t{4} << 20);
  }
  for (const auto& l : f.log) EXPECT_EQ(l.find("Authorization"), std::string::npos) << l;
}

TEST(DnsClient, ChangeIsOnePostToRrsetSlash) {
  ClientFixture f;
  f.http.responses = {{200,
                       "<ChangeResourceRecordSetsResponse><ChangeInfo><Id>/change/C9</Id><Status>"
                       "PENDING</Status></ChangeInfo></ChangeResourceRecordSetsResponse>",
                       {},
                       ""}};
  auto client = f.Client();
  const auto info = client.ChangeRecordSets("<batch/>");
  EXPECT_EQ(info.id, "/change/C9");
  ASSERT_EQ(f.http.requests.size(), 1u);
  EXPECT_EQ(f.http.requests[0].method, "POST");
  EXPECT_EQ(f.http.requests[0].url,
            "https://route53.example.test/2013-04-01/hostedzone/Z0TEST/rrset/");
  EXPECT_EQ(f.http.requests[0].body, "<batch/>");
}

TEST(DnsClient, TransportErrorIsReportedOnce) {
  ClientFixture f;
  f.http.responses = {{0, "", {}, "Connection refused (GET https://route53.example.test/...)"}};
  auto client = f.Client();
  EXPECT_THROW((void)client.ListRecordSets({"lab.swhurl.com"}), CommandError);
  EXPECT_EQ(f.http.requests.size(), 1u);
}

}  // namespace
}  // namespace platformctl
