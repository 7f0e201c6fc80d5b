// Host facts and the host layer's pure helpers (units, k3s flags and
// read-backs, package queries, kubeconfig merge). See platformctl/host.h.
#include "platformctl/host.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "platformctl/config.h"

namespace platformctl {
namespace {

std::string Unquote(std::string_view v) {
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) {
    v = v.substr(1, v.size() - 2);
  }
  return std::string(v);
}

bool HasWord(std::string_view list, std::string_view word) {
  std::istringstream in{std::string(list)};
  std::string w;
  while (in >> w) {
    if (w == word) return true;
  }
  return false;
}

bool IsDir(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string HostPath(const HostFacts& facts, std::string_view path) {
  std::string root = facts.root;
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root + std::string(path);
}

std::string PackageManagerFor(std::string_view os_id, std::string_view os_like) {
  const std::string ids = std::string(os_id) + " " + std::string(os_like);
  auto any = [&ids](std::initializer_list<std::string_view> names) {
    return std::any_of(names.begin(), names.end(),
                       [&ids](std::string_view n) { return HasWord(ids, n); });
  };
  if (any({"debian", "ubuntu", "raspbian", "linuxmint", "pop"})) return "apt";
  if (any({"fedora", "rhel", "centos", "rocky", "almalinux", "amzn"})) return "dnf";
  if (any({"arch", "manjaro", "endeavouros"})) return "pacman";
  if (any({"suse", "opensuse", "opensuse-leap", "opensuse-tumbleweed", "sles"})) return "zypper";
  return "";
}

HostFacts GatherHostFacts(const std::string& root) {
  HostFacts f;
  f.root = root;
  std::ifstream in(HostPath(f, "/etc/os-release"));
  std::string line;
  while (std::getline(in, line)) {
    const auto eq = line.find('=');
    if (eq == std::string::npos || line.starts_with("#")) continue;
    const std::string key = line.substr(0, eq);
    const std::string value = Unquote(line.substr(eq + 1));
    if (key == "ID") f.os_id = value;
    if (key == "ID_LIKE") f.os_like = value;
    if (key == "PRETTY_NAME") f.os_name = value;
  }
  f.package_manager = PackageManagerFor(f.os_id, f.os_like);
  f.systemd = IsDir(HostPath(f, "/run/systemd/system"));
  long euid = static_cast<long>(::geteuid());
  if (const char* t = std::getenv("PLATFORMCTL_TEST_EUID"); t != nullptr && *t != '\0') {
    euid = std::strtol(t, nullptr, 10);
  }
  f.is_root = euid == 0;
  const char* sudo_user = std::getenv("SUDO_USER");
  const passwd* pw = nullptr;
  if (f.is_root && sudo_user != nullptr && *sudo_user != '\0') pw = ::getpwnam(sudo_user);
  if (pw == nullptr) pw = ::getpwuid(::geteuid());
  if (pw != nullptr) {
    f.user = pw->pw_name;
    f.home = pw->pw_dir;
    f.uid = static_cast<int>(pw->pw_uid);
    f.gid = static_cast<int>(pw->pw_gid);
  }
  if (const char* home = std::getenv("HOME");
      home != nullptr && *home != '\0' && (sudo_user == nullptr || !f.is_root)) {
    f.home = home;  // the invoking user's own HOME, unless sudo changed users
  }
  char self[4096];
  const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  if (n > 0) f.platformctl = std::string(self, static_cast<size_t>(n));
  return f;
}

// ---- systemd units --------------------------------------------------------------

std::string SystemdQuote(std::string_view word) {
  std::string escaped;
  bool quote = word.empty();
  for (char c : word) {
    if (c == '%') {
      escaped += "%%";
    } else if (c == '$') {
      escaped += "$$";
    } else if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
      quote = true;
    } else {
      if (c == ' ' || c == '\t' || c == '\'' || c == ';') quote = true;
      escaped += c;
    }
  }
  return quote ? "\"" + escaped + "\"" : escaped;
}

std::string RenderDnsService(const HostFacts& facts, const std::string& repo_root,
                             const std::string& profile) {
  std::string exec =
      SystemdQuote(facts.platformctl.empty() ? "/usr/local/bin/platformctl" : facts.platformctl) +
      " --repo " + SystemdQuote(repo_root);
  if (!profile.empty()) {
    const std::string abs = profile.starts_with("/") ? profile : repo_root + "/" + profile;
    exec += " --profile " + SystemdQuote(abs);
  }
  exec += " dns update";
  std::string out;
  out += std::string(kManagedUnitMarker) +
         " (platformctl host apply writes it, platformctl host delete removes it; edits are "
         "overwritten)\n";
  out += "[Unit]\n";
  out += "Description=platformctl Route53 dynamic DNS update\n";
  out += "Wants=network-online.target\n";
  out += "After=network-online.target\n";
  out += "\n[Service]\n";
  // oneshot without Restart=: a failure waits for the next timer run (W46).
  out += "Type=oneshot\n";
  if (!facts.user.empty() && facts.user != "root") out += "User=" + facts.user + "\n";
  out += "WorkingDirectory=" + SystemdQuote(repo_root) + "\n";
  out += "ExecStart=" + exec + "\n";
  return out;
}

std::optional<std::string> CalendarFor(long s) {
  if (s <= 0) return std::nullopt;
  if (s % 60 != 0) return std::nullopt;
  const long m = s / 60;
  if (m < 60 && 60 % m == 0) return m == 1 ? std::string("*:*") : "*:0/" + std::to_string(m);
  if (m % 60 != 0) return std::nullopt;
  const long h = m / 60;
  if (h == 24) return std::string("daily");
  if (h < 24 && 24 % h == 0) return "*-*-* 0/" + std::to_string(h) + ":00:00";
  return std::nullopt;
}

std::optional<std::string> RenderDnsTimer(long interval_seconds) {
  auto calendar = CalendarFor(interval_seconds);
  if (!calendar) return std::nullopt;
  std::string out;
  out += std::string(kManagedUnitMarker) +
         " (platformctl host apply writes it, platformctl host delete removes it; edits are "
         "overwritten)\n";
  out += "[Unit]\n";
  out += "Description=Run platformctl dns update (" + *calendar + ")\n";
  out += "\n[Timer]\n";
  out += "OnCalendar=" + *calendar + "\n";
  out += "OnBootSec=1min\n";
  out += "AccuracySec=1min\n";
  out += "RandomizedDelaySec=30s\n";
  out += "Persistent=true\n";
  out += "Unit=" + std::string(kDnsService) + "\n";
  out += "\n[Install]\n";
  out += "WantedBy=timers.target\n";
  return out;
}

// ---- k3s -------------------------------------------------------------------------

std::vector<std::string> K3sServerFlags(const Config& config) {
  std::vector<std::string> flags;
  if (config.GetBool("FEAT_CILIUM")) {
    flags.emplace_back("--flannel-backend=none");
    flags.emplace_back("--disable-network-policy");
  }
  if (config.Get("K3S_INGRESS_MODE") == "none") flags.emplace_back("--disable=traefik");
  // Split on whitespace only: a flag value may hold commas (--tls-san=a,b).
  std::istringstream extra(config.Get("K3S_EXTRA_ARGS"));
  for (std::string f; extra >> f;) flags.push_back(f);
  return flags;
}

std::optional<std::vector<std::string>> ParseK3sServiceFlags(std::string_view unit) {
  // The installer writes: ExecStart=/usr/local/bin/k3s <backslash-newline>
  // server <backslash-newline> '--flannel-backend=none' <backslash-newline> ...
  const auto start = unit.find("ExecStart=");
  if (start == std::string_view::npos) return std::nullopt;
  std::string joined;
  size_t pos = start + 10;
  while (pos < unit.size()) {
    size_t eol = unit.find('\n', pos);
    if (eol == std::string_view::npos) eol = unit.size();
    std::string_view line = unit.substr(pos, eol - pos);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    const bool more = !line.empty() && line.back() == '\\';
    if (more) line.remove_suffix(1);
    joined += std::string(line) + " ";
    pos = eol + 1;
    if (!more) break;
  }
  std::vector<std::string> words;
  std::string cur;
  char q = 0;
  bool in_word = false;
  for (char c : joined) {
    if (q != 0) {
      if (c == q) {
        q = 0;
      } else {
        cur += c;
      }
    } else if (c == '\'' || c == '"') {
      q = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(cur);
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(cur);
  auto it = std::find(words.begin(), words.end(), "server");
  if (words.empty() || words[0].find("k3s") == std::string::npos || it == words.end())
    return std::nullopt;
  return std::vector<std::string>(it + 1, words.end());
}

std::string ParseK3sVersion(std::string_view output) {
  const auto at = output.find("k3s version ");
  if (at == std::string_view::npos) return {};
  std::string_view rest = output.substr(at + 12);
  return std::string(rest.substr(0, rest.find_first_of(" \n")));
}

// ---- packages ----------------------------------------------------------------------

std::vector<std::string> PackageQueryArgv(std::string_view manager,
                                          const std::vector<std::string>& packages) {
  std::vector<std::string> argv;
  if (manager == "apt") {
    argv = {"dpkg-query", "--show", "--showformat=${Package} ${db:Status-Status}\\n"};
  } else if (manager == "pacman") {
    argv = {"pacman", "--query"};
  } else {
    argv = {"rpm", "--query", "--queryformat=%{NAME} installed\\n"};
  }
  argv.insert(argv.end(), packages.begin(), packages.end());
  return argv;
}

std::vector<std::string> MissingPackages(std::string_view manager,
                                         const std::vector<std::string>& packages,
                                         std::string_view output) {
  std::set<std::string> installed;
  std::istringstream in{std::string(output)};
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name;
    std::string status;
    words >> name >> status;
    if (manager == "apt") {
      // "curl installed"; "dpkg-query: no packages found matching x" on stderr.
      if (status == "installed") installed.insert(name.substr(0, name.find(':')));
    } else if (manager == "pacman") {
      // "curl 8.5.0-1"; "error: package 'x' was not found".
      if (name != "error:" && !status.empty()) installed.insert(name);
    } else if (status == "installed") {
      installed.insert(name);  // rpm: "curl installed"; "package x is not installed"
    }
  }
  std::vector<std::string> missing;
  for (const auto& p : packages) {
    if (!installed.contains(p)) missing.push_back(p);
  }
  return missing;
}

// ---- kubeconfig ----------------------------------------------------------------------

namespace {

YAML::Node Renamed(const YAML::Node& k3s, const std::string& name, std::string& error) {
  if (!k3s.IsMap()) {
    error = "the k3s kubeconfig is not a YAML mapping";
    return {};
  }
  YAML::Node cluster;
  YAML::Node user;
  if (k3s["clusters"].IsSequence() && k3s["clusters"].size() > 0)
    cluster = YAML::Clone(k3s["clusters"][0]["cluster"]);
  if (k3s["users"].IsSequence() && k3s["users"].size() > 0)
    user = YAML::Clone(k3s["users"][0]["user"]);
  if (!cluster.IsMap() || !user.IsMap()) {
    error = "the k3s kubeconfig has no cluster or user entry";
    return {};
  }
  YAML::Node out;
  YAML::Node c;
  c["name"] = name;
  c["cluster"] = cluster;
  YAML::Node u;
  u["name"] = name;
  u["user"] = user;
  YAML::Node ctx;
  ctx["name"] = name;
  ctx["context"]["cluster"] = name;
  ctx["context"]["user"] = name;
  out["clusters"].push_back(c);
  out["users"].push_back(u);
  out["contexts"].push_back(ctx);
  return out;
}

void Upsert(YAML::Node& list, const YAML::Node& entry) {
  const std::string name = entry["name"].as<std::string>();
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i]["name"] && list[i]["name"].as<std::string>("") == name) {
      list[i] = entry;
      return;
    }
  }
  list.push_back(entry);
}

