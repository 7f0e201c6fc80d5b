// Black-box tests of input hardening (issue 6): secret taint, '$' in secrets,
// the redaction marker, strict keys, CLI errors, output errors, hostile input.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace platformctl {
namespace {

using testing::RunCli;
using testing::ShippedProfiles;
using testing::TempRepo;

// Every secret key of the key table, from the binary itself.
std::vector<std::string> SecretKeys() {
  TempRepo repo;
  auto r = RunCli({"config", "keys", "-o", "json"}, repo.Root().string());
  std::vector<std::string> out;
  for (const auto& k : nlohmann::json::parse(r.out)) {
    if (k["secret"].get<bool>()) out.push_back(k["key"].get<std::string>());
  }
  return out;
}

// A distinct, valid-looking value per secret key (cookie secret: 32 bytes).
std::map<std::string, std::string> KnownSecretValues() {
  std::map<std::string, std::string> v;
  int i = 0;
  for (const auto& k : SecretKeys()) {
    v[k] = k == "OAUTH_COOKIE_SECRET" ? "Zq7CookieLeak0123456789abcdefXY"
                                      : "Leak" + std::to_string(i++) + "-Qx9" + k.substr(0, 3);
  }
  v["OAUTH_COOKIE_SECRET"] = "Zq7CookieLeak0123456789abcdefXYZ";  // exactly 32 bytes
  return v;
}

void ExpectNoSecret(const testing::CliResult& r, const std::map<std::string, std::string>& secrets,
                    const std::string& what) {
  for (const auto& [k, v] : secrets) {
    EXPECT_EQ(r.out.find(v), std::string::npos) << what << ": stdout leaks " << k;
    EXPECT_EQ(r.err.find(v), std::string::npos) << what << ": stderr leaks " << k << "\n" << r.err;
  }
}

std::vector<std::vector<std::string>> EveryOutputCommand() {
  std::vector<std::vector<std::string>> cmds;
  for (const std::string fmt : {"text", "json", "yaml", "env"}) {
    cmds.push_back({"config", "show", "-o", fmt});
    cmds.push_back({"config", "show", "-o", fmt, "--origin"});
  }
  for (const std::string fmt : {"yaml", "json"}) cmds.push_back({"config", "values", "-o", fmt});
  for (const std::string fmt : {"text", "json", "yaml"}) {
    cmds.push_back({"plan", "-o", fmt});
    cmds.push_back({"plan", "--delete", "--with-host", "-o", fmt});
    cmds.push_back({"apply", "--dry-run", "-o", fmt});
    cmds.push_back({"delete", "--dry-run", "-o", fmt});
  }
  cmds.push_back({"config", "validate", "-v"});
  return cmds;
}

TEST(SecretTaint, NoSecretValueInAnyOutputOfAnyShippedProfile) {
  TempRepo repo;
  const auto secrets = KnownSecretValues();
  std::string text = testing::ReadAll(repo.Root() / "profiles/secrets.example.env");
  for (const auto& [k, v] : secrets) text += k + "=" + v + "\n";
  // Derived references: secret -> secret is fine, and the result is secret too.
  text += "CLICKSTACK_INGESTION_KEY=${CLICKSTACK_API_KEY}-ingest\n";
  repo.Write("profiles/secrets.env", text);
  for (const auto& profile : ShippedProfiles()) {
    for (auto args : EveryOutputCommand()) {
      args.insert(args.end(), {"--profile", profile});
      auto r = RunCli(args, repo.Root().string());
      std::string what = profile;
      for (const auto& a : args) what += " " + a;
      EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 2) << what << "\n" << r.err;
      ExpectNoSecret(r, secrets, what);
      EXPECT_EQ(r.out.find("-ingest"), std::string::npos) << what;
    }
    // The state values file helmfile will receive.
    auto values = RunCli({"config", "values", "--profile", profile}, repo.Root().string());
    ASSERT_EQ(values.exit_code, 0) << values.err;
    repo.Write("artifacts/state-values.yaml", values.out);
    const std::string written = testing::ReadAll(repo.Root() / "artifacts/state-values.yaml");
    for (const auto& [k, v] : secrets) EXPECT_EQ(written.find(v), std::string::npos) << k;
  }
}

