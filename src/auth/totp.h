// TOTP (RFC 6238) over HOTP (RFC 4226): the one-time codes of authenticator apps.
//
// Codes are `digits` decimal digits (6) of HMAC(key, counter) dynamically truncated; TOTP's
// counter is floor(unix_seconds / 30). MatchTotp accepts the steps now-1, now and now+1 (clock
// drift of one step either way) and compares in constant time; it returns the step that
// matched so the caller can refuse a step already used (a code is accepted once).
// Secrets travel as unpadded RFC 4648 base32 (what otpauth:// URIs carry).
// Pure functions, thread-safe.
#ifndef PARLEY_AUTH_TOTP_H_
#define PARLEY_AUTH_TOTP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::auth {

enum class TotpHash { kSha1, kSha256, kSha512 };

inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;

// The HOTP value of `counter` under `key` (raw bytes), `digits` (6 to 8) digits, zero-padded.
std::string HotpCode(std::string_view key, uint64_t counter, int digits = kTotpDigits,
                     TotpHash hash = TotpHash::kSha1);

// The TOTP step of a time: floor(unix_seconds / 30).
int64_t TotpStep(int64_t unix_seconds);

// The TOTP code for `unix_seconds`.
std::string TotpCode(std::string_view key, int64_t unix_seconds, int digits = kTotpDigits,
                     TotpHash hash = TotpHash::kSha1);

// The step in [step(now) - window, step(now) + window] whose code is `code`, if any.
std::optional<int64_t> MatchTotp(std::string_view key, std::string_view code, int64_t unix_seconds,
                                 int window = 1);

// RFC 4648 base32 without padding, upper case.
std::string Base32Encode(std::string_view bytes);
// Accepts upper or lower case, ignores spaces and trailing '='; kInvalidArgument otherwise.
Result<std::string> Base32Decode(std::string_view text);

}  // namespace parley::auth

#endif  // PARLEY_AUTH_TOTP_H_
