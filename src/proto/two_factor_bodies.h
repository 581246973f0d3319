// Two-step sign-in over HTTP (docs/protocol.md, "Two-step sign-in"): request decoding and
// response bodies. Pure functions, thread-safe. Decoders answer kMalformed for wrong shapes
// and types; values (code shape, password) are checked by account/.
#ifndef PARLEY_PROTO_TWO_FACTOR_BODIES_H_
#define PARLEY_PROTO_TWO_FACTOR_BODIES_H_

#include <span>
#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::proto {

struct DisableTwoFactorRequest {
  std::string password;
  std::string code;
};

struct SecondFactorRequest {
  std::string challenge;
  std::string code;  // a TOTP code or a recovery code
};

// {"password": "..."}
Result<std::string> DecodePasswordOnly(std::string_view body);
// {"code": "..."}
Result<std::string> DecodeCode(std::string_view body);
// {"password": "...", "code": "..."}
Result<DisableTwoFactorRequest> DecodeDisableTwoFactor(std::string_view body);
// {"challenge": "...", "code": "..."}
Result<SecondFactorRequest> DecodeSecondFactor(std::string_view body);

// {"enabled": bool, "pending": bool, "recovery_codes_left": n}
std::string TwoFactorStateBody(bool enabled, bool pending, int64_t recovery_codes_left);
// {"secret": "BASE32", "uri": "otpauth://totp/..."}
std::string TotpEnrolmentBody(std::string_view secret, std::string_view uri);
// {"recovery_codes": ["abcd-efgh-ijkl-mnop", ...]}
std::string RecoveryCodesBody(std::span<const std::string> codes);
// The answer to a password login that needs a second step:
// {"second_factor": "totp", "challenge": "...", "expires_at": ms}
std::string SecondFactorChallengeBody(std::string_view challenge, int64_t expires_at);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_TWO_FACTOR_BODIES_H_