TEST(SecretTaint, NonSecretKeyReferencingASecretIsAnErrorNamingBothKeys) {
  const auto secrets = KnownSecretValues();
  struct Case {
    std::string profile;
    std::string where;
    std::string referencing;
    std::string secret;
  };
  const std::vector<Case> cases = {
      {"HELLO_IMAGE_TAG=${MINIO_ROOT_PASSWORD}\n", "profiles/p.env:1", "HELLO_IMAGE_TAG",
       "MINIO_ROOT_PASSWORD"},
      {"# c\nAPP_HOST=${CLICKSTACK_API_KEY}.example.com\n", "profiles/p.env:2", "APP_HOST",
       "CLICKSTACK_API_KEY"},
      // Through another key, and through an unknown key of the user's.
      {"USER_TMP=${OIDC_CLIENT_SECRET}\nHELLO_IMAGE_REPO=x/${USER_TMP}\n", "profiles/p.env:2",
       "HELLO_IMAGE_REPO", "OIDC_CLIENT_SECRET"},
      // In a fallback.
      {"HELLO_IMAGE_TAG=${NOPE_UNSET:-${AWS_SECRET_ACCESS_KEY}}\n", "profiles/p.env:1",
       "HELLO_IMAGE_TAG", "AWS_SECRET_ACCESS_KEY"},
      // A default that follows a tainted key (OAUTH_HOST=oauth.${BASE_DOMAIN}).
      {"BASE_DOMAIN=${MINIO_ROOT_PASSWORD}.example.com\n", "profiles/p.env:1", "BASE_DOMAIN",
       "MINIO_ROOT_PASSWORD"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.profile);
    TempRepo repo;
    std::string text = testing::ReadAll(repo.Root() / "profiles/secrets.example.env");
    for (const auto& [k, v] : secrets) text += k + "=" + v + "\n";
    repo.Write("profiles/secrets.env", text);
    repo.Write("profiles/p.env", c.profile);
    for (auto args : EveryOutputCommand()) {
      args.insert(args.end(), {"--profile", "p"});
      auto r = RunCli(args, repo.Root().string());
      EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[1] << "\n" << r.err;
      EXPECT_TRUE(r.out.empty()) << r.out;
      EXPECT_NE(r.err.find(c.where + ": error: " + c.referencing + " references the secret key " +
                           c.secret),
                std::string::npos)
          << r.err;
      ExpectNoSecret(r, secrets, args[0]);
    }
    // --set is the same.
  }
  TempRepo repo;
  auto r = RunCli({"config", "show", "--set", "HELLO_IMAGE_TAG=${MINIO_ROOT_PASSWORD}"},
                  repo.Root().string(), {{"MINIO_ROOT_PASSWORD", "env-Secret-Leak-77"}});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--set HELLO_IMAGE_TAG: error: HELLO_IMAGE_TAG references the secret key "
                       "MINIO_ROOT_PASSWORD"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("env-Secret-Leak-77"), std::string::npos);
}

