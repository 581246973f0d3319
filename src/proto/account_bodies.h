// The account's e-mail address and password reset over HTTP (docs/protocol.md, "E-mail and
// password reset"): request decoding and response bodies. Pure functions, thread-safe.
// Decoders answer kMalformed for wrong shapes and types; values (address format, password
// rules, token shape) are checked by account/.
#ifndef PARLEY_PROTO_ACCOUNT_BODIES_H_
#define PARLEY_PROTO_ACCOUNT_BODIES_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::proto {

struct SetEmailRequest {
  std::string email;  // empty (or null in the body): remove the address
  std::string password;
};

struct ResetConfirmRequest {
  std::string token;
  std::string new_password;
};

// {"email": "a@example.org" | "" | null, "password": "..."}
Result<SetEmailRequest> DecodeSetEmail(std::string_view body);
// {"token": "..."}
Result<std::string> DecodeVerifyEmail(std::string_view body);
// {"account": "username or address"}
Result<std::string> DecodeResetRequest(std::string_view body);
// {"token": "...", "new_password": "..."}
Result<ResetConfirmRequest> DecodeResetConfirm(std::string_view body);

// {"email": "a@example.org", "verified": bool} or {"email": null, "verified": false}
std::string EmailBody(std::string_view address, bool verified);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_ACCOUNT_BODIES_H_
