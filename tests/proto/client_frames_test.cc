#include "proto/client_frames.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::proto {
namespace {

TEST(ClientFramesTest, DecodesEveryFrameType) {
  auto hello = DecodeClientFrame(
      R"({"type":"hello","protocol":1,"token":"pt_x","cursors":[{"conversation_id":3,"seq":40}]})");
  ASSERT_TRUE(hello.frame.ok());
  const auto& h = std::get<HelloFrame>(*hello.frame);
  EXPECT_EQ(h.protocol, 1);
  EXPECT_EQ(h.token, "pt_x");
  ASSERT_EQ(h.cursors.size(), 1u);
  EXPECT_EQ(h.cursors[0].conversation_id, 3);
  EXPECT_EQ(h.cursors[0].seq, 40);

  auto send = DecodeClientFrame(R"({"type":"send","id":"c-1","to":2,"text":"hi 🙂"})");
  ASSERT_TRUE(send.frame.ok());
  const auto& s = std::get<SendFrame>(*send.frame);
  EXPECT_EQ(s.client_id, "c-1");
  EXPECT_EQ(s.to_user_id, 2);
  EXPECT_EQ(s.conversation_id, 0);
  EXPECT_EQ(s.text, "hi 🙂");
  EXPECT_EQ(send.id, "c-1");

  auto read = DecodeClientFrame(R"({"type":"read","conversation_id":3,"seq":9,"req":"r"})");
  ASSERT_TRUE(read.frame.ok());
  EXPECT_TRUE(std::get<CursorFrame>(*read.frame).read);
  EXPECT_EQ(read.req, "r");
  auto delivered = DecodeClientFrame(R"({"type":"delivered","conversation_id":3,"seq":9})");
  ASSERT_TRUE(delivered.frame.ok());
  EXPECT_FALSE(std::get<CursorFrame>(*delivered.frame).read);

  auto history =
      DecodeClientFrame(R"({"type":"history","conversation_id":3,"before":10,"limit":5})");
  ASSERT_TRUE(history.frame.ok());
  const auto& q = std::get<HistoryFrame>(*history.frame);
  EXPECT_EQ(q.query.before.value(), 10);
  EXPECT_FALSE(q.query.after.has_value());
  EXPECT_EQ(q.query.limit, 5);

  auto ping = DecodeClientFrame(R"({"type":"ping","req":"p"})");
  ASSERT_TRUE(ping.frame.ok());
  EXPECT_TRUE(std::holds_alternative<PingFrame>(*ping.frame));
}

TEST(ClientFramesTest, HelloCursorsMayContinueInCursorsFrames) {
  auto hello = DecodeClientFrame(R"({"type":"hello","protocol":1,"token":"pt_x"})");
  ASSERT_TRUE(hello.frame.ok());
  EXPECT_FALSE(std::get<HelloFrame>(*hello.frame).more_cursors);
  auto announcing =
      DecodeClientFrame(R"({"type":"hello","protocol":1,"token":"pt_x","more_cursors":true})");
  ASSERT_TRUE(announcing.frame.ok());
  EXPECT_TRUE(std::get<HelloFrame>(*announcing.frame).more_cursors);

  auto middle = DecodeClientFrame(
      R"({"type":"cursors","more":true,"cursors":[{"conversation_id":4,"seq":2}]})");
  ASSERT_TRUE(middle.frame.ok());
  const auto& m = std::get<CursorsFrame>(*middle.frame);
  EXPECT_TRUE(m.more);
  ASSERT_EQ(m.cursors.size(), 1u);
  EXPECT_EQ(m.cursors[0].conversation_id, 4);
  EXPECT_EQ(m.cursors[0].seq, 2);
  auto last = DecodeClientFrame(R"({"type":"cursors"})");  // neither field: the last, empty
  ASSERT_TRUE(last.frame.ok());
  EXPECT_FALSE(std::get<CursorsFrame>(last.frame.value()).more);
  EXPECT_TRUE(std::get<CursorsFrame>(last.frame.value()).cursors.empty());

  for (const char* bad : {R"({"type":"hello","protocol":1,"token":"t","more_cursors":1})",
                          R"({"type":"cursors","more":"yes"})",
                          R"({"type":"cursors","cursors":{"conversation_id":4,"seq":2}})",
                          R"({"type":"cursors","cursors":[{"conversation_id":4}]})",
                          R"({"type":"cursors","cursors":[7]})"}) {
    SCOPED_TRACE(bad);
    auto decoded = DecodeClientFrame(bad);
    ASSERT_FALSE(decoded.frame.ok());
    EXPECT_EQ(decoded.frame.status().code(), Code::kMalformed);
  }
}

struct BadFrame {
  std::string text;
  Code code;
};

TEST(ClientFramesTest, SendWithMediaMayLeaveTheTextOut) {
  auto captioned = DecodeClientFrame(
      R"({"type":"send","id":"c1","conversation_id":3,"text":"look","media":"m_ab"})");
  ASSERT_TRUE(captioned.frame.ok());
  EXPECT_EQ(std::get<SendFrame>(*captioned.frame).media, "m_ab");
  EXPECT_EQ(std::get<SendFrame>(*captioned.frame).text, "look");
  auto bare = DecodeClientFrame(R"({"type":"send","id":"c2","to":2,"media":"m_ab"})");
  ASSERT_TRUE(bare.frame.ok());
  EXPECT_EQ(std::get<SendFrame>(*bare.frame).text, "");
  for (const char* bad :
       {R"({"type":"send","id":"c","to":2})", R"({"type":"send","id":"c","to":2,"media":7})",
        R"({"type":"send","id":"c","to":2,"media":"m_ab","text":5})"}) {
    auto decoded = DecodeClientFrame(bad);
    ASSERT_FALSE(decoded.frame.ok()) << bad;
    EXPECT_EQ(decoded.frame.status().code(), Code::kMalformed) << bad;
  }
}

TEST(ClientFramesTest, RejectsHostileInputWithTypedErrors) {
  const std::string deep_nesting(100, '[');
  const std::string huge_number =
      R"({"type":"send","id":"x","to":99999999999999999999999,"text":"a"})";
  const BadFrame cases[] = {
      {"", Code::kMalformed},
      {"not json", Code::kMalformed},
      {"[1,2]", Code::kMalformed},
      {"\"hello\"", Code::kMalformed},
      {"{", Code::kMalformed},
      {R"({"type":1})", Code::kMalformed},
      {R"({"no_type":true})", Code::kMalformed},
      {R"({"type":"teleport"})", Code::kUnknownType},
      {R"({"type":"send","id":"x","to":"2","text":"a"})", Code::kMalformed},
      {R"({"type":"send","id":"x","to":2})", Code::kMalformed},
      {R"({"type":"send","id":7,"to":2,"text":"a"})", Code::kMalformed},
      {R"({"type":"send","id":"x","to":2.5,"text":"a"})", Code::kMalformed},
      {huge_number, Code::kMalformed},
      {R"({"type":"read","conversation_id":3})", Code::kMalformed},
      {R"({"type":"hello","protocol":"1","token":"t"})", Code::kMalformed},
      {R"({"type":"hello","protocol":1,"token":"t","cursors":{}})", Code::kMalformed},
      {R"({"type":"hello","protocol":1,"token":"t","cursors":[5]})", Code::kMalformed},
      {"{\"type\":\"send\",\"id\":\"x\",\"to\":2,\"text\":\"\xff\xfe\"}", Code::kMalformed},
      {"{\"type\":\"send\",\"id\":\"x\",\"to\":2,\"text\":\"\xc0\xaf\"}", Code::kMalformed},
      {deep_nesting, Code::kMalformed},
      {"{\"a\":" + deep_nesting + "}", Code::kMalformed},
  };
  for (const BadFrame& bad : cases) {
    auto decoded = DecodeClientFrame(bad.text);
    ASSERT_FALSE(decoded.frame.ok()) << bad.text;
    EXPECT_EQ(decoded.frame.status().code(), bad.code) << bad.text;
    EXPECT_FALSE(decoded.frame.status().message().empty());
  }
}

TEST(ClientFramesTest, NestingIsCountedOutsideStringsOnly) {
  // Brackets and escaped quotes inside a string are text, however many.
  const std::string brackets(200, '[');
  auto in_text =
      DecodeClientFrame(R"({"type":"send","id":"x","to":2,"text":"\"{)" + brackets + R"("})");
  ASSERT_TRUE(in_text.frame.ok()) << in_text.frame.status().message();
  EXPECT_EQ(std::get<SendFrame>(*in_text.frame).text, "\"{" + brackets);
  // Nesting just within the limit parses; one level deeper is malformed, with the frame's id
  // still echoed.
  auto nested = [](int levels) {
    return R"({"type":"send","id":"n","to":2,"text":"a","x":)" + std::string(levels, '[') +
           std::string(levels, ']') + "}";
  };
  EXPECT_TRUE(DecodeClientFrame(nested(16)).frame.ok());
  auto too_deep = DecodeClientFrame(nested(17));
  ASSERT_FALSE(too_deep.frame.ok());
  EXPECT_EQ(too_deep.frame.status().code(), Code::kMalformed);
  EXPECT_EQ(too_deep.id, "n");
}

