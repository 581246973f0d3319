// End-to-end tests of replies, edits, deletions and reactions (docs/protocol.md, "Message
// operations") against a real parleyd: each op is a message of its own in the seq stream,
// delivered live, replayed on catch-up and applied in history; the rules (ownership, group
// roles, tombstones, emoji) answer with typed errors; ops are idempotent by id and never count
// as unread. Tests wait on frames (or a ping's pong), never on time.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::WsClient;
using nlohmann::json;

template <typename T>
Code CodeOf(const Result<T>& result) {
  return result.ok() ? Code::kOk : result.status().code();
}

// Waits for the `message` frame (conversation_id, seq).
Result<json> WaitForSeq(WsClient& ws, int64_t conversation_id, int64_t seq) {
  return ws.WaitFor([&](const json& f) {
    return client::IsType(f, "message") &&
           f.value("conversation_id", int64_t{0}) == conversation_id &&
           f.value("seq", int64_t{0}) == seq;
  });
}

// The message `seq` of a history body's "messages" (null if absent).
json FindSeq(const json& messages, int64_t seq) {
  for (const json& m : messages) {
    if (m.value("seq", int64_t{0}) == seq) return m;
  }
  return nullptr;
}

class MessageOpsTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    for (const char* name : {"alice", "bob", "carol"}) {
      auto user = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(user));
      users_.push_back(*user);
    }
    for (const TestUser& user : users_) {
      apis_.push_back(ApiFor(*server_, &user));
      auto ws = ConnectUser(*server_, user);
      ASSERT_TRUE(IsOk(ws));
      ws_.push_back(std::move(*ws));
    }
  }

  int64_t id(int i) const { return users_[i].id; }
  client::HttpApi& api(int i) { return *apis_[i]; }
  WsClient& ws(int i) { return *ws_[i]; }

  Result<json> Edit(int i, int64_t conversation, int64_t seq, std::string_view text,
                    std::string client_id = "") {
    if (client_id.empty()) client_id = client::NewClientId();
    return ws(i).SendAndAwaitAck(client_id, client::EditFrame(client_id, conversation, seq, text));
  }
  Result<json> Delete(int i, int64_t conversation, int64_t seq, std::string client_id = "") {
    if (client_id.empty()) client_id = client::NewClientId();
    return ws(i).SendAndAwaitAck(client_id, client::DeleteFrame(client_id, conversation, seq));
  }
  Result<json> React(int i, int64_t conversation, int64_t seq, std::string_view emoji, bool on,
                     std::string client_id = "") {
    if (client_id.empty()) client_id = client::NewClientId();
    return ws(i).SendAndAwaitAck(client_id,
                                 client::ReactFrame(client_id, conversation, seq, emoji, on));
  }
  Result<json> Reply(int i, int64_t conversation, int64_t reply_to, std::string_view text) {
    std::string client_id = client::NewClientId();
    return ws(i).SendAndAwaitAck(client_id,
                                 client::ReplyFrame(client_id, conversation, reply_to, text));
  }

  // Alice's first message to bob: {conversation_id, seq} of its ack, seen live by bob.
  json FirstDirect(std::string_view text) {
    auto ack = ws(0).SendToUser(id(1), text);
    EXPECT_TRUE(IsOk(ack));
    if (!ack.ok()) return json::object();
    EXPECT_TRUE(IsOk(WaitForSeq(ws(1), (*ack)["conversation_id"], (*ack)["seq"])));
    return *ack;
  }

  // The message `seq` of the conversation as `i` reads it in history over HTTP.
  json HistoryMessage(int i, int64_t conversation, int64_t seq) {
    auto page = api(i).History(conversation);
    EXPECT_TRUE(IsOk(page));
    return page.ok() ? FindSeq((*page)["messages"], seq) : json();
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
  std::vector<std::unique_ptr<WsClient>> ws_;
};