TEST(DollarInSecret, UnsetReferenceIsAnErrorNamingTheKeyOnly) {
  for (const std::string value :
       {"Ab$cdefTail", "\"Ab${cdefTail}x\"", "Ab${ONLY}", "\"Ab$cdefTail\""}) {
    SCOPED_TRACE(value);
    TempRepo repo;
    repo.UseExampleSecrets();
    repo.Write("profiles/p.env", "# x\nMINIO_ROOT_PASSWORD=" + value + "\n");
    for (const std::string cmd : {"show", "validate"}) {
      auto r = RunCli({"config", cmd, "-p", "p"}, repo.Root().string());
      EXPECT_EQ(r.exit_code, 2) << r.err;
      EXPECT_NE(r.err.find("profiles/p.env:2: error: MINIO_ROOT_PASSWORD contains a '$'"),
                std::string::npos)
          << r.err;
      EXPECT_NE(r.err.find("single quotes"), std::string::npos) << r.err;
      EXPECT_EQ(r.err.find("cdef"), std::string::npos) << "value text echoed:\n" << r.err;
      EXPECT_EQ(r.err.find("Tail"), std::string::npos) << r.err;
      EXPECT_EQ(r.err.find("config OK"), std::string::npos);
    }
  }
  // Single quotes keep it literal: valid, and the value is intact (32 bytes).
  TempRepo repo;
  repo.UseExampleSecrets();
  repo.Write("profiles/p.env", "OAUTH_COOKIE_SECRET='0123456789abcdef$123456789abcdef'\n");
  auto ok = RunCli({"config", "validate", "-p", "p"}, repo.Root().string());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.err.find("warning"), std::string::npos) << ok.err;
  // Syntax errors inside a secret's value never quote it.
  repo.Write("profiles/p.env", "MINIO_ROOT_PASSWORD=ab${Leak#Nine}\n");
  auto bad = RunCli({"config", "show", "-p", "p"}, repo.Root().string());
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err.find("Leak"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("profiles/p.env:1:"), std::string::npos) << bad.err;
}

TEST(DollarInSecret, SetOfASecretFollowsTheSameRulesAndWarnsAboutArgv) {
  TempRepo repo;
  repo.UseExampleSecrets();
  auto r =
      RunCli({"config", "show", "--set", "MINIO_ROOT_PASSWORD=Ab$cdefTail"}, repo.Root().string());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--set MINIO_ROOT_PASSWORD: error: MINIO_ROOT_PASSWORD contains a '$'"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find("cdef"), std::string::npos) << r.err;
  auto w = RunCli({"config", "validate", "--set", "MINIO_ROOT_PASSWORD=Set-Secret-Leak-1"},
                  repo.Root().string());
  EXPECT_EQ(w.exit_code, 0) << w.err;
  EXPECT_NE(w.err.find("warning: --set MINIO_ROOT_PASSWORD puts a secret on the command line"),
            std::string::npos)
      << w.err;
  EXPECT_NE(w.err.find("profiles/secrets.env"), std::string::npos);
  EXPECT_EQ(w.err.find("Set-Secret-Leak-1"), std::string::npos);
}

TEST(RedactionMarker, IsNoValueAnywhere) {
  for (const std::string v : {"<redacted>", "\"<redacted>\"", "'<redacted>'", "<redacted>  "}) {
    SCOPED_TRACE(v);
    TempRepo repo;
    repo.Write("profiles/p.env", "\nOIDC_CLIENT_SECRET=" + v + "\n");
    auto r = RunCli({"config", "show", "-p", "p"}, repo.Root().string());
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("profiles/p.env:2:1: error: OIDC_CLIENT_SECRET is set to the redaction "
                         "marker"),
              std::string::npos)
        << r.err;
  }
  TempRepo repo;
  auto set =
      RunCli({"config", "show", "--set", "MINIO_ROOT_PASSWORD=<redacted>"}, repo.Root().string());
  EXPECT_EQ(set.exit_code, 2);
  EXPECT_NE(set.err.find("redaction marker"), std::string::npos) << set.err;
  auto env =
      RunCli({"config", "show"}, repo.Root().string(), {{"MINIO_ROOT_PASSWORD", "<redacted>"}});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("env MINIO_ROOT_PASSWORD: error:"), std::string::npos) << env.err;
}

