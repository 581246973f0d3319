// CatchUp with sync tokens (catch_up.h, "Sync deltas"): what a hello with the last synced's
// token gets listed and replayed, what is reported removed, and that any token that is not this
// user's current one (malformed, huge, another user's, another epoch's, a future one) gives the
// full list, never another user's conversations. On a real SQLite store.
#include "chat/messaging/catch_up.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "chat/messaging/sync_token.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"

namespace parley::chat {
namespace {

constexpr int kSyncLimit = 200;

class CatchUpTest : public testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = dir_.path() + "/parley.db";
    options.synchronous_full = false;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    for (const char* name : {"alice", "bob", "carol"}) {
      auto user = store_->CreateUser(store::NewUser{name, name, "hash", 1});
      ASSERT_TRUE(user.ok());
      users_.push_back(user->id);
    }
    alice_ = users_[0];
    bob_ = users_[1];
    carol_ = users_[2];
    with_bob_ = Direct(alice_, bob_);
    with_carol_ = Direct(alice_, carol_);
    elsewhere_ = Direct(bob_, carol_);
    for (int64_t conversation : {with_bob_, with_carol_, elsewhere_}) {
      Send(conversation, conversation == elsewhere_ ? bob_ : alice_);
    }
  }

  int64_t Direct(int64_t a, int64_t b) {
    int64_t id = 0;
    EXPECT_TRUE(store_
                    ->Write([&](store::WriteTxn& txn) {
                      auto created = txn.DirectConversation(a, b);
                      if (created.ok()) id = *created;
                      return created.status();
                    })
                    .ok());
    return id;
  }

  void Send(int64_t conversation, int64_t sender) {
    store::Message message;
    message.conversation_id = conversation;
    message.sender_id = sender;
    message.client_id = "c" + std::to_string(++sent_);
    message.text = "hi";
    message.created_at = 1767225600000 + sent_;
    ASSERT_TRUE(
        store_->Write([&](store::WriteTxn& txn) { return txn.Append(message).status(); }).ok());
  }

  Result<CatchUp> Plan(int64_t user, const std::vector<Cursor>& cursors, std::string_view since) {
    return CatchUp::Plan(*store_, user, cursors, since, kSyncLimit);
  }

  static std::set<int64_t> Listed(const CatchUp& plan) {
    std::set<int64_t> ids;
    for (const store::ConversationSummary& c : plan.conversations()) ids.insert(c.id);
    return ids;
  }

  // Every (conversation, seq) the plan replays.
  std::vector<std::pair<int64_t, int64_t>> Replay(CatchUp& plan) {
    std::vector<std::pair<int64_t, int64_t>> replayed;
    while (!plan.done()) {
      auto page = plan.NextPage(*store_, 50);
      EXPECT_TRUE(page.ok());
      if (!page.ok()) break;
      for (const store::Message& m : *page) replayed.emplace_back(m.conversation_id, m.seq);
    }
    return replayed;
  }

  // Alice's cursors at the latest seq of both her conversations.
  std::vector<Cursor> Current() {
    auto plan = Plan(alice_, {}, "");
    std::vector<Cursor> cursors;
    if (plan.ok()) {
      for (const store::ConversationSummary& c : plan->conversations()) {
        cursors.push_back({c.id, c.last_seq});
      }
    }
    return cursors;
  }

  testing_support::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<int64_t> users_;
  int64_t alice_ = 0, bob_ = 0, carol_ = 0;
  int64_t with_bob_ = 0, with_carol_ = 0, elsewhere_ = 0;
  int sent_ = 0;
};

TEST_F(CatchUpTest, WithoutATokenEverythingIsListedAndATokenGiven) {
  auto plan = Plan(alice_, {}, "");
  ASSERT_TRUE(plan.ok());
  EXPECT_FALSE(plan->delta());
  EXPECT_EQ(Listed(*plan), (std::set<int64_t>{with_bob_, with_carol_}));
  EXPECT_TRUE(plan->removed().empty());
  const auto token = DecodeSyncToken(plan->since());
  ASSERT_TRUE(token.has_value()) << plan->since();
  EXPECT_EQ(token->user_id, alice_);
}

TEST_F(CatchUpTest, AnUpToDateDeviceGetsAnEmptyDelta) {
  const std::vector<Cursor> cursors = Current();
  auto first = Plan(alice_, cursors, "");
  ASSERT_TRUE(first.ok());
  auto second = Plan(alice_, cursors, first->since());
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->delta());
  EXPECT_TRUE(second->conversations().empty());
  EXPECT_TRUE(second->done());
  EXPECT_TRUE(second->removed().empty());
  EXPECT_FALSE(second->since().empty());
}

TEST_F(CatchUpTest, OnlyWhatChangedIsListedAndReplayed) {
  std::vector<Cursor> cursors = Current();
  auto first = Plan(alice_, cursors, "");
  ASSERT_TRUE(first.ok());
  Send(with_bob_, bob_);
  Send(elsewhere_, carol_);  // not alice's
  auto delta = Plan(alice_, cursors, first->since());
  ASSERT_TRUE(delta.ok());
  EXPECT_TRUE(delta->delta());
  EXPECT_EQ(Listed(*delta), std::set<int64_t>{with_bob_});
  EXPECT_TRUE(delta->complete(with_bob_));
  EXPECT_EQ(Replay(*delta), (std::vector<std::pair<int64_t, int64_t>>{{with_bob_, 2}}));
}

