#include "proto/admin_requests.h"

#include "proto/json_reader.h"

namespace parley::proto {
namespace {

Result<bool> OptionalBool(const nlohmann::json& object, std::string_view key, bool fallback) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) {
    return Status(Code::kMalformed, "field '" + std::string(key) + "' must be a boolean");
  }
  return it->get<bool>();
}

}  // namespace

Result<chat::NoticeRequest> DecodeNotice(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  chat::NoticeRequest request;
  auto text = RequiredString(*object, "text");
  if (!text.ok()) return text.status();
  request.text = std::move(*text);
  auto everyone = OptionalBool(*object, "all", false);
  if (!everyone.ok()) return everyone.status();
  request.everyone = *everyone;
  auto users = object->find("users");
  if (users != object->end() && !users->is_null()) {
    if (!users->is_array()) return Status(Code::kMalformed, "field 'users' must be an array");
    for (const nlohmann::json& user : *users) {
      if (!user.is_number_integer()) {
        return Status(Code::kMalformed, "field 'users' must hold integer user ids");
      }
      request.users.push_back(user.get<int64_t>());
    }
  }
  return request;
}

Result<bool> DecodeAdminRole(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto it = object->find("admin");
  if (it == object->end()) return Status(Code::kMalformed, "field 'admin' is missing");
  if (!it->is_boolean()) return Status(Code::kMalformed, "field 'admin' must be a boolean");
  return it->get<bool>();
}

}  // namespace parley::proto
