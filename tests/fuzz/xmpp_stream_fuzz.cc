// libFuzzer target: the XMPP stream reader (xmpp::XmlStreamReader) on a whole stream, fed in
// two parts cut where the first byte says, with small limits so the fuzzer reaches them.
// Contract: each Feed answers events or a stream error that says why; a failed reader stays
// failed; every stanza read serializes (xml_writer.h) to text a fresh reader reads back as the
// same element.
#include <string>

#include "tests/fuzz/fuzz_contract.h"
#include "xmpp/xml_stream_reader.h"
#include "xmpp/xml_writer.h"

namespace {

using namespace parley::xmpp;

constexpr std::string_view kHeader =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

bool Written(const XmlElement& element) {
  for (const auto& attribute : element.attributes) {
    if (attribute.first.starts_with("{")) return false;  // never written by the server
  }
  for (const XmlElement& child : element.children) {
    if (!Written(child)) return false;
  }
  return true;
}

bool Same(const XmlElement& a, const XmlElement& b) {
  if (a.ns != b.ns || a.name != b.name || a.text != b.text || a.attributes != b.attributes ||
      a.children.size() != b.children.size()) {
    return false;
  }
  for (size_t i = 0; i < a.children.size(); ++i) {
    if (!Same(a.children[i], b.children[i])) return false;
  }
  return true;
}

void CheckRoundTrip(const XmlElement& stanza) {
  if (!Written(stanza)) return;
  XmlStreamReader again{XmlLimits{}};
  FeedResult result = again.Feed(std::string(kHeader) + Serialize(stanza), 0);
  auto* events = std::get_if<std::vector<XmlEvent>>(&result);
  PARLEY_FUZZ_CHECK(events != nullptr && events->size() == 2);
  auto* read = std::get_if<xml_events::Stanza>(&(*events)[1]);
  PARLEY_FUZZ_CHECK(read != nullptr && Same(read->element, stanza));
}

// False once the reader failed.
bool FeedAndCheck(XmlStreamReader& reader, std::string_view bytes, int64_t now_ms) {
  FeedResult result = reader.Feed(bytes, now_ms);
  if (auto* failure = std::get_if<StreamFailure>(&result)) {
    PARLEY_FUZZ_CHECK(!failure->text.empty());
    PARLEY_FUZZ_CHECK(std::holds_alternative<StreamFailure>(reader.Feed("<presence/>", now_ms)));
    return false;
  }
  for (const XmlEvent& event : std::get<std::vector<XmlEvent>>(result)) {
    if (auto* stanza = std::get_if<xml_events::Stanza>(&event)) CheckRoundTrip(stanza->element);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view wire = parley::fuzz::AsText(data + 1, size - 1);
  const size_t cut = wire.empty() ? 0 : data[0] % (wire.size() + 1);
  XmlLimits limits;
  limits.max_stanza_bytes = 2048;
  limits.max_depth = 8;
  limits.max_attributes = 8;
  limits.stanza_burst = 64;
  XmlStreamReader reader{limits};
  if (FeedAndCheck(reader, wire.substr(0, cut), 0)) FeedAndCheck(reader, wire.substr(cut), 10);
  return 0;
}
