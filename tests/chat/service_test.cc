// Service: what it publishes (typed events and their audiences) for sends, receipts and
// failures, and its reads. Fan-out to devices is the hub's (hub_test.cc).
#include "chat/service.h"

#include <set>
#include <thread>

#include "tests/chat/chat_test_support.h"

namespace parley::chat {
namespace {

SendCommand Direct(int64_t from, int64_t to, std::string id, std::string text) {
  return SendCommand{from, std::move(id), to, 0, std::move(text)};
}

// The conversation of the first reply, an ack.
int64_t AckedConversation(RecordingSink& sink) {
  const Replied first = sink.WaitForReplies(1).at(0);
  const auto* ack = As<events::Acked>(first.event);
  return ack ? ack->message.conversation_id : 0;
}

TEST(ServiceTest, SendAcksTheSenderAndPublishesTheMessageToEveryMember) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  auto alice_phone = f.NewDevice();

  f.service->Send(Direct(alice, bob, "c-1", "hello 👋"), alice_phone);
  const auto replies = f.events.WaitForReplies(1);
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_EQ(replies[0].device, alice_phone.get());
  const auto* ack = As<events::Acked>(replies[0].event);
  ASSERT_NE(ack, nullptr);
  EXPECT_EQ(ack->message.client_id, "c-1");
  EXPECT_EQ(ack->message.seq, 1);
  EXPECT_FALSE(ack->duplicate);
  EXPECT_TRUE(ack->changed);

  const auto published = f.events.WaitForPublished(1);
  ASSERT_EQ(published.size(), 1u);
  // Both members (alice's other devices too), the sending device excepted: it has its ack.
  EXPECT_EQ(published[0].SortedUsers(), (std::vector<int64_t>{alice, bob}));
  EXPECT_EQ(published[0].skip, alice_phone.get());
  const auto* committed = As<events::MessageCommitted>(published[0].event);
  ASSERT_NE(committed, nullptr);
  EXPECT_EQ(committed->message.text, "hello 👋");
  EXPECT_EQ(committed->message.sender_id, alice);
  EXPECT_EQ(committed->message.seq, 1);
  EXPECT_EQ(committed->message.conversation_id, ack->message.conversation_id);
  EXPECT_EQ(committed->direct_recipient_id, bob);  // a direct chat names its other member
}

TEST(ServiceTest, ResendWithSameIdIsNotStoredOrPublishedTwice) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  auto phone = f.NewDevice();
  f.service->Send(Direct(alice, bob, "same", "one"), phone);
  f.service->Send(Direct(alice, bob, "same", "one"), phone);
  const auto replies = f.events.WaitForReplies(2);
  ASSERT_EQ(replies.size(), 2u);
  const auto* first = As<events::Acked>(replies[0].event);
  const auto* second = As<events::Acked>(replies[1].event);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->message.seq, 1);
  EXPECT_EQ(second->message.seq, 1);
  EXPECT_TRUE(second->duplicate);
  auto history = f.service->History(bob, first->message.conversation_id, HistoryQuery{});
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->messages.size(), 1u);
  EXPECT_EQ(f.events.AllPublished().size(), 1u);
}

TEST(ServiceTest, InvalidSendsGetTypedErrorsCarryingTheId) {
  ServiceOptions options;
  options.max_text_bytes = 10;
  ChatFixture f(options);
  const int64_t alice = f.AddUser("alice");
  auto phone = f.NewDevice();
  struct Case {
    SendCommand command;
    Code code;
  };
  const Case cases[] = {
      {Direct(alice, 999, "a", "hi"), Code::kNotFound},
      {Direct(alice, alice, "b", "hi"), Code::kInvalidArgument},
      {Direct(alice, 999, "c", ""), Code::kInvalidArgument},
      {Direct(alice, 999, "d", "01234567890"), Code::kTooLarge},
      {Direct(alice, 999, "", "hi"), Code::kInvalidArgument},
      {Direct(alice, 999, std::string(65, 'x'), "hi"), Code::kInvalidArgument},
      {SendCommand{alice, "e", 0, 12345, "hi"}, Code::kNotFound},
      {SendCommand{alice, "f", 0, 0, "hi"}, Code::kInvalidArgument},
  };
  for (size_t i = 0; i < std::size(cases); ++i) {
    f.service->Send(cases[i].command, phone);
    const auto replies = f.events.WaitForReplies(i + 1);
    ASSERT_EQ(replies.size(), i + 1);
    EXPECT_EQ(replies[i].device, phone.get());
    const auto* failed = As<events::RequestFailed>(replies[i].event);
    ASSERT_NE(failed, nullptr) << i;
    EXPECT_EQ(failed->status.code(), cases[i].code) << i;
    EXPECT_EQ(failed->id, cases[i].command.client_id) << i;
  }
  EXPECT_TRUE(f.events.AllPublished().empty());
}

