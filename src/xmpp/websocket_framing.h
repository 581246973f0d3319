// XMPP over WebSocket's framing (RFC 7395 section 3.3): each WebSocket text message is one
// complete XML element; <open xmlns='urn:ietf:params:xml:ns:xmpp-framing' .../> and <close/>
// stand for the stream header and footer, and a stream restart (after SASL) is a new <open/>.
//
// FramedXmlReader reads the client's messages with the stream's XmlStreamReader (the same
// limits, restricted XML and namespace rules as on TCP): it feeds the reader a stream element of
// its own (jabber:client the default namespace) and then each message, trimmed of surrounding
// whitespace, and refuses (not-well-formed) a message that is not exactly one complete element:
// half an element, two elements, text. <open/> becomes the StreamOpened event, <close/>
// StreamClosed; anything before <open/> is bad-format. A failure stays.
//
// SplitElements cuts output this server serialized (xml_writer.h, escaped: no '<' or '>' in
// text or attribute values, no comments, CDATA or processing instructions) into its top-level
// elements, one message each. It is not a parser of anything a client sent.
#ifndef PARLEY_XMPP_WEBSOCKET_FRAMING_H_
#define PARLEY_XMPP_WEBSOCKET_FRAMING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xmpp/xml_stream_reader.h"

namespace parley::xmpp {

class FramedXmlReader {
 public:
  explicit FramedXmlReader(const XmlLimits& limits) : reader_(limits) {}

  // Reads one text message.
  FeedResult Feed(std::string_view message, int64_t now_ms);
  // A new stream: the next message must be <open/>.
  void Restart();

 private:
  FeedResult Refuse(StreamFailure failure);  // and stays failed

  XmlStreamReader reader_;
  bool wrapped_ = false;  // the reader has been given its stream element since the (re)start
  bool opened_ = false;   // <open/> read on this stream
  std::optional<StreamFailure> failure_;
};

// This side's <open/> (stream `id`, the server's `domain`) and <close/>.
std::string FramedOpen(std::string_view id, std::string_view domain);
inline constexpr std::string_view kFramedClose =
    "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>";

// The top-level elements of `serialized`, in order, as views into it; the whole text as one
// piece if it does not end where an element ends.
std::vector<std::string_view> SplitElements(std::string_view serialized);

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_WEBSOCKET_FRAMING_H_
