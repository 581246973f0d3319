#include "proto/two_factor_bodies.h"

#include "base/json_writer.h"
#include "proto/json_reader.h"

namespace parley::proto {
Result<std::string> DecodePasswordOnly(std::string_view body) {
  return StringFieldOf(body, "password");
}

Result<std::string> DecodeCode(std::string_view body) { return StringFieldOf(body, "code"); }

Result<DisableTwoFactorRequest> DecodeDisableTwoFactor(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto password = RequiredString(*object, "password");
  if (!password.ok()) return password.status();
  auto code = RequiredString(*object, "code");
  if (!code.ok()) return code.status();
  return DisableTwoFactorRequest{std::move(*password), std::move(*code)};
}

Result<SecondFactorRequest> DecodeSecondFactor(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto challenge = RequiredString(*object, "challenge");
  if (!challenge.ok()) return challenge.status();
  auto code = RequiredString(*object, "code");
  if (!code.ok()) return code.status();
  return SecondFactorRequest{std::move(*challenge), std::move(*code)};
}

std::string TwoFactorStateBody(bool enabled, bool pending, int64_t recovery_codes_left) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Key("enabled")
      .Bool(enabled)
      .Key("pending")
      .Bool(pending)
      .Field("recovery_codes_left", recovery_codes_left)
      .EndObject();
  return out;
}

std::string TotpEnrolmentBody(std::string_view secret, std::string_view uri) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("secret", secret).Field("uri", uri).EndObject();
  return out;
}

std::string RecoveryCodesBody(std::span<const std::string> codes) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("recovery_codes").BeginArray();
  for (const std::string& code : codes) w.String(code);
  w.EndArray().EndObject();
  return out;
}

std::string SecondFactorChallengeBody(std::string_view challenge, int64_t expires_at) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("second_factor", "totp")
      .Field("challenge", challenge)
      .Field("expires_at", expires_at)
      .EndObject();
  return out;
}

}  // namespace parley::proto
