// The XMPP frames of room changes (route lines: xmpp_frames.h), read back by the sessions
// that joined the room (c2s_muc_events.cc):
//   "g <user> <room>\n" TYPE " " ACTOR "\n" ARG   a group change (events::GroupChanged): TYPE is
//        the group event's type, <user> the member it is about (the actor when it is about no
//        one else), ARG the new role (role_changed) or topic (topic_changed), else empty
//   "o <user> <room>\n" ROLE " " 1|0 " " USERNAME  <user> entered (1) or left (0) the room
//        over XMPP on this node (muc_occupancy.h), with the Parley role it had then
// Pure, thread-safe.
#ifndef PARLEY_XMPP_MUC_FRAMES_H_
#define PARLEY_XMPP_MUC_FRAMES_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "chat/fanout/events.h"
#include "chat/fanout/frame_encoder.h"
#include "store/types.h"

namespace parley::xmpp {

// An empty frame for the group changes rooms do not show (created, added, visibility, ...).
chat::SharedFrame GroupChangedFrame(const chat::events::GroupChanged& changed);
chat::SharedFrame OccupantFrame(int64_t room, int64_t user_id, std::string_view username,
                                store::Role role, bool present);

struct RoomChange {
  std::string_view type;
  int64_t actor = 0;
  std::string_view arg;
};
std::optional<RoomChange> ReadRoomChange(std::string_view tail);

struct OccupantMove {
  store::Role role = store::Role::kMember;
  bool present = false;
  std::string_view username;
};
std::optional<OccupantMove> ReadOccupantMove(std::string_view tail);

// "owner", "admin", "member" (chat::RoleName's names) back to the role.
std::optional<store::Role> RoleNamed(std::string_view name);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_MUC_FRAMES_H_