TEST(ClientFramesTest, TextMayNotHoldNul) {
  // U+0000 reaches no store (PostgreSQL's text cannot hold it): malformed wherever it is.
  for (const char* bad : {R"({"type":"send","id":"z","to":2,"text":"a\u0000b"})",
                          R"({"type":"send","id":"z","to":2,"text":"a","note":"\u0000"})",
                          R"({"type":"send","id":"z","to":2,"text":"\\\u0000"})"}) {
    auto decoded = DecodeClientFrame(bad);
    ASSERT_FALSE(decoded.frame.ok()) << bad;
    EXPECT_EQ(decoded.frame.status().code(), Code::kMalformed) << bad;
  }
  // An escaped backslash before "u0000" is the text \u0000, which is fine; so is U+0001.
  auto backslash = DecodeClientFrame(R"({"type":"send","id":"z","to":2,"text":"\\u0000"})");
  ASSERT_TRUE(backslash.frame.ok()) << backslash.frame.status().message();
  EXPECT_EQ(std::get<SendFrame>(*backslash.frame).text, "\\u0000");
  auto one = DecodeClientFrame(R"({"type":"send","id":"z","to":2,"text":"a\u0001"})");
  ASSERT_TRUE(one.frame.ok());
  EXPECT_EQ(std::get<SendFrame>(*one.frame).text, "a\x01");
}

