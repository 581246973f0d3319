// Stanza errors (RFC 6120 section 8.3): the one table from Parley's error codes (base/status.h)
// to an XMPP error type and defined condition, and the <error/> element itself.
#ifndef PARLEY_XMPP_STANZA_ERROR_H_
#define PARLEY_XMPP_STANZA_ERROR_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "xmpp/namespaces.h"
#include "xmpp/xml_element.h"

namespace parley::xmpp {

struct StanzaErrorKind {
  std::string_view type;       // cancel, modify, wait, auth
  std::string_view condition;  // bad-request, not-allowed, ...
};

StanzaErrorKind StanzaErrorOf(Code code);

// <error type='...'><condition/><text>...</text></error> (text omitted when empty).
XmlElement ErrorElement(StanzaErrorKind kind, std::string_view text);

// The error reply to `stanza` (message, presence or iq): its name, id and the sender's address
// as `from`; `to` is left out (the stream's own client).
XmlElement ErrorReply(const XmlElement& stanza, StanzaErrorKind kind, std::string_view text);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_STANZA_ERROR_H_
