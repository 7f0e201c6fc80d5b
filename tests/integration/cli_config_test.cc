// Black-box tests of the built binary: bad inputs, secrets, help, formats.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace platformctl {
namespace {

using testing::RunCli;
using testing::TempRepo;

struct BadInput {
  std::string name;
  std::vector<std::pair<std::string, std::string>> files;  // path, content
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
  std::string where;  // FILE:LINE (or other location) expected on stderr; "" if none
  std::string fix;    // part of the fix expected on stderr
};

// Placeholders: MARKER is replaced with a path that must never be created.
std::vector<BadInput> BadInputs() {
  const std::vector<std::string> show = {"config", "show"};
  const std::vector<std::string> validate = {"config", "validate"};
  auto profile = [](std::vector<std::string> base) {
    base.insert(base.end(), {"--profile", "bad"});
    return base;
  };
  return {
      {"line without =",
       {{"profiles/bad.env", "# c\nJUSTAWORD\n"}},
       profile(show),
       {},
       "profiles/bad.env:2:1",
       "KEY=VALUE"},
      {"invalid key",
       {{"profiles/bad.env", "1ABC=x\n"}},
       profile(show),
       {},
       "profiles/bad.env:1:1",
       "fix:"},
      {"key with dash",
       {{"profiles/bad.env", "\nMY-KEY=x\n"}},
       profile(show),
       {},
       "profiles/bad.env:2",
       "fix:"},
      {"unterminated double quote",
       {{"profiles/bad.env", "BASE_DOMAIN=\"abc\n"}},
       profile(show),
       {},
       "profiles/bad.env:1:13",
       "fix:"},
      {"unterminated single quote",
       {{"profiles/bad.env", "A=1\nBASE_DOMAIN='abc\n"}},
       profile(show),
       {},
       "profiles/bad.env:2:13",
       "fix:"},
      {"garbage after quote",
       {{"profiles/bad.env", "BASE_DOMAIN=\"a.example.com\" junk\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "fix:"},
      {"unquoted space",
       {{"profiles/bad.env", "HELLO_IMAGE_TAG=a b\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "quote"},
      {"command substitution",
       {{"profiles/bad.env", "BASE_DOMAIN=$(touch MARKER)\n"}},
       profile(show),
       {},
       "profiles/bad.env:1:13",
       "fix:"},
      {"backticks",
       {{"profiles/bad.env", "BASE_DOMAIN=`touch MARKER`\n"}},
       profile(show),
       {},
       "profiles/bad.env:1:13",
       "fix:"},
      {"substitution in double quotes",
       {{"profiles/bad.env", "X=1\nHELLO_IMAGE_TAG=\"v$(touch MARKER)\"\n"}},
       profile(show),
       {},
       "profiles/bad.env:2",
       "fix:"},
      {"unterminated ${",
       {{"profiles/bad.env", "OAUTH_HOST=oauth.${BASE_DOMAIN\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "fix:"},
      {"unsupported ${VAR:=x}",
       {{"profiles/bad.env", "OAUTH_HOST=${BASE_DOMAIN:=x}\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "fix:"},
      {"bad enum",
       {{"profiles/bad.env", "\n\nINGRESS_PROVIDER=nginxx\n"}},
       profile(show),
       {},
       "profiles/bad.env:3",
       "nginx, traefik"},
      {"bad bool",
       {{"profiles/bad.env", "FEAT_CILIUM=TRUEE\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "true or false"},
      {"bool 'on'",
       {{"profiles/bad.env", "FEAT_MINIO=on\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "true or false"},
      {"bad host",
       {{"profiles/bad.env", "BASE_DOMAIN=bad_domain!.com\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "host name"},
      {"bad derived host",
       {{"profiles/bad.env", "OAUTH_HOST=oauth..example.com\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "host name"},
      {"bad email",
       {{"profiles/bad.env", "ACME_EMAIL=not-an-email\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "admin@example.com"},
      {"bad url",
       {{"profiles/bad.env", "OIDC_ISSUER=accounts.google.com\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "https://"},
      {"bad int",
       {{"profiles/bad.env", "TIMEOUT_SECS=5m\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "digits"},
      {"bad issuer",
       {{"profiles/bad.env", "PLATFORM_CLUSTER_ISSUER=letsencrypt-foo\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "letsencrypt-prod"},
      {"bad app namespace",
       {{"profiles/bad.env", "APP_NAMESPACE=apps\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "apps-staging"},
      {"LETSENCRYPT_ENV=production",
       {{"profiles/bad.env", "LETSENCRYPT_ENV=production\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "LETSENCRYPT_ENV=prod"},
      {"short cookie secret",
       {{"profiles/secrets.env", "OAUTH_COOKIE_SECRET=tooshort\n"}, {"profiles/bad.env", "# ok\n"}},
       profile(show),
       {},
       "profiles/secrets.env:1",
       "openssl rand -hex 16"},
      {"missing required secret",
       {{"profiles/bad.env", "FEAT_CLICKSTACK=true\n"}},
       profile(validate),
       {},
       "config.env:",
       "profiles/secrets.env"},
      {"otel without clickstack",
       {{"profiles/bad.env", "FEAT_CLICKSTACK=false\nFEAT_OTEL_K8S=true\n"}},
       profile(show),
       {},
       "profiles/bad.env:2",
       "FEAT_CLICKSTACK"},
      {"traefik without k3s traefik",
       {{"profiles/bad.env", "INGRESS_PROVIDER=traefik\nK3S_INGRESS_MODE=none\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "K3S_INGRESS_MODE=traefik"},
      {"reference cycle",
       {{"profiles/bad.env", "OAUTH_HOST=${HUBBLE_HOST}\nHUBBLE_HOST=${OAUTH_HOST}\n"}},
       profile(show),
       {},
       "profiles/bad.env:",
       "literal value"},
      {"bad email domain list",
       {{"profiles/bad.env", "OAUTH_EMAIL_DOMAINS=\"example.com not_a_domain!\"\n"}},
       profile(show),
       {},
       "profiles/bad.env:1",
       "example.com"},
      {"missing profile",
       {},
       {"config", "show", "--profile", "does-not-exist"},
       {},
       "profiles/does-not-exist.env",
       "fix:"},
      {"bad env bool",
       {},
       {"config", "show"},
       {{"FEAT_CILIUM", "enabled"}},
       "env FEAT_CILIUM",
       "true or false"},
      {"bad PROFILE_EXCLUSIVE",
       {},
       {"config", "show"},
       {{"PROFILE_EXCLUSIVE", "maybe"}},
       "env",
       "--exclusive"},
      {"--set without =", {}, {"config", "show", "--set", "FEAT_CILIUM"}, {}, "--set", "KEY=VALUE"},
      {"--set unknown key",
       {},
       {"config", "show", "--set", "FEAT_CILLIUM=false"},
       {},
       "--set",
       "FEAT_CILIUM"},
      {"--set bad value",
       {},
       {"config", "show", "--set", "INGRESS_PROVIDER=haproxy"},
       {},
       "--set INGRESS_PROVIDER",
       "nginx|traefik"},
      {"bad output format", {}, {"config", "show", "-o", "xml"}, {}, "", "text, json, yaml, env"},
      {"unknown command", {}, {"frobnicate"}, {}, "", "--help"},
      {"bad repo",
       {},
       {"-C", "/nonexistent/dir", "config", "show"},
       {},
       "/nonexistent/dir",
       "--repo"},
  };
}

TEST(BadInputs, EachExitsTwoNamesTheLocationAndTheFixAndRunsNothing) {
  const auto cases = BadInputs();
  ASSERT_GE(cases.size(), 25U);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    TempRepo repo;
    const std::string marker = (repo.Root() / "MARKER-was-created").string();
    for (const auto& [path, content] : c.files) {
      std::string text = content;
      for (auto pos = text.find("MARKER"); pos != std::string::npos;
           pos = text.find("MARKER", pos + marker.size())) {
        text.replace(pos, 6, marker);
      }
      repo.Write(path, text);
    }
    auto r = RunCli(c.args, repo.Root().string(), c.env);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    if (!c.where.empty()) {
      EXPECT_NE(r.err.find(c.where), std::string::npos) << "stderr:\n" << r.err;
    }
    EXPECT_NE(r.err.find(c.fix), std::string::npos) << "stderr:\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << "stdout must stay empty on error:\n" << r.out;
    EXPECT_FALSE(std::filesystem::exists(marker)) << "a command from an env file was executed";
  }
}

TEST(GoodInputs, AcceptedSpellings) {
  TempRepo repo;
  repo.Write(
      "profiles/ok.env",
      "export FEAT_CILIUM=TRUE\nFEAT_MINIO=no  # inline comment\nHELLO_IMAGE_TAG='1.27-alpine'\n"
      "OAUTH_HOST=\"login.${BASE_DOMAIN}\"\n");
  auto r = RunCli({"config", "show", "-o", "json", "--profile", "ok"}, repo.Root().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["FEAT_CILIUM"]["value"], true);
  EXPECT_EQ(j["FEAT_MINIO"]["value"], false);
  EXPECT_EQ(j["FEAT_MINIO"]["origin"], "profiles/ok.env:2");
  EXPECT_EQ(j["HELLO_IMAGE_TAG"]["value"], "1.27-alpine");
  EXPECT_EQ(j["OAUTH_HOST"]["value"], "login.homelab.swhurl.com");
  EXPECT_EQ(j["TIMEOUT_SECS"]["value"], 300);
}

TEST(Secrets, NeverInAnyConfigShowFormat) {
  TempRepo repo;
  const std::map<std::string, std::string> secrets = {
      {"OIDC_CLIENT_SECRET", "oidc-Secret-Value-9f8e"},
      {"OAUTH_COOKIE_SECRET", "Cookie0123456789Cookie0123456789"},
      {"MINIO_ROOT_PASSWORD", "minio-Password-7a6b5c"},
      {"CLICKSTACK_API_KEY", "hdx-Api-Key-1234abcd"},
      {"CLICKSTACK_INGESTION_KEY", "hdx-Ingest-Key-5678ef"},
      {"AWS_SECRET_ACCESS_KEY", "aws-Secret-Key-0000zz"},
  };
  std::string text = testing::ReadAll(repo.Root() / "profiles/secrets.example.env");
  for (const auto& [k, v] : secrets) text += k + "=" + v + "\n";
  text += "OIDC_CLIENT_SECRETT=typo-Secret-Value-4242\n";  // a misspelt secret is still redacted
  repo.Write("profiles/secrets.env", text);
  for (const std::string fmt : {"text", "json", "yaml", "env"}) {
    for (bool origin : {false, true}) {
      std::vector<std::string> args = {"config", "show", "-o", fmt, "--profile", "overlay-staging"};
      if (origin) args.push_back("--origin");
      auto r = RunCli(args, repo.Root().string());
      ASSERT_EQ(r.exit_code, 0) << fmt << r.err;
      for (const auto& [k, v] : secrets) {
        EXPECT_EQ(r.out.find(v), std::string::npos) << fmt << " leaks " << k;
        EXPECT_EQ(r.err.find(v), std::string::npos) << fmt << " leaks " << k << " on stderr";
      }
      EXPECT_EQ(r.out.find("typo-Secret-Value-4242"), std::string::npos) << fmt;
      EXPECT_EQ(r.err.find("typo-Secret-Value-4242"), std::string::npos) << fmt;
      // -o env writes secrets as comments (reusable as a profile), others as the marker.
      EXPECT_NE(r.out.find(fmt == "env" ? ": secret, set in" : "<redacted>"), std::string::npos)
          << fmt;
    }
  }
  // Validation errors about a secret never echo it either.
  repo.Write("profiles/secrets.env", text + "OAUTH_COOKIE_SECRET=short-Secret-xy\n");
  for (const std::string cmd : {"show", "validate"}) {
    auto r = RunCli({"config", cmd}, repo.Root().string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(r.err.find("short-Secret-xy"), std::string::npos) << r.err;
  }
  // Nor the state values.
  auto v = RunCli({"config", "values"}, repo.Root().string());
  for (const auto& [k, val] : secrets) EXPECT_EQ(v.out.find(val), std::string::npos) << k;
}

TEST(Secrets, SyntaxErrorsNeverEchoValueText) {
  TempRepo repo;
  repo.Write("profiles/secrets.env",
             "OIDC_CLIENT_SECRET=\"Leak-One-123\nMINIO_ROOT_PASSWORD=Leak Two-456\n"
             "CLICKSTACK_API_KEY=ab$(Leak-Three-789)\nCLICKSTACK_INGESTION_KEY=${!Leak-Four}\n"
             "Leak_Five_pasted_token\nOAUTH_COOKIE_SECRET='x' Leak-Six\n");
  auto r = RunCli({"config", "show"}, repo.Root().string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("profiles/secrets.env:2:"), std::string::npos) << r.err;
  for (const char* leak :
       {"Leak-One", "Two-456", "Leak-Three", "Leak-Four", "Leak_Five", "Leak-Six"}) {
    EXPECT_EQ(r.err.find(leak), std::string::npos) << leak << " echoed:\n" << r.err;
  }
}

TEST(ConfigShow, JsonSchemaAndOrigins) {
  TempRepo repo;
  auto r = RunCli(
      {"config", "show", "-o", "json", "--profile", "overlay-prod", "--set", "TIMEOUT_SECS=600"},
      repo.Root().string(), {{"HELLO_IMAGE_TAG", "from-env"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  for (const auto& [key, entry] : j.items()) {
    EXPECT_TRUE(entry.contains("value")) << key;
    EXPECT_TRUE(entry["origin"].is_string()) << key;
  }
  EXPECT_EQ(j["APP_NAMESPACE"]["origin"], "profiles/overlay-prod.env:4");
  EXPECT_EQ(j["APP_HOST"]["value"], "prod.hello.homelab.swhurl.com");
  EXPECT_EQ(j["TIMEOUT_SECS"]["origin"], "--set");
  EXPECT_EQ(j["HELLO_IMAGE_TAG"]["origin"], "env");
  EXPECT_EQ(j["BASE_DOMAIN"]["origin"].get<std::string>().rfind("config.env:", 0), 0U);
  auto env =
      RunCli({"config", "show", "-o", "env", "--profile", "overlay-prod"}, repo.Root().string());
  ASSERT_EQ(env.exit_code, 0);
  EXPECT_NE(env.out.find("\nAPP_HOST=prod.hello.homelab.swhurl.com\n"), std::string::npos)
      << env.out;
  auto text =
      RunCli({"config", "show", "--origin", "--profile", "overlay-prod"}, repo.Root().string());
  EXPECT_NE(text.out.find("profiles/overlay-prod.env:4"), std::string::npos);
}

TEST(ConfigShow, EnvOutputReparsesToTheSameValues) {
  TempRepo repo;
  repo.Write("profiles/q.env", "HELLO_IMAGE_TAG=\"a \\\"quoted\\\" $ value\"\n");
  auto env = RunCli({"config", "show", "-o", "env", "--profile", "q"}, repo.Root().string());
  ASSERT_EQ(env.exit_code, 0) << env.err;
  repo.Write("profiles/roundtrip.env", env.out);
  auto a = RunCli({"config", "show", "-o", "json", "--profile", "q"}, repo.Root().string());
  auto b = RunCli({"config", "show", "-o", "json", "--exclusive", "--profile", "roundtrip"},
                  repo.Root().string());
  ASSERT_EQ(b.exit_code, 0) << b.err;
  auto ja = nlohmann::json::parse(a.out);
  auto jb = nlohmann::json::parse(b.out);
  for (const auto& [key, entry] : ja.items()) EXPECT_EQ(entry["value"], jb[key]["value"]) << key;
}

TEST(Cli, GlobalFlagsBeforeOrAfterTheCommandAndUpwardRepoSearch) {
  TempRepo repo;
  std::filesystem::create_directories(repo.Root() / "docs/deep");
  auto before = RunCli({"--profile", "overlay-prod", "config", "show", "-o", "json"},
                       (repo.Root() / "docs/deep").string());
  auto after = RunCli({"config", "show", "-o", "json", "--profile", "overlay-prod"},
                      (repo.Root() / "docs/deep").string());
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(before.out, after.out);
  auto with_c = RunCli(
      {"-C", repo.Root().string(), "config", "show", "-o", "json", "-p", "overlay-prod"}, "/");
  EXPECT_EQ(with_c.out, after.out);
  auto nowhere = RunCli({"config", "show"}, "/");
  EXPECT_EQ(nowhere.exit_code, 2);
  EXPECT_NE(nowhere.err.find("-C/--repo"), std::string::npos);
}

TEST(Cli, EveryCommandHasHelpWithExamples) {
  TempRepo repo;
  for (const auto& cmd : std::vector<std::vector<std::string>>{{},
                                                               {"config"},
                                                               {"config", "show"},
                                                               {"config", "validate"},
                                                               {"config", "values"},
                                                               {"config", "keys"},
                                                               {"plan"},
                                                               {"apply"},
                                                               {"delete"},
                                                               {"version"}}) {
    auto args = cmd;
    args.push_back("--help");
    auto r = RunCli(args, repo.Root().string());
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("Examples:"), std::string::npos)
        << (cmd.empty() ? "root" : cmd.back()) << "\n"
        << r.out;
  }
}

TEST(Cli, VersionAndValidateSuccess) {
  TempRepo repo;
  auto v = RunCli({"version"}, repo.Root().string());
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("platformctl ", 0), 0U);
  repo.UseExampleSecrets();
  auto ok = RunCli({"config", "validate", "--profile", "overlay-staging"}, repo.Root().string());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.err.find("config OK"), std::string::npos);
}

}  // namespace
}  // namespace platformctl

namespace platformctl {
namespace {

TEST(Cli, LegacyOnlyKeySelectsStepsUnlessTheFlagIsGiven) {
  TempRepo repo;
  repo.Write("profiles/p.env", "ONLY=75\n");
  auto r = RunCli({"plan", "-p", "p", "-o", "json"}, repo.Root().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j["steps"].size(), 1U);
  EXPECT_EQ(j["steps"][0]["id"], "apps/hello-web");
  EXPECT_NE(r.err.find("ONLY is deprecated"), std::string::npos) << r.err;
  auto flag = RunCli({"plan", "-p", "p", "-o", "json", "--only", "issuers"}, repo.Root().string());
  auto jf = nlohmann::json::parse(flag.out);
  ASSERT_EQ(jf["steps"].size(), 1U);
  EXPECT_EQ(jf["steps"][0]["id"], "issuers/install");
}

}  // namespace
}  // namespace platformctl
