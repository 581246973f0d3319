// RFC 7395 framing (xmpp/websocket_framing.h): the reader takes exactly one complete element
// per message, <open/> and <close/> as the stream's ends, and refuses everything else with a
// stream error that stays; SplitElements cuts the server's own output into its elements.
#include "xmpp/websocket_framing.h"

#include <gtest/gtest.h>

#include <string>

#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace {

constexpr std::string_view kOpen =
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>";

std::vector<XmlEvent> EventsOf(const FeedResult& result) {
  EXPECT_TRUE(std::holds_alternative<std::vector<XmlEvent>>(result));
  if (auto* events = std::get_if<std::vector<XmlEvent>>(&result)) return *events;
  return {};
}

std::optional<StreamCondition> FailureOf(const FeedResult& result) {
  if (auto* failure = std::get_if<StreamFailure>(&result)) return failure->condition;
  return std::nullopt;
}

TEST(FramedXmlReader, OpenStanzasRestartAndClose) {
  FramedXmlReader reader{XmlLimits{}};
  auto events = EventsOf(reader.Feed(kOpen, 0));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<xml_events::StreamOpened>(events[0]).header.Attr("to"), "example.org");

  events =
      EventsOf(reader.Feed("  <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>AA==</auth>\n", 1));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<xml_events::Stanza>(events[0]).element.name, "auth");
  EXPECT_TRUE(EventsOf(reader.Feed(" \r\n", 2)).empty());  // whitespace alone: nothing

  reader.Restart();
  ASSERT_EQ(EventsOf(reader.Feed(kOpen, 3)).size(), 1u);
  events =
      EventsOf(reader.Feed("<message xmlns='jabber:client' to='a@example.org'><body>1 &lt; 2"
                           "</body></message>",
                           4));
  ASSERT_EQ(events.size(), 1u);
  const XmlElement& message = std::get<xml_events::Stanza>(events[0]).element;
  EXPECT_EQ(message.ns, "jabber:client");
  EXPECT_EQ(message.Child("body", "jabber:client")->text, "1 < 2");
  // A stanza without xmlns is read as jabber:client, the stream's default.
  events = EventsOf(reader.Feed("<presence/>", 5));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<xml_events::Stanza>(events[0]).element.ns, "jabber:client");

  events = EventsOf(reader.Feed("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", 6));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<xml_events::StreamClosed>(events[0]));
}

TEST(FramedXmlReader, RefusesWhatIsNotOneCompleteElementAndStaysFailed) {
  struct Case {
    std::string name;
    bool open_first;
    std::string message;
    StreamCondition condition;
  };
  const std::vector<Case> cases = {
      {"two elements", true, "<presence/><presence/>", StreamCondition::kNotWellFormed},
      {"half an element", true, "<message><body>", StreamCondition::kNotWellFormed},
      {"half a tag", true, "<message to='a", StreamCondition::kNotWellFormed},
      {"an element and half a tag", true, "<presence/><mess", StreamCondition::kNotWellFormed},
      {"an end tag alone", true, "</message>", StreamCondition::kNotWellFormed},
      {"the stream's own end", true, "</stream:stream>", StreamCondition::kNotWellFormed},
      {"a stream header", false,
       "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
       StreamCondition::kNotWellFormed},
      {"an XML declaration", false, "<?xml version='1.0'?>" + std::string(kOpen),
       StreamCondition::kNotWellFormed},
      {"text", true, "hello", StreamCondition::kBadFormat},
      {"a stanza before <open/>", false, "<presence/>", StreamCondition::kBadFormat},
      {"a second <open/>", true, std::string(kOpen), StreamCondition::kBadFormat},
      {"<open/> in jabber:client", false, "<open to='example.org'/>",
       StreamCondition::kInvalidNamespace},
      {"a comment", true, "<!-- x -->", StreamCondition::kRestrictedXml},
      {"a processing instruction", true, "<?x y?>", StreamCondition::kRestrictedXml},
      {"an undeclared entity", true, "<message><body>&lol;</body></message>",
       StreamCondition::kNotWellFormed},
      {"a stanza in another namespace", true, "<message xmlns='jabber:server'/>",
       StreamCondition::kInvalidNamespace},
      {"a NUL byte", true, std::string("<presence/>\0", 12), StreamCondition::kNotWellFormed},
      {"above the size limit", true,
       "<message><body>" + std::string(70 * 1024, 'a') + "</body></message>",
       StreamCondition::kPolicyViolation},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FramedXmlReader reader{XmlLimits{}};
    if (c.open_first) {
      ASSERT_EQ(EventsOf(reader.Feed(kOpen, 0)).size(), 1u);
    }
    EXPECT_EQ(FailureOf(reader.Feed(c.message, 1)), c.condition);
    // Failed for good: even a fine message is refused now.
    EXPECT_EQ(FailureOf(reader.Feed("<presence/>", 2)), c.condition);
  }
}

TEST(FramedXmlReader, TheStanzaRateLimitHolds) {
  XmlLimits limits;
  limits.stanzas_per_second = 1;
  limits.stanza_burst = 3;
  FramedXmlReader reader{limits};
  ASSERT_EQ(EventsOf(reader.Feed(kOpen, 0)).size(), 1u);
  EXPECT_EQ(EventsOf(reader.Feed("<presence/>", 0)).size(), 1u);
  EXPECT_EQ(EventsOf(reader.Feed("<presence/>", 0)).size(), 1u);
  EXPECT_EQ(FailureOf(reader.Feed("<presence/>", 0)), StreamCondition::kPolicyViolation);
}

TEST(SplitElements, CutsSerializedOutputIntoItsElements) {
  XmlElement message("jabber:client", "message");
  message.Set("to", "a@example.org/x'>\"<");
  message.AddText("jabber:client", "body", "<b>a > b</b> & 'c' />");
  XmlElement presence("jabber:client", "presence");
  const std::string first = Serialize(message);
  const std::string second = Serialize(presence);
  const std::string third =
      "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"
      "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";
  const std::string output = first + second + third;
  const std::vector<std::string_view> pieces = SplitElements(output);
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[0], first);
  EXPECT_EQ(pieces[1], second);
  EXPECT_EQ(pieces[2], third);
  // Each piece is one element a framed reader takes.
  FramedXmlReader reader{XmlLimits{}};
  ASSERT_EQ(EventsOf(reader.Feed(kOpen, 0)).size(), 1u);
  for (std::string_view piece : pieces) EXPECT_EQ(EventsOf(reader.Feed(piece, 1)).size(), 1u);
  // What does not end where an element ends stays whole.
  EXPECT_EQ(SplitElements("<a><b/>").size(), 1u);
  EXPECT_EQ(SplitElements(FramedOpen("id1", "example.org")).size(), 1u);
}

}  // namespace
}  // namespace parley::xmpp
