// Two message writers on one database (two nodes): a node never authorizes a send from rules
// the other node changed (chat/messaging/message_writer.h, store.h WriteTxn::LockRules). On
// PostgreSQL each node has a PgStore of its own on one database; on SQLite the two writers share
// one store (one file has one writer), each with its own cache, which is what the clock guards.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "chat/groups/groups.h"
#include "chat/messaging/message_writer.h"
#include "chat/social/social.h"
#include "tests/chat/chat_test_support.h"
#include "tests/store/backends.h"

namespace parley::chat {
namespace {

using store::Backend;

// One node: a writer with its own cache, and the domain services that run tasks on it.
struct Node {
  Node(store::Store& store, const WriterOptions& options)
      : writer(store, options),
        social(store, events, writer),
        groups(store, events, writer, GroupsOptions{}) {}
  ~Node() { writer.Stop(); }  // its callbacks use the services and the sink

  RecordingSink events;
  MessageWriter writer;
  Social social;
  Groups groups;
};

class WriterNodesTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    auto a = GetParam().open(dir_.path());
    ASSERT_TRUE(a.ok()) << a.status().message();
    store_a_ = std::move(*a);
    if (GetParam().name == "postgres") {
      auto b = GetParam().open(dir_.path());  // the same database, another connection
      ASSERT_TRUE(b.ok()) << b.status().message();
      store_b_ = std::move(*b);
    }
  }

  void TearDown() override {
    b_.reset();
    a_.reset();
  }

  // Starts nodes A and B. Groups take anyone; direct messages follow `friendship`.
  void StartNodes(bool friendship) {
    WriterOptions options;
    options.direct_requires_friendship = friendship;
    options.group_adds_require_friendship = false;
    a_ = std::make_unique<Node>(*store_a_, options);
    b_ = std::make_unique<Node>(store_b_ ? *store_b_ : *store_a_, options);
  }

  int64_t AddUser(const std::string& name) {
    auto user = store_a_->CreateUser(store::NewUser{name, name, "hash", 1});
    EXPECT_TRUE(user.ok()) << user.status().message();
    return user.ok() ? user->id : 0;
  }

  SendCommand Command(int64_t sender) {
    SendCommand command;
    command.sender_id = sender;
    command.client_id = "c" + std::to_string(++client_ids_);
    command.text = "hello";
    return command;
  }

  // Sends on `node` and waits for the outcome.
  Result<SendOutcome> Send(Node& node, SendCommand command) {
    std::promise<Result<SendOutcome>> outcome;
    std::future<Result<SendOutcome>> done = outcome.get_future();
    Status queued = node.writer.Submit(std::move(command), [&outcome](Result<SendOutcome> result) {
      outcome.set_value(std::move(result));
    });
    if (!queued.ok()) return queued;
    return done.get();
  }
  Result<SendOutcome> ToGroup(Node& node, int64_t sender, int64_t group) {
    SendCommand command = Command(sender);
    command.conversation_id = group;
    return Send(node, std::move(command));
  }
  Result<SendOutcome> ToUser(Node& node, int64_t sender, int64_t recipient) {
    SendCommand command = Command(sender);
    command.to_user_id = recipient;
    return Send(node, std::move(command));
  }

  // A group made on B by `owner` with `members`.
  int64_t Group(int64_t owner, std::vector<int64_t> members) {
    auto group = b_->groups.Create(owner, NewGroup{"g", "", false, std::move(members)});
    EXPECT_TRUE(group.ok()) << group.status().message();
    return group.ok() ? group->id : 0;
  }

  void BeFriends(int64_t x, int64_t y) {
    ASSERT_TRUE(b_->social.SendRequest(x, y, "").ok());
    ASSERT_TRUE(b_->social.Accept(y, x).ok());
  }

  // Every message of the conversation, ascending seq.
  std::vector<store::Message> Messages(int64_t conversation_id) {
    auto messages = store_a_->MessagesAfter(conversation_id, 0, 100000);
    EXPECT_TRUE(messages.ok()) << messages.status().message();
    return messages.ok() ? *messages : std::vector<store::Message>{};
  }

  // The seq of the last group event (a member removed, muted...); 0 if none.
  int64_t LastEventSeq(int64_t group) {
    int64_t seq = 0;
    for (const store::Message& m : Messages(group)) {
      if (m.kind == store::MessageKind::kEvent) seq = m.seq;
    }
    return seq;
  }

  // The highest seq of a text message `sender` sent in the conversation; 0 if none.
  int64_t LastSentBy(int64_t conversation_id, int64_t sender) {
    int64_t seq = 0;
    for (const store::Message& m : Messages(conversation_id)) {
      if (m.sender_id == sender && m.kind == store::MessageKind::kText) seq = m.seq;
    }
    return seq;
  }

  testing_support::TempDir dir_;
  std::unique_ptr<store::Store> store_a_;
  std::unique_ptr<store::Store> store_b_;  // null on SQLite: both nodes write through store_a_
  std::unique_ptr<Node> a_;
  std::unique_ptr<Node> b_;
  int client_ids_ = 0;
};

TEST_P(WriterNodesTest, AMemberRemovedOnOneNodeCannotSendOnTheOther) {
  StartNodes(false);
  const int64_t owner = AddUser("owner");
  const int64_t x = AddUser("x");
  const int64_t group = Group(owner, {x});
  ASSERT_TRUE(ToGroup(*a_, x, group).ok());  // A caches the group with x in it
  ASSERT_TRUE(b_->groups.RemoveMember(owner, group, x).ok());
  auto refused = ToGroup(*a_, x, group);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kNotFound);
  EXPECT_LT(LastSentBy(group, x), LastEventSeq(group));  // nothing of x's stored after
  EXPECT_TRUE(ToGroup(*a_, owner, group).ok());
}

