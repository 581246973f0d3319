#include "chat/service.h"

#include <set>
#include <thread>

#include "tests/chat/chat_test_support.h"

namespace parley::chat {
namespace {

using nlohmann::json;

SendCommand Direct(int64_t from, int64_t to, std::string id, std::string text) {
  return SendCommand{from, std::move(id), to, 0, std::move(text)};
}

TEST(ServiceTest, DirectMessageIsAckedAndDeliveredToOtherDevices) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  auto alice_phone = f.Connect(alice, 1);
  auto alice_laptop = f.Connect(alice, 2);
  auto bob_phone = f.Connect(bob, 3);

  f.service->Send(Direct(alice, bob, "c-1", "hello 👋"), alice_phone);
  auto acked = alice_phone->WaitForFrames(1);
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(acked[0]["type"], "ack");
  EXPECT_EQ(acked[0]["id"], "c-1");
  EXPECT_EQ(acked[0]["seq"], 1);
  EXPECT_EQ(acked[0]["duplicate"], false);

  auto delivered = bob_phone->WaitForFrames(1);
  ASSERT_EQ(delivered.size(), 1u);
  EXPECT_EQ(delivered[0]["type"], "message");
  EXPECT_EQ(delivered[0]["text"], "hello 👋");
  EXPECT_EQ(delivered[0]["sender_id"], alice);
  EXPECT_EQ(delivered[0]["conversation_id"], acked[0]["conversation_id"]);
  EXPECT_EQ(alice_laptop->WaitForFrames(1).at(0)["type"], "message");
  // The sending device gets the ack, not a copy of its own message.
  EXPECT_EQ(alice_phone->Frames().size(), 1u);
}

TEST(ServiceTest, ResendWithSameIdIsNotStoredTwice) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  auto phone = f.Connect(alice, 1);
  auto bob_phone = f.Connect(bob, 2);
  f.service->Send(Direct(alice, bob, "same", "one"), phone);
  f.service->Send(Direct(alice, bob, "same", "one"), phone);
  auto frames = phone->WaitForFrames(2);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0]["seq"], 1);
  EXPECT_EQ(frames[1]["seq"], 1);
  EXPECT_EQ(frames[1]["duplicate"], true);
  auto history = f.service->History(bob, frames[0]["conversation_id"], HistoryQuery{});
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->messages.size(), 1u);
  EXPECT_EQ(bob_phone->WaitForFrames(1).size(), 1u);
}

TEST(ServiceTest, InvalidSendsGetTypedErrorsCarryingTheId) {
  ServiceOptions options;
  options.max_text_bytes = 10;
  ChatFixture f(options);
  const int64_t alice = f.AddUser("alice");
  auto phone = f.Connect(alice, 1);
  struct Case {
    SendCommand command;
    std::string code;
  };
  const Case cases[] = {
      {Direct(alice, 999, "a", "hi"), "not_found"},
      {Direct(alice, alice, "b", "hi"), "invalid_argument"},
      {Direct(alice, 999, "c", ""), "invalid_argument"},
      {Direct(alice, 999, "d", "01234567890"), "too_large"},
      {Direct(alice, 999, "", "hi"), "invalid_argument"},
      {Direct(alice, 999, std::string(65, 'x'), "hi"), "invalid_argument"},
      {SendCommand{alice, "e", 0, 12345, "hi"}, "not_found"},
      {SendCommand{alice, "f", 0, 0, "hi"}, "invalid_argument"},
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    f.service->Send(cases[i].command, phone);
    auto frames = phone->WaitForFrames(i + 1);
    ASSERT_EQ(frames.size(), i + 1);
    EXPECT_EQ(frames[i]["type"], "error");
    EXPECT_EQ(frames[i]["code"], cases[i].code) << i;
    if (!cases[i].command.client_id.empty() && cases[i].command.client_id.size() <= 64) {
      EXPECT_EQ(frames[i]["id"], cases[i].command.client_id);
    }
  }
}

TEST(ServiceTest, OutsidersCannotWriteReadOrMarkAConversation) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  const int64_t eve = f.AddUser("eve");
  auto phone = f.Connect(alice, 1);
  auto eve_phone = f.Connect(eve, 9);
  f.service->Send(Direct(alice, bob, "c-1", "secret"), phone);
  const int64_t conversation = phone->WaitForFrames(1).at(0)["conversation_id"];

  f.service->Send(SendCommand{eve, "x", 0, conversation, "let me in"}, eve_phone);
  f.service->MarkCursor(CursorCommand{eve, conversation, 1, true}, eve_phone, "r-1");
  auto frames = eve_phone->WaitForFrames(2);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0]["code"], "not_found");
  EXPECT_EQ(frames[1]["code"], "not_found");
  EXPECT_EQ(frames[1]["req"], "r-1");
  auto history = f.service->History(eve, conversation, HistoryQuery{});
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.status().code(), Code::kNotFound);
}

TEST(ServiceTest, ReadCursorReachesBothSidesAsReceipt) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  auto alice_phone = f.Connect(alice, 1);
  auto bob_phone = f.Connect(bob, 2);
  f.service->Send(Direct(alice, bob, "c-1", "hi"), alice_phone);
  const int64_t conversation = alice_phone->WaitForFrames(1).at(0)["conversation_id"];
  bob_phone->WaitForFrames(1);
  f.service->MarkCursor(CursorCommand{bob, conversation, 1, true}, bob_phone, "");
  auto alice_frames = alice_phone->WaitForFrames(2);
  ASSERT_EQ(alice_frames.size(), 2u);
  EXPECT_EQ(alice_frames[1]["type"], "receipt");
  EXPECT_EQ(alice_frames[1]["user_id"], bob);
  EXPECT_EQ(alice_frames[1]["read_seq"], 1);
  EXPECT_EQ(alice_frames[1]["delivered_seq"], 1);
  EXPECT_EQ(bob_phone->WaitForFrames(2).at(1)["type"], "receipt");

  auto list = f.service->Conversations(bob);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].self.read_seq, 1);
}

