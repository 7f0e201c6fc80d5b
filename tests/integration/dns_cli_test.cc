// `platformctl dns plan|update` through the built binary against a Route53
// stand-in on 127.0.0.1 (tests/integration/route53_standin.py): it checks
// every request's SigV4 signature with the known secret, serves the zone from
// a JSON state file, applies change batches to it, serves the public IP at
// /checkip, injects errors and throttling, and logs every request.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <thread>

#include "test_util.h"

namespace platformctl {
namespace {

using json = nlohmann::json;
using testing::ReadAll;
namespace fs = std::filesystem;

constexpr const char* kKeyId = "AKIDSTANDIN0EXAMPLE";
constexpr const char* kSecret = "Zq9/standin+SECRET/key0123456789abcdefXYZ";
constexpr const char* kToken = "IQoJb3JpZ2luX2VjEXAMPLE-session-token-0123456789";

json Record(const std::string& name, const std::string& type, int ttl,
            const std::vector<std::string>& values) {
  return {{"Name", name}, {"Type", type}, {"TTL", ttl}, {"Values", values}};
}

class DnsCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = repo_.Root() / "standin";
    fs::create_directories(dir_);
    fs::create_directories(repo_.Root() / "home");
    state_ = {{"access_key", kKeyId},
              {"secret_key", kSecret},
              {"zone_id", "Z0TEST"},
              {"public_ip", "203.0.113.7"},
              {"public_ip6", "2001:db8::7"},
              {"records",
               {Record("swhurl.com.", "NS", 172800, {"ns-1.awsdns-01.org."}),
                Record("lab.swhurl.com.", "A", 300, {"203.0.113.7"}),
                Record("oauth.lab.swhurl.com.", "A", 300, {"198.51.100.1"}),
                Record("other.swhurl.com.", "A", 300, {"192.0.2.50"})}}};
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }

