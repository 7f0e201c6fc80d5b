// The check registry (one data table) and the Verifier that judges it over
// batched, cached queries. See include/platformctl/verify.h.
#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "platformctl/config.h"
#include "platformctl/https_probe.h"
#include "platformctl/output.h"
#include "platformctl/registry.h"
#include "platformctl/schema.h"
#include "platformctl/suggest.h"
#include "platformctl/verify.h"

namespace platformctl {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using enum CheckTier;

constexpr std::string_view kIssuers[] = {"selfsigned", "letsencrypt-staging", "letsencrypt-prod",
                                         "letsencrypt"};
constexpr std::string_view kAcmeIssuers[] = {"letsencrypt-staging", "letsencrypt-prod",
                                             "letsencrypt"};
constexpr long kHttpNodePort = 31514;
constexpr long kHttpsNodePort = 30313;
constexpr size_t kMaxListed = 8;       // names listed in one message
constexpr size_t kMaxFailingPods = 5;  // diagnostics: pods described and logged

// clang-format off
// id, tier, group (plan step), family, seed checks, summary
constexpr CheckRow kRows[] = {
  {"config/contract", kCore, "platform-state", "", "94 #1-10, feature contracts",
   "Strict validation of the layered config: types, enums, every enabled component's required inputs"},
  {"platform-namespaces/namespaces", kCore, "platform-state", "workloads", "20 (not verified by the seed)",
   "Every managed namespace exists and is Active"},
  {"issuers/present", kCore, "platform-state", "certificates", "91 #2, #4-6",
   "The ClusterIssuers selfsigned, letsencrypt-staging, letsencrypt-prod and letsencrypt exist"},
  {"issuers/ready", kCore, "platform-state", "certificates", "new (W29)",
   "Each ClusterIssuer is Ready for its current generation; ACME issuers are registered (ACMEAccountRegistered, status.acme.uri)"},
  {"issuers/acme-email", kCore, "platform-state", "certificates", "91 #3, #7-9",
   "spec.acme.email of the three ACME issuers equals ACME_EMAIL"},
  {"issuers/acme-servers", kCore, "platform-state", "certificates", "91 #10-11",
   "letsencrypt-staging and letsencrypt-prod use LETSENCRYPT_STAGING_SERVER and LETSENCRYPT_PROD_SERVER"},
  {"issuers/alias", kCore, "platform-state", "certificates", "91 #12",
   "The letsencrypt alias uses the server LETSENCRYPT_ENV selects"},
  {"{component}/workloads", kCore, "platform-state", "workloads", "91 #13-16, #28, #37-41 (W28, W29)",
   "The Deployments, DaemonSets and StatefulSets of the component's releases are ready (kstatus rules); none found fails"},
  {"{component}/ingress", kCore, "platform-state", "network", "91 #17-21, #29-36, #43-48 (W29)",
   "Each ingress of the component exists with the configured host, ingress class, issuer annotation and oauth2-proxy annotations"},
  {"{component}/certificates", kCore, "platform-state", "network,certificates", "new (W29: APP_CLUSTER_ISSUER)",
   "The Certificate behind each ingress TLS secret is Ready for its generation and issued by the configured ClusterIssuer"},
  {"ingress-nginx/service", kCore, "platform-state", "network", "90 #3, 91 #22-25",
   "Service ingress/ingress-nginx-controller is a NodePort with http 31514 and https 30313"},
  {"ingress-nginx/config", kCore, "platform-state", "network", "91 #26",
   "ConfigMap ingress/ingress-nginx-controller sets log-format-upstream"},
  {"ingress-nginx/class", kCore, "platform-state", "network", "91 #27",
   "IngressClass nginx exists and is the default class"},
  {"traefik/service", kCore, "platform-state", "network", "new (90 #5 skipped Traefik)",
   "Service kube-system/traefik is a NodePort with web 31514 and websecure 30313"},
  {"traefik/class", kCore, "platform-state", "network", "new",
   "IngressClass traefik exists"},
  {"helmfile/drift", kCore, "drift", "drift", "92 #1-5 (W31)",
   "helmfile diff --detailed-exitcode finds no change except the ignore rules of infra/verify/drift-ignore.yaml"},
  {"cluster/nodes", kDeep, "runtime-smoke", "runtime", "90 #1-2 (W27)",
   "At least one node, and every node has the condition Ready=True"},
  {"{component}/https", kDeep, "runtime-smoke", "runtime", "90 #4",
   "GET https://HOST/ through the ingress node address and HTTPS NodePort answers 2xx/3xx (a redirect to oauth2-proxy where protected); the served certificate has the configured issuer, covers the host and is valid for VERIFY_CERT_MIN_DAYS more days"},
  {"{component}/releases", kDeep, "releases", "releases", "93 (W30)",
   "Each expected Helm release of the component exists with status deployed (failed and pending-* fail)"},
  {"releases/extras", kDeep, "releases", "releases", "93 strict extras",
   "Releases in VERIFY_RELEASE_SCOPE that are not expected: allowed by VERIFY_RELEASE_ALLOWLIST globs, else a failure with VERIFY_RELEASE_STRICT_EXTRAS=true"},
  {"registry/consistency", kDeep, "provider-matrix", "", "96 #12-24 (W33)",
   "Registry, config.env and the helmfile agree: each release exists with its namespace, label and installed gate; each feature flag has a default"},
  {"registry/provider-matrix", kDeep, "provider-matrix", "", "97 (W34)",
   "For nginx|traefik x minio|ceph the state values gate ingress-nginx and minio as the registry says, and the helmfile reads those gates"},
  {"cluster/diagnostics", kDeep, "diagnostics", "runtime,events,releases", "95 (W32)",
   "Writes nodes, pods, events of the last hour, releases, and describe + log tails of failing pods (redacted) to a bundle"},
};
// clang-format on

struct Outcome {
  CheckStatus status = CheckStatus::kPass;
  std::string message;
  std::string remediation;
};
Outcome Pass(std::string m) { return {CheckStatus::kPass, std::move(m), ""}; }
Outcome Fail(std::string m, std::string r) {
  return {CheckStatus::kFail, std::move(m), std::move(r)};
}
Outcome Skip(std::string m) { return {CheckStatus::kSkip, std::move(m), ""}; }

std::string Rerun(std::string_view step) { return "platformctl apply --only " + std::string(step); }

/// A query could not answer: the checks reading it fail with this.
struct QueryError {
  std::string message;
  std::string remediation;
};

std::string JoinList(const std::vector<std::string>& items, size_t max = kMaxListed) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < max; ++i) out += (i == 0 ? "" : "; ") + items[i];
  if (items.size() > max) out += "; and " + std::to_string(items.size() - max) + " more";
  return out;
}

const Json& Md(const Json& o) {
  static const Json kEmpty = Json::object();
  auto it = o.find("metadata");
  return it != o.end() && it->is_object() ? *it : kEmpty;
}
std::string Name(const Json& o) { return Md(o).value("name", ""); }
std::string Ns(const Json& o) { return Md(o).value("namespace", ""); }
std::string Annotation(const Json& o, std::string_view key) {
  auto it = Md(o).find("annotations");
  if (it == Md(o).end() || !it->is_object()) return "";
  return it->value(std::string(key), "");
}
std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A string field, "" when absent, null or not a string (the API sends nulls).
std::string Str(const Json& o, std::string_view key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "2025-11-20T09:00:00Z" → unix seconds (0 when unparsable).
std::int64_t ParseTime(const std::string& s) {
  std::tm tm{};
  std::istringstream in(s);
  in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
  if (in.fail()) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string UtcStamp(std::int64_t t, const char* format) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

ExpectedIssuer IssuerKind(const Config& c, const std::string& issuer) {
  if (issuer == "selfsigned") return ExpectedIssuer::kSelfSigned;
  std::string server;
  if (issuer == "letsencrypt-staging") server = c.Get("LETSENCRYPT_STAGING_SERVER");
  if (issuer == "letsencrypt-prod") server = c.Get("LETSENCRYPT_PROD_SERVER");
  if (issuer == "letsencrypt") {
    server = c.Get("LETSENCRYPT_ENV") == "prod" ? c.Get("LETSENCRYPT_PROD_SERVER")
                                                : c.Get("LETSENCRYPT_STAGING_SERVER");
  }
  // LETSENCRYPT_PROD_SERVER may point at staging for test loops.
  return server.find("staging") != std::string::npos ? ExpectedIssuer::kLetsEncryptStaging
                                                     : ExpectedIssuer::kLetsEncryptProd;
}

}  // namespace

std::string_view TierName(CheckTier tier) { return tier == kCore ? "core" : "deep"; }
std::string_view StatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass:
      return "pass";
    case CheckStatus::kFail:
      return "fail";
    case CheckStatus::kSkip:
      return "skip";
  }
  return "skip";
}

