// `platformctl dns plan` and `platformctl dns update [--dry-run]`: Route53
// dynamic DNS (src/dns/). update leaves a trail under
// artifacts/runs/<UTC>-dns-update/ (run.log, result.json); the newest 20 are
// kept, since the systemd timer runs it every 10 minutes.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "commands/command.h"
#include "platformctl/dns.h"
#include "platformctl/executor.h"
#include "platformctl/exit_code.h"
#include "platformctl/process.h"

namespace platformctl {
namespace {

namespace fs = std::filesystem;

constexpr size_t kKeptTrails = 20;

std::string UtcNow(const char* format) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

/// The secrets of the config (and so of the AWS keys), for redaction.
std::vector<std::string> Secrets(const Config& config) {
  std::vector<std::string> out;
  for (const ConfigEntry* e : config.Entries()) {
    if (e->Secret() && e->value.size() >= kMinRedactLength) out.push_back(e->value);
  }
  return out;
}

/// run.log and result.json of one `dns update`.
class DnsTrail {
 public:
  DnsTrail(const std::string& root, const std::string& mode, std::vector<std::string> secrets)
      : root_(root), secrets_(std::move(secrets)) {
    const fs::path base = fs::path(root) / "artifacts" / "runs";
    dir_ = base / (UtcNow("%Y%m%dT%H%M%SZ") + "-" + mode);
    for (int n = 2; fs::exists(dir_); ++n)
      dir_ = base / (UtcNow("%Y%m%dT%H%M%SZ") + "-" + mode + "-" + std::to_string(n));
    std::error_code ec;
    fs::create_directories(dir_, ec);
    log_.open(dir_ / "run.log");
    Prune(base);
  }
  void Line(const std::string& text) {
    log_ << UtcNow("%Y-%m-%dT%H:%M:%SZ") << " " << Redact(text, secrets_) << "\n" << std::flush;
  }
  bool Result(const std::string& json) {
    return WriteFileAtomic((dir_ / "result.json").string(), Redact(json, secrets_), 0644);
  }
  [[nodiscard]] std::string Rel() const { return fs::relative(dir_, root_).string(); }

 private:
  /// Keeps the newest kKeptTrails `*-dns-update*` run directories.
  void Prune(const fs::path& base) {
    std::vector<fs::path> runs;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(base, ec)) {
      if (e.is_directory(ec) &&
          e.path().filename().string().find("-dns-update") != std::string::npos) {
        runs.push_back(e.path());
      }
    }
    std::sort(runs.begin(), runs.end(), [](const fs::path& a, const fs::path& b) {
      return a.filename().string() > b.filename().string();
    });
    for (size_t i = kKeptTrails; i < runs.size(); ++i) {
      if (runs[i] == dir_) continue;
      fs::remove_all(runs[i], ec);
    }
  }

  std::string root_;
  std::vector<std::string> secrets_;
  fs::path dir_;
  std::ofstream log_;
};

void RunDnsCommand(Invocation& inv, bool update) {
  const GlobalOptions& g = inv.global;
  const OutputFormat format = RequireFormat(g, {OutputFormat::kText, OutputFormat::kJson});
  Config config = LoadForCommand(g, ValidateMode::kLenient, "missing-required");
  const std::vector<std::string> secrets = Secrets(config);
  std::unique_ptr<DnsTrail> trail;
  if (update) {
    const std::string root = fs::absolute(config.RepoRoot()).lexically_normal().string();
    trail = std::make_unique<DnsTrail>(
        root, inv.flags.dry_run ? "dns-update-dry-run" : "dns-update", secrets);
    trail->Line("platformctl " + inv.command_line);
  }
  std::unique_ptr<HttpClient> http = MakeCurlHttpClient();
  DnsEnv env;
  env.http = http.get();
  env.now = [] { return static_cast<std::int64_t>(std::time(nullptr)); };
  env.sleep = [](double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); };
  if (trail) env.log = [&trail](const std::string& line) { trail->Line(line); };
  DnsOptions options;
  options.update = update;
  options.dry_run = inv.flags.dry_run;
  options.credentials_file = Env("AWS_SHARED_CREDENTIALS_FILE");
  options.home = Env("HOME");

  DnsReport report;
  try {
    report = RunDns(config, options, env);
  } catch (const CommandError& e) {
    if (trail) {
      trail->Line(std::string("error: ") + e.what());
      trail->Result(std::string("{\"schemaVersion\":1,\"ok\":false,\"exitCode\":") +
                    std::to_string(e.Code()) + "}\n");
    }
    throw;
  }
  if (!g.quiet) {
    for (const auto& note : report.notes) std::cerr << "platformctl: note: " << note << "\n";
  }
  const std::string json = RenderDnsJson(report);
  if (format == OutputFormat::kJson) {
    std::cout << Redact(json, secrets);
  } else {
    std::cout << Redact(update ? RenderDnsUpdateText(report) : RenderDnsPlanText(report), secrets);
  }
  std::cout << std::flush;
  if (trail) {
    trail->Line(report.error.empty()
                    ? "ok: " + std::to_string(report.Changes()) + " change(s)" +
                          (report.applied ? ", change " + report.change.id : std::string())
                    : "failed: " + report.error);
    if (!trail->Result(json)) std::cerr << "platformctl: cannot write the trail's result.json\n";
    if (!g.quiet) std::cerr << "run trail: " << trail->Rel() << "\n";
  }
  if (!report.error.empty()) {
    std::cerr << "platformctl: " << Redact(report.error, secrets) << "\n";
    inv.exit_code = kExitFailed;
  }
}

}  // namespace

void SetupDnsCommand(CLI::App& sub, Invocation& inv) {
  sub.require_subcommand(1);
  Describe(sub,
           "  platformctl dns plan\n"
           "  platformctl dns plan -o json\n"
           "  platformctl dns update --dry-run\n"
           "  platformctl dns update            # what the systemd timer runs\n"
           "exit: 0 ok, 1 a request failed, 2 config error (nothing sent)\n");
  CLI::App* plan = sub.add_subcommand(
      "plan",
      "Show the managed names, the public address, Route53's records and what update "
      "would change");
  Describe(*plan,
           "  platformctl dns plan\n"
           "  platformctl dns plan -o json\n"
           "  platformctl dns plan --set 'SWHURL_SUBDOMAINS=\"lab oauth.lab\"'\n");
  plan->callback([&inv] { RunDnsCommand(inv, /*update=*/false); });
  CLI::App* update = sub.add_subcommand(
      "update", "UPSERT the records that differ in one Route53 change batch (--dry-run: print it)");
  update->add_flag("--dry-run", inv.flags.dry_run,
                   "Everything but the change: print the change batch it would send");
  Describe(*update,
           "  platformctl dns update --dry-run\n"
           "  platformctl dns update -q         # systemd: only errors on stderr\n"
           "  AWS_PROFILE=dns platformctl dns update\n");
  update->callback([&inv] { RunDnsCommand(inv, /*update=*/true); });
}

}  // namespace platformctl