TEST(RedactionMarker, EnvOutputPastedBackAsAProfileKeepsTheRealSecrets) {
  TempRepo repo;
  const auto secrets = KnownSecretValues();
  std::string text = testing::ReadAll(repo.Root() / "profiles/secrets.example.env");
  for (const auto& [k, v] : secrets) text += k + "=" + v + "\n";
  repo.Write("profiles/secrets.env", text);
  auto env = RunCli({"config", "show", "-o", "env", "--origin", "-p", "overlay-prod"},
                    repo.Root().string());
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_NE(env.out.find("# MINIO_ROOT_PASSWORD: secret, set in profiles/secrets.env:"),
            std::string::npos)
      << env.out;
  EXPECT_NE(env.out.find("# AWS_ACCESS_KEY_ID: secret"), std::string::npos) << env.out;
  ExpectNoSecret(env, secrets, "config show -o env");
  repo.Write("profiles/pasted.env", env.out);
  auto a =
      RunCli({"config", "show", "-o", "json", "--origin", "-p", "pasted"}, repo.Root().string());
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto j = nlohmann::json::parse(a.out);
  for (const auto& [k, v] : secrets) {
    EXPECT_EQ(j[k]["origin"].get<std::string>().rfind("profiles/secrets.env:", 0), 0U)
        << k << " was clobbered by the pasted profile: " << j[k]["origin"];
  }
  auto ok = RunCli({"config", "validate", "-p", "pasted"}, repo.Root().string());
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(StrictKeys, UnknownKeyIsAnErrorForApplyDeleteValidateAndAWarningForPlan) {
  TempRepo repo;
  repo.UseExampleSecrets();
  for (const std::string key : {"FEAT_CILLIUM", "feat_cilium", "Feat_Cilium"}) {
    SCOPED_TRACE(key);
    repo.Write("profiles/p.env", "# x\n" + key + "=false\n");
    for (const std::vector<std::string>& cmd : std::vector<std::vector<std::string>>{
             {"config", "validate"}, {"apply", "--dry-run"}, {"delete", "--dry-run"}}) {
      auto args = cmd;
      args.insert(args.end(), {"-p", "p", "-q"});
      auto r = RunCli(args, repo.Root().string());
      EXPECT_EQ(r.exit_code, 2) << cmd[0] << "\n" << r.err;
      EXPECT_NE(r.err.find("profiles/p.env:2:1: error: unknown key " + key), std::string::npos)
          << r.err;
      EXPECT_NE(r.err.find("did you mean FEAT_CILIUM?"), std::string::npos) << r.err;
      EXPECT_TRUE(r.out.empty());
    }
    auto plan = RunCli({"plan", "-p", "p"}, repo.Root().string());
    EXPECT_EQ(plan.exit_code, 0) << plan.err;
    EXPECT_NE(plan.err.find("warning: unknown key " + key), std::string::npos) << plan.err;
  }
  // USER_ keys are the user's own: never reported, usable in references.
  repo.Write("profiles/p.env", "USER_TEAM=infra\nAPP_HOST=${USER_TEAM}.example.com\n");
  auto user = RunCli({"config", "validate", "-p", "p"}, repo.Root().string());
  EXPECT_EQ(user.exit_code, 0) << user.err;
  EXPECT_EQ(user.err.find("USER_TEAM"), std::string::npos) << user.err;
  auto host = RunCli({"config", "show", "-o", "json", "-p", "p"}, repo.Root().string());
  EXPECT_EQ(nlohmann::json::parse(host.out)["APP_HOST"]["value"], "infra.example.com");
  // --set and the environment.
  auto set = RunCli({"plan", "--set", "feat_cillium=false"}, repo.Root().string());
  EXPECT_EQ(set.exit_code, 2);
  EXPECT_NE(set.err.find("did you mean FEAT_CILIUM?"), std::string::npos) << set.err;
  auto env = RunCli({"config", "validate"}, repo.Root().string(), {{"FEAT_CILLIUM", "false"}});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("env FEAT_CILLIUM: error: unknown key FEAT_CILLIUM"), std::string::npos)
      << env.err;
  EXPECT_NE(env.err.find("did you mean FEAT_CILIUM?"), std::string::npos) << env.err;
  auto env_plan = RunCli({"plan"}, repo.Root().string(), {{"FEAT_CILLIUM", "false"}});
  EXPECT_EQ(env_plan.exit_code, 0);
  EXPECT_NE(env_plan.err.find("warning: unknown key FEAT_CILLIUM"), std::string::npos);
  // Unrelated environment variables are not reported.
  auto other = RunCli({"config", "validate"}, repo.Root().string(),
                      {{"HOME", "/root"}, {"K3S_TOKEN", "x"}, {"AWS_REGION", "eu-west-1"}});
  EXPECT_EQ(other.exit_code, 0) << other.err;
}