std::span<const CheckRow> CheckRegistry() { return kRows; }

namespace {

bool RowApplies(const CheckRow& row, const Component& c) {
  const std::string_view what = row.id.substr(row.id.find('/') + 1);
  if (what == "workloads") return c.workloads;
  if (what == "releases") return !c.releases.empty();
  return !c.ingresses.empty();  // ingress, certificates, https
}

bool FixedRowApplies(const CheckRow& row, const Config& config) {
  const std::string_view comp = row.id.substr(0, row.id.find('/'));
  if (const Component* c = FindComponent(comp); c != nullptr) return IsEnabled(*c, config);
  return true;
}

}  // namespace

std::vector<PlannedCheck> ChecksFor(const Config& config, bool deep) {
  std::vector<PlannedCheck> out;
  for (const auto& row : kRows) {
    if (row.tier == kDeep && !deep) continue;
    if (row.id.starts_with("{component}/")) {
      for (const auto& c : Components()) {
        if (!IsEnabled(c, config) || !RowApplies(row, c)) continue;
        out.push_back(PlannedCheck{std::string(c.id) + std::string(row.id.substr(11)), &row, &c});
      }
    } else if (FixedRowApplies(row, config)) {
      out.push_back(PlannedCheck{std::string(row.id), &row, nullptr});
    }
  }
  return out;
}

std::optional<std::vector<PlannedCheck>> SelectChecks(const Config& config, const std::string& only,
                                                      bool deep, Diagnostics& diags) {
  std::vector<PlannedCheck> all = ChecksFor(config, /*deep=*/true);
  if (only.empty()) {
    std::vector<PlannedCheck> out;
    for (auto& c : all) {
      if (c.row->tier == kCore || deep) out.push_back(c);
    }
    return out;
  }
  std::vector<std::string> tokens;
  std::stringstream ss(only);
  for (std::string t; std::getline(ss, t, ',');) {
    t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
    if (!t.empty()) tokens.push_back(t);
  }
  auto component_of = [](const PlannedCheck& c) { return c.id.substr(0, c.id.find('/')); };
  std::vector<bool> keep(all.size(), false);
  bool ok = true;
  for (const auto& t : tokens) {
    bool matched = false;
    for (size_t i = 0; i < all.size(); ++i) {
      const auto& c = all[i];
      if (c.id == t || component_of(c) == t || c.row->group == t ||
          fnmatch(t.c_str(), c.id.c_str(), 0) == 0) {
        keep[i] = true;
        matched = true;
      }
    }
    if (matched) continue;
    ok = false;
    std::vector<std::string> valid;
    for (const auto& c : all) {
      valid.push_back(c.id);
      valid.push_back(component_of(c));
    }
    if (const Component* comp = FindComponent(t); comp != nullptr && !IsEnabled(*comp, config)) {
      diags.Error("--only " + t + ": the component " + t + " is not enabled by the config",
                  SourceLoc{},
                  "enable it (" + std::string(comp->feature_flag) + " / " +
                      std::string(comp->provider_key) + ") or drop it from --only");
      continue;
    }
    std::string hint =
        "valid: check ids, components, groups (platform-state, drift, "
        "runtime-smoke, releases, provider-matrix, diagnostics) or globs";
    std::vector<std::string_view> views(valid.begin(), valid.end());
    if (auto s = SuggestClosest(t, views)) hint = "did you mean " + std::string(*s) + "?; " + hint;
    diags.Error("--only " + t + ": no check matches", SourceLoc{}, hint);
  }
  if (!ok) return std::nullopt;
  std::vector<PlannedCheck> out;
  for (size_t i = 0; i < all.size(); ++i) {
    if (keep[i]) out.push_back(all[i]);
  }
  return out;
}

// ---- the Verifier -----------------------------------------------------------

struct Verifier::Impl {
  const Config& config;
  VerifyEnv env;
  std::vector<VerifyQuery> queries;
  std::atomic<int> processes{0};

  struct Answer {
    bool ok = false;
    std::string error;
    ProcessResult result;
    Json json;
    std::set<std::string> missing_kinds;  ///< kinds the API does not serve (no CRD)
  };
  std::map<std::string, Answer, std::less<>> answers;

  Impl(const Config& c, VerifyEnv e, std::vector<VerifyQuery> q)
      : config(c), env(std::move(e)), queries(std::move(q)) {}

  std::int64_t Now() const {
    if (env.now != 0) return env.now;
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  const CommandOp* QueryCommand(std::string_view family) const {
    for (const auto& q : queries) {
      if (q.family == family) return &q.command;
    }
    return nullptr;
  }

  ProcessResult Spawn(const CommandOp& op) {
    ++processes;
    return env.run(op);
  }

  static std::string Tail(const std::string& out, size_t lines = 6) {
    std::vector<std::string> all;
    std::istringstream in(out);
    for (std::string l; std::getline(in, l);) {
      if (!l.empty()) all.push_back(l);
    }
    std::string r;
    for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i)
      r += (r.empty() ? "" : " | ") + all[i].substr(0, 200);
    return r;
  }

  // Runs a family once; the result (or failure) is shared by every check.
  Answer& Run(std::string_view family) {
    if (auto it = answers.find(family); it != answers.end()) return it->second;
    Answer& a = answers[std::string(family)];
    Fill(family, a);
    return a;
  }

