// End-to-end tests of the messaging guarantees of docs/protocol.md, against a real parleyd:
// - UTF-8 round trip (emoji with ZWJ sequences, flags, CJK) both ways, dense seq, ack fields;
// - fan-out to every device of every member except the sending one (which gets the ack);
// - idempotent resends (same id, also after a reconnect): one message, duplicate ack, one
//   live delivery;
// - offline catch-up with cursors, also spread over a hello and its `cursors` frames, `synced`,
//   and the sync limit followed by `history` after;
// - history paging over WebSocket and HTTP, argument errors, non-members;
// - delivered/read receipts, unread counts and cursors in the conversation list;
// - conversation list ordering by last activity.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::Cursor;
using client::HistoryPage;
using client::WsClient;
using nlohmann::json;

// History pages, spelled out (HistoryPage has optional fields only).
HistoryPage Page(std::optional<int64_t> before, std::optional<int64_t> after,
                 std::optional<int> limit) {
  HistoryPage page;
  page.before = before;
  page.after = after;
  page.limit = limit;
  return page;
}

// Waits for the `message` frame (conversation_id, seq).
Result<json> WaitForMessage(WsClient& ws, int64_t conversation_id, int64_t seq) {
  return ws.WaitFor([&](const json& f) {
    return client::IsType(f, "message") &&
           f.value("conversation_id", int64_t{0}) == conversation_id &&
           f.value("seq", int64_t{0}) == seq;
  });
}

// Sends a WebSocket `history` frame and returns the reply (an `error` reply becomes a Status).
Result<json> WsHistory(WsClient& ws, int64_t conversation_id, const HistoryPage& page) {
  client::HistoryQuery query;
  query.conversation_id = conversation_id;
  query.before = page.before;
  query.after = page.after;
  query.limit = page.limit;
  query.req = client::NewClientId("h-");
  if (Status sent = ws.SendRaw(client::HistoryFrame(query)); !sent.ok()) return sent;
  Result<json> reply = ws.WaitFor([&](const json& f) {
    return (client::IsType(f, "history") || client::IsType(f, "error")) &&
           f.value("req", "") == query.req;
  });
  if (!reply.ok()) return reply;
  if (client::IsType(*reply, "error")) return client::StatusFromErrorFrame(*reply);
  EXPECT_EQ((*reply)["conversation_id"], conversation_id);
  return reply;
}

// The seqs of a history reply, in reply order.
std::vector<int64_t> Seqs(const json& messages) {
  std::vector<int64_t> seqs;
  for (const json& m : messages) seqs.push_back(m.value("seq", int64_t{-1}));
  return seqs;
}

std::vector<int64_t> Range(int64_t first, int64_t last) {
  std::vector<int64_t> seqs;
  for (int64_t s = first; s <= last; ++s) seqs.push_back(s);
  return seqs;
}

// Sends all texts into a conversation without waiting in between, then collects the acks (in
// send order). Sending pipelined exercises group commit; every ack must arrive.
std::vector<json> SendPipelined(WsClient& ws, int64_t conversation_id,
                                const std::vector<std::string>& texts,
                                const std::string& id_prefix) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < texts.size(); ++i) {
    ids.push_back(id_prefix + std::to_string(i));
    EXPECT_TRUE(
        IsOk(ws.SendRaw(client::SendToConversationFrame(ids.back(), conversation_id, texts[i]))));
  }
  std::vector<json> acks;
  for (const std::string& id : ids) {
    Result<json> ack = ws.WaitFor([&](const json& f) {
      return (client::IsType(f, "ack") || client::IsType(f, "error")) && f.value("id", "") == id;
    });
    EXPECT_TRUE(IsOk(ack)) << id;
    if (!ack.ok()) break;
    EXPECT_TRUE(client::IsType(*ack, "ack")) << ack->dump();
    acks.push_back(std::move(ack).value());
  }
  return acks;
}

// The entry of `conversation_id` in a GET /conversations list (null when absent).
json FindConversation(const json& list, int64_t conversation_id) {
  for (const json& c : list) {
    if (c.value("id", int64_t{0}) == conversation_id) return c;
  }
  return nullptr;
}

// The cursors entry of `user_id` in a "members" array (null when absent).
json FindMember(const json& members, int64_t user_id) {
  for (const json& m : members) {
    if (m.value("user_id", int64_t{0}) == user_id) return m;
  }
  return nullptr;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Waits (bounded) until the wall clock is past `ms`, so that the next message gets a later
// created_at than the previous one. A condition on the clock, not a sleep for synchronization.
void WaitForClockPast(int64_t ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (NowMs() <= ms && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
}

// A server with alice, bob and carol, each with one logged-in device.
class MessagingTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }

  void StartServer(std::vector<std::string> extra_args) {
    ServerProcess::Options options;
    options.extra_args = std::move(extra_args);
    auto server = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(server).value();
    for (auto [user, name] : {std::pair{&alice_, "alice"}, {&bob_, "bob"}, {&carol_, "carol"}}) {
      Result<TestUser> created = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(created));
      *user = std::move(created).value();
    }
  }

  std::unique_ptr<WsClient> Connect(const TestUser& user, std::span<const Cursor> cursors = {},
                                    client::SyncResult* sync = nullptr) {
    auto ws = ConnectUser(*server_, user, cursors, sync);
    EXPECT_TRUE(IsOk(ws)) << server_->output();
    return ws.ok() ? std::move(ws).value() : nullptr;
  }

  // The conversation of a first message sent by `from` to `to` over a short-lived socket.
  int64_t StartConversation(const TestUser& from, const TestUser& to, std::string_view text) {
    std::unique_ptr<WsClient> ws = Connect(from);
    if (ws == nullptr) return 0;
    Result<json> ack = ws->SendToUser(to.id, text);
    EXPECT_TRUE(IsOk(ack));
    return ack.ok() ? (*ack)["conversation_id"].get<int64_t>() : 0;
  }

  std::unique_ptr<ServerProcess> server_;
  TestUser alice_, bob_, carol_;
};