TEST(CliErrors, SayWhatWentWrongInOurWords) {
  TempRepo repo;
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {{"paln"}, "unknown command 'paln' (did you mean 'plan'?)"},
      {{"config", "shwo"},
       "unknown command 'shwo' for 'platformctl config' (did you mean 'show'?)"},
      {{"plan", "--profle", "x"},
       "unknown flag --profle for 'platformctl plan' (did you mean --profile?)"},
      {{"apply", "--dryrun"}, "(did you mean --dry-run?)"},
      {{"plan", "--only", ""}, "--only needs a non-empty value"},
      {{"plan", "--only="}, "--only needs a non-empty value"},
      {{"apply", "--from", ""}, "--from needs a non-empty value"},
      {{"-p", "", "plan"}, "-p needs a non-empty value"},
      {{"plan", "--profile="}, "--profile needs a non-empty value"},
      {{"plan", "-o", ""}, "-o needs a non-empty value"},
      {{"-C", "", "plan"}, "-C needs a non-empty value"},
      {{"plan", "--context", "-v"}, "--context -v: the value starts with '-'"},
      {{"plan", "--kubeconfig", "--only"}, "--kubeconfig --only: the value starts with '-'"},
      {{"plan", "--set"}, "--set needs a value"},
      {{"plan", "extra"}, "unexpected argument 'extra' for 'platformctl plan'"},
      {{}, "missing command"},
      {{"config"}, "'platformctl config' needs a subcommand; one of: show, validate, keys, values"},
      {{"verify", "--only", "isuers"},
       "--only isuers: no check matches (fix: did you mean issuers?"},
      {{"verify", "-o", "yaml"}, "-o yaml"},
      {{"doctor", "-o", "junit"}, "-o junit: this command supports text, json, yaml"},
  };
  for (const auto& c : cases) {
    std::string what;
    for (const auto& a : c.args) what += a + " ";
    SCOPED_TRACE(what);
    auto r = RunCli(c.args, repo.Root().string());
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    for (const char* raw : {"A subcommand is required", "were not expected", "At Most",
                            "required but received", "Run with --help", "TEXT"}) {
      EXPECT_EQ(r.err.find(raw), std::string::npos) << "CLI11 wording: " << r.err;
    }
  }
}

TEST(CliErrors, RepeatedSingleValueFlagsTheLastOneWins) {
  TempRepo repo;
  auto r = RunCli({"plan", "-o", "yaml", "-o", "json"}, repo.Root().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::accept(r.out)) << r.out;
  auto p = RunCli({"config", "show", "-o", "json", "-p", "nope", "-p", "overlay-prod"},
                  repo.Root().string());
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(nlohmann::json::parse(p.out)["APP_NAMESPACE"]["value"], "apps-prod");
  auto only =
      RunCli({"plan", "--only", "apps", "--only", "issuers", "-o", "json"}, repo.Root().string());
  ASSERT_EQ(only.exit_code, 0) << only.err;
  EXPECT_EQ(nlohmann::json::parse(only.out)["steps"][0]["id"], "issuers/install");
}

