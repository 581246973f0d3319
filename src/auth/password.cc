#include "auth/password.h"

#include <sodium.h>

#include "base/sodium_init.h"

namespace parley::auth {
namespace {

// libsodium takes the encoded hash as a NUL-terminated buffer of at most STRBYTES bytes.
bool CopyEncodedHash(std::string_view encoded_hash, char (&out)[crypto_pwhash_STRBYTES]) {
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (encoded_hash.find('\0') != std::string_view::npos) return false;
  encoded_hash.copy(out, encoded_hash.size());
  out[encoded_hash.size()] = '\0';
  return true;
}

}  // namespace

bool PasswordOptionsValid(const PasswordOptions& options) {
  // Compared in KiB so that a huge memory_kib cannot overflow into range.
  return options.ops_limit >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
         options.ops_limit <= crypto_pwhash_argon2id_OPSLIMIT_MAX &&
         options.memory_kib >= crypto_pwhash_argon2id_MEMLIMIT_MIN / 1024 &&
         options.memory_kib <= crypto_pwhash_argon2id_MEMLIMIT_MAX / 1024;
}

Result<std::string> HashPassword(std::string_view password, const PasswordOptions& options) {
  internal::EnsureSodium();
  if (!PasswordOptionsValid(options)) {
    return Status(Code::kInternal, "password hashing cost outside libsodium's limits");
  }
  char encoded[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(encoded, password.data(), password.size(), options.ops_limit,
                            options.memory_kib * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status(Code::kInternal, "password hashing failed (out of memory?)");
  }
  return std::string(encoded);
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
  internal::EnsureSodium();
  char encoded[crypto_pwhash_STRBYTES];
  if (!CopyEncodedHash(encoded_hash, encoded)) return false;
  return crypto_pwhash_str_verify(encoded, password.data(), password.size()) == 0;
}

bool PasswordNeedsRehash(std::string_view encoded_hash, const PasswordOptions& options) {
  internal::EnsureSodium();
  char encoded[crypto_pwhash_STRBYTES];
  if (!CopyEncodedHash(encoded_hash, encoded)) return true;
  // 0: same algorithm and cost; 1: different cost; -1: not an argon2id hash at all.
  return crypto_pwhash_argon2id_str_needs_rehash(encoded, options.ops_limit,
                                                 options.memory_kib * 1024) != 0;
}

}  // namespace parley::auth
