// C2sSession: XEP-0280 message carbons. With carbons enabled, a message the user sent from
// another device (the web app, another XMPP resource) to a contact is copied to this stream as
// a <sent/> carbon; what the user receives already reaches every device (the Hub delivers to
// each), so no <received/> copy is needed. Off until the client enables it, per stream.
#include "xmpp/c2s_session.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {

void C2sSession::HandleCarbons(const XmlElement& iq) {
  const XmlElement& payload = iq.children.front();
  if (iq.Attr("type") != "set" || (payload.name != "enable" && payload.name != "disable")) {
    ReplyError(iq, Status(Code::kMalformed, "carbons: an iq set of <enable/> or <disable/>"));
    return;
  }
  carbons_ = payload.name == "enable";
  Reply(iq);
}

// The frame's message (the tail after its from=') wrapped in a sent carbon: from the user's
// bare JID (the other device's resource is not known) to the contact of the conversation.
void C2sSession::WriteCarbon(const Route& route, const chat::SharedFrame& frame) {
  const std::string self = XmlEscape(username_ + "@" + options_.domain);
  const std::string contact =
      XmlEscape(usernames_.at(direct_peer_.at(route.conversation_id)) + "@" + options_.domain);
  const size_t tail_offset = static_cast<size_t>(route.tail.data() - frame->data());
  Queue(Outgoing{"<message from='" + self + "' to='" + self + "/" + XmlEscape(resource_) +
                     "' type='chat'><sent xmlns='" + std::string(kCarbonsNs) +
                     "'><forwarded xmlns='" + std::string(kForwardNs) + "'><message xmlns='" +
                     std::string(kClientNs) + "' to='" + contact + "' from='" + self,
                 frame, tail_offset, "</forwarded></sent></message>"});
}

}  // namespace parley::xmpp