TEST_F(MessageOpsTest, ReplyQuotesTheMessageAndLaterShowsItDeleted) {
  json first = FirstDirect("see you at noon");
  const int64_t c = first["conversation_id"];
  auto reply = Reply(1, c, 1, "ok, noon it is");
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ((*reply)["seq"], 2);
  auto live = WaitForSeq(ws(0), c, 2);
  ASSERT_TRUE(IsOk(live));
  const json& quote = (*live)["reply_to"];
  EXPECT_EQ(quote["seq"], 1);
  EXPECT_EQ(quote["sender_id"], id(0));
  EXPECT_EQ(quote["kind"], "text");
  EXPECT_EQ(quote["text"], "see you at noon");
  EXPECT_EQ(quote["deleted"], false);

  // Replying to nothing, to the future, or to an op.
  EXPECT_EQ(CodeOf(Reply(1, c, 99, "?")), Code::kNotFound);
  ASSERT_TRUE(IsOk(Delete(0, c, 1)));  // seq 3, an op
  EXPECT_EQ(CodeOf(Reply(1, c, 3, "?")), Code::kNotFound);
  EXPECT_EQ(CodeOf(Reply(1, c, 1, "?")), Code::kGone);

  json later = HistoryMessage(1, c, 2);
  EXPECT_EQ(later["reply_to"]["deleted"], true);
  EXPECT_FALSE(later["reply_to"].contains("text"));
  EXPECT_EQ(later["text"], "ok, noon it is");
}

TEST_F(MessageOpsTest, ARefusedReplyToAUserCreatesNoConversation) {
  // Alice and carol have no conversation, so there is nothing to reply to in it.
  auto refused = ws(0).SendFields({{"to", id(2)}, {"text", "re?"}, {"reply_to", 1}});
  EXPECT_EQ(CodeOf(refused), Code::kNotFound);
  for (int i : {0, 2}) {
    auto list = api(i).Conversations();
    ASSERT_TRUE(IsOk(list));
    EXPECT_TRUE(list->empty()) << list->dump();
  }
  // The writer forgot the undone conversation: the first real message creates it afresh.
  auto first = ws(0).SendToUser(id(2), "hello carol");
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ((*first)["seq"], 1);
  auto list = api(2).Conversations();
  ASSERT_TRUE(IsOk(list));
  EXPECT_EQ(list->size(), 1u);
}