  void Fill(std::string_view family, Answer& a) {
    const CommandOp* cmd = QueryCommand(family);
    if (cmd == nullptr) {
      a.error = "no query for '" + std::string(family) + "' in this run";
      return;
    }
    CommandOp op = *cmd;
    a.result = Spawn(op);
    // A kind the API does not serve (its CRD is not installed) fails the
    // whole kubectl get: ask again without it (each missing kind once), and
    // remember it.
    static const std::regex kNoType(R"re(the server doesn't have a resource type "([^"]+)")re");
    for (size_t tries = 0; tries < 16 && !a.result.Ok() && op.argv.size() > 2; ++tries) {
      std::smatch m;
      const std::string out = a.result.output;
      if (!std::regex_search(out, m, kNoType)) break;
      const std::string missing = m[1].str();
      auto kinds_it = std::find(op.argv.begin(), op.argv.end(), "get");
      if (kinds_it == op.argv.end() || kinds_it + 1 == op.argv.end()) break;
      std::string kept;
      bool dropped = false;
      std::stringstream ks(*(kinds_it + 1));
      for (std::string k; std::getline(ks, k, ',');) {
        if (k == missing || k.starts_with(missing + ".")) {
          a.missing_kinds.insert(k);
          dropped = true;
        } else {
          kept += (kept.empty() ? "" : ",") + k;
        }
      }
      if (!dropped) break;
      if (kept.empty()) {  // nothing left to ask: an empty answer
        a.ok = true;
        a.json = Json{{"items", Json::array()}};
        return;
      }
      *(kinds_it + 1) = kept;
      a.result = Spawn(op);
    }
    if (family == "drift") {  // exit 0 and 2 are answers; judged by the drift check
      a.ok = !a.result.spawn_failed && !a.result.timed_out && a.result.signal == 0;
      if (!a.ok) a.error = a.result.Describe();
      return;
    }
    if (!a.result.Ok()) {
      // The full output is in the query's log; the last line says why.
      a.error = std::string(family) + " (" + op.argv[0] + ") " + a.result.Describe();
      if (std::string t = Tail(a.result.output, 1); !t.empty()) a.error += ": " + t;
      return;
    }
    a.json = Json::parse(a.result.output, nullptr, false);
    if (a.json.is_discarded()) {
      a.error = RedactedArgv(op.argv) + " printed output that is not JSON";
      a.json = Json();
      return;
    }
    a.ok = true;
    return;
  }

  const Answer& Must(std::string_view family) {
    Answer& a = Run(family);
    if (!a.ok) {
      throw QueryError{"query failed: " + a.error,
                       family == "releases" ? "check helm and the cluster: helm list -A -a"
                                            : "check cluster access: kubectl get nodes"};
    }
    return a;
  }

  // Items of `kind` (e.g. "Deployment") from a family's List.
  std::vector<const Json*> Items(std::string_view family, std::string_view kind) {
    const Answer& a = Must(family);
    std::vector<const Json*> out;
    const auto it = a.json.find("items");
    if (it == a.json.end() || !it->is_array()) return out;
    for (const auto& o : *it) {
      if (o.is_object() && o.value("kind", "") == kind) out.push_back(&o);
    }
    return out;
  }
  // The family whose query returns `kind`.
  static std::string_view KindFamily(std::string_view kind) {
    if (kind == "ClusterIssuer" || kind == "Certificate") return "certificates";
    if (kind == "Service" || kind == "Ingress" || kind == "IngressClass" || kind == "ConfigMap")
      return "network";
    if (kind == "Node" || kind == "Pod") return "runtime";
    return "workloads";  // Namespace, Deployment, DaemonSet, StatefulSet
  }
  // The family a kind is read from: its own, or "objects" when one query
  // asks for every object kind (the plan's verify phase).
  std::string_view FamilyOf(std::string_view kind) const {
    const std::string_view f = KindFamily(kind);
    if (f != "runtime" && QueryCommand(f) == nullptr && QueryCommand("objects") != nullptr)
      return "objects";
    return f;
  }
  std::vector<const Json*> Items(std::string_view kind) { return Items(FamilyOf(kind), kind); }

  // Runs every family `checks` will read at once, one thread each (with
  // VerifyEnv::parallel): the wall time is the slowest query, not the sum.
  void Prefetch(const std::vector<PlannedCheck>& checks) {
    std::set<std::string> families;
    for (const auto& c : checks) {
      std::stringstream fs(std::string(c.row->family));
      for (std::string f; std::getline(fs, f, ',');) {
        if (QueryCommand(f) == nullptr && QueryCommand("objects") != nullptr &&
            (f == "workloads" || f == "network" || f == "certificates"))
          f = "objects";
        if (!f.empty() && !answers.contains(f) && QueryCommand(f) != nullptr) families.insert(f);
      }
    }
    if (!env.parallel || families.size() < 2) return;
    for (const auto& f : families) answers.emplace(f, Answer{});  // nodes stay put
    std::vector<std::thread> threads;
    for (const auto& f : families) {
      threads.emplace_back([this, f] { Fill(f, answers.find(f)->second); });
    }
    for (auto& t : threads) t.join();
  }

  const Json* Find(std::string_view kind, std::string_view ns, std::string_view name) {
    for (const Json* o : Items(kind)) {
      if (Name(*o) == name && Ns(*o) == ns) return o;
    }
    return nullptr;
  }
  void RequireKind(std::string_view kind_resource, std::string_view what, std::string_view step) {
    const Answer& a = Must(FamilyOf("ClusterIssuer"));
    for (const auto& k : a.missing_kinds) {
      if (k.starts_with(std::string(kind_resource))) {
        throw QueryError{"the API serves no " + k + " (" + std::string(what) + ")", Rerun(step)};
      }
    }
  }

  // ---- judges ----------------------------------------------------------------

  Outcome ConfigContract() {
    Diagnostics d;
    ValidateConfig(config, ValidateMode::kStrict, d);
    if (!d.HasErrors()) return Pass("the config passes strict validation");
    std::vector<std::string> msgs;
    for (const auto& item : d.Items()) {
      if (item.severity == Severity::kError) msgs.push_back(item.message);
    }
    return Fail(std::to_string(d.ErrorCount()) + " config error(s): " + JoinList(msgs, 3),
                "fix them (platformctl config validate lists each with FILE:LINE)");
  }

  Outcome Namespaces() {
    std::vector<std::string> bad;
    for (auto ns : ManagedNamespaces()) {
      const Json* o = nullptr;
      for (const Json* n : Items("Namespace")) {
        if (Name(*n) == ns) o = n;
      }
      if (o == nullptr) {
        bad.push_back(std::string(ns) + " missing");
      } else if (const std::string phase = o->value("status", Json::object()).value("phase", "");
                 phase != "Active") {
        bad.push_back(std::string(ns) + " is " + phase);
      }
    }
    if (!bad.empty()) return Fail(JoinList(bad), Rerun("prereqs/namespaces"));
    return Pass(std::to_string(ManagedNamespaces().size()) + " managed namespaces Active");
  }

  const Json* Issuer(std::string_view name) { return Find("ClusterIssuer", "", name); }

  Outcome IssuersPresent() {
    RequireKind("clusterissuers", "cert-manager's CRDs are not installed", "cert-manager/install");
    std::vector<std::string> missing;
    for (auto n : kIssuers) {
      if (Issuer(n) == nullptr) missing.emplace_back(n);
    }
    if (!missing.empty())
      return Fail("ClusterIssuer missing: " + JoinList(missing), Rerun("issuers/install"));
    return Pass("4 ClusterIssuers present");
  }

  Outcome IssuersReady() {
    RequireKind("clusterissuers", "cert-manager's CRDs are not installed", "cert-manager/install");
    std::vector<std::string> bad;
    int judged = 0;
    for (auto n : kIssuers) {
      const Json* o = Issuer(n);
      if (o == nullptr) continue;
      ++judged;
      if (std::string why = ConditionNotReady(*o); !why.empty()) {
        bad.push_back(std::string(n) + ": " + why);
        continue;
      }
      if (n == "selfsigned") continue;
      const Json ready = [&] {
        for (const auto& c : o->value("status", Json::object()).value("conditions", Json::array()))
          if (c.value("type", "") == "Ready") return c;
        return Json::object();
      }();
      const std::string uri =
          o->value("status", Json::object()).value("acme", Json::object()).value("uri", "");
      if (ready.value("reason", "") != "ACMEAccountRegistered" || uri.empty()) {
        bad.push_back(std::string(n) + ": ACME account not registered (reason " +
                      ready.value("reason", "none") + (uri.empty() ? ", no status.acme.uri" : "") +
                      ")");
      }
    }
    if (judged == 0) return Fail("no ClusterIssuer to judge", Rerun("issuers/install"));
    if (!bad.empty())
      return Fail(JoinList(bad),
                  "kubectl describe clusterissuer NAME (ACME: check ACME_EMAIL and reachability "
                  "of the ACME server); then " +
                      Rerun("issuers/install"));
    return Pass(std::to_string(judged) + " ClusterIssuers Ready");
  }

  Outcome AcmeField(const std::vector<std::pair<std::string_view, std::string>>& want,
                    std::string_view field, std::string_view key_hint) {
    RequireKind("clusterissuers", "cert-manager's CRDs are not installed", "cert-manager/install");
    std::vector<std::string> bad;
    int judged = 0;
    for (const auto& [name, expected] : want) {
      const Json* o = Issuer(name);
      if (o == nullptr) {
        bad.push_back(std::string(name) + " missing");
        continue;
      }
      ++judged;
      const std::string live =
          o->value("spec", Json::object()).value("acme", Json::object()).value(field, "");
      if (live != expected) {
        bad.push_back(std::string(name) + " has " + std::string(field) + " '" + live +
                      "', the config says '" + expected + "' (" + std::string(key_hint) + ")");
      }
    }
    if (!bad.empty()) return Fail(JoinList(bad), Rerun("issuers/install"));
    return Pass(std::to_string(judged) + " issuer(s) match");
  }

  Outcome AcmeEmail() {
    const std::string email = config.Get("ACME_EMAIL");
    if (email.empty()) return Skip("ACME_EMAIL is empty: no e-mail to compare");
    std::vector<std::pair<std::string_view, std::string>> want;
    for (auto n : kAcmeIssuers) want.emplace_back(n, email);
    return AcmeField(want, "email", "ACME_EMAIL");
  }
  Outcome AcmeServers() {
    return AcmeField({{"letsencrypt-staging", config.Get("LETSENCRYPT_STAGING_SERVER")},
                      {"letsencrypt-prod", config.Get("LETSENCRYPT_PROD_SERVER")}},
                     "server", "LETSENCRYPT_STAGING_SERVER / LETSENCRYPT_PROD_SERVER");
  }
  Outcome Alias() {
    const bool prod = config.Get("LETSENCRYPT_ENV") == "prod";
    return AcmeField({{"letsencrypt", config.Get(prod ? "LETSENCRYPT_PROD_SERVER"
                                                      : "LETSENCRYPT_STAGING_SERVER")}},
                     "server", prod ? "LETSENCRYPT_ENV=prod" : "LETSENCRYPT_ENV=staging");
  }

  Outcome Workloads(const Component& c) {
    std::vector<std::string> bad;
    int ready = 0;
    std::vector<std::string> releases;
    for (const auto& rel : c.releases) {
      const std::string ns = ResolveReleaseNamespace(rel, config);
      releases.push_back(ns + "/" + std::string(rel.name));
      for (std::string_view kind : {"Deployment", "DaemonSet", "StatefulSet"}) {
        for (const Json* o : Items(kind)) {
          if (Ns(*o) != ns || Annotation(*o, "meta.helm.sh/release-name") != rel.name) continue;
          if (std::string why = WorkloadNotReady(*o); !why.empty()) {
            bad.push_back(Lower(std::string(kind)) + "/" + Name(*o) + ": " + why);
          } else {
            ++ready;
          }
        }
      }
    }
    const std::string step = InstallStepId(c);
    if (ready == 0 && bad.empty()) {
      return Fail(
          "no Deployment, DaemonSet or StatefulSet of release " + JoinList(releases) + " found",
          Rerun(step));
    }
    if (!bad.empty()) {
      return Fail(JoinList(bad), "kubectl -n " + ResolveReleaseNamespace(c.releases[0], config) +
                                     " describe pods; then " + Rerun(step));
    }
    return Pass(std::to_string(ready) + (ready == 1 ? " workload" : " workloads") + " ready");
  }

  std::string IngressNs(const Component& c) {
    return c.releases.empty() ? "" : ResolveReleaseNamespace(c.releases[0], config);
  }

  Outcome Ingresses(const Component& c) {
    const std::string ns = IngressNs(c);
    const bool traefik = config.Get("INGRESS_PROVIDER") == "traefik";
    const std::string want_class = traefik ? "traefik" : "nginx";
    const std::string oauth = config.Get("OAUTH_HOST");
    const std::string auth_url = "https://" + oauth + "/oauth2/auth";
    const std::string auth_signin =
        "https://" + oauth + "/oauth2/start?rd=$scheme://$host$request_uri";
    std::vector<std::string> bad;
    for (const auto& ing : c.ingresses) {
      const std::string id = ns + "/" + std::string(ing.name);
      const Json* o = Find("Ingress", ns, ing.name);
      if (o == nullptr) {
        bad.push_back("ingress " + id + " missing");
        continue;
      }
      const std::string host = config.Get(ing.host_key);
      std::vector<std::string> hosts;
      for (const auto& r : o->value("spec", Json::object()).value("rules", Json::array()))
        hosts.push_back(r.value("host", ""));
      if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) {
        bad.push_back(id + " serves " + JoinList(hosts) + ", not " + std::string(ing.host_key) +
                      "=" + host);
      }
      std::string cls = o->value("spec", Json::object()).value("ingressClassName", "");
      if (cls.empty()) cls = Annotation(*o, "kubernetes.io/ingress.class");
      if (cls != want_class) {
        bad.push_back(id + " has ingress class '" + cls + "', expected '" + want_class +
                      "' (INGRESS_PROVIDER)");
      }
      if (ing.issuer_annotation) {
        const std::string want = config.Get(ing.issuer_key);
        const std::string live = Annotation(*o, "cert-manager.io/cluster-issuer");
        if (live != want) {
          bad.push_back(id + " has cert-manager.io/cluster-issuer '" + live + "', expected '" +
                        want + "' (" + std::string(ing.issuer_key) + ")");
        }
      }
      const std::string live_url = Annotation(*o, "nginx.ingress.kubernetes.io/auth-url");
      const std::string live_signin = Annotation(*o, "nginx.ingress.kubernetes.io/auth-signin");
      if (IngressProtected(ing, config)) {
        if (live_url != auth_url)
          bad.push_back(id + " auth-url is '" + live_url + "', expected '" + auth_url + "'");
        if (live_signin != auth_signin)
          bad.push_back(id + " auth-signin is '" + live_signin + "', expected '" + auth_signin +
                        "'");
      } else if (!live_url.empty() || !live_signin.empty()) {
        bad.push_back(id +
                      " carries oauth2-proxy auth annotations, but the config does not protect "
                      "it (FEAT_OAUTH2_PROXY / INGRESS_PROVIDER / APP_AUTH_ENABLED)");
      }
    }
    if (!bad.empty()) return Fail(JoinList(bad), Rerun(InstallStepId(c)));
    return Pass(std::to_string(c.ingresses.size()) +
                (c.ingresses.size() == 1 ? " ingress matches" : " ingresses match") +
                " the config");
  }

  Outcome Certificates(const Component& c) {
    RequireKind("certificates", "cert-manager's CRDs are not installed", "cert-manager/install");
    const std::string ns = IngressNs(c);
    std::vector<std::string> bad;
    int judged = 0;
    for (const auto& ing : c.ingresses) {
      const Json* o = Find("Ingress", ns, ing.name);
      if (o == nullptr) {
        bad.push_back("ingress " + ns + "/" + std::string(ing.name) + " missing");
        continue;
      }
      const std::string want_issuer = config.Get(ing.issuer_key);
      const Json tls_list = o->value("spec", Json::object()).value("tls", Json::array());
      if (!tls_list.is_array() || tls_list.empty()) {
        bad.push_back("ingress " + ns + "/" + std::string(ing.name) + " has no TLS");
        continue;
      }
      for (const auto& tls : tls_list) {
        const std::string secret = tls.value("secretName", "");
        const Json* cert = nullptr;
        for (const Json* k : Items("Certificate")) {
          if (Ns(*k) == ns && k->value("spec", Json::object()).value("secretName", "") == secret)
            cert = k;
        }
        ++judged;
        if (cert == nullptr) {
          bad.push_back("no Certificate for TLS secret " + ns + "/" + secret);
          continue;
        }
        const std::string id = ns + "/" + Name(*cert);
        const std::string issuer = cert->value("spec", Json::object())
                                       .value("issuerRef", Json::object())
                                       .value("name", "");
        if (issuer != want_issuer) {
          bad.push_back("Certificate " + id + " is issued by '" + issuer + "', expected '" +
                        want_issuer + "' (" + std::string(ing.issuer_key) + ")");
        }
        if (std::string why = ConditionNotReady(*cert); !why.empty())
          bad.push_back("Certificate " + id + " not Ready: " + why);
      }
    }
    if (judged == 0 && bad.empty())
      return Fail("the component's ingresses declare no TLS", Rerun(InstallStepId(c)));
    if (!bad.empty()) {
      return Fail(JoinList(bad), "kubectl -n " + ns +
                                     " describe certificate,certificaterequest,order; then " +
                                     Rerun(InstallStepId(c)));
    }
    return Pass(std::to_string(judged) + (judged == 1 ? " certificate" : " certificates") +
                " Ready from " + config.Get(c.ingresses[0].issuer_key));
  }

  Outcome NodePorts(std::string_view ns, std::string_view name, std::string_view http_port,
                    std::string_view https_port, std::string_view step) {
    const Json* svc = Find("Service", ns, name);
    const std::string id = std::string(ns) + "/" + std::string(name);
    if (svc == nullptr) return Fail("Service " + id + " missing", Rerun(step));
    std::vector<std::string> bad;
    const Json spec = svc->value("spec", Json::object());
    if (spec.value("type", "") != "NodePort")
      bad.push_back("type is " + spec.value("type", "?") + ", expected NodePort");
    auto node_port = [&spec](std::string_view port_name) -> long {
      for (const auto& p : spec.value("ports", Json::array())) {
        if (p.value("name", "") == port_name) return p.value("nodePort", 0L);
      }
      return 0;
    };
    if (long p = node_port(http_port); p != kHttpNodePort)
      bad.push_back(std::string(http_port) + " nodePort " + std::to_string(p) + ", expected " +
                    std::to_string(kHttpNodePort));
    if (long p = node_port(https_port); p != kHttpsNodePort)
      bad.push_back(std::string(https_port) + " nodePort " + std::to_string(p) + ", expected " +
                    std::to_string(kHttpsNodePort));
    if (!bad.empty()) return Fail("Service " + id + ": " + JoinList(bad), Rerun(step));
    return Pass("NodePort " + std::to_string(kHttpNodePort) + "/" + std::to_string(kHttpsNodePort));
  }

  Outcome NginxConfig() {
    const Json* cm = Find("ConfigMap", "ingress", "ingress-nginx-controller");
    if (cm == nullptr)
      return Fail("ConfigMap ingress/ingress-nginx-controller missing",
                  Rerun("ingress/ingress-nginx"));
    if (cm->value("data", Json::object()).value("log-format-upstream", "").empty())
      return Fail("ConfigMap ingress/ingress-nginx-controller has no log-format-upstream",
                  Rerun("ingress/ingress-nginx"));
    return Pass("log-format-upstream set");
  }

  Outcome IngressClass(std::string_view name, bool must_be_default, std::string_view step) {
    const Json* o = Find("IngressClass", "", name);
    if (o == nullptr) return Fail("IngressClass " + std::string(name) + " missing", Rerun(step));
    if (must_be_default &&
        Annotation(*o, "ingressclass.kubernetes.io/is-default-class") != "true") {
      return Fail("IngressClass " + std::string(name) +
                      " is not the default class (ingressclass.kubernetes.io/is-default-class)",
                  Rerun(step));
    }
    return Pass("IngressClass " + std::string(name) + (must_be_default ? " (default)" : ""));
  }

  Outcome Drift() {
    Answer& a = Run("drift");
    if (!a.ok) return Fail("helmfile diff did not run: " + a.error, "check helmfile and helm");
    const std::string& out = a.result.output;
    const int rc = a.result.exit_code;
    if (rc == 0) return Pass("no drift");
    if (rc != 2) {
      std::string remedy = "run the helmfile diff of the step log by hand and fix the error";
      if (out.find("unknown command \"diff\"") != std::string::npos ||
          out.find("plugin \"diff\" not found") != std::string::npos ||
          out.find("helm-diff") != std::string::npos) {
        remedy = "helm plugin install https://github.com/databus23/helm-diff";
      }
      return Fail("helmfile diff failed (exit " + std::to_string(rc) + "): " + Tail(out, 4),
                  remedy);
    }
    DriftReport report = ParseHelmfileDiff(out);
    if (!report.parsed) return Fail(report.error, "run helmfile diff by hand and read the output");
    if (report.items.empty()) {
      return Fail("helmfile diff reported changes (exit 2) but printed no object header",
                  "run the helmfile diff of the run trail by hand and read the output");
    }
    Diagnostics d;
    const std::string rules_path =
        (fs::path(env.repo_root) / "infra/verify/drift-ignore.yaml").string();
    auto rules = LoadDriftIgnoreRules(rules_path, d);
    if (d.HasErrors())
      return Fail("the drift ignore rules are invalid: " + Diagnostics::Format(d.Items().front()),
                  "fix infra/verify/drift-ignore.yaml");
    std::vector<std::string> ignored;
    std::vector<std::string> drift;
    std::set<std::string> steps;
    for (const auto& item : report.items) {
      if (item.change == "suppressed") {
        ignored.push_back(item.ns + "/" + item.name + " " + item.kind +
                          " (suppressed by HELMFILE_DIFF_SUPPRESS_*)");
        continue;
      }
      const std::string what = item.ns + "/" + item.name + " " + item.kind + " " + item.change;
      const auto rule = std::find_if(rules.begin(), rules.end(), [&item](const DriftIgnoreRule& r) {
        return r.name == item.name && r.kind == item.kind && (r.ns.empty() || r.ns == item.ns) &&
               (r.change.empty() || r.change == item.change);
      });
      if (rule != rules.end()) {
        ignored.push_back(what + " (" + rule->reason + ")");
        continue;
      }
      drift.push_back(what);
      // helmfile diffs releases concurrently, so a header cannot be tied to
      // the "Comparing release=" line before it: the steps of every enabled
      // component with a release in the object's namespace (a superset is
      // harmless: apply is idempotent).
      for (const auto& c : Components()) {
        if (!IsEnabled(c, config)) continue;
        for (const auto& rel : c.releases) {
          if (!item.ns.empty() && ResolveReleaseNamespace(rel, config) == item.ns)
            steps.insert(InstallStepId(c));
        }
      }
    }
    if (drift.empty()) return Pass("only ignored drift: " + JoinList(ignored, 3));
    std::string remedy = steps.empty() ? "platformctl apply" : "";
    for (const auto& s : steps) remedy += (remedy.empty() ? Rerun(s) : "," + s);
    return Fail(std::to_string(drift.size()) + " object(s) drifted: " + JoinList(drift), remedy);
  }

  Outcome Nodes() {
    auto nodes = Items("runtime", "Node");
    if (nodes.empty()) return Fail("no nodes found", "check the cluster: kubectl get nodes");
    std::vector<std::string> bad;
    for (const Json* n : nodes) {
      std::string status = "Unknown";
      for (const auto& c : n->value("status", Json::object()).value("conditions", Json::array())) {
        if (c.value("type", "") == "Ready") status = c.value("status", "Unknown");
      }
      if (status != "True") bad.push_back(Name(*n) + " Ready=" + status);
    }
    const std::string counts = std::to_string(nodes.size() - bad.size()) + "/" +
                               std::to_string(nodes.size()) + " nodes Ready";
    if (!bad.empty())
      return Fail(counts + ": " + JoinList(bad), "kubectl describe node NAME; check the kubelet");
    return Pass(counts);
  }

  std::string IngressAddress() {
    if (std::string a = config.Get("VERIFY_INGRESS_ADDRESS"); !a.empty()) return a;
    for (const Json* n : Items("runtime", "Node")) {
      bool ready = false;
      for (const auto& c : n->value("status", Json::object()).value("conditions", Json::array())) {
        if (c.value("type", "") == "Ready" && c.value("status", "") == "True") ready = true;
      }
      if (!ready) continue;
      for (const auto& a : n->value("status", Json::object()).value("addresses", Json::array())) {
        if (a.value("type", "") == "InternalIP") return a.value("address", "");
      }
    }
    return "";
  }

  Outcome Https(const Component& c) {
    if (env.prober == nullptr) return Fail("no HTTPS client in this run", "");
    const std::string address = IngressAddress();
    if (address.empty())
      return Fail("no Ready node with an InternalIP to connect to",
                  "set VERIFY_INGRESS_ADDRESS to the ingress node's address");
    const int port = static_cast<int>(config.GetInt("VERIFY_HTTPS_PORT"));
    const int min_days = static_cast<int>(config.GetInt("VERIFY_CERT_MIN_DAYS"));
    const std::string oauth_start = "https://" + config.Get("OAUTH_HOST") + "/oauth2/start";
    std::vector<std::string> bad;
    std::vector<std::string> good;
    bool unreachable = false;
    for (const auto& ing : c.ingresses) {
      const std::string host = config.Get(ing.host_key);
      HttpsProbeRequest req;
      req.host = host;
      req.connect_address = address;
      req.port = port;
      HttpsProbeResult r = env.prober->Probe(req);
      const std::string where = host + " (via " + address + ":" + std::to_string(port) + ")";
      if (!r.error.empty()) {
        bad.push_back(host + ": " + r.error);
        unreachable = true;
        continue;
      }
      const bool is_protected = IngressProtected(ing, config);
      if (r.status < 200 || r.status >= 400) {
        bad.push_back(where + ": HTTP " + std::to_string(r.status));
      } else if (is_protected && (r.status < 300 || !r.location.starts_with(oauth_start))) {
        bad.push_back(where + ": HTTP " + std::to_string(r.status) + " without the redirect to " +
                      oauth_start + " (protected by oauth2-proxy)" +
                      (r.location.empty() ? "" : "; Location: " + r.location.substr(0, 120)));
      }
      if (!r.certificate) {
        bad.push_back(where + ": served certificate unreadable: " + r.certificate_error);
        continue;
      }
      const std::string issuer = config.Get(ing.issuer_key);
      if (std::string why = JudgeServedCertificate(*r.certificate, IssuerKind(config, issuer), host,
                                                   Now(), min_days);
          !why.empty()) {
        bad.push_back(host + ": " + why);
        continue;
      }
      good.push_back(host + " HTTP " + std::to_string(r.status));
    }
    if (unreachable) {
      return Fail(JoinList(bad), "check that " + address + ":" + std::to_string(port) +
                                     " (VERIFY_INGRESS_ADDRESS, VERIFY_HTTPS_PORT) reaches the "
                                     "ingress controller from here");
    }
    if (!bad.empty()) {
      return Fail(JoinList(bad), "kubectl -n " + IngressNs(c) +
                                     " describe ingress,certificate; then " +
                                     Rerun(InstallStepId(c)));
    }
    return Pass(JoinList(good) + ", certificates valid");
  }

  const Json& ReleaseList() {
    const Answer& a = Must("releases");
    if (!a.json.is_array()) throw QueryError{"helm list printed JSON that is not a list", ""};
    return a.json;
  }

  Outcome Releases(const Component& c) {
    const Json& list = ReleaseList();
    std::vector<std::string> bad;
    bool pending = false;
    for (const auto& rel : c.releases) {
      const std::string ns = ResolveReleaseNamespace(rel, config);
      const std::string id = ns + "/" + std::string(rel.name);
      const Json* found = nullptr;
      for (const auto& r : list) {
        if (r.value("name", "") == rel.name && r.value("namespace", "") == ns) found = &r;
      }
      if (found == nullptr) {
        bad.push_back(id + " not installed");
        continue;
      }
      const std::string status = found->value("status", "");
      if (status != "deployed") {
        bad.push_back(id + " is " + status + " (revision " + found->value("revision", "?") + ")");
        pending = pending || status.starts_with("pending");
      }
    }
    if (!bad.empty()) {
      return Fail(JoinList(bad),
                  pending ? "platformctl apply --recover-pending" : Rerun(InstallStepId(c)));
    }
    return Pass(std::to_string(c.releases.size()) +
                (c.releases.size() == 1 ? " release deployed" : " releases deployed"));
  }

  Outcome Extras() {
    const Json& list = ReleaseList();
    std::set<std::string> expected;
    for (const auto& c : Components()) {
      if (!IsEnabled(c, config)) continue;
      for (const auto& rel : c.releases)
        expected.insert(ResolveReleaseNamespace(rel, config) + "/" + std::string(rel.name));
    }
    std::set<std::string> platform_ns{"kube-system"};
    for (auto ns : ManagedNamespaces()) platform_ns.insert(std::string(ns));
    const bool cluster_scope = config.Get("VERIFY_RELEASE_SCOPE") == "cluster";
    // The sample app in the other app namespace (APP_NAMESPACE changed) and
    // k3s's own helm-controller releases are allowed by default.
    std::vector<std::string> allow{"apps-staging/hello-web", "apps-prod/hello-web",
                                   "kube-system/traefik", "kube-system/traefik-crd"};
    for (const auto& g : config.GetList("VERIFY_RELEASE_ALLOWLIST")) allow.push_back(g);
    std::vector<std::string> allowed;
    std::vector<std::string> unexpected;
    for (const auto& r : list) {
      const std::string ns = r.value("namespace", "");
      const std::string id = ns + "/" + r.value("name", "");
      if (expected.contains(id)) continue;
      if (!cluster_scope && !platform_ns.contains(ns)) continue;
      const bool ok = std::any_of(allow.begin(), allow.end(), [&id](const std::string& g) {
        return fnmatch(g.c_str(), id.c_str(), 0) == 0;
      });
      (ok ? allowed : unexpected).push_back(id);
    }
    const std::string scope = "scope " + config.Get("VERIFY_RELEASE_SCOPE");
    if (!unexpected.empty() && !config.GetBool("VERIFY_RELEASE_STRICT_EXTRAS")) {
      return Skip("VERIFY_RELEASE_STRICT_EXTRAS=false: " + std::to_string(unexpected.size()) +
                  " unexpected release(s) not judged (" + scope + "): " + JoinList(unexpected));
    }
    if (!unexpected.empty()) {
      return Fail("unexpected release(s) (" + scope + "): " + JoinList(unexpected),
                  "uninstall them, or allow them with VERIFY_RELEASE_ALLOWLIST=ns/name globs");
    }
    return Pass("no unexpected releases (" + scope + ")" +
                (allowed.empty() ? "" : "; allowed: " + JoinList(allowed)));
  }

  // helmfile.yaml.gotmpl release blocks: name → namespace, installed gate, component label.
  struct HelmfileRelease {
    std::string ns, installed, component;
  };
  std::map<std::string, HelmfileRelease> HelmfileReleases(std::string& error) {
    std::map<std::string, HelmfileRelease> out;
    const fs::path path = fs::path(env.repo_root) / config.Get("HELMFILE_FILE");
    std::ifstream in(path);
    if (!in) {
      error = "cannot read " + path.string();
      return out;
    }
    static const std::regex kName(R"(^  - name: *([A-Za-z0-9._-]+) *$)");
    static const std::regex kNs(R"(^    namespace: *(.+?) *$)");
    static const std::regex kInstalled(R"(^    installed: *\{\{ *\$i\.([A-Za-z0-9]+) *\}\} *$)");
    static const std::regex kLabel(R"(^      component: *([A-Za-z0-9._-]+) *$)");
    bool in_releases = false;
    std::string current;
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("releases:")) {
        in_releases = true;
        continue;
      }
      if (!in_releases) continue;
      if (!line.empty() && line[0] != ' ' && line[0] != '#' && line[0] != '{') in_releases = false;
      std::smatch m;
      if (std::regex_match(line, m, kName)) {
        current = m[1].str();
        out[current];
      } else if (current.empty()) {
        continue;
      } else if (std::regex_match(line, m, kNs)) {
        out[current].ns = m[1].str();
      } else if (std::regex_match(line, m, kInstalled)) {
        out[current].installed = m[1].str();
      } else if (std::regex_match(line, m, kLabel)) {
        out[current].component = m[1].str();
      }
    }
    if (out.empty()) error = "no release found under 'releases:' in " + path.string();
    return out;
  }

  Outcome Consistency() {
    std::vector<std::string> bad = CheckRegistryIntegrity();
    std::string error;
    auto releases = HelmfileReleases(error);
    if (!error.empty()) return Fail(error, "restore " + config.Get("HELMFILE_FILE"));
    for (const auto& c : Components()) {
      for (const auto& rel : c.releases) {
        auto it = releases.find(std::string(rel.name));
        if (it == releases.end()) {
          bad.push_back("release " + std::string(rel.name) + " (component " + std::string(c.id) +
                        ") is not in the helmfile");
          continue;
        }
        const HelmfileRelease& h = it->second;
        if (!rel.ns.starts_with("${") && h.ns != rel.ns)
          bad.push_back("release " + std::string(rel.name) + " has namespace '" + h.ns +
                        "' in the helmfile, the registry says " + std::string(rel.ns));
        if (h.installed != c.state_key)
          bad.push_back("release " + std::string(rel.name) + " is gated on installed." +
                        h.installed + ", the registry says installed." + std::string(c.state_key));
        if (!c.selector.empty() && "component=" + h.component != c.selector)
          bad.push_back("release " + std::string(rel.name) + " has label component=" + h.component +
                        ", the registry selects " + std::string(c.selector));
      }
    }
    // Every registry feature flag has a default line in config.env.
    std::ifstream env_file(fs::path(env.repo_root) / "config.env");
    std::set<std::string> declared;
    for (std::string line; std::getline(env_file, line);) {
      if (auto eq = line.find('='); eq != std::string::npos && !line.starts_with("#"))
        declared.insert(line.substr(0, eq));
    }
    std::set<std::string_view> flags;
    for (const auto& c : Components()) {
      if (!c.feature_flag.empty()) flags.insert(c.feature_flag);
    }
    for (auto f : flags) {
      if (!declared.contains(std::string(f)))
        bad.push_back(std::string(f) + " has no default in config.env");
    }
    if (!bad.empty())
      return Fail(JoinList(bad), "make the registry (src/registry/components.cc), config.env and " +
                                     config.Get("HELMFILE_FILE") + " agree");
    return Pass(std::to_string(Components().size()) + " components, " +
                std::to_string(releases.size()) + " helmfile releases and " +
                std::to_string(flags.size()) + " feature flags agree");
  }

  Outcome ProviderMatrix() {
    std::map<std::string, std::string> base;
    for (const ConfigEntry* e : config.Entries()) {
      if (e->spec == nullptr || e->spec->secret || e->tainted) continue;
      base[e->key] = EnvQuote(config.Get(e->key));
    }
    std::string error;
    auto releases = HelmfileReleases(error);
    if (!error.empty()) return Fail(error, "restore " + config.Get("HELMFILE_FILE"));
    std::vector<std::string> bad;
    int judged = 0;
    for (std::string_view ingress : {"nginx", "traefik"}) {
      for (std::string_view storage : {"minio", "ceph"}) {
        auto values = base;
        values["INGRESS_PROVIDER"] = std::string(ingress);
        values["OBJECT_STORAGE_PROVIDER"] = std::string(storage);
        values["FEAT_MINIO"] = "true";
        const Config cfg = Config::FromValues(values);
        const auto installed = StateValues(cfg)["installed"];
        const std::string which = std::string(ingress) + "-" + std::string(storage);
        for (const auto& [release, want] :
             {std::pair<std::string, bool>{"ingress-nginx", ingress == "nginx"},
              std::pair<std::string, bool>{"minio", storage == "minio"}}) {
          ++judged;
          auto it = releases.find(release);
          if (it == releases.end()) {
            bad.push_back("[" + which + "] release " + release + " not in the helmfile");
            continue;
          }
          const auto gate = installed.find(it->second.installed);
          if (gate == installed.end() || !gate->is_boolean()) {
            bad.push_back("[" + which + "] the state values lack installed." +
                          it->second.installed);
            continue;
          }
          if (gate->get<bool>() != want)
            bad.push_back("[" + which + "] release " + release +
                          " installed=" + (gate->get<bool>() ? "true" : "false") + ", expected " +
                          (want ? "true" : "false"));
        }
      }
    }
    if (!bad.empty())
      return Fail(JoinList(bad), "fix the provider gating in the registry or the helmfile");
    return Pass(std::to_string(judged) + " provider-matrix gates as expected");
  }

  Outcome Bundle();

  Outcome Judge(const PlannedCheck& check) {
    const std::string_view id = check.row->id;
    if (check.component != nullptr) {
      const Component& c = *check.component;
      const std::string_view what = id.substr(id.find('/') + 1);
      if (what == "workloads") return Workloads(c);
      if (what == "ingress") return Ingresses(c);
      if (what == "certificates") return Certificates(c);
      if (what == "https") return Https(c);
      if (what == "releases") return Releases(c);
    }
    if (id == "config/contract") return ConfigContract();
    if (id == "platform-namespaces/namespaces") return Namespaces();
    if (id == "issuers/present") return IssuersPresent();
    if (id == "issuers/ready") return IssuersReady();
    if (id == "issuers/acme-email") return AcmeEmail();
    if (id == "issuers/acme-servers") return AcmeServers();
    if (id == "issuers/alias") return Alias();
    if (id == "ingress-nginx/service")
      return NodePorts("ingress", "ingress-nginx-controller", "http", "https",
                       "ingress/ingress-nginx");
    if (id == "ingress-nginx/config") return NginxConfig();
    if (id == "ingress-nginx/class") return IngressClass("nginx", true, "ingress/ingress-nginx");
    if (id == "traefik/service")
      return NodePorts("kube-system", "traefik", "web", "websecure", "ingress/traefik");
    if (id == "traefik/class") return IngressClass("traefik", false, "ingress/traefik");
    if (id == "helmfile/drift") return Drift();
    if (id == "cluster/nodes") return Nodes();
    if (id == "releases/extras") return Extras();
    if (id == "registry/consistency") return Consistency();
    if (id == "registry/provider-matrix") return ProviderMatrix();
    if (id == "cluster/diagnostics") return Bundle();
    return Fail("no judge for check " + std::string(id) + " (a registry bug)", "");
  }
};

