#pragma once
// Helpers for black-box tests: a scratch platform repo and a runner for the
// built binary with separate stdout/stderr and a controlled environment.

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace platformctl::testing {

inline std::string SourceDir() { return PLATFORMCTL_SOURCE_DIR; }
inline std::string Binary() { return PLATFORMCTL_BINARY; }

inline std::string ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Shipped profiles (names without .env): profiles/*.env except local.env,
/// secrets*.env and *.local.env. Sorted.
inline std::vector<std::string> ShippedProfiles() {
  std::vector<std::string> out;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(SourceDir()) / "profiles")) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with(".env") || name == "local.env" || name.starts_with("secrets") ||
        name.ends_with(".local.env")) {
      continue;
    }
    out.push_back(name.substr(0, name.size() - 4));
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// A throw-away copy of the shipped config.env and profiles/ in a temp dir.
class TempRepo {
 public:
  TempRepo() {
    char tmpl[] = "/tmp/platformctl-test-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    namespace fs = std::filesystem;
    fs::copy_file(fs::path(SourceDir()) / "config.env", root_ / "config.env");
    fs::create_directories(root_ / "profiles");
    for (const auto& e : fs::directory_iterator(fs::path(SourceDir()) / "profiles")) {
      const std::string name = e.path().filename().string();
      if (name == "secrets.env" || name.ends_with(".local.env")) continue;
      fs::copy_file(e.path(), root_ / "profiles" / name);
    }
  }
  ~TempRepo() {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  TempRepo(const TempRepo&) = delete;
  TempRepo& operator=(const TempRepo&) = delete;

  [[nodiscard]] const std::filesystem::path& Root() const { return root_; }
  void Write(const std::string& rel, const std::string& text, int mode = 0600) const {
    auto p = root_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    std::filesystem::permissions(p, static_cast<std::filesystem::perms>(mode));
  }
  /// Installs the example secrets as profiles/secrets.env.
  void UseExampleSecrets() const {
    Write("profiles/secrets.env", ReadAll(root_ / "profiles/secrets.example.env"));
  }

 private:
  std::filesystem::path root_;
};

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

/// Runs `argv` (argv[0] looked up in env's PATH when it has no '/'), in `cwd`,
/// with exactly `env` (plus a default PATH) as its environment. No shell.
inline CliResult RunProgram(const std::vector<std::string>& argv_in, const std::string& cwd,
                            const std::map<std::string, std::string>& env = {}) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/platformctl-out-XXXXXX";
  fs::path dir = ::mkdtemp(tmpl);
  const std::string out_path = (dir / "out").string();
  const std::string err_path = (dir / "err").string();
  std::map<std::string, std::string> full = env;
  if (!full.contains("PATH")) full["PATH"] = "/usr/local/bin:/usr/bin:/bin";
  std::vector<std::string> argv_s = argv_in;
  if (!argv_s.empty() && argv_s[0].find('/') == std::string::npos) {
    std::stringstream ps(full["PATH"]);
    for (std::string d; std::getline(ps, d, ':');) {
      const fs::path cand = fs::path(d.empty() ? "." : d) / argv_s[0];
      if (::access(cand.c_str(), X_OK) == 0) {
        argv_s[0] = cand.string();
        break;
      }
    }
  }
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (const auto& [k, v] : full) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  pid_t pid = 0;
  CliResult r;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()) == 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  posix_spawn_file_actions_destroy(&fa);
  r.out = ReadAll(out_path);
  r.err = ReadAll(err_path);
  std::error_code ec;
  fs::remove_all(dir, ec);
  return r;
}

/// Starts `argv` (argv[0] a path) in `cwd` with exactly `env`, stdin and stdout
/// on /dev/null and stderr to `err_path`, without waiting: for tests that
/// signal the child. Returns its pid (0 when it could not start).
inline pid_t SpawnInBackground(const std::vector<std::string>& argv_in, const std::string& cwd,
                               const std::map<std::string, std::string>& env,
                               const std::string& err_path) {
  std::vector<std::string> argv_s = argv_in;
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  pid_t pid = 0;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()) != 0) pid = 0;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
}

/// Runs the built platformctl with `args`, in `cwd`, with exactly `env`
/// (plus PATH) as its environment.
inline CliResult RunCli(const std::vector<std::string>& args, const std::string& cwd,
                        const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> argv{Binary()};
  for (const auto& a : args) argv.push_back(a);  // push_back: GCC 12 -O3 (AGENTS.md)
  return RunProgram(argv, cwd, env);
}

}  // namespace platformctl::testing
