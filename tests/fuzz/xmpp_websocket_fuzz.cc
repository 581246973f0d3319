// libFuzzer target: RFC 7395 framing (xmpp::FramedXmlReader) on a stream of WebSocket messages,
// the input cut into messages at each 0x00 byte (which the reader never accepts inside one),
// with small limits so the fuzzer reaches them; and SplitElements on what the reader read.
// Contract: each message is answered with at most one event or a stream error that says why; a
// failed reader stays failed; every element read, serialized by the server's writer, splits
// into exactly that one element.
#include <string>

#include "tests/fuzz/fuzz_contract.h"
#include "xmpp/websocket_framing.h"
#include "xmpp/xml_writer.h"

namespace {

using namespace parley::xmpp;

// Attributes in a namespace are never written by the server (as in xmpp_stream_fuzz.cc).
bool Written(const XmlElement& element) {
  for (const auto& attribute : element.attributes) {
    if (attribute.first.starts_with("{")) return false;
  }
  for (const XmlElement& child : element.children) {
    if (!Written(child)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view wire = parley::fuzz::AsText(data, size);
  XmlLimits limits;
  limits.max_stanza_bytes = 2048;
  limits.max_depth = 8;
  limits.max_attributes = 8;
  limits.stanza_burst = 64;
  FramedXmlReader reader{limits};
  int64_t now_ms = 0;
  while (!wire.empty()) {
    const size_t cut = wire.find('\0');
    const std::string_view message = wire.substr(0, cut);
    wire.remove_prefix(cut == std::string_view::npos ? wire.size() : cut + 1);
    FeedResult result = reader.Feed(message, now_ms += 10);
    if (auto* failure = std::get_if<StreamFailure>(&result)) {
      PARLEY_FUZZ_CHECK(!failure->text.empty());
      PARLEY_FUZZ_CHECK(std::holds_alternative<StreamFailure>(reader.Feed("<presence/>", now_ms)));
      return 0;
    }
    const auto& events = std::get<std::vector<XmlEvent>>(result);
    PARLEY_FUZZ_CHECK(events.size() <= 1);
    if (events.empty()) continue;
    auto* stanza = std::get_if<xml_events::Stanza>(&events.front());
    if (stanza != nullptr && Written(stanza->element)) {
      const std::string serialized = Serialize(stanza->element);
      const auto pieces = SplitElements(serialized);
      PARLEY_FUZZ_CHECK(pieces.size() == 1 && pieces.front() == serialized);
    }
  }
  return 0;
}
