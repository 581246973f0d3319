#include "proto/account_bodies.h"

#include "base/json_writer.h"
#include "proto/json_reader.h"

namespace parley::proto {
Result<SetEmailRequest> DecodeSetEmail(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  if (!object->contains("email")) return Status(Code::kMalformed, "field 'email' is missing");
  auto email = OptionalString(*object, "email");
  if (!email.ok()) return email.status();
  auto password = RequiredString(*object, "password");
  if (!password.ok()) return password.status();
  return SetEmailRequest{email->value_or(""), std::move(*password)};
}

Result<std::string> DecodeVerifyEmail(std::string_view body) {
  return StringFieldOf(body, "token");
}

Result<std::string> DecodeResetRequest(std::string_view body) {
  return StringFieldOf(body, "account");
}

Result<ResetConfirmRequest> DecodeResetConfirm(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto token = RequiredString(*object, "token");
  if (!token.ok()) return token.status();
  auto password = RequiredString(*object, "new_password");
  if (!password.ok()) return password.status();
  return ResetConfirmRequest{std::move(*token), std::move(*password)};
}

std::string EmailBody(std::string_view address, bool verified) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("email");
  if (address.empty()) {
    w.Null();
  } else {
    w.String(address);
  }
  w.Key("verified").Bool(verified).EndObject();
  return out;
}

}  // namespace parley::proto