TEST(ClientFramesTest, EchoesReqAndIdEvenWhenTheFrameIsWrong) {
  auto decoded = DecodeClientFrame(R"({"type":"send","id":"c-9","req":"r-1","to":"x"})");
  ASSERT_FALSE(decoded.frame.ok());
  EXPECT_EQ(decoded.id, "c-9");
  EXPECT_EQ(decoded.req, "r-1");
  const std::string long_req(65, 'r');
  auto oversized = DecodeClientFrame(R"({"type":"ping","req":")" + long_req + "\"}");
  EXPECT_EQ(oversized.req, "");
}

TEST(ClientFramesTest, TooDeepNestingStillEchoesReq) {
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  auto decoded = DecodeClientFrame(R"({"type":"ping","req":"d1","x":)" + deep + "}");
  ASSERT_FALSE(decoded.frame.ok());
  EXPECT_EQ(decoded.frame.status().code(), Code::kMalformed);
  EXPECT_EQ(decoded.req, "d1");
}

TEST(ClientFramesTest, ReqOfTheWrongTypeIsMalformed) {
  auto decoded = DecodeClientFrame(R"({"type":"ping","req":5})");
  ASSERT_FALSE(decoded.frame.ok());
  EXPECT_EQ(decoded.frame.status().code(), Code::kMalformed);
}

TEST(ClientFramesTest, ShallowNestingInsideStringsIsFine) {
  auto decoded = DecodeClientFrame(
      R"({"type":"send","id":"x","to":2,"text":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})");
  ASSERT_TRUE(decoded.frame.ok());
}

}  // namespace
}  // namespace parley::proto

