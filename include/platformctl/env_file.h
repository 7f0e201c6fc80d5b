#pragma once
/// Env-file parser: a strict, never-executing subset of POSIX shell assignment
/// syntax (grammar in docs/manual.md "Env-file grammar"). Values are kept as
/// templates so that `${VAR}` references resolve lazily, after all layers
/// are merged (see config.h).

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platformctl/diagnostics.h"

namespace platformctl {

struct ValueTemplate;

/// One piece of a value: literal text, or a reference to another variable.
struct ValueSegment {
  enum class Kind { kLiteral, kVar };
  Kind kind = Kind::kLiteral;
  std::string text;  ///< literal text, or the referenced variable's name
  /// `${VAR:-fallback}`: used when VAR is unset or empty. Null when absent.
  std::shared_ptr<const ValueTemplate> fallback;
};

/// A parsed value: literal text and `${VAR}` references in order.
struct ValueTemplate {
  std::vector<ValueSegment> segments;

  /// A template without references; `Literal("")` has no segments (as `KEY=`).
  static ValueTemplate Literal(std::string text);
  /// True when the value has no references (its text is final).
  [[nodiscard]] bool IsLiteral() const;
  /// The text with references written back as `${NAME}` / `${NAME:-fallback}`
  /// (for display). Literal text is not escaped, so the result is for people,
  /// not for re-parsing.
  [[nodiscard]] std::string Display() const;
  /// Names referenced, including those inside fallbacks; each name once, in
  /// order of first appearance.
  [[nodiscard]] std::vector<std::string> References() const;
};

/// `KEY=VALUE` as found in a file.
struct Assignment {
  std::string key;
  ValueTemplate value;
  SourceLoc loc;  ///< where the key starts
};

struct EnvFile {
  std::string path;
  std::vector<Assignment> assignments;  ///< file order; a repeated key appears again
};

/// Parses env-file text. Every problem goes to `diags` as "PATH:LINE:COL";
/// lines with errors are skipped, parsing continues so all errors are
/// reported at once. Never executes anything. A key assigned twice in one file
/// is a warning (the later assignment wins).
EnvFile ParseEnvFile(std::string_view text, const std::string& path, Diagnostics& diags);
/// The same, handing each assignment to `sink` as it is read (memory stays
/// bounded by the caller, not by the file's size).
void ParseEnvFile(std::string_view text, const std::string& path, Diagnostics& diags,
                  const std::function<void(Assignment&&)>& sink);

/// Parses the right-hand side of an assignment (used for `--set KEY=VALUE`).
/// `where` names the origin in diagnostics (e.g. "--set OAUTH_HOST"). When
/// `where.line` is set, `where.col` is the column of the value's first
/// character; otherwise the message names the offending character's offset.
/// The value must be one line (no LF, no NUL). On error returns an empty
/// template.
ValueTemplate ParseEnvValue(std::string_view text, const SourceLoc& where, Diagnostics& diags);

/// True for `[A-Za-z_][A-Za-z0-9_]*`.
bool IsValidEnvKey(std::string_view key);

}  // namespace platformctl
