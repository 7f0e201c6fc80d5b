#pragma once
/// The executor: runs a Plan's preflight and steps in order through one
/// ProcessRunner, leaving a run trail (artifacts/runs/<UTC>-<mode>/: run.log,
/// one log per step, journal.json), under the run lock, behind the identity
/// guard. It stops at the first failure unless the op tolerates it.

#include <iosfwd>
#include <string>
#include <vector>

#include "platformctl/config.h"
#include "platformctl/host.h"
#include "platformctl/plan.h"
#include "platformctl/process.h"

namespace platformctl {

struct RunOptions {
  std::string repo_root;         ///< absolute; replaces "{repo}/" in arguments
  std::string kubeconfig;        ///< --kubeconfig for the executor's own kubectl calls
  std::string context;           ///< --context for the executor's own kubectl calls
  bool yes = false;              ///< delete: no confirmation prompt
  bool recover_pending = false;  ///< roll back / uninstall pending releases first
  bool resume = false;           ///< continue after the last successful step of the latest run
  bool interactive = false;      ///< stdin and stderr are a terminal (prompts, overprinted status)
  bool quiet = false;
  std::string command_line;  ///< for the lock file and the journal
  HostFacts host;            ///< the machine, for host steps (root, sudo, chown)
};

/// Runs the plan; returns the exit code (0, 1 step failed, 2 usage, 3 guard,
/// 130 interrupted). Status lines and the end-of-run table go to `status`.
int ExecutePlan(const Config& config, const Plan& plan, ProcessRunner& runner,
                const RunOptions& options, std::ostream& status);

/// Writes `text` to `path` through a temporary file and a rename, with
/// permissions `mode` from the start (secrets-safe); creates parent dirs.
bool WriteFileAtomic(const std::string& path, const std::string& text, unsigned mode);

/// SHA-256 over the mode, the profile and every non-secret value: a run can be
/// resumed only with the same fingerprint.
std::string ConfigFingerprint(const Config& config, PlanMode mode);

}  // namespace platformctl
