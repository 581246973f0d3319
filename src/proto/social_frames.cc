#include "proto/social_frames.h"

#include <functional>
#include <optional>
#include <utility>

#include "proto/json_reader.h"

namespace parley::proto {
namespace {

using nlohmann::json;

void WriteUserObject(JsonWriter& w, const store::User& user) {
  w.BeginObject();
  WritePublicProfile(w, user);
  w.EndObject();
}

void WritePresence(JsonWriter& w, const chat::PresenceInfo& presence) {
  w.Key("presence")
      .BeginObject()
      .Field("status", PresenceName(presence.status))
      .Field("last_seen_at", presence.last_seen_at)
      .EndObject();
}

void WriteFriend(JsonWriter& w, const chat::Friend& f) {
  w.BeginObject().Key("user");
  WriteUserObject(w, f.relation.user);
  w.Field("since", f.relation.since);
  WritePresence(w, f.presence);
  w.EndObject();
}

void WriteRequest(JsonWriter& w, const store::FriendRequest& r) {
  w.BeginObject()
      .Field("from_id", r.from_id)
      .Field("to_id", r.to_id)
      .Field("note", r.note)
      .Field("created_at", r.created_at)
      .EndObject();
}

std::string Frame(std::string_view type, const std::function<void(JsonWriter&)>& fields) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("type", type);
  fields(w);
  w.EndObject();
  return out;
}

Result<std::optional<std::string>> Optional(const json& object, std::string_view key, bool* any) {
  auto value = OptionalString(object, key);
  if (value.ok() && value->has_value()) *any = true;
  return value;
}

}  // namespace

void WritePublicProfile(JsonWriter& w, const store::User& user) {
  w.Field("id", user.id)
      .Field("username", user.username)
      .Field("display_name", user.display_name)
      .Field("avatar", user.avatar)
      .Field("status_line", user.status_line);
}

std::string_view PresenceName(chat::PresenceStatus status) {
  switch (status) {
    case chat::PresenceStatus::kOnline:
      return "online";
    case chat::PresenceStatus::kAway:
      return "away";
    case chat::PresenceStatus::kOffline:
      return "offline";
  }
  return "offline";
}

// --- HTTP bodies ---

std::string UsersBody(std::span<const store::User> users) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("users").BeginArray();
  for (const store::User& user : users) WriteUserObject(w, user);
  w.EndArray().EndObject();
  return out;
}

std::string FriendsBody(std::span<const chat::Friend> friends) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("friends").BeginArray();
  for (const chat::Friend& f : friends) WriteFriend(w, f);
  w.EndArray().EndObject();
  return out;
}

std::string FriendBody(const chat::Friend& added) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("friend");
  WriteFriend(w, added);
  w.EndObject();
  return out;
}

std::string FriendRequestBody(const store::FriendRequest& request) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("request");
  WriteRequest(w, request);
  w.EndObject();
  return out;
}

std::string FriendRequestsBody(const store::FriendRequests& requests) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("incoming").BeginArray();
  for (const store::FriendRequest& r : requests.incoming) WriteRequest(w, r);
  w.EndArray().Key("outgoing").BeginArray();
  for (const store::FriendRequest& r : requests.outgoing) WriteRequest(w, r);
  w.EndArray().EndObject();
  return out;
}

std::string BlocksBody(std::span<const store::Relation> blocks) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("blocks").BeginArray();
  for (const store::Relation& block : blocks) {
    w.BeginObject().Key("user");
    WriteUserObject(w, block.user);
    w.Field("since", block.since).EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

// --- HTTP request bodies ---

Result<FriendRequestRequest> DecodeFriendRequest(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  FriendRequestRequest request;
  auto to = RequiredInt(*object, "to");
  if (!to.ok()) return to.status();
  request.to = *to;
  auto note = OptionalString(*object, "note");
  if (!note.ok()) return note.status();
  request.note = note->value_or("");
  return request;
}

Result<store::ProfileUpdate> DecodeProfileUpdate(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  store::ProfileUpdate update;
  bool any = false;
  std::pair<std::string_view, std::optional<std::string>*> fields[] = {
      {"display_name", &update.display_name},
      {"avatar", &update.avatar},
      {"status_line", &update.status_line},
      {"language", &update.language},
      {"time_zone", &update.time_zone}};
  for (auto& [key, target] : fields) {
    auto value = Optional(*object, key, &any);
    if (!value.ok()) return value.status();
    *target = std::move(*value);
  }
  if (!any) {
    return Status(Code::kMalformed,
                  "give at least one of display_name, avatar, status_line, language, time_zone");
  }
  return update;
}

// --- WebSocket frames ---

std::string FriendRequestFrame(const chat::events::FriendRequested& event) {
  return Frame("friend_request", [&](JsonWriter& w) {
    w.Key("request");
    WriteRequest(w, event.request);
    w.Key("from");
    WriteUserObject(w, event.from);
  });
}

std::string FriendRequestClosedFrame(const chat::events::FriendRequestClosed& event) {
  return Frame(event.declined ? "friend_request_declined" : "friend_request_cancelled",
               [&](JsonWriter& w) {
                 w.Field("from_id", event.request.from_id).Field("to_id", event.request.to_id);
               });
}

std::string FriendAddedFrame(const chat::events::FriendAdded& event) {
  return Frame("friend_added", [&](JsonWriter& w) {
    w.Key("friend");
    WriteFriend(w, event.added);
  });
}

std::string FriendRemovedFrame(const chat::events::FriendRemoved& event) {
  return Frame("friend_removed", [&](JsonWriter& w) { w.Field("user_id", event.user_id); });
}

std::string BlockChangedFrame(const chat::events::BlockChanged& event) {
  return Frame("block_changed", [&](JsonWriter& w) {
    w.Key("user");
    WriteUserObject(w, event.user);
    w.Field("blocked", event.blocked);
    if (event.blocked) w.Field("since", event.since);
  });
}

std::string ProfileFrame(const chat::events::ProfileChanged& event) {
  return Frame("profile", [&](JsonWriter& w) {
    w.Key("user");
    WriteUserObject(w, event.user);
  });
}

std::string PresenceChangedFrame(const chat::events::PresenceChanged& event) {
  return Frame("presence", [&](JsonWriter& w) {
    w.Field("user_id", event.user_id)
        .Field("status", PresenceName(event.presence.status))
        .Field("last_seen_at", event.presence.last_seen_at);
  });
}

std::string TypingEventFrame(const chat::events::Typing& event) {
  return Frame("typing", [&](JsonWriter& w) {
    w.Field("conversation_id", event.conversation_id).Field("user_id", event.user_id);
  });
}

}  // namespace parley::proto
