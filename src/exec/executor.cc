// The executor: preflight, then the steps, through one ProcessRunner, with a
// run trail, the run lock, the identity guard and resume. Every op of the
// plan's variant has an Execute overload here (the compiler checks that each
// can be run, as plan_output.cc checks that each can be printed).
#include "platformctl/executor.h"

#include <fcntl.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "platformctl/child_env.h"
#include "platformctl/crypto.h"
#include "platformctl/exit_code.h"
#include "platformctl/host.h"
#include "platformctl/http.h"
#include "platformctl/https_probe.h"
#include "platformctl/output.h"
#include "platformctl/overloaded.h"
#include "platformctl/registry.h"
#include "platformctl/schema.h"
#include "platformctl/verify.h"

namespace fs = std::filesystem;

namespace platformctl {
namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

// An object's metadata, or an empty object (never a throw on odd output).
const Json& Md(const Json& item) {
  static const Json kEmpty = Json::object();
  if (!item.is_object()) return kEmpty;
  auto it = item.find("metadata");
  return it != item.end() && it->is_object() ? *it : kEmpty;
}

std::string UtcNow(const char* format = "%Y-%m-%dT%H:%M:%SZ") {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string HostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1fs", s);
  return buf;
}

// ---- the run lock -----------------------------------------------------------

class RunLock {
 public:
  RunLock() = default;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock() { Release(); }

  /// "" on success, else why not (the holder); `warning` is set when a stale
  /// lock was taken over.
  std::string Acquire(const fs::path& path, const std::string& command, std::string& warning) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    Json me = {{"pid", static_cast<long>(::getpid())},
               {"host", HostName()},
               {"started", UtcNow()},
               {"command", command}};
    for (int attempt = 0; attempt < 2; ++attempt) {
      int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (fd >= 0) {
        const std::string text = me.dump() + "\n";
        bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
        ::close(fd);
        if (!ok) return "cannot write the run lock " + path.string();
        path_ = path;
        return {};
      }
      if (errno != EEXIST)
        return "cannot create the run lock " + path.string() + ": " + std::strerror(errno);
      std::ifstream in(path);
      std::stringstream ss;
      ss << in.rdbuf();
      Json holder = Json::parse(ss.str(), nullptr, false);
      const long pid = holder.is_object() ? holder.value("pid", 0L) : 0L;
      const std::string host = holder.is_object() ? holder.value("host", "") : "";
      const bool gone = host == HostName() && pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 &&
                        errno == ESRCH;
      if (!gone) {
        return "another run holds the lock " + path.string() + ": pid " + std::to_string(pid) +
               " on " + (host.empty() ? "?" : host) + ", started " +
               (holder.is_object() ? holder.value("started", "?") : "?") + " (" +
               (holder.is_object() ? holder.value("command", "?") : "?") +
               "); wait for it, or remove the file if that run is gone";
      }
      warning =
          "took over a stale run lock (pid " + std::to_string(pid) + " on " + host + " is gone)";
      fs::remove(path, ec);
    }
    return "cannot take the run lock " + path.string();
  }
  void Release() {
    if (path_.empty()) return;
    std::error_code ec;
    fs::remove(path_, ec);
    path_.clear();
  }

 private:
  fs::path path_;
};

// ---- the journal ------------------------------------------------------------

struct StepRecord {
  std::string id;
  std::string status = "pending";  // pending running succeeded failed skipped interrupted
  std::string start;
  std::string end;
  int exit_code = 0;
  std::string log;
  std::string message;
};

// ---- the executor -----------------------------------------------------------

class StepFailed : public std::runtime_error {
 public:
  explicit StepFailed(const std::string& what, int exit_code = kExitFailed)
      : std::runtime_error(what), code_(exit_code) {}
  [[nodiscard]] int Code() const { return code_; }

 private:
  int code_;
};

class Executor {
 public:
  Executor(const Config& config, const Plan& plan, ProcessRunner& runner, const RunOptions& options,
           std::ostream& status)
      : config_(config), plan_(plan), runner_(runner), options_(options), status_(status) {
    for (const auto* e : config_.Entries()) {
      if (e->Secret() && e->value.size() >= kMinRedactLength) secrets_.push_back(e->value);
    }
    drop_env_ = SecretEnvNames();
  }

  int Run() {
    const std::string mode = PlanName(plan_);
    RequireRootForHostSteps();
    const fs::path artifacts = fs::path(options_.repo_root) / "artifacts";
    // Resume: the latest run of this mode, same fingerprint and context.
    fingerprint_ = ConfigFingerprint(config_, plan_.mode);
    std::set<std::string> done_before;
    std::string resumed_from;
    if (options_.resume) resumed_from = FindResumable(artifacts, mode, done_before);

    run_dir_ = artifacts / "runs" / (UtcNow("%Y%m%dT%H%M%SZ") + "-" + mode);
    for (int n = 2; fs::exists(run_dir_); ++n) {
      run_dir_ =
          artifacts / "runs" / (UtcNow("%Y%m%dT%H%M%SZ") + "-" + mode + "-" + std::to_string(n));
    }
    std::error_code ec;
    fs::create_directories(run_dir_ / "steps", ec);
    if (ec)
      throw CommandError(kExitFailed, "cannot create " + run_dir_.string() + ": " + ec.message());
    auto sink =
        std::make_shared<spdlog::sinks::basic_file_sink_mt>((run_dir_ / "run.log").string());
    log_ = std::make_shared<spdlog::logger>("run", sink);
    log_->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    log_->flush_on(spdlog::level::info);
    log_->info("platformctl {} {}: {}", PLATFORMCTL_VERSION, mode, options_.command_line);
    log_->info("config fingerprint {}", fingerprint_);
    if (!resumed_from.empty()) log_->info("resuming after {}", resumed_from);

    records_.clear();
    for (const auto& s : plan_.steps)
      records_.push_back(StepRecord{s.id, "pending", {}, {}, 0, {}, {}});
    started_ = UtcNow();
    run_status_ = "running";
    Line("run trail: " + Rel(run_dir_));

    int code = kExitOk;
    try {
      // Host steps at the start (apply --with-host) run before a cluster
      // exists: the cluster part of the preflight runs before the first
      // cluster step.
      const bool host_first = !plan_.steps.empty() && plan_.steps.front().phase == "host";
      Preflight(host_first ? PreflightPart::kLocal : PreflightPart::kAll);
      const size_t n = plan_.steps.size();
      bool cluster_checked = !host_first;
      for (size_t i = 0; i < n; ++i) {
        const PlanStep& s = plan_.steps[i];
        if (s.phase != "host" && !cluster_checked) {
          Preflight(PreflightPart::kCluster);
          cluster_checked = true;
        }
        StepRecord& r = records_[i];
        if (done_before.contains(s.id)) {
          r.status = "skipped";
          r.message = "done in " + resumed_from;
          Line("[" + std::to_string(i + 1) + "/" + std::to_string(n) + "] " + s.id +
               "  skipped (done in " + resumed_from + ")");
          continue;
        }
        RunStep(i, s, r);
      }
      run_status_ = "succeeded";
    } catch (const StepFailed& e) {
      code = e.Code();
      run_status_ = code == kExitInterrupted ? "interrupted"
                    : code == kExitRefused   ? "refused"
                                             : "failed";
      Err(e.what());
    } catch (const std::exception& e) {
      // Unexpected tool output and the like: the run still ends with its trail.
      code = kExitFailed;
      run_status_ = "failed";
      for (auto& r : records_) {
        if (r.status == "running") {
          r.status = "failed";
          r.end = UtcNow();
          r.message = Redact(e.what(), secrets_);
        }
      }
      Err(std::string("internal error: ") + e.what());
    }
    if (Interrupted() && code == kExitOk) code = kExitInterrupted;
    ended_ = UtcNow();
    WriteJournal();
    lock_.Release();
    GiveTrailBackToSudoUser(artifacts);
    Summary(code);
    return code;
  }

 private:
  // ---- plumbing -------------------------------------------------------------

