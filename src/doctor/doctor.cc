// `RunDoctor`: the checks of `platformctl doctor`, in report order. Tools are
// asked for their version by argv (no shell) with a short deadline; host names
// resolve concurrently under one overall bound; the clock is compared with the
// Date header of the API server's /version answer.
#include "platformctl/doctor.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "platformctl/child_env.h"
#include "platformctl/config.h"
#include "platformctl/http.h"
#include "platformctl/process.h"
#include "platformctl/registry.h"

namespace platformctl {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kHelmInstall = "https://helm.sh/docs/intro/install/";
constexpr const char* kHelmfileInstall = "https://github.com/helmfile/helmfile/releases";
constexpr const char* kKubectlInstall = "https://kubernetes.io/docs/tasks/tools/#kubectl";
constexpr const char* kFluxInstall = "https://fluxcd.io/flux/installation/#install-the-flux-cli";
constexpr const char* kHelmDiffInstall =
    "helm plugin install https://github.com/databus23/helm-diff";

std::string Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

/// The first non-empty line, at most 160 bytes: what a message quotes.
std::string FirstLine(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line = Trim(text.substr(pos, end - pos));
    if (!line.empty()) return line.size() > 160 ? line.substr(0, 157) + "..." : line;
    pos = end + 1;
  }
  return "";
}

/// The JSON object in `output` (stdout and stderr are merged: warnings may
/// come before or after it).
Json JsonIn(const std::string& output) {
  const size_t b = output.find('{');
  const size_t e = output.rfind('}');
  if (b == std::string::npos || e == std::string::npos || e < b) return Json();
  return Json::parse(output.substr(b, e - b + 1), nullptr, /*allow_exceptions=*/false);
}

/// What a failed kubectl said, without the JSON it may also have printed.
std::string ErrorText(const ProcessResult& r) {
  if (r.spawn_failed || r.timed_out) return r.Describe();
  const size_t e = r.output.rfind('}');
  std::string line = FirstLine(e == std::string::npos ? r.output : r.output.substr(e + 1));
  if (line.empty()) line = FirstLine(r.output);
  return line.empty() ? r.Describe() : line + " (" + r.Describe() + ")";
}