TEST_F(MessagingTest, TwoUsersChatBothWaysUtf8ByteExact) {
  std::unique_ptr<WsClient> alice = Connect(alice_);
  std::unique_ptr<WsClient> bob = Connect(bob_);
  ASSERT_TRUE(alice && bob);

  const std::vector<std::string> texts = {
      "hello bob",
      "family \xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",  // 👩‍👩‍👧
      "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7 Paris",                        // 🇫🇷
      "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C",  // 你好，世界
      "\xE3\x81\x93\xE3\x82\x93\xE3\x81\xAB\xE3\x81\xA1\xE3\x81\xAF \xED\x95\x9C",  // こんにちは 한
      "e\xCC\x81 combining, \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D rtl, tab\tquote\" back\\",  // é שלום
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD skin tone, \xF0\x9F\xA7\x91\xE2\x80\x8D\xF0\x9F\x92\xBB",
  };
  int64_t conversation_id = 0;
  int64_t last_created_at = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const bool from_alice = i % 2 == 0;
    WsClient& sender = from_alice ? *alice : *bob;
    WsClient& receiver = from_alice ? *bob : *alice;
    const TestUser& sender_user = from_alice ? alice_ : bob_;
    const std::string id = "utf8-" + std::to_string(i);
    Result<json> ack = i == 0 ? sender.SendToUser(bob_.id, texts[i], id)
                              : sender.SendToConversation(conversation_id, texts[i], id);
    ASSERT_TRUE(IsOk(ack)) << "text #" << i;
    if (i == 0) conversation_id = (*ack)["conversation_id"].get<int64_t>();
    SCOPED_TRACE(ack->dump());
    EXPECT_EQ((*ack)["type"], "ack");
    EXPECT_EQ((*ack)["id"], id);
    EXPECT_EQ((*ack)["conversation_id"], conversation_id);
    EXPECT_EQ((*ack)["seq"], static_cast<int64_t>(i + 1));
    EXPECT_EQ((*ack)["duplicate"], false);
    ASSERT_TRUE((*ack)["created_at"].is_number_integer());
    EXPECT_GE((*ack)["created_at"].get<int64_t>(), last_created_at);
    last_created_at = (*ack)["created_at"].get<int64_t>();

    Result<json> message = WaitForMessage(receiver, conversation_id, static_cast<int64_t>(i + 1));
    ASSERT_TRUE(IsOk(message));
    EXPECT_EQ((*message)["text"].get<std::string>(), texts[i]);
    EXPECT_EQ((*message)["id"], id);
    EXPECT_EQ((*message)["sender_id"], sender_user.id);
    EXPECT_EQ((*message)["created_at"], (*ack)["created_at"]);
  }

  // The stored copy is byte-exact too, for both members, in seq order 1..n.
  for (const TestUser* user : {&alice_, &bob_}) {
    Result<json> history = ApiFor(*server_, user)->History(conversation_id);
    ASSERT_TRUE(IsOk(history));
    const json& messages = (*history)["messages"];
    ASSERT_EQ(Seqs(messages), Range(1, static_cast<int64_t>(texts.size())));
    for (size_t i = 0; i < texts.size(); ++i) {
      EXPECT_EQ(messages[i]["text"].get<std::string>(), texts[i]) << "seq " << i + 1;
    }
    EXPECT_EQ((*history)["has_more"], false);
  }
}

TEST_F(MessagingTest, MultiDeviceFanOutSkipsOnlyTheSendingDevice) {
  Result<TestUser> alice2 = LoginDevice(*server_, alice_, "alice-phone");
  Result<TestUser> bob2 = LoginDevice(*server_, bob_, "bob-phone");
  ASSERT_TRUE(IsOk(alice2) && IsOk(bob2));
  std::unique_ptr<WsClient> a1 = Connect(alice_);
  std::unique_ptr<WsClient> a2 = Connect(*alice2);
  std::unique_ptr<WsClient> b1 = Connect(bob_);
  std::unique_ptr<WsClient> b2 = Connect(*bob2);
  ASSERT_TRUE(a1 && a2 && b1 && b2);

  struct Step {
    WsClient* sender;
    std::vector<WsClient*> receivers;
    int64_t sender_id;
    std::string text;
  };
  const std::vector<Step> steps = {
      {a1.get(), {b1.get(), b2.get(), a2.get()}, alice_.id, "from alice's laptop"},
      {b1.get(), {a1.get(), a2.get(), b2.get()}, bob_.id, "bob replies from his laptop"},
      {a2.get(), {a1.get(), b1.get(), b2.get()}, alice_.id, "alice, now on her phone"},
  };
  int64_t conversation_id = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    SCOPED_TRACE(step.text);
    Result<json> ack =
        step.sender->SendToUser(step.sender_id == alice_.id ? bob_.id : alice_.id, step.text);
    ASSERT_TRUE(IsOk(ack));
    const int64_t seq = static_cast<int64_t>(i + 1);
    EXPECT_EQ((*ack)["seq"], seq);
    if (i == 0) conversation_id = (*ack)["conversation_id"].get<int64_t>();
    EXPECT_EQ((*ack)["conversation_id"], conversation_id);
    for (WsClient* receiver : step.receivers) {
      Result<json> message = WaitForMessage(*receiver, conversation_id, seq);
      ASSERT_TRUE(IsOk(message));
      EXPECT_EQ((*message)["text"], step.text);
      EXPECT_EQ((*message)["sender_id"], step.sender_id);
    }
    // The sending device got the ack, not a copy of the message.
    for (const json& frame : OfType(DrainUntilPong(*step.sender), "message")) {
      ADD_FAILURE() << "sending device got its own message: " << frame.dump();
    }
  }
  // Every receiving device got each message exactly once.
  for (WsClient* ws : {a1.get(), a2.get(), b1.get(), b2.get()}) {
    for (const json& frame : OfType(DrainUntilPong(*ws), "message")) {
      ADD_FAILURE() << "extra copy of a message: " << frame.dump();
    }
  }
}