TEST_F(CatchUpTest, AConversationBehindItsCursorIsListedEvenWhenUnchanged) {
  std::vector<Cursor> cursors = Current();
  auto first = Plan(alice_, cursors, "");
  ASSERT_TRUE(first.ok());
  for (Cursor& cursor : cursors) {
    if (cursor.conversation_id == with_carol_) cursor.seq = 0;
  }
  auto delta = Plan(alice_, cursors, first->since());
  ASSERT_TRUE(delta.ok());
  EXPECT_TRUE(delta->delta());
  EXPECT_EQ(Listed(*delta), std::set<int64_t>{with_carol_});
  EXPECT_EQ(Replay(*delta), (std::vector<std::pair<int64_t, int64_t>>{{with_carol_, 1}}));
  // A conversation the device has no cursor for at all is listed the same way.
  std::vector<Cursor> without_carol;
  for (const Cursor& cursor : Current()) {
    if (cursor.conversation_id != with_carol_) without_carol.push_back(cursor);
  }
  auto missing = Plan(alice_, without_carol, first->since());
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(Listed(*missing), std::set<int64_t>{with_carol_});
}

TEST_F(CatchUpTest, CursorsOfConversationsTheUserIsNotInAreReportedRemoved) {
  std::vector<Cursor> cursors = Current();
  cursors.push_back({elsewhere_, 1});  // bob and carol's: never alice's
  cursors.push_back({987654, 3});      // no such conversation
  auto first = Plan(alice_, cursors, "");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->removed(), (std::vector<int64_t>{elsewhere_, 987654}));
  EXPECT_EQ(Listed(*first), (std::set<int64_t>{with_bob_, with_carol_}));
  auto delta = Plan(alice_, cursors, first->since());
  ASSERT_TRUE(delta.ok());
  EXPECT_EQ(delta->removed(), (std::vector<int64_t>{elsewhere_, 987654}));
  EXPECT_TRUE(delta->conversations().empty());
  EXPECT_TRUE(delta->done());  // nothing of bob and carol's is replayed
}

TEST_F(CatchUpTest, AnyTokenButThisUsersCurrentOneGivesTheFullList) {
  const std::vector<Cursor> cursors = Current();
  auto first = Plan(alice_, cursors, "");
  ASSERT_TRUE(first.ok());
  const SyncToken mine = *DecodeSyncToken(first->since());
  auto bobs = Plan(bob_, {}, "");
  ASSERT_TRUE(bobs.ok());
  auto with = [&](int64_t user, std::string epoch, int64_t version) {
    return EncodeSyncToken(SyncToken{user, store::SyncPoint{std::move(epoch), version}});
  };
  const std::string hostile[] = {
      "garbage",
      "1.",
      "1...",
      std::string(100000, '7'),                                              // huge
      first->since() + "0",                                                  // a future version
      first->since() + ".1",                                                 // trailing part
      "2" + first->since().substr(1),                                        // another format
      bobs->since(),                                                         // another user's
      with(alice_, mine.point.epoch, mine.point.version + 1000),             // from the future
      with(alice_, "0123456789abcdef0123456789abcdef", mine.point.version),  // another epoch
      with(alice_, mine.point.epoch, 0) + "\n",
      with(-alice_, mine.point.epoch, mine.point.version),
  };
  for (const std::string& since : hostile) {
    SCOPED_TRACE(since.substr(0, 80));
    auto plan = Plan(alice_, cursors, since);
    ASSERT_TRUE(plan.ok());
    EXPECT_FALSE(plan->delta());
    EXPECT_EQ(Listed(*plan), (std::set<int64_t>{with_bob_, with_carol_}));
    EXPECT_TRUE(plan->done());  // the cursors are current: nothing to replay
  }
  // Bob's token, even a current one, never lists anything of bob's to alice.
  auto plan = Plan(alice_, {}, bobs->since());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(Listed(*plan), (std::set<int64_t>{with_bob_, with_carol_}));
  // An older token of alice's own is still good: it lists what changed since.
  Send(with_carol_, carol_);
  auto older = Plan(alice_, cursors, with(alice_, mine.point.epoch, 0));
  ASSERT_TRUE(older.ok());
  EXPECT_TRUE(older->delta());
  EXPECT_EQ(Listed(*older), (std::set<int64_t>{with_bob_, with_carol_}));
}

TEST(SyncTokenTest, RoundTripsAndRefusesEverythingElse) {
  const SyncToken token{42, store::SyncPoint{"00ff", 1234}};
  const std::string text = EncodeSyncToken(token);
  EXPECT_EQ(text, "1.00ff.42.1234");
  auto decoded = DecodeSyncToken(text);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->user_id, 42);
  EXPECT_EQ(decoded->point.epoch, "00ff");
  EXPECT_EQ(decoded->point.version, 1234);
  EXPECT_TRUE(DecodeSyncToken("1.a.1.0").has_value());
  for (const char* bad : {"",
                          "1",
                          "1.",
                          "1.00ff",
                          "1.00ff.42",
                          "1.00ff.42.",
                          "1.00FF.42.1",
                          "1.00ff.0.1",
                          "1.00ff.-4.1",
                          "1.00ff.42.-1",
                          "1.00ff.042.1",
                          "1.00ff.42.01",
                          "1.00ff.42.1.",
                          "1.00ff.42.1 ",
                          " 1.00ff.42.1",
                          "1.00ff.42.99999999999999999999",
                          "1.xyz.42.1",
                          "2.00ff.42.1",
                          "1..42.1",
                          "1.00ff.+42.1"}) {
    EXPECT_FALSE(DecodeSyncToken(bad).has_value()) << bad;
  }
  EXPECT_FALSE(DecodeSyncToken("1." + std::string(33, 'a') + ".1.1").has_value());
  EXPECT_FALSE(DecodeSyncToken(std::string(kMaxSyncTokenBytes + 1, '1')).has_value());
}

}  // namespace
}  // namespace parley::chat