TEST(ServiceTest, OutsidersCannotWriteReadOrMarkAConversation) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  const int64_t eve = f.AddUser("eve");
  auto phone = f.NewDevice();
  auto eve_phone = f.NewDevice();
  f.service->Send(Direct(alice, bob, "c-1", "secret"), phone);
  const int64_t conversation = AckedConversation(f.events);

  f.service->Send(SendCommand{eve, "x", 0, conversation, "let me in"}, eve_phone);
  f.service->MarkCursor(CursorCommand{eve, conversation, 1, true}, eve_phone, "r-1");
  const auto replies = f.events.WaitForReplies(3);
  ASSERT_EQ(replies.size(), 3u);
  for (size_t i : {1, 2}) {
    EXPECT_EQ(replies[i].device, eve_phone.get());
    const auto* failed = As<events::RequestFailed>(replies[i].event);
    ASSERT_NE(failed, nullptr);
    EXPECT_EQ(failed->status.code(), Code::kNotFound);
  }
  EXPECT_EQ(std::get<events::RequestFailed>(replies[2].event).req, "r-1");
  EXPECT_EQ(f.events.AllPublished().size(), 1u);  // alice's message only
  auto history = f.service->History(eve, conversation, HistoryQuery{});
  ASSERT_FALSE(history.ok());
  EXPECT_EQ(history.status().code(), Code::kNotFound);
}

TEST(ServiceTest, ReadCursorIsPublishedToBothSidesAsAReceipt) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  auto alice_phone = f.NewDevice();
  auto bob_phone = f.NewDevice();
  f.service->Send(Direct(alice, bob, "c-1", "hi"), alice_phone);
  const int64_t conversation = AckedConversation(f.events);
  f.service->MarkCursor(CursorCommand{bob, conversation, 1, true}, bob_phone, "");
  const auto published = f.events.WaitForPublished(2);
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].SortedUsers(), (std::vector<int64_t>{alice, bob}));
  EXPECT_EQ(published[1].skip, nullptr);  // bob's other devices, and this one, are told
  const auto* receipt = As<events::ReceiptMoved>(published[1].event);
  ASSERT_NE(receipt, nullptr);
  EXPECT_EQ(receipt->conversation_id, conversation);
  EXPECT_EQ(receipt->member.user_id, bob);
  EXPECT_EQ(receipt->member.read_seq, 1);
  EXPECT_EQ(receipt->member.delivered_seq, 1);

  // The same cursor again moves nothing and is not announced.
  f.service->MarkCursor(CursorCommand{bob, conversation, 1, true}, bob_phone, "");
  f.service->Send(Direct(alice, bob, "c-2", "again"), alice_phone);
  const auto later = f.events.WaitForPublished(3);
  ASSERT_EQ(later.size(), 3u);
  EXPECT_NE(As<events::MessageCommitted>(later[2].event), nullptr);

  auto list = f.service->Conversations(bob);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].self.read_seq, 1);
}

TEST(ServiceTest, HistoryPagesBackwardsAndForwards) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  auto phone = f.NewDevice();
  for (int i = 1; i <= 25; ++i) {
    f.service->Send(Direct(alice, bob, "c-" + std::to_string(i), std::to_string(i)), phone);
  }
  ASSERT_EQ(f.events.WaitForReplies(25).size(), 25u);
  const int64_t conversation = AckedConversation(f.events);

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
  auto phone = f.NewDevice();
  for (int i = 1; i <= 5; ++i)
    f.service->Send(Direct(alice, bob, "b" + std::to_string(i), "x"), phone);
  f.service->Send(Direct(alice, carol, "c1", "y"), phone);
  ASSERT_EQ(f.events.WaitForReplies(6).size(), 6u);
  const int64_t with_bob = AckedConversation(f.events);

  const Cursor cursors[] = {{with_bob, 1}};
  auto plan = f.service->PlanCatchUp(alice, cursors);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->conversations().size(), 2u);
  int64_t with_carol = 0;
  for (const store::ConversationSummary& conversation : plan->conversations()) {
    if (conversation.id == with_bob) {
      EXPECT_FALSE(plan->complete(conversation.id));  // 2, 3, 4 of 5: capped by sync_limit
    } else {
      with_carol = conversation.id;
      EXPECT_TRUE(plan->complete(conversation.id));  // not listed: counts as cursor 0
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
  for (const store::ConversationSummary& conversation : plan->conversations()) {
    if (conversation.id == with_bob) {
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
  constexpr size_t kSends = kThreads * kPerThread;
  std::vector<std::shared_ptr<TestDevice>> devices;
  for (int t = 0; t < kThreads; ++t) devices.push_back(f.NewDevice());
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const int64_t me = t % 2 ? alice : bob;
      const int64_t other = t % 2 ? bob : alice;
      for (int i = 0; i < kPerThread; ++i) {
        f.service->Send(Direct(me, other, std::to_string(t) + "-" + std::to_string(i), "m"),
                        devices[t]);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<int64_t> seqs;
  for (const Replied& reply : f.events.WaitForReplies(kSends)) {
    const auto* ack = As<events::Acked>(reply.event);
    ASSERT_NE(ack, nullptr);
    EXPECT_TRUE(seqs.insert(ack->message.seq).second);
  }
  ASSERT_EQ(seqs.size(), kSends);
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), static_cast<int64_t>(kSends));
  // Every message is published once, in seq order (the writer's completions run in order).
  const auto published = f.events.WaitForPublished(kSends);
  ASSERT_EQ(published.size(), kSends);
  for (size_t i = 0; i < kSends; ++i) {
    const auto* committed = As<events::MessageCommitted>(published[i].event);
    ASSERT_NE(committed, nullptr);
    EXPECT_EQ(committed->message.seq, static_cast<int64_t>(i + 1));
  }
}

}  // namespace
}  // namespace parley::chat
