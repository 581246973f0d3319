#include "proto/http_requests.h"

#include "proto/json_reader.h"

namespace parley::proto {
namespace {

// Reads a required string field into *out; returns false (with *status set) on failure.
bool Take(const nlohmann::json& object, std::string_view key, std::string* out, Status* status) {
  auto value = RequiredString(object, key);
  if (!value.ok()) {
    *status = value.status();
    return false;
  }
  *out = std::move(*value);
  return true;
}

bool TakeOptional(const nlohmann::json& object, std::string_view key, std::string* out,
                  Status* status) {
  auto value = OptionalString(object, key);
  if (!value.ok()) {
    *status = value.status();
    return false;
  }
  *out = value->value_or("");
  return true;
}

}  // namespace

Result<RegisterRequest> DecodeRegister(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  RegisterRequest request;
  Status status;
  if (!Take(*object, "username", &request.username, &status) ||
      !Take(*object, "password", &request.password, &status)) {
    return status;
  }
  auto display_name = OptionalString(*object, "display_name");
  if (!display_name.ok()) return display_name.status();
  request.display_name = std::move(*display_name);
  return request;
}

Result<LoginRequest> DecodeLogin(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  LoginRequest request;
  Status status;
  if (!Take(*object, "username", &request.username, &status) ||
      !Take(*object, "password", &request.password, &status) ||
      !TakeOptional(*object, "device", &request.device, &status)) {
    return status;
  }
  return request;
}

Result<PasswordRequest> DecodePassword(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  PasswordRequest request;
  Status status;
  if (!Take(*object, "old_password", &request.old_password, &status) ||
      !Take(*object, "new_password", &request.new_password, &status)) {
    return status;
  }
  return request;
}

}  // namespace parley::proto
