#pragma once
/// Output formats and renderers for data on stdout (logs go to stderr).

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace platformctl {

class Config;

enum class OutputFormat { kText, kJson, kYaml, kEnv, kJunit };

std::optional<OutputFormat> ParseOutputFormat(std::string_view s);
std::string_view OutputFormatName(OutputFormat f);

/// JSON → YAML (block style; strings double-quoted where YAML would misread them).
std::string ToYaml(const nlohmann::ordered_json& j);

/// `config show`: text (KEY=VALUE, or columns with origin), json/yaml
/// ({"KEY":{"value":V,"origin":O}}), env (re-parsable env file). Secrets are
/// "<redacted>".
std::string RenderConfig(const Config& config, OutputFormat format, bool with_origin);

/// `config keys`: the key table (name, type, choices, default, secret,
/// required by, doc) as text (markdown table), json or yaml.
std::string RenderKeyTable(OutputFormat format);

/// The state-values document helmfile receives (docs/state-values.md). No secrets.
nlohmann::ordered_json StateValues(const Config& config);

/// Quotes a value for an env file so that ParseEnvFile reads it back verbatim.
std::string EnvQuote(std::string_view value);

inline constexpr std::string_view kRedacted = "<redacted>";

}  // namespace platformctl
