// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, loaded with dlopen on
// first use (not linked) so that commands which never hash do not map it.
// Only OpenSSL's headers are used at build time.

#include "platformctl/crypto.h"

#include <dlfcn.h>

#include <climits>
#include <memory>
#include <stdexcept>
#include <string>

// HMAC() is deprecated in OpenSSL 3 in favour of EVP_MAC, but it is still
// exported, stable and a single call; keep its declaration without the warning.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/dl_resolve.h"

namespace platformctl {
namespace {

constexpr const char* kCryptoLibrary = "libcrypto.so.3";
constexpr size_t kSha256Size = 32;

/// The libcrypto entry points we use. `error` is non-empty when the library
/// could not be loaded; then no pointer may be used.
struct CryptoApi {
  decltype(&EVP_sha256) sha256 = nullptr;
  decltype(&EVP_Digest) digest = nullptr;
  decltype(&HMAC) hmac = nullptr;
  std::string error;
};

std::unique_ptr<CryptoApi> LoadCrypto() {
  auto api = std::make_unique<CryptoApi>();
  // Never closed: stays mapped until exit (OpenSSL registers atexit handlers).
  void* handle = dlopen(kCryptoLibrary, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    api->error = std::string("SHA-256/HMAC are unavailable: cannot load ") + kCryptoLibrary + " (" +
                 (why != nullptr ? why : "unknown error") +
                 "); install OpenSSL 3 (Debian: apt-get install libssl3)";
    return api;
  }
  std::string missing;
  ResolveSymbol(handle, "EVP_sha256", api->sha256, missing);
  ResolveSymbol(handle, "EVP_Digest", api->digest, missing);
  ResolveSymbol(handle, "HMAC", api->hmac, missing);
  if (!missing.empty()) {
    api->error =
        std::string("SHA-256/HMAC are unavailable: ") + kCryptoLibrary + " lacks " + missing;
  }
  return api;
}

/// The process-wide libcrypto, loaded on first use (thread-safe static init).
/// Throws when it is unusable.
const CryptoApi& Crypto() {
  static const std::unique_ptr<CryptoApi> api = LoadCrypto();
  if (!api->error.empty()) throw std::runtime_error(api->error);
  return *api;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string Sha256(std::string_view data) {
  const CryptoApi& api = Crypto();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (api.digest(data.data(), data.size(), digest, &size, api.sha256(), nullptr) != 1 ||
      size != kSha256Size) {
    throw std::runtime_error("EVP_Digest(SHA-256) failed");
  }
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  const CryptoApi& api = Crypto();
  if (key.size() > static_cast<size_t>(INT_MAX)) {
    throw std::invalid_argument("HMAC-SHA256 key longer than INT_MAX bytes");
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // A zero-length key must still be a non-null pointer for OpenSSL.
  static constexpr char kEmpty = '\0';
  const void* key_data = key.empty() ? &kEmpty : key.data();
  if (api.hmac(api.sha256(), key_data, static_cast<int>(key.size()), Bytes(data), data.size(), mac,
               &size) == nullptr ||
      size != kSha256Size) {
    throw std::runtime_error("HMAC(SHA-256) failed");
  }
  return std::string(reinterpret_cast<const char*>(mac), size);
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    hex.push_back(kDigits[b >> 4]);
    hex.push_back(kDigits[b & 0x0f]);
  }
  return hex;
}

}  // namespace platformctl
