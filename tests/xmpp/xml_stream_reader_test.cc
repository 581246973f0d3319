// The XMPP stream reader against well-formed streams and hostile input: every refusal is a
// stream error with the right condition, never a crash or an expansion.
#include "xmpp/xml_stream_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace {

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='example.org' version='1.0'>";

std::vector<XmlEvent> EventsOf(const FeedResult& result) {
  EXPECT_TRUE(std::holds_alternative<std::vector<XmlEvent>>(result));
  if (auto* events = std::get_if<std::vector<XmlEvent>>(&result)) return *events;
  return {};
}

std::optional<StreamCondition> FailureOf(const FeedResult& result) {
  if (auto* failure = std::get_if<StreamFailure>(&result)) {
    EXPECT_FALSE(failure->text.empty());
    return failure->condition;
  }
  return std::nullopt;
}

TEST(XmlStreamReader, ReadsHeaderStanzasAndClose) {
  XmlStreamReader reader{XmlLimits{}};
  auto events = EventsOf(reader.Feed(kHeader, 0));
  ASSERT_EQ(events.size(), 1u);
  const auto& header = std::get<xml_events::StreamOpened>(events[0]).header;
  EXPECT_EQ(header.Attr("to"), "example.org");
  EXPECT_EQ(header.Attr("version"), "1.0");

  events = EventsOf(reader.Feed(
      " <message to='bob@example.org' type='chat' id='m1' xml:lang='en'><body>hi &amp; &lt;3 "
      "&#x263A;</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>\n",
      0));
  ASSERT_EQ(events.size(), 1u);
  const XmlElement& message = std::get<xml_events::Stanza>(events[0]).element;
  EXPECT_EQ(message.ns, "jabber:client");
  EXPECT_EQ(message.name, "message");
  EXPECT_EQ(message.Attr("id"), "m1");
  EXPECT_EQ(message.Attr("xml:lang"), "en");
  ASSERT_NE(message.Child("body", "jabber:client"), nullptr);
  EXPECT_EQ(message.Child("body", "jabber:client")->text, "hi & <3 \xE2\x98\xBA");
  EXPECT_NE(message.Child("active", "http://jabber.org/protocol/chatstates"), nullptr);

  events = EventsOf(reader.Feed("</stream:stream>", 0));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<xml_events::StreamClosed>(events[0]));
}

TEST(XmlStreamReader, ReadsAStanzaSplitAnywhere) {
  const std::string wire = std::string(kHeader) +
                           "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>"
                           "<presence/>";
  for (size_t cut = 1; cut < wire.size(); ++cut) {
    XmlStreamReader reader{XmlLimits{}};
    auto first = EventsOf(reader.Feed(wire.substr(0, cut), 0));
    auto second = EventsOf(reader.Feed(wire.substr(cut), 0));
    first.insert(first.end(), second.begin(), second.end());
    ASSERT_EQ(first.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(
        std::get<xml_events::Stanza>(first[1]).element.Child("query", "jabber:iq:roster")->name,
        "query");
    EXPECT_EQ(std::get<xml_events::Stanza>(first[2]).element.name, "presence");
  }
}

TEST(XmlStreamReader, StreamLevelElementsKeepTheirNamespace) {
  XmlStreamReader reader{XmlLimits{}};
  EventsOf(reader.Feed(kHeader, 0));
  auto events = EventsOf(reader.Feed(
      "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>", 0));
  ASSERT_EQ(events.size(), 1u);
  const XmlElement& auth = std::get<xml_events::Stanza>(events[0]).element;
  EXPECT_EQ(auth.ns, "urn:ietf:params:xml:ns:xmpp-sasl");
  EXPECT_EQ(auth.text, "AGEAYg==");
}

TEST(XmlStreamReader, RestartReadsANewHeader) {
  XmlStreamReader reader{XmlLimits{}};
  EventsOf(reader.Feed(kHeader, 0));
  reader.Restart();
  auto events = EventsOf(reader.Feed(kHeader, 0));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<xml_events::StreamOpened>(events[0]));
}

struct Hostile {
  const char* name;
  std::string wire;  // after kHeader unless `raw`
  StreamCondition expected;
  bool raw = false;
};

