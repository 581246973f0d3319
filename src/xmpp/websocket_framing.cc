#include "xmpp/websocket_framing.h"

#include "xmpp/namespaces.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace {

// What the reader is given before the first message of each stream.
constexpr std::string_view kStreamElement =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

std::string_view TrimXmlSpace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

FeedResult FramedXmlReader::Refuse(StreamFailure failure) {
  failure_ = std::move(failure);
  return *failure_;
}

FeedResult FramedXmlReader::Feed(std::string_view message, int64_t now_ms) {
  if (failure_) return *failure_;
  if (!wrapped_) {
    FeedResult opened = reader_.Feed(kStreamElement, now_ms);
    if (auto* failure = std::get_if<StreamFailure>(&opened)) return Refuse(std::move(*failure));
    wrapped_ = true;
  }
  message = TrimXmlSpace(message);
  if (message.empty()) return std::vector<XmlEvent>();
  FeedResult result = reader_.Feed(message, now_ms);
  if (auto* failure = std::get_if<StreamFailure>(&result)) return Refuse(std::move(*failure));
  auto& events = std::get<std::vector<XmlEvent>>(result);
  auto* stanza = events.size() == 1 ? std::get_if<xml_events::Stanza>(&events.front()) : nullptr;
  if (stanza == nullptr || !reader_.AtBoundary()) {
    if (message.starts_with("<stream:stream")) {
      return Refuse({StreamCondition::kNotWellFormed,
                     "a WebSocket stream opens with <open/> (RFC 7395), not <stream:stream>"});
    }
    return Refuse({StreamCondition::kNotWellFormed,
                   "a WebSocket message holds exactly one complete element (RFC 7395)"});
  }
  XmlElement& element = stanza->element;
  const bool framing = element.ns == kFramingNs;
  if (framing && element.name == "open") {
    if (opened_) return Refuse({StreamCondition::kBadFormat, "the stream is open already"});
    opened_ = true;
    events.front() = xml_events::StreamOpened{std::move(element)};
  } else if (!opened_) {
    return Refuse({StreamCondition::kBadFormat, "the stream must begin with <open/>"});
  } else if (framing && element.name == "close") {
    events.front() = xml_events::StreamClosed{};
  }
  return result;
}

void FramedXmlReader::Restart() {
  reader_.Restart();
  wrapped_ = false;
  opened_ = false;
}

std::string FramedOpen(std::string_view id, std::string_view domain) {
  return "<open xmlns='" + std::string(kFramingNs) + "' id='" + XmlEscape(id) + "' from='" +
         XmlEscape(domain) + "' version='1.0' xml:lang='en'/>";
}

std::vector<std::string_view> SplitElements(std::string_view serialized) {
  std::vector<std::string_view> elements;
  int depth = 0;
  size_t start = 0;
  bool in_tag = false;
  bool end_tag = false;
  char quote = 0;
  for (size_t i = 0; i < serialized.size(); ++i) {
    const char c = serialized[i];
    if (!in_tag) {
      if (c != '<') continue;
      in_tag = true;
      end_tag = i + 1 < serialized.size() && serialized[i + 1] == '/';
      if (depth == 0 && !end_tag) start = i;
    } else if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '>') {
      in_tag = false;
      if (end_tag) {
        --depth;
      } else if (serialized[i - 1] != '/') {
        ++depth;
      }
      if (depth == 0) elements.push_back(serialized.substr(start, i + 1 - start));
      if (depth < 0) break;
    }
  }
  if (depth != 0 || in_tag || elements.empty()) return {serialized};
  return elements;
}

}  // namespace parley::xmpp
