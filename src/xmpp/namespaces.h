// The XML namespaces of the XMPP protocols Parley speaks (docs/xmpp.md), named once.
#ifndef PARLEY_XMPP_NAMESPACES_H_
#define PARLEY_XMPP_NAMESPACES_H_

#include <string_view>

namespace parley::xmpp {

// RFC 6120: streams, their errors, STARTTLS, SASL, resource binding, stanza errors.
inline constexpr std::string_view kStreamNs = "http://etherx.jabber.org/streams";
inline constexpr std::string_view kClientNs = "jabber:client";
inline constexpr std::string_view kStreamErrorNs = "urn:ietf:params:xml:ns:xmpp-streams";
inline constexpr std::string_view kTlsNs = "urn:ietf:params:xml:ns:xmpp-tls";
inline constexpr std::string_view kSaslNs = "urn:ietf:params:xml:ns:xmpp-sasl";
inline constexpr std::string_view kBindNs = "urn:ietf:params:xml:ns:xmpp-bind";
inline constexpr std::string_view kStanzasNs = "urn:ietf:params:xml:ns:xmpp-stanzas";
// RFC 7395: XMPP over WebSocket's <open/> and <close/>.
inline constexpr std::string_view kFramingNs = "urn:ietf:params:xml:ns:xmpp-framing";
// RFC 3921's legacy session, answered empty.
inline constexpr std::string_view kSessionNs = "urn:ietf:params:xml:ns:xmpp-session";
// RFC 6121: the roster.
inline constexpr std::string_view kRosterNs = "jabber:iq:roster";
// The XML namespace itself (xml:lang).
inline constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

// XEPs.
inline constexpr std::string_view kDiscoInfoNs = "http://jabber.org/protocol/disco#info";
inline constexpr std::string_view kDiscoItemsNs = "http://jabber.org/protocol/disco#items";
inline constexpr std::string_view kDataFormsNs = "jabber:x:data";             // XEP-0004
inline constexpr std::string_view kMucNs = "http://jabber.org/protocol/muc";  // XEP-0045
inline constexpr std::string_view kMucUserNs = "http://jabber.org/protocol/muc#user";
inline constexpr std::string_view kMucAdminNs = "http://jabber.org/protocol/muc#admin";
inline constexpr std::string_view kRsmNs = "http://jabber.org/protocol/rsm";  // XEP-0059
inline constexpr std::string_view kOobNs = "jabber:x:oob";                    // XEP-0066
inline constexpr std::string_view kChatStatesNs = "http://jabber.org/protocol/chatstates";  // 0085
inline constexpr std::string_view kReceiptsNs = "urn:xmpp:receipts";          // XEP-0184
inline constexpr std::string_view kBlockingNs = "urn:xmpp:blocking";          // XEP-0191
inline constexpr std::string_view kSmNs = "urn:xmpp:sm:3";                    // XEP-0198
inline constexpr std::string_view kPingNs = "urn:xmpp:ping";                  // XEP-0199
inline constexpr std::string_view kDelayNs = "urn:xmpp:delay";                // XEP-0203
inline constexpr std::string_view kCarbonsNs = "urn:xmpp:carbons:2";          // XEP-0280
inline constexpr std::string_view kForwardNs = "urn:xmpp:forward:0";          // XEP-0297
inline constexpr std::string_view kMamNs = "urn:xmpp:mam:2";                  // XEP-0313
inline constexpr std::string_view kStanzaIdNs = "urn:xmpp:sid:0";             // XEP-0359
inline constexpr std::string_view kHttpUploadNs = "urn:xmpp:http:upload:0";   // XEP-0363
inline constexpr std::string_view kRetractNs = "urn:xmpp:message-retract:1";  // XEP-0424

// XEP-0333 chat markers.
inline constexpr std::string_view kChatMarkersNs = "urn:xmpp:chat-markers:0";

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_NAMESPACES_H_