TEST(ServiceTest, HistoryPagesBackwardsAndForwards) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  auto phone = f.Connect(alice, 1);
  for (int i = 1; i <= 25; ++i) {
    f.service->Send(Direct(alice, bob, "c-" + std::to_string(i), std::to_string(i)), phone);
  }
  const auto acks = phone->WaitForFrames(25);
  const int64_t conversation = acks.at(0)["conversation_id"];

  auto newest = f.service->History(bob, conversation, HistoryQuery{std::nullopt, std::nullopt, 10});
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->messages.size(), 10u);
  EXPECT_EQ(newest->messages.front().seq, 16);
  EXPECT_EQ(newest->messages.back().seq, 25);
  EXPECT_TRUE(newest->has_more);

  auto older = f.service->History(bob, conversation, HistoryQuery{16, std::nullopt, 10});
  ASSERT_TRUE(older.ok());
  EXPECT_EQ(older->messages.front().seq, 6);
  EXPECT_TRUE(older->has_more);
  auto oldest = f.service->History(bob, conversation, HistoryQuery{6, std::nullopt, 10});
  ASSERT_TRUE(oldest.ok());
  EXPECT_EQ(oldest->messages.size(), 5u);
  EXPECT_FALSE(oldest->has_more);

  auto after = f.service->History(bob, conversation, HistoryQuery{std::nullopt, 20, 10});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->messages.front().seq, 21);
  EXPECT_EQ(after->messages.size(), 5u);
  EXPECT_FALSE(after->has_more);

  EXPECT_EQ(f.service->History(bob, conversation, HistoryQuery{5, 5, 10}).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(f.service->History(bob, conversation, HistoryQuery{std::nullopt, std::nullopt, 0})
                .status()
                .code(),
            Code::kInvalidArgument);
  EXPECT_EQ(f.service->History(bob, conversation, HistoryQuery{std::nullopt, std::nullopt, 201})
                .status()
                .code(),
            Code::kInvalidArgument);
}

TEST(ServiceTest, SyncReplaysWhatTheDeviceMissed) {
  ServiceOptions options;
  options.sync_limit = 3;
  options.catch_up_page = 2;
  ChatFixture f(options);
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  const int64_t carol = f.AddUser("carol");
  auto phone = f.Connect(alice, 1);
  for (int i = 1; i <= 5; ++i)
    f.service->Send(Direct(alice, bob, "b" + std::to_string(i), "x"), phone);
  f.service->Send(Direct(alice, carol, "c1", "y"), phone);
  const auto acks = phone->WaitForFrames(6);
  const int64_t with_bob = acks.at(0)["conversation_id"];

  const Cursor cursors[] = {{with_bob, 1}};
  auto plan = f.service->PlanCatchUp(alice, cursors);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->conversations().size(), 2u);
  int64_t with_carol = 0;
  for (const ConversationSync& conversation : plan->conversations()) {
    if (conversation.summary.id == with_bob) {
      EXPECT_FALSE(conversation.complete);  // 2, 3, 4 of 5: capped by sync_limit
    } else {
      with_carol = conversation.summary.id;
      EXPECT_TRUE(conversation.complete);  // not listed: counts as cursor 0
    }
  }
  // Pages of at most catch_up_page (2 here) messages, conversation by conversation.
  std::vector<std::pair<int64_t, int64_t>> replayed;  // (conversation, seq)
  std::vector<size_t> page_sizes;
  while (!plan->done()) {
    auto page = f.service->CatchUpPage(*plan);
    ASSERT_TRUE(page.ok());
    page_sizes.push_back(page->size());
    for (const store::Message& m : *page) replayed.emplace_back(m.conversation_id, m.seq);
  }
  std::vector<std::pair<int64_t, int64_t>> expected;
  for (const ConversationSync& conversation : plan->conversations()) {
    if (conversation.summary.id == with_bob) {
      for (int64_t seq : {2, 3, 4}) expected.emplace_back(with_bob, seq);
    } else {
      expected.emplace_back(with_carol, 1);
    }
  }
  EXPECT_EQ(replayed, expected);
  EXPECT_EQ(page_sizes, (std::vector<size_t>{2, 2}));
}

TEST(ServiceTest, ConcurrentSendersGetDenseUniqueSeqs) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 250;
  std::vector<std::shared_ptr<RecordingPeer>> peers;
  for (int t = 0; t < kThreads; ++t) peers.push_back(f.Connect(t % 2 ? alice : bob, 100 + t));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const int64_t me = t % 2 ? alice : bob;
      const int64_t other = t % 2 ? bob : alice;
      for (int i = 0; i < kPerThread; ++i) {
        f.service->Send(Direct(me, other, std::to_string(t) + "-" + std::to_string(i), "m"),
                        peers[t]);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<int64_t> seqs;
  for (int t = 0; t < kThreads; ++t) {
    // Each peer gets its own acks plus the messages of the others.
    for (const json& frame : peers[t]->WaitForFrames(kThreads * kPerThread)) {
      if (frame["type"] == "ack") {
        EXPECT_TRUE(seqs.insert(frame["seq"].get<int64_t>()).second);
      }
    }
  }
  ASSERT_EQ(seqs.size(), static_cast<size_t>(kThreads * kPerThread));
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), kThreads * kPerThread);
}

}  // namespace
}  // namespace parley::chat
