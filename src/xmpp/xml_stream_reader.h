// XmlStreamReader: the incoming side of one XMPP stream (RFC 6120 section 4), read with
// expat's push parser as bytes arrive, and handed out one top-level element (a stanza, or a
// stream-level element such as <auth/>) at a time, each as a small tree (xml_element.h).
//
// Restricted XML (RFC 6120 section 11.1): a DTD, an entity declaration, a processing
// instruction or a comment fails the stream (restricted-xml) before anything is expanded;
// references to undeclared entities are not well-formed. Only UTF-8 is read.
// Namespaces: the stream element must be {http://etherx.jabber.org/streams}stream with
// jabber:client as its default namespace, and message/presence/iq must be in jabber:client
// (invalid-namespace otherwise).
// Limits (policy-violation when broken): bytes per top-level element (counted on the wire, so
// expat never buffers more than about that much), element depth inside it, attributes per
// element, and a token bucket of top-level elements per second.
//
// Once failed, a reader stays failed. Restart() begins a new stream on the same connection
// (after SASL success or STARTTLS): bytes the peer sent after the element that triggered the
// restart, in the same Feed, are dropped (no pipelining across a restart). Not thread-safe: one
// connection's reader is used on that connection's strand.
#ifndef PARLEY_XMPP_XML_STREAM_READER_H_
#define PARLEY_XMPP_XML_STREAM_READER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "xmpp/namespaces.h"
#include "xmpp/stream_error.h"
#include "xmpp/xml_element.h"

struct XML_ParserStruct;

namespace parley::xmpp {

struct XmlLimits {
  size_t max_stanza_bytes = 64 * 1024;  // one top-level element on the wire
  int max_depth = 16;                   // elements nested inside a top-level element, it included
  int max_attributes = 32;              // per element
  double stanzas_per_second = 50;       // sustained rate of top-level elements
  double stanza_burst = 200;            // and the burst above it
};

namespace xml_events {
// The stream header (<stream:stream ...>); its attributes, children empty.
struct StreamOpened {
  XmlElement header;
};
struct Stanza {
  XmlElement element;
};
// </stream:stream>
struct StreamClosed {};
}  // namespace xml_events

using XmlEvent =
    std::variant<xml_events::StreamOpened, xml_events::Stanza, xml_events::StreamClosed>;

// What a Feed read: the events, in order, or the failure that ends the stream.
using FeedResult = std::variant<std::vector<XmlEvent>, StreamFailure>;

class XmlStreamReader {
 public:
  explicit XmlStreamReader(XmlLimits limits);
  ~XmlStreamReader();
  XmlStreamReader(const XmlStreamReader&) = delete;
  XmlStreamReader& operator=(const XmlStreamReader&) = delete;

  // Reads the next bytes of the stream; `now_ms` (a steady clock) paces the rate limit.
  FeedResult Feed(std::string_view bytes, int64_t now_ms);
  // Starts reading a new stream (a new header is expected next).
  void Restart();
  // Every byte fed so far belongs to the stream header or a complete top-level element (or is
  // whitespace between them): no element is partly read.
  bool AtBoundary() const { return depth_ <= 1 && boundary_ == fed_bytes_; }

  // Expat's callbacks (C linkage trampolines in the .cc); not for callers.
  void OnStart(const char* name, const char** attributes);
  void OnEnd(const char* name);
  void OnText(const char* text, int length);
  void OnNamespace(const char* prefix, const char* uri);
  void OnXmlDecl(const char* encoding);
  void Refuse(StreamCondition condition, const char* what);

 private:
  void CreateParser();
  void Fail(StreamCondition condition, std::string text);
  void MarkBoundary();  // no top-level element is open up to the parser's position
  bool TakeRateToken();

  const XmlLimits limits_;
  XML_ParserStruct* parser_ = nullptr;
  std::optional<StreamFailure> failure_;
  std::vector<XmlEvent> events_;  // read by the Feed under way

  int depth_ = 0;                          // open elements, the stream element included
  std::optional<std::string> default_ns_;  // declared on the stream element
  XmlElement stanza_;                      // the top-level element being read
  std::vector<XmlElement*> open_;          // its open elements, innermost last
  int64_t fed_bytes_ = 0;                  // since the stream (re)started
  int64_t boundary_ = 0;                   // wire offset where the open element began, or after
                                           // the last thing that was not in one
  int64_t now_ms_ = 0;
  double tokens_;
  int64_t refilled_at_ms_ = -1;
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_XML_STREAM_READER_H_