  std::string Rel(const fs::path& p) const {
    auto rel = p.lexically_relative(options_.repo_root);
    return rel.empty() || *rel.begin() == ".." ? p.string() : rel.string();
  }
  void Line(const std::string& text) {
    if (!options_.quiet) status_ << text << "\n" << std::flush;
  }
  void Err(const std::string& text) {
    status_ << "platformctl: " << Redact(text, secrets_) << "\n" << std::flush;
  }
  std::string ResolveArg(const std::string& a) const {
    if (a.starts_with("{repo}/")) return (fs::path(options_.repo_root) / a.substr(7)).string();
    return a;
  }
  std::vector<std::string> Kubectl(std::vector<std::string> args) const {
    std::vector<std::string> argv{"kubectl"};
    if (!options_.kubeconfig.empty()) {
      argv.push_back("--kubeconfig");
      argv.push_back(options_.kubeconfig);
    }
    if (!options_.context.empty()) {
      argv.push_back("--context");
      argv.push_back(options_.context);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  std::vector<std::string> Helm(std::vector<std::string> args) const {
    std::vector<std::string> argv{"helm"};
    if (!options_.kubeconfig.empty())
      argv.insert(argv.end(), {"--kubeconfig", options_.kubeconfig});
    if (!options_.context.empty()) argv.insert(argv.end(), {"--kube-context", options_.context});
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  /// Spawns one process; its output goes to the current step log.
  ProcessResult Spawn(const std::vector<std::string>& argv,
                      const std::vector<std::pair<std::string, std::string>>& env, int timeout_s,
                      const std::string& stdout_file = {}) {
    ProcessSpec spec;
    spec.stdout_file = stdout_file;
    for (const auto& a : argv) spec.argv.push_back(ResolveArg(a));
    spec.env = env;
    spec.drop_env = drop_env_;
    spec.drop_env.insert(spec.drop_env.end(), extra_drop_env_.begin(), extra_drop_env_.end());
    spec.redact = secrets_;
    spec.cwd = options_.repo_root;
    spec.timeout_ms = timeout_s > 0 ? timeout_s * 1000 : 0;
    const std::string shown = RedactedArgv(spec.argv, secrets_);
    cached_key_.clear();  // any process may change what a cached query saw
    Log("$ " + shown);
    ++processes_;
    ProcessResult r = runner_.Run(spec, [this](std::string_view chunk) {
      if (step_log_) step_log_->write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    });
    if (step_log_) step_log_->flush();
    Log("  -> " + r.Describe() + " in " + Seconds(r.duration_s));
    if (r.interrupted)
      throw StepFailed(
          "interrupted by " + SignalName(r.interrupt_signal) + " while running: " + shown,
          kExitInterrupted);
    return r;
  }
  /// Spawns and requires exit 0; `what` names the purpose in the error.
  ProcessResult MustRun(const std::vector<std::string>& argv, int timeout_s,
                        const std::string& what) {
    ProcessResult r = Spawn(argv, {}, timeout_s);
    if (!r.Ok()) Fail(what, argv, r);
    return r;
  }
  [[noreturn]] void Fail(const std::string& what, const std::vector<std::string>& argv,
                         const ProcessResult& r) {
    std::string tail = r.output;
    if (tail.size() > 2000) tail = "..." + tail.substr(tail.size() - 2000);
    while (!tail.empty() && tail.back() == '\n') tail.pop_back();
    std::string msg = what + " failed: " + RedactedArgv(argv, secrets_) + ": " + r.Describe();
    if (!tail.empty()) msg += "\n--- output (tail) ---\n" + tail + "\n---";
    if (!step_log_path_.empty()) msg += "\nstep log: " + Rel(step_log_path_);
    throw StepFailed(msg);
  }
  void Log(const std::string& text) {
    if (log_) log_->info("{}", Redact(text, secrets_));
    if (step_log_) {
      *step_log_ << Redact(text, secrets_) << "\n";
      step_log_->flush();
    }
  }

  // ---- preflight --------------------------------------------------------------

  static bool LocalPreflightOp(const PlanOp& op) {
    return std::holds_alternative<ValidateOp>(op) || std::holds_alternative<LockOp>(op);
  }
  enum class PreflightPart { kAll, kLocal, kCluster };
  // kLocal: validation and the run lock (before host steps); kCluster: the
  // rest (identity guard, state values, release scan, install record).
  void Preflight(PreflightPart part) {
    auto selected = [part](const PlanOp& op) {
      return part == PreflightPart::kAll || LocalPreflightOp(op) == (part == PreflightPart::kLocal);
    };
    const auto count = std::count_if(plan_.preflight.begin(), plan_.preflight.end(), selected);
    if (count == 0) return;
    step_log_path_ =
        run_dir_ / "steps" /
        (part == PreflightPart::kCluster ? "00-preflight-cluster.log" : "00-preflight.log");
    step_log_ = std::make_unique<std::ofstream>(step_log_path_);
    Line(std::string(part == PreflightPart::kCluster ? "cluster preflight: " : "preflight: ") +
         std::to_string(count) + " checks");
    for (const auto& op : plan_.preflight) {
      if (selected(op)) Dispatch(op, preflight_outputs_);
    }
    if (part == PreflightPart::kLocal) {
      step_log_.reset();
      return;
    }
    if (!preflight_outputs_.empty()) NoteReleases(preflight_outputs_.back());
    step_log_.reset();
    if (!pending_.empty()) {
      throw StepFailed(
          "Helm releases are locked by an unfinished operation: " + List(pending_) +
          ". Roll a pending-upgrade/-rollback back to its last deployed revision (helm -n NS "
          "rollback NAME REVISION --wait), uninstall a pending-install (helm -n NS uninstall "
          "NAME), then run again; or run apply --recover-pending to do just that");
    }
    if (!failed_releases_.empty()) {
      std::vector<std::string> f(failed_releases_.begin(), failed_releases_.end());
      Line("failed releases (synced instead of applied): " + List(f));
    }
  }

  // ---- steps ------------------------------------------------------------------

  void RunStep(size_t index, const PlanStep& s, StepRecord& r) {
    const std::string counter =
        "[" + std::to_string(index + 1) + "/" + std::to_string(plan_.steps.size()) + "] ";
    char num[8];
    std::snprintf(num, sizeof num, "%02zu", index + 1);
    std::string name = s.id;
    std::replace(name.begin(), name.end(), '/', '-');
    step_log_path_ = run_dir_ / "steps" / (std::string(num) + "-" + name + ".log");
    step_log_ = std::make_unique<std::ofstream>(step_log_path_);
    r.log = Rel(step_log_path_);
    r.status = "running";
    r.start = UtcNow();
    WriteJournal();
    if (options_.interactive && !options_.quiet) {
      status_ << counter << s.id << "  " << s.title << " ..." << std::flush;
    }
    log_->info("step {} ({})", s.id, s.title);
    const auto t0 = Clock::now();
    std::vector<std::string> outputs;
    try {
      for (const auto& op : s.ops) Dispatch(op, outputs);
    } catch (const StepFailed& e) {
      r.status = e.Code() == kExitInterrupted ? "interrupted" : "failed";
      r.end = UtcNow();
      r.exit_code = e.Code();
      r.message = Redact(e.what(), secrets_);
      const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
      durations_[s.id] = secs;
      if (options_.interactive && !options_.quiet) status_ << "\r\033[K";
      Line(counter + s.id + "  " + r.status + "  " + Seconds(secs));
      step_log_.reset();
      WriteJournal();
      throw;
    }
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    durations_[s.id] = secs;
    r.status = "succeeded";
    r.end = UtcNow();
    if (options_.interactive && !options_.quiet) status_ << "\r\033[K";
    Line(counter + s.id + "  ok  " + Seconds(secs));
    step_log_.reset();
    WriteJournal();
  }

  // One Execute per op type; `outputs` collects the step's command outputs
  // for the checks that judge them.
  void Dispatch(const PlanOp& op, std::vector<std::string>& outputs) {
    std::visit(Overloaded{[&](const CommandOp& o) { Execute(o, outputs); },
                          [&](const AdoptOp& o) { Execute(o); },
                          [&](const WaitConditionOp& o) { Execute(o); },
                          [&](const WaitWebhookCaOp& o) { Execute(o); },
                          [&](const WaitGoneOp& o) { Execute(o); },
                          [&](const ClearFinalizersOp& o) { Execute(o); },
                          [&](const DeleteCrdsOp& o) { Execute(o); },
                          [&](const DeleteIfManagedOp& o) { Execute(o); },
                          [&](const HelmReposOp& o) { Execute(o); },
                          [&](const DeleteCustomObjectOp& o) { Execute(o); },
                          [&](const InstallRecordOp& o) { Execute(o); },
                          [&](const UninstallRecordedOp& o) { Execute(o); },
                          [&](const ValidateOp&) { Log("config validated (strict)"); },
                          [&](const WriteStateValuesOp& o) { Execute(o); },
                          [&](const LockOp& o) { Execute(o); },
                          [&](const IdentityGuardOp& o) { Execute(o); },
                          [&](const CheckOp& o) { Execute(o, outputs); },
                          [&](const VerifyOp& o) { Execute(o); },
                          [&](const PackagesOp& o) { Execute(o); },
                          [&](const RequireCommandsOp& o) { Execute(o); },
                          [&](const K3sInstallOp& o) { Execute(o); },
                          [&](const MergeKubeconfigOp& o) { Execute(o); },
                          [&](const SystemdUnitsOp& o) { Execute(o); },
                          [&](const RemoveSystemdUnitsOp& o) { Execute(o); },
                          [&](const K3sUninstallOp& o) { Execute(o); },
                          [&](const WriteFileOp& o) { Execute(o); }},
               op);
  }

  void Execute(const CommandOp& o, std::vector<std::string>& outputs) {
    std::vector<std::pair<std::string, std::string>> env;
    for (const auto& b : o.env) {
      env.emplace_back(b.name, b.secret ? config_.Get(b.key.empty() ? b.name : b.key) : b.literal);
    }
    std::vector<std::string> argv = o.argv;
    // helmfile apply skips a release whose failed upgrade left the same
    // manifest (helmfile#1411): sync the components the preflight found failed.
    if (IsHelmfileApply(argv) && SelectsFailedRelease(argv)) {
      auto it = std::find(argv.begin(), argv.end(), "apply");
      *it = "sync";
      argv.erase(std::remove(argv.begin(), argv.end(), "--skip-diff-on-install"), argv.end());
      Log("a release of this component is failed: helmfile sync instead of apply");
    }
    if (o.needs_root && Sudo()) {
      argv = RootArgv(argv, env);
      env.clear();
    }
    ProcessResult r;
    for (int attempt = 1; attempt <= std::max(1, o.attempts); ++attempt) {
      r = Spawn(argv, env, o.timeout_s);
      const bool ok_code = !r.spawn_failed && !r.timed_out && r.signal == 0 &&
                           std::find(o.ok_exit_codes.begin(), o.ok_exit_codes.end(), r.exit_code) !=
                               o.ok_exit_codes.end();
      if (ok_code) {
        outputs.push_back(r.output);
        return;
      }
      if (attempt < o.attempts) {
        Log("attempt " + std::to_string(attempt) + " of " + std::to_string(o.attempts) +
            " failed; retrying in 2s");
        std::this_thread::sleep_for(std::chrono::seconds(2));
      }
    }
    if (o.tolerate_failure) {
      Log("tolerated failure: " + r.Describe());
      outputs.push_back(r.output);
      return;
    }
    Fail("command", argv, r);
  }

  static bool IsHelmfileApply(const std::vector<std::string>& argv) {
    return !argv.empty() && argv[0] == "helmfile" &&
           std::find(argv.begin(), argv.end(), "apply") != argv.end();
  }
  bool SelectsFailedRelease(const std::vector<std::string>& argv) const {
    auto it = std::find(argv.begin(), argv.end(), "--selector");
    if (it == argv.end() || it + 1 == argv.end()) return false;
    const std::string selector = *(it + 1);
    for (const auto& c : Components()) {
      if ("component=" + std::string(c.selector) != selector && std::string(c.selector) != selector)
        continue;
      for (const auto& rel : c.releases) {
        if (failed_releases_.contains(ResolveReleaseNamespace(rel, config_) + "/" +
                                      std::string(rel.name)))
          return true;
      }
    }
    return false;
  }

  // Objects of `kinds` named `names` (in `ns`) as a kubectl List, or
  // nullopt when a kind is unknown (its CRD is not installed yet).
  std::optional<Json> GetObjects(const std::string& kinds, const std::vector<std::string>& names,
                                 const std::string& ns) {
    std::vector<std::string> args{"get", kinds};
    args.insert(args.end(), names.begin(), names.end());
    if (!ns.empty()) args.insert(args.end(), {"--namespace", ns});
    args.insert(args.end(), {"--ignore-not-found", "--output=json"});
    // The same query twice in a row (a terminating check, then adoption)
    // costs one process; any other call in between forgets the answer.
    std::string key;
    for (const auto& a : args) key += a + '\0';
    if (key == cached_key_) return cached_;
    ProcessResult r = Spawn(Kubectl(args), {}, 30);
    cached_key_ = key;
    cached_ = std::nullopt;
    if (!r.Ok()) return std::nullopt;
    if (r.output.find_first_not_of(" \n") == std::string::npos) {
      cached_ = Json{{"items", Json::array()}};
      return cached_;
    }
    Json j = Json::parse(r.output, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    if (!j.contains("items")) j = Json{{"items", Json::array({j})}};
    cached_ = j;
    return j;
  }

  void Execute(const AdoptOp& o) {
    // hello-web: "deployment/service/ingress/certificate" = several kinds,
    // asked in one call; per kind when one of them is unknown (no CRD yet).
    std::vector<std::string> kinds;
    std::stringstream ks(o.kind);
    for (std::string k; std::getline(ks, k, '/');) kinds.push_back(k);
    std::string joined;
    for (const auto& k : kinds) joined += (joined.empty() ? "" : ",") + k;
    // Only what exists and is not yet owned by the release: a converged
    // cluster costs one query. (Judged list by list: a std::vector<Json>
    // here trips GCC 12's -O3 -Wnull-dereference inside nlohmann's destructor.)
    std::vector<std::string> to_label;
    std::vector<std::string> to_annotate;
    auto judge = [&](const Json& list) {
      for (const auto& item : list.value("items", Json::array())) {
        const Json& md = Md(item);
        const std::string ref = item.value("kind", "") + "/" + md.value("name", "");
        const auto labels = md.value("labels", Json::object());
        const auto ann = md.value("annotations", Json::object());
        if (labels.value("app.kubernetes.io/managed-by", "") != "Helm") to_label.push_back(ref);
        if (ann.value("meta.helm.sh/release-name", "") != o.release ||
            ann.value("meta.helm.sh/release-namespace", "") != o.release_ns) {
          to_annotate.push_back(ref);
        }
      }
    };
    if (auto all = GetObjects(joined, o.names, o.ns)) {
      judge(*all);
    } else if (kinds.size() > 1) {
      for (const auto& k : kinds) {
        if (auto one = GetObjects(k, o.names, o.ns)) judge(*one);
      }
    }
    if (to_label.empty() && to_annotate.empty()) {
      Log("adopt: nothing to adopt (absent, or already owned by " + o.release_ns + "/" + o.release +
          ")");
      return;
    }
    if (!to_label.empty()) {
      std::vector<std::string> label{"label"};
      label.insert(label.end(), to_label.begin(), to_label.end());
      if (!o.ns.empty()) label.insert(label.end(), {"--namespace", o.ns});
      label.insert(label.end(), {"app.kubernetes.io/managed-by=Helm", "--overwrite"});
      MustRun(Kubectl(label), 30, "adopt (label)");
    }
    if (!to_annotate.empty()) {
      std::vector<std::string> annotate{"annotate"};
      annotate.insert(annotate.end(), to_annotate.begin(), to_annotate.end());
      if (!o.ns.empty()) annotate.insert(annotate.end(), {"--namespace", o.ns});
      annotate.insert(annotate.end(),
                      {"meta.helm.sh/release-name=" + o.release,
                       "meta.helm.sh/release-namespace=" + o.release_ns, "--overwrite"});
      MustRun(Kubectl(annotate), 30, "adopt (annotate)");
    }
  }

  void Execute(const HelmReposOp& o) {
    ProcessResult list = Spawn({"helm", "repo", "list", "--output=json"}, {}, 30);
    std::map<std::string, std::string> have;
    // `helm repo list` exits 1 ("no repositories to show") on a fresh host.
    Json j = list.Ok() ? Json::parse(list.output, nullptr, false) : Json::array();
    for (const auto& r : j.is_array() ? j : Json::array()) {
      have[r.value("name", "")] = r.value("url", "");
    }
    auto norm = [](std::string u) {
      while (!u.empty() && u.back() == '/') u.pop_back();
      return u;
    };
    std::vector<std::string> names;
    for (const auto& [name, url] : o.repos) {
      names.push_back(name);
      auto it = have.find(name);
      if (it != have.end() && norm(it->second) == norm(url)) continue;
      CommandOp add;
      add.argv = {"helm", "repo", "add", name, url, "--force-update"};
      add.timeout_s = 60;
      add.attempts = o.attempts;
      std::vector<std::string> ignored;
      Execute(add, ignored);
    }
    std::vector<std::string> update{"helm", "repo", "update"};
    update.insert(update.end(), names.begin(), names.end());
    MustRun(update, 120, "helm repo update");
  }

  void Execute(const WaitConditionOp& o) {
    std::vector<std::string> args{"wait", "--for=condition=" + o.condition};
    args.insert(args.end(), o.objects.begin(), o.objects.end());
    if (!o.ns.empty()) args.insert(args.end(), {"--namespace", o.ns});
    args.push_back("--timeout=" + std::to_string(o.timeout_s) + "s");
    MustRun(Kubectl(args), o.timeout_s + 10, "wait for " + o.condition);
  }

  bool WebhooksHaveCa(const WaitWebhookCaOp& o) {
    ProcessResult r =
        Spawn(Kubectl({"get", "validatingwebhookconfiguration", o.webhook_config, "--output=json"}),
              {}, 30);
    if (!r.Ok()) return false;
    Json j = Json::parse(r.output, nullptr, false);
    if (!j.is_object() || !j.contains("webhooks") || j["webhooks"].empty()) return false;
    for (const auto& w : j["webhooks"]) {
      const auto& cc = w.value("clientConfig", Json::object());
      if (!cc.contains("caBundle") || !cc["caBundle"].is_string() ||
          cc["caBundle"].get<std::string>().empty())
        return false;
    }
    return true;
  }
  bool PollWebhooks(const WaitWebhookCaOp& o) {
    const auto deadline = Clock::now() + std::chrono::seconds(o.timeout_s);
    while (true) {
      if (WebhooksHaveCa(o)) return true;  // satisfied: one query on a healthy cluster
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  }
  void Execute(const WaitWebhookCaOp& o) {
    if (PollWebhooks(o)) return;
    Log("webhook caBundle still missing: restarting " + List(o.restart) + " once");
    std::vector<std::string> args{"--namespace", o.ns, "rollout", "restart"};
    for (const auto& d : o.restart) args.push_back("deployment/" + d);
    MustRun(Kubectl(args), 60, "restart of the cert-manager webhook and cainjector");
    if (!PollWebhooks(o)) {
      throw StepFailed("every webhook of " + o.webhook_config + " still lacks a caBundle after " +
                       std::to_string(2 * o.timeout_s) +
                       "s and one restart; check the cainjector logs: kubectl -n " + o.ns +
                       " logs deploy/cert-manager-cainjector");
    }
  }

  static std::string List(const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  // Objects still present: "kind/name" lines.
  std::vector<std::string> Present(const WaitGoneOp& o) {
    std::vector<std::string> args{"get"};
    args.insert(args.end(), o.objects.begin(), o.objects.end());
    if (!o.ns.empty()) args.insert(args.end(), {"--namespace", o.ns});
    if (!o.selector.empty()) args.insert(args.end(), {"--selector", o.selector});
    args.insert(args.end(), {"--ignore-not-found", "--output=name"});
    ProcessResult r = Spawn(Kubectl(args), {}, 30);
    std::vector<std::string> out;
    if (!r.Ok()) {
      // A kind that no longer exists (CRD gone) has nothing left.
      if (r.output.find("the server doesn't have a resource type") != std::string::npos) return out;
      Fail("query", args, r);
    }
    std::stringstream ss(r.output);
    for (std::string line; std::getline(ss, line);) {
      if (!line.empty()) out.push_back(line);
    }
    return out;
  }
  bool WaitDeleted(const std::vector<std::string>& objs, const std::string& ns, int timeout_s) {
    std::vector<std::string> args{"wait", "--for=delete"};
    args.insert(args.end(), objs.begin(), objs.end());
    if (!ns.empty()) args.insert(args.end(), {"--namespace", ns});
    args.push_back("--timeout=" + std::to_string(timeout_s) + "s");
    return Spawn(Kubectl(args), {}, timeout_s + 10).Ok();
  }
  void Execute(const WaitGoneOp& o) {
    if (o.only_if_terminating) {
      std::vector<std::string> terminating;
      for (const auto& obj : o.objects) {
        const auto slash = obj.find('/');
        auto list = GetObjects(obj.substr(0, slash), {obj.substr(slash + 1)}, o.ns);
        for (const auto& item : list ? list->value("items", Json::array()) : Json::array()) {
          if (Md(item).contains("deletionTimestamp")) terminating.push_back(obj);
        }
      }
      if (terminating.empty()) return;  // absent or live: nothing to wait for
      Log("terminating: " + List(terminating));
      if (!WaitDeleted(terminating, o.ns, o.timeout_s)) {
        throw StepFailed("still terminating after " + std::to_string(o.timeout_s) +
                         "s: " + List(terminating));
      }
      return;
    }
    auto present = Present(o);
    if (present.empty()) return;  // one query when nothing is left
    if (WaitDeleted(present, o.ns, o.timeout_s)) return;
    if (o.force_timeout_s <= 0) {
      throw StepFailed("still present after " + std::to_string(o.timeout_s) +
                       "s: " + List(Present(o)));
    }
    present = Present(o);
    if (present.empty()) return;
    std::vector<std::string> del{"delete"};
    del.insert(del.end(), present.begin(), present.end());
    if (!o.ns.empty()) del.insert(del.end(), {"--namespace", o.ns});
    del.insert(del.end(), {"--grace-period=0", "--force", "--ignore-not-found", "--wait=false"});
    MustRun(Kubectl(del), 60, "force delete");
    if (!WaitDeleted(present, o.ns, o.force_timeout_s)) {
      throw StepFailed("still present after a force delete: " + List(Present(o)));
    }
  }

  std::set<std::string> ExistingCrds() {
    ProcessResult r =
        MustRun(Kubectl({"get", "customresourcedefinitions", "--output=name"}), 30, "list CRDs");
    std::set<std::string> out;
    std::stringstream ss(r.output);
    for (std::string line; std::getline(ss, line);) {
      auto slash = line.find('/');
      if (slash != std::string::npos) out.insert(line.substr(slash + 1));
    }
    return out;
  }

  void Execute(const ClearFinalizersOp& o) {
    const auto crds = ExistingCrds();
    std::vector<std::string> kinds;
    for (const auto& k : o.kinds) {
      if (crds.contains(k)) kinds.push_back(k);
    }
    if (kinds.empty()) {
      Log("clear-finalizers: none of the CRDs exists (already clean)");
      return;
    }
    std::string joined;
    for (const auto& k : kinds) joined += (joined.empty() ? "" : ",") + k;
    ProcessResult r = MustRun(Kubectl({"get", joined, "--all-namespaces", "--output=json"}), 60,
                              "list objects with finalizers");
    Json j = Json::parse(r.output, nullptr, false);
    if (!j.is_object())
      throw StepFailed("kubectl get " + joined + " returned output that is not JSON");
    for (const auto& item : j.value("items", Json::array())) {
      const auto& md = item.value("metadata", Json::object());
      if (!md.contains("finalizers") || md["finalizers"].empty()) continue;
      const std::string kind = item.value("kind", "");
      const std::string api = item.value("apiVersion", "");
      const std::string group = api.substr(0, api.find('/'));
      const std::string resource = kind + "." + group;
      std::vector<std::string> patch{"patch", resource, md.value("name", "")};
      if (md.contains("namespace"))
        patch.insert(patch.end(), {"--namespace", md.value("namespace", "")});
      patch.insert(patch.end(), {"--type=merge", "--patch", R"({"metadata":{"finalizers":[]}})"});
      MustRun(Kubectl(patch), 30, "clear finalizers");
    }
    MustRun(Kubectl({"delete", joined, "--all", "--all-namespaces", "--ignore-not-found",
                     "--wait=false"}),
            60, "delete cert-manager objects");
  }

  void Execute(const DeleteCrdsOp& o) {
    std::vector<std::string> names;
    for (const auto& c : ExistingCrds()) {
      if (c.ends_with(o.suffix)) names.push_back("customresourcedefinition/" + c);
    }
    if (names.empty()) return;
    std::vector<std::string> del{"delete"};
    del.insert(del.end(), names.begin(), names.end());
    del.insert(del.end(), {"--ignore-not-found", "--wait=false"});
    MustRun(Kubectl(del), 60, "delete CRDs");
    if (!WaitDeleted(names, "", o.timeout_s))
      throw StepFailed("CRDs *" + o.suffix + " still present after " + std::to_string(o.timeout_s) +
                       "s");
  }

  // The releases recorded in configmap kube-system/platformctl-state.
  std::set<std::string> RecordedReleases() {
    std::set<std::string> out;
    auto list = GetObjects("configmap", {"platformctl-state"}, "kube-system");
    if (!list) throw StepFailed("cannot read configmap kube-system/platformctl-state");
    for (const auto& item : list->value("items", Json::array())) {
      const auto data = item.value("data", Json::object());
      Json releases = Json::parse(data.value("releases", "[]"), nullptr, false);
      for (const auto& r : releases.is_array() ? releases : Json::array()) {
        if (r.is_string()) out.insert(r.get<std::string>());
      }
    }
    return out;
  }

  // The owner the install record names ("" = platformctl's helmfile path).
  std::string RecordedOwner() {
    auto list = GetObjects("configmap", {"platformctl-state"}, "kube-system");
    if (!list) throw StepFailed("cannot read configmap kube-system/platformctl-state");
    for (const auto& item : list->value("items", Json::array())) {
      const auto data = item.value("data", Json::object());
      if (data.contains("owner") && data["owner"].is_string()) return data["owner"];
    }
    return {};
  }

  void Execute(const InstallRecordOp& o) {
    const std::string owner = o.owner.empty() ? RecordedOwner() : o.owner;
    std::set<std::string> releases = RecordedReleases();
    const size_t before = releases.size();
    releases.insert(o.releases.begin(), o.releases.end());
    if (releases.size() == before && before > 0 && (o.owner.empty() || owner == RecordedOwner())) {
      Log("install record already lists every release of this run");
      return;
    }
    Json manifest = {
        {"apiVersion", "v1"},
        {"kind", "ConfigMap"},
        {"metadata",
         {{"name", "platformctl-state"},
          {"namespace", "kube-system"},
          {"labels", {{"app.kubernetes.io/managed-by", "platformctl"}}}}},
        {"data",
         {{"releases", Json(std::vector<std::string>(releases.begin(), releases.end())).dump()},
          {"updated", UtcNow()},
          {"profile", plan_.profile}}}};
    if (!owner.empty()) manifest["data"]["owner"] = owner;
    const fs::path file = run_dir_ / "install-record.json";
    if (!WriteFileAtomic(file, manifest.dump(2) + "\n", 0644)) {
      throw StepFailed("cannot write " + file.string());
    }
    MustRun(Kubectl({"apply", "--filename", file.string()}), 60, "writing the install record");
  }

  void Execute(const UninstallRecordedOp& o) {
    const std::set<std::string> covered(o.covered.begin(), o.covered.end());
    for (const auto& rel : RecordedReleases()) {
      if (covered.contains(rel)) continue;
      const auto slash = rel.find('/');
      if (slash == std::string::npos) continue;
      Log("recorded by an earlier apply: " + rel);
      MustRun(Helm({"uninstall", rel.substr(slash + 1), "--namespace", rel.substr(0, slash),
                    "--ignore-not-found", "--wait",
                    "--timeout=" + std::to_string(std::max(30, o.timeout_s - 30)) + "s"}),
              o.timeout_s, "uninstall of recorded release " + rel);
    }
  }

  void Execute(const DeleteCustomObjectOp& o) {
    if (!ExistingCrds().contains(o.crd)) {
      Log("no CRD " + o.crd + ": nothing to delete");
      return;
    }
    MustRun(Kubectl({"delete", o.crd, o.name, "--namespace", o.ns, "--ignore-not-found"}), 60,
            "delete " + o.crd + " " + o.name);
  }

  void Execute(const DeleteIfManagedOp& o) {
    const auto eq = o.label.find('=');
    const std::string label_key = o.label.substr(0, eq);
    const std::string label_value = eq == std::string::npos ? "" : o.label.substr(eq + 1);
    for (const auto& obj : o.objects) {
      // "ns/kind/name"
      const auto a = obj.find('/');
      const auto b = obj.find('/', a + 1);
      const std::string ns = obj.substr(0, a);
      const std::string kind = obj.substr(a + 1, b - a - 1);
      const std::string name = obj.substr(b + 1);
      ProcessResult r = Spawn(
          Kubectl({"get", kind, name, "--namespace", ns, "--ignore-not-found", "--output=json"}),
          {}, 30);
      if (!r.Ok() || r.output.find_first_not_of(" \n") == std::string::npos) continue;
      Json j = Json::parse(r.output, nullptr, false);
      if (!j.is_object() || !j.contains("metadata") || !j["metadata"].is_object()) continue;
      const auto labels = j["metadata"].value("labels", Json::object());
      if (!labels.contains(label_key) || labels[label_key] != label_value) {
        Log("kept " + obj + " (not labelled " + o.label + ")");
        continue;
      }
      MustRun(
          Kubectl({"delete", kind, name, "--namespace", ns, "--ignore-not-found", "--wait=false"}),
          30, "delete " + obj);
    }
  }

  void Execute(const WriteStateValuesOp& o) {
    const fs::path path = ResolveArg(o.path);
    if (!WriteFileAtomic(path, ToYaml(StateValues(config_)), 0600)) {
      throw StepFailed("cannot write the state values to " + path.string());
    }
    Log("state values written to " + Rel(path) + " (mode 0600)");
  }

  void Execute(const LockOp& o) {
    std::string warning;
    const std::string why = lock_.Acquire(ResolveArg(o.path), options_.command_line, warning);
    if (!why.empty()) throw StepFailed(why, kExitRefused);
    if (!warning.empty()) {
      Err("warning: " + warning);
      Log(warning);
    }
  }

  void Execute(const IdentityGuardOp& o) {
    std::string current;
    if (!options_.context.empty()) {
      ProcessResult r =
          Spawn(Kubectl({"config", "get-contexts", options_.context, "--output=name"}), {}, 30);
      if (!r.Ok())
        throw StepFailed("context " + options_.context + " is not in the kubeconfig", kExitRefused);
      current = options_.context;
    } else {
      const auto argv = Kubectl({"config", "current-context"});
      ProcessResult r = Spawn(argv, {}, 30);
      if (!r.Ok()) {
        std::string why = r.output.substr(0, r.output.find('\n'));
        throw StepFailed("no kube context to run against (kubectl config current-context: " +
                             (why.empty() ? r.Describe() : why) +
                             "); nothing was changed. Pass --context NAME (and --kubeconfig FILE), "
                             "set KUBE_CONTEXT, or run 'kubectl config use-context NAME'",
                         kExitUsage);
      }
      current = r.output.substr(0, r.output.find('\n'));
    }
    context_ = current;
    if (!o.expected_context.empty() && current != o.expected_context) {
      throw StepFailed(
          "the kube context is " + current + ", but the config expects " + o.expected_context +
              " (KUBE_CONTEXT); nothing was changed. Switch with 'kubectl config use-context " +
              o.expected_context + "' or pass --context " + o.expected_context,
          kExitRefused);
    }
    if (!o.expected_uid.empty()) {
      ProcessResult r =
          MustRun(Kubectl({"get", "namespace", "kube-system", "--output=jsonpath={.metadata.uid}"}),
                  30, "reading the cluster identity");
      std::string uid = r.output;
      while (!uid.empty() && (uid.back() == '\n' || uid.back() == ' ')) uid.pop_back();
      if (uid != o.expected_uid) {
        throw StepFailed("this cluster's kube-system UID is " + uid + ", but CLUSTER_UID is " +
                             o.expected_uid + ": a different cluster; nothing was changed",
                         kExitRefused);
      }
    }
    if (!resume_context_.empty() && resume_context_ != current) {
      throw StepFailed("--resume: the run to resume used context " + resume_context_ +
                           ", this one " + current + "; refusing to continue on another cluster",
                       kExitRefused);
    }
    Log("kube context " + current);
    if (plan_.mode == PlanMode::kDelete && !options_.yes) ConfirmDelete(current);
  }

  void ConfirmDelete(const std::string& context) {
    if (!options_.interactive) {
      throw StepFailed(
          "delete needs confirmation: pass --yes (no terminal to ask on); nothing was changed",
          kExitRefused);
    }
    status_ << "This deletes the platform from context '" << context
            << "'. Type the context name to confirm: " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != context)
      throw StepFailed("delete not confirmed; nothing was changed", kExitRefused);
    confirmed_ = true;
  }

  // Checks judge the outputs of the step's commands.
  // ---- host steps ---------------------------------------------------------------

  // `sudo platformctl host apply` must not leave root-owned files in the
  // user's repo: what this run created under artifacts/ and still belongs to
  // root goes back to SUDO_UID:SUDO_GID (symlinks are not followed).
  void GiveTrailBackToSudoUser(const fs::path& artifacts) const {
    const char* uid_s = std::getenv("SUDO_UID");
    const char* gid_s = std::getenv("SUDO_GID");
    if (::geteuid() != 0 || uid_s == nullptr || gid_s == nullptr) return;
    const auto uid = static_cast<uid_t>(std::strtoul(uid_s, nullptr, 10));
    const auto gid = static_cast<gid_t>(std::strtoul(gid_s, nullptr, 10));
    if (uid == 0) return;
    auto give = [&](const fs::path& p) {
      struct stat st {};
      if (::lstat(p.c_str(), &st) == 0 && st.st_uid == 0) (void)::lchown(p.c_str(), uid, gid);
    };
    auto tree = [&](const fs::path& root) {
      std::error_code ec;
      if (!fs::exists(root, ec)) return;
      give(root);
      for (auto it = fs::recursive_directory_iterator(root, ec);
           !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        give(it->path());
    };
    give(artifacts);
    give(artifacts / "runs");
    tree(run_dir_);
    tree(artifacts / "host");
    tree(artifacts / "flux");
    give(artifacts / "state-values.yaml");
  }

  static bool IsHostOp(const PlanOp& op) {
    return std::holds_alternative<PackagesOp>(op) || std::holds_alternative<K3sInstallOp>(op) ||
           std::holds_alternative<MergeKubeconfigOp>(op) ||
           std::holds_alternative<SystemdUnitsOp>(op) ||
           std::holds_alternative<RemoveSystemdUnitsOp>(op) ||
           std::holds_alternative<K3sUninstallOp>(op);
  }
  bool Sudo() const { return !options_.host.is_root; }

  // Host tasks need root: as root, or through sudo -n with HOST_SUDO=true;
  // else nothing runs (exit 2).
  void RequireRootForHostSteps() {
    if (options_.host.is_root) return;
    std::vector<std::string> steps;
    for (const auto& s : plan_.steps) {
      const bool root = std::any_of(s.ops.begin(), s.ops.end(), [](const PlanOp& op) {
        const auto* c = std::get_if<CommandOp>(&op);
        return IsHostOp(op) || (c != nullptr && c->needs_root);
      });
      if (root) steps.push_back(s.id);
    }
    if (steps.empty()) return;
    std::string list;
    for (const auto& s : steps) list += (list.empty() ? "" : ", ") + s;
    if (config_.GetBool("HOST_SUDO")) {
      // A sudo that wants a password would fail halfway: probe it first.
      ProcessSpec spec;
      spec.argv = {"sudo", "-n", "true"};
      spec.timeout_ms = 10000;
      const ProcessResult r = runner_.Run(spec, [](std::string_view) {});
      if (r.Ok()) return;
      throw CommandError(kExitUsage, "HOST_SUDO=true, but 'sudo -n true' failed (" + r.Describe() +
                                         "): host tasks " + list +
                                         " need passwordless sudo, or run platformctl as root. "
                                         "Nothing was executed.");
    }
    throw CommandError(kExitUsage,
                       "host tasks " + list + " need root, and platformctl runs as user '" +
                           options_.host.user +
                           "': run it as root (sudo platformctl ...), or set HOST_SUDO=true to "
                           "run those commands through 'sudo -n' (passwordless sudo). Nothing "
                           "was executed.");
  }

  // The argv of a root-only command: as is when root, else through
  // `sudo -n env NAME=VALUE... ARGV` (sudo resets the environment; the host
  // tasks pass no secrets).
  std::vector<std::string> RootArgv(
      const std::vector<std::string>& argv,
      const std::vector<std::pair<std::string, std::string>>& env) const {
    if (!Sudo()) return argv;
    std::vector<std::string> out{"sudo", "-n"};
    if (!env.empty()) {
      out.emplace_back("env");
      for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    }
    out.insert(out.end(), argv.begin(), argv.end());
    return out;
  }
  ProcessResult RunRoot(const std::vector<std::string>& argv,
                        const std::vector<std::pair<std::string, std::string>>& env, int timeout_s,
                        const std::string& what, bool tolerate = false) {
    const auto full = RootArgv(argv, env);
    ProcessResult r = Spawn(full, Sudo() ? decltype(env){} : env, timeout_s);
    if (!r.Ok()) {
      if (tolerate) {
        Log("tolerated failure: " + r.Describe());
      } else {
        Fail(what, full, r);
      }
    }
    return r;
  }
  static std::vector<std::pair<std::string, std::string>> Literals(
      const std::vector<EnvBinding>& env) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& e : env) out.emplace_back(e.name, e.literal);
    return out;
  }
  static std::optional<std::string> ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  // A root-owned file: read directly, else through sudo -n cat.
  std::optional<std::string> ReadRootFile(const std::string& path) {
    if (auto text = ReadFile(path)) return text;
    if (!Sudo() || !fs::exists(path)) return std::nullopt;
    const fs::path out = run_dir_ / "host" / "read.tmp";
    fs::create_directories(out.parent_path());
    struct Remove {  // k3s.yaml holds the admin key: never left in the trail
      fs::path p;
      ~Remove() {
        std::error_code ec;
        fs::remove(p, ec);
      }
    } remove{out};
    ProcessResult r = Spawn({"sudo", "-n", "cat", "--", path}, {}, 30, out.string());
    auto text = ReadFile(out.string());
    if (!r.Ok()) return std::nullopt;
    return text;
  }
  void WriteRootFile(const std::string& path, const std::string& text, unsigned mode) {
    if (!Sudo()) {
      if (!WriteFileAtomic(path, text, mode)) throw StepFailed("cannot write " + path);
      return;
    }
    const fs::path tmp = run_dir_ / "host" / fs::path(path).filename();
    if (!WriteFileAtomic(tmp.string(), text, 0600))
      throw StepFailed("cannot write " + tmp.string());
    char m[8];
    std::snprintf(m, sizeof m, "%o", mode);
    RunRoot({"install", "-D", "-m", m, "--", tmp.string(), path}, {}, 30, "writing " + path);
  }
  void RemoveRootFile(const std::string& path) {
    if (!Sudo()) {
      std::error_code ec;
      fs::remove(path, ec);
      if (ec) throw StepFailed("cannot remove " + path + ": " + ec.message());
      return;
    }
    RunRoot({"rm", "-f", "--", path}, {}, 30, "removing " + path);
  }
  // A yes/no question on the terminal; without one, --yes or a refusal.
  bool Confirmed(const std::string& question, const std::string& refusal) {
    if (options_.yes || confirmed_) return true;
    if (!options_.interactive)
      throw StepFailed(refusal + " (pass --yes; no terminal to ask on)", kExitRefused);
    status_ << question << " [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "yes")
      throw StepFailed(refusal + " (not confirmed)", kExitRefused);
    return true;
  }

  void Execute(const PackagesOp& o) {
    ProcessResult q = Spawn(o.query, {}, 60);
    if (q.spawn_failed) Fail("the installed-package query", o.query, q);
    const auto missing = MissingPackages(o.manager, o.packages, q.output);
    if (missing.empty()) {
      Line("  all " + std::to_string(o.packages.size()) + " packages are installed");
      return;
    }
    std::string list;
    for (const auto& m : missing) list += " " + m;
    Line("  installing with " + o.manager + ":" + list);
    const auto env = Literals(o.env);
    if (!o.refresh.empty()) RunRoot(o.refresh, env, o.timeout_s, "refreshing the package index");
    std::vector<std::string> argv = o.install;
    argv.insert(argv.end(), missing.begin(), missing.end());
    RunRoot(argv, env, o.timeout_s, "installing packages");
  }

  void Execute(const RequireCommandsOp& o) {
    std::vector<std::string> missing;
    const char* path_env = std::getenv("PATH");
    const std::string path = path_env != nullptr ? path_env : "/usr/bin:/bin";
    for (const auto& cmd : o.commands) {
      bool found = false;
      size_t pos = 0;
      while (!found && pos <= path.size()) {
        size_t end = path.find(':', pos);
        if (end == std::string::npos) end = path.size();
        const std::string dir = path.substr(pos, end - pos);
        found = !dir.empty() && ::access((dir + "/" + cmd).c_str(), X_OK) == 0;
        pos = end + 1;
      }
      if (!found) missing.push_back(cmd);
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      throw StepFailed("not on PATH after the package install: " + list +
                       " (install them, or change HOST_REQUIRED_COMMANDS)");
    }
  }

  void Execute(const K3sInstallOp& o) {
    if (fs::exists(o.binary)) {
      ProcessResult r = Spawn({o.binary, "--version"}, {}, 30);
      const std::string have = ParseK3sVersion(r.output);
      const auto unit = ReadRootFile(o.unit);
      const auto flags = unit ? ParseK3sServiceFlags(*unit) : std::nullopt;
      std::vector<std::string> diffs;
      if (!o.version.empty() && have != NormalizeK3sVersion(o.version))
        diffs.push_back("version: installed " + (have.empty() ? "unknown" : have) + ", wanted " +
                        o.version);
      if (!flags) {
        diffs.push_back("server flags: cannot read them from " + o.unit);
      } else {
        const auto wanted = NormalizeK3sFlags(o.flags);
        std::multiset<std::string> want(wanted.begin(), wanted.end());
        std::multiset<std::string> got(flags->begin(), flags->end());
        for (const auto& f : want)
          if (!got.contains(f)) diffs.push_back("server flag missing: " + f);
        for (const auto& f : got)
          if (!want.contains(f)) diffs.push_back("server flag not wanted: " + f);
      }
      if (diffs.empty()) {
        Line("  k3s " + have + " is installed with the wanted server flags: nothing to do" +
             (o.version.empty() ? " (channel " + o.channel + "; set K3S_VERSION to upgrade)" : ""));
        return;
      }
      for (const auto& d : diffs) Line("  k3s differs: " + d);
      Log("k3s differs from the config: " + std::to_string(diffs.size()) + " difference(s)");
      Confirmed("Re-run the k3s installer to apply this (k3s restarts)?",
                "k3s differs from the config and was left as it is");
    }
    if (const std::string why = CheckFetchUrl(o.url); !why.empty())
      throw StepFailed("K3S_INSTALL_URL: " + why);
    Line("  downloading " + o.url);
    auto http = MakeCurlHttpClient();
    HttpRequest req;
    req.url = o.url;
    req.timeout_ms = 60000;
    req.follow_redirects = true;
    constexpr size_t kMaxInstaller = 2U << 20U;  // get.k3s.io is ~35 KiB
    req.max_body_bytes = kMaxInstaller;
    HttpResponse resp = http->Send(req);
    Log("GET " + o.url + " -> " + (resp.Ok() ? std::to_string(resp.status) : resp.error));
    if (!resp.Ok()) throw StepFailed("downloading the k3s installer failed: " + resp.error);
    if (resp.status != 200)
      throw StepFailed("downloading the k3s installer failed: HTTP " + std::to_string(resp.status) +
                       " from " + o.url);
    if (resp.body.size() > kMaxInstaller)
      throw StepFailed("the k3s installer from " + o.url + " is larger than 2 MiB; refused");
    const std::string sum = Sha256Hex(resp.body);
    std::string want = o.sha256;
    std::transform(want.begin(), want.end(), want.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!want.empty() && sum != want)
      throw StepFailed("the k3s installer's SHA-256 is " + sum + ", K3S_INSTALL_SHA256 is " + want +
                       ": refused, nothing was run");
    Log("installer sha256 " + sum +
        (want.empty() ? " (not checked: K3S_INSTALL_SHA256 empty)" : " (matches)"));
    const std::string installer = ResolveArg(o.installer);
    if (!WriteFileAtomic(installer, resp.body, 0755)) throw StepFailed("cannot write " + installer);
    // The installer reads every K3S_* and INSTALL_K3S_* variable (K3S_URL
    // makes an agent, K3S_* go into k3s.service.env): it gets exactly the
    // plan's, as it would through sudo.
    extra_drop_env_.clear();
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
      const std::string_view kv(*e);
      const std::string name(kv.substr(0, kv.find('=')));
      if (name.starts_with("K3S_") || name.starts_with("INSTALL_K3S_"))
        extra_drop_env_.push_back(name);
    }
    try {
      RunRoot({installer}, Literals(o.env), o.timeout_s, "the k3s installer");
    } catch (...) {
      extra_drop_env_.clear();
      throw;
    }
    extra_drop_env_.clear();
    // A node registers within a minute or two of the first start.
    for (int attempt = 0; attempt < 60; ++attempt) {
      ProcessResult r = Spawn(
          RootArgv({o.binary, "kubectl", "get", "nodes", "--no-headers", "--output=name"}, {}), {},
          30);
      if (r.Ok() && r.output.find("node/") != std::string::npos) {
        Line("  node registered: " + r.output.substr(0, r.output.find('\n')));
        return;
      }
      for (int tick = 0; tick < 20 && !Interrupted(); ++tick)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (Interrupted())
        throw StepFailed("interrupted while waiting for the k3s node", kExitInterrupted);
    }
    throw StepFailed(
        "k3s was installed, but no node registered within 120s: see journalctl -u k3s");
  }

  void Execute(const MergeKubeconfigOp& o) {
    const auto k3s = ReadRootFile(o.source);
    if (!k3s) throw StepFailed("cannot read " + o.source + ": is k3s installed (step host/k3s)?");
    const auto existing = o.standalone ? std::optional<std::string>() : ReadFile(o.dest);
    auto m = MergeKubeconfig(*k3s, existing.value_or(""), o.context, o.standalone);
    if (!m.error.empty()) throw StepFailed(o.dest + ": " + m.error);
    if (o.standalone) {
      const auto current = ReadFile(o.dest);
      m.changed = !current || *current != m.text;
    }
    if (!m.changed) {
      Line("  " + o.dest + " already has context " + o.context + ": unchanged");
      return;
    }
    std::error_code ec;
    const bool existed = fs::exists(o.dest);
    const fs::path dir = fs::path(o.dest).parent_path();
    const bool dir_existed = fs::exists(dir);
    fs::create_directories(dir, ec);
    std::string backup;
    if (existed) {
      backup = o.dest + ".platformctl-backup-" + UtcNow("%Y%m%dT%H%M%SZ");
      const auto old = ReadFile(o.dest);
      if (!old || !WriteFileAtomic(backup, *old, 0600))
        throw StepFailed("cannot back up " + o.dest + " to " + backup + "; nothing changed");
    }
    if (!WriteFileAtomic(o.dest, m.text, 0600)) throw StepFailed("cannot write " + o.dest);
    // Under sudo, the file belongs to the user who ran it, not to root.
    const HostFacts& h = options_.host;
    if (::geteuid() == 0 && h.uid > 0) {
      // Only what this run created: never a directory that was there before.
      for (const auto& p : {o.dest, backup, dir_existed ? std::string() : dir.string()}) {
        if (!p.empty() &&
            ::chown(p.c_str(), static_cast<uid_t>(h.uid), static_cast<gid_t>(h.gid)) != 0)
          Log("chown " + p + " failed: " + std::strerror(errno));
      }
    }
    std::string kept;
    for (const auto& k : m.kept) kept += (kept.empty() ? "" : ", ") + k;
    Line("  " + std::string(o.standalone ? "wrote " : "merged context ") +
         (o.standalone ? o.dest + " (context " + o.context + ")" : o.context + " into " + o.dest) +
         (kept.empty() ? "" : "; kept " + kept) + (backup.empty() ? "" : "; backup " + backup) +
         (m.previous_context.empty() || m.previous_context == o.context
              ? ""
              : "; current-context " + m.previous_context + " -> " + o.context));
  }

  static bool HasMarker(const std::string& text) { return text.starts_with(kManagedUnitMarker); }

  void Execute(const SystemdUnitsOp& o) {
    bool changed = false;
    std::vector<std::string> legacy;
    for (const auto& l : o.legacy) {
      if (fs::exists(o.dir + "/" + l)) legacy.push_back(l);
    }
    if (!legacy.empty()) {
      std::vector<std::string> argv{"systemctl", "disable", "--now"};
      argv.insert(argv.end(), legacy.begin(), legacy.end());
      RunRoot(argv, {}, 60, "disabling the Bash updater", /*tolerate=*/true);
      for (const auto& l : legacy) RemoveRootFile(o.dir + "/" + l);
      std::string list;
      for (const auto& l : legacy) list += (list.empty() ? "" : ", ") + l;
      Line("  migrated: disabled and removed the Bash updater's " + list);
      changed = true;
    }
    for (const auto& u : o.units) {
      const std::string path = o.dir + "/" + u.name;
      const auto current = ReadFile(path);
      if (current && *current == u.content) continue;
      WriteRootFile(path, u.content, 0644);
      Line("  wrote " + path);
      changed = true;
    }
    if (changed) RunRoot({"systemctl", "daemon-reload"}, {}, 60, "systemctl daemon-reload");
    auto trimmed = [](std::string s) {
      while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
      return s;
    };
    const ProcessResult enabled = Spawn({"systemctl", "is-enabled", o.enable}, {}, 30);
    const ProcessResult active = Spawn({"systemctl", "is-active", o.enable}, {}, 30);
    if (trimmed(enabled.output) == "enabled" && trimmed(active.output) == "active") {
      if (!changed) Line("  units unchanged; " + o.enable + " is enabled and active");
      return;
    }
    RunRoot({"systemctl", "enable", "--now", o.enable}, {}, 60, "enabling " + o.enable);
    Line("  enabled and started " + o.enable);
  }

  void Execute(const RemoveSystemdUnitsOp& o) {
    std::vector<std::string> managed;
    for (const auto& u : o.units) {
      const std::string path = o.dir + "/" + u;
      const auto text = ReadFile(path);
      if (!text) continue;
      if (HasMarker(*text)) {
        managed.push_back(u);
      } else {
        Line("  left " + path + " in place: it has no platformctl marker");
      }
    }
    if (managed.empty()) {
      Line("  no platformctl units: nothing to remove");
      return;
    }
    if (std::find(managed.begin(), managed.end(), o.disable) != managed.end())
      RunRoot({"systemctl", "disable", "--now", o.disable}, {}, 60, "disabling " + o.disable,
              /*tolerate=*/true);
    for (const auto& u : managed) {
      RemoveRootFile(o.dir + "/" + u);
      Line("  removed " + o.dir + "/" + u);
    }
    RunRoot({"systemctl", "daemon-reload"}, {}, 60, "systemctl daemon-reload");
  }

  void Execute(const K3sUninstallOp& o) {
    if (!fs::exists(o.script)) {
      Line("  " + o.script + " does not exist: k3s is not installed, nothing to uninstall");
      return;
    }
    Confirmed("Uninstall k3s from this host (the cluster, its data and images are removed)?",
              "k3s uninstall not confirmed; k3s stays installed");
    RunRoot({o.script}, {}, o.timeout_s, "the k3s uninstaller");
    Line("  k3s uninstalled");
  }

  void Execute(const CheckOp& o, const std::vector<std::string>& outputs) {
    const std::string last = outputs.empty() ? std::string() : outputs.back();
    if (o.check == "note") {
      Line("  note: " + o.description);
      Log("note: " + o.description);
      return;
    }
    if (o.check == "helm-diff") {
      if (last.find("diff") == std::string::npos) {
        throw StepFailed(
            "the helm-diff plugin is not installed (helmfile apply and verify/drift need it): helm "
            "plugin install https://github.com/databus23/helm-diff");
      }
      return;
    }
    if (o.check == "cluster-access") return;  // the commands before it succeeded
    if (o.check == "install-owner") {
      const std::string owner = RecordedOwner();
      if (owner == "flux") {
        throw StepFailed(
            "the platform is owned by Flux (configmap kube-system/platformctl-state has owner: "
            "flux, set by 'platformctl flux bootstrap'): helmfile and Flux would both own the "
            "releases and fight over every upgrade; nothing was changed. Change the platform in "
            "git and run 'platformctl flux reconcile'; to hand it back to platformctl, suspend or "
            "remove the Flux Kustomizations, then 'kubectl -n kube-system delete configmap "
            "platformctl-state'",
            kExitRefused);
      }
      if (!owner.empty()) Log("install record owner: " + owner);
      return;
    }
    if (o.check.starts_with("flux-")) {
      JudgeFlux(o.check, outputs);
      return;
    }
    if (o.check == "no-flannel") {
      Json j = Json::parse(last, nullptr, false);
      if (!j.is_object()) throw StepFailed("kubectl get nodes returned output that is not JSON");
      for (const auto& n : j.value("items", Json::array())) {
        const auto ann = Md(n).value("annotations", Json::object());
        if (ann.contains("flannel.alpha.coreos.com/backend-type")) {
          throw StepFailed("node " + Md(n).value("name", "?") +
                           " runs flannel (annotation flannel.alpha.coreos.com/backend-type): "
                           "reinstall k3s with --flannel-backend=none --disable-network-policy, or "
                           "set CILIUM_SKIP_FLANNEL_CHECK=true");
        }
      }
      return;
    }
    if (o.check == "teardown-gate") {
      Json j = Json::parse(last, nullptr, false);
      if (!j.is_object())
        throw StepFailed(
            "kubectl get namespaces,persistentvolumeclaims returned output that is not JSON");
      std::set<std::string> managed;
      for (auto ns : ManagedNamespaces()) managed.insert(std::string(ns));
      for (const auto& item : j.value("items", Json::array())) {
        const std::string kind = item.value("kind", "");
        const auto& md = Md(item);
        if (kind == "Namespace" && managed.contains(md.value("name", ""))) {
          std::string why = "namespace " + md.value("name", "") + " still exists";
          if (md.contains("finalizers")) why += " (finalizers: " + md["finalizers"].dump() + ")";
          throw StepFailed(why + "; Cilium is not removed under live workloads");
        }
        if (kind == "PersistentVolumeClaim" && managed.contains(md.value("namespace", ""))) {
          throw StepFailed("PVC " + md.value("namespace", "") + "/" + md.value("name", "") +
                           " still exists; Cilium is not removed under live workloads");
        }
      }
      return;
    }
    if (o.check == "clean") {
      // The last command is `helm list -A -a -o json`: platform releases left?
      Json rel = Json::parse(last, nullptr, false);
      std::set<std::string> platform;
      for (const auto& c : Components()) {
        for (const auto& r : c.releases) platform.insert(std::string(r.name));
      }
      std::vector<std::string> left;
      for (const auto& r : rel.is_array() ? rel : Json::array()) {
        const std::string name = r.value("name", "");
        if (platform.contains(name)) left.push_back(r.value("namespace", "") + "/" + name);
      }
      if (!left.empty()) throw StepFailed("platform Helm releases left: " + List(left));
      if (outputs.size() >= 3) {
        Json ns = Json::parse(outputs[outputs.size() - 3], nullptr, false);
        std::set<std::string> managed;
        for (auto m : ManagedNamespaces()) managed.insert(std::string(m));
        for (const auto& item : ns.is_object() ? ns.value("items", Json::array()) : Json::array()) {
          const auto& md = Md(item);
          const std::string name = md.value("name", "");
          if (item.value("kind", "") == "Namespace" && managed.contains(name))
            throw StepFailed("managed namespace " + name + " is still there");
          // CRDs are kept unless CM_DELETE_CRDS / CILIUM_DELETE_CRDS ask otherwise.
          if (item.value("kind", "") == "CustomResourceDefinition" &&
              ((name.ends_with("cert-manager.io") && config_.GetBool("CM_DELETE_CRDS")) ||
               (name.ends_with(".cilium.io") && config_.GetBool("CILIUM_DELETE_CRDS"))))
            throw StepFailed("platform CRD " + name + " is still there");
        }
      }
      return;
    }
    throw StepFailed("unknown check " + o.check + " (a plan bug)");
  }

  void Execute(const WriteFileOp& o) {
    const fs::path path = ResolveArg(o.path);
    if (!WriteFileAtomic(path, o.content, o.mode)) throw StepFailed("cannot write " + Rel(path));
    Log("wrote " + Rel(path) + " (" + std::to_string(o.content.size()) + " bytes)");
  }

  // flux bootstrap's checks (src/flux/flux_plan.cc builds them).
  void JudgeFlux(const std::string& check, const std::vector<std::string>& outputs) {
    const std::string last = outputs.empty() ? std::string() : outputs.back();
    if (check == "flux-cni") {
      Json j = Json::parse(last, nullptr, false);
      if (!j.is_object())
        throw StepFailed("kubectl get nodes,daemonsets returned output that is not JSON");
      const std::string why = FluxCniProblem(j);
      if (!why.empty()) {
        throw StepFailed(why +
                         ": Flux's controllers cannot schedule without a CNI, and k3s runs "
                         "without flannel for Cilium (W24). Install it first: platformctl apply "
                         "--only prereqs,cilium, then run flux bootstrap again");
      }
      return;
    }
    if (check == "flux-ownership" || check == "flux-adopt") {
      if (outputs.size() < 2)
        throw StepFailed("flux ownership check needs helm list and kubectl get");
      Json releases = Json::parse(outputs[outputs.size() - 2], nullptr, false);
      if (!releases.is_array()) throw StepFailed("helm list returned output that is not JSON");
      Json hrs = Json::parse(last, nullptr, false);
      if (!hrs.is_object()) {
        if (last.find("doesn't have a resource type") == std::string::npos)
          throw StepFailed("cannot list HelmReleases (helm.toolkit.fluxcd.io)");
        hrs = Json{{"items", Json::array()}};  // Flux not installed yet: no HelmRelease
      }
      const std::vector<std::string> foreign = NotFluxOwned(releases, hrs);
      if (foreign.empty()) {
        Log("no platform release is owned by anything but Flux");
        return;
      }
      if (check == "flux-adopt") {
        Log("--adopt: Flux's HelmReleases take over " + List(foreign));
        Line("adopting into Flux: " + List(foreign));
        return;
      }
      throw StepFailed(
          "platform Helm releases exist that Flux does not own: " + List(foreign) +
              ". The HelmReleases in cluster/ use the same release names and namespaces, so "
              "helm-controller would upgrade (take over) them while platformctl's helmfile path "
              "still applies them: two owners fight over every upgrade. Nothing was changed. Run "
              "'platformctl flux bootstrap --adopt' to hand them to Flux (apply and delete then "
              "refuse), or keep using 'platformctl apply' without Flux",
          kExitRefused);
    }
    throw StepFailed("unknown check " + check + " (a plan bug)");
  }

  // "" when the cilium DaemonSet in kube-system is ready on every node
  // (kstatus: desired <= current, updated, available, ready) and no node is NotReady.
  static std::string FluxCniProblem(const Json& list) {
    std::optional<Json> ds;
    std::vector<std::string> not_ready;
    const Json items = list.value("items", Json::array());
    for (const auto& item : items) {
      const std::string kind = item.value("kind", "");
      if (kind == "DaemonSet" && Md(item).value("name", "") == "cilium") ds = item;
      if (kind != "Node") continue;
      bool ready = false;
      const auto status = item.value("status", Json::object());
      for (const auto& c : status.value("conditions", Json::array()))
        if (c.value("type", "") == "Ready" && c.value("status", "") == "True") ready = true;
      if (!ready) not_ready.push_back(Md(item).value("name", "?"));
    }
    if (!ds) return "Cilium is not installed (no DaemonSet kube-system/cilium)";
    const auto st = ds->value("status", Json::object());
    const long desired = st.value("desiredNumberScheduled", -1L);
    for (const char* f :
         {"currentNumberScheduled", "updatedNumberScheduled", "numberAvailable", "numberReady"}) {
      if (desired <= 0 || st.value(f, 0L) < desired)
        return "Cilium is not ready (DaemonSet kube-system/cilium: " + std::string(f) + " " +
               std::to_string(st.value(f, 0L)) + " of " + std::to_string(desired) + ")";
    }
    if (!not_ready.empty()) return "nodes are not Ready: " + List(not_ready);
    return {};
  }

  // Platform releases (the registry's, resolved for this config) that exist
  // and that no HelmRelease has made. helm-controller takes over the Helm
  // release named spec.releaseName (default [targetNamespace-]name) stored in
  // spec.storageNamespace (default the HelmRelease's namespace) when it is
  // not in the HelmRelease's status.history (fluxcd/helm-controller
  // docs/spec/v2/helmreleases.md, "Release name", "Storage namespace",
  // "History"); a release in some HelmRelease's history is Flux's.
  std::vector<std::string> NotFluxOwned(const Json& releases, const Json& hrs) const {
    std::set<std::string> platform;
    for (const auto& c : Components()) {
      for (const auto& r : c.releases)
        platform.insert(ResolveReleaseNamespace(r, config_) + "/" + std::string(r.name));
    }
    std::set<std::string> flux;
    for (const auto& hr : hrs.value("items", Json::array())) {
      const auto status = hr.value("status", Json::object());
      for (const auto& h : status.value("history", Json::array()))
        flux.insert(h.value("namespace", "") + "/" + h.value("name", ""));
    }
    std::vector<std::string> out;
    for (const auto& r : releases) {
      const std::string id = r.value("namespace", "") + "/" + r.value("name", "");
      if (platform.contains(id) && !flux.contains(id)) out.push_back(id);
    }
    return out;
  }

  // The verify phase: the checks of the op's group through one Verifier per
  // run, so each query family runs once however many steps read it.
  void Execute(const VerifyOp& o) {
    if (!verifier_) {
      std::vector<VerifyQuery> queries;
      for (const auto& s : plan_.steps) {
        for (const auto& op : s.ops) {
          if (const auto* v = std::get_if<VerifyOp>(&op)) {
            for (const auto& q : v->queries) {
              const bool known = std::any_of(queries.begin(), queries.end(),
                                             [&q](const auto& x) { return x.family == q.family; });
              if (!known) queries.push_back(q);
            }
          }
        }
      }
      VerifyEnv env;
      env.run = [this](const CommandOp& c) {
        std::vector<std::pair<std::string, std::string>> vars;
        for (const auto& b : c.env)
          vars.emplace_back(b.name, b.secret ? config_.Get(b.name) : b.literal);
        if (!c.stdout_is_answer) return Spawn(c.argv, vars, c.timeout_s);
        // The answer whole and apart from stderr, next to the step log.
        const std::string file =
            step_log_path_.string() + "." + std::to_string(++answers_) + ".json";
        ProcessResult r = Spawn(c.argv, vars, c.timeout_s, file);
        std::string answer = TakeAnswer(file, secrets_);
        if (!answer.empty() || r.Ok()) r.output = std::move(answer);  // else stderr says why
        return r;
      };
      prober_ = MakeCurlHttpsProber();
      env.prober = prober_.get();
      env.repo_root = options_.repo_root;
      env.kubectl = Kubectl({});
      env.diagnostics_dir = (run_dir_ / "diagnostics").string();
      env.secrets = secrets_;
      verifier_ = std::make_unique<Verifier>(config_, std::move(env), std::move(queries));
    }
    std::vector<PlannedCheck> checks;
    for (const auto& c : ChecksFor(config_, /*deep=*/true)) {
      if (c.row->group == o.group) checks.push_back(c);
    }
    const auto results = verifier_->Run(checks);
    std::string report = RenderVerifyText(results);
    if (step_log_) *step_log_ << report << std::flush;
    std::vector<std::string> failed;
    for (const auto& r : results) {
      Log(std::string(StatusName(r.status)) + " " + r.id + ": " + r.message);
      if (r.status == CheckStatus::kFail)
        failed.push_back(r.id + ": " + r.message +
                         (r.remediation.empty() ? "" : " (fix: " + r.remediation + ")"));
    }
    if (!failed.empty()) {
      std::string msg = std::to_string(failed.size()) + " check(s) failed:";
      for (const auto& f : failed) msg += "\n  " + f;
      throw StepFailed(msg);
    }
  }

  // ---- preflight: the helm list -------------------------------------------

  void NoteReleases(const std::string& helm_list_json) {
    Json j = Json::parse(helm_list_json, nullptr, false);
    if (!j.is_array()) return;
    for (const auto& r : j) {
      const std::string status = r.value("status", "");
      const std::string id = r.value("namespace", "") + "/" + r.value("name", "");
      if (status == "failed") failed_releases_.insert(id);
      if (status.starts_with("pending-")) {
        if (options_.recover_pending) {
          RecoverPending(r.value("namespace", ""), r.value("name", ""), status);
        } else {
          pending_.push_back(id + " (" + status + ", revision " + r.value("revision", "?") + ")");
        }
      }
    }
  }

  // --recover-pending: a pending-install has nothing to roll back to and is
  // uninstalled; a pending-upgrade/-rollback goes back to the last revision
  // that was deployed (helm/helm#7653).
  void RecoverPending(const std::string& ns, const std::string& name, const std::string& status) {
    if (status == "pending-install") {
      Line("recovering " + ns + "/" + name + " (pending-install): uninstall");
      MustRun(Helm({"uninstall", name, "--namespace", ns, "--wait", "--timeout=300s"}), 330,
              "uninstall of pending " + ns + "/" + name);
      return;
    }
    ProcessResult h = MustRun(Helm({"history", name, "--namespace", ns, "--output=json"}), 60,
                              "helm history of " + ns + "/" + name);
    Json hist = Json::parse(h.output, nullptr, false);
    std::string revision;
    for (const auto& rev : hist.is_array() ? hist : Json::array()) {
      const std::string st = rev.value("status", "");
      if (st == "deployed" || st == "superseded")
        revision = std::to_string(rev.value("revision", 0));
    }
    if (revision.empty()) {
      throw StepFailed(ns + "/" + name + " is " + status +
                       " and has no deployed revision to roll back to; uninstall it: helm -n " +
                       ns + " uninstall " + name);
    }
    Line("recovering " + ns + "/" + name + " (" + status + "): rollback to revision " + revision);
    MustRun(Helm({"rollback", name, revision, "--namespace", ns, "--wait", "--timeout=300s"}), 330,
            "rollback of " + ns + "/" + name);
  }

  // ---- the trail -------------------------------------------------------------

  void WriteJournal() {
    Json steps = Json::array();
    for (const auto& r : records_) {
      Json s = {{"step", r.id}, {"status", r.status}};
      if (!r.start.empty()) s["start"] = r.start;
      if (!r.end.empty()) s["end"] = r.end;
      if (r.status == "failed" || r.status == "interrupted") s["exitCode"] = r.exit_code;
      if (!r.log.empty()) s["log"] = r.log;
      if (!r.message.empty()) s["message"] = r.message;
      steps.push_back(std::move(s));
    }
    Json j = {{"schemaVersion", 1},
              {"mode", plan_.mode == PlanMode::kApply ? "apply" : "delete"},
              {"run", PlanName(plan_)},
              {"profile", plan_.profile.empty() ? Json(nullptr) : Json(plan_.profile)},
              {"fingerprint", fingerprint_},
              {"context", context_},
              {"status", run_status_},
              {"start", started_},
              {"command", Redact(options_.command_line, secrets_)},
              {"steps", steps}};
    if (!ended_.empty()) {
      j["end"] = ended_;
      rusage self{};
      ::getrusage(RUSAGE_SELF, &self);
      const double cpu = static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
                         static_cast<double>(self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
      j["processes"] = processes_;
      j["cpuSeconds"] = cpu;  // platformctl's own CPU, children excluded
    }
    WriteFileAtomic(run_dir_ / "journal.json", j.dump(2) + "\n", 0644);
  }

  std::string FindResumable(const fs::path& artifacts, const std::string& mode,
                            std::set<std::string>& done) {
    std::error_code ec;
    std::vector<fs::path> runs;
    for (const auto& e : fs::directory_iterator(artifacts / "runs", ec)) {
      const std::string name = e.path().filename().string();
      // <UTC>-<mode> or <UTC>-<mode>-N exactly: "apply" is not "host-apply".
      const auto dash = name.find('-');
      if (dash == std::string::npos) continue;
      std::string rest = name.substr(dash + 1);
      if (const auto last = rest.rfind('-');
          last != std::string::npos &&
          rest.find_first_not_of("0123456789", last + 1) == std::string::npos &&
          last + 1 < rest.size())
        rest = rest.substr(0, last);
      if (rest == mode && fs::exists(e.path() / "journal.json")) runs.push_back(e.path());
    }
    std::sort(runs.begin(), runs.end());
    // Runs a guard refused (a lock held by another run, ...) changed nothing.
    auto status_of = [](const fs::path& run) {
      std::ifstream jin(run / "journal.json");
      std::stringstream js;
      js << jin.rdbuf();
      Json jj = Json::parse(js.str(), nullptr, false);
      return jj.is_object() ? jj.value("status", "") : std::string();
    };
    while (!runs.empty() && status_of(runs.back()) == "refused") runs.pop_back();
    if (runs.empty()) {
      throw CommandError(kExitUsage, "--resume: no earlier " + mode + " run under " +
                                         Rel(artifacts / "runs") + "; run without --resume");
    }
    const fs::path latest = runs.back();
    std::ifstream in(latest / "journal.json");
    std::stringstream ss;
    ss << in.rdbuf();
    Json j = Json::parse(ss.str(), nullptr, false);
    if (!j.is_object())
      throw CommandError(kExitUsage,
                         "--resume: " + Rel(latest / "journal.json") + " is not readable JSON");
    if (j.value("fingerprint", "") != fingerprint_) {
      throw CommandError(kExitRefused,
                         "--resume: the config changed since " + Rel(latest) +
                             " (fingerprint differs), so its finished steps may not hold; "
                             "run without --resume");
    }
    if (j.value("status", "") == "succeeded") {
      throw CommandError(kExitUsage, "--resume: the latest " + mode + " run (" + Rel(latest) +
                                         ") succeeded; nothing to resume");
    }
    resume_context_ = j.value("context", "");
    for (const auto& s : j.value("steps", Json::array())) {
      if (s.value("status", "") == "succeeded" || s.value("status", "") == "skipped")
        done.insert(s.value("step", ""));
    }
    return Rel(latest);
  }

  void Summary(int code) {
    if (options_.quiet && code == kExitOk) return;
    const bool started = std::any_of(records_.begin(), records_.end(),
                                     [](const StepRecord& r) { return r.status != "pending"; });
    if (!started && code != kExitOk) {
      status_ << PlanName(plan_)
              << " stopped before its first step: nothing was changed; run trail: " << Rel(run_dir_)
              << "\n"
              << std::flush;
      return;
    }
    status_ << "\n";
    size_t w = 4;
    for (const auto& r : records_) w = std::max(w, r.id.size());
    for (const auto& r : records_) {
      std::string d = durations_.contains(r.id) ? Seconds(durations_.at(r.id)) : "";
      status_ << "  " << r.id << std::string(w - r.id.size() + 2, ' ') << r.status
              << (d.empty() ? "" : "  " + d) << "\n";
    }
    const char* word = code == kExitOk            ? "succeeded"
                       : code == kExitInterrupted ? "was interrupted"
                                                  : "failed";
    status_ << PlanName(plan_) << " " << word << "; " << processes_
            << " processes; run trail: " << Rel(run_dir_) << "\n";
    if (!plan_.command.empty() && (code == kExitInterrupted || code == kExitFailed)) {
      std::string cmd = plan_.command;  // "flux-bootstrap" -> "flux bootstrap"
      std::replace(cmd.begin(), cmd.end(), '-', ' ');
      status_ << "run 'platformctl " << cmd << "' again after fixing the cause\n";
    } else if (code == kExitInterrupted || code == kExitFailed) {
      status_ << (plan_.mode == PlanMode::kApply
                      ? "continue with: platformctl apply --resume (after fixing the cause)\n"
                      : "delete is idempotent: run it again after fixing the cause\n");
    }
    status_ << std::flush;
  }

  const Config& config_;
  const Plan& plan_;
  ProcessRunner& runner_;
  const RunOptions& options_;
  std::ostream& status_;
  std::vector<std::string> secrets_;
  std::vector<std::string> drop_env_;
  std::shared_ptr<spdlog::logger> log_;
  std::unique_ptr<std::ofstream> step_log_;
  fs::path step_log_path_;
  fs::path run_dir_;
  RunLock lock_;
  std::vector<StepRecord> records_;
  std::map<std::string, double> durations_;
  std::vector<std::string> preflight_outputs_;
  std::set<std::string> failed_releases_;
  std::vector<std::string> pending_;
  std::unique_ptr<HttpsProber> prober_;
  int answers_ = 0;  // verify answers written next to the step logs
  std::unique_ptr<Verifier> verifier_;
  std::string fingerprint_;
  bool confirmed_ = false;  ///< the delete was confirmed (host uninstall asks no second time)
  std::vector<std::string> extra_drop_env_;  ///< dropped from one child's inherited environment
  std::string context_;
  std::string resume_context_;
  std::string started_;
  std::string ended_;
  std::string run_status_ = "running";
  long processes_ = 0;
  std::string cached_key_;
  std::optional<Json> cached_;
};

}  // namespace

std::string ConfigFingerprint(const Config& config, PlanMode mode) {
  std::string text = mode == PlanMode::kApply ? "apply\n" : "delete\n";
  text += "profile=" + config.ProfilePath() + "\n";
  for (const auto* e : config.Entries()) {
    if (e->Secret()) continue;
    text += e->key + "=" + e->value + "\n";
  }
  return Sha256Hex(text);
}

bool WriteFileAtomic(const std::string& path_str, const std::string& text, unsigned mode) {
  fs::path path(path_str);
  std::error_code ec;
  // A symlinked file (a kubeconfig in a dotfiles repo) is written where it
  // points, not replaced by a regular file.
  if (fs::is_symlink(path, ec)) {
    const fs::path target = fs::canonical(path, ec);
    if (ec) return false;
    path = target;
  }
  fs::create_directories(path.parent_path(), ec);
  // A fresh name, created exclusively and never through a symlink: a planted
  // "<file>.tmp" link in a user-writable directory cannot redirect the write.
  std::string tmpl = path.string() + ".tmp.XXXXXX";
  const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd < 0) return false;
  const fs::path tmp = tmpl;
  bool ok = ::fchmod(fd, mode) == 0;
  for (size_t off = 0; ok && off < text.size();) {
    ssize_t n = ::write(fd, text.data() + off, text.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    off += static_cast<size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (ok) {
    fs::rename(tmp, path, ec);
    ok = !ec;
  }
  if (!ok) fs::remove(tmp, ec);
  return ok;
}

int ExecutePlan(const Config& config, const Plan& plan, ProcessRunner& runner,
                const RunOptions& options, std::ostream& status) {
  Executor e(config, plan, runner, options, status);
  return e.Run();
}

}  // namespace platformctl
