#include "auth/token.h"

#include <sodium.h>

#include "base/sodium_init.h"

namespace parley::auth {
namespace {

constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

std::string NewToken() {
  internal::EnsureSodium();
  unsigned char random[kTokenRandomBytes];
  randombytes_buf(random, sizeof(random));
  char encoded[sodium_base64_ENCODED_LEN(kTokenRandomBytes, kBase64Variant)];
  sodium_bin2base64(encoded, sizeof(encoded), random, sizeof(random), kBase64Variant);
  sodium_memzero(random, sizeof(random));
  std::string token(kTokenPrefix);
  token += encoded;
  sodium_memzero(encoded, sizeof(encoded));
  return token;
}

std::string TokenHash(std::string_view token) {
  internal::EnsureSodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

bool IsWellFormedToken(std::string_view token) {
  if (token.size() != kTokenLength || !token.starts_with(kTokenPrefix)) return false;
  for (char c : token.substr(kTokenPrefix.size())) {
    if (!IsBase64UrlChar(c)) return false;
  }
  return true;
}

}  // namespace parley::auth