// With three I/O threads the devices live on different event loops, so on different hub
// slices: each message still reaches every device but the sending one exactly once, the
// messages arrive in seq order on every device, and the sender gets every ack.
TEST_F(MessagingTest, FanOutAcrossIoThreadsKeepsOrderAndSkipsTheSender) {
  server_.reset();
  StartServer({"--io-threads", "3"});
  std::vector<std::unique_ptr<WsClient>> devices;  // alice's laptop first
  std::vector<TestUser> logins = {alice_};
  for (const char* name : {"alice-phone", "alice-tablet"}) {
    Result<TestUser> device = LoginDevice(*server_, alice_, name);
    ASSERT_TRUE(IsOk(device));
    logins.push_back(std::move(device).value());
  }
  for (const char* name : {"bob-phone", "bob-tablet"}) {
    Result<TestUser> device = LoginDevice(*server_, bob_, name);
    ASSERT_TRUE(IsOk(device));
    logins.push_back(std::move(device).value());
  }
  logins.push_back(bob_);
  for (const TestUser& login : logins) {
    devices.push_back(Connect(login));
    ASSERT_TRUE(devices.back());
  }
  constexpr int64_t kMessages = 30;
  int64_t conversation_id = 0;
  for (int64_t seq = 1; seq <= kMessages; ++seq) {
    const std::string text = "across threads " + std::to_string(seq);
    Result<json> ack = seq == 1 ? devices[0]->SendToUser(bob_.id, text)
                                : devices[0]->SendToConversation(conversation_id, text);
    ASSERT_TRUE(IsOk(ack));
    if (seq == 1) conversation_id = (*ack)["conversation_id"].get<int64_t>();
    EXPECT_EQ((*ack)["seq"], seq);
  }
  for (size_t d = 1; d < devices.size(); ++d) {
    SCOPED_TRACE("device " + std::to_string(d));
    // The message frames in arrival order (other frames, such as presence, are passed over).
    std::vector<int64_t> seqs;
    while (seqs.size() < static_cast<size_t>(kMessages)) {
      Result<json> frame = devices[d]->Next();
      ASSERT_TRUE(IsOk(frame)) << "after " << seqs.size() << " messages";
      if (client::IsType(*frame, "message")) seqs.push_back((*frame)["seq"].get<int64_t>());
    }
    EXPECT_EQ(seqs, Range(1, kMessages));
    for (const json& frame : OfType(DrainUntilPong(*devices[d]), "message")) {
      ADD_FAILURE() << "extra copy of a message: " << frame.dump();
    }
  }
  for (const json& frame : OfType(DrainUntilPong(*devices[0]), "message")) {
    ADD_FAILURE() << "sending device got its own message: " << frame.dump();
  }
}

TEST_F(MessagingTest, IdempotentResendStoresOnceAndDeliversOnce) {
  std::unique_ptr<WsClient> alice = Connect(alice_);
  std::unique_ptr<WsClient> bob = Connect(bob_);
  ASSERT_TRUE(alice && bob);

  Result<json> first = alice->SendToUser(bob_.id, "only once", "dup-1");
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ((*first)["duplicate"], false);
  const int64_t conversation_id = (*first)["conversation_id"].get<int64_t>();
  const int64_t seq = (*first)["seq"].get<int64_t>();
  ASSERT_TRUE(IsOk(WaitForMessage(*bob, conversation_id, seq)));

  auto expect_duplicate_ack = [&](const Result<json>& ack) {
    ASSERT_TRUE(IsOk(ack));
    SCOPED_TRACE(ack->dump());
    EXPECT_EQ((*ack)["type"], "ack");
    EXPECT_EQ((*ack)["id"], "dup-1");
    EXPECT_EQ((*ack)["duplicate"], true);
    EXPECT_EQ((*ack)["conversation_id"], conversation_id);
    EXPECT_EQ((*ack)["seq"], seq);
    EXPECT_EQ((*ack)["created_at"], (*first)["created_at"]);
  };
  // The same frame again, the same id into the conversation by id, and the same id with another
  // text: each is the original's ack; nothing is stored.
  expect_duplicate_ack(alice->SendToUser(bob_.id, "only once", "dup-1"));
  expect_duplicate_ack(alice->SendToConversation(conversation_id, "only once", "dup-1"));
  expect_duplicate_ack(alice->SendToUser(bob_.id, "a different text", "dup-1"));
  // The same id to someone else: still the original's ack, and no conversation with carol is
  // created (neither in her list nor in alice's).
  expect_duplicate_ack(alice->SendToUser(carol_.id, "only once", "dup-1"));
  Result<json> carol_list = ApiFor(*server_, &carol_)->Conversations();
  ASSERT_TRUE(IsOk(carol_list));
  EXPECT_TRUE(carol_list->empty()) << carol_list->dump();
  Result<json> alice_list = ApiFor(*server_, &alice_)->Conversations();
  ASSERT_TRUE(IsOk(alice_list));
  EXPECT_EQ(alice_list->size(), 1u) << alice_list->dump();
  // After reconnecting (a client retrying an unacknowledged send).
  alice->Close();
  alice = Connect(alice_);
  ASSERT_TRUE(alice);
  expect_duplicate_ack(alice->SendToUser(bob_.id, "only once", "dup-1"));

  // A new id gets the next seq: the duplicates consumed none.
  Result<json> next = alice->SendToUser(bob_.id, "second", "dup-2");
  ASSERT_TRUE(IsOk(next));
  EXPECT_EQ((*next)["seq"], seq + 1);
  EXPECT_EQ((*next)["duplicate"], false);
  ASSERT_TRUE(IsOk(WaitForMessage(*bob, conversation_id, seq + 1)));

  // Bob saw dup-1 live exactly once (the WaitForMessage above took it).
  for (const json& frame : OfType(DrainUntilPong(*bob), "message")) {
    ADD_FAILURE() << "resend delivered again: " << frame.dump();
  }
  Result<json> history = ApiFor(*server_, &bob_)->History(conversation_id);
  ASSERT_TRUE(IsOk(history));
  const json& messages = (*history)["messages"];
  ASSERT_EQ(Seqs(messages), (std::vector<int64_t>{seq, seq + 1})) << history->dump();
  EXPECT_EQ(messages[0]["id"], "dup-1");
  EXPECT_EQ(messages[0]["text"], "only once");
  EXPECT_EQ(messages[1]["id"], "dup-2");
}

