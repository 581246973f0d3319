// Group rules that need no storage: input limits, role checks, and the events that record
// every group change in the group's own message stream (docs/protocol.md, "Groups").
//
// Pure functions and plain values; thread-safe.
#ifndef PARLEY_CHAT_GROUPS_GROUP_RULES_H_
#define PARLEY_CHAT_GROUPS_GROUP_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/types.h"

namespace parley::chat {

inline constexpr size_t kMaxGroupNameChars = 64;    // code points, after trimming
inline constexpr size_t kMaxGroupTopicBytes = 512;  // UTF-8 bytes
inline constexpr size_t kMaxUsersPerAdd = 1000;     // users in one create or add request

// The name to store: `name` without leading and trailing whitespace, 1 to 64 code points and
// no control characters (kInvalidArgument otherwise).
Result<std::string> NormalizeGroupName(std::string_view name);

// A topic is at most 512 bytes (kTooLarge); it may be empty (no topic).
Status ValidateGroupTopic(std::string_view topic);

// A list of users to add: 1 to kMaxUsersPerAdd (kInvalidArgument), none twice (kConflict).
Status ValidateUserList(const std::vector<int64_t>& users);

// "owner", "admin", "member".
std::string_view RoleName(store::Role role);

// Whether `actor` may manage (remove, mute) `target`: admins manage members; the owner
// manages everyone but the owner.
bool CanManage(store::Role actor, store::Role target);
inline bool IsAdminOrOwner(store::Role role) { return role != store::Role::kMember; }

// One group change, as stored (JSON, see chat/groups/group_event_text.h) in a kEvent message whose
// sender is `actor`. Only the fields its type uses are set.
struct GroupEvent {
  std::string type;  // group_created, member_added, member_removed, member_left, renamed,
                     // topic_changed, visibility_changed, role_changed, muted, unmuted,
                     // ownership_transferred, group_deleted
  int64_t actor = 0;
  std::vector<int64_t> users;        // group_created, member_added, member_removed
  std::optional<int64_t> user;       // role_changed, muted, unmuted, ownership_transferred
  std::optional<std::string> name;   // group_created, renamed
  std::optional<std::string> topic;  // topic_changed
  std::optional<std::string> role;   // role_changed
  std::optional<int64_t> until;      // muted
  std::optional<bool> is_public;     // visibility_changed
  std::optional<std::string> via;    // member_added: "invite", "request" (absent: added)
  friend bool operator==(const GroupEvent&, const GroupEvent&) = default;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_GROUPS_GROUP_RULES_H_