namespace parley::proto {
namespace {

TEST(ClientFramesTest, DecodesRepliesAndMessageOps) {
  auto reply = DecodeClientFrame(
      R"({"type":"send","id":"c-2","conversation_id":3,"text":"yes","reply_to":40})");
  ASSERT_TRUE(reply.frame.ok());
  EXPECT_EQ(std::get<SendFrame>(*reply.frame).reply_to, 40);

  auto edit =
      DecodeClientFrame(R"({"type":"edit","id":"c-3","conversation_id":3,"seq":42,"text":"t"})");
  ASSERT_TRUE(edit.frame.ok());
  const auto& e = std::get<MessageOpFrame>(*edit.frame);
  EXPECT_EQ(e.kind, store::MessageKind::kEdit);
  EXPECT_EQ(e.client_id, "c-3");
  EXPECT_EQ(e.conversation_id, 3);
  EXPECT_EQ(e.seq, 42);
  EXPECT_EQ(e.text, "t");
  EXPECT_EQ(edit.id, "c-3");

  auto del = DecodeClientFrame(R"({"type":"delete","id":"c-4","conversation_id":3,"seq":42})");
  ASSERT_TRUE(del.frame.ok());
  EXPECT_EQ(std::get<MessageOpFrame>(*del.frame).kind, store::MessageKind::kDelete);

  auto react = DecodeClientFrame(
      R"({"type":"react","id":"c-5","conversation_id":3,"seq":42,"emoji":"👍","on":false})");
  ASSERT_TRUE(react.frame.ok());
  const auto& r = std::get<MessageOpFrame>(*react.frame);
  EXPECT_EQ(r.kind, store::MessageKind::kReaction);
  EXPECT_EQ(r.text, "👍");
  EXPECT_FALSE(r.on);
  auto react_default =
      DecodeClientFrame(R"({"type":"react","id":"c-6","conversation_id":3,"seq":1,"emoji":"x"})");
  ASSERT_TRUE(react_default.frame.ok());
  EXPECT_TRUE(std::get<MessageOpFrame>(*react_default.frame).on);
}

// docs/protocol.md: "conversation_id is required for ops (invalid_argument)": the decoder
// leaves it 0 for the domain to refuse, as for send; a wrong type stays malformed.
TEST(ClientFramesTest, MessageOpsWithoutConversationDecodeForTheDomainToRefuse) {
  for (const char* text :
       {R"({"type":"edit","id":"a","seq":42,"text":"t"})", R"({"type":"delete","id":"a","seq":42})",
        R"({"type":"react","id":"a","seq":42,"emoji":"x"})"}) {
    auto decoded = DecodeClientFrame(text);
    ASSERT_TRUE(decoded.frame.ok()) << text;
    EXPECT_EQ(std::get<MessageOpFrame>(*decoded.frame).conversation_id, 0) << text;
  }
}

TEST(ClientFramesTest, RejectsMalformedMessageOps) {
  for (const char* text : {
           R"({"type":"edit","id":"a","conversation_id":3,"seq":42})",
           R"({"type":"edit","id":"a","conversation_id":3,"seq":42,"text":5})",
           R"({"type":"edit","conversation_id":3,"seq":42,"text":"t"})",
           R"({"type":"delete","id":"a","conversation_id":"3","seq":42})",
           R"({"type":"delete","id":"a","conversation_id":3})",
           R"({"type":"react","id":"a","conversation_id":3,"seq":42})",
           R"({"type":"react","id":"a","conversation_id":3,"seq":42,"emoji":"x","on":"yes"})",
           R"({"type":"react","id":"a","conversation_id":3,"seq":1e99,"emoji":"x"})",
           R"({"type":"send","id":"a","conversation_id":3,"text":"t","reply_to":[1]})",
       }) {
    auto decoded = DecodeClientFrame(text);
    ASSERT_FALSE(decoded.frame.ok()) << text;
    EXPECT_EQ(decoded.frame.status().code(), Code::kMalformed) << text;
  }
}

}  // namespace
}  // namespace parley::proto
