// SmQueue, CountStanzas and ParseH (src/xmpp/sm_queue.h): XEP-0198's counters, the kept
// stanzas and their bounds, and the numbers a client sends.
#include "xmpp/sm_queue.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::xmpp {
namespace {

SmQueue::Entry Stanza(std::string text, uint32_t stanzas = 1) {
  return SmQueue::Entry{std::move(text), nullptr, 0, {}, stanzas};
}

TEST(CountStanzas, CountsTopLevelStanzasOnly) {
  EXPECT_EQ(CountStanzas("<message to='a'><body>x</body></message>", ""), 1u);
  EXPECT_EQ(CountStanzas("<presence from='a'/>", ""), 1u);
  EXPECT_EQ(CountStanzas("<iq type='set' id='1'><query xmlns='jabber:iq:roster'><item "
                         "jid='a'/></query></iq><presence from='a'/>",
                         ""),
            2u);
  // A forwarded message inside a message is one stanza.
  EXPECT_EQ(CountStanzas("<message><sent><forwarded><message><body/></message></forwarded>"
                         "</sent></message>",
                         ""),
            1u);
  // Stream-level elements are no stanzas.
  EXPECT_EQ(CountStanzas("<r xmlns='urn:xmpp:sm:3'/><a xmlns='urn:xmpp:sm:3' h='3'/>", ""), 0u);
  EXPECT_EQ(CountStanzas("<stream:error><policy-violation/></stream:error></stream:stream>", ""),
            0u);
  EXPECT_EQ(CountStanzas("<?xml version='1.0'?><stream:stream xmlns='jabber:client'>"
                         "<stream:features><bind/></stream:features>",
                         ""),
            0u);
}

TEST(CountStanzas, ReadsAcrossTheHeadAndTheFrameAndThroughQuotes) {
  // The session writes "<message from='" + JID, then the shared frame's tail.
  EXPECT_EQ(CountStanzas("<message from='bob@localhost",
                         "' type='chat'><body>a &lt;b&gt; c"
                         "</body></message>"),
            1u);
  // A carbon: the session's head, the shared message, the session's closing tags.
  EXPECT_EQ(CountStanzas("<message from='a@localhost'><sent xmlns='urn:xmpp:carbons:2'>"
                         "<forwarded xmlns='urn:xmpp:forward:0'><message from='a@localhost",
                         "' type='chat'><body>x</body></message>",
                         "</forwarded></sent></message><presence/>"),
            2u);
  // A '>' or '/' inside an attribute value neither closes nor empties the tag.
  EXPECT_EQ(CountStanzas("<message id='a/>b'><body>x</body></message><presence/>", ""), 2u);
}

TEST(ParseH, AcceptsOnly32BitDecimalNumbers) {
  EXPECT_EQ(ParseH("0"), 0u);
  EXPECT_EQ(ParseH("4294967295"), 4294967295u);
  EXPECT_FALSE(ParseH("4294967296"));
  EXPECT_FALSE(ParseH("99999999999999999999999999"));
  EXPECT_FALSE(ParseH("-1"));
  EXPECT_FALSE(ParseH(""));
  EXPECT_FALSE(ParseH("12a"));
  EXPECT_FALSE(ParseH(" 1"));
}

TEST(SmQueue, KeepsWhatIsNotAcknowledged) {
  SmQueue queue(100, 1 << 20);
  ASSERT_TRUE(queue.Add(Stanza("<message>1</message>")));
  ASSERT_TRUE(queue.Add(Stanza("<message>2</message>")));
  ASSERT_TRUE(queue.Add(Stanza("<message>3</message>")));
  EXPECT_EQ(queue.sent(), 3u);
  EXPECT_EQ(queue.Ack(1), SmQueue::AckResult::kOk);
  ASSERT_EQ(queue.unacked().size(), 2u);
  EXPECT_EQ(queue.unacked().front().head, "<message>2</message>");
  EXPECT_EQ(queue.Ack(1), SmQueue::AckResult::kOk);  // the same h again: nothing new
  EXPECT_EQ(queue.unacked().size(), 2u);
  EXPECT_EQ(queue.Ack(3), SmQueue::AckResult::kOk);
  EXPECT_TRUE(queue.unacked().empty());
}

TEST(SmQueue, RefusesAnHOverWhatWasSentOrGoingBack) {
  SmQueue queue(100, 1 << 20);
  ASSERT_TRUE(queue.Add(Stanza("<message/>")));
  ASSERT_TRUE(queue.Add(Stanza("<message/>")));
  EXPECT_EQ(queue.Ack(3), SmQueue::AckResult::kTooHigh);
  EXPECT_EQ(queue.Ack(4294967295u), SmQueue::AckResult::kTooHigh);
  EXPECT_EQ(queue.unacked().size(), 2u);
  EXPECT_EQ(queue.Ack(2), SmQueue::AckResult::kOk);
  EXPECT_EQ(queue.Ack(1), SmQueue::AckResult::kTooHigh);  // back below the last h
}

TEST(SmQueue, AnEntryOfSeveralStanzasLeavesWhenAllAreAcknowledged) {
  SmQueue queue(100, 1 << 20);
  ASSERT_TRUE(queue.Add(Stanza("<iq/><presence/>", 2)));
  ASSERT_TRUE(queue.Add(Stanza("<message/>")));
  EXPECT_EQ(queue.Ack(1), SmQueue::AckResult::kOk);
  EXPECT_EQ(queue.unacked().size(), 2u);
  EXPECT_EQ(queue.Ack(2), SmQueue::AckResult::kOk);
  ASSERT_EQ(queue.unacked().size(), 1u);
  EXPECT_EQ(queue.unacked().front().head, "<message/>");
  EXPECT_EQ(queue.unacked_stanzas(), 1u);
}

TEST(SmQueue, BoundedInStanzasAndBytes) {
  SmQueue by_count(2, 1 << 20);
  EXPECT_TRUE(by_count.Add(Stanza("<message/>")));
  EXPECT_TRUE(by_count.Add(Stanza("<message/>")));
  EXPECT_FALSE(by_count.Add(Stanza("<message/>")));
  EXPECT_EQ(by_count.sent(), 2u);
  EXPECT_EQ(by_count.Ack(1), SmQueue::AckResult::kOk);
  EXPECT_TRUE(by_count.Add(Stanza("<message/>")));

  SmQueue by_bytes(100, 64);
  EXPECT_TRUE(by_bytes.Add(Stanza(std::string(60, 'x'))));
  EXPECT_FALSE(by_bytes.Add(Stanza(std::string(10, 'x'))));
  // A shared frame counts from its offset.
  SmQueue frames(100, 64);
  chat::SharedFrame frame = chat::MakeFrame(std::string(100, 'y'));
  EXPECT_TRUE(frames.Add(SmQueue::Entry{"", frame, 50, {}, 1}));
  EXPECT_FALSE(frames.Add(SmQueue::Entry{"", frame, 50, {}, 1}));
}

TEST(SmQueue, HandledCountsTheClientsStanzas) {
  SmQueue queue(10, 1024);
  EXPECT_EQ(queue.handled(), 0u);
  queue.Handled();
  queue.Handled();
  EXPECT_EQ(queue.handled(), 2u);
}

}  // namespace
}  // namespace parley::xmpp
