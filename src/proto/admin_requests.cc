#include "proto/admin_requests.h"

#include "proto/json_reader.h"

namespace parley::proto {

Result<chat::NoticeRequest> DecodeNotice(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  chat::NoticeRequest request;
  auto text = RequiredString(*object, "text");
  if (!text.ok()) return text.status();
  request.text = std::move(*text);
  auto everyone = OptionalBool(*object, "all");
  if (!everyone.ok()) return everyone.status();
  request.everyone = everyone->value_or(false);
  auto users = IdList(*object, "users", false);
  if (!users.ok()) return users.status();
  request.users = std::move(*users);
  return request;
}

Result<bool> DecodeAdminRole(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto admin = OptionalBool(*object, "admin");
  if (!admin.ok()) return admin.status();
  if (!admin->has_value()) return Status(Code::kMalformed, "field 'admin' is missing");
  return **admin;
}

Result<std::string> DecodeAdminSetup(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  return RequiredString(*object, "setup_token");
}

}  // namespace parley::proto
