#include "xmpp/xmpp_frames.h"

#include <charconv>

#include "xmpp/muc_frames.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/subscription_frames.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace {

std::string RouteLine(char kind, int64_t user_id, int64_t conversation_id) {
  return std::string(1, kind) + " " + std::to_string(user_id) + " " +
         std::to_string(conversation_id) + "\n";
}

chat::SharedFrame Nothing() {
  static const chat::SharedFrame empty = chat::MakeFrame("");
  return empty;
}

// The rest of a <message from='...: the client's id, the body and the seq as the stanza id
// (XEP-0359) assigned by this server. A media goes as its URL, both the body and XEP-0066's
// <x xmlns='jabber:x:oob'> (what clients show inline), the message's text as its description.
std::string MessageTail(const store::Message& message, std::string_view domain,
                        std::string_view media_url) {
  std::string tail = "' type='chat'";
  if (!message.client_id.empty()) tail += " id='" + XmlEscape(message.client_id) + "'";
  if (media_url.empty()) {
    tail += "><body>" + XmlEscape(message.text) + "</body>";
  } else {
    tail += "><body>" + XmlEscape(media_url) + "</body><x xmlns='" + std::string(kOobNs) +
            "'><url>" + XmlEscape(media_url) + "</url>";
    if (!message.text.empty()) tail += "<desc>" + XmlEscape(message.text) + "</desc>";
    tail += "</x>";
  }
  tail += "<stanza-id xmlns='urn:xmpp:sid:0' id='" + std::to_string(message.seq) + "' by='" +
          XmlEscape(domain) + "'/></message>";
  return tail;
}

std::string PresenceTail(chat::PresenceStatus status) {
  switch (status) {
    case chat::PresenceStatus::kOnline:
      return "'/>";
    case chat::PresenceStatus::kAway:
      return "'><show>away</show></presence>";
    case chat::PresenceStatus::kOffline:
      break;
  }
  return "' type='unavailable'/>";
}

}  // namespace

chat::SharedFrame XmppFrameEncoder::Encode(const chat::Event& event) const {
  namespace events = chat::events;
  if (auto* committed = std::get_if<events::MessageCommitted>(&event)) {
    const store::Message& message = committed->message;
    const std::string media_url =
        message.media && media_url_ ? media_url_(*message.media) : std::string();
    if (message.kind != store::MessageKind::kText || (message.text.empty() && media_url.empty()) ||
        message.deleted) {
      return Nothing();  // stickers, edits, reactions, group events: not yet mapped
    }
    std::string route = RouteLine('m', message.sender_id, message.conversation_id);
    if (committed->direct_recipient_id != 0) {  // "m <user> <conversation> <recipient>\n"
      route.back() = ' ';
      route += std::to_string(committed->direct_recipient_id) + "\n";
    }
    return chat::MakeFrame(route + MessageTail(message, domain_, media_url));
  }
  if (auto* acked = std::get_if<events::Acked>(&event)) {  // to the sending device only
    if (acked->message.kind != store::MessageKind::kText) return Nothing();
    return chat::MakeFrame(RouteLine('a', 0, acked->message.conversation_id) +
                           acked->message.client_id + "\n" + std::to_string(acked->message.seq));
  }
  if (auto* moved = std::get_if<events::ReceiptMoved>(&event)) {
    return chat::MakeFrame(RouteLine('c', moved->member.user_id, moved->conversation_id) +
                           std::to_string(moved->member.delivered_seq) + " " +
                           std::to_string(moved->member.read_seq));
  }
  if (auto* typing = std::get_if<events::Typing>(&event)) {
    return chat::MakeFrame(
        RouteLine('m', typing->user_id, typing->conversation_id) +
        "' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
  }
  if (auto* presence = std::get_if<events::PresenceChanged>(&event)) {
    return chat::MakeFrame(RouteLine('p', presence->user_id, 0) +
                           PresenceTail(presence->presence.status));
  }
  if (auto* failed = std::get_if<events::RequestFailed>(&event)) {
    if (failed->id.empty()) return Nothing();  // not about a message this protocol sent
    XmlElement reply(std::string(kClientNs), "message");
    reply.Set("type", "error").Set("id", failed->id);
    reply.Add(ErrorElement(StanzaErrorOf(failed->status.code()), failed->status.message()));
    return chat::MakeFrame(RouteLine('x', 0, 0) + Serialize(reply));
  }
  if (auto* added = std::get_if<events::FriendAdded>(&event)) {
    return chat::MakeFrame(RouteLine('x', 0, 0) + FriendAddedStanzas(*added, domain_));
  }
  if (auto* requested = std::get_if<events::FriendRequested>(&event)) {
    return chat::MakeFrame(RouteLine('x', 0, 0) + SubscribeStanza(*requested, domain_));
  }
  if (auto* closed = std::get_if<events::FriendRequestClosed>(&event)) {
    return chat::MakeFrame(RequestClosedFrame(*closed));
  }
  if (auto* changed = std::get_if<events::GroupChanged>(&event)) {
    return GroupChangedFrame(*changed);  // muc_frames.h
  }
  if (auto* removed = std::get_if<events::FriendRemoved>(&event)) {
    return chat::MakeFrame(RouteLine('r', removed->user_id, 0));
  }
  if (auto* changed = std::get_if<events::BlockChanged>(&event)) {  // XEP-0191 section 3.3
    XmlElement push(std::string(kClientNs), "iq");
    push.Set("type", "set")
        .Set("id",
             "block-" + std::to_string(changed->user.id) + "-" + std::to_string(changed->since));
    push.Add(XmlElement(std::string(kBlockingNs), changed->blocked ? "block" : "unblock"))
        .Add(XmlElement(std::string(kBlockingNs), "item"))
        .Set("jid", changed->user.username + "@" + domain_);
    return chat::MakeFrame(RouteLine('x', 0, 0) + Serialize(push));
  }
  return Nothing();
}

std::optional<Route> ReadRoute(std::string_view frame) {
  const size_t end = frame.find('\n');
  if (frame.size() < 6 || end == std::string_view::npos || frame[1] != ' ') return std::nullopt;
  Route route;
  route.kind = frame[0];
  const char* p = frame.data() + 2;
  const char* line_end = frame.data() + end;
  auto [after_user, e1] = std::from_chars(p, line_end, route.user_id);
  if (e1 != std::errc() || after_user == line_end || *after_user != ' ') return std::nullopt;
  auto [after_conversation, e2] = std::from_chars(after_user + 1, line_end, route.conversation_id);
  if (e2 != std::errc()) return std::nullopt;
  if (after_conversation != line_end) {  // a direct message's recipient
    if (*after_conversation != ' ') return std::nullopt;
    auto [after_recipient, e3] =
        std::from_chars(after_conversation + 1, line_end, route.direct_recipient_id);
    if (e3 != std::errc() || after_recipient != line_end) return std::nullopt;
  }
  route.tail = frame.substr(end + 1);
  return route;
}

}  // namespace parley::xmpp
