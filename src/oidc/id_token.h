// ID tokens (OpenID Connect Core 1.0, section 3.1.3.7): the compact JWS a provider's token
// endpoint returns, checked against the provider's keys and what this login expects.
//
// Checked, in order: the shape (three base64url parts, JSON header and claims, at most 16 KiB),
// the signature (key_set.h: RS256 or ES256, alg fitting the key, never "none"), iss equal to the
// issuer, aud containing the client id (and azp equal to it when there are several audiences or
// azp is present), exp in the future and iat not in the future (both within clock_skew_ms), the
// nonce equal to the one this login sent, and a non-empty sub of at most 255 bytes.
//
// Errors: kNotFound "unknown_key: ..." when the key id is not in `keys` (the caller may fetch
// the keys again and retry once); otherwise kUnauthenticated whose message begins with the
// reason: "malformed", "signature", "issuer", "audience", "expired", "issued", "nonce", "subject".
// Pure; thread-safe.
#ifndef PARLEY_OIDC_ID_TOKEN_H_
#define PARLEY_OIDC_ID_TOKEN_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "oidc/key_set.h"

namespace parley::oidc {

struct Expectations {
  std::string issuer;
  std::string client_id;
  std::string nonce;
  int64_t now_ms = 0;
  int64_t clock_skew_ms = 0;
};

// What the account takes from a verified ID token.
struct IdClaims {
  std::string subject;
  std::string name;                // "name", may be empty
  std::string preferred_username;  // may be empty
  std::string email;               // may be empty; informational only (never trusted to link)
};

Result<IdClaims> VerifyIdToken(std::string_view token, const KeySet& keys,
                               const Expectations& expected);

}  // namespace parley::oidc

#endif  // PARLEY_OIDC_ID_TOKEN_H_
