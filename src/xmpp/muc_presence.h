// Occupant presence of a MUC room (XEP-0045 section 7.2) for a Parley group member, and what a
// session that joined a room knows of its occupants (c2s_muc.cc, c2s_muc_events.cc).
// The room is not anonymous: every item carries the member's bare JID. Pure, thread-safe.
#ifndef PARLEY_XMPP_MUC_PRESENCE_H_
#define PARLEY_XMPP_MUC_PRESENCE_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "chat/fanout/presence.h"
#include "store/types.h"
#include "xmpp/xml_element.h"

namespace parley::xmpp {

// Occupants listed on join, at most (besides the user): a room of thousands of members does
// not become thousands of presences at once.
inline constexpr size_t kMucMaxOccupants = 100;

// A member a session knows in a joined room.
struct MucMember {
  std::string username;
  store::Role role = store::Role::kMember;
  bool present = false;  // listed as an occupant
};
using MucRoomMembers = std::unordered_map<int64_t, MucMember>;  // by user id

struct OccupantState {
  store::Role role = store::Role::kMember;
  chat::PresenceStatus status = chat::PresenceStatus::kOnline;  // kOffline: unavailable
  bool removed = false;    // no longer a member: affiliation and role none
  bool destroyed = false;  // the group was deleted (a <destroy/> in the item's x)
};

XmlElement OccupantPresence(std::string_view room_jid, std::string_view username,
                            std::string_view domain, const OccupantState& state,
                            std::initializer_list<std::string_view> status_codes = {});

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_MUC_PRESENCE_H_
