// `platformctl flux bootstrap` / `flux reconcile` through the binary, with
// fake kubectl/helm/flux (tests/integration/fake-bin/fake_tool.py) on PATH;
// and the cluster/ tree rendered with real kubectl for every shipped profile.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <set>

#include "test_util.h"

namespace platformctl {
namespace {

using json = nlohmann::json;
using testing::CliResult;
using testing::ReadAll;
using testing::RunCli;
using testing::TempRepo;
namespace fs = std::filesystem;

constexpr const char* kToken = "ghp-Flux-Token-Never-In-Argv-5555";

std::string FakeBin() { return testing::SourceDir() + "/tests/integration/fake-bin"; }

// A scratch repo with the example secrets, a fake cluster and a call log.
class FluxCluster {
 public:
  FluxCluster() {
    repo_.UseExampleSecrets();
    repo_.Write("profiles/local.env", "FEAT_VERIFY=false\n");
    SetState(Healthy());
  }
  static json Healthy() {
    return json{{"context", "lab"},
                {"contexts", {"lab"}},
                {"uid", "uid-1"},
                {"nodes", {{{"name", "node1"}}}},
                {"daemonsets", {{{"name", "cilium"}, {"desired", 1}, {"ready", 1}}}}};
  }
  [[nodiscard]] fs::path Root() const { return repo_.Root(); }
  void SetState(const json& j) const { repo_.Write("fake-state.json", j.dump()); }
  [[nodiscard]] json State() const { return json::parse(ReadAll(Root() / "fake-state.json")); }
  void Patch(const json& patch) const {
    json s = State();
    s.merge_patch(patch);
    SetState(s);
  }
  void AddSecret(const std::string& line) const {
    repo_.Write("profiles/secrets.env",
                ReadAll(Root() / "profiles/secrets.env") + "\n" + line + "\n");
  }
  [[nodiscard]] std::map<std::string, std::string> Env() const {
    return {{"PATH", FakeBin() + ":/usr/bin:/bin"},
            {"FAKE_STATE", (Root() / "fake-state.json").string()},
            {"FAKE_LOG", (Root() / "calls.jsonl").string()}};
  }
  CliResult Run(const std::vector<std::string>& args) const {
    return RunCli(args, Root().string(), Env());
  }
  [[nodiscard]] std::vector<json> Calls() const {
    std::vector<json> out;
    if (!fs::exists(Root() / "calls.jsonl")) return out;
    std::stringstream ss(ReadAll(Root() / "calls.jsonl"));
    for (std::string line; std::getline(ss, line);) {
      if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
  }
  void ClearCalls() const { fs::remove(Root() / "calls.jsonl"); }
  /// Every file under the latest run dir of `mode`, concatenated.
  [[nodiscard]] std::string Trail(const std::string& mode) const {
    std::vector<fs::path> runs;
    for (const auto& e : fs::directory_iterator(Root() / "artifacts/runs")) {
      if (e.path().filename().string().find(mode) != std::string::npos) runs.push_back(e.path());
    }
    std::sort(runs.begin(), runs.end());
    std::string all;
    if (runs.empty()) return all;
    for (const auto& e : fs::recursive_directory_iterator(runs.back())) {
      if (e.is_regular_file()) all += ReadAll(e.path());
    }
    return all;
  }
  [[nodiscard]] json Record() const {
    for (const auto& o : State().value("objects", json::array())) {
      if (o["kind"] == "ConfigMap" && o["name"] == "platformctl-state") return o;
    }
    return json();
  }

 private:
  TempRepo repo_;
};

std::string Joined(const json& call) {
  std::string out = call["tool"].get<std::string>();
  for (const auto& a : call["argv"]) out += " " + a.get<std::string>();
  return out;
}

std::vector<std::string> Commands(const std::vector<json>& calls) {
  std::vector<std::string> out;
  for (const auto& c : calls) out.push_back(Joined(c));
  return out;
}

size_t IndexOf(const std::vector<std::string>& cmds, const std::string& needle) {
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (cmds[i].find(needle) != std::string::npos) return i;
  }
  return cmds.size();
}

json HelmfileRelease(const std::string& ns, const std::string& name) {
  return json{{"name", name}, {"namespace", ns}, {"status", "deployed"}, {"revision", "1"}};
}

TEST(Flux, BootstrapDryRunShowsEveryCommandAndFile) {
  FluxCluster c;
  auto r = c.Run({"flux", "bootstrap", "--dry-run", "-p", "provider-traefik"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(c.Calls().empty()) << "a dry-run spawns nothing";
  for (const char* s :
       {"Flux bootstrap plan", "$ flux --version",
        "$ kubectl get nodes,daemonsets --namespace kube-system --output=json",
        "$ helm list --all-namespaces --all --output=json",
        "$ kubectl get helmreleases.helm.toolkit.fluxcd.io --all-namespaces --output=json",
        "set owner: flux", "$ flux install --timeout=300s",
        "write {repo}/artifacts/flux/platform-settings.yaml",
        "write {repo}/artifacts/flux/stack.yaml", "INGRESS_CLASS: \"traefik\"",
        "value: ./cluster/overlays/homelab/providers/ingress-traefik",
        "$ kubectl apply --kustomize '{repo}/cluster/flux'",
        "$ kubectl apply --filename '{repo}/artifacts/flux/platform-settings.yaml'",
        "$ kubectl apply --filename '{repo}/artifacts/flux/stack.yaml'"}) {
    EXPECT_NE(r.out.find(s), std::string::npos) << s << "\n" << r.out;
  }
  EXPECT_NE(r.err.find("Dry run: nothing was executed."), std::string::npos);
  // JSON: the files with content and hash.
  auto j = c.Run({"flux", "bootstrap", "--dry-run", "-o", "json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const json plan = json::parse(j.out);
  EXPECT_EQ(plan["command"], "flux-bootstrap");
  int files = 0;
  for (const auto& s : plan["steps"]) {
    for (const auto& a : s["actions"]) {
      if (a["action"] != "write-file") continue;
      ++files;
      EXPECT_EQ(a["params"]["sha256"].get<std::string>().size(), 64U);
      EXPECT_FALSE(a["params"]["content"].get<std::string>().empty());
    }
  }
  EXPECT_EQ(files, 2);
  // No secret value of the profile appears anywhere in the plan.
  for (const char* secret : {"replace-with-client-secret", "0123456789abcdef0123456789abcdef",
                             "replace-with-a-long-random-password"}) {
    EXPECT_EQ(j.out.find(secret), std::string::npos) << secret;
    EXPECT_EQ(r.out.find(secret), std::string::npos) << secret;
  }
}

TEST(Flux, BootstrapRefusesHelmfileOwnedReleasesAdoptsThemAndApplyThenRefuses) {
  FluxCluster c;
  c.Patch({{"releases",
            {HelmfileRelease("kube-system", "platform-namespaces"),
             HelmfileRelease("kube-system", "cilium")}}});
  auto r = c.Run({"flux", "bootstrap"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("kube-system/platform-namespaces, kube-system/cilium"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("two owners"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("--adopt"), std::string::npos) << r.err;
  auto cmds = Commands(c.Calls());
  EXPECT_EQ(IndexOf(cmds, "flux install"), cmds.size()) << "nothing installed after the refusal";
  EXPECT_TRUE(c.Record().is_null()) << "no owner written";

  c.ClearCalls();
  r = c.Run({"flux", "bootstrap", "--adopt"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("adopting into Flux: kube-system/platform-namespaces, kube-system/cilium"),
            std::string::npos)
      << r.err;
  const json rec = c.Record();
  ASSERT_FALSE(rec.is_null());
  EXPECT_EQ(rec["data"]["owner"], "flux");
  EXPECT_NE(rec["data"]["releases"].get<std::string>().find("kube-system/cilium"),
            std::string::npos);
  cmds = Commands(c.Calls());
  const size_t install = IndexOf(cmds, "flux install --timeout=300s");
  const size_t kustomize = IndexOf(cmds, "kubectl apply --kustomize");
  const size_t stack = IndexOf(cmds, "artifacts/flux/stack.yaml");
  ASSERT_LT(install, cmds.size());
  EXPECT_LT(IndexOf(cmds, "helm list"), install);
  EXPECT_LT(install, kustomize);
  EXPECT_LT(kustomize, stack);
  EXPECT_LT(stack, cmds.size());
  EXPECT_NE(IndexOf(cmds, c.Root().string() + "/cluster/flux"), cmds.size()) << "absolute path";
  // The generated files were written and are what the plan showed.
  const std::string settings = ReadAll(c.Root() / "artifacts/flux/platform-settings.yaml");
  EXPECT_NE(settings.find("name: platform-settings"), std::string::npos);
  EXPECT_NE(ReadAll(c.Root() / "artifacts/flux/stack.yaml").find("name: homelab-flux-stack"),
            std::string::npos);
  ASSERT_TRUE(fs::exists(c.Root() / "artifacts/runs"));
  bool trail = false;
  for (const auto& e : fs::directory_iterator(c.Root() / "artifacts/runs"))
    trail |= e.path().filename().string().ends_with("-flux-bootstrap");
  EXPECT_TRUE(trail) << "trail under artifacts/runs/<UTC>-flux-bootstrap";

  // Now Flux owns the platform: apply and delete refuse before any change.
  c.ClearCalls();
  auto a = c.Run({"apply", "-p", "overlay-staging"});
  EXPECT_EQ(a.exit_code, 3) << a.err;
  EXPECT_NE(a.err.find("owned by Flux"), std::string::npos) << a.err;
  EXPECT_NE(a.err.find("platformctl flux reconcile"), std::string::npos) << a.err;
  const auto after = c.Calls();
  EXPECT_FALSE(std::any_of(after.begin(), after.end(),
                           [](const json& x) { return x["tool"] == "helmfile"; }));
  auto d = c.Run({"delete", "--yes"});
  EXPECT_EQ(d.exit_code, 3) << d.err;
  EXPECT_NE(d.err.find("owned by Flux"), std::string::npos) << d.err;
  for (const auto& cmd : Commands(c.Calls()))
    EXPECT_EQ(cmd.find("helm uninstall"), std::string::npos) << cmd;
}

TEST(Flux, BootstrapWithFluxOwnedReleasesNeedsNoAdopt) {
  FluxCluster c;
  c.Patch({{"releases", {HelmfileRelease("kube-system", "cilium")}},
           {"crds", {"helmreleases.helm.toolkit.fluxcd.io"}},
           {"helmreleases",
            {{{"name", "cilium"},
              {"namespace", "kube-system"},
              {"history", {{{"name", "cilium"}, {"namespace", "kube-system"}}}}}}}});
  auto r = c.Run({"flux", "bootstrap"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(Flux, BootstrapRefusesWithoutCiliumAndNamesTheFix) {
  FluxCluster c;
  c.Patch({{"daemonsets", json::array()}});
  auto r = c.Run({"flux", "bootstrap"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("Cilium is not installed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("platformctl apply --only prereqs,cilium"), std::string::npos) << r.err;
  auto cmds = Commands(c.Calls());
  EXPECT_EQ(IndexOf(cmds, "flux install"), cmds.size());
  // Not ready counts as missing.
  c.Patch({{"daemonsets", {{{"name", "cilium"}, {"desired", 2}, {"ready", 1}}}}});
  r = c.Run({"flux", "bootstrap"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("Cilium is not ready"), std::string::npos) << r.err;
  // FEAT_CILIUM=false: no CNI check at all.
  c.ClearCalls();
  r = c.Run({"flux", "bootstrap", "--set", "FEAT_CILIUM=false"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(IndexOf(Commands(c.Calls()), "nodes,daemonsets"), Commands(c.Calls()).size());
}

TEST(Flux, GitTokenReachesFluxOnlyAsItsEnvironment) {
  FluxCluster c;
  c.AddSecret(std::string("FLUX_GIT_TOKEN=") + kToken);
  const std::vector<std::string> args = {
      "flux",  "bootstrap",
      "--set", "FLUX_MODE=bootstrap",
      "--set", "FLUX_GIT_URL=https://git.example.com/me/platform.git",
      "--set", "FLUX_GIT_PATH=clusters/lab"};
  auto dry = c.Run([&] {
    auto a = args;
    a.emplace_back("--dry-run");
    return a;
  }());
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("[env: GIT_PASSWORD]"), std::string::npos) << dry.out;
  EXPECT_EQ(dry.out.find(kToken), std::string::npos);

  auto r = c.Run(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  bool saw_bootstrap = false;
  for (const auto& call : c.Calls()) {
    const std::string cmd = Joined(call);
    EXPECT_EQ(cmd.find(kToken), std::string::npos) << "token in argv: " << cmd;
    const bool is_bootstrap =
        call["tool"] == "flux" && cmd.find("bootstrap git") != std::string::npos;
    if (is_bootstrap) {
      saw_bootstrap = true;
      EXPECT_EQ(call["env"].value("GIT_PASSWORD", ""), kToken);
      for (const char* f : {"--url=https://git.example.com/me/platform.git", "--branch=main",
                            "--path=clusters/lab", "--token-auth", "--silent"})
        EXPECT_NE(cmd.find(f), std::string::npos) << f << " in " << cmd;
    } else {
      EXPECT_FALSE(call["env"].contains("GIT_PASSWORD")) << cmd;
    }
    // Never inherited under its config name either.
    EXPECT_FALSE(call["env"].contains("FLUX_GIT_TOKEN")) << cmd;
  }
  EXPECT_TRUE(saw_bootstrap);
  EXPECT_EQ(r.out.find(kToken), std::string::npos);
  EXPECT_EQ(r.err.find(kToken), std::string::npos);
  const std::string trail = c.Trail("flux-bootstrap");
  EXPECT_FALSE(trail.empty());
  EXPECT_EQ(trail.find(kToken), std::string::npos) << "token in the run trail";
  EXPECT_NE(ReadAll(c.Root() / "artifacts/flux/stack.yaml").find("name: flux-system"),
            std::string::npos)
      << "the GitRepository reads the credentials flux bootstrap stored";
  EXPECT_EQ(ReadAll(c.Root() / "artifacts/flux/stack.yaml").find(kToken), std::string::npos);
}

TEST(Flux, BootstrapModeRefusesWithoutTokenOrHttps) {
  FluxCluster c;
  auto r = c.Run({"flux", "bootstrap", "--set", "FLUX_MODE=bootstrap"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("FLUX_GIT_TOKEN is empty"), std::string::npos) << r.err;
  r = c.Run({"flux", "bootstrap", "--dry-run", "--set", "FLUX_MODE=bootstrap", "--set",
             "FLUX_GIT_URL=http://git.example.com/me/platform.git"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("needs an https:// FLUX_GIT_URL"), std::string::npos) << r.err;
  EXPECT_TRUE(c.Calls().empty());
}

TEST(Flux, ReconcileRunsSourceThenStackWithSourceAndTimeout) {
  FluxCluster c;
  auto dry = c.Run({"flux", "reconcile", "--dry-run", "--set", "FLUX_RECONCILE_TIMEOUT=2m"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("Flux reconcile plan"), std::string::npos) << dry.out;
  auto r = c.Run({"flux", "reconcile", "--set", "FLUX_RECONCILE_TIMEOUT=2m", "--context", "lab"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> flux;
  for (const auto& cmd : Commands(c.Calls())) {
    if (cmd.starts_with("flux ")) flux.push_back(cmd);
  }
  ASSERT_EQ(flux.size(), 2U);
  EXPECT_EQ(flux[0],
            "flux --context lab reconcile source git swhurl-platform --namespace flux-system "
            "--timeout=120s");
  EXPECT_EQ(flux[1],
            "flux --context lab reconcile kustomization homelab-flux-stack --namespace "
            "flux-system --with-source --timeout=120s");
  // The process deadline is a bit above flux's own timeout.
  auto j =
      c.Run({"flux", "reconcile", "--dry-run", "-o", "json", "--set", "FLUX_RECONCILE_TIMEOUT=2m"});
  const json plan = json::parse(j.out);
  for (const auto& s : plan["steps"]) EXPECT_EQ(s["commands"][0]["timeoutSeconds"], 150);
  bool trail = false;
  for (const auto& e : fs::directory_iterator(c.Root() / "artifacts/runs"))
    trail |= e.path().filename().string().ends_with("-flux-reconcile");
  EXPECT_TRUE(trail);
}

// ---- the cluster/ tree vs the helmfile, for every shipped profile ----------

std::string Kubectl() {
  for (const char* p : {"/usr/bin/kubectl", "/usr/local/bin/kubectl"}) {
    if (::access(p, X_OK) == 0) return p;
  }
  const std::string tools = testing::SourceDir() + "/.tools/bin/kubectl";
  return ::access(tools.c_str(), X_OK) == 0 ? tools : std::string();
}

// "namespace/releaseName" of every HelmRelease in a multi-document render.
std::set<std::string> HelmReleases(const std::string& yaml) {
  std::set<std::string> out;
  for (const auto& doc : YAML::LoadAll(yaml)) {
    if (!doc.IsMap() || doc["kind"].as<std::string>("") != "HelmRelease") continue;
    const auto spec = doc["spec"];
    std::string name = spec["releaseName"].as<std::string>("");
    if (name.empty()) name = doc["metadata"]["name"].as<std::string>();
    std::string ns = spec["targetNamespace"].as<std::string>("");
    if (ns.empty()) ns = doc["metadata"]["namespace"].as<std::string>("");
    out.insert(ns + "/" + name);
  }
  return out;
}

TEST(FluxTree, RendersTheHelmfileReleasesForEveryShippedProfile) {
  const std::string kubectl = Kubectl();
  if (kubectl.empty()) GTEST_SKIP() << "kubectl not found: cluster/ render comparison skipped";
  const std::string src = testing::SourceDir();
  TempRepo repo;
  repo.UseExampleSecrets();
  int profiles = 0;
  for (const auto& e : fs::directory_iterator(fs::path(src) / "profiles")) {
    const std::string file = e.path().filename().string();
    if (!file.ends_with(".env") || file.starts_with("secrets")) continue;
    const std::string profile = file.substr(0, file.size() - 4);
    SCOPED_TRACE(profile);
    ++profiles;
    // What the helmfile path installs: the plan's install record.
    auto p = RunCli({"plan", "-o", "json", "-p", profile}, repo.Root().string());
    ASSERT_EQ(p.exit_code, 0) << p.err;
    std::set<std::string> want;
    const json plan = json::parse(p.out);
    for (const auto& op : plan["preflight"]) {
      if (op.value("action", "") == "install-record")
        for (const auto& r : op["params"]["releases"]) want.insert(r.get<std::string>());
    }
    ASSERT_FALSE(want.empty());
    // The generated stack: homelab-flux-stack's patches applied by real
    // kustomize to the layer Kustomizations in git.
    auto b = RunCli({"flux", "bootstrap", "--dry-run", "-o", "json", "-p", profile},
                    repo.Root().string());
    ASSERT_EQ(b.exit_code, 0) << b.err;
    std::string stack;
    const json boot = json::parse(b.out);
    for (const auto& s : boot["steps"]) {
      for (const auto& a : s["actions"]) {
        if (a["action"] == "write-file" &&
            a["params"]["path"].get<std::string>().ends_with("artifacts/flux/stack.yaml"))
          stack = a["params"]["content"];
      }
    }
    ASSERT_FALSE(stack.empty());
    YAML::Node patches;
    for (const auto& doc : YAML::LoadAll(stack)) {
      if (doc["kind"].as<std::string>("") == "Kustomization") patches = doc["spec"]["patches"];
    }
    ASSERT_TRUE(patches.IsSequence());
    TempRepo scratch;
    fs::copy_file(fs::path(src) / "cluster/overlays/homelab/flux/stack-kustomizations.yaml",
                  scratch.Root() / "stack-kustomizations.yaml");
    YAML::Node k;
    k["apiVersion"] = "kustomize.config.k8s.io/v1beta1";
    k["kind"] = "Kustomization";
    k["resources"].push_back("stack-kustomizations.yaml");
    k["patches"] = patches;
    YAML::Emitter em;
    em << k;
    scratch.Write("kustomization.yaml", em.c_str(), 0644);
    auto layers = testing::RunProgram({kubectl, "kustomize", scratch.Root().string()}, src);
    ASSERT_EQ(layers.exit_code, 0) << layers.err;
    std::set<std::string> got;
    int n = 0;
    for (const auto& doc : YAML::LoadAll(layers.out)) {
      if (!doc.IsMap() || doc["kind"].as<std::string>("") != "Kustomization") continue;
      ++n;
      const std::string path = doc["spec"]["path"].as<std::string>();
      auto render = testing::RunProgram({kubectl, "kustomize", src + "/" + path}, src);
      ASSERT_EQ(render.exit_code, 0) << path << ": " << render.err;
      for (const auto& r : HelmReleases(render.out)) {
        EXPECT_TRUE(got.insert(r).second) << r << " rendered by two layers";
      }
    }
    EXPECT_EQ(n, 10);
    EXPECT_EQ(got, want) << "Flux HelmReleases (left) vs helmfile releases (right)";
  }
  EXPECT_GE(profiles, 8);
}

}  // namespace
}  // namespace platformctl
