#include "proto/server_frames.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "proto/json_frames.h"

namespace parley::proto {
namespace {

using nlohmann::json;

store::Message SampleMessage() {
  store::Message m;
  m.conversation_id = 3;
  m.seq = 42;
  m.sender_id = 2;
  m.client_id = "c-17";
  m.text = "quote \" backslash \\ newline \n tab \t bell \x07 emoji 👩‍👩‍👧";
  m.created_at = 1767225600000;
  return m;
}

// The JSON protocol's frame for each event is the frame docs/protocol.md gives it: messages,
// group changes and notices are all `message` frames of their conversation's stream.
TEST(JsonFrameEncoderTest, EncodesEachEventAsItsProtocolFrame) {
  const JsonFrameEncoder encoder;
  const store::Message m = SampleMessage();
  EXPECT_EQ(*encoder.Encode(chat::events::MessageCommitted{m}), MessageFrame(m));
  EXPECT_EQ(*encoder.Encode(chat::events::GroupChanged{m, {}}), MessageFrame(m));
  EXPECT_EQ(*encoder.Encode(chat::events::NoticePosted{m}), MessageFrame(m));
  EXPECT_EQ(*encoder.Encode(chat::events::Acked{m, true, true}), AckFrame(m, true, true));
  store::Member member;
  member.user_id = 5;
  member.read_seq = 4;
  EXPECT_EQ(*encoder.Encode(chat::events::ReceiptMoved{3, member}), ReceiptFrame(3, member));
  const Status failed(Code::kNotFound, "no such conversation");
  EXPECT_EQ(*encoder.Encode(chat::events::RequestFailed{failed, "c-1", "r-1"}),
            ErrorFrame(failed, "c-1", "r-1"));
}

TEST(ServerFramesTest, MessageFrameRoundTrips) {
  const store::Message m = SampleMessage();
  json frame = json::parse(MessageFrame(m));
  EXPECT_EQ(frame["type"], "message");
  EXPECT_EQ(frame["conversation_id"], 3);
  EXPECT_EQ(frame["seq"], 42);
  EXPECT_EQ(frame["sender_id"], 2);
  EXPECT_EQ(frame["id"], "c-17");
  EXPECT_EQ(frame["text"], m.text);
  EXPECT_EQ(frame["created_at"], 1767225600000);
}

TEST(ServerFramesTest, AckReceiptErrorPong) {
  json ack = json::parse(AckFrame(SampleMessage(), true, true));
  EXPECT_EQ(ack["type"], "ack");
  EXPECT_EQ(ack["id"], "c-17");
  EXPECT_EQ(ack["seq"], 42);
  EXPECT_EQ(ack["duplicate"], true);

  store::Member member{7, 40, 39};
  json receipt = json::parse(ReceiptFrame(3, member));
  EXPECT_EQ(receipt["user_id"], 7);
  EXPECT_EQ(receipt["delivered_seq"], 40);
  EXPECT_EQ(receipt["read_seq"], 39);

  json error = json::parse(ErrorFrame(Status(Code::kNotFound, "no such user"), "c-1", "r-1"));
  EXPECT_EQ(error["code"], "not_found");
  EXPECT_EQ(error["message"], "no such user");
  EXPECT_EQ(error["id"], "c-1");
  EXPECT_EQ(error["req"], "r-1");
  json bare = json::parse(ErrorFrame(Status(Code::kMalformed, "x"), "", ""));
  EXPECT_FALSE(bare.contains("id"));
  EXPECT_FALSE(bare.contains("req"));

  EXPECT_EQ(json::parse(PongFrame("p"))["req"], "p");
}

// An internal failure's detail (storage errors, paths) is logged, never sent: the frame and
// the HTTP body say one generic sentence. Every other code keeps its message.
TEST(ServerFramesTest, HistoryPagesStopAtTheirByteBudget) {
  chat::HistoryPage page;
  for (int64_t seq = 1; seq <= 100; ++seq) {
    store::Message m = SampleMessage();
    m.seq = seq;
    m.text = std::string(16000, '\x01');  // 96 KB of JSON each
    page.messages.push_back(std::move(m));
  }
  for (bool backwards : {true, false}) {
    page.backwards = backwards;
    const std::string body = HistoryBody(page);
    const json parsed = json::parse(body);
    const json& kept = parsed["messages"];
    EXPECT_LE(body.size(), kMaxHistoryBytes + 1024);
    EXPECT_EQ(kept.size(), 10u) << backwards;  // 1 MiB / 96 KB
    EXPECT_TRUE(parsed["has_more"].get<bool>());
    // Reading backwards keeps the newest; forwards the oldest; always in ascending order.
    EXPECT_EQ(kept.back()["seq"], backwards ? 100 : static_cast<int64_t>(kept.size()));
    EXPECT_LT(kept.front()["seq"].get<int64_t>(), kept.back()["seq"].get<int64_t>());
  }
  // A page within the budget is whole, and has_more is the store's answer.
  page.messages.resize(3);
  page.has_more = false;
  const json small = json::parse(HistoryReplyFrame("r", 3, page));
  EXPECT_EQ(small["messages"].size(), 3u);
  EXPECT_FALSE(small["has_more"].get<bool>());
  // One message is always sent, however large.
  page.messages.resize(1);
  page.messages[0].text = std::string(200'000, '\x01');
  EXPECT_EQ(json::parse(HistoryBody(page))["messages"].size(), 1u);
}

TEST(ServerFramesTest, InternalErrorsShowNoInternalText) {
  const Status internal(Code::kInternal, "store: SearchMessages: sqlite: unterminated string");
  for (const std::string& text : {ErrorFrame(internal, "c-1", "r-1"), ErrorBody(internal)}) {
    EXPECT_EQ(text.find("sqlite"), std::string::npos) << text;
    EXPECT_EQ(text.find("store:"), std::string::npos) << text;
    EXPECT_NE(text.find("internal"), std::string::npos) << text;
  }
  EXPECT_EQ(json::parse(ErrorBody(internal))["error"]["message"],
            "internal error; the request had no effect");
  EXPECT_EQ(json::parse(ErrorBody(Status(Code::kNotFound, "no such group")))["error"]["message"],
            "no such group");
}

TEST(ServerFramesTest, ErrorCodeOfBodyReadsBackEveryCode) {
  for (int code = 1; code <= static_cast<int>(Code::kInternal); ++code) {
    const Status status(static_cast<Code>(code), "a \"quoted\" message");
    EXPECT_EQ(ErrorCodeOfBody(ErrorBody(status)), status.code()) << ErrorBody(status);
  }
  for (std::string_view other : {"", "{}", R"({"status":"ok"})", R"({"error":{"code":"nope"}})",
                                 R"({"error":{"code":"not_found)", "<html>not found</html>",
                                 R"( {"error":{"code":"not_found"}})"}) {
    EXPECT_EQ(ErrorCodeOfBody(other), std::nullopt) << other;
  }
}

TEST(ServerFramesTest, ConversationListCarriesUnreadAndCursors) {
  store::ConversationSummary c;
  c.id = 3;
  c.last_seq = 42;
  c.last_activity_at = 5;
  c.last_message = SampleMessage();
  c.self = {1, 42, 40};
  c.others = {{2, 41, 41}};
  c.unread = 2;
  json body = json::parse(ConversationsBody(std::vector{c}));
  const json& entry = body["conversations"][0];
  EXPECT_EQ(entry["kind"], "direct");
  EXPECT_EQ(entry["unread"], 2);
  EXPECT_EQ(entry["last_message"]["seq"], 42);
  EXPECT_EQ(entry["self"]["read_seq"], 40);
  EXPECT_EQ(entry["members"][0]["user_id"], 2);
}

}  // namespace
}  // namespace parley::proto

