// FcmAuth: the OAuth2 access token FCM HTTP v1 is called with, from a Google service-account
// JSON file (the operator's credentials; never stored in push.db). The token is obtained by the
// JWT bearer grant (RFC 7523): an RS256 assertion {iss: client_email, scope:
// firebase.messaging, aud: token_uri, iat, exp: iat + 1 h} signed with the file's private key,
// POSTed to the file's token_uri. It is cached and replaced once three quarters of its lifetime
// have passed (45 minutes of Google's hour), or at once when FCM refuses it (Invalidate).
//
// Thread-safe: AccessToken may be called by several sender threads; one exchange at a time
// (the others wait for it, at most the HTTP timeout).
#ifndef PARLEY_PUSH_FCM_AUTH_H_
#define PARLEY_PUSH_FCM_AUTH_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/status.h"
#include "push/http_client.h"
#include "push/jwt.h"

namespace parley::push {

inline constexpr std::string_view kFcmScope = "https://www.googleapis.com/auth/firebase.messaging";

struct FcmServiceAccount {
  std::string project_id;
  std::string client_email;
  std::string private_key_id;  // the JWT's "kid" (may be empty)
  std::string token_uri;       // an https URL (http too when `allow_http`)
  std::unique_ptr<SigningKey> key;
};

// Parses a service-account JSON file's contents: "type" must be "service_account",
// "project_id" (letters, digits, dashes), "client_email", "private_key" (an RSA PEM) and
// "token_uri" (a URL) present. kInvalidArgument naming the field otherwise.
Result<FcmServiceAccount> ParseServiceAccount(std::string_view json, bool allow_http);

class FcmAuth {
 public:
  // `account` and `http` must outlive this.
  FcmAuth(const FcmServiceAccount& account, const HttpClient& http)
      : account_(account), http_(http) {}

  // A valid access token at `now_ms`: the cached one, or a new one from the token URI.
  // kUnavailable when the exchange fails (transport, a non-2xx answer, a malformed reply).
  Result<std::string> AccessToken(int64_t now_ms);
  // FCM refused `token` (401): the next call exchanges again.
  void Invalidate(std::string_view token);

  // The assertion for time `now_s` (tests check its claims).
  Result<std::string> Assertion(int64_t now_s) const;

 private:
  const FcmServiceAccount& account_;
  const HttpClient& http_;
  std::mutex mutex_;
  std::string token_;       // guarded by mutex_
  int64_t refresh_at_ = 0;  // guarded by mutex_: ms; replaced from then on
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_FCM_AUTH_H_
