#pragma once
/// Diagnostics: expected problems as values (errors, warnings), each with a
/// location (FILE:LINE[:COL]) and a hint saying how to fix it.

#include <string>
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

/// Collects every problem of a stage so that all are reported at once.
class Diagnostics {
 public:
  void Error(std::string message, SourceLoc loc = {}, std::string hint = {});
  void Warning(std::string message, SourceLoc loc = {}, std::string hint = {});
  void Add(Diagnostic d) { items_.push_back(std::move(d)); }

  [[nodiscard]] bool HasErrors() const;
  [[nodiscard]] size_t ErrorCount() const;
  [[nodiscard]] size_t WarningCount() const;
  [[nodiscard]] const std::vector<Diagnostic>& Items() const { return items_; }
  [[nodiscard]] bool Empty() const { return items_.empty(); }
  void Append(const Diagnostics& other);

  /// One line per diagnostic: "FILE:LINE:COL: error: MESSAGE (fix: HINT)"
  /// ("warning:" for warnings). The location part is omitted when unknown and
  /// the "(fix: ...)" part when there is no hint. The text is not altered.
  [[nodiscard]] static std::string Format(const Diagnostic& d);

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace platformctl
