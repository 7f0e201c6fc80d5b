// A small JSON → YAML writer (block style) for -o yaml and state values.
#include <cctype>

#include "platformctl/output.h"

namespace platformctl {
namespace {

bool PlainSafe(const std::string& s) {
  if (s.empty()) return false;
  static const char* kReserved[] = {"true", "false", "yes", "no", "on",
                                    "off",  "null",  "~",   "y",  "n"};
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const char* r : kReserved) {
    if (lower == r) return false;
  }
  if (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-' || s[0] == '.' || s[0] == '+')
    return false;
  for (char c : s) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
          c == '/' || c == '@')) {
      return false;
    }
  }
  return true;
}

std::string Scalar(const nlohmann::ordered_json& j) {
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    return PlainSafe(s) ? s : j.dump();  // JSON string escapes are valid YAML double-quoted escapes
  }
  return j.dump();
}

void Emit(const nlohmann::ordered_json& j, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent), ' ');
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      out += pad + (PlainSafe(it.key()) ? it.key() : nlohmann::ordered_json(it.key()).dump()) + ":";
      const auto& v = it.value();
      if ((v.is_object() || v.is_array()) && !v.empty()) {
        out += "\n";
        Emit(v, v.is_array() ? indent : indent + 2, out);
      } else if (v.is_object()) {
        out += " {}\n";
      } else if (v.is_array()) {
        out += " []\n";
      } else {
        out += " " + Scalar(v) + "\n";
      }
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (v.is_object() && !v.empty()) {
        std::string nested;
        Emit(v, indent + 2, nested);
        // "- " replaces the first line's indentation.
        out += pad + "- " + nested.substr(static_cast<size_t>(indent) + 2);
      } else if (v.is_array() && !v.empty()) {
        std::string nested;
        Emit(v, indent + 2, nested);
        out += pad + "-\n" + nested;
      } else {
        out += pad + "- " + (v.is_object() ? "{}" : v.is_array() ? "[]" : Scalar(v)) + "\n";
      }
    }
  } else {
    out += pad + Scalar(j) + "\n";
  }
}

}  // namespace

std::string ToYaml(const nlohmann::ordered_json& j) {
  std::string out;
  Emit(j, 0, out);
  return out;
}

std::optional<OutputFormat> ParseOutputFormat(std::string_view s) {
  if (s == "text") return OutputFormat::kText;
  if (s == "json") return OutputFormat::kJson;
  if (s == "yaml") return OutputFormat::kYaml;
  if (s == "env") return OutputFormat::kEnv;
  if (s == "junit") return OutputFormat::kJunit;
  return std::nullopt;
}

std::string_view OutputFormatName(OutputFormat f) {
  switch (f) {
    case OutputFormat::kText:
      return "text";
    case OutputFormat::kJson:
      return "json";
    case OutputFormat::kYaml:
      return "yaml";
    case OutputFormat::kEnv:
      return "env";
    case OutputFormat::kJunit:
      return "junit";
  }
  return "text";
}

}  // namespace platformctl
