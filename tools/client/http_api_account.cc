// HttpApi: the account's e-mail address and password reset (docs/protocol.md, "E-mail and
// password reset"), the settings of two-step sign-in ("Two-step sign-in") and the user's own
// data ("Downloading my data", "Deleting the account").
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

Result<json> HttpApi::TwoStep() { return Call("GET", "/account/2fa"); }

Result<json> HttpApi::StartTwoStep(std::string_view password) {
  return Call("POST", "/account/2fa/totp", json{{"password", password}});
}

Result<json> HttpApi::ConfirmTwoStep(std::string_view code) {
  return Call("POST", "/account/2fa/totp/confirm", json{{"code", code}});
}

Result<json> HttpApi::NewRecoveryCodes(std::string_view code) {
  return Call("POST", "/account/2fa/recovery-codes", json{{"code", code}});
}

Status HttpApi::DisableTwoStep(std::string_view password, std::string_view code) {
  Result<json> reply =
      Call("POST", "/account/2fa/disable", json{{"password", password}, {"code", code}});
  return reply.ok() ? Status::Ok() : reply.status();
}

Result<json> HttpApi::StartExport() { return Call("POST", "/account/export"); }

Result<json> HttpApi::ExportState() { return Call("GET", "/account/export"); }

Status HttpApi::DeleteAccount(std::string_view password, std::string_view code) {
  json body = {{"password", password}};
  if (!code.empty()) body["code"] = code;
  Result<json> reply = Call("POST", "/account/delete", body);
  return reply.ok() ? Status::Ok() : reply.status();
}

}  // namespace parley::client
