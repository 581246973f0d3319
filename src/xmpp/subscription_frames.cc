#include "xmpp/subscription_frames.h"

#include "xmpp/namespaces.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace {

XmlElement Presence(const std::string& from, std::string_view type) {
  XmlElement presence(std::string(kClientNs), "presence");
  presence.Set("from", from);
  if (!type.empty()) presence.Set("type", std::string(type));
  return presence;
}

}  // namespace

std::string SubscribeStanza(const chat::events::FriendRequested& event, std::string_view domain) {
  XmlElement presence = Presence(event.from.username + "@" + std::string(domain), "subscribe");
  if (!event.request.note.empty()) {
    presence.AddText(std::string(kClientNs), "status", event.request.note);
  }
  return Serialize(presence);
}

std::string FriendAddedStanzas(const chat::events::FriendAdded& event, std::string_view domain) {
  const store::User& user = event.added.relation.user;
  const std::string jid = user.username + "@" + std::string(domain);
  std::string out = Serialize(Presence(jid, "subscribed"));
  XmlElement push(std::string(kClientNs), "iq");
  push.Set("type", "set").Set("id", "roster-" + std::to_string(user.id));
  XmlElement& query = push.Add(XmlElement(std::string(kRosterNs), "query"));
  query.Add(XmlElement(std::string(kRosterNs), "item"))
      .Set("jid", jid)
      .Set("name", user.display_name)
      .Set("subscription", "both");
  out += Serialize(push);
  switch (event.added.presence.status) {
    case chat::PresenceStatus::kOnline:
      out += Serialize(Presence(jid, ""));
      break;
    case chat::PresenceStatus::kAway:
      out += Serialize(Presence(jid, "").AddText(std::string(kClientNs), "show", "away"));
      break;
    case chat::PresenceStatus::kOffline:
      break;
  }
  return out;
}

std::string RequestClosedFrame(const chat::events::FriendRequestClosed& event) {
  return "q " + std::to_string(event.request.from_id) + " " + std::to_string(event.request.to_id) +
         "\n" + (event.declined ? "declined" : "closed");
}

std::string RequestClosedStanzas(int64_t me, int64_t from, std::string_view tail,
                                 const std::string& other_jid, uint64_t push_id) {
  if (me != from) {
    return tail == "declined" ? "" : Serialize(Presence(other_jid, "unsubscribe"));
  }
  std::string out = Serialize(Presence(other_jid, "unsubscribed"));
  XmlElement push(std::string(kClientNs), "iq");
  push.Set("type", "set").Set("id", "roster-" + std::to_string(push_id));
  XmlElement& query = push.Add(XmlElement(std::string(kRosterNs), "query"));
  query.Add(XmlElement(std::string(kRosterNs), "item"))
      .Set("jid", other_jid)
      .Set("subscription", "remove");
  return out + Serialize(push);
}

}  // namespace parley::xmpp
