#pragma once
/// Verification: a check registry (one data table, docs/manual.md "Checks")
/// judged in-process over batched queries. `platformctl verify`, `verify
/// --deep`, `diagnostics` and the plan's verify phase all run through it.
///
/// Each query family (one kubectl get of several kinds, helm list, helmfile
/// diff, ...) runs at most once per Verifier, and every check that reads it
/// shares the answer; `verify` starts the families it needs at the same time. A check that finds
/// nothing to judge fails (or is skipped, saying why): absent is not zero matches.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platformctl/diagnostics.h"
#include "platformctl/plan.h"
#include "platformctl/process.h"

namespace platformctl {

class Config;
struct Component;
class HttpsProber;

enum class CheckTier { kCore, kDeep };
enum class CheckStatus { kPass, kFail, kSkip };
std::string_view TierName(CheckTier tier);
std::string_view StatusName(CheckStatus status);

/// One row of the registry. Rows whose id starts with "{component}/" are
/// generic: they expand to one check per enabled component that has what the
/// row reads (releases, workloads, ingresses).
struct CheckRow {
  std::string_view id;  ///< "<component>/<what>"
  CheckTier tier;
  std::string_view group;   ///< the plan step running it: platform-state, drift, ...
  std::string_view family;  ///< query family it reads ("" = offline)
  std::string_view seed;    ///< the seed checks it replaces ("91 #7-9", "W27")
  std::string_view summary;
};
std::span<const CheckRow> CheckRegistry();

/// A registry row expanded for one config.
struct PlannedCheck {
  std::string id;
  const CheckRow* row = nullptr;
  const Component* component = nullptr;  ///< generic rows only
};

/// The checks of the config in registry order; deep rows only with `deep`.
std::vector<PlannedCheck> ChecksFor(const Config& config, bool deep);

/// --only: check ids, components ("issuers"), groups ("drift") or globs
/// ("minio/*"), comma-separated, over every tier. Unknown tokens are errors
/// (with did-you-mean); nullopt then.
std::optional<std::vector<PlannedCheck>> SelectChecks(const Config& config, const std::string& only,
                                                      bool deep, Diagnostics& diags);

struct CheckResult {
  std::string id;
  CheckTier tier = CheckTier::kCore;
  CheckStatus status = CheckStatus::kSkip;
  std::string message;
  std::string remediation;  ///< what to run to fix it ("" when passing)
  double seconds = 0;
};

/// Where a Verifier gets processes, HTTPS and files from.
struct VerifyEnv {
  /// Runs one command (queries; diagnostics' describe and logs) and returns
  /// its result; the caller logs, redacts and passes secrets as env.
  std::function<ProcessResult(const CommandOp&)> run;
  HttpsProber* prober = nullptr;  ///< deep HTTPS smoke (nullptr: those checks fail)
  std::string repo_root;          ///< infra/verify/drift-ignore.yaml, the helmfile
  /// kubectl with the global flags, for the diagnostics' per-pod commands.
  std::vector<std::string> kubectl{"kubectl"};
  std::string diagnostics_dir;       ///< where cluster/diagnostics writes its bundle
  std::int64_t now = 0;              ///< unix seconds; 0 = the clock
  std::vector<std::string> secrets;  ///< values never shown (redacted in messages and the bundle)
  /// Run the query families a set of checks needs at the same time (one
  /// thread each); `run` must then be thread-safe.
  bool parallel = false;
};

class Verifier {
 public:
  Verifier(const Config& config, VerifyEnv env, std::vector<VerifyQuery> queries);
  ~Verifier();
  Verifier(const Verifier&) = delete;
  Verifier& operator=(const Verifier&) = delete;

  CheckResult Run(const PlannedCheck& check);
  /// Starts every query family `checks` read (at once with VerifyEnv::parallel).
  void Prefetch(const std::vector<PlannedCheck>& checks);
  std::vector<CheckResult> Run(const std::vector<PlannedCheck>& checks);
  /// Processes started so far.
  [[nodiscard]] int processes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- judges (pure, over the JSON the API returns) ---------------------------

/// "" when a Deployment, DaemonSet or StatefulSet is ready by the kstatus
/// rules (observedGeneration included); else why not.
std::string WorkloadNotReady(const nlohmann::json& object);
/// "" when a custom resource is Ready by the strict flux rule (condition
/// Ready=True for the current generation); else why not.
std::string ConditionNotReady(const nlohmann::json& object);

/// A changed object in `helmfile diff` output.
struct DriftItem {
  std::string release;  ///< from the "Comparing release=..." line ("" if none)
  std::string ns, name, kind;
  std::string change;  ///< changed | added | removed | ownership | suppressed
};
struct DriftReport {
  std::vector<DriftItem> items;
  bool parsed = true;  ///< false: content that is neither a header nor boilerplate nor diff lines
  std::string error;
};
/// Parses helm-diff resource headers ("NS, NAME, KIND (VERSION) has changed:").
DriftReport ParseHelmfileDiff(std::string_view output);

struct DriftIgnoreRule {
  std::string ns, name, kind, change, reason;
};
/// Reads infra/verify/drift-ignore.yaml; errors go to `diags` with FILE:LINE.
std::vector<DriftIgnoreRule> LoadDriftIgnoreRules(const std::string& path, Diagnostics& diags);

// ---- reports ----------------------------------------------------------------

/// Text table: mark, id, message, remediation; then "N passed, N failed, N skipped".
std::string RenderVerifyText(const std::vector<CheckResult>& results);
/// {"schemaVersion":1,"ok":bool,"checks":[{"id","tier","status","message","remediation"}]}
std::string RenderVerifyJson(const std::vector<CheckResult>& results);
/// JUnit XML (pugixml): one testsuite per tier, one testcase per check.
std::string RenderVerifyJunit(const std::vector<CheckResult>& results);

/// Reads a query's stdout file (ProcessSpec::stdout_file), redacts every
/// secret (also as JSON and Go's JSON escape it) in the file and the
/// returned text; "" when the file is missing.
std::string TakeAnswer(const std::string& path, const std::vector<std::string>& secrets);

/// Exit code of a verify run: 0 when nothing failed, else 1.
int VerifyExitCode(const std::vector<CheckResult>& results);

}  // namespace platformctl
