// XML serialization of outgoing stanzas: escaping and XmlElement to text. An element's xmlns is
// written when its namespace differs from its parent's (`parent_ns`: the namespace in scope
// where the element is written, "jabber:client" for a stanza in a c2s stream). Text and
// attribute values are escaped; names are trusted (the server makes them). Thread-safe, pure.
#ifndef PARLEY_XMPP_XML_WRITER_H_
#define PARLEY_XMPP_XML_WRITER_H_

#include <string>
#include <string_view>

#include "xmpp/xml_element.h"

namespace parley::xmpp {

// `text` escaped for character data and quoted attributes alike (&, <, >, quotes; \t \n \r as
// character references), the control characters XML 1.0 cannot carry replaced by U+FFFD.
std::string XmlEscape(std::string_view text);

std::string Serialize(const XmlElement& element, std::string_view parent_ns = "jabber:client");

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_XML_WRITER_H_
