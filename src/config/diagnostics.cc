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

namespace {

constexpr size_t kMaxExcerptBytes = 40;

// Length of the valid UTF-8 sequence at text[i], or 0 when it is not one.
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  size_t n = 0;
  unsigned min = 0;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  unsigned cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(text[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

void AppendHex(std::string& out, unsigned char c) {
  constexpr char kHex[] = "0123456789ABCDEF";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 0xF];
}

// Escapes up to `max_bytes` input bytes; returns how many were consumed.
size_t AppendEscaped(std::string& out, std::string_view text, size_t max_bytes) {
  size_t i = 0;
  while (i < text.size() && i < max_bytes) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7F) {
      AppendHex(out, c);
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      AppendHex(out, c);
      ++i;
      continue;
    }
    if (i + n > max_bytes) break;  // never cut inside a character
    out.append(text.substr(i, n));
    i += n;
  }
  return i;
}

}  // namespace

std::string Excerpt(std::string_view text) {
  std::string out;
  size_t used = AppendEscaped(out, text, kMaxExcerptBytes);
  if (used < text.size()) out += "...";
  return out;
}

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  AppendEscaped(out, text, text.size());
  return out;
}

void Diagnostics::Error(std::string message, SourceLoc loc, std::string hint) {
  Add(Diagnostic{Severity::kError, std::move(message), std::move(loc), std::move(hint), {}});
}

void Diagnostics::Warning(std::string message, SourceLoc loc, std::string hint) {
  Add(Diagnostic{Severity::kWarning, std::move(message), std::move(loc), std::move(hint), {}});
}

bool Diagnostics::Accepts(Severity s) const {
  return (s == Severity::kError ? stored_errors_ : stored_warnings_) < kMaxStored;
}

void Diagnostics::Add(Diagnostic d) {
  const bool error = d.severity == Severity::kError;
  const bool keep = Accepts(d.severity);
  (error ? errors_ : warnings_)++;
  if (!keep) return;
  (error ? stored_errors_ : stored_warnings_)++;
  items_.push_back(std::move(d));
}

void Diagnostics::Append(const Diagnostics& other) {
  // Copy first: `other` may be `*this`.
  const std::vector<Diagnostic> copy = other.items_;
  const size_t other_errors = other.errors_;
  const size_t other_warnings = other.warnings_;
  size_t kept_errors = 0;
  size_t kept_warnings = 0;
  for (const auto& d : copy) {
    Add(d);
    (d.severity == Severity::kError ? kept_errors : kept_warnings)++;
  }
  // Diagnostics `other` only counted stay counted here.
  errors_ += other_errors - kept_errors;
  warnings_ += other_warnings - kept_warnings;
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
  return EscapeForTerminal(out);
}

}  // namespace platformctl
