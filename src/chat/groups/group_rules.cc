#include "chat/groups/group_rules.h"

#include <unordered_set>

#include "base/utf8.h"

namespace parley::chat {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

Result<std::string> NormalizeGroupName(std::string_view name) {
  while (!name.empty() && IsSpace(name.front())) name.remove_prefix(1);
  while (!name.empty() && IsSpace(name.back())) name.remove_suffix(1);
  if (!IsValidUtf8(name)) return Status(Code::kMalformed, "name is not valid UTF-8");
  const size_t chars = Utf8Length(name);
  if (chars == 0 || chars > kMaxGroupNameChars) {
    return Status(Code::kInvalidArgument, "name must be 1 to 64 characters");
  }
  for (size_t pos = 0; pos < name.size();) {
    const auto decoded = DecodeUtf8At(name, pos);
    const char32_t c = decoded->code_point;
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      return Status(Code::kInvalidArgument, "name must not contain control characters");
    }
    pos += decoded->length;
  }
  return std::string(name);
}

Status ValidateGroupTopic(std::string_view topic) {
  if (topic.size() > kMaxGroupTopicBytes) {
    return Status(Code::kTooLarge, "topic is longer than 512 bytes");
  }
  if (!IsValidUtf8(topic)) return Status(Code::kMalformed, "topic is not valid UTF-8");
  return Status::Ok();
}

Status ValidateUserList(const std::vector<int64_t>& users) {
  if (users.empty() || users.size() > kMaxUsersPerAdd) {
    return Status(Code::kInvalidArgument, "users must list 1 to 1000 user ids");
  }
  std::unordered_set<int64_t> seen;
  for (int64_t user : users) {
    if (!seen.insert(user).second) {
      return Status(Code::kConflict, "user " + std::to_string(user) + " is listed twice");
    }
  }
  return Status::Ok();
}

std::string_view RoleName(store::Role role) {
  switch (role) {
    case store::Role::kOwner:
      return "owner";
    case store::Role::kAdmin:
      return "admin";
    case store::Role::kMember:
      return "member";
  }
  return "member";
}

bool CanManage(store::Role actor, store::Role target) {
  if (target == store::Role::kOwner) return false;
  if (actor == store::Role::kOwner) return true;
  return actor == store::Role::kAdmin && target == store::Role::kMember;
}

}  // namespace parley::chat