// Checks a replay: per conversation exactly the expected seqs, ascending, each conversation's
// messages contiguous ("conversation by conversation").
void ExpectReplay(const std::vector<json>& replayed,
                  const std::map<int64_t, std::vector<int64_t>>& expected) {
  std::map<int64_t, std::vector<int64_t>> got;
  std::vector<int64_t> order;  // conversation of each replayed message
  for (const json& m : replayed) {
    const int64_t conversation = m.value("conversation_id", int64_t{0});
    got[conversation].push_back(m.value("seq", int64_t{0}));
    if (order.empty() || order.back() != conversation) order.push_back(conversation);
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(order.size(), got.size()) << "replay interleaves conversations";
}

// The synced entry of `conversation_id` (null when absent).
json SyncedEntry(const json& synced, int64_t conversation_id) {
  for (const json& c : synced.value("conversations", json::array())) {
    if (c.value("conversation_id", int64_t{0}) == conversation_id) return c;
  }
  return nullptr;
}

TEST_F(MessagingTest, OfflineCatchUpReplaysExactlyTheMissingMessages) {
  constexpr int kFromAlice = 7, kFromCarol = 4, kBobHasSeen = 3;
  std::vector<std::string> alice_texts, carol_texts;
  for (int i = 1; i <= kFromAlice; ++i) alice_texts.push_back("alice #" + std::to_string(i));
  for (int i = 1; i <= kFromCarol; ++i) carol_texts.push_back("carol #" + std::to_string(i));
  // Bob is offline throughout.
  const int64_t ab = StartConversation(alice_, bob_, alice_texts[0]);
  const int64_t cb = StartConversation(carol_, bob_, carol_texts[0]);
  ASSERT_NE(ab, 0);
  ASSERT_NE(cb, 0);
  {
    std::unique_ptr<WsClient> alice = Connect(alice_);
    std::unique_ptr<WsClient> carol = Connect(carol_);
    ASSERT_TRUE(alice && carol);
    SendPipelined(*alice, ab, {alice_texts.begin() + 1, alice_texts.end()}, "a-");
    SendPipelined(*carol, cb, {carol_texts.begin() + 1, carol_texts.end()}, "c-");
  }

  const Cursor cursors[] = {{ab, kBobHasSeen}};  // cb not listed: counts as 0
  client::SyncResult sync;
  std::unique_ptr<WsClient> bob = Connect(bob_, cursors, &sync);
  ASSERT_TRUE(bob);
  EXPECT_EQ(sync.welcome["user"]["id"], bob_.id);
  ExpectReplay(sync.messages,
               {{ab, Range(kBobHasSeen + 1, kFromAlice)}, {cb, Range(1, kFromCarol)}});
  for (const json& m : sync.messages) {
    const bool in_ab = m["conversation_id"] == ab;
    const auto& texts = in_ab ? alice_texts : carol_texts;
    const int64_t seq = m["seq"].get<int64_t>();
    ASSERT_LE(seq, static_cast<int64_t>(texts.size()));
    EXPECT_EQ(m["text"], texts[seq - 1]);
    EXPECT_EQ(m["sender_id"], in_ab ? alice_.id : carol_.id);
  }
  for (auto [conversation, last] : {std::pair{ab, kFromAlice}, {cb, kFromCarol}}) {
    json entry = SyncedEntry(sync.synced, conversation);
    ASSERT_FALSE(entry.is_null()) << sync.synced.dump();
    EXPECT_EQ(entry["last_seq"], last);
    EXPECT_EQ(entry["complete"], true);
    EXPECT_EQ(entry["self"]["user_id"], bob_.id);
    EXPECT_EQ(entry["members"].size(), 1u) << entry.dump();
  }

  // Live traffic follows synced.
  std::unique_ptr<WsClient> alice = Connect(alice_);
  ASSERT_TRUE(alice);
  Result<json> ack = alice->SendToConversation(ab, "live again");
  ASSERT_TRUE(IsOk(ack));
  EXPECT_EQ((*ack)["seq"], kFromAlice + 1);
  ASSERT_TRUE(IsOk(WaitForMessage(*bob, ab, kFromAlice + 1)));
}

// A device in thousands of conversations states its cursors in a hello and `cursors` frames
// (client::HelloFrames splits them 1,000 a frame); the server joins them before the replay.
TEST_F(MessagingTest, CursorsSpreadOverSeveralFramesCountAsOne) {
  const int64_t ab = StartConversation(alice_, bob_, "a1");
  const int64_t cb = StartConversation(carol_, bob_, "c1");
  ASSERT_NE(ab, 0);
  ASSERT_NE(cb, 0);
  {
    std::unique_ptr<WsClient> alice = Connect(alice_);
    std::unique_ptr<WsClient> carol = Connect(carol_);
    ASSERT_TRUE(alice && carol);
    SendPipelined(*alice, ab, {"a2", "a3", "a4", "a5"}, "a-");
    SendPipelined(*carol, cb, {"c2", "c3", "c4"}, "c-");
  }
  // ab's cursor opens the hello, cb's closes the second frame; between them, cursors of
  // conversations that do not exist or are not bob's, which change nothing.
  std::vector<Cursor> cursors{{ab, 3}};
  for (int64_t i = 0; i < static_cast<int64_t>(client::kCursorsPerFrame) - 1; ++i) {
    cursors.push_back({1000000 + i, 5});
  }
  cursors.push_back({cb, 2});
  ASSERT_EQ(client::HelloFrames(bob_.token, cursors).size(), 2u);
  client::SyncResult sync;
  std::unique_ptr<WsClient> bob = Connect(bob_, cursors, &sync);
  ASSERT_TRUE(bob);
  ExpectReplay(sync.messages, {{ab, Range(4, 5)}, {cb, Range(3, 4)}});
  EXPECT_FALSE(SyncedEntry(sync.synced, ab).is_null()) << sync.synced.dump();
  EXPECT_FALSE(SyncedEntry(sync.synced, cb).is_null()) << sync.synced.dump();
  std::unique_ptr<WsClient> alice = Connect(alice_);
  ASSERT_TRUE(alice);
  ASSERT_TRUE(IsOk(alice->SendToConversation(ab, "live")));
  EXPECT_TRUE(IsOk(WaitForMessage(*bob, ab, 6)));
}

TEST_F(MessagingTest, CatchUpBeyondSyncLimitContinuesWithHistoryAfter) {
  server_.reset();
  StartServer({"--sync-limit", "5"});
  constexpr int kFromAlice = 12, kFromCarol = 3;
  const int64_t ab = StartConversation(alice_, bob_, "alice #1");
  const int64_t cb = StartConversation(carol_, bob_, "carol #1");
  ASSERT_NE(ab, 0);
  ASSERT_NE(cb, 0);
  {
    std::unique_ptr<WsClient> alice = Connect(alice_);
    std::unique_ptr<WsClient> carol = Connect(carol_);
    ASSERT_TRUE(alice && carol);
    std::vector<std::string> texts;
    for (int i = 2; i <= kFromAlice; ++i) texts.push_back("alice #" + std::to_string(i));
    SendPipelined(*alice, ab, texts, "a-");
    texts.clear();
    for (int i = 2; i <= kFromCarol; ++i) texts.push_back("carol #" + std::to_string(i));
    SendPipelined(*carol, cb, texts, "c-");
  }

  client::SyncResult sync;
  std::unique_ptr<WsClient> bob = Connect(bob_, {}, &sync);
  ASSERT_TRUE(bob);
  ExpectReplay(sync.messages, {{ab, Range(1, 5)}, {cb, Range(1, kFromCarol)}});
  json ab_entry = SyncedEntry(sync.synced, ab);
  json cb_entry = SyncedEntry(sync.synced, cb);
  ASSERT_FALSE(ab_entry.is_null() || cb_entry.is_null()) << sync.synced.dump();
  EXPECT_EQ(ab_entry["last_seq"], kFromAlice);
  EXPECT_EQ(ab_entry["complete"], false);
  EXPECT_EQ(cb_entry["last_seq"], kFromCarol);
  EXPECT_EQ(cb_entry["complete"], true);

  // Fetch the rest in pages of 4 after the last replayed seq: 6..12 with no gap.
  std::vector<int64_t> fetched = Range(1, 5);
  int64_t after = 5;
  for (int page = 0; page < 10; ++page) {
    Result<json> reply = WsHistory(*bob, ab, Page(std::nullopt, after, 4));
    ASSERT_TRUE(IsOk(reply));
    std::vector<int64_t> seqs = Seqs((*reply)["messages"]);
    ASSERT_FALSE(seqs.empty()) << reply->dump();
    EXPECT_EQ(seqs.front(), after + 1) << "gap after " << after;
    for (const json& m : (*reply)["messages"]) {
      EXPECT_EQ(m["text"], "alice #" + std::to_string(m["seq"].get<int64_t>()));
    }
    fetched.insert(fetched.end(), seqs.begin(), seqs.end());
    after = seqs.back();
    if (!(*reply)["has_more"].get<bool>()) break;
  }
  EXPECT_EQ(fetched, Range(1, kFromAlice));
}

// History through one transport: WebSocket `history` frames or HTTP GET .../messages.
using HistoryFetch = std::function<Result<json>(int64_t conversation_id, const HistoryPage&)>;

// Walks back from the newest message in pages of `limit`; returns every seq seen (newest page
// first, each page ascending) and checks has_more on the way.
std::vector<int64_t> WalkBack(const HistoryFetch& fetch, int64_t conversation_id, int limit,
                              int max_pages) {
  std::vector<int64_t> seen;
  std::optional<int64_t> before;
  for (int page = 0; page < max_pages; ++page) {
    Result<json> reply = fetch(conversation_id, Page(before, std::nullopt, limit));
    EXPECT_TRUE(IsOk(reply));
    if (!reply.ok()) break;
    std::vector<int64_t> seqs = Seqs((*reply)["messages"]);
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << reply->dump();
    EXPECT_LE(seqs.size(), static_cast<size_t>(limit));
    seen.insert(seen.end(), seqs.begin(), seqs.end());
    const bool has_more = (*reply)["has_more"].get<bool>();
    if (!has_more) {
      EXPECT_TRUE(seqs.empty() || seqs.front() == 1) << "has_more false before seq 1";
      return seen;
    }
    EXPECT_FALSE(seqs.empty()) << "has_more with an empty page";
    if (seqs.empty()) break;
    before = seqs.front();
  }
  ADD_FAILURE() << "history did not end within " << max_pages << " pages";
  return seen;
}

// The code of an HTTP error response, checking that the status matches it.
std::string HttpErrorCode(client::HttpApi& api, const std::string& target, int http_status) {
  Result<client::HttpResponse> response = api.Request("GET", target);
  EXPECT_TRUE(IsOk(response));
  if (!response.ok()) return "";
  EXPECT_EQ(response->status, http_status) << target << ": " << response->raw_body;
  if (!response->body.is_object() || !response->body.contains("error")) return "<no error>";
  return response->body["error"].value("code", "<no code>");
}

TEST_F(MessagingTest, HistoryPagingOverWebSocketAndHttp) {
  constexpr int kMessages = 120;
  std::unique_ptr<WsClient> alice = Connect(alice_);
  std::unique_ptr<WsClient> bob = Connect(bob_);
  std::unique_ptr<WsClient> carol = Connect(carol_);
  ASSERT_TRUE(alice && bob && carol);
  Result<json> first = alice->SendToUser(bob_.id, "m1", "m-1");
  ASSERT_TRUE(IsOk(first));
  const int64_t conversation_id = (*first)["conversation_id"].get<int64_t>();
  std::vector<std::string> texts;
  for (int i = 2; i <= kMessages; ++i) texts.push_back("m" + std::to_string(i));
  ASSERT_EQ(SendPipelined(*alice, conversation_id, texts, "m-p").size(), texts.size());

  std::unique_ptr<client::HttpApi> bob_api = ApiFor(*server_, &bob_);
  struct Transport {
    const char* name;
    HistoryFetch fetch;
  };
  const std::vector<Transport> transports = {
      {"websocket", [&](int64_t c, const HistoryPage& p) { return WsHistory(*bob, c, p); }},
      {"http", [&](int64_t c, const HistoryPage& p) { return bob_api->History(c, p); }},
  };
  for (const Transport& transport : transports) {
    SCOPED_TRACE(transport.name);
    // Back through 120 messages in pages of 50: 71..120, 21..70, 1..20.
    std::vector<int64_t> seen = WalkBack(transport.fetch, conversation_id, 50, 10);
    std::vector<int64_t> expected = Range(71, 120);
    for (int64_t s : Range(21, 70)) expected.push_back(s);
    for (int64_t s : Range(1, 20)) expected.push_back(s);
    EXPECT_EQ(seen, expected);
    std::multiset<int64_t> once(seen.begin(), seen.end());
    for (int64_t s = 1; s <= kMessages; ++s) EXPECT_EQ(once.count(s), 1u) << "seq " << s;

    // Default page: the newest 50. Forward from 100: the oldest after it.
    Result<json> newest = transport.fetch(conversation_id, {});
    ASSERT_TRUE(IsOk(newest));
    EXPECT_EQ(Seqs((*newest)["messages"]), Range(71, 120));
    EXPECT_EQ((*newest)["has_more"], true);
    Result<json> forward = transport.fetch(conversation_id, Page(std::nullopt, 100, 15));
    ASSERT_TRUE(IsOk(forward));
    EXPECT_EQ(Seqs((*forward)["messages"]), Range(101, 115));
    EXPECT_EQ((*forward)["has_more"], true);
    Result<json> tail = transport.fetch(conversation_id, Page(std::nullopt, 115, 200));
    ASSERT_TRUE(IsOk(tail));
    EXPECT_EQ(Seqs((*tail)["messages"]), Range(116, 120));
    EXPECT_EQ((*tail)["has_more"], false);
    Result<json> all = transport.fetch(conversation_id, Page(std::nullopt, std::nullopt, 200));
    ASSERT_TRUE(IsOk(all));
    ASSERT_EQ(Seqs((*all)["messages"]), Range(1, kMessages));
    EXPECT_EQ((*all)["has_more"], false);
    for (int i = 0; i < kMessages; ++i) {
      EXPECT_EQ((*all)["messages"][i]["text"], "m" + std::to_string(i + 1));
    }
  }

  // Unacceptable arguments: invalid_argument (422) over both transports.
  struct BadQuery {
    const char* name;
    HistoryPage page;
    const char* query;
  };
  const std::vector<BadQuery> bad_queries = {
      {"limit 0", Page(std::nullopt, std::nullopt, 0), "limit=0"},
      {"limit 201", Page(std::nullopt, std::nullopt, 201), "limit=201"},
      {"before and after", Page(100, 10, std::nullopt), "before=100&after=10"},
  };
  const std::string path =
      "/api/v1/conversations/" + std::to_string(conversation_id) + "/messages?";
  for (const BadQuery& bad : bad_queries) {
    SCOPED_TRACE(bad.name);
    Result<json> ws_reply = WsHistory(*bob, conversation_id, bad.page);
    EXPECT_EQ(ws_reply.status().code(), Code::kInvalidArgument)
        << (ws_reply.ok() ? ws_reply->dump() : client::FormatStatus(ws_reply.status()));
    EXPECT_EQ(HttpErrorCode(*bob_api, path + bad.query, 422), "invalid_argument");
  }

  // Carol is not a member: not_found, exactly as for a conversation that does not exist.
  std::unique_ptr<client::HttpApi> carol_api = ApiFor(*server_, &carol_);
  for (int64_t id : {conversation_id, int64_t{987654}}) {
    SCOPED_TRACE(id);
    Result<json> ws_reply = WsHistory(*carol, id, {});
    EXPECT_EQ(ws_reply.status().code(), Code::kNotFound)
        << (ws_reply.ok() ? ws_reply->dump() : client::FormatStatus(ws_reply.status()));
    EXPECT_EQ(
        HttpErrorCode(*carol_api, "/api/v1/conversations/" + std::to_string(id) + "/messages", 404),
        "not_found");
    Result<json> send = carol->SendToConversation(id, "let me in");
    EXPECT_EQ(send.status().code(), Code::kNotFound);
  }
  // Carol's attempt stored nothing.
  Result<json> after_attempts =
      bob_api->History(conversation_id, Page(std::nullopt, kMessages, std::nullopt));
  ASSERT_TRUE(IsOk(after_attempts));
  EXPECT_TRUE((*after_attempts)["messages"].empty()) << after_attempts->dump();
}

TEST_F(MessagingTest, ReceiptsCursorsAndUnreadCounts) {
  constexpr int kMessages = 4;
  std::unique_ptr<WsClient> alice = Connect(alice_);
  std::unique_ptr<WsClient> bob = Connect(bob_);
  ASSERT_TRUE(alice && bob);
  Result<json> first = alice->SendToUser(bob_.id, "r1", "r-1");
  ASSERT_TRUE(IsOk(first));
  const int64_t conversation_id = (*first)["conversation_id"].get<int64_t>();
  std::vector<json> acks = SendPipelined(*alice, conversation_id, {"r2", "r3", "r4"}, "r-p");
  ASSERT_EQ(acks.size(), 3u);
  std::unique_ptr<client::HttpApi> alice_api = ApiFor(*server_, &alice_);
  std::unique_ptr<client::HttpApi> bob_api = ApiFor(*server_, &bob_);

  // Bob has not read anything: 4 unread; alice's cursor moved to her own last message.
  {
    Result<json> list = bob_api->Conversations();
    ASSERT_TRUE(IsOk(list));
    json c = FindConversation(*list, conversation_id);
    ASSERT_FALSE(c.is_null()) << list->dump();
    EXPECT_EQ(c["kind"], "direct");
    EXPECT_EQ(c["last_seq"], kMessages);
    EXPECT_EQ(c["unread"], kMessages);
    EXPECT_EQ(c["last_message"]["seq"], kMessages);
    EXPECT_EQ(c["last_message"]["text"], "r4");
    EXPECT_EQ(c["last_message"]["sender_id"], alice_.id);
    EXPECT_EQ(c["last_message"]["conversation_id"], conversation_id);
    EXPECT_EQ(c["last_activity_at"], c["last_message"]["created_at"]);
    EXPECT_EQ(c["self"]["user_id"], bob_.id);
    EXPECT_EQ(c["self"]["read_seq"], 0);
    ASSERT_EQ(c["members"].size(), 1u) << c.dump();
    json alice_cursor = FindMember(c["members"], alice_.id);
    ASSERT_FALSE(alice_cursor.is_null()) << c.dump();
    EXPECT_EQ(alice_cursor["read_seq"], kMessages);
    EXPECT_GE(alice_cursor["delivered_seq"], alice_cursor["read_seq"]);
  }

  // Each step: what bob sends, and the receipt it must cause (nullopt: ignored, no receipt).
  struct Step {
    const char* type;
    int64_t seq;
    std::optional<std::pair<int64_t, int64_t>> receipt;  // delivered_seq, read_seq
  };
  const std::vector<Step> steps = {
      {"delivered", 2, {{2, 0}}}, {"read", 1, {{2, 1}}},          {"delivered", 1, std::nullopt},
      {"read", 1, std::nullopt},  {"read", 3, {{3, 3}}},          {"delivered", 2, std::nullopt},
      {"read", 2, std::nullopt},  {"delivered", 3, std::nullopt}, {"read", 4, {{4, 4}}},
  };
  std::vector<std::pair<int64_t, int64_t>> expected;
  for (const Step& step : steps) {
    ASSERT_TRUE(IsOk(bob->Send(
        json{{"type", step.type}, {"conversation_id", conversation_id}, {"seq", step.seq}})));
    if (step.receipt) expected.push_back(*step.receipt);
  }
  // Receipts are committed and fanned out in the order bob's frames were sent, so an ignored
  // step that wrongly produced a receipt shows up between the expected ones.
  std::vector<std::pair<int64_t, int64_t>> got;
  while (got.empty() || got.back() != std::pair<int64_t, int64_t>{4, 4}) {
    Result<json> receipt = alice->WaitForType("receipt");
    ASSERT_TRUE(IsOk(receipt)) << "receipts so far: " << got.size();
    EXPECT_EQ((*receipt)["conversation_id"], conversation_id);
    if ((*receipt)["user_id"] != bob_.id) continue;
    got.emplace_back((*receipt)["delivered_seq"].get<int64_t>(),
                     (*receipt)["read_seq"].get<int64_t>());
    ASSERT_LE(got.size(), steps.size());
  }
  EXPECT_EQ(got, expected);
  // Bob's own device hears about his cursor too ("every online device of every member").
  Result<json> own = bob->WaitFor([&](const json& f) {
    return client::IsType(f, "receipt") && f["user_id"] == bob_.id && f["read_seq"] == kMessages;
  });
  EXPECT_TRUE(IsOk(own));

  {
    Result<json> list = bob_api->Conversations();
    ASSERT_TRUE(IsOk(list));
    json c = FindConversation(*list, conversation_id);
    ASSERT_FALSE(c.is_null());
    EXPECT_EQ(c["unread"], 0);
    EXPECT_EQ(c["self"]["read_seq"], kMessages);
    EXPECT_EQ(c["self"]["delivered_seq"], kMessages);
  }
  {
    Result<json> list = alice_api->Conversations();
    ASSERT_TRUE(IsOk(list));
    json c = FindConversation(*list, conversation_id);
    ASSERT_FALSE(c.is_null());
    json bob_cursor = FindMember(c["members"], bob_.id);
    ASSERT_FALSE(bob_cursor.is_null()) << c.dump();
    EXPECT_EQ(bob_cursor["delivered_seq"], kMessages);
    EXPECT_EQ(bob_cursor["read_seq"], kMessages);
    EXPECT_EQ(c["unread"], 0);
  }

  // Bob replies: his own read cursor moves to his message; alice has one unread.
  Result<json> reply = bob->SendToConversation(conversation_id, "got them all");
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ((*reply)["seq"], kMessages + 1);
  {
    Result<json> list = bob_api->Conversations();
    ASSERT_TRUE(IsOk(list));
    json c = FindConversation(*list, conversation_id);
    ASSERT_FALSE(c.is_null());
    EXPECT_EQ(c["unread"], 0) << c.dump();
    EXPECT_EQ(c["self"]["read_seq"], kMessages + 1);
  }
  {
    Result<json> list = alice_api->Conversations();
    ASSERT_TRUE(IsOk(list));
    json c = FindConversation(*list, conversation_id);
    ASSERT_FALSE(c.is_null());
    EXPECT_EQ(c["unread"], 1) << c.dump();
    EXPECT_EQ(c["last_message"]["text"], "got them all");
    EXPECT_EQ(c["self"]["read_seq"], kMessages);
    EXPECT_EQ(FindMember(c["members"], bob_.id)["read_seq"], kMessages + 1);
  }

  // A cursor on a conversation bob is not in: not_found echoing req.
  ASSERT_TRUE(IsOk(bob->Send(
      json{{"type", "read"}, {"req", "bad-read"}, {"conversation_id", 987654}, {"seq", 1}})));
  Result<json> error = bob->WaitFor(
      [](const json& f) { return client::IsType(f, "error") && f.value("req", "") == "bad-read"; });
  ASSERT_TRUE(IsOk(error));
  EXPECT_EQ((*error)["code"], "not_found");
}

TEST_F(MessagingTest, ConversationListOrderedByLastActivity) {
  Result<TestUser> dave = CreateUser(*server_, "dave");
  ASSERT_TRUE(IsOk(dave));
  std::unique_ptr<WsClient> alice = Connect(alice_);
  ASSERT_TRUE(alice);
  std::unique_ptr<client::HttpApi> api = ApiFor(*server_, &alice_);

  std::map<int64_t, int64_t> conversation_of;  // peer user id -> conversation id
  int64_t last_created_at = 0;
  // Sends one message to `peer`; the clock is past the previous message first, so that
  // last_activity_at strictly orders the conversations.
  auto send_to = [&](const TestUser& peer) {
    WaitForClockPast(last_created_at);
    Result<json> ack = alice->SendToUser(peer.id, "hi " + peer.username);
    ASSERT_TRUE(IsOk(ack));
    conversation_of[peer.id] = (*ack)["conversation_id"].get<int64_t>();
    last_created_at = (*ack)["created_at"].get<int64_t>();
  };
  auto expect_order = [&](std::vector<const TestUser*> peers) {
    Result<json> list = api->Conversations();
    ASSERT_TRUE(IsOk(list));
    std::vector<int64_t> got, want;
    for (const json& c : *list) got.push_back(c["id"].get<int64_t>());
    for (const TestUser* peer : peers) want.push_back(conversation_of[peer->id]);
    EXPECT_EQ(got, want) << list->dump();
    for (size_t i = 1; i < list->size(); ++i) {
      EXPECT_GE((*list)[i - 1]["last_activity_at"], (*list)[i]["last_activity_at"]);
    }
  };

  send_to(bob_);
  send_to(carol_);
  send_to(*dave);
  expect_order({&*dave, &carol_, &bob_});
  send_to(bob_);
  expect_order({&bob_, &*dave, &carol_});
  // Activity by the other member counts too.
  std::unique_ptr<WsClient> carol = Connect(carol_);
  ASSERT_TRUE(carol);
  WaitForClockPast(last_created_at);
  Result<json> ack = carol->SendToConversation(conversation_of[carol_.id], "carol bumps");
  ASSERT_TRUE(IsOk(ack));
  expect_order({&carol_, &bob_, &*dave});
}

}  // namespace
}  // namespace parley::e2e