std::string Str(const Json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

class Doctor {
 public:
  explicit Doctor(const DoctorOptions& o) : o_(o) {}

  std::vector<DoctorCheck> Run() {
    const auto start = std::chrono::steady_clock::now();
    StartDns();
    Tools();
    Kube();
    Dns(start + std::chrono::milliseconds(o_.dns_budget_ms));
    Disk();
    return std::move(out_);
  }

 private:
  struct ToolDef {
    std::string id;
    std::vector<std::string> argv;
    std::optional<ToolVersion> min;
    std::string install;  ///< where to get it (URL or command)
    DoctorStatus missing = DoctorStatus::kFail;
  };

  ProcessResult Exec(std::vector<std::string> argv, int timeout_ms) {
    ProcessSpec spec;
    spec.argv = std::move(argv);
    spec.drop_env = SecretEnvNames();
    spec.timeout_ms = timeout_ms;
    spec.grace_ms = 1000;
    spec.interrupt_grace_ms = 1000;
    spec.drain_ms = 100;
    if (!o_.repo_root.empty()) spec.cwd = o_.repo_root;
    return o_.runner->Run(spec, [](std::string_view) {});
  }

  void Add(std::string id, DoctorStatus s, std::string message, std::string fix = "") {
    out_.push_back(DoctorCheck{std::move(id), s, std::move(message), std::move(fix)});
  }

  /// Runs the tool's version query and judges it; returns whether it ran.
  bool CheckTool(const ToolDef& t,
                 const std::function<std::string(const std::string&)>& version_text = nullptr) {
    const std::string name = t.argv.front();
    const std::string required = t.min ? ">= " + ToString(*t.min) : "any version";
    const ProcessResult r = Exec(t.argv, o_.tool_timeout_ms);
    const std::string how = t.install.starts_with("http") ? "install it: " + t.install : t.install;
    if (r.spawn_failed) {
      Add(t.id, t.missing, name + " not found on PATH (required: " + required + ")",
          "install " + name + (t.min ? " " + ToString(*t.min) + " or newer" : "") + ": " +
              t.install);
      return false;
    }
    if (!r.Ok()) {
      Add(t.id, DoctorStatus::kFail,
          RedactedArgv(t.argv) + " failed: " + ErrorText(r) + " (required: " + required + ")",
          "check the " + name + " installation; reinstall: " + t.install);
      return false;
    }
    const std::string text = version_text ? version_text(r.output) : r.output;
    const auto v = ParseToolVersion(text);
    if (!v) {
      Add(t.id, DoctorStatus::kWarn,
          "cannot read a version from " + RedactedArgv(t.argv) + ": '" + FirstLine(r.output) +
              "' (required: " + required + ")",
          "check that " + name + " on PATH is the real tool; " + how);
      return true;
    }
    if (t.min && *v < *t.min) {
      Add(t.id, DoctorStatus::kFail,
          name + " " + ToString(*v) + " is older than required " + required,
          "upgrade " + name + " to " + ToString(*t.min) + " or newer: " + t.install);
      return true;
    }
    Add(t.id, DoctorStatus::kPass, name + " " + ToString(*v) + " (required: " + required + ")");
    return true;
  }

  void Tools() {
    const Config* c = o_.config;
    helm_ = CheckTool(
        {"tool/helm", {"helm", "version", "--short"}, ToolVersion{3, 13, 0}, kHelmInstall});
    if (helm_) {
      const ProcessResult r = Exec({"helm", "plugin", "list"}, o_.tool_timeout_ms);
      std::optional<std::string> version;
      size_t pos = 0;
      while (r.Ok() && pos < r.output.size()) {
        size_t end = r.output.find('\n', pos);
        if (end == std::string::npos) end = r.output.size();
        const std::string line = Trim(std::string_view(r.output).substr(pos, end - pos));
        const size_t ws = line.find_first_of(" \t");
        if (line.substr(0, ws) == "diff")
          version = ws == std::string::npos ? "" : Trim(line.substr(ws));
        pos = end + 1;
      }
      if (!r.Ok()) {
        Add("tool/helm-diff", DoctorStatus::kFail, "helm plugin list failed: " + ErrorText(r),
            std::string("check the helm installation; then ") + kHelmDiffInstall);
      } else if (!version) {
        Add("tool/helm-diff", DoctorStatus::kFail,
            "helm-diff plugin not installed (helmfile apply and verify's drift check need it)",
            kHelmDiffInstall);
      } else {
        const auto v = ParseToolVersion(*version);
        Add("tool/helm-diff", DoctorStatus::kPass,
            "helm-diff " + (v ? ToString(*v) : std::string("(version unknown)")) +
                " (required: any version)");
      }
    } else {
      Add("tool/helm-diff", DoctorStatus::kSkip, "needs helm");
    }
    CheckTool(
        {"tool/helmfile", {"helmfile", "--version"}, ToolVersion{0, 150, 0}, kHelmfileInstall});
    kubectl_ = CheckTool({"tool/kubectl",
                          {"kubectl", "version", "--client", "-o", "json"},
                          ToolVersion{1, 28, 0},
                          kKubectlInstall},
                         [](const std::string& out) {
                           const std::string v = Str(JsonIn(out)["clientVersion"], "gitVersion");
                           return v.empty() ? out : v;
                         });

    // k3s: only where this machine is (to be) the k3s host.
    const bool host_layer =
        c != nullptr && (c->GetBool("RUN_HOST_LAYER") || !c->Get("K3S_VERSION").empty());
    if (host_layer) {
      CheckTool({"tool/k3s",
                 {"k3s", "--version"},
                 std::nullopt,
                 "platformctl host apply installs it (or https://docs.k3s.io/quick-start)",
                 DoctorStatus::kWarn});
    } else {
      Add("tool/k3s", DoctorStatus::kSkip,
          "not needed here: RUN_HOST_LAYER is not true and K3S_VERSION is empty");
    }
    // flux: only when GitOps is configured or has been used from this repo.
    const bool gitops = c != nullptr && (c->Get("FLUX_MODE") == "bootstrap" || FluxRunsExist());
    if (gitops) {
      CheckTool({"tool/flux", {"flux", "--version"}, ToolVersion{2, 3, 0}, kFluxInstall});
    } else {
      Add("tool/flux", DoctorStatus::kSkip,
          "not needed here: FLUX_MODE is not bootstrap and no flux run trail in artifacts/runs/");
    }
  }

  [[nodiscard]] bool FluxRunsExist() const {
    if (o_.repo_root.empty()) return false;
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(o_.repo_root) / "artifacts" / "runs", ec), end;
         !ec && it != end; it.increment(ec)) {
      if (it->path().filename().string().find("-flux") != std::string::npos) return true;
    }
    return false;
  }

  std::vector<std::string> Kubectl(std::vector<std::string> args, bool with_context) const {
    std::vector<std::string> argv{"kubectl"};
    if (!o_.kubeconfig.empty()) argv.insert(argv.end(), {"--kubeconfig", o_.kubeconfig});
    if (with_context && !o_.context.empty()) argv.insert(argv.end(), {"--context", o_.context});
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  void SkipKube(const std::string& why, bool context = true) {
    if (context) Add("kube/context", DoctorStatus::kSkip, why);
    Add("kube/api", DoctorStatus::kSkip, why);
    Add("clock/skew", DoctorStatus::kSkip, why);
  }

  void Kube() {
    // Which kubeconfig kubectl, helm and helmfile will read.
    std::vector<std::string> files;
    std::string source;
    if (!o_.kubeconfig.empty()) {
      files = {o_.kubeconfig};
      source = "--kubeconfig";
    } else if (!o_.kubeconfig_env.empty()) {
      source = "$KUBECONFIG";
      size_t pos = 0;
      while (pos <= o_.kubeconfig_env.size()) {
        size_t end = o_.kubeconfig_env.find(':', pos);
        if (end == std::string::npos) end = o_.kubeconfig_env.size();
        if (end > pos) files.push_back(o_.kubeconfig_env.substr(pos, end - pos));
        pos = end + 1;
      }
    } else if (!o_.home.empty()) {
      files = {o_.home + "/.kube/config"};
      source = "default";
    }
    std::vector<std::string> present;
    std::string listed;
    for (const auto& f : files) {
      std::error_code ec;
      if (fs::is_regular_file(f, ec)) present.push_back(f);
      listed += (listed.empty() ? "" : ", ") + f;
    }
    const std::string fix =
        "point --kubeconfig or KUBECONFIG at the cluster's kubeconfig (k3s writes "
        "/etc/rancher/k3s/k3s.yaml; platformctl host apply merges it into ~/.kube/config)";
    if (present.empty()) {
      std::string msg;
      if (source == "--kubeconfig") {
        msg = "--kubeconfig " + listed + " does not exist";
      } else if (source == "$KUBECONFIG") {
        msg = "no file of KUBECONFIG=" + o_.kubeconfig_env + " exists";
      } else {
        msg = "no kubeconfig: no --kubeconfig, KUBECONFIG unset" +
              (files.empty() ? std::string(", HOME unset") : ", " + listed + " does not exist");
      }
      Add("kube/kubeconfig", DoctorStatus::kFail, msg, fix);
      SkipKube("needs a kubeconfig");
      return;
    }
    std::string shown;
    for (const auto& f : present) shown += (shown.empty() ? "" : ", ") + f;
    Add("kube/kubeconfig", DoctorStatus::kPass,
        shown + (source == "default" ? "" : " (from " + source + ")"));
    if (!kubectl_) {
      SkipKube("needs kubectl");
      return;
    }

    // The context in use, and the server it points at.
    const ProcessResult view =
        Exec(Kubectl({"config", "view", "-o", "json"}, false), o_.tool_timeout_ms);
    const Json j = view.Ok() ? JsonIn(view.output) : Json();
    if (!j.is_object()) {
      Add("kube/context", DoctorStatus::kFail,
          "kubectl config view failed: " + (view.Ok() ? "no JSON answer" : ErrorText(view)),
          "check the kubeconfig's syntax: kubectl config view");
      SkipKube("needs a readable kubeconfig", false);
      return;
    }
    std::vector<std::string> names;
    std::string cluster;
    const std::string in_use = o_.context.empty() ? Str(j, "current-context") : o_.context;
    if (j.contains("contexts") && j["contexts"].is_array()) {
      for (const auto& c : j["contexts"]) {
        names.push_back(Str(c, "name"));
        if (names.back() == in_use && c.contains("context")) cluster = Str(c["context"], "cluster");
      }
    }
    if (j.contains("clusters") && j["clusters"].is_array()) {
      for (const auto& c : j["clusters"]) {
        if (Str(c, "name") == cluster && c.contains("cluster"))
          server_ = Str(c["cluster"], "server");
      }
    }
    std::string all;
    for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
    if (all.empty()) all = "none";
    if (in_use.empty()) {
      Add("kube/context", DoctorStatus::kFail, "no current context (contexts: " + all + ")",
          "kubectl config use-context NAME, or pass --context NAME");
      SkipKube("needs a context", false);
      return;
    }
    if (std::find(names.begin(), names.end(), in_use) == names.end()) {
      Add("kube/context", DoctorStatus::kFail,
          "context " + in_use + " is not in the kubeconfig (contexts: " + all + ")",
          "pass --context with one of them, or fix the kubeconfig (kubectl config get-contexts)");
      SkipKube("needs an existing context", false);
      return;
    }
    const std::string expected = o_.config != nullptr ? o_.config->Get("KUBE_CONTEXT") : "";
    if (!expected.empty() && expected != in_use) {
      Add("kube/context", DoctorStatus::kFail,
          "context in use is " + in_use + " but KUBE_CONTEXT=" + expected +
              ": apply and delete would refuse (exit 3)",
          "pass --context " + expected + " or kubectl config use-context " + expected +
              " (or change KUBE_CONTEXT)");
    } else {
      Add("kube/context", DoctorStatus::kPass,
          "context " + in_use + (server_.empty() ? "" : " (server " + server_ + ")"));
    }

    // API reachability and server version.
    const std::string timeout = "--request-timeout=" + std::to_string(o_.api_timeout_s) + "s";
    const ProcessResult v =
        Exec(Kubectl({"version", "-o", "json", timeout}, true), o_.api_timeout_s * 1000 + 3000);
    const std::string server_version = Str(JsonIn(v.output)["serverVersion"], "gitVersion");
    if (server_version.empty()) {
      Add("kube/api", DoctorStatus::kFail,
          "API server " + (server_.empty() ? std::string("of ") + in_use : server_) +
              " did not answer: " + ErrorText(v),
          "start or reach the cluster (kubectl cluster-info; on the k3s host: systemctl status "
          "k3s), or pick another --context");
      Add("clock/skew", DoctorStatus::kSkip, "needs the API server");
      return;
    }
    Add("kube/api", DoctorStatus::kPass,
        "API server " + (server_.empty() ? in_use : server_) + " answers, version " +
            server_version);
    Clock();
  }

  void Clock() {
    if (server_.empty() || o_.http == nullptr) {
      Add("clock/skew", DoctorStatus::kSkip, "no API server URL in the kubeconfig");
      return;
    }
    HttpRequest req;
    req.url = server_ + (server_.ends_with("/") ? "version" : "/version");
    req.verify_tls = false;  // only the Date header is read
    req.timeout_ms = o_.api_timeout_s * 1000;
    req.max_body_bytes = 64 * 1024;
    const auto before = std::chrono::system_clock::now();
    const HttpResponse r = o_.http->Send(req);
    const auto after = std::chrono::system_clock::now();
    const std::string* date = r.Header("Date");
    const auto server_time = date != nullptr ? ParseHttpDate(*date) : std::nullopt;
    if (!r.Ok() || !server_time) {
      Add("clock/skew", DoctorStatus::kWarn,
          "cannot read the Date of " + req.url + ": " +
              (r.Ok() ? std::string("no valid Date header") : r.error),
          "check that " + server_ +
              " is reachable from here over HTTPS (not only through a "
              "proxy)");
      return;
    }
    const double local =
        std::chrono::duration<double>((before + (after - before) / 2).time_since_epoch()).count();
    out_.push_back(JudgeClockSkew(local - static_cast<double>(*server_time)));
  }

  // ---- DNS: every configured host, concurrently, under one bound ----------

  struct DnsShared {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::optional<std::pair<bool, std::string>>> results;
    size_t done = 0;
  };

  void StartDns() {
    if (o_.config == nullptr) return;
    std::set<std::string> seen;
    for (const Component& comp : Components()) {
      if (!IsEnabled(comp, *o_.config)) continue;
      for (const IngressRef& ing : comp.ingresses) {
        const std::string host = o_.config->Get(ing.host_key);
        if (!host.empty() && seen.insert(host).second) hosts_.push_back(host);
      }
    }
    dns_ = std::make_shared<DnsShared>();
    dns_->results.resize(hosts_.size());
    for (size_t i = 0; i < hosts_.size(); ++i) {
      // Detached: a lookup that outlives the bound only writes to the shared state.
      std::thread([state = dns_, host = hosts_[i], i] {
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* res = nullptr;
        const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
        std::pair<bool, std::string> result{rc == 0, rc == 0 ? "" : gai_strerror(rc)};
        if (rc == 0 && res != nullptr) {
          char buf[INET6_ADDRSTRLEN] = {};
          const void* addr =
              res->ai_family == AF_INET6
                  ? static_cast<const void*>(
                        &reinterpret_cast<const sockaddr_in6*>(res->ai_addr)->sin6_addr)
                  : static_cast<const void*>(
                        &reinterpret_cast<const sockaddr_in*>(res->ai_addr)->sin_addr);
          if (inet_ntop(res->ai_family, addr, buf, sizeof buf) != nullptr) result.second = buf;
        }
        if (res != nullptr) freeaddrinfo(res);
        const std::lock_guard<std::mutex> lock(state->mu);
        state->results[i] = std::move(result);
        ++state->done;
        state->cv.notify_all();
      }).detach();
    }
  }

  void Dns(std::chrono::steady_clock::time_point deadline) {
    if (o_.config == nullptr) {
      Add("dns", DoctorStatus::kSkip, "no platform config: no hosts to resolve");
      return;
    }
    if (hosts_.empty()) {
      Add("dns", DoctorStatus::kSkip, "no enabled component has an ingress host");
      return;
    }
    std::unique_lock<std::mutex> lock(dns_->mu);
    dns_->cv.wait_until(lock, deadline, [this] { return dns_->done == hosts_.size(); });
    const std::string fix =
        "create the record: platformctl dns update (Route53), or your DNS server or /etc/hosts; "
        "a homelab without public DNS yet can ignore this";
    for (size_t i = 0; i < hosts_.size(); ++i) {
      const auto& r = dns_->results[i];
      const std::string id = "dns/" + hosts_[i];
      if (!r) {
        Add(id, DoctorStatus::kWarn, "no answer within " + std::to_string(o_.dns_budget_ms) + " ms",
            fix);
      } else if (r->first) {
        Add(id, DoctorStatus::kPass, "resolves to " + r->second);
      } else {
        Add(id, DoctorStatus::kWarn, "does not resolve: " + r->second, fix);
      }
    }
  }

  void Disk() {
    if (o_.repo_root.empty()) {
      Add("disk/run-trail", DoctorStatus::kSkip, "no platform repo: no run trail");
      return;
    }
    std::error_code ec;
    const fs::path artifacts = fs::path(o_.repo_root) / "artifacts";
    const std::string path = fs::is_directory(artifacts, ec) ? artifacts.string() : o_.repo_root;
    struct statvfs st {};
    if (statvfs(path.c_str(), &st) != 0) {
      Add("disk/run-trail", DoctorStatus::kWarn, "cannot read free space of " + path,
          "check that " + path + " exists and is readable");
      return;
    }
    out_.push_back(JudgeFreeDisk(static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize, path));
  }

  const DoctorOptions& o_;
  std::vector<DoctorCheck> out_;
  bool helm_ = false;
  bool kubectl_ = false;
  std::string server_;
  std::vector<std::string> hosts_;
  std::shared_ptr<DnsShared> dns_;
};

}  // namespace

std::vector<DoctorCheck> RunDoctor(const DoctorOptions& options) { return Doctor(options).Run(); }

}  // namespace platformctl