TEST(CliHelp, EveryCommandHasItsOwnUsageExamplesAndGlobalFlags) {
  TempRepo repo;
  for (const std::vector<std::string>& cmd :
       std::vector<std::vector<std::string>>{{"plan"},
                                             {"apply"},
                                             {"delete"},
                                             {"config"},
                                             {"config", "show"},
                                             {"config", "validate"},
                                             {"config", "values"},
                                             {"config", "keys"},
                                             {"version"},
                                             {"verify"},
                                             {"host"},
                                             {"dns"},
                                             {"flux"},
                                             {"diagnostics"},
                                             {"doctor"},
                                             {"completion"}}) {
    std::string usage = "Usage: platformctl";
    for (const auto& c : cmd) usage += " " + c;
    auto args = cmd;
    args.push_back("--help");
    auto r = RunCli(args, repo.Root().string());
    EXPECT_EQ(r.exit_code, 0) << usage;
    EXPECT_NE(r.out.find(usage + " [OPTIONS]"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Examples:"), std::string::npos) << usage;
    EXPECT_NE(r.out.find("Global flags"), std::string::npos) << usage;
    for (const char* flag : {"-p,--profile FILE", "-o,--output FORMAT", "--set KEY=VALUE",
                             "--kubeconfig FILE", "--context NAME"}) {
      EXPECT_NE(r.out.find(flag), std::string::npos) << usage << " lacks " << flag;
    }
    // `platformctl help CMD` is the same text.
    std::vector<std::string> help_args = {"help"};
    help_args.insert(help_args.end(), cmd.begin(), cmd.end());
    auto h = RunCli(help_args, repo.Root().string());
    EXPECT_EQ(h.exit_code, 0);
    EXPECT_EQ(h.out, r.out) << "help " << cmd[0];
  }
  auto root = RunCli({"help"}, repo.Root().string());
  EXPECT_EQ(root.exit_code, 0);
  EXPECT_EQ(root.out.find("doctor                      (planned)"), std::string::npos) << root.out;
  EXPECT_NE(root.out.find("doctor                      Check tools"), std::string::npos)
      << root.out;
  EXPECT_EQ(root.out.find("verify                      (planned)"), std::string::npos) << root.out;
}

// Runs the binary with `out_fd` as its stdout (a pipe whose reader has gone,
// /dev/full) and stderr captured.
testing::CliResult RunWithStdout(const std::vector<std::string>& args, const std::string& cwd,
                                 int out_fd) {
  char tmpl[] = "/tmp/platformctl-err-XXXXXX";
  int err_fd = ::mkstemp(tmpl);
  std::vector<std::string> argv_s{testing::Binary(), "-C", cwd};
  for (const auto& a : args) argv_s.push_back(a);
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string path = "PATH=/usr/bin:/bin";
  std::vector<char*> envp = {path.data(), nullptr};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  pid_t pid = 0;
  testing::CliResult r;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()) == 0) {
    ::close(out_fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&fa);
  ::close(err_fd);
  r.err = testing::ReadAll(tmpl);
  ::unlink(tmpl);
  return r;
}

TEST(OutputErrors, FullDiskFailsAndAClosedPipeEndsQuietly) {
  TempRepo repo;
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"plan", "-o", "json", "-q"}, {"config", "keys"}, {"--help"}, {"version"}}) {
    SCOPED_TRACE(args[0]);
    // stdout to /dev/full: ENOSPC on the first write.
    auto full = RunWithStdout(args, repo.Root().string(), ::open("/dev/full", O_WRONLY));
    EXPECT_EQ(full.exit_code, 1) << full.err;
    EXPECT_NE(
        full.err.find("platformctl: cannot write to standard output: No space left on device"),
        std::string::npos)
        << full.err;
    // stdout on a pipe nobody reads any more: quiet.
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ::close(fds[0]);
    auto closed = RunWithStdout(args, repo.Root().string(), fds[1]);
    EXPECT_EQ(closed.exit_code, 0) << closed.err;
    EXPECT_EQ(closed.err.find("cannot write"), std::string::npos) << closed.err;
  }
}

