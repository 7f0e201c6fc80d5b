#pragma once
/// Hashing for request signing (AWS SigV4) and content digests. The
/// implementation is OpenSSL's libcrypto, loaded with dlopen on first use so
/// commands that never hash do not map it.

#include <string>
#include <string_view>

namespace platformctl {

/// Lower-case hex SHA-256 of `data`. Throws std::runtime_error when
/// libcrypto.so.3 cannot be loaded.
[[nodiscard]] std::string Sha256Hex(std::string_view data);

/// Raw SHA-256 of `data` (32 bytes). Throws like Sha256Hex.
[[nodiscard]] std::string Sha256(std::string_view data);

/// Raw HMAC-SHA256 of `data` under `key` (32 bytes). Throws like Sha256Hex.
[[nodiscard]] std::string HmacSha256(std::string_view key, std::string_view data);

/// Lower-case hex of arbitrary bytes ("\x01\xab" -> "01ab").
[[nodiscard]] std::string HexEncode(std::string_view bytes);

}  // namespace platformctl
