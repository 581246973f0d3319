// HttpApi: the account's e-mail address and password reset (docs/protocol.md, "E-mail and
// password reset").
#include "client/http_api.h"

namespace parley::client {

using nlohmann::json;

Result<json> HttpApi::Email() { return Call("GET", "/account/email"); }

Result<json> HttpApi::SetEmail(std::string_view email, std::string_view password) {
  json body = {{"email", email.empty() ? json(nullptr) : json(email)}, {"password", password}};
  return Call("PUT", "/account/email", body);
}

Status HttpApi::VerifyEmail(std::string_view token) {
  Result<json> reply = Call("POST", "/account/email/verify", json{{"token", token}});
  return reply.ok() ? Status::Ok() : reply.status();
}

Status HttpApi::RequestPasswordReset(std::string_view account) {
  Result<json> reply = Call("POST", "/password-reset", json{{"account", account}});
  return reply.ok() ? Status::Ok() : reply.status();
}

Status HttpApi::ResetPassword(std::string_view token, std::string_view new_password) {
  Result<json> reply = Call("POST", "/password-reset/confirm",
                            json{{"token", token}, {"new_password", new_password}});
  return reply.ok() ? Status::Ok() : reply.status();
}

}  // namespace parley::client
