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

Result<chat::ReportRequest> DecodeReport(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  chat::ReportRequest request;
  auto reason = RequiredString(*object, "reason");
  if (!reason.ok()) return reason.status();
  request.reason = std::move(*reason);
  auto conversation = OptionalInt(*object, "conversation_id");
  if (!conversation.ok()) return conversation.status();
  auto seq = OptionalInt(*object, "seq");
  if (!seq.ok()) return seq.status();
  auto user = OptionalInt(*object, "user_id");
  if (!user.ok()) return user.status();
  auto group = OptionalInt(*object, "group_id");
  if (!group.ok()) return group.status();
  if (conversation->has_value() != seq->has_value()) {
    return Status(Code::kMalformed, "a message report needs both conversation_id and seq");
  }
  request.conversation_id = conversation->value_or(0);
  request.seq = seq->value_or(0);
  request.user_id = user->value_or(0);
  request.group_id = group->value_or(0);
  return request;
}

Result<chat::Resolution> DecodeResolution(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto action = RequiredString(*object, "action");
  if (!action.ok()) return action.status();
  auto resolution = chat::ResolutionNamed(*action);
  if (!resolution) {
    return Status(Code::kInvalidArgument,
                  "action must be \"dismiss\", \"delete_message\", \"disable_user\", "
                  "\"make_private\" or \"delete_group\"");
  }
  return *resolution;
}

}  // namespace parley::proto