TEST(HostileInput, DiagnosticsAreCappedAndQuotedTextIsCutAndEscaped) {
  TempRepo repo;
  std::string many;
  for (int i = 0; i < 300; ++i) many += "UNKNOWN_" + std::to_string(i) + "=x\n";
  repo.Write("profiles/many.env", many);
  auto r = RunCli({"config", "show", "-p", "many"}, repo.Root().string());
  EXPECT_EQ(r.exit_code, 0);
  size_t lines = 0;
  for (size_t p = r.err.find("warning: unknown key"); p != std::string::npos;
       p = r.err.find("warning: unknown key", p + 1)) {
    ++lines;
  }
  EXPECT_LE(lines, 50U) << r.err.substr(0, 2000);
  EXPECT_GE(lines, 40U);
  EXPECT_NE(r.err.find("... and "), std::string::npos) << r.err.substr(r.err.size() - 500);
  auto strict = RunCli({"config", "validate", "-p", "many"}, repo.Root().string());
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_NE(strict.err.find("300 configuration error(s)"), std::string::npos)
      << strict.err.substr(strict.err.size() - 300);

  // A long value is cut to 40 bytes; bytes that are not UTF-8 are escaped.
  repo.Write("profiles/long.env", "FEAT_CILIUM=" + std::string(200, 'y') + "\n");
  auto l = RunCli({"config", "show", "-p", "long"}, repo.Root().string());
  EXPECT_EQ(l.exit_code, 2);
  EXPECT_NE(l.err.find("(got '" + std::string(40, 'y') + "...')"), std::string::npos) << l.err;
  EXPECT_EQ(l.err.find(std::string(41, 'y')), std::string::npos) << l.err;
  repo.Write("profiles/bin.env", "FEAT_CILIUM=\"ab\xff\xfe\x01 \xc3\xa9\"\n");
  auto b = RunCli({"config", "show", "-p", "bin"}, repo.Root().string());
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_NE(b.err.find("ab\\xFF\\xFE\\x01 \xc3\xa9"), std::string::npos) << b.err;
  EXPECT_EQ(b.err.find('\xff'), std::string::npos);
  // A 1 MB key name is quoted cut too.
  repo.Write("profiles/key.env", "K" + std::string(1 << 20, 'Z') + "=1\n");
  auto k = RunCli({"config", "show", "-p", "key"}, repo.Root().string());
  EXPECT_EQ(k.exit_code, 0);
  EXPECT_LT(k.err.size(), 2000U);
}

}  // namespace
}  // namespace platformctl

namespace platformctl {
namespace {

TEST(LegacyClusterIssuer, TakesEffectFromAHigherLayerOnly) {
  TempRepo repo;
  // Above config.env's PLATFORM_CLUSTER_ISSUER: it takes effect, with the warning.
  repo.Write("profiles/p.env", "CLUSTER_ISSUER=selfsigned\n");
  auto r = RunCli({"config", "show", "-o", "json", "-p", "p"}, repo.Root().string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["PLATFORM_CLUSTER_ISSUER"]["value"], "selfsigned");
  EXPECT_EQ(j["PLATFORM_CLUSTER_ISSUER"]["origin"], "profiles/p.env:1");
  EXPECT_EQ(j["APP_CLUSTER_ISSUER"]["value"], "selfsigned");
  EXPECT_NE(r.err.find("profiles/p.env:1: warning: CLUSTER_ISSUER is deprecated"),
            std::string::npos)
      << r.err;
  auto env = RunCli({"config", "show", "-o", "json"}, repo.Root().string(),
                    {{"CLUSTER_ISSUER", "letsencrypt-prod"}});
  EXPECT_EQ(nlohmann::json::parse(env.out)["PLATFORM_CLUSTER_ISSUER"]["value"], "letsencrypt-prod");
  // Below the profile that sets PLATFORM_CLUSTER_ISSUER: the newer key wins.
  repo.Write("profiles/local.env", "CLUSTER_ISSUER=selfsigned\n");
  auto low = RunCli({"config", "show", "-o", "json", "-p", "overlay-prod"}, repo.Root().string());
  ASSERT_EQ(low.exit_code, 0) << low.err;
  EXPECT_EQ(nlohmann::json::parse(low.out)["PLATFORM_CLUSTER_ISSUER"]["value"], "letsencrypt-prod");
  // --set of the new key beats the legacy key in a file.
  auto set = RunCli(
      {"config", "show", "-o", "json", "-p", "p", "--set", "PLATFORM_CLUSTER_ISSUER=letsencrypt"},
      repo.Root().string());
  EXPECT_EQ(nlohmann::json::parse(set.out)["PLATFORM_CLUSTER_ISSUER"]["value"], "letsencrypt");
}

}  // namespace
}  // namespace platformctl
