#pragma once
/// The config key table: every variable platformctl knows, with its type,
/// default, secret flag and a one-line doc. ONE table (src/config/schema.cc);
/// the components that require a key are in the registry (registry.h).

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace platformctl {

enum class KeyType {
  kString,
  kBool,      ///< true/false/1/0/yes/no, any case
  kInt,       ///< non-negative decimal integer
  kEnum,      ///< one of KeySpec::choices ('|'-separated)
  kDnsName,   ///< RFC 1123 host name, at least two labels
  kUrl,       ///< http(s)://host[:port][/path]
  kEmail,     ///< local@domain
  kDuration,  ///< 30s, 5m, 1h, or plain seconds
  kList,      ///< items separated by spaces or commas
  kPath,      ///< a file system path
};

/// Where a key belongs in the documentation and `config show` grouping.
enum class KeyGroup {
  kDomain,
  kAuth,
  kObservability,
  kStorage,
  kFeatures,
  kRuntime,
  kVerify,
  kDelete,
  kHost,
  kDns,
  kFlux
};

struct KeySpec {
  std::string_view name;
  KeyType type;
  /// Built-in default as an env-file value template (may reference other
  /// keys, e.g. "oauth.${BASE_DOMAIN}"; expanded lazily after layering).
  std::string_view default_value;
  bool secret;
  std::string_view choices;  ///< kEnum: "nginx|traefik"; empty otherwise
  KeyGroup group;
  std::string_view doc;
  /// Empty value allowed even when typed (e.g. optional host). Required-ness
  /// itself comes from the registry.
  bool allow_empty = true;
};

/// All keys, in documentation order.
std::span<const KeySpec> ConfigKeys();
const KeySpec* FindKey(std::string_view name);
std::string_view KeyTypeName(KeyType t);
std::string_view KeyGroupName(KeyGroup g);
std::vector<std::string_view> SplitChoices(std::string_view choices);

/// True for a secret key, and for an unknown key that looks like one
/// (…SECRET…, …PASSWORD…, …TOKEN…, …KEY…, …PASS…, …CREDENTIAL…): a misspelt
/// secret is still treated as one.
bool LooksSecret(std::string_view key);

/// Prefix of keys users keep for their own tooling: never an unknown-key
/// diagnostic.
inline constexpr std::string_view kUserKeyPrefix = "USER_";

/// Closest known key by edit distance, ignoring case (for did-you-mean), if
/// close enough. Cost is bounded by the key table, not by `unknown`'s length.
std::optional<std::string_view> SuggestKey(std::string_view unknown);

/// Boolean parsing shared by every bool key: true/false/1/0/yes/no, any case.
std::optional<bool> ParseBool(std::string_view text);
/// Splits a kList value on spaces and commas, dropping empty items.
std::vector<std::string> SplitList(std::string_view text);
/// Duration text ("90", "30s", "5m", "1h30m") to seconds.
std::optional<long> ParseDurationSeconds(std::string_view text);

/// Type check of one value; returns an error message ("must be one of ...")
/// or nullopt when valid. Empty values are valid when spec.allow_empty.
std::optional<std::string> CheckValue(const KeySpec& spec, std::string_view value);

bool IsDnsName(std::string_view host);
bool IsEmail(std::string_view email);
bool IsUrl(std::string_view url);

}  // namespace platformctl
