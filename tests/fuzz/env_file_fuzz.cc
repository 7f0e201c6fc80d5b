// libFuzzer target for the env-file parser (scripts/fuzz.sh runs it).
//
// Beyond "no crash, no sanitizer report", every input is checked against
// invariants that must hold for any bytes:
//  - every diagnostic has a location inside the input, a message, a hint for
//    errors, and formats to a single line;
//  - every parsed template is canonical (no empty or adjacent literals, valid
//    names) and nests at most 32 levels;
//  - serialising a template back to env-file syntax and parsing it again
//    gives the same template (so Display()-style output never loses data);
//  - Display() wrapped in double quotes re-parses to the same References()
//    when its literals hold no characters that need escaping;
//  - ParseEnvValue(X) and the value of the line "K=X" agree exactly.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "platformctl/diagnostics.h"
#include "platformctl/env_file.h"

namespace platformctl {
namespace {

[[noreturn]] void Fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "env_file_fuzz invariant violated: %s [%.*s]\n", what,
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

void Check(bool ok, const char* what, std::string_view detail = {}) {
  if (!ok) Fail(what, detail);
}

bool Equal(const ValueTemplate& a, const ValueTemplate& b) {
  if (a.segments.size() != b.segments.size()) return false;
  for (size_t i = 0; i < a.segments.size(); ++i) {
    const ValueSegment& x = a.segments[i];
    const ValueSegment& y = b.segments[i];
    if (x.kind != y.kind || x.text != y.text) return false;
    if (static_cast<bool>(x.fallback) != static_cast<bool>(y.fallback)) return false;
    if (x.fallback && !Equal(*x.fallback, *y.fallback)) return false;
  }
  return true;
}

void CheckCanonical(const ValueTemplate& t, int depth) {
  Check(depth <= 33, "nesting deeper than the limit");
  for (size_t i = 0; i < t.segments.size(); ++i) {
    const ValueSegment& seg = t.segments[i];
    if (seg.kind == ValueSegment::Kind::kLiteral) {
      Check(!seg.text.empty(), "empty literal segment");
      Check(seg.fallback == nullptr, "literal with a fallback");
      Check(i == 0 || t.segments[i - 1].kind != ValueSegment::Kind::kLiteral,
            "adjacent literal segments");
      Check(seg.text.find('\0') == std::string::npos, "NUL in a literal");
    } else {
      Check(IsValidEnvKey(seg.text), "invalid reference name", seg.text);
      if (seg.fallback) CheckCanonical(*seg.fallback, depth + 1);
    }
  }
}

// Double-quoted env-file syntax for `t` (the inverse of the parser).
void SerializeBody(const ValueTemplate& t, bool in_default, std::string& out) {
  for (const ValueSegment& seg : t.segments) {
    if (seg.kind == ValueSegment::Kind::kLiteral) {
      for (char c : seg.text) {
        switch (c) {
          case '"':
          case '\\':
          case '$':
          case '`':
            out += '\\';
            out += c;
            break;
          case '\n':
            out += "\\n";
            break;
          case '}':
            if (in_default) out += '\\';
            out += c;
            break;
          default:
            out += c;
        }
      }
    } else {
      out += "${" + seg.text;
      if (seg.fallback) {
        out += ":-";
        SerializeBody(*seg.fallback, /*in_default=*/true, out);
      }
      out += '}';
    }
  }
}

bool LiteralsNeedNoEscaping(const ValueTemplate& t) {
  for (const ValueSegment& seg : t.segments) {
    if (seg.kind == ValueSegment::Kind::kLiteral) {
      if (seg.text.find_first_of("\"\\$`}\n") != std::string::npos) return false;
    } else if (seg.fallback && !LiteralsNeedNoEscaping(*seg.fallback)) {
      return false;
    }
  }
  return true;
}

void CheckTemplate(const ValueTemplate& t) {
  CheckCanonical(t, 0);
  Check(t.IsLiteral() == t.References().empty(), "IsLiteral disagrees with References");

  std::string serialized = "\"";
  SerializeBody(t, /*in_default=*/false, serialized);
  serialized += '"';
  Diagnostics diags;
  ValueTemplate again = ParseEnvValue(serialized, SourceLoc{"roundtrip"}, diags);
  Check(diags.Empty(), "serialized value does not parse", serialized);
  Check(Equal(t, again), "serialized value parses differently", serialized);

  if (LiteralsNeedNoEscaping(t)) {
    std::string display = "\"" + t.Display() + "\"";
    Diagnostics display_diags;
    ValueTemplate shown = ParseEnvValue(display, SourceLoc{"display"}, display_diags);
    Check(display_diags.Empty(), "Display() does not parse", display);
    Check(shown.References() == t.References(), "Display() changes References()", display);
    Check(Equal(t, shown), "Display() parses differently", display);
  }
}

void CheckDiagnostics(const Diagnostics& diags, const std::string& file, int max_line) {
  for (const Diagnostic& d : diags.Items()) {
    Check(!d.message.empty(), "empty message");
    Check(d.loc.file == file, "diagnostic for another file", d.loc.file);
    if (max_line > 0) {
      Check(d.loc.line >= 1 && d.loc.line <= max_line, "line outside the input", d.message);
      Check(d.loc.col >= 1, "column missing", d.message);
    }
    if (d.severity == Severity::kError) Check(!d.hint.empty(), "error without a hint", d.message);
    std::string line = Diagnostics::Format(d);
    Check(line.find('\n') == std::string::npos, "formatted diagnostic spans lines", line);
  }
}

}  // namespace
}  // namespace platformctl

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using platformctl::Check;
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // Whole file.
  int lines = 1;
  for (char c : text) lines += c == '\n' ? 1 : 0;
  platformctl::Diagnostics diags;
  platformctl::EnvFile file = platformctl::ParseEnvFile(text, "fuzz.env", diags);
  platformctl::CheckDiagnostics(diags, "fuzz.env", lines);
  for (const platformctl::Assignment& a : file.assignments) {
    Check(platformctl::IsValidEnvKey(a.key), "invalid key accepted", a.key);
    Check(a.loc.file == "fuzz.env" && a.loc.line >= 1 && a.loc.line <= lines && a.loc.col >= 1,
          "bad assignment location", a.key);
    platformctl::CheckTemplate(a.value);
  }

  // The same bytes as one right-hand side.
  platformctl::Diagnostics value_diags;
  platformctl::ValueTemplate value =
      platformctl::ParseEnvValue(text, platformctl::SourceLoc{"fuzz.env", 1, 3}, value_diags);
  platformctl::CheckDiagnostics(value_diags, "fuzz.env", 1);
  Check(value_diags.ErrorCount() <= 1 && value_diags.WarningCount() == 0,
        "ParseEnvValue reports more than one problem");
  if (value_diags.HasErrors()) {
    Check(value.segments.empty(), "value returned despite an error");
  } else {
    platformctl::CheckTemplate(value);
  }

  // ParseEnvValue(X) must agree with the line "K=X" (when X is one line and
  // has no trailing '\r', which the file parser strips).
  if (text.find('\n') == std::string_view::npos && (text.empty() || text.back() != '\r')) {
    platformctl::Diagnostics line_diags;
    platformctl::EnvFile one =
        platformctl::ParseEnvFile("K=" + std::string(text), "fuzz.env", line_diags);
    Check(one.assignments.size() == (value_diags.HasErrors() ? 0U : 1U),
          "file and value parsers disagree on validity");
    if (value_diags.HasErrors()) {
      Check(line_diags.Items().size() == 1, "file parser: not exactly one error");
      const platformctl::Diagnostic& a = line_diags.Items()[0];
      const platformctl::Diagnostic& b = value_diags.Items()[0];
      Check(a.loc.line == b.loc.line && a.loc.col == b.loc.col && a.message == b.message &&
                a.hint == b.hint,
            "file and value parsers report differently", a.message);
    } else {
      Check(line_diags.Empty(), "file parser: unexpected diagnostics");
      Check(platformctl::Equal(one.assignments[0].value, value),
            "file and value parsers build different values");
    }
  }
  return 0;
}
