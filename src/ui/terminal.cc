#include "platformctl/terminal.h"

#include <cstring>

namespace platformctl {

bool StderrWantsColor(bool no_color_flag, const char* (*env)(const char*), bool stderr_is_tty) {
  const char* force = env("CLICOLOR_FORCE");
  if (force != nullptr && *force != '\0' && std::strcmp(force, "0") != 0) return true;
  if (no_color_flag) return false;
  const char* no_color = env("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = env("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return stderr_is_tty;
}

std::string FormatDiagnostic(const Diagnostic& d, bool color) {
  std::string line = Diagnostics::Format(d);
  if (!color) return line;
  const std::string_view word = d.severity == Severity::kError ? "error:" : "warning:";
  const std::string_view paint = d.severity == Severity::kError ? "\033[1;31m" : "\033[1;33m";
  auto pos = line.find(word);
  if (pos == std::string::npos) return line;
  return line.substr(0, pos) + std::string(paint) + std::string(word) + "\033[0m" +
         line.substr(pos + word.size());
}

}  // namespace platformctl