// ---- diagnostics bundle -------------------------------------------------------

Outcome Verifier::Impl::Bundle() {
  const std::string dir = env.diagnostics_dir.empty()
                              ? (fs::path(env.repo_root) / "artifacts" /
                                 ("diagnostics-" + UtcStamp(Now(), "%Y%m%dT%H%M%SZ")))
                                    .string()
                              : env.diagnostics_dir;
  std::error_code ec;
  fs::create_directories(fs::path(dir) / "pods", ec);
  if (ec) return Fail("cannot create " + dir + ": " + ec.message(), "choose another --out DIR");
  std::vector<std::string> notes;
  std::vector<std::string> missing;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream f(fs::path(dir) / name);
    f << Redact(text, env.secrets);
    if (!f) missing.push_back("cannot write " + name);
  };
  auto table = [](const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> w;
    for (const auto& r : rows)
      for (size_t i = 0; i < r.size(); ++i) {
        if (w.size() <= i) w.push_back(0);
        w[i] = std::max(w[i], r[i].size());
      }
    std::string out;
    for (const auto& r : rows) {
      std::string line;
      for (size_t i = 0; i < r.size(); ++i)
        line += r[i] + (i + 1 < r.size() ? std::string(w[i] - r[i].size() + 2, ' ') : "");
      out += line + "\n";
    }
    return out;
  };
  // Nodes and pods.
  std::vector<const Json*> failing;
  Answer& rt = Run("runtime");
  if (rt.ok) {
    std::vector<std::vector<std::string>> nodes{{"NAME", "READY", "VERSION", "INTERNAL-IP"}};
    std::vector<std::vector<std::string>> pods{{"NAMESPACE", "NAME", "PHASE", "READY", "RESTARTS"}};
    // `failing` keeps pointers into the answer: iterate the cached list itself.
    static const Json kNoItems = Json::array();
    const auto items_it = rt.json.find("items");
    const Json& items = items_it != rt.json.end() && items_it->is_array() ? *items_it : kNoItems;
    for (const auto& o : items) {
      const Json st = o.value("status", Json::object());
      if (o.value("kind", "") == "Node") {
        std::string ready = "Unknown";
        std::string ip;
        for (const auto& c : st.value("conditions", Json::array()))
          if (c.value("type", "") == "Ready") ready = c.value("status", "Unknown");
        for (const auto& a : st.value("addresses", Json::array()))
          if (a.value("type", "") == "InternalIP") ip = a.value("address", "");
        nodes.push_back(
            {Name(o), ready, st.value("nodeInfo", Json::object()).value("kubeletVersion", ""), ip});
      } else if (o.value("kind", "") == "Pod") {
        int total = 0;
        int ready = 0;
        long restarts = 0;
        for (const auto& cs : st.value("containerStatuses", Json::array())) {
          ++total;
          if (cs.value("ready", false)) ++ready;
          restarts += cs.value("restartCount", 0L);
        }
        const std::string phase = st.value("phase", "");
        pods.push_back({Ns(o), Name(o), phase, std::to_string(ready) + "/" + std::to_string(total),
                        std::to_string(restarts)});
        if (phase != "Succeeded" && (phase != "Running" || ready < total)) failing.push_back(&o);
      }
    }
    write("nodes.txt", table(nodes));
    write("pods.txt", table(pods));
    notes.push_back(std::to_string(nodes.size() - 1) + " nodes, " +
                    std::to_string(pods.size() - 1) + " pods");
  } else {
    write("nodes.txt", "query failed: " + rt.error + "\n");
    missing.push_back("nodes and pods (" + rt.error + ")");
  }
  // Events of the last hour (W32: the seed said so but did not filter).
  Answer& ev = Run("events");
  if (ev.ok) {
    const std::int64_t since = Now() - 3600;
    std::vector<std::pair<std::int64_t, std::vector<std::string>>> rows;
    for (const auto& e : ev.json.value("items", Json::array())) {
      std::string when = Str(e, "lastTimestamp");
      if (when.empty()) when = Str(e, "eventTime");
      if (when.empty()) when = Str(Md(e), "creationTimestamp");
      const std::int64_t t = ParseTime(when);
      if (t < since) continue;
      const Json obj = e.value("involvedObject", Json::object());
      rows.push_back(
          {t,
           {when, Str(e, "type"), Ns(e), Lower(Str(obj, "kind")) + "/" + Str(obj, "name"),
            Str(e, "reason"), Str(e, "message")}});
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::vector<std::string>> t{
        {"TIME", "TYPE", "NAMESPACE", "OBJECT", "REASON", "MESSAGE"}};
    for (auto& r : rows) t.push_back(std::move(r.second));
    write("events-last-hour.txt", table(t));
    notes.push_back(std::to_string(rows.size()) + " events in the last hour");
  } else {
    write("events-last-hour.txt", "query failed: " + ev.error + "\n");
    missing.push_back("events (" + ev.error + ")");
  }
  // Releases with their status.
  Answer& rel = Run("releases");
  if (rel.ok && rel.json.is_array()) {
    std::vector<std::vector<std::string>> t{
        {"NAMESPACE", "NAME", "REVISION", "STATUS", "CHART", "UPDATED"}};
    for (const auto& r : rel.json)
      t.push_back({r.value("namespace", ""), r.value("name", ""), r.value("revision", ""),
                   r.value("status", ""), r.value("chart", ""), r.value("updated", "")});
    write("helm-releases.txt", table(t));
    notes.push_back(std::to_string(t.size() - 1) + " releases");
  } else {
    write("helm-releases.txt", "query failed: " + rel.error + "\n");
    missing.push_back("releases (" + rel.error + ")");
  }
  // describe + log tail of failing pods (bounded).
  size_t described = 0;
  for (const Json* p : failing) {
    if (described == kMaxFailingPods) break;
    ++described;
    const std::string base = Ns(*p) + "_" + Name(*p);
    CommandOp describe;
    describe.argv = env.kubectl;
    describe.argv.insert(describe.argv.end(), {"describe", "pod", Name(*p), "--namespace", Ns(*p)});
    describe.timeout_s = 30;
    ProcessResult d = Spawn(describe);
    write("pods/" + base + ".describe.txt",
          d.output + (d.Ok() ? "" : "\n# " + d.Describe() + "\n"));
    CommandOp logs;
    logs.argv = env.kubectl;
    logs.argv.insert(logs.argv.end(), {"logs", Name(*p), "--namespace", Ns(*p), "--all-containers",
                                       "--prefix", "--tail=100"});
    logs.timeout_s = 30;
    ProcessResult l = Spawn(logs);
    write("pods/" + base + ".log.txt", l.output + (l.Ok() ? "" : "\n# " + l.Describe() + "\n"));
  }
  if (!failing.empty())
    notes.push_back(std::to_string(failing.size()) + " failing pods (" + std::to_string(described) +
                    " described)");
  if (missing.size() >= 3 || (!missing.empty() && notes.empty()))
    return Fail("bundle " + dir + " is incomplete: " + JoinList(missing),
                "check cluster access: kubectl get nodes");
  std::string msg = "wrote " + dir + ": " + JoinList(notes);
  if (!missing.empty()) msg += "; missing: " + JoinList(missing);
  return Pass(msg);
}