std::string Repeat(std::string_view piece, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

TEST(XmlStreamReader, RefusesHostileInputWithTheRightStreamError) {
  const std::string billion_laughs =
      "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
      "<!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
      "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]>"
      "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
      "<message><body>&lol3;</body></message>";
  const std::vector<Hostile> cases = {
      {"billion laughs", billion_laughs, StreamCondition::kRestrictedXml, true},
      {"external DTD",
       "<?xml version='1.0'?><!DOCTYPE x SYSTEM 'http://example.org/x.dtd'><stream:stream/>",
       StreamCondition::kRestrictedXml, true},
      {"undeclared entity", "<message><body>&xxe;</body></message>",
       StreamCondition::kNotWellFormed},
      {"comment", "<!-- hi --><presence/>", StreamCondition::kRestrictedXml},
      {"processing instruction", "<?php echo 1; ?>", StreamCondition::kRestrictedXml},
      {"deep nesting", "<message>" + Repeat("<a>", 100), StreamCondition::kPolicyViolation},
      {"oversized stanza", "<message><body>" + std::string(70 * 1024, 'x'),
       StreamCondition::kPolicyViolation},
      {"oversized attribute", "<message to='" + std::string(70 * 1024, 'x'),
       StreamCondition::kPolicyViolation},
      {"oversized tag name", "<" + std::string(70 * 1024, 'x'), StreamCondition::kPolicyViolation},
      {"too many attributes",
       "<message " +
           [] {
             std::string attributes;
             for (int i = 0; i < 40; ++i) attributes += "a" + std::to_string(i) + "='x' ";
             return attributes;
           }() +
           "/>",
       StreamCondition::kPolicyViolation},
      {"broken UTF-8", "<message><body>\xC3\x28</body></message>", StreamCondition::kNotWellFormed},
      {"overlong UTF-8", "<message><body>\xC0\xAF</body></message>",
       StreamCondition::kNotWellFormed},
      {"UTF-8 surrogate", "<message><body>\xED\xA0\x80</body></message>",
       StreamCondition::kNotWellFormed},
      {"control character", "<message><body>\x01</body></message>",
       StreamCondition::kNotWellFormed},
      {"mismatched tags", "<message></presence>", StreamCondition::kNotWellFormed},
      {"not XML", "GET / HTTP/1.1\r\n\r\n", StreamCondition::kBadFormat},
      {"text between stanzas", "hello", StreamCondition::kBadFormat},
      {"stanza in the server namespace", "<message xmlns='jabber:server'/>",
       StreamCondition::kInvalidNamespace},
      {"stanza without a namespace", "<iq xmlns='' type='get'/>",
       StreamCondition::kInvalidNamespace},
      {"stream in another namespace",
       "<stream:stream xmlns='jabber:client' xmlns:stream='urn:example'>",
       StreamCondition::kInvalidNamespace, true},
      {"stream without jabber:client",
       "<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams'>",
       StreamCondition::kInvalidNamespace, true},
      {"latin-1 declared",
       "<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream xmlns='jabber:client' "
       "xmlns:stream='http://etherx.jabber.org/streams'>",
       StreamCondition::kUnsupportedEncoding, true},
      {"UTF-16 bytes",
       [] {
         std::string utf16 = "\xFF\xFE";
         for (char c : kHeader.substr(kHeader.find("<stream"))) utf16 += {c, '\0'};
         return utf16;
       }(),
       StreamCondition::kUnsupportedEncoding, true},
      {"UTF-16 without a byte order mark", std::string("<\0s\0t\0", 6),
       StreamCondition::kNotWellFormed, true},
      {"oversized header",
       "<stream:stream xmlns='jabber:client' to='" + std::string(70 * 1024, 'x'),
       StreamCondition::kPolicyViolation, true},
  };
  for (const Hostile& c : cases) {
    XmlStreamReader reader{XmlLimits{}};
    std::string wire = c.raw ? c.wire : std::string(kHeader) + c.wire;
    auto failure = FailureOf(reader.Feed(wire, 0));
    ASSERT_TRUE(failure.has_value()) << c.name;
    EXPECT_EQ(ConditionName(*failure), ConditionName(c.expected)) << c.name;
    // A failed reader stays failed.
    EXPECT_TRUE(FailureOf(reader.Feed("<presence/>", 0)).has_value()) << c.name;
  }
}

TEST(XmlStreamReader, LimitsStanzasPerSecond) {
  XmlLimits limits;
  limits.stanzas_per_second = 10;
  limits.stanza_burst = 5;
  XmlStreamReader reader{limits};
  EventsOf(reader.Feed(kHeader, 0));
  EXPECT_EQ(EventsOf(reader.Feed(Repeat("<presence/>", 5), 0)).size(), 5u);
  // 100 ms later one more token has been earned, not two.
  EXPECT_EQ(EventsOf(reader.Feed("<presence/>", 100)).size(), 1u);
  EXPECT_EQ(FailureOf(reader.Feed("<presence/>", 100)), StreamCondition::kPolicyViolation);
}

TEST(XmlStreamReader, ManySmallStanzasInOneFeedAreNotOneLargeOne) {
  XmlLimits limits;
  limits.max_stanza_bytes = 256;
  limits.stanza_burst = 10000;
  XmlStreamReader reader{limits};
  EventsOf(reader.Feed(kHeader, 0));
  EXPECT_EQ(EventsOf(reader.Feed(Repeat("<presence/> ", 2000), 0)).size(), 2000u);
}

TEST(XmlWriter, EscapesAndWritesNamespacesOnce) {
  XmlElement message("jabber:client", "message");
  message.Set("to", "a'b\"<c>&");
  message.AddText("jabber:client", "body", "1 < 2 & \x01");
  message.Add(XmlElement("urn:xmpp:sid:0", "stanza-id")).Set("id", "7");
  EXPECT_EQ(Serialize(message),
            "<message to='a&apos;b&quot;&lt;c&gt;&amp;'><body>1 &lt; 2 &amp; \xEF\xBF\xBD</body>"
            "<stanza-id xmlns='urn:xmpp:sid:0' id='7'/></message>");
  // What the writer writes, the reader reads back.
  XmlStreamReader reader{XmlLimits{}};
  EventsOf(reader.Feed(kHeader, 0));
  auto events = EventsOf(reader.Feed(Serialize(message), 0));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(std::get<xml_events::Stanza>(events[0]).element.Attr("to"), "a'b\"<c>&");
}

}  // namespace
}  // namespace parley::xmpp
