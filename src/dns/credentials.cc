// AWS credentials for `platformctl dns`: the config's AWS_* keys, else a
// profile of the shared credentials file. Messages never hold a secret.
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "platformctl/diagnostics.h"
#include "platformctl/dns.h"

namespace platformctl {
namespace {

/// User input in a message: quoted, at most 40 bytes, control bytes escaped.
std::string Quoted(std::string_view s) { return "'" + Excerpt(s) + "'"; }

constexpr std::uintmax_t kMaxCredentialsFile = 1 << 20;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::optional<AwsCredentials> ParseAwsCredentialsFile(std::string_view text,
                                                      std::string_view profile) {
  AwsCredentials c;
  bool in_section = false;
  bool found = false;
  std::istringstream lines{std::string(text)};
  for (std::string raw; std::getline(lines, raw);) {
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      std::string_view name =
          line.substr(1, line.find(']') == std::string_view::npos ? std::string_view::npos
                                                                  : line.find(']') - 1);
      name = Trim(name);
      if (name.starts_with("profile ")) name = Trim(name.substr(8));
      in_section = name == profile;
      found = found || in_section;
      continue;
    }
    if (!in_section) continue;
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view key = Trim(line.substr(0, eq));
    const std::string value(Trim(line.substr(eq + 1)));
    if (key == "aws_access_key_id") c.access_key_id = value;
    if (key == "aws_secret_access_key") c.secret_access_key = value;
    if (key == "aws_session_token") c.session_token = value;
  }
  if (!found || c.access_key_id.empty() || c.secret_access_key.empty()) return std::nullopt;
  return c;
}

AwsCredentialLookup FindAwsCredentials(const AwsCredentialInputs& in) {
  AwsCredentialLookup out;
  const bool has_id = !in.access_key_id.empty();
  const bool has_secret = !in.secret_access_key.empty();
  if (has_id && has_secret) {
    out.credentials = AwsCredentials{in.access_key_id, in.secret_access_key, in.session_token};
    out.source = "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (" +
                 (in.key_origin.empty() ? std::string("config") : in.key_origin) + ")";
    return out;
  }
  if (has_id != has_secret) {
    out.error =
        std::string(has_id ? "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is empty"
                           : "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is empty") +
        "; set both (environment or profiles/secrets.env), or neither to use the AWS "
        "profile " +
        Quoted(in.profile);
    return out;
  }
  std::string path = in.credentials_file;
  if (path.empty() && !in.home.empty()) path = in.home + "/.aws/credentials";
  const std::string profile = in.profile.empty() ? "default" : in.profile;
  out.looked = "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are empty and ";
  if (path.empty()) {
    out.looked += "there is no credentials file (HOME and AWS_SHARED_CREDENTIALS_FILE unset)";
    return out;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    out.looked += path + " does not exist";
    return out;
  }
  if (std::filesystem::file_size(path, ec) > kMaxCredentialsFile || ec) {
    out.error = path + " is not a credentials file (larger than 1 MiB or unreadable)";
    return out;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    out.error = "cannot read " + path;
    return out;
  }
  std::ostringstream text;
  text << f.rdbuf();
  out.credentials = ParseAwsCredentialsFile(text.str(), profile);
  if (!out.credentials) {
    out.looked +=
        path + " has no [" + profile + "] section with aws_access_key_id and aws_secret_access_key";
    return out;
  }
  out.source = "profile " + profile + " in " + path;
  return out;
}

}  // namespace platformctl