Verifier::Verifier(const Config& config, VerifyEnv env, std::vector<VerifyQuery> queries)
    : impl_(std::make_unique<Impl>(config, std::move(env), std::move(queries))) {}
Verifier::~Verifier() = default;

CheckResult Verifier::Run(const PlannedCheck& check) {
  const auto t0 = std::chrono::steady_clock::now();
  Outcome o;
  try {
    o = impl_->Judge(check);
  } catch (const QueryError& e) {
    o = Fail(e.message, e.remediation);
  } catch (const std::exception& e) {
    // An answer of an unexpected shape (a null where a string was due, ...):
    // this check fails, the others still run.
    o = Fail(std::string("cannot judge the answer: ") + e.what(),
             "report this with the query logs of the run trail");
  }
  CheckResult r;
  r.id = check.id;
  r.tier = check.row->tier;
  r.status = o.status;
  r.message = Redact(o.message, impl_->env.secrets);
  r.remediation = o.status == CheckStatus::kFail ? Redact(o.remediation, impl_->env.secrets) : "";
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

void Verifier::Prefetch(const std::vector<PlannedCheck>& checks) { impl_->Prefetch(checks); }

std::vector<CheckResult> Verifier::Run(const std::vector<PlannedCheck>& checks) {
  impl_->Prefetch(checks);
  std::vector<CheckResult> out;
  out.reserve(checks.size());
  for (const auto& c : checks) out.push_back(Run(c));
  return out;
}

int Verifier::processes() const { return impl_->processes.load(); }

std::string TakeAnswer(const std::string& path, const std::vector<std::string>& secrets) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream ss;
  ss << in.rdbuf();
  in.close();
  // The secrets as they appear inside JSON strings too: standard escapes and
  // Go's (encoding/json also writes &, <, > as \u0026, \u003c, \u003e).
  std::vector<std::string> forms = secrets;
  for (const auto& secret : secrets) {
    std::string json = Json(secret).dump();
    json = json.substr(1, json.size() - 2);
    std::string go;
    for (char c : json) {
      if (c == '&')
        go += "\\u0026";
      else if (c == '<')
        go += "\\u003c";
      else if (c == '>')
        go += "\\u003e";
      else
        go += c;
    }
    for (const auto& f : {json, go}) {
      if (f != secret && std::find(forms.begin(), forms.end(), f) == forms.end())
        forms.push_back(f);
    }
  }
  std::string text = Redact(ss.str(), forms);
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  return text;
}

int VerifyExitCode(const std::vector<CheckResult>& results) {
  return std::any_of(results.begin(), results.end(),
                     [](const CheckResult& r) { return r.status == CheckStatus::kFail; })
             ? 1
             : 0;
}

}  // namespace platformctl