std::string Emit(const YAML::Node& n) {
  YAML::Emitter e;
  e << n;
  return std::string(e.c_str()) + "\n";
}

}  // namespace

KubeconfigMerge MergeKubeconfig(std::string_view k3s_yaml, std::string_view existing,
                                const std::string& name, bool standalone) {
  KubeconfigMerge m;
  YAML::Node k3s;
  try {
    k3s = YAML::Load(std::string(k3s_yaml));
  } catch (const YAML::Exception& e) {
    m.error = std::string("the k3s kubeconfig is not YAML: ") + e.what();
    return m;
  }
  YAML::Node mine = Renamed(k3s, name, m.error);
  if (!m.error.empty()) return m;
  YAML::Node out;
  if (!standalone && !existing.empty()) {
    try {
      out = YAML::Load(std::string(existing));
    } catch (const YAML::Exception& e) {
      m.error = std::string("the existing kubeconfig is not YAML (left untouched): ") + e.what();
      return m;
    }
    if (!out.IsMap()) {
      m.error = "the existing kubeconfig is not a YAML mapping (left untouched)";
      return m;
    }
  }
  if (!out["apiVersion"]) out["apiVersion"] = "v1";
  if (!out["kind"]) out["kind"] = "Config";
  m.previous_context = out["current-context"] ? out["current-context"].as<std::string>("") : "";
  for (const char* list : {"clusters", "users", "contexts"}) {
    if (!out[list] || !out[list].IsSequence()) out[list] = YAML::Node(YAML::NodeType::Sequence);
    YAML::Node l = out[list];
    Upsert(l, mine[list][0]);
  }
  for (const auto& c : out["contexts"]) {
    const std::string n = c["name"].as<std::string>("");
    if (n != name) m.kept.push_back(n);
  }
  out["current-context"] = name;
  if (!out["preferences"]) out["preferences"] = YAML::Node(YAML::NodeType::Map);
  m.text = Emit(out);
  // Compared as YAML, not as text: kubectl's own formatting is not a change.
  m.changed = true;
  if (!existing.empty()) {
    try {
      m.changed = Emit(YAML::Load(std::string(existing))) != m.text;
    } catch (const YAML::Exception&) {
    }
  }
  return m;
}

}  // namespace platformctl
