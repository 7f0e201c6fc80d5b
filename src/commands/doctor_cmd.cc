// `platformctl doctor [-o json|yaml]`: checks of this machine (src/doctor/).
// Runs without a platform repo too (newcomers run it first): then only the
// repo-independent checks, and a warning saying how to point at the repo.
#include <cstdlib>
#include <iostream>
#include <optional>

#include "commands/command.h"
#include "platformctl/doctor.h"
#include "platformctl/exit_code.h"
#include "platformctl/http.h"
#include "platformctl/process.h"

namespace platformctl {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

void RunDoctorCommand(Invocation& inv) {
  const GlobalOptions& g = inv.global;
  const OutputFormat format =
      RequireFormat(g, {OutputFormat::kText, OutputFormat::kJson, OutputFormat::kYaml});
  std::vector<DoctorCheck> head;
  std::string error;
  const auto root = FindRepoRoot(g.repo, error);
  // -C DIR that is no platform repo is bad input; no repo above cwd is a finding.
  if (!root && !g.repo.empty()) throw CommandError(kExitUsage, error);
  std::optional<Config> config;
  if (!root) {
    head.push_back({"repo", DoctorStatus::kWarn,
                    "no platform repo found (no config.env here or in a parent directory); "
                    "only the machine checks ran",
                    "cd into the platform repo or pass -C DIR"});
  } else {
    head.push_back({"repo", DoctorStatus::kPass, "platform repo " + *root, ""});
    try {
      config.emplace(LoadForCommand(g, ValidateMode::kLenient, "missing-required"));
      head.push_back({"config", DoctorStatus::kPass,
                      "config loads" + (config->ProfilePath().empty()
                                            ? std::string(" (no profile)")
                                            : " with profile " + config->ProfilePath()),
                      ""});
    } catch (const CommandError& e) {
      head.push_back({"config", DoctorStatus::kFail, e.what(),
                      "platformctl config validate names each error with its file and line"});
    }
  }
  auto runner = MakePosixProcessRunner();
  auto http = MakeCurlHttpClient();
  DoctorOptions options;
  options.repo_root = root ? *root : "";
  options.config = config ? &*config : nullptr;
  options.kubeconfig = g.kubeconfig;
  options.context = g.context;
  options.kubeconfig_env = Env("KUBECONFIG");
  options.home = Env("HOME");
  options.runner = runner.get();
  options.http = http.get();
  std::vector<DoctorCheck> checks = RunDoctor(options);
  checks.insert(checks.begin(), head.begin(), head.end());
  if (format == OutputFormat::kJson) {
    std::cout << RenderDoctorJson(checks);
  } else if (format == OutputFormat::kYaml) {
    std::cout << ToYaml(nlohmann::ordered_json::parse(RenderDoctorJson(checks)));
  } else {
    std::cout << RenderDoctorText(checks);
  }
  std::cout << std::flush;
  inv.exit_code = DoctorExitCode(checks);
}

}  // namespace

void SetupDoctorCommand(CLI::App& sub, Invocation& inv) {
  Describe(sub,
           "  platformctl doctor\n"
           "  platformctl doctor --context homelab -o json\n"
           "  platformctl -C ~/platform doctor --profile overlay-staging\n"
           "exit: 0 no check failed (warnings allowed), 1 a check failed, 2 usage error\n");
  sub.callback([&inv] { RunDoctorCommand(inv); });
}

}  // namespace platformctl
