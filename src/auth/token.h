// Bearer tokens for logged-in devices.
//
// A token is "pt_" followed by the unpadded base64url encoding of 32 random bytes (46 characters
// in all). It is shown to the client once; the server stores only TokenHash(token), the raw
// SHA-256 of the token, and finds devices by it. 256 random bits make a slow hash unnecessary.
//
// Thread-safety: every function is thread-safe and fast. Tokens are secrets: never log them
// or put them in error messages.
#ifndef PARLEY_AUTH_TOKEN_H_
#define PARLEY_AUTH_TOKEN_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::auth {

inline constexpr std::string_view kTokenPrefix = "pt_";
inline constexpr size_t kTokenRandomBytes = 32;
inline constexpr size_t kTokenLength = 46;  // prefix + base64url(32 bytes) without padding

// A fresh token from libsodium's CSPRNG.
std::string NewToken();

// The 32 raw bytes of SHA-256(token): the only form in which a token is stored.
std::string TokenHash(std::string_view token);

// True if `token` has the shape NewToken() produces. A cheap check that spares a store lookup
// for garbage; it says nothing about whether the token is valid.
bool IsWellFormedToken(std::string_view token);

}  // namespace parley::auth

#endif  // PARLEY_AUTH_TOKEN_H_
