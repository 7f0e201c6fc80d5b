// `platformctl verify [--deep] [--only ...] [--report FILE]` and
// `platformctl diagnostics [--out DIR]`: the check registry over batched
// queries (src/verify/), with a run trail under artifacts/runs/<UTC>-verify/.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>

#include "commands/command.h"
#include "platformctl/child_env.h"
#include "platformctl/executor.h"
#include "platformctl/exit_code.h"
#include "platformctl/https_probe.h"
#include "platformctl/process.h"
#include "platformctl/verify.h"

namespace platformctl {
namespace {

namespace fs = std::filesystem;

std::string UtcNow(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string AbsoluteRoot(const Config& config) {
  std::string root = fs::absolute(config.RepoRoot()).lexically_normal().string();
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

/// The trail of one verify/diagnostics run: run.log plus one log per process.
class Trail {
 public:
  Trail(const std::string& root, const std::string& mode) {
    const fs::path base = fs::path(root) / "artifacts" / "runs";
    dir_ = base / (UtcNow("%Y%m%dT%H%M%SZ") + "-" + mode);
    for (int n = 2; fs::exists(dir_); ++n)
      dir_ = base / (UtcNow("%Y%m%dT%H%M%SZ") + "-" + mode + "-" + std::to_string(n));
    std::error_code ec;
    fs::create_directories(dir_ / "queries", ec);
    log_.open(dir_ / "run.log");
  }
  void Line(const std::string& text) {
    const std::lock_guard<std::mutex> lock(mu_);
    log_ << UtcNow("%Y-%m-%dT%H:%M:%SZ") << " " << text << "\n" << std::flush;
  }
  std::string NextLog(const std::string& argv0) {
    const std::lock_guard<std::mutex> lock(mu_);
    char num[16];
    std::snprintf(num, sizeof num, "%02d", ++count_);
    return (dir_ / "queries" /
            (std::string(num) + "-" + fs::path(argv0).filename().string() + ".log"))
        .string();
  }
  [[nodiscard]] const fs::path& Dir() const { return dir_; }
  [[nodiscard]] std::string Rel(const std::string& root) const {
    return fs::relative(dir_, root).string();
  }

 private:
  fs::path dir_;
  std::ofstream log_;
  int count_ = 0;
  std::mutex mu_;  // queries run in parallel
};

struct Session {
  Config config;
  std::string root;
  std::vector<std::string> secrets;
  std::unique_ptr<ProcessRunner> runner = MakePosixProcessRunner();
  std::unique_ptr<HttpsProber> prober = MakeCurlHttpsProber();
  std::unique_ptr<Trail> trail;
};

Session Open(const Invocation& inv, const std::string& mode) {
  Session s{LoadForCommand(inv.global, ValidateMode::kLenient, "missing-required",
                           /*strict_keys=*/true),
            "",
            {},
            MakePosixProcessRunner(),
            MakeCurlHttpsProber(),
            nullptr};
  s.root = AbsoluteRoot(s.config);
  for (const ConfigEntry* e : s.config.Entries()) {
    if (e->Secret() && e->value.size() >= kMinRedactLength) s.secrets.push_back(e->value);
  }
  s.trail = std::make_unique<Trail>(s.root, mode);
  s.trail->Line("platformctl " + inv.command_line);
  return s;
}

VerifyEnv MakeEnv(Session& s, const GlobalOptions& g) {
  VerifyEnv env;
  env.run = [&s](const CommandOp& op) {
    ProcessSpec spec;
    for (const auto& a : op.argv)
      spec.argv.push_back(a.starts_with("{repo}/") ? s.root + a.substr(6) : a);
    for (const auto& b : op.env)
      spec.env.emplace_back(b.name, b.secret ? s.config.Get(b.name) : b.literal);
    spec.drop_env = SecretEnvNames();
    spec.redact = s.secrets;
    spec.cwd = s.root;
    spec.timeout_ms = op.timeout_s > 0 ? op.timeout_s * 1000 : 0;
    const std::string shown = RedactedArgv(spec.argv, s.secrets);
    const std::string log_path = s.trail->NextLog(spec.argv.empty() ? "cmd" : spec.argv[0]);
    // A -o json answer goes whole to its own file, apart from stderr (helm's
    // kubeconfig warnings, client-go throttling notes) and uncapped.
    if (op.stdout_is_answer) spec.stdout_file = log_path.substr(0, log_path.size() - 4) + ".json";
    std::ofstream log(log_path);
    log << "$ " << shown << "\n";
    s.trail->Line("$ " + shown);
    ProcessResult r = s.runner->Run(spec, [&log](std::string_view chunk) {
      log.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    });
    s.trail->Line("  -> " + r.Describe() + " in " + std::to_string(r.duration_s) + "s, log " +
                  fs::relative(log_path, s.root).string());
    if (op.stdout_is_answer) {
      // A failed query's answer is empty: keep its stderr, whose last line says why
      // ("The connection to the server localhost:8080 was refused ...").
      std::string answer = TakeAnswer(spec.stdout_file, s.secrets);
      if (!answer.empty() || r.Ok()) r.output = std::move(answer);
    }
    // No throw here: queries may run on threads. Interrupted() is checked after.
    return r;
  };
  env.prober = s.prober.get();
  env.repo_root = s.root;
  env.kubectl = {"kubectl"};
  if (!g.kubeconfig.empty()) env.kubectl.insert(env.kubectl.end(), {"--kubeconfig", g.kubeconfig});
  if (!g.context.empty()) env.kubectl.insert(env.kubectl.end(), {"--context", g.context});
  env.secrets = s.secrets;
  env.parallel = true;  // run() only touches the trail (locked) and its own log
  return env;
}

std::vector<VerifyQuery> Queries(const Session& s, const GlobalOptions& g) {
  PlanOptions options;
  options.kubeconfig = g.kubeconfig;
  options.context = g.context;
  options.repo_root = s.root;
  return BuildVerifyQueries(s.config, options);
}

void RunVerify(Invocation& inv) {
  const GlobalOptions& g = inv.global;
  const OutputFormat format =
      RequireFormat(g, {OutputFormat::kText, OutputFormat::kJson, OutputFormat::kJunit});
  if (inv.flags.list) {
    // The checks this config expands to, without running anything.
    Config config = LoadForCommand(g, ValidateMode::kLenient, "missing-required", true);
    Diagnostics d;
    auto checks = SelectChecks(config, inv.flags.verify_only, true, d);
    PrintDiagnostics(d, g);
    if (!checks) throw CommandError(kExitUsage, "invalid --only");
    auto reads = [](const PlannedCheck& c) {
      return c.row->family.empty() ? std::string("offline") : std::string(c.row->family);
    };
    size_t w = 2;
    size_t fw = 5;
    for (const auto& c : *checks) {
      w = std::max(w, c.id.size());
      fw = std::max(fw, reads(c).size());
    }
    std::cout << "ID" << std::string(w, ' ') << "TIER  READS" << std::string(fw - 3, ' ')
              << "WHAT\n";
    for (const auto& c : *checks) {
      const std::string family = reads(c);
      std::cout << c.id << std::string(w - c.id.size() + 2, ' ') << TierName(c.row->tier) << "  "
                << family << std::string(fw - family.size() + 2, ' ') << c.row->summary << "\n";
    }
    return;
  }
  Session s = Open(inv, "verify");
  Diagnostics diags;
  auto checks = SelectChecks(s.config, inv.flags.verify_only, inv.flags.deep, diags);
  PrintDiagnostics(diags, g);
  if (!checks) throw CommandError(kExitUsage, "invalid --only; nothing was checked");
  // helmfile diff reads the same state values as apply (absolute path).
  const bool drift = std::any_of(checks->begin(), checks->end(),
                                 [](const PlannedCheck& c) { return c.row->family == "drift"; });
  if (drift && !WriteFileAtomic(s.root + "/artifacts/state-values.yaml",
                                ToYaml(StateValues(s.config)), 0600)) {
    throw CommandError(kExitFailed, "cannot write artifacts/state-values.yaml");
  }
  InstallInterruptHandlers();
  const auto t0 = std::chrono::steady_clock::now();
  Verifier verifier(s.config, MakeEnv(s, g), Queries(s, g));
  verifier.Prefetch(*checks);
  std::vector<CheckResult> results;
  for (const auto& c : *checks) {
    if (Interrupted()) break;
    results.push_back(verifier.Run(c));
    const auto& r = results.back();
    s.trail->Line(std::string(StatusName(r.status)) + " " + r.id + ": " + r.message);
  }
  const bool interrupted = Interrupted();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::ofstream(s.trail->Dir() / "report.json") << RenderVerifyJson(results);
  bool report_ok = true;
  if (!inv.flags.report.empty()) {
    std::ofstream report(inv.flags.report);
    report << RenderVerifyJunit(results);
    report_ok = static_cast<bool>(report);
  }
  if (format == OutputFormat::kJson) {
    std::cout << RenderVerifyJson(results);
  } else if (format == OutputFormat::kJunit) {
    std::cout << RenderVerifyJunit(results);
  } else {
    std::cout << RenderVerifyText(results);
  }
  std::cout << std::flush;
  if (!g.quiet) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2fs", secs);
    const auto unreachable =
        std::count_if(results.begin(), results.end(), [](const CheckResult& r) {
          return r.status == CheckStatus::kFail && r.message.starts_with("query failed:");
        });
    if (unreachable > 0 && format == OutputFormat::kText) {
      std::cerr << "hint: " << unreachable
                << " checks could not read the cluster (see the first 'query failed' line); "
                   "check access with 'kubectl get nodes' (or pass --kubeconfig/--context). "
                   "The checks that need no cluster: platformctl verify --deep --only "
                   "config,registry\n";
    }
    std::cerr << "verify (" << (inv.flags.deep ? "core+deep" : "core")
              << "): " << verifier.processes() << " processes, " << buf
              << "; run trail: " << s.trail->Rel(s.root) << "\n";
  }
  inv.exit_code = VerifyExitCode(results);
  if (!report_ok) {  // after the results: a full disk must not hide them
    std::cerr << "platformctl: cannot write --report " << inv.flags.report << "\n";
    inv.exit_code = kExitFailed;
  }
  if (interrupted) {
    std::cerr << "verify interrupted by " << SignalName(InterruptSignal()) << " after "
              << results.size() << " of " << checks->size() << " checks\n";
    inv.exit_code = kExitInterrupted;
  }
}

void RunDiagnostics(Invocation& inv) {
  const GlobalOptions& g = inv.global;
  RequireFormat(g, {OutputFormat::kText, OutputFormat::kJson});
  Session s = Open(inv, "diagnostics");
  VerifyEnv env = MakeEnv(s, g);
  if (!inv.flags.out_dir.empty()) env.diagnostics_dir = fs::absolute(inv.flags.out_dir).string();
  InstallInterruptHandlers();
  Verifier verifier(s.config, std::move(env), Queries(s, g));
  PlannedCheck check;
  for (const auto& c : ChecksFor(s.config, /*deep=*/true)) {
    if (c.id == "cluster/diagnostics") check = c;
  }
  const CheckResult r = verifier.Run(check);
  if (ParseOutputFormat(g.output) == OutputFormat::kJson) {
    std::cout << RenderVerifyJson({r});
  } else {
    std::cout << RenderVerifyText({r});
  }
  inv.exit_code = Interrupted() ? kExitInterrupted : VerifyExitCode({r});
}

}  // namespace

void SetupVerifyCommand(CLI::App& sub, Invocation& inv) {
  sub.add_flag("--deep", inv.flags.deep,
               "Also the deep tier: nodes, HTTPS smoke with certificate inspection, release "
               "status, registry consistency, provider matrix, diagnostics bundle");
  sub.add_option("--only", inv.flags.verify_only,
                 "Comma-separated check ids, components, groups or globs (any tier), e.g. "
                 "issuers,minio/*");
  sub.add_option("--report", inv.flags.report, "Also write a JUnit XML report to FILE");
  sub.add_flag("--list", inv.flags.list,
               "List the checks this config expands to (both tiers) and exit; runs nothing");
  Describe(sub,
           "  platformctl verify --profile overlay-staging\n"
           "  platformctl verify --deep --report artifacts/verify.xml\n"
           "  platformctl verify --only issuers,helmfile/drift -o json\n"
           "  platformctl verify --list\n"
           "exit: 0 all passed (skips allowed), 1 a check failed, 2 usage or config error\n");
  sub.callback([&inv] { RunVerify(inv); });
}

void SetupDiagnosticsCommand(CLI::App& sub, Invocation& inv) {
  sub.add_option("--out", inv.flags.out_dir,
                 "Bundle directory (default artifacts/diagnostics-<UTC>/)");
  Describe(sub,
           "  platformctl diagnostics\n"
           "  platformctl diagnostics --out /tmp/platform-diag\n");
  sub.callback([&inv] { RunDiagnostics(inv); });
}

}  // namespace platformctl
