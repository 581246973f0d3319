// The cluster bus codec (cluster/bus_message.h): every event and control message round-trips
// exactly, and every input Encode does not produce is refused with a typed error, never a
// crash: truncation at every byte, random corruption, over-long varints, lengths past the end,
// other versions, enum values and tags out of range, over-size messages.
#include "cluster/bus_message.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tests/cluster/bus_samples.h"

namespace parley::cluster {
namespace {

using testing::EveryControlBody;
using testing::EveryEvent;
using testing::EveryMessage;
using testing::FullMessage;
using testing::PublishedMessage;

// Decodes Encode(message), expects `message` back, and that it encodes to the same bytes.
void ExpectRoundTrip(const BusMessage& message) {
  const std::string bytes = Encode(message);
  auto decoded = Decode(bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_TRUE(*decoded == message) << "event/body index " << message.body.index();
  EXPECT_EQ(Encode(*decoded), bytes);
}

void ExpectMalformed(std::string_view bytes, std::string_view why) {
  auto decoded = Decode(bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), Code::kMalformed);
  EXPECT_EQ(decoded.status().message(), why);
}

BusMessage WithEvent(chat::Event event) { return PublishedMessage(std::move(event), {7, 8, 9}); }

TEST(BusMessageTest, SamplesHoldEveryEventAndControlMessage) {
  const std::vector<chat::Event> events = EveryEvent();
  ASSERT_EQ(events.size(), std::variant_size_v<chat::Event>);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].index(), i);
  const std::vector<BusBody> bodies = EveryControlBody();
  ASSERT_EQ(bodies.size() + 1, std::variant_size_v<BusBody>);  // + Published
  for (size_t i = 0; i < bodies.size(); ++i) EXPECT_EQ(bodies[i].index(), i + 1);
}

TEST(BusMessageTest, EveryEventRoundTrips) {
  for (chat::Event& event : EveryEvent()) {
    ExpectRoundTrip(
        PublishedMessage(std::move(event), {1, -2, std::numeric_limits<int64_t>::max()}));
  }
}

TEST(BusMessageTest, EncodePublishedWritesWhatEncodeWrites) {
  for (const chat::Event& event : EveryEvent()) {
    const BusMessage message = PublishedMessage(event, {3, -4, 5});
    const auto& published = std::get<bus::Published>(message.body);
    EXPECT_EQ(EncodePublished(message.header, published.audience, published.event),
              Encode(message));
  }
  const BusMessage empty = PublishedMessage(EveryEvent().front(), {});
  EXPECT_EQ(EncodePublished(empty.header, {}, std::get<bus::Published>(empty.body).event),
            Encode(empty));
}

TEST(BusMessageTest, EveryControlMessageRoundTrips) {
  for (BusBody& body : EveryControlBody()) {
    ExpectRoundTrip(
        BusMessage{BusHeader{std::numeric_limits<uint64_t>::max(), 1}, std::move(body)});
  }
  ExpectRoundTrip(BusMessage{BusHeader{0, 0}, bus::PresenceReport{{}, false}});
}

TEST(BusMessageTest, AMessageWithNothingOptionalRoundTrips) {
  store::Message bare;  // no media, no quote, no reactions: every field at its default
  ExpectRoundTrip(WithEvent(chat::events::MessageCommitted{bare, 0}));
  ExpectRoundTrip(WithEvent(chat::events::GroupChanged{bare, chat::GroupEvent{}}));
  ExpectRoundTrip(WithEvent(chat::events::RequestFailed{}));
}