namespace parley::proto {
namespace {

TEST(ServerFramesTest, MessageObjectCarriesReplyEditsReactionsAndTombstones) {
  store::Message m = SampleMessage();
  m.reply_to = 40;
  m.quote = store::Quote{40, 1, store::MessageKind::kText, "first", "image", false};
  m.edited_at = 1767225700000;
  m.reactions = {{"👍", {1, 2}}};
  json frame = json::parse(MessageFrame(m));
  EXPECT_EQ(
      frame["reply_to"],
      json::parse(
          R"({"seq":40,"sender_id":1,"kind":"text","text":"first","media_kind":"image","deleted":false})"));
  EXPECT_EQ(frame["edited_at"], 1767225700000);
  EXPECT_EQ(frame["reactions"], json::parse(R"([{"emoji":"👍","count":2,"users":[1,2]}])"));
  EXPECT_FALSE(frame.contains("deleted"));

  m.quote->deleted = true;
  EXPECT_FALSE(json::parse(MessageFrame(m))["reply_to"].contains("text"));

  store::Message tombstone = SampleMessage();
  tombstone.text = "";
  tombstone.deleted = true;
  frame = json::parse(MessageFrame(tombstone));
  EXPECT_EQ(frame["deleted"], true);
  EXPECT_EQ(frame["text"], "");
  EXPECT_FALSE(frame.contains("reactions") || frame.contains("reply_to"));
}

TEST(ServerFramesTest, OpsCarryTheirTargetAndChange) {
  store::Message op = SampleMessage();
  op.kind = store::MessageKind::kReaction;
  op.target = 40;
  op.text = "👍";
  op.on = true;
  json frame = json::parse(MessageFrame(op));
  EXPECT_EQ(frame["kind"], "reaction");
  EXPECT_EQ(frame["target"], 40);
  EXPECT_EQ(frame["emoji"], "👍");
  EXPECT_EQ(frame["on"], true);
  EXPECT_FALSE(frame.contains("text"));
  json ack = json::parse(AckFrame(op, false, false));
  EXPECT_EQ(ack["changed"], false);
  EXPECT_FALSE(json::parse(AckFrame(SampleMessage(), false, true)).contains("changed"));

  op.kind = store::MessageKind::kDelete;
  frame = json::parse(MessageFrame(op));
  EXPECT_EQ(frame["kind"], "delete");
  EXPECT_FALSE(frame.contains("text") || frame.contains("emoji"));
  op.kind = store::MessageKind::kEdit;
  op.text = "new";
  op.edited_at = 7;
  frame = json::parse(MessageFrame(op));
  EXPECT_EQ(frame["text"], "new");
  EXPECT_EQ(frame["edited_at"], 7);
}

}  // namespace
}  // namespace parley::proto
