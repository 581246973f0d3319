// Password hashing with argon2id (libsodium's crypto_pwhash_str).
//
// The stored form is libsodium's encoded string ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"),
// which carries its own salt and cost, so hashes made with an older cost still verify.
//
// Thread-safety: every function is thread-safe. HashPassword and VerifyPassword are slow on
// purpose (about 50 ms and `memory_kib` of RAM each with the defaults): call them only from
// worker threads, never from an I/O thread, and size the worker pool with the memory in mind.
// Passwords are never logged nor copied into error messages.
#ifndef PARLEY_AUTH_PASSWORD_H_
#define PARLEY_AUTH_PASSWORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::auth {

struct PasswordOptions {
  // Passes over memory (argon2 "t"). Default: libsodium's OPSLIMIT_INTERACTIVE (2).
  // Minimum 1 (crypto_pwhash_OPSLIMIT_MIN): acceptable only in tests.
  uint64_t ops_limit = 2;
  // Memory per hash in KiB (argon2 "m"). Default: libsodium's MEMLIMIT_INTERACTIVE (64 MiB).
  // Minimum 8 KiB (crypto_pwhash_MEMLIMIT_MIN): acceptable only in tests.
  size_t memory_kib = 64 * 1024;
};

// The cheapest cost libsodium accepts. For tests only: it makes hashes trivial to brute-force.
inline constexpr PasswordOptions kMinimalPasswordCostForTests{.ops_limit = 1, .memory_kib = 8};

// True if libsodium accepts this cost. Check configured options at startup.
bool PasswordOptionsValid(const PasswordOptions& options);

// The encoded argon2id hash of `password` with a fresh random salt. kInternal if `options` is
// outside libsodium's limits (a configuration bug) or hashing fails (out of memory).
Result<std::string> HashPassword(std::string_view password, const PasswordOptions& options);

// True if `password` matches `encoded_hash`. False on a mismatch and on anything that is not a
// valid encoded hash (including the empty string), so an account without a password cannot be
// logged into.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

// True if `encoded_hash` was made with another algorithm or cost than `options`: after a
// successful verification, the caller may re-hash the password to upgrade it.
bool PasswordNeedsRehash(std::string_view encoded_hash, const PasswordOptions& options);

}  // namespace parley::auth

#endif  // PARLEY_AUTH_PASSWORD_H_
