#pragma once
/// Diagnostics: expected problems as values (errors, warnings), each with a
/// location (FILE:LINE[:COL]) and a hint saying how to fix it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace platformctl {

/// A position in an input file. line/col are 1-based; 0 means "unknown".
struct SourceLoc {
  std::string file;
  int line = 0;
  int col = 0;

  /// "FILE:LINE:COL", "FILE:LINE" or "FILE" depending on what is known;
  /// "" when nothing is known ("<input>" stands in for an unknown file).
  [[nodiscard]] std::string Str() const;
  [[nodiscard]] bool Empty() const { return file.empty(); }
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  std::string message;  ///< what is wrong
  SourceLoc loc;        ///< where (may be empty)
  std::string hint;     ///< how to fix (may be empty)
  std::string code{};   ///< stable kind for filtering, e.g. "missing-required" (may be empty)
};

/// Input text quoted in a one-line message: at most 40 bytes (then "..."),
/// control bytes and bytes that are not valid UTF-8 as \xNN. Never use it on
/// a secret value: name the key instead.
std::string Excerpt(std::string_view text);

/// `text` with control bytes and invalid UTF-8 escaped as \xNN (no cut).
std::string EscapeForTerminal(std::string_view text);

/// Collects every problem of a stage so that all are reported at once.
/// Memory is bounded on hostile input: at most kMaxStored errors and
/// kMaxStored warnings are kept; the rest are only counted.
class Diagnostics {
 public:
  static constexpr size_t kMaxStored = 50;

  void Error(std::string message, SourceLoc loc = {}, std::string hint = {});
  void Warning(std::string message, SourceLoc loc = {}, std::string hint = {});
  void Add(Diagnostic d);
  /// False when a diagnostic of this severity would only be counted (so a
  /// caller can skip building an expensive message or suggestion).
  [[nodiscard]] bool Accepts(Severity s) const;

  [[nodiscard]] bool HasErrors() const { return errors_ > 0; }
  [[nodiscard]] size_t ErrorCount() const { return errors_; }
  [[nodiscard]] size_t WarningCount() const { return warnings_; }
  /// Diagnostics counted but not kept.
  [[nodiscard]] size_t Dropped() const { return errors_ + warnings_ - items_.size(); }
  [[nodiscard]] const std::vector<Diagnostic>& Items() const { return items_; }
  [[nodiscard]] bool Empty() const { return errors_ + warnings_ == 0; }
  void Append(const Diagnostics& other);

  /// One line per diagnostic: "FILE:LINE:COL: error: MESSAGE (fix: HINT)"
  /// ("warning:" for warnings). The location part is omitted when unknown and
  /// the "(fix: ...)" part when there is no hint. Control bytes and invalid
  /// UTF-8 are escaped (EscapeForTerminal).
  [[nodiscard]] static std::string Format(const Diagnostic& d);

 private:
  std::vector<Diagnostic> items_;
  size_t errors_ = 0;
  size_t warnings_ = 0;
  size_t stored_errors_ = 0;
  size_t stored_warnings_ = 0;
};

}  // namespace platformctl
