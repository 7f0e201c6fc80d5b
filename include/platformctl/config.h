#pragma once
/// Config: the typed, layered, explainable configuration.
///
/// Layers, lowest first (one rule, see docs/manual.md "Precedence"):
///   built-in defaults → config.env → profiles/local.env → profiles/secrets.env
///   → the profile (--profile / PROFILE_FILE) → process environment (schema
///   keys only) → --set KEY=VALUE.
/// `--exclusive` / PROFILE_EXCLUSIVE=true skips local.env and secrets.env.
/// References (`${VAR}`) resolve lazily after all layers are merged.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platformctl/diagnostics.h"
#include "platformctl/env_file.h"

namespace platformctl {

struct KeySpec;

/// Where a value came from.
struct Origin {
  enum class Kind { kDefault, kFile, kEnv, kSet };
  Kind kind = Kind::kDefault;
  SourceLoc loc;  ///< kFile: file and line (path relative to the repo root)

  /// "FILE:LINE", "default", "env" or "--set".
  [[nodiscard]] std::string Str() const;
};

struct ConfigEntry {
  std::string key;
  std::string value;  ///< fully expanded
  ValueTemplate raw;  ///< as written (before expansion)
  Origin origin;
  const KeySpec* spec = nullptr;  ///< null for unknown keys
  /// The value holds a secret through a reference (see LoadConfig).
  bool tainted = false;
  /// A secret key, or a value that holds a secret.
  [[nodiscard]] bool Secret() const;
};

/// Reads the process environment; injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();

struct LoadOptions {
  std::string repo_root;          ///< directory holding config.env
  std::string profile;            ///< as the user typed it; empty = PROFILE_FILE or none
  std::optional<bool> exclusive;  ///< --exclusive; nullopt = PROFILE_EXCLUSIVE from env
  std::vector<std::string> sets;  ///< --set KEY=VALUE, in order
  EnvLookup env = ProcessEnv();
  /// Names of the environment's variables, to catch misspelt keys
  /// (FEAT_CILLIUM); empty function = not checked.
  std::function<std::vector<std::string>()> env_names;
  /// Unknown keys are errors (apply, delete, config validate), not warnings.
  bool strict_keys = false;
};

/// The names of the process environment's variables.
std::vector<std::string> ProcessEnvNames();

class Config {
 public:
  /// Expanded value of a key ("" when unknown and unset).
  [[nodiscard]] std::string Get(std::string_view key) const;
  /// Typed accessors; invalid values read as the key's default (validation reports them).
  [[nodiscard]] bool GetBool(std::string_view key) const;
  [[nodiscard]] long GetInt(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> GetList(std::string_view key) const;
  [[nodiscard]] const ConfigEntry* Find(std::string_view key) const;
  /// Schema keys in table order, then unknown keys set by files in name order.
  [[nodiscard]] std::vector<const ConfigEntry*> Entries() const;

  [[nodiscard]] const std::string& RepoRoot() const { return repo_root_; }
  /// Resolved profile path (relative to the repo root when inside it), or "".
  [[nodiscard]] const std::string& ProfilePath() const { return profile_path_; }
  /// Files loaded, lowest precedence first.
  [[nodiscard]] const std::vector<std::string>& Files() const { return files_; }
  [[nodiscard]] bool Exclusive() const { return exclusive_; }

  /// Builds a config from already-parsed entries (tests and tools).
  static Config FromValues(const std::map<std::string, std::string>& values);

 private:
  friend std::optional<Config> LoadConfig(const LoadOptions&, Diagnostics&);
  std::map<std::string, ConfigEntry, std::less<>> entries_;
  std::string repo_root_;
  std::string profile_path_;
  std::vector<std::string> files_;
  bool exclusive_ = false;
};

/// Loads all layers. Syntax errors, a missing profile, reference cycles, a
/// non-secret key referencing a secret, a '$' reference to nothing inside a
/// secret and the redaction marker as a value are errors (nullopt); unknown
/// keys are errors with `strict_keys`, else warnings; duplicates are warnings.
std::optional<Config> LoadConfig(const LoadOptions& options, Diagnostics& diags);

/// Resolves --profile NAME: NAME as a path (relative to cwd, then to the repo
/// root), else profiles/NAME, else profiles/NAME.env. Returns the path, or
/// nullopt with `looked_at` filled.
std::optional<std::string> ResolveProfilePath(const std::string& repo_root, const std::string& name,
                                              std::vector<std::string>& looked_at);

/// Finds the repo root: `explicit_dir` if given (must hold config.env), else
/// the nearest ancestor of the cwd holding config.env.
std::optional<std::string> FindRepoRoot(const std::string& explicit_dir, std::string& error);

/// Validation strictness: kStrict for `config validate` and `apply` (missing
/// secrets are errors), kLenient for show/plan/dry-runs (warnings).
enum class ValidateMode { kStrict, kLenient };

/// Contract validation: types of every key, required keys per enabled
/// component, cross-key rules. All problems are reported at once.
void ValidateConfig(const Config& config, ValidateMode mode, Diagnostics& diags);

}  // namespace platformctl
