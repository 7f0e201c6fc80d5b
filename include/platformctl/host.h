#pragma once
/// The host layer's facts and pure helpers: what the machine is (read once by
/// the command, before the plan is built, so that BuildPlan stays pure), the
/// systemd units of the DNS updater, k3s server flags, the installed-package
/// and k3s read-backs, and the kubeconfig merge. I/O lives in the executor.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace platformctl {

class Config;

/// What the host is, read by GatherHostFacts (`platformctl host ...`,
/// `apply/delete --with-host`). Every path the host layer touches is
/// `root` + the absolute path (like DESTDIR), so tests never touch /etc.
struct HostFacts {
  std::string root;             ///< --root DIR, "" = the real /
  std::string os_id;            ///< /etc/os-release ID ("" = no file)
  std::string os_like;          ///< ID_LIKE
  std::string os_name;          ///< PRETTY_NAME
  std::string package_manager;  ///< detected from ID/ID_LIKE: apt|dnf|pacman|zypper|""
  bool systemd = false;         ///< /run/systemd/system exists (sd_booted)
  bool is_root = false;         ///< effective uid 0
  std::string user;             ///< the invoking user (SUDO_USER under sudo)
  std::string home;             ///< that user's home
  int uid = -1;                 ///< that user's uid and gid (chown of the kubeconfig)
  int gid = -1;
  std::string platformctl;  ///< absolute path of this binary (ExecStart of the unit)
};

/// Reads /etc/os-release, /run/systemd/system, the effective uid and the
/// invoking user under `root`. PLATFORMCTL_TEST_EUID (tests only) overrides
/// the effective uid, so that tests running as root can check the refusal.
HostFacts GatherHostFacts(const std::string& root);

/// ID/ID_LIKE -> apt, dnf, pacman, zypper, or "" when unknown.
std::string PackageManagerFor(std::string_view os_id, std::string_view os_like);

/// `root` + `path` (path absolute).
std::string HostPath(const HostFacts& facts, std::string_view path);

/// The marker line every unit platformctl writes starts with; host delete
/// removes only files that carry it.
inline constexpr std::string_view kManagedUnitMarker = "# Managed by platformctl";
inline constexpr std::string_view kDnsService = "platformctl-dns.service";
inline constexpr std::string_view kDnsTimer = "platformctl-dns.timer";
/// The Bash version's units (seed 10_dynamic_dns.sh), migrated by host apply.
inline constexpr std::string_view kLegacyDnsUnits[] = {"aws-dns-updater.timer",
                                                       "aws-dns-updater.service"};
inline constexpr std::string_view kSystemdUnitDir = "/etc/systemd/system";

/// platformctl-dns.service: Type=oneshot, no Restart= (W46), runs
/// `platformctl --repo R [--profile P] dns update` as the invoking user.
std::string RenderDnsService(const HostFacts& facts, const std::string& repo_root,
                             const std::string& profile);
/// platformctl-dns.timer: OnCalendar every DNS_UPDATE_INTERVAL, Persistent.
/// nullopt when the interval does not divide an hour or a day.
std::optional<std::string> RenderDnsTimer(long interval_seconds);
/// The OnCalendar expression of an interval ("*:0/10" for 10m), or nullopt.
std::optional<std::string> CalendarFor(long interval_seconds);
/// A systemd ExecStart= word: quoted when needed, with % and $ escaped.
std::string SystemdQuote(std::string_view word);

/// k3s server flags derived from the config: no flannel and no network
/// policy controller with Cilium; Traefik disabled with K3S_INGRESS_MODE=none;
/// then K3S_EXTRA_ARGS.
std::vector<std::string> K3sServerFlags(const Config& config);

/// The server flags k3s.service runs with (the installer writes them one per
/// line after `server`), or nullopt when the unit has no k3s ExecStart.
std::optional<std::vector<std::string>> ParseK3sServiceFlags(std::string_view unit);
/// "v1.31.4+k3s1" from `k3s --version` output ("" when not found).
std::string ParseK3sVersion(std::string_view output);

/// The package query a manager runs, and which of `packages` its output says
/// are installed.
std::vector<std::string> PackageQueryArgv(std::string_view manager,
                                          const std::vector<std::string>& packages);
std::vector<std::string> MissingPackages(std::string_view manager,
                                         const std::vector<std::string>& packages,
                                         std::string_view query_output);

/// The result of merging k3s.yaml into a kubeconfig.
struct KubeconfigMerge {
  std::string text;               ///< the new kubeconfig
  bool changed = false;           ///< differs from the existing one
  std::string previous_context;   ///< current-context before ("" = none)
  std::vector<std::string> kept;  ///< other contexts, untouched
  std::string error;              ///< "" = ok
};
/// Renames k3s.yaml's cluster, user and context ("default") to `name` and
/// puts them into `existing` (a kubeconfig, "" = none), replacing only the
/// entries of that name; current-context becomes `name`. With `standalone`
/// the result is k3s.yaml renamed (KUBECONFIG_OUT).
KubeconfigMerge MergeKubeconfig(std::string_view k3s_yaml, std::string_view existing,
                                const std::string& name, bool standalone);

}  // namespace platformctl
