#pragma once
/// The environment a child process gets: platformctl's own minus every secret
/// (schema secret keys and cloud credentials), plus exactly the secrets its op
/// declares (`ProcessSpec::env`). Use with `ProcessSpec::drop_env`:
///
///   spec.drop_env = SecretEnvNames();
///   spec.env = {{"OIDC_CLIENT_SECRET", value}};   // declared by the op
///   spec.redact = {value};

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace platformctl {

/// Cloud credential variables no child inherits: AWS_ACCESS_KEY_ID,
/// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN, ... (also
/// Azure, Google Cloud, DigitalOcean, Hetzner tokens).
std::span<const std::string_view> CloudCredentialEnvNames();

/// Every secret key of the schema (`KeySpec::secret`, include/platformctl/
/// schema.h) plus CloudCredentialEnvNames(), sorted, without duplicates.
std::vector<std::string> SecretEnvNames();

/// The current process environment as "NAME=value" strings, in environ order,
/// without the variables named in `drop_names` (exact, case-sensitive names).
std::vector<std::string> ScrubbedEnvironment(const std::vector<std::string_view>& drop_names);

}  // namespace platformctl
