#include "proto/group_bodies.h"

#include "proto/json_reader.h"

namespace parley::proto {
namespace {

using nlohmann::json;

void WriteGroupFields(JsonWriter& w, const store::Group& g) {
  w.Field("id", g.id)
      .Field("name", g.name)
      .Field("topic", g.topic)
      .Field("is_public", g.is_public)
      .Field("member_count", g.member_count)
      .Field("last_seq", g.last_seq)
      .Field("created_at", g.created_at);
}

void WriteMembers(JsonWriter& w, const chat::GroupInfo& info) {
  w.Key("members").BeginArray();
  for (const store::Member& m : info.members) {
    w.BeginObject().Field("user_id", m.user_id).Field("role", chat::RoleName(m.role));
    if (m.muted_until != 0) w.Field("muted_until", m.muted_until);
    w.EndObject();
  }
  w.EndArray().Field("has_more", info.has_more);
  w.Key("next_after");
  if (info.has_more) {
    w.Int(info.members.back().user_id);
  } else {
    w.Null();
  }
}

}  // namespace

Result<chat::NewGroup> DecodeNewGroup(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  chat::NewGroup group;
  auto name = RequiredString(*object, "name");
  if (!name.ok()) return name.status();
  group.name = std::move(*name);
  auto topic = OptionalString(*object, "topic");
  if (!topic.ok()) return topic.status();
  group.topic = topic->value_or("");
  auto is_public = OptionalBool(*object, "is_public");
  if (!is_public.ok()) return is_public.status();
  group.is_public = is_public->value_or(false);
  auto members = IdList(*object, "members", false);
  if (!members.ok()) return members.status();
  group.members = std::move(*members);
  return group;
}

Result<chat::GroupPatch> DecodeGroupPatch(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  chat::GroupPatch patch;
  auto name = OptionalString(*object, "name");
  if (!name.ok()) return name.status();
  patch.name = std::move(*name);
  auto topic = OptionalString(*object, "topic");
  if (!topic.ok()) return topic.status();
  patch.topic = std::move(*topic);
  auto is_public = OptionalBool(*object, "is_public");
  if (!is_public.ok()) return is_public.status();
  patch.is_public = *is_public;
  if (!patch.name && !patch.topic && !patch.is_public) {
    return Status(Code::kMalformed, "give at least one of name, topic and is_public");
  }
  return patch;
}

Result<std::vector<int64_t>> DecodeUsers(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  return IdList(*object, "users", true);
}

Result<store::Role> DecodeRole(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto role = RequiredString(*object, "role");
  if (!role.ok()) return role.status();
  if (*role == "admin") return store::Role::kAdmin;
  if (*role == "member") return store::Role::kMember;
  return Status(Code::kInvalidArgument, "role must be \"admin\" or \"member\"");
}

Result<int64_t> DecodeUser(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  return RequiredInt(*object, "user");
}

Result<int64_t> DecodeMute(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  return RequiredInt(*object, "until");
}

Result<chat::NewInvite> DecodeInvite(std::string_view body) {
  if (body.empty()) return chat::NewInvite{};
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto ttl = OptionalInt(*object, "ttl_ms");
  if (!ttl.ok()) return ttl.status();
  auto max_uses = OptionalInt(*object, "max_uses");
  if (!max_uses.ok()) return max_uses.status();
  return chat::NewInvite{ttl->value_or(0), max_uses->value_or(0)};
}

Result<std::string> DecodeJoin(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  return RequiredString(*object, "code");
}

std::string GroupBody(const store::Group& group, store::Role my_role) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("group").BeginObject();
  WriteGroupFields(w, group);
  w.Field("my_role", chat::RoleName(my_role)).EndObject().EndObject();
  return out;
}

std::string GroupInfoBody(const chat::GroupInfo& info) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("group").BeginObject();
  WriteGroupFields(w, info.group);
  w.Field("my_role", chat::RoleName(info.self.role));
  if (info.self.muted_until != 0) w.Field("muted_until", info.self.muted_until);
  w.EndObject();
  WriteMembers(w, info);
  w.EndObject();
  return out;
}

std::string MembersBody(const chat::GroupInfo& info) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteMembers(w, info);
  w.EndObject();
  return out;
}

namespace {

void WriteInvite(JsonWriter& w, const store::GroupInvite& invite) {
  w.BeginObject()
      .Field("code", invite.code)
      .Field("group_id", invite.conversation_id)
      .Field("created_by", invite.created_by)
      .Field("created_at", invite.created_at)
      .Field("expires_at", invite.expires_at)
      .Field("uses", invite.uses);
  if (invite.max_uses != 0) w.Field("max_uses", invite.max_uses);
  w.EndObject();
}

}  // namespace

std::string InviteBody(const store::GroupInvite& invite) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("invite");
  WriteInvite(w, invite);
  w.EndObject();
  return out;
}

std::string InvitesBody(std::span<const store::GroupInvite> invites) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("invites").BeginArray();
  for (const store::GroupInvite& invite : invites) WriteInvite(w, invite);
  w.EndArray().EndObject();
  return out;
}

std::string BansBody(std::span<const store::GroupBan> bans) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("bans").BeginArray();
  for (const store::GroupBan& ban : bans) {
    w.BeginObject()
        .Field("user_id", ban.user_id)
        .Field("banned_by", ban.banned_by)
        .Field("created_at", ban.created_at)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string JoinRequestsBody(std::span<const store::JoinRequest> requests) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("requests").BeginArray();
  for (const store::JoinRequest& r : requests) {
    w.BeginObject().Field("user_id", r.user_id).Field("created_at", r.created_at).EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string PublicGroupsBody(std::span<const store::PublicGroup> groups) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("groups").BeginArray();
  for (const store::PublicGroup& entry : groups) {
    const store::Group& g = entry.group;
    w.BeginObject()
        .Field("id", g.id)
        .Field("name", g.name)
        .Field("topic", g.topic)
        .Field("member_count", g.member_count)
        .Field("created_at", g.created_at)
        .Field("member", entry.member)
        .Field("requested", entry.requested)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

void WriteGroupSummary(JsonWriter& w, const store::ConversationSummary& summary) {
  w.Field("name", summary.name)
      .Field("topic", summary.topic)
      .Field("member_count", summary.member_count)
      .Field("role", chat::RoleName(summary.self.role))
      .Field("read_by", summary.read_by);
}

}  // namespace parley::proto
