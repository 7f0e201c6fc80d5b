#pragma once
/// `platformctl doctor`: checks of the machine a user runs platformctl on
/// (tools and their versions, kubeconfig and context, API reachability,
/// DNS of the configured hosts, free disk for the run trail, clock skew
/// against the API server). Each check is a line with a status and, unless
/// it passed, a fix. docs/manual.md "platformctl doctor" has the table.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace platformctl {

class Config;
class HttpClient;
class ProcessRunner;

enum class DoctorStatus { kPass, kWarn, kFail, kSkip };
std::string_view DoctorStatusName(DoctorStatus status);

struct DoctorCheck {
  std::string id;  ///< "tool/helm", "kube/context", "dns/<host>", ...
  DoctorStatus status = DoctorStatus::kPass;
  std::string message;
  std::string fix;  ///< non-empty for every warn and fail
};

/// A dotted version: major.minor.patch (a missing part reads as 0).
struct ToolVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  // clang-tidy 14 reports modernize-use-nullptr inside a defaulted <=> (a false positive).
  friend auto operator<=>(const ToolVersion&, const ToolVersion&) = default;  // NOLINT
};
/// The first "N.N[.N]" in `text`, optionally after a 'v' ("v3.17.2+gcc0bbbd",
/// "helmfile version 0.169.1", "Client Version: v1.32.4-dispatcher").
std::optional<ToolVersion> ParseToolVersion(std::string_view text);
std::string ToString(const ToolVersion& v);

/// An RFC 7231 IMF-fixdate ("Tue, 01 Dec 2026 16:30:00 GMT") as UTC seconds.
std::optional<std::time_t> ParseHttpDate(std::string_view text);

/// Judges of the measured values (pure; thresholds in the manual).
DoctorCheck JudgeClockSkew(double skew_s);  ///< warn > 30 s, fail > 5 min
DoctorCheck JudgeFreeDisk(std::uint64_t free_bytes,
                          const std::string& path);  ///< warn < 500 MiB, fail < 50 MiB

struct DoctorOptions {
  std::string repo_root;           ///< "" when no platform repo was found
  const Config* config = nullptr;  ///< null when no repo or the config did not load
  std::string kubeconfig;          ///< --kubeconfig
  std::string context;             ///< --context
  std::string kubeconfig_env;      ///< $KUBECONFIG
  std::string home;                ///< $HOME
  int tool_timeout_ms = 5000;      ///< each tool's version query
  int api_timeout_s = 5;           ///< kubectl --request-timeout and the Date request
  int dns_budget_ms = 3000;        ///< all host lookups together
  ProcessRunner* runner = nullptr;
  HttpClient* http = nullptr;
};

/// Runs every check; never throws for what it finds (a missing tool is a line).
std::vector<DoctorCheck> RunDoctor(const DoctorOptions& options);

std::string RenderDoctorText(const std::vector<DoctorCheck>& checks);
std::string RenderDoctorJson(const std::vector<DoctorCheck>& checks);
/// 1 when any check failed, else 0.
int DoctorExitCode(const std::vector<DoctorCheck>& checks);

}  // namespace platformctl