  /// Starts the stand-in with state_ and points profiles/local.env at it.
  void Start() {
    std::ofstream(dir_ / "state.json") << state_.dump(1);
    const char* path = std::getenv("PATH");
    pid_ = testing::SpawnInBackground(
        {"/usr/bin/env", "python3", testing::SourceDir() + "/tests/integration/route53_standin.py",
         (dir_ / "state.json").string(), (dir_ / "log.jsonl").string(), (dir_ / "port").string()},
        dir_.string(), {{"PATH", path != nullptr ? path : "/usr/bin:/bin"}},
        (dir_ / "standin.err").string());
    ASSERT_GT(pid_, 0);
    for (int i = 0; i < 200 && !fs::exists(dir_ / "port"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    ASSERT_TRUE(fs::exists(dir_ / "port")) << ReadAll(dir_ / "standin.err");
    const std::string url = "http://127.0.0.1:" + ReadAll(dir_ / "port");
    repo_.Write("profiles/local.env", "ROUTE53_ENDPOINT=" + url +
                                          "\n"
                                          "PUBLIC_IP_URL=" +
                                          url +
                                          "/checkip\n"
                                          "PUBLIC_IP6_URL=" +
                                          url +
                                          "/checkip6\n"
                                          "ROUTE53_HOSTED_ZONE_ID=/hostedzone/Z0TEST\n"
                                          "SWHURL_SUBDOMAINS=\"lab, oauth.lab new\"\n");
  }

  /// The environment of a run: the stand-in's credentials unless replaced.
  std::map<std::string, std::string> Env() const {
    return {{"HOME", (repo_.Root() / "home").string()},
            {"AWS_ACCESS_KEY_ID", kKeyId},
            {"AWS_SECRET_ACCESS_KEY", kSecret}};
  }
  testing::CliResult Run(const std::vector<std::string>& args) { return Run(args, Env()); }
  testing::CliResult Run(const std::vector<std::string>& args,
                         const std::map<std::string, std::string>& env) {
    auto r = testing::RunCli(args, repo_.Root().string(), env);
    outputs_ += r.out + r.err;
    return r;
  }
  std::vector<json> Log() const {
    std::vector<json> out;
    std::stringstream ss(ReadAll(dir_ / "log.jsonl"));
    for (std::string line; std::getline(ss, line);) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }
  std::vector<json> Posts() const {
    std::vector<json> out;
    for (const auto& e : Log()) {
      if (e["method"] == "POST") out.push_back(e);
    }
    return out;
  }
  size_t Route53Requests() const {
    size_t n = 0;
    for (const auto& e : Log())
      n += e["path"].get<std::string>().starts_with("/2013-04-01") ? 1 : 0;
    return n;
  }
  json State() const { return json::parse(ReadAll(dir_ / "state.json")); }
  /// "name type ttl value" of every change in a logged POST body.
  static std::vector<std::string> Changes(const json& post) {
    pugi::xml_document doc;
    const std::string body = post["body"];
    EXPECT_TRUE(doc.load_string(body.c_str())) << body;
    std::vector<std::string> out;
    for (const auto c : doc.child("ChangeResourceRecordSetsRequest")
                            .child("ChangeBatch")
                            .child("Changes")
                            .children("Change")) {
      const auto s = c.child("ResourceRecordSet");
      out.push_back(
          std::string(c.child("Action").text().as_string()) + " " +
          s.child("Name").text().as_string() + " " + s.child("Type").text().as_string() + " " +
          s.child("TTL").text().as_string() + " " +
          s.child("ResourceRecords").child("ResourceRecord").child("Value").text().as_string());
    }
    return out;
  }
  fs::path LatestTrail() const {
    fs::path latest;
    for (const auto& e : fs::directory_iterator(repo_.Root() / "artifacts/runs")) {
      if (latest.empty() || e.path().filename() > latest.filename()) latest = e.path();
    }
    return latest;
  }
  /// Every run's stdout+stderr and every file under artifacts/.
  void ExpectNoSecretAnywhere(const std::vector<std::string>& secrets) {
    for (const auto& s : secrets) {
      EXPECT_EQ(outputs_.find(s), std::string::npos) << "secret in stdout/stderr";
      if (!fs::exists(repo_.Root() / "artifacts")) continue;
      for (const auto& e : fs::recursive_directory_iterator(repo_.Root() / "artifacts")) {
        if (!e.is_regular_file()) continue;
        EXPECT_EQ(ReadAll(e.path()).find(s), std::string::npos) << "secret in " << e.path();
      }
    }
  }

  testing::TempRepo repo_;
  fs::path dir_;
  json state_;
  pid_t pid_ = 0;
  std::string outputs_;
};

TEST_F(DnsCli, UpdateUpsertsOnlyDifferingRecordsInOneBatch) {
  Start();
  auto r = Run({"dns", "update"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto posts = Posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0]["path"], "/2013-04-01/hostedzone/Z0TEST/rrset/");
  EXPECT_EQ(Changes(posts[0]),
            (std::vector<std::string>{"UPSERT oauth.lab.swhurl.com. A 300 203.0.113.7",
                                      "UPSERT new.swhurl.com. A 300 203.0.113.7"}));
  EXPECT_NE(posts[0]["body"].get<std::string>().find("<Comment>platformctl dns update 20"),
            std::string::npos);
  for (const auto& e : Log()) {
    if (e["path"] != "/checkip") {
      EXPECT_EQ(e["signed"], true) << e.dump();
    }
  }
  // The zone now holds the new values; the others are untouched.
  std::map<std::string, std::string> a;
  const json state = State();
  for (const auto& rec : state["records"]) {
    if (rec["Type"] == "A") a[rec["Name"]] = rec["Values"][0];
  }
  EXPECT_EQ(a["oauth.lab.swhurl.com."], "203.0.113.7");
  EXPECT_EQ(a["new.swhurl.com."], "203.0.113.7");
  EXPECT_EQ(a["other.swhurl.com."], "192.0.2.50");
  EXPECT_NE(r.out.find("UPSERTed 2 of 3 records in one change batch (change /change/C0STANDIN1"),
            std::string::npos)
      << r.out;
  // The trail: each request with method, path, status and duration; result.json.
  const fs::path trail = LatestTrail();
  EXPECT_NE(trail.filename().string().find("-dns-update"), std::string::npos);
  const std::string log = ReadAll(trail / "run.log");
  EXPECT_NE(log.find("GET /2013-04-01/hostedzone/Z0TEST/rrset?name=lab.swhurl.com.&maxitems=300 "
                     "-> 200 in "),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("POST /2013-04-01/hostedzone/Z0TEST/rrset/ -> 200 in "), std::string::npos);
  EXPECT_EQ(log.find("Authorization"), std::string::npos);
  const json result = json::parse(ReadAll(trail / "result.json"));
  EXPECT_EQ(result["ok"], true);
  EXPECT_EQ(result["applied"], true);
  EXPECT_EQ(result["changes"], 2);

  // A second run finds everything in place: no POST.
  auto again = Run({"dns", "update"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Posts().size(), 1u);
  EXPECT_NE(again.out.find("all 3 records already point at 203.0.113.7"), std::string::npos)
      << again.out;
}

TEST_F(DnsCli, AllRecordsMatchingSendsNoPost) {
  state_["records"].push_back(Record("new.swhurl.com.", "A", 300, {"203.0.113.7"}));
  state_["records"][2] = Record("oauth.lab.swhurl.com.", "A", 300, {"203.0.113.7"});
  Start();
  auto r = Run({"dns", "update"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Posts().empty());
  EXPECT_EQ(r.out, "all 3 records already point at 203.0.113.7\n");
}

TEST_F(DnsCli, TtlDifferenceIsAChange) {
  state_["records"][1] = Record("lab.swhurl.com.", "A", 60, {"203.0.113.7"});
  Start();
  auto r = Run({"dns", "update", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("would update lab.swhurl.com A: 203.0.113.7 ttl 60 -> 203.0.113.7 ttl 300"),
            std::string::npos)
      << r.out;
}

TEST_F(DnsCli, DryRunPrintsTheBatchAndSendsNoPost) {
  Start();
  auto r = Run({"dns", "update", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Posts().empty());
  EXPECT_NE(r.out.find("dry run: would UPSERT 2 of 3 records"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<Name>new.swhurl.com.</Name>"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("<ChangeResourceRecordSetsRequest xmlns=\"https://route53.amazonaws.com/"
                       "doc/2013-04-01/\">"),
            std::string::npos);
  EXPECT_NE(LatestTrail().filename().string().find("-dns-update-dry-run"), std::string::npos);
}

TEST_F(DnsCli, InvalidChangeBatchIsReportedWithCodeAndMessage) {
  state_["errors"] = {{{"op", "change"},
                       {"invalid_change_batch", true},
                       {"message",
                        "Tried to create resource record set [name='new.swhurl.com.', "
                        "type='A'] but it already exists"}}};
  Start();
  auto r = Run({"dns", "update"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("platformctl: Route53 ChangeResourceRecordSets failed: HTTP 400 "
                       "InvalidChangeBatch: Tried to create resource record set "
                       "[name='new.swhurl.com.', type='A'] but it already exists"),
            std::string::npos)
      << r.err;
  const json result = json::parse(ReadAll(LatestTrail() / "result.json"));
  EXPECT_EQ(result["ok"], false);
  EXPECT_EQ(result["applied"], false);
  EXPECT_NE(result["error"].get<std::string>().find("InvalidChangeBatch"), std::string::npos);
}

TEST_F(DnsCli, AccessDeniedIsReportedAndNothingIsChanged) {
  state_["errors"] = {{{"op", "list"},
                       {"status", 403},
                       {"code", "AccessDenied"},
                       {"message",
                        "User: arn:aws:iam::123456789012:user/dns is not authorized to "
                        "perform: route53:ListResourceRecordSets"}}};
  Start();
  auto r = Run({"dns", "update"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("Route53 ListResourceRecordSets failed: HTTP 403 AccessDenied: User: "
                       "arn:aws:iam::123456789012:user/dns is not authorized"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(Posts().empty());
  EXPECT_EQ(Route53Requests(), 1u);  // not retried
  auto plan = Run({"dns", "plan"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_NE(plan.out.find("AccessDenied"), std::string::npos) << plan.out;
}

TEST_F(DnsCli, ThrottledTwiceThenRetriedAndChangedOnce) {
  state_["throttle_first"] = 2;
  Start();
  auto r = Run({"dns", "update"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Posts().size(), 1u);
  EXPECT_EQ(Posts()[0]["status"], 200);
  EXPECT_EQ(Route53Requests(), 4u);  // 2 throttled + 1 list + 1 change
  const std::string log = ReadAll(LatestTrail() / "run.log");
  EXPECT_NE(log.find("throttled (Throttling), retrying in 0.500s"), std::string::npos) << log;
  EXPECT_NE(log.find("throttled (Throttling), retrying in 1.000s"), std::string::npos) << log;
  EXPECT_NE(log.find("(attempt 3)"), std::string::npos) << log;
}

TEST_F(DnsCli, WrongSecretIsSignatureDoesNotMatch) {
  Start();
  auto env = Env();
  env["AWS_SECRET_ACCESS_KEY"] = "wrong/secret+key0123456789abcdefghijklmn";
  auto r = Run({"dns", "update"}, env);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Route53 ListResourceRecordSets failed: HTTP 403 SignatureDoesNotMatch: The "
                       "request signature we calculated does not match"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(Log().back()["signed"], false);
  EXPECT_TRUE(Posts().empty());
  ExpectNoSecretAnywhere({"wrong/secret+key0123456789abcdefghijklmn"});
}

TEST_F(DnsCli, SecretAndSessionTokenNeverInOutputOrTrail) {
  state_["session_token"] = kToken;
  state_["throttle_first"] = 1;
  Start();
  auto env = Env();
  env["AWS_SESSION_TOKEN"] = kToken;
  EXPECT_EQ(Run({"dns", "plan"}, env).exit_code, 0);
  EXPECT_EQ(Run({"dns", "plan", "-o", "json", "-v"}, env).exit_code, 0);
  EXPECT_EQ(Run({"dns", "update", "--dry-run", "-v"}, env).exit_code, 0);
  EXPECT_EQ(Run({"dns", "update", "-o", "json"}, env).exit_code, 0);
  EXPECT_EQ(Posts().size(), 1u);
  for (const auto& e : Log()) {
    if (e["path"] != "/checkip") {
      EXPECT_EQ(e["signed"], true) << e.dump();
    }
  }
  // Failing runs too: a token the stand-in refuses, an injected error.
  auto bad = env;
  bad["AWS_SESSION_TOKEN"] = "other-session-token-value-0123456789";
  EXPECT_EQ(Run({"dns", "update"}, bad).exit_code, 1);
  EXPECT_EQ(Run({"dns", "update", "--set", "PUBLIC_IP_URL=http://127.0.0.1:1/"}, env).exit_code, 1);
  EXPECT_EQ(Run({"config", "show", "--origin"}, env).exit_code, 0);
  ExpectNoSecretAnywhere({kSecret, kToken, "other-session-token-value-0123456789"});
}

TEST_F(DnsCli, CredentialsFromTheSharedCredentialsFileAndAwsProfile) {
  state_["session_token"] = kToken;
  Start();
  repo_.Write("standin/credentials", std::string("[default]\naws_access_key_id = AKIDWRONG\n"
                                                 "aws_secret_access_key = nope-nope-nope\n\n"
                                                 "[dns]\naws_access_key_id = ") +
                                         kKeyId + "\naws_secret_access_key = " + kSecret +
                                         "\naws_session_token = " + kToken + "\n");
  const std::map<std::string, std::string> env = {
      {"HOME", (repo_.Root() / "home").string()},
      {"AWS_SHARED_CREDENTIALS_FILE", (dir_ / "credentials").string()},
      {"AWS_PROFILE", "dns"}};
  auto plan = Run({"dns", "plan"}, env);
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("credentials: profile dns in " + (dir_ / "credentials").string()),
            std::string::npos)
      << plan.out;
  auto r = Run({"dns", "update"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Posts().size(), 1u);
  // $HOME/.aws/credentials, profile default.
  fs::create_directories(repo_.Root() / "home/.aws");
  fs::copy_file(dir_ / "credentials", repo_.Root() / "home/.aws/credentials");
  auto wrong = Run({"dns", "plan"}, {{"HOME", (repo_.Root() / "home").string()}});
  EXPECT_EQ(wrong.exit_code, 1);  // [default] holds a key the stand-in does not know
  EXPECT_NE(wrong.out.find("InvalidClientTokenId"), std::string::npos) << wrong.out;
  ExpectNoSecretAnywhere({kSecret, kToken, "nope-nope-nope"});
}

TEST_F(DnsCli, WithoutCredentialsPlanListsTheNamesAndUpdateExits2) {
  Start();
  const std::map<std::string, std::string> env = {{"HOME", (repo_.Root() / "home").string()}};
  auto plan = Run({"dns", "plan"}, env);
  EXPECT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_NE(plan.out.find("credentials: none: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are empty "
                          "and " +
                          (repo_.Root() / "home/.aws/credentials").string() + " does not exist"),
            std::string::npos)
      << plan.out;
  for (const char* name : {"lab.swhurl.com", "oauth.lab.swhurl.com", "new.swhurl.com"}) {
    EXPECT_NE(plan.out.find(name), std::string::npos) << name;
  }
  EXPECT_NE(plan.out.find("public IPv4: 203.0.113.7"), std::string::npos) << plan.out;
  auto update = Run({"dns", "update"}, env);
  EXPECT_EQ(update.exit_code, 2);
  EXPECT_NE(update.err.find("no AWS credentials"), std::string::npos) << update.err;
  EXPECT_NE(update.err.find("Nothing was sent."), std::string::npos) << update.err;
  EXPECT_EQ(Route53Requests(), 0u);
}

TEST_F(DnsCli, PlainHttpToAnotherHostIsRefused) {
  Start();
  for (const std::string set :
       {"ROUTE53_ENDPOINT=http://route53.amazonaws.com",
        "PUBLIC_IP_URL=http://checkip.amazonaws.com", "PUBLIC_IP6_URL=http://api6.ipify.org"}) {
    auto r = Run({"dns", "update", "--set", set, "--set", "DNS_IPV6=true"});
    EXPECT_EQ(r.exit_code, 2) << set << "\n" << r.err;
    EXPECT_NE(r.err.find(set.substr(0, set.find('=')) + " (--set)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not loopback"), std::string::npos) << r.err;
  }
  EXPECT_TRUE(Log().empty());  // nothing was sent
}

TEST_F(DnsCli, DerivedNamesNeverContainWarningText) {
  Start();
  auto r = Run({"dns", "update", "--dry-run", "-o", "json", "--set", "SWHURL_SUBDOMAINS=", "--set",
                "BASE_DOMAIN=lab.swhurl.com"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& rec : j["records"]) {
    names.push_back(rec["name"]);
    EXPECT_EQ(rec["source"], "derived from BASE_DOMAIN");
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"lab.swhurl.com", "oauth.lab.swhurl.com",
                                      "staging.hello.lab.swhurl.com", "prod.hello.lab.swhurl.com",
                                      "clickstack.lab.swhurl.com", "hubble.lab.swhurl.com",
                                      "minio.lab.swhurl.com", "minio-console.lab.swhurl.com"}));
  ASSERT_EQ(j["notes"].size(), 1u);
  EXPECT_NE(r.err.find("note: SWHURL_SUBDOMAINS and SWHURL_SUBDOMAIN are empty"),
            std::string::npos);
  // Nothing of the note reached the batch.
  const std::string batch = j["changeBatch"];
  EXPECT_EQ(batch.find("empty"), std::string::npos);
  EXPECT_EQ(batch.find("WARN"), std::string::npos);
  for (const auto& n : names) {
    EXPECT_EQ(n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-"), std::string::npos);
  }
}

TEST_F(DnsCli, BadTokensExit2NamingTheTokenAndTheKey) {
  Start();
  for (const std::string token : {"bad_token", "[HOST][WARN]", "*", "a..b"}) {
    auto r = Run({"dns", "plan", "--set", "SWHURL_SUBDOMAINS=\"lab " + token + "\""});
    EXPECT_EQ(r.exit_code, 2) << token << "\n" << r.err;
    EXPECT_NE(r.err.find("SWHURL_SUBDOMAINS: '" + token + "' is not a valid subdomain"),
              std::string::npos)
        << r.err;
  }
  auto none =
      Run({"dns", "plan", "--set", "SWHURL_SUBDOMAINS=", "--set", "BASE_DOMAIN=127.0.0.1.nip.io"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no names to manage"), std::string::npos) << none.err;
  EXPECT_NE(none.err.find("fix: set SWHURL_SUBDOMAINS"), std::string::npos) << none.err;
  auto zone = Run({"dns", "plan", "--set", "ROUTE53_HOSTED_ZONE_ID=not-a-zone"});
  EXPECT_EQ(zone.exit_code, 2);
  EXPECT_NE(zone.err.find("ROUTE53_HOSTED_ZONE_ID (--set) 'not-a-zone' is not a hosted zone id"),
            std::string::npos)
      << zone.err;
  EXPECT_TRUE(Log().empty());
}

TEST_F(DnsCli, PlanJsonSchema) {
  Start();
  auto r = Run({"dns", "plan", "-o", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["schemaVersion"], 1);
  EXPECT_EQ(j["command"], "plan");
  EXPECT_EQ(j["zone"], (json{{"id", "Z0TEST"}, {"name", "swhurl.com"}}));
  EXPECT_EQ(j["ttl"], 300);
  EXPECT_EQ(j["publicAddresses"]["ipv4"], "203.0.113.7");
  EXPECT_EQ(j["credentials"]["available"], true);
  EXPECT_EQ(j["route53"]["read"], true);
  EXPECT_EQ(j["changes"], 2);
  EXPECT_EQ(j["applied"], false);
  EXPECT_EQ(j["ok"], true);
  ASSERT_EQ(j["records"].size(), 3u);
  EXPECT_EQ(j["records"][0],
            (json{{"name", "lab.swhurl.com"},
                  {"type", "A"},
                  {"source", "SWHURL_SUBDOMAINS"},
                  {"ttl", 300},
                  {"want", "203.0.113.7"},
                  {"current", {{"values", {"203.0.113.7"}}, {"ttl", 300}, {"alias", false}}},
                  {"action", "none"},
                  {"reason", "up to date"}}));
  EXPECT_EQ(j["records"][1]["action"], "upsert");
  EXPECT_EQ(j["records"][1]["reason"], "points at 198.51.100.1");
  EXPECT_EQ(j["records"][2]["current"], nullptr);
  EXPECT_TRUE(Posts().empty());
  EXPECT_FALSE(fs::exists(repo_.Root() / "artifacts/runs"));  // plan leaves no trail
}

TEST_F(DnsCli, PaginationCnameConflictAndWildcardEscapes) {
  state_["page_size"] = 1;
  state_["records"].push_back(Record("*.lab.swhurl.com.", "A", 300, {"203.0.113.7"}));
  state_["records"].push_back(Record("new.swhurl.com.", "CNAME", 300, {"elsewhere.example."}));
  Start();
  auto r = Run({"dns", "update", "--set", "SWHURL_SUBDOMAINS=\"lab oauth.lab new\""});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // the CNAME conflict
  EXPECT_NE(r.out.find("not changed new.swhurl.com A: a CNAME record holds this name"),
            std::string::npos)
      << r.out;
  ASSERT_EQ(Posts().size(), 1u);
  EXPECT_EQ(Changes(Posts()[0]),
            std::vector<std::string>{"UPSERT oauth.lab.swhurl.com. A 300 203.0.113.7"});
  size_t pages = 0;
  bool typed = false;
  for (const auto& e : Log()) {
    if (e["method"] != "GET" || e["path"] == "/checkip") continue;
    ++pages;
    typed = typed || e["query"].get<std::string>().find("&type=") != std::string::npos;
  }
  EXPECT_GE(pages, 4u);
  EXPECT_TRUE(typed);
}

TEST_F(DnsCli, Ipv6AddsAaaaRecords) {
  Start();
  auto r = Run({"dns", "update", "--set", "DNS_IPV6=true", "--set", "SWHURL_SUBDOMAINS=lab"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Posts().size(), 1u);
  EXPECT_EQ(Changes(Posts()[0]),
            std::vector<std::string>{"UPSERT lab.swhurl.com. AAAA 300 2001:db8::7"});
}

TEST_F(DnsCli, FailedIpv6LookupStillUpdatesTheARecords) {
  state_["public_ip6"] = "";  // the stand-in answers 500
  Start();
  auto r = Run(
      {"dns", "update", "--set", "DNS_IPV6=true", "--set", "SWHURL_SUBDOMAINS=\"lab oauth.lab\""});
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the IPv6 failure is reported
  ASSERT_EQ(Posts().size(), 1u) << r.err;
  EXPECT_EQ(Changes(Posts()[0]),
            std::vector<std::string>{"UPSERT oauth.lab.swhurl.com. A 300 203.0.113.7"});
}

TEST_F(DnsCli, NamesThatSortAroundADashAreAllRead) {
  // Route53 lists "minio-console." before "minio." ('-' < '.'): both must be
  // read, so only the one that differs is sent.
  state_["records"].push_back(Record("minio-console.lab.swhurl.com.", "A", 300, {"203.0.113.7"}));
  state_["records"].push_back(Record("minio.lab.swhurl.com.", "A", 300, {"198.51.100.9"}));
  Start();
  auto r = Run({"dns", "update", "--set", "SWHURL_SUBDOMAINS=\"minio.lab minio-console.lab\""});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Posts().size(), 1u) << r.err;
  EXPECT_EQ(Changes(Posts()[0]),
            std::vector<std::string>{"UPSERT minio.lab.swhurl.com. A 300 203.0.113.7"});
}

TEST_F(DnsCli, PublicAddressThatIsNoAddressFailsBeforeRoute53) {
  state_["public_ip"] = "[HOST][WARN] rate limited";
  Start();
  auto r = Run({"dns", "update"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not an IPv4 address: '[HOST][WARN] rate limited"), std::string::npos)
      << r.err;
  EXPECT_EQ(Route53Requests(), 0u);
}

TEST_F(DnsCli, TrailKeepsTheNewestTwentyDnsUpdateRuns) {
  Start();
  for (int i = 0; i < 25; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "20200101T0000%02dZ-dns-update", i);
    fs::create_directories(repo_.Root() / "artifacts/runs" / name);
  }
  fs::create_directories(repo_.Root() / "artifacts/runs/20190101T000000Z-verify");
  auto r = Run({"dns", "update"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  size_t dns = 0;
  for (const auto& e : fs::directory_iterator(repo_.Root() / "artifacts/runs")) {
    dns += e.path().filename().string().find("-dns-update") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(dns, 20u);
  EXPECT_TRUE(fs::exists(repo_.Root() / "artifacts/runs/20190101T000000Z-verify"));
  EXPECT_FALSE(fs::exists(repo_.Root() / "artifacts/runs/20200101T000005Z-dns-update"));
  EXPECT_TRUE(fs::exists(repo_.Root() / "artifacts/runs/20200101T000006Z-dns-update"));
  EXPECT_TRUE(fs::exists(LatestTrail() / "result.json"));
}

}  // namespace
}  // namespace platformctl
