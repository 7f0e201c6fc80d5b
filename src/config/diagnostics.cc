#include "platformctl/diagnostics.h"

#include <algorithm>
#include <string>
#include <utility>

namespace platformctl {

std::string SourceLoc::Str() const {
  if (file.empty() && line <= 0) return {};
  std::string out = file.empty() ? std::string("<input>") : file;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
    if (col > 0) {
      out += ':';
      out += std::to_string(col);
    }
  }
  return out;
}

void Diagnostics::Error(std::string message, SourceLoc loc, std::string hint) {
  items_.push_back(
      Diagnostic{Severity::kError, std::move(message), std::move(loc), std::move(hint), {}});
}

void Diagnostics::Warning(std::string message, SourceLoc loc, std::string hint) {
  items_.push_back(
      Diagnostic{Severity::kWarning, std::move(message), std::move(loc), std::move(hint), {}});
}

bool Diagnostics::HasErrors() const { return ErrorCount() > 0; }

size_t Diagnostics::ErrorCount() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kError;
  }));
}

size_t Diagnostics::WarningCount() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
    return d.severity == Severity::kWarning;
  }));
}

void Diagnostics::Append(const Diagnostics& other) {
  // Copy first: `other` may be `*this`.
  std::vector<Diagnostic> copy = other.items_;
  items_.insert(items_.end(), std::make_move_iterator(copy.begin()),
                std::make_move_iterator(copy.end()));
}

std::string Diagnostics::Format(const Diagnostic& d) {
  std::string out;
  std::string where = d.loc.Str();
  if (!where.empty()) {
    out += where;
    out += ": ";
  }
  out += d.severity == Severity::kError ? "error: " : "warning: ";
  out += d.message;
  if (!d.hint.empty()) {
    out += " (fix: ";
    out += d.hint;
    out += ')';
  }
  return out;
}

}  // namespace platformctl
