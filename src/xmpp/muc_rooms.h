// MUC (XEP-0045) names for Parley groups: the conference component is `conference.DOMAIN`, a
// room is `<group id>@conference.DOMAIN` (the id: stable across renames), an occupant is
// `room/<username>` (the server assigns the nick). Affiliations and roles come from the
// member's Parley role. Pure, thread-safe.
#ifndef PARLEY_XMPP_MUC_ROOMS_H_
#define PARLEY_XMPP_MUC_ROOMS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/types.h"
#include "xmpp/namespaces.h"
#include "xmpp/xml_element.h"

namespace parley::xmpp {

// Messages of history sent on join, at most (and when the client asks for none: 20).
inline constexpr int kMucMaxHistory = 50;
inline constexpr int kMucDefaultHistory = 20;

std::string ConferenceDomain(std::string_view domain);
// The group id of a room's local part: 1 to 18 digits, not 0; nullopt otherwise.
std::optional<int64_t> RoomIdOf(std::string_view local);
std::string RoomJid(int64_t group_id, std::string_view domain);
std::string_view MucRoleOf(store::Role role);  // moderator (owner, admin), participant
// The server's disco#items: the conference component.
XmlElement ServerDiscoItems(std::string_view domain);
// XEP-0082 date-time (UTC, milliseconds) of a Unix time in milliseconds.
std::string XmppTimestamp(int64_t unix_millis);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_MUC_ROOMS_H_