TEST_P(WriterNodesTest, AMuteOnOneNodeHoldsOnTheOther) {
  StartNodes(false);
  const int64_t owner = AddUser("owner");
  const int64_t x = AddUser("x");
  const int64_t group = Group(owner, {x});
  ASSERT_TRUE(ToGroup(*a_, x, group).ok());
  ASSERT_TRUE(b_->groups.Mute(owner, group, x, NowMillis() + 3'600'000).ok());
  auto refused = ToGroup(*a_, x, group);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kForbidden);
  EXPECT_LT(LastSentBy(group, x), LastEventSeq(group));
}

TEST_P(WriterNodesTest, ABlockOnOneNodeHoldsOnTheOther) {
  StartNodes(true);
  const int64_t x = AddUser("x");
  const int64_t y = AddUser("y");
  BeFriends(x, y);
  auto first = ToUser(*a_, x, y);  // A caches the pair as allowed
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_TRUE(b_->social.Block(y, x).ok());
  auto refused = ToUser(*a_, x, y);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kBlocked);
  EXPECT_EQ(LastSentBy(first->message.conversation_id, x), first->message.seq);
}

TEST_P(WriterNodesTest, AnUnfriendingOnOneNodeHoldsOnTheOther) {
  StartNodes(true);
  const int64_t x = AddUser("x");
  const int64_t y = AddUser("y");
  BeFriends(x, y);
  auto first = ToUser(*a_, x, y);
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_TRUE(b_->social.RemoveFriend(y, x).ok());
  auto refused = ToUser(*a_, x, y);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kForbidden);
  EXPECT_EQ(LastSentBy(first->message.conversation_id, x), first->message.seq);
}

TEST_P(WriterNodesTest, AnUnblockOnOneNodeLetsTheOtherSendWithoutARestart) {
  StartNodes(false);
  const int64_t x = AddUser("x");
  const int64_t y = AddUser("y");
  ASSERT_TRUE(ToUser(*a_, x, y).ok());
  ASSERT_TRUE(b_->social.Block(y, x).ok());
  EXPECT_EQ(ToUser(*a_, x, y).status().code(), Code::kBlocked);
  ASSERT_TRUE(b_->social.Unblock(y, x).ok());
  EXPECT_TRUE(ToUser(*a_, x, y).ok());
}

TEST_P(WriterNodesTest, AMemberAddedOnOneNodeMaySendOnTheOther) {
  StartNodes(false);
  const int64_t owner = AddUser("owner");
  const int64_t x = AddUser("x");
  const int64_t group = Group(owner, {});
  ASSERT_TRUE(ToGroup(*a_, owner, group).ok());  // A caches the group without x
  EXPECT_EQ(ToGroup(*a_, x, group).status().code(), Code::kNotFound);
  ASSERT_TRUE(b_->groups.AddMembers(owner, group, {x}).ok());
  EXPECT_TRUE(ToGroup(*a_, x, group).ok());
}

// A streams sends from x into the group while B removes x: every message of x's that was
// stored precedes the removal, and A refuses x afterwards.
TEST_P(WriterNodesTest, SendsRacingARemovalAllPrecedeIt) {
  StartNodes(false);
  const int64_t owner = AddUser("owner");
  const int64_t x = AddUser("x");
  const int64_t group = Group(owner, {x});

  constexpr int kMaxSends = 20000;  // far more than the stream needs to meet the removal
  constexpr int kWindow = 32;       // sends in flight at most
  std::mutex mu;
  std::condition_variable changed;
  int in_flight = 0;     // guarded by mu
  int stored = 0;        // guarded by mu
  bool refused = false;  // guarded by mu
  std::thread stream([&] {
    for (int i = 0; i < kMaxSends; ++i) {
      {
        std::unique_lock lock(mu);
        changed.wait(lock, [&] { return refused || in_flight < kWindow; });
        if (refused) break;
        ++in_flight;
      }
      SendCommand command = Command(x);
      command.client_id = "race" + std::to_string(i);
      command.conversation_id = group;
      Status queued = a_->writer.Submit(std::move(command), [&](Result<SendOutcome> result) {
        std::lock_guard lock(mu);
        --in_flight;
        if (result.ok()) ++stored;
        if (!result.ok()) {
          EXPECT_EQ(result.status().code(), Code::kNotFound) << result.status().message();
          refused = true;
        }
        changed.notify_all();
      });
      if (!queued.ok()) {
        std::lock_guard lock(mu);
        --in_flight;
      }
    }
    std::unique_lock lock(mu);
    changed.wait(lock, [&] { return in_flight == 0; });
  });
  {
    std::unique_lock lock(mu);  // the stream is flowing
    EXPECT_TRUE(
        changed.wait_for(lock, std::chrono::seconds(30), [&] { return refused || stored >= 50; }));
  }
  Status removed = b_->groups.RemoveMember(owner, group, x);
  stream.join();
  ASSERT_TRUE(removed.ok()) << removed.message();
  EXPECT_TRUE(refused) << "the stream never met the removal";
  const int64_t removal = LastEventSeq(group);
  const int64_t last = LastSentBy(group, x);
  EXPECT_GT(last, 1);
  EXPECT_LT(last, removal);
  int from_x = 0;
  for (const store::Message& m : Messages(group)) {
    if (m.sender_id == x && m.kind == store::MessageKind::kText) ++from_x;
  }
  std::lock_guard lock(mu);
  EXPECT_EQ(from_x, stored);
}

INSTANTIATE_TEST_SUITE_P(Backends, WriterNodesTest, store::AllBackends(), store::BackendName);

}  // namespace
}  // namespace parley::chat