TEST_F(MessageOpsTest, EditByTheSenderOnlyAndNeverAfterDelete) {
  json first = FirstDirect("helo");
  const int64_t c = first["conversation_id"];
  auto ack = Edit(0, c, 1, "hello");
  ASSERT_TRUE(IsOk(ack));
  EXPECT_EQ((*ack)["seq"], 2);
  EXPECT_EQ((*ack)["changed"], true);
  auto op = WaitForSeq(ws(1), c, 2);
  ASSERT_TRUE(IsOk(op));
  EXPECT_EQ((*op)["kind"], "edit");
  EXPECT_EQ((*op)["target"], 1);
  EXPECT_EQ((*op)["text"], "hello");
  EXPECT_GT((*op)["edited_at"].get<int64_t>(), 0);

  json edited = HistoryMessage(1, c, 1);
  EXPECT_EQ(edited["text"], "hello");
  EXPECT_EQ(edited["edited_at"], (*op)["edited_at"]);

  EXPECT_EQ(CodeOf(Edit(1, c, 1, "mine now")), Code::kForbidden);
  EXPECT_EQ(CodeOf(Edit(0, c, 2, "an op")), Code::kForbidden);
  EXPECT_EQ(CodeOf(Edit(0, c, 50, "nothing")), Code::kNotFound);
  EXPECT_EQ(CodeOf(Edit(0, c, 1, "")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(Edit(0, c, 0, "x")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(Edit(2, c, 1, "stranger")), Code::kNotFound);
  EXPECT_EQ(CodeOf(Edit(0, c, 1, std::string(16 * 1024 + 1, 'a'))), Code::kTooLarge);
  ASSERT_TRUE(IsOk(Delete(0, c, 1)));
  EXPECT_EQ(CodeOf(Edit(0, c, 1, "too late")), Code::kGone);
}

TEST_F(MessageOpsTest, DeleteLeavesATombstoneLiveInCatchUpAndInHistory) {
  json first = FirstDirect("secret");
  const int64_t c = first["conversation_id"];
  ASSERT_TRUE(IsOk(React(1, c, 1, "👍", true)));  // seq 2
  ASSERT_TRUE(IsOk(WaitForSeq(ws(0), c, 2)));
  // Bob's device goes offline having seen seq 2; alice deletes meanwhile.
  ws(1).Close();
  auto ack = Delete(0, c, 1);
  ASSERT_TRUE(IsOk(ack));
  EXPECT_EQ((*ack)["seq"], 3);
  EXPECT_EQ(CodeOf(Delete(0, c, 1)), Code::kGone);

  const client::Cursor cursor{c, 2};
  client::SyncResult sync;
  auto back = ConnectUser(*server_, users_[1], std::span(&cursor, 1), &sync);
  ASSERT_TRUE(IsOk(back));
  ASSERT_EQ(sync.messages.size(), 1u);
  EXPECT_EQ(sync.messages[0]["kind"], "delete");
  EXPECT_EQ(sync.messages[0]["target"], 1);

  // A device that saw nothing replays the tombstone itself, never the old content.
  auto fresh_device = LoginDevice(*server_, users_[1]);
  ASSERT_TRUE(IsOk(fresh_device));
  client::SyncResult full;
  auto other = ConnectUser(*server_, *fresh_device, {}, &full);
  ASSERT_TRUE(IsOk(other));
  ASSERT_EQ(full.messages.size(), 3u);
  EXPECT_EQ(full.messages[0]["deleted"], true);
  EXPECT_EQ(full.messages[0]["text"], "");
  EXPECT_FALSE(full.messages[0].contains("reactions"));
  EXPECT_EQ(full.messages[1]["kind"], "reaction");

  json tombstone = HistoryMessage(1, c, 1);
  EXPECT_EQ(tombstone["deleted"], true);
  EXPECT_EQ(tombstone["text"], "");
  EXPECT_EQ(CodeOf(React(0, c, 1, "😀", true)), Code::kGone);
  EXPECT_EQ(CodeOf(Delete(0, c, 3)), Code::kInvalidArgument);  // an op
}

TEST_F(MessageOpsTest, GroupAdminsDeleteMembersMessagesNotTheOtherWayRound) {
  auto group = api(0).CreateGroup("Team", {id(1), id(2)});
  ASSERT_TRUE(IsOk(group));
  const int64_t g = (*group)["id"];
  ASSERT_TRUE(IsOk(api(0).SetGroupRole(g, id(1), "admin")));
  auto carols = ws(2).SendToConversation(g, "from a member");
  auto bobs = ws(1).SendToConversation(g, "from an admin");
  auto alices = ws(0).SendToConversation(g, "from the owner");
  ASSERT_TRUE(IsOk(carols) && IsOk(bobs) && IsOk(alices));

  EXPECT_EQ(CodeOf(Delete(2, g, (*bobs)["seq"])), Code::kForbidden);
  EXPECT_EQ(CodeOf(Delete(1, g, (*alices)["seq"])), Code::kForbidden);
  EXPECT_EQ(CodeOf(Delete(2, g, 1)), Code::kInvalidArgument);  // the group_created event
  ASSERT_TRUE(IsOk(Delete(1, g, (*carols)["seq"])));
  ASSERT_TRUE(IsOk(Delete(0, g, (*bobs)["seq"])));
  EXPECT_EQ(HistoryMessage(2, g, (*carols)["seq"])["deleted"], true);
  EXPECT_EQ(HistoryMessage(2, g, (*bobs)["seq"])["deleted"], true);
  EXPECT_FALSE(HistoryMessage(2, g, (*alices)["seq"]).contains("deleted"));
}

TEST_F(MessageOpsTest, ReactionsAddRemoveCountAndRefuseBadInput) {
  json first = FirstDirect("lunch?");
  const int64_t c = first["conversation_id"];
  ASSERT_TRUE(IsOk(React(0, c, 1, "👍", true)));
  ASSERT_TRUE(IsOk(React(1, c, 1, "👍", true)));
  ASSERT_TRUE(IsOk(React(1, c, 1, "🇫🇷", true)));
  auto op = WaitForSeq(ws(0), c, 4);
  ASSERT_TRUE(IsOk(op));
  EXPECT_EQ((*op)["kind"], "reaction");
  EXPECT_EQ((*op)["emoji"], "🇫🇷");
  EXPECT_EQ((*op)["on"], true);

  json reacted = HistoryMessage(0, c, 1);
  ASSERT_EQ(reacted["reactions"].size(), 2u);
  EXPECT_EQ(reacted["reactions"][0]["emoji"], "👍");
  EXPECT_EQ(reacted["reactions"][0]["count"], 2);
  EXPECT_EQ(reacted["reactions"][0]["users"], json::array({id(0), id(1)}));
  EXPECT_EQ(reacted["reactions"][1]["count"], 1);

  ASSERT_TRUE(IsOk(React(1, c, 1, "👍", false)));
  reacted = HistoryMessage(0, c, 1);
  EXPECT_EQ(reacted["reactions"][0]["users"], json::array({id(0)}));

  // No-ops: acked with changed false and the target's seq; nothing stored or delivered.
  DrainUntilPong(ws(1));
  auto again = React(0, c, 1, "👍", true);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ((*again)["changed"], false);
  EXPECT_EQ((*again)["seq"], 1);
  auto never = React(0, c, 1, "🎉", false);
  ASSERT_TRUE(IsOk(never));
  EXPECT_EQ((*never)["changed"], false);
  EXPECT_TRUE(OfType(DrainUntilPong(ws(1)), "message").empty());

  // Over 32 bytes: a face with ten variation selectors; two ZWJ families.
  std::string long_one = "😀";
  for (int i = 0; i < 10; ++i) long_one += "\xEF\xB8\x8F";
  for (const std::string& bad : std::vector<std::string>{
           "", "a", "1", "👍 ", "👍👍", " ", "\t", "\x01", "ab👍", "é", "\xE2\x80\x8D", long_one,
           "👨‍👩‍👧‍👦👨‍👩‍👧‍👦"}) {
    EXPECT_EQ(CodeOf(React(0, c, 1, bad, true)), Code::kInvalidArgument) << bad;
  }
  EXPECT_EQ(CodeOf(React(0, c, 77, "👍", true)), Code::kNotFound);
  EXPECT_EQ(CodeOf(React(2, c, 1, "👍", true)), Code::kNotFound);  // not a member
}

TEST_F(MessageOpsTest, AtMostTwentyDistinctReactionsPerUser) {
  json first = FirstDirect("so many feelings");
  const int64_t c = first["conversation_id"];
  for (int i = 0; i < 20; ++i) {
    // U+1F600 + i: twenty distinct faces (UTF-8 F0 9F 98 80+i).
    const std::string face = std::string("\xF0\x9F\x98") + static_cast<char>(0x80 + i);
    ASSERT_TRUE(IsOk(React(0, c, 1, face, true))) << i;
  }
  EXPECT_EQ(CodeOf(React(0, c, 1, "🎉", true)), Code::kInvalidArgument);
  auto repeat = React(0, c, 1, "😀", true);  // already there: a no-op, not a 21st
  ASSERT_TRUE(IsOk(repeat));
  EXPECT_EQ((*repeat)["changed"], false);
  ASSERT_TRUE(IsOk(React(1, c, 1, "🎉", true)));  // the limit is per user
}

TEST_F(MessageOpsTest, OpsAreIdempotentByTheirId) {
  json first = FirstDirect("typo");
  const int64_t c = first["conversation_id"];
  auto edit = Edit(0, c, 1, "fixed", "op-edit");
  auto edit_again = Edit(0, c, 1, "fixed", "op-edit");
  ASSERT_TRUE(IsOk(edit) && IsOk(edit_again));
  EXPECT_EQ((*edit_again)["seq"], (*edit)["seq"]);
  EXPECT_EQ((*edit_again)["duplicate"], true);

  auto react = React(1, c, 1, "👍", true, "op-react");
  auto react_again = React(1, c, 1, "👍", true, "op-react");
  ASSERT_TRUE(IsOk(react) && IsOk(react_again));
  EXPECT_EQ((*react_again)["seq"], (*react)["seq"]);
  EXPECT_EQ((*react_again)["duplicate"], true);

  auto del = Delete(0, c, 1, "op-delete");
  auto del_again = Delete(0, c, 1, "op-delete");  // after the deletion: still its ack
  ASSERT_TRUE(IsOk(del) && IsOk(del_again));
  EXPECT_EQ((*del_again)["seq"], (*del)["seq"]);
  EXPECT_EQ((*del_again)["duplicate"], true);
  EXPECT_EQ((*del)["seq"], 4);  // one seq per op, none for the resends
}

TEST_F(MessageOpsTest, OpsNeitherCountAsUnreadNorBecomeTheLastMessage) {
  json first = FirstDirect("one");
  const int64_t c = first["conversation_id"];
  ASSERT_TRUE(IsOk(Edit(0, c, 1, "one, edited")));
  ASSERT_TRUE(IsOk(React(0, c, 1, "👍", true)));
  auto list = api(1).Conversations();
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  const json& entry = (*list)[0];
  EXPECT_EQ(entry["last_seq"], 3);
  EXPECT_EQ(entry["unread"], 1);
  EXPECT_EQ(entry["last_message"]["seq"], 1);
  EXPECT_EQ(entry["last_message"]["text"], "one, edited");
  EXPECT_EQ(entry["last_message"]["reactions"][0]["count"], 1);

  // Reading the text message clears unread although ops followed it.
  ASSERT_TRUE(IsOk(ws(1).SendRaw(client::ReadFrame(c, 1))));
  ASSERT_TRUE(IsOk(ws(1).WaitFor([&](const json& f) {
    return client::IsType(f, "receipt") && f.value("user_id", int64_t{0}) == id(1) &&
           f.value("read_seq", int64_t{0}) == 1;
  })));
  list = api(1).Conversations();
  ASSERT_TRUE(IsOk(list));
  EXPECT_EQ((*list)[0]["unread"], 0);
}

// Deletion for everyone removes every version of the content: the edit ops that carried the
// earlier texts are blank in history and catch-up, and nothing of it is found by search.
TEST_F(MessageOpsTest, DeleteClearsTheTextOfEveryEditToo) {
  json first = FirstDirect("draft one");
  const int64_t c = first["conversation_id"];
  ASSERT_TRUE(IsOk(Edit(0, c, 1, "draft two")));    // seq 2
  ASSERT_TRUE(IsOk(Edit(0, c, 1, "draft three")));  // seq 3
  ASSERT_TRUE(IsOk(Delete(0, c, 1)));               // seq 4

  auto page = api(1).History(c);
  ASSERT_TRUE(IsOk(page));
  ASSERT_EQ((*page)["messages"].size(), 4u);
  for (const json& message : (*page)["messages"]) {
    EXPECT_EQ(message.value("text", ""), "") << message.dump();
  }
  auto fresh_device = LoginDevice(*server_, users_[1]);
  ASSERT_TRUE(IsOk(fresh_device));
  client::SyncResult sync;
  auto replayed = ConnectUser(*server_, *fresh_device, {}, &sync);
  ASSERT_TRUE(IsOk(replayed));
  ASSERT_EQ(sync.messages.size(), 4u);
  for (const json& message : sync.messages) {
    EXPECT_EQ(message.value("text", ""), "") << message.dump();
  }
  EXPECT_EQ(sync.messages[1]["kind"], "edit");
  EXPECT_EQ(sync.messages[1]["target"], 1);
  auto found = api(1).SearchMessages("draft");
  ASSERT_TRUE(IsOk(found));
  EXPECT_TRUE((*found)["results"].empty());
}

TEST_F(MessageOpsTest, MalformedOpFramesGetTypedErrors) {
  json first = FirstDirect("x");
  const int64_t c = first["conversation_id"];
  struct Case {
    std::string frame;
    Code code;
  };
  const std::string conv = std::to_string(c);
  const std::vector<Case> cases = {
      {R"({"type":"edit","id":"e1","conversation_id":)" + conv + R"(,"seq":1})", Code::kMalformed},
      {R"({"type":"edit","id":"e2","conversation_id":)" + conv + R"(,"seq":"1","text":"a"})",
       Code::kMalformed},
      // docs/protocol.md: "conversation_id is required for ops (invalid_argument)".
      {R"({"type":"delete","id":"e3","seq":1})", Code::kInvalidArgument},
      {R"({"type":"edit","id":"e9","seq":1,"text":"a"})", Code::kInvalidArgument},
      {R"({"type":"react","id":"e10","seq":1,"emoji":"👍"})", Code::kInvalidArgument},
      {R"({"type":"react","id":"e4","conversation_id":)" + conv + R"(,"seq":1,"emoji":"👍","on":1})",
       Code::kMalformed},
      {R"({"type":"react","id":"e5","conversation_id":)" + conv + R"(,"seq":1})", Code::kMalformed},
      {R"({"type":"send","id":"e6","conversation_id":)" + conv + R"(,"text":"a","reply_to":"1"})",
       Code::kMalformed},
      {R"({"type":"send","id":"e7","conversation_id":)" + conv + R"(,"text":"a","reply_to":-4})",
       Code::kInvalidArgument},
      {R"({"type":"delete","id":"","conversation_id":)" + conv + R"(,"seq":1})",
       Code::kInvalidArgument},
      {R"({"type":"delete","id":"e8","conversation_id":-1,"seq":1})", Code::kInvalidArgument},
  };
  for (const Case& test : cases) {
    ASSERT_TRUE(IsOk(ws(0).SendRaw(test.frame)));
    auto error = ws(0).WaitForType("error");
    ASSERT_TRUE(IsOk(error)) << test.frame;
    EXPECT_EQ(client::StatusFromErrorFrame(*error).code(), test.code) << test.frame;
  }
}

TEST_F(MessageOpsTest, DeletingAMediaMessageDropsItsMediaAndCaption) {
  json first = FirstDirect("here comes the report");
  const int64_t c = first["conversation_id"];
  auto media = api(0).Upload("report.pdf", "file", std::string(3000, 'r'));
  ASSERT_TRUE(IsOk(media));
  const std::string media_id = (*media)["id"];
  const std::string id = client::NewClientId();
  auto sent = ws(0).SendAndAwaitAck(id, client::Serialize({{"type", "send"},
                                                           {"id", id},
                                                           {"conversation_id", c},
                                                           {"media", media_id},
                                                           {"text", "quarterly figures"}}));
  ASSERT_TRUE(IsOk(sent));
  const int64_t seq = (*sent)["seq"];
  auto reply = Reply(1, c, seq, "thanks");
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ(HistoryMessage(1, c, (*reply)["seq"])["reply_to"]["media_kind"], "file");
  const std::string info = "/api/v1/media/" + media_id + "/info";
  auto readable = api(1).Request("GET", info);
  ASSERT_TRUE(IsOk(readable));
  EXPECT_EQ(readable->status, 200);
  auto found = api(1).SearchMessages("quarterly");
  ASSERT_TRUE(IsOk(found));
  ASSERT_EQ((*found)["results"].size(), 1u);
  EXPECT_EQ((*found)["results"][0]["message"]["media"]["id"], media_id);

  ASSERT_TRUE(IsOk(Delete(0, c, seq)));
  json tombstone = HistoryMessage(1, c, seq);
  EXPECT_EQ(tombstone["deleted"], true);
  EXPECT_FALSE(tombstone.contains("media"));
  auto unreadable = api(1).Request("GET", info);
  ASSERT_TRUE(IsOk(unreadable));
  EXPECT_EQ(unreadable->status, 404);
  found = api(1).SearchMessages("quarterly");
  ASSERT_TRUE(IsOk(found));
  EXPECT_TRUE((*found)["results"].empty());
}

}  // namespace
}  // namespace parley::e2e
