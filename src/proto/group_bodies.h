// Group bodies of the HTTP API (docs/protocol.md, "Groups"): decoding of request bodies,
// encoding of responses and of the group fields in conversation summaries. Pure functions;
// thread-safe. Decoders fail with kMalformed for shape and type errors; value rules (name length,
// roles) belong to chat/.
#ifndef PARLEY_PROTO_GROUP_BODIES_H_
#define PARLEY_PROTO_GROUP_BODIES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "base/status.h"
#include "chat/groups/group_rules.h"
#include "chat/groups/groups.h"
#include "store/types.h"

namespace parley::proto {

// --- requests ---
// {"name", "topic"?, "is_public"?, "members"?: [ids]}
Result<chat::NewGroup> DecodeNewGroup(std::string_view body);
// {"name"?, "topic"?, "is_public"?}; at least one of them.
Result<chat::GroupPatch> DecodeGroupPatch(std::string_view body);
// {"users": [ids]}
Result<std::vector<int64_t>> DecodeUsers(std::string_view body);
// {"role": "admin" | "member"}; any other string is kInvalidArgument.
Result<store::Role> DecodeRole(std::string_view body);
// {"user": id}
Result<int64_t> DecodeUser(std::string_view body);
// {"until": ms}
Result<int64_t> DecodeMute(std::string_view body);
// {"ttl_ms"?: ms, "max_uses"?: n} or an empty body: 0 for what is absent (the defaults).
Result<chat::NewInvite> DecodeInvite(std::string_view body);
// {"code": "..."}
Result<std::string> DecodeJoin(std::string_view body);

// --- responses ---
std::string GroupBody(const store::Group& group, store::Role my_role);  // {"group": {...}}
std::string GroupInfoBody(const chat::GroupInfo& info);                 // group + members page
std::string MembersBody(const chat::GroupInfo& info);                   // members page only
std::string InviteBody(const store::GroupInvite& invite);               // {"invite": {...}}
std::string InvitesBody(std::span<const store::GroupInvite> invites);   // {"invites": [...]}
std::string BansBody(std::span<const store::GroupBan> bans);            // {"bans": [...]}
std::string JoinRequestsBody(std::span<const store::JoinRequest> requests);
// {"groups": [{"id", "name", "topic", "member_count", "created_at", "member", "requested"}]}:
// the directory of public groups (no last_seq: how much is said there is for members).
std::string PublicGroupsBody(std::span<const store::PublicGroup> groups);

// The group fields of a conversation summary (name, topic, member_count, role, read_by),
// written into the summary object being written.
void WriteGroupSummary(JsonWriter& w, const store::ConversationSummary& summary);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_GROUP_BODIES_H_
