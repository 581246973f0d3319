#include "xmpp/muc_presence.h"

#include "chat/groups/group_rules.h"
#include "xmpp/muc_rooms.h"
#include "xmpp/namespaces.h"

namespace parley::xmpp {

XmlElement OccupantPresence(std::string_view room_jid, std::string_view username,
                            std::string_view domain, const OccupantState& state,
                            std::initializer_list<std::string_view> status_codes) {
  XmlElement presence(std::string(kClientNs), "presence");
  presence.Set("from", std::string(room_jid) + "/" + std::string(username));
  if (state.status == chat::PresenceStatus::kOffline) presence.Set("type", "unavailable");
  if (state.status == chat::PresenceStatus::kAway) {
    presence.AddText(std::string(kClientNs), "show", "away");
  }
  XmlElement& x = presence.Add(XmlElement(std::string(kMucUserNs), "x"));
  XmlElement& item = x.Add(XmlElement(std::string(kMucUserNs), "item"));
  if (state.removed) {
    item.Set("affiliation", "none").Set("role", "none");
  } else {
    item.Set("affiliation", std::string(chat::RoleName(state.role)))
        .Set("role", state.status == chat::PresenceStatus::kOffline
                         ? "none"
                         : std::string(MucRoleOf(state.role)));
  }
  item.Set("jid", std::string(username) + "@" + std::string(domain));
  if (state.destroyed) x.Add(XmlElement(std::string(kMucUserNs), "destroy"));
  for (std::string_view code : status_codes) {
    x.Add(XmlElement(std::string(kMucUserNs), "status")).Set("code", std::string(code));
  }
  return presence;
}

}  // namespace parley::xmpp