TEST(BusMessageTest, EmptyAndLargeAudiencesRoundTrip) {
  ExpectRoundTrip(PublishedMessage(chat::events::Typing{1, 2}, {}));

  std::vector<int64_t> audience;
  for (int64_t id = 1; id <= 100'000; ++id) audience.push_back(id * 7919);
  const BusMessage large = PublishedMessage(chat::events::Typing{1, 2}, audience);
  ExpectRoundTrip(large);
  EXPECT_LT(Encode(large).size(), 100'000u * 5);  // ids up to 792 million: 5 bytes at most
}

TEST(BusMessageTest, AudienceOverItsLimitIsMalformed) {
  std::vector<int64_t> audience(kMaxAudience, 1);
  ExpectRoundTrip(PublishedMessage(chat::events::Typing{1, 2}, audience));
  audience.push_back(1);
  ExpectMalformed(Encode(PublishedMessage(chat::events::Typing{1, 2}, audience)),
                  "count over its limit");
}

TEST(BusMessageTest, TruncationAtEveryOffsetIsMalformed) {
  for (const BusMessage& message : EveryMessage()) {
    const std::string bytes = Encode(message);
    for (size_t size = 0; size < bytes.size(); ++size) {
      auto decoded = Decode(std::string_view(bytes).substr(0, size));
      ASSERT_FALSE(decoded.ok()) << "body " << message.body.index() << " cut at " << size;
      ASSERT_EQ(decoded.status().code(), Code::kMalformed);
    }
  }
}

// Corrupted messages decode to an error or to a message that encodes back to exactly the
// corrupted bytes (a flip inside a text, a number): never anything else, never a crash (the
// sanitizer builds run this too).
TEST(BusMessageTest, RandomByteFlipsAreMalformedOrCanonical) {
  const std::vector<BusMessage> messages = EveryMessage();
  std::vector<std::string> encoded;
  for (const BusMessage& message : messages) encoded.push_back(Encode(message));
  std::mt19937 random(20261206);
  int refused = 0;
  int accepted = 0;
  for (int round = 0; round < 4000; ++round) {
    std::string bytes = encoded[random() % encoded.size()];
    const int flips = 1 + static_cast<int>(random() % 3);
    for (int i = 0; i < flips; ++i) {
      bytes[random() % bytes.size()] ^= static_cast<char>(1 + random() % 255);
    }
    auto decoded = Decode(bytes);
    if (decoded.ok()) {
      ++accepted;
      ASSERT_EQ(Encode(*decoded), bytes) << "round " << round;
    } else {
      ++refused;
      ASSERT_EQ(decoded.status().code(), Code::kMalformed) << "round " << round;
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(accepted, 0);
}

// The layout, spelled out: version, node id, seq, body tag (2: Heartbeat).
TEST(BusMessageTest, HandWrittenHeartbeat) {
  auto decoded = Decode(std::string_view("\x01\x05\x2a\x02", 4));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_TRUE(*decoded == (BusMessage{BusHeader{5, 42}, bus::Heartbeat{}}));
  EXPECT_EQ(Encode(*decoded), std::string_view("\x01\x05\x2a\x02", 4));
}

TEST(BusMessageTest, OverLongVarintsAreMalformed) {
  ExpectMalformed(std::string("\x01") + std::string(10, '\xff') + "\x01\x2a\x02",
                  "over-long varint");
  ExpectMalformed(std::string("\x01\x85\x00\x2a\x02", 5), "over-long varint");  // 5 in 2 bytes
  // A signed field: Typing's conversation id as 0 in two bytes.
  std::string bytes = Encode(WithEvent(chat::events::Typing{0, 1}));
  ASSERT_EQ(bytes.substr(bytes.size() - 2), std::string_view("\x00\x02", 2));
  bytes.insert(bytes.size() - 2, "\x80");
  ExpectMalformed(bytes, "over-long varint");
}

TEST(BusMessageTest, LengthsBeyondTheInputAreMalformed) {
  // RequestFailed ends with its `req` string: "xyz".
  const std::string bytes =
      Encode(WithEvent(chat::events::RequestFailed{Status(Code::kNotFound, "m"), "", "xyz"}));
  ASSERT_EQ(bytes.substr(bytes.size() - 4), "\x03xyz");
  std::string longer = bytes;
  longer[longer.size() - 4] = '\x04';
  ExpectMalformed(longer, "bytes past the end");
  ExpectMalformed(bytes.substr(0, bytes.size() - 4) + "\xe8\x07xyz", "bytes past the end");  // 1000
  // 2^32 - 1 bytes: over any message's size, refused before it is compared with the input.
  ExpectMalformed(bytes.substr(0, bytes.size() - 4) + "\xff\xff\xff\xff\x0fxyz",
                  "bytes over their limit");

  // An audience of 5 ids with 2 bytes behind its count.
  ExpectMalformed(std::string("\x01\x00\x00\x00\x05\x02\x04", 7), "count past the end");
}

TEST(BusMessageTest, OtherFormatVersionsAreMalformed) {
  const std::string bytes = Encode(EveryMessage().front());
  for (char version : {'\x00', '\x02', '\xff'}) {
    std::string other = bytes;
    other[0] = version;
    ExpectMalformed(other, "unsupported bus format");
  }
  ExpectMalformed("", "truncated");
}

TEST(BusMessageTest, EnumValuesOutOfRangeAreMalformed) {
  auto message = FullMessage(store::MessageKind::kText);
  message.kind = static_cast<store::MessageKind>(7);
  auto quoted = FullMessage(store::MessageKind::kText);
  quoted.quote->kind = static_cast<store::MessageKind>(8);
  chat::events::Acked acked;
  acked.message.kind = static_cast<store::MessageKind>(-1);
  store::Member member;
  member.role = static_cast<store::Role>(3);
  const chat::PresenceInfo presence{static_cast<chat::PresenceStatus>(3), 0};

  const std::vector<BusMessage> cases = {
      WithEvent(chat::events::MessageCommitted{message, 0}),
      WithEvent(chat::events::MessageCommitted{quoted, 0}),
      WithEvent(acked),
      WithEvent(chat::events::ReceiptMoved{1, member}),
      WithEvent(chat::events::PresenceChanged{1, presence}),
      WithEvent(chat::events::RequestFailed{Status(static_cast<Code>(18), "x"), "", ""}),
      BusMessage{{}, bus::PresenceReport{{{1, static_cast<chat::PresenceStatus>(3)}}, true}},
      BusMessage{{}, bus::CloseDevice{1, 2, static_cast<chat::CloseReason>(5)}},
      BusMessage{{}, bus::CloseOtherDevices{1, 2, static_cast<chat::CloseReason>(9)}},
  };
  for (const BusMessage& bad : cases) ExpectMalformed(Encode(bad), "enum value out of range");
}

TEST(BusMessageTest, UnknownTagsAreMalformed) {
  ExpectMalformed(std::string_view("\x01\x00\x00\x06", 4), "unknown variant tag");  // body 6
  ExpectMalformed(std::string_view("\x01\x00\x00\x00\x00\x11", 6), "unknown variant tag");
}

TEST(BusMessageTest, BoolsOtherThanZeroOrOneAreMalformed) {
  std::string bytes = Encode(BusMessage{{}, bus::PresenceReport{{}, true}});
  ASSERT_EQ(bytes.back(), '\x01');
  bytes.back() = '\x02';
  ExpectMalformed(bytes, "bool not 0 or 1");
  // An optional's presence flag: NoticePosted's message ends with quote, reactions, sticker.
  store::Message bare;
  bytes = Encode(WithEvent(chat::events::NoticePosted{bare}));
  ASSERT_EQ(bytes.substr(bytes.size() - 3), std::string_view("\x00\x00\x00", 3));
  bytes[bytes.size() - 3] = '\x03';
  ExpectMalformed(bytes, "bool not 0 or 1");
}

TEST(BusMessageTest, BytesAfterTheMessageAreMalformed) {
  ExpectMalformed(Encode(EveryMessage().back()) + '\0', "bytes after the message");
}

TEST(BusMessageTest, MessagesOver16MiBAreRefused) {
  store::Message message;
  message.text.assign(kMaxBusMessageBytes - 64, 'a');
  const std::string fits = Encode(WithEvent(chat::events::NoticePosted{message}));
  ASSERT_LE(fits.size(), kMaxBusMessageBytes);
  EXPECT_TRUE(Decode(fits).ok());

  message.text.assign(size_t{17} << 20, 'a');
  const std::string over = Encode(WithEvent(chat::events::NoticePosted{message}));
  auto decoded = Decode(over);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), Code::kTooLarge);
}

}  // namespace
}  // namespace parley::cluster
