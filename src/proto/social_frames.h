// Wire encoding of the social features (docs/protocol.md, "Friends, blocks, profiles and
// presence"): the server's WebSocket frames and HTTP bodies, and the decoding of their HTTP
// request bodies. Pure functions, thread-safe.
#ifndef PARLEY_PROTO_SOCIAL_FRAMES_H_
#define PARLEY_PROTO_SOCIAL_FRAMES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/json_writer.h"
#include "base/status.h"
#include "chat/fanout/events.h"
#include "store/types.h"

namespace parley::proto {

// The public profile fields of a user, inside an object the caller opened: id, username,
// display_name, avatar, status_line. (language and time_zone are private: AccountBody.)
void WritePublicProfile(JsonWriter& w, const store::User& user);

std::string_view PresenceName(chat::PresenceStatus status);  // "online", "away", "offline"

// --- HTTP bodies ---
std::string UsersBody(std::span<const store::User> users);              // {"users": [...]}
std::string FriendsBody(std::span<const chat::Friend> friends);         // {"friends": [...]}
std::string FriendBody(const chat::Friend& added);                      // {"friend": {...}}
std::string FriendRequestBody(const store::FriendRequest& request);     // {"request": {...}}
std::string FriendRequestsBody(const store::FriendRequests& requests);  // incoming, outgoing
std::string BlocksBody(std::span<const store::Relation> blocks);        // {"blocks": [...]}

// --- HTTP request bodies (kMalformed for shape and type errors) ---
struct FriendRequestRequest {
  int64_t to = 0;
  std::string note;  // empty when not given
};
Result<FriendRequestRequest> DecodeFriendRequest(std::string_view body);
// Fields absent or null are left unchanged; at least one field must be given.
Result<store::ProfileUpdate> DecodeProfileUpdate(std::string_view body);

// --- WebSocket frames (proto/json_frames.h picks the one for each event) ---
std::string FriendRequestFrame(const chat::events::FriendRequested& event);
std::string FriendRequestClosedFrame(const chat::events::FriendRequestClosed& event);
std::string FriendAddedFrame(const chat::events::FriendAdded& event);
std::string FriendRemovedFrame(const chat::events::FriendRemoved& event);
std::string BlockChangedFrame(const chat::events::BlockChanged& event);
std::string ProfileFrame(const chat::events::ProfileChanged& event);
std::string PresenceChangedFrame(const chat::events::PresenceChanged& event);
std::string TypingEventFrame(const chat::events::Typing& event);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_SOCIAL_FRAMES_H_
