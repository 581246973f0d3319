// Store conformance suite. Every Store implementation must pass every TEST_P here: a backend
// joins by adding a Backend to the INSTANTIATE_TEST_SUITE_P list at the bottom. The SqliteStore
// tests at the end check what only the SQLite store promises (files, schema versions).
#include "store/store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_db.h"
#include "tests/store/backends.h"
#include "tests/support/temp_dir.h"

namespace parley::store {
namespace {

using namespace std::chrono_literals;

using testing_support::TempDir;

// Timestamps of test messages: later than any conversation's creation time, so message
// activity, not creation, decides the conversation order.
const int64_t kT0 = NowMillis() + 3'600'000;

Message Msg(int64_t conversation_id, int64_t sender_id, std::string client_id, int64_t at = kT0) {
  Message message;
  message.conversation_id = conversation_id;
  message.sender_id = sender_id;
  message.client_id = std::move(client_id);
  message.text = "text of " + message.client_id;
  message.created_at = at;
  return message;
}

class StoreTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    Reopen();
  }

  void Reopen() {
    store_.reset();
    Result<std::unique_ptr<Store>> opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
  }

  int64_t AddUser(const std::string& name) {
    Result<User> user = store_->CreateUser({name, "Display " + name, "$argon2id$" + name, 1000});
    EXPECT_TRUE(user.ok()) << user.status().message();
    return user.ok() ? user->id : 0;
  }

  int64_t Direct(int64_t a, int64_t b) {
    int64_t id = 0;
    Status status = store_->Write([&](WriteTxn& txn) -> Status {
      Result<int64_t> conversation = txn.DirectConversation(a, b);
      if (!conversation.ok()) return conversation.status();
      id = *conversation;
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return id;
  }

  Result<Message> Send(Message message) {
    Result<Message> stored(Code::kInternal, "body not run");
    Status status = store_->Write([&](WriteTxn& txn) -> Status {
      stored = txn.Append(message);
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return stored;
  }

  Result<CursorAdvance> Advance(int64_t conversation, int64_t user, int64_t delivered,
                                int64_t read) {
    Result<CursorAdvance> member(Code::kInternal, "body not run");
    Status status = store_->Write([&](WriteTxn& txn) -> Status {
      member = txn.AdvanceCursors(conversation, user, delivered, read);
      return Status::Ok();
    });
    if (!status.ok()) return status;
    return member;
  }

  std::vector<int64_t> Seqs(int64_t conversation) {
    std::vector<int64_t> seqs;
    Result<std::vector<Message>> messages = store_->MessagesAfter(conversation, 0, 100000);
    EXPECT_TRUE(messages.ok());
    if (messages.ok()) {
      for (const Message& m : *messages) seqs.push_back(m.seq);
    }
    return seqs;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

// --- users ---

TEST_P(StoreTest, CreateAndFindUser) {
  Result<User> alice = store_->CreateUser({"Alice", "Alice A.", "$argon2id$hash", 1234});
  ASSERT_TRUE(alice.ok()) << alice.status().message();
  EXPECT_GT(alice->id, 0);
  EXPECT_EQ(alice->username, "Alice");
  for (Result<User> found : {store_->FindUserById(alice->id), store_->FindUserByName("aLICE")}) {
    ASSERT_TRUE(found.ok()) << found.status().message();
    EXPECT_EQ(found->id, alice->id);
    EXPECT_EQ(found->username, "Alice");
    EXPECT_EQ(found->display_name, "Alice A.");
    EXPECT_EQ(found->password_hash, "$argon2id$hash");
    EXPECT_EQ(found->created_at, 1234);
  }
  EXPECT_NE(AddUser("bob"), alice->id);
  EXPECT_EQ(store_->FindUserById(alice->id + 1000).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->FindUserByName("carol").status().code(), Code::kNotFound);
}

TEST_P(StoreTest, UsernameConflictIgnoresCase) {
  AddUser("Alice");
  Result<User> again = store_->CreateUser({"aLiCe", "x", "h", 1});
  EXPECT_EQ(again.status().code(), Code::kConflict);
  EXPECT_EQ(store_->FindUserByName("ALICE")->display_name, "Display Alice");
}

TEST_P(StoreTest, SetPasswordHash) {
  int64_t alice = AddUser("alice");
  ASSERT_TRUE(store_->SetPasswordHash(alice, "$argon2id$new").ok());
  EXPECT_EQ(store_->FindUserById(alice)->password_hash, "$argon2id$new");
  EXPECT_EQ(store_->SetPasswordHash(alice + 1000, "x").code(), Code::kNotFound);
}

// --- devices ---

TEST_P(StoreTest, DeviceFoundByTokenHashUntilExpiry) {
  int64_t alice = AddUser("alice");
  const std::string hash("\x00\x01\xff hash", 8);  // raw bytes, NUL included
  Result<Device> device = store_->CreateDevice({alice, "cli", hash, 100, 500});
  ASSERT_TRUE(device.ok()) << device.status().message();
  EXPECT_EQ(device->user_id, alice);
  EXPECT_EQ(device->last_seen_at, 100);

  Result<Device> found = store_->FindDeviceByTokenHash(hash, 499);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->id, device->id);
  EXPECT_EQ(found->name, "cli");
  EXPECT_EQ(found->expires_at, 500);
  EXPECT_EQ(store_->FindDeviceByTokenHash(hash, 500).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->FindDeviceByTokenHash(std::string("\x00\x01", 2), 1).status().code(),
            Code::kNotFound);
  EXPECT_EQ(store_->CreateDevice({alice, "again", hash, 100, 500}).status().code(),
            Code::kConflict);
}

TEST_P(StoreTest, RevokeDevice) {
  int64_t alice = AddUser("alice");
  int64_t bob = AddUser("bob");
  Result<Device> device = store_->CreateDevice({alice, "cli", "h1", 100, kT0});
  ASSERT_TRUE(device.ok());
  EXPECT_EQ(store_->RevokeDevice(bob, device->id).code(), Code::kNotFound);
  EXPECT_TRUE(store_->FindDeviceByTokenHash("h1", 200).ok());
  ASSERT_TRUE(store_->RevokeDevice(alice, device->id).ok());
  EXPECT_EQ(store_->FindDeviceByTokenHash("h1", 200).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->RevokeDevice(alice, device->id).code(), Code::kNotFound);
  EXPECT_EQ(store_->RevokeDevice(alice, device->id + 100).code(), Code::kNotFound);
}

TEST_P(StoreTest, RevokeOtherDevices) {
  int64_t alice = AddUser("alice");
  int64_t bob = AddUser("bob");
  int64_t d1 = store_->CreateDevice({alice, "a", "h1", 100, kT0})->id;
  int64_t d2 = store_->CreateDevice({alice, "b", "h2", 200, kT0})->id;
  store_->CreateDevice({alice, "c", "h3", 300, kT0});
  store_->CreateDevice({bob, "d", "h4", 400, kT0});
  ASSERT_TRUE(store_->RevokeOtherDevices(alice, d2).ok());
  Result<std::vector<Device>> left = store_->ListDevices(alice, 1000);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].id, d2);
  EXPECT_EQ(store_->FindDeviceByTokenHash("h1", 1000).status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->FindDeviceByTokenHash("h4", 1000).ok());  // other users untouched
  ASSERT_TRUE(store_->RevokeOtherDevices(alice, 0).ok());
  EXPECT_TRUE(store_->ListDevices(alice, 1000)->empty());
  EXPECT_EQ(store_->RevokeDevice(alice, d1).code(), Code::kNotFound);
}

TEST_P(StoreTest, ListDevicesNewestFirstActiveOnly) {
  int64_t alice = AddUser("alice");
  int64_t bob = AddUser("bob");
  int64_t oldest = store_->CreateDevice({alice, "a", "h1", 100, kT0})->id;
  int64_t newest = store_->CreateDevice({alice, "b", "h2", 300, kT0})->id;
  int64_t middle = store_->CreateDevice({alice, "c", "h3", 200, kT0})->id;
  store_->CreateDevice({alice, "expired", "h4", 400, 1000});
  int64_t revoked = store_->CreateDevice({alice, "revoked", "h5", 500, kT0})->id;
  ASSERT_TRUE(store_->RevokeDevice(alice, revoked).ok());
  store_->CreateDevice({bob, "bob's", "h6", 600, kT0});

  Result<std::vector<Device>> devices = store_->ListDevices(alice, 1000);
  ASSERT_TRUE(devices.ok()) << devices.status().message();
  ASSERT_EQ(devices->size(), 3u);
  EXPECT_EQ((*devices)[0].id, newest);
  EXPECT_EQ((*devices)[1].id, middle);
  EXPECT_EQ((*devices)[2].id, oldest);
  EXPECT_EQ(store_->ListDevices(alice, 999)->size(), 4u);  // "expired" is still valid then
  EXPECT_TRUE(store_->ListDevices(alice + 1000, 0)->empty());
}

TEST_P(StoreTest, TouchDevice) {
  int64_t alice = AddUser("alice");
  int64_t device = store_->CreateDevice({alice, "cli", "h1", 100, kT0})->id;
  ASSERT_TRUE(store_->TouchDevice(device, 700).ok());
  EXPECT_EQ(store_->FindDeviceByTokenHash("h1", 800)->last_seen_at, 700);
  EXPECT_EQ(store_->TouchDevice(device + 100, 700).code(), Code::kNotFound);
}

// --- conversations and messages ---

TEST_P(StoreTest, DirectConversationIsSymmetricAndStable) {
  int64_t a = AddUser("alice"), b = AddUser("bob"), c = AddUser("carol");
  int64_t ab = Direct(a, b);
  EXPECT_GT(ab, 0);
  EXPECT_EQ(Direct(b, a), ab);
  EXPECT_EQ(Direct(a, b), ab);
  int64_t ac = Direct(c, a);
  EXPECT_NE(ac, ab);
  EXPECT_TRUE(store_->FindMember(ab, a)->has_value());
  EXPECT_TRUE(store_->FindMember(ab, b)->has_value());
  EXPECT_FALSE(store_->FindMember(ab, c)->has_value());
  EXPECT_FALSE(store_->FindMember(ab + ac + 100, a)->has_value());

  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& txn) -> Status {
                    Result<std::vector<Member>> members = txn.Members(ab);
                    EXPECT_TRUE(members.ok());
                    if (!members.ok()) return Status::Ok();
                    EXPECT_EQ(members->size(), 2u);
                    for (const Member& m : *members) {
                      EXPECT_TRUE(m.user_id == a || m.user_id == b);
                      EXPECT_EQ(m.delivered_seq, 0);
                      EXPECT_EQ(m.read_seq, 0);
                    }
                    EXPECT_EQ(txn.Members(ab + ac + 100).status().code(), Code::kNotFound);
                    EXPECT_FALSE(txn.DirectConversation(a, a).ok());
                    EXPECT_EQ(txn.DirectConversation(a, a + 1000).status().code(), Code::kNotFound);
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(StoreTest, AppendAssignsDenseSeqAcrossWrites) {
  int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t ab = Direct(a, b);
  for (int i = 1; i <= 3; ++i) {
    Result<Message> stored = Send(Msg(ab, i % 2 ? a : b, "c" + std::to_string(i), kT0 + i));
    ASSERT_TRUE(stored.ok()) << stored.status().message();
    EXPECT_EQ(stored->seq, i);
    EXPECT_EQ(stored->conversation_id, ab);
    EXPECT_EQ(stored->text, "text of c" + std::to_string(i));
  }
  EXPECT_EQ(Seqs(ab), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Send(Msg(ab + 100, a, "nowhere")).status().code(), Code::kNotFound);
}

TEST_P(StoreTest, ManyAppendsInOneWrite) {
  int64_t a = AddUser("alice"), b = AddUser("bob"), c = AddUser("carol");
  int64_t ab = Direct(a, b), ac = Direct(a, c);
  constexpr int kCount = 500;
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& txn) -> Status {
                    for (int i = 0; i < kCount; ++i) {
                      int64_t conversation = i % 2 ? ab : ac;
                      Result<Message> stored =
                          txn.Append(Msg(conversation, a, "m" + std::to_string(i)));
                      if (!stored.ok()) return stored.status();
                      EXPECT_EQ(stored->seq, i / 2 + 1);
                    }
                    return Status::Ok();
                  })
                  .ok());
  std::vector<int64_t> expected(kCount / 2);
  for (int i = 0; i < kCount / 2; ++i) expected[i] = i + 1;
  EXPECT_EQ(Seqs(ab), expected);
  EXPECT_EQ(Seqs(ac), expected);
}

TEST_P(StoreTest, DuplicateClientIdConflictsAndKeepsNothing) {
  int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t ab = Direct(a, b);
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& txn) -> Status {
                    EXPECT_EQ(txn.Append(Msg(ab, a, "x"))->seq, 1);
                    Result<Message> duplicate = txn.Append(Msg(ab, a, "x"));
                    EXPECT_EQ(duplicate.status().code(), Code::kConflict);
                    EXPECT_EQ(txn.Append(Msg(ab, a, "y"))->seq, 2);  // the conflict used up no seq
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(Send(Msg(ab, a, "x")).status().code(), Code::kConflict);
  EXPECT_EQ(Send(Msg(ab, b, "x"))->seq, 3);  // client ids are per sender
  EXPECT_EQ(Seqs(ab), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(store_->ListConversations(a)->at(0).last_seq, 3);
}

TEST_P(StoreTest, FindByClientId) {
  int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t ab = Direct(a, b);
  ASSERT_TRUE(Send(Msg(ab, a, "first", kT0 + 5)).ok());
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& txn) -> Status {
                    Result<std::optional<Message>> found = txn.FindByClientId(a, "first");
                    EXPECT_TRUE(found.ok() && found->has_value());
                    if (found.ok() && found->has_value()) {
                      EXPECT_EQ((*found)->seq, 1);
                      EXPECT_EQ((*found)->conversation_id, ab);
                      EXPECT_EQ((*found)->text, "text of first");
                      EXPECT_EQ((*found)->created_at, kT0 + 5);
                    }
                    EXPECT_FALSE(txn.FindByClientId(b, "first")->has_value());
                    EXPECT_FALSE(txn.FindByClientId(a, "other")->has_value());
                    return Status::Ok();
                  })
                  .ok());
}

TEST_P(StoreTest, FailedWriteBodyRollsBackEverything) {
  int64_t a = AddUser("alice"), b = AddUser("bob"), c = AddUser("carol");
  int64_t ab = Direct(a, b);
  ASSERT_TRUE(Send(Msg(ab, a, "kept")).ok());
  Status status = store_->Write([&](WriteTxn& txn) -> Status {
    EXPECT_TRUE(txn.Append(Msg(ab, a, "dropped")).ok());
    EXPECT_TRUE(txn.AdvanceCursors(ab, b, 2, 2).ok());
    Result<int64_t> ac = txn.DirectConversation(a, c);
    EXPECT_TRUE(ac.ok());
    if (ac.ok()) {
      EXPECT_TRUE(txn.Append(Msg(*ac, c, "dropped too")).ok());
    }
    return Status(Code::kInvalidArgument, "changed my mind");
  });
  EXPECT_EQ(status.code(), Code::kInvalidArgument);
  EXPECT_EQ(status.message(), "changed my mind");
  EXPECT_EQ(Seqs(ab), std::vector<int64_t>{1});
  EXPECT_TRUE(store_->ListConversations(c)->empty());
  Result<std::vector<ConversationSummary>> list = store_->ListConversations(b);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].last_seq, 1);
  EXPECT_EQ((*list)[0].self.read_seq, 0);
  EXPECT_EQ(Send(Msg(ab, a, "dropped"))->seq, 2);  // its client id is free again
}

TEST_P(StoreTest, NestedWriteIsRejectedNotDeadlocked) {
  Status inner;
  Status inner_create;
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn&) -> Status {
                    inner = store_->Write([](WriteTxn&) { return Status::Ok(); });
                    inner_create = store_->CreateUser({"nested", "n", "h", 1}).status();
                    return Status::Ok();
                  })
                  .ok());
  EXPECT_FALSE(inner.ok());
  EXPECT_FALSE(inner_create.ok());
}

TEST_P(StoreTest, AdvanceCursorsRules) {
  int64_t a = AddUser("alice"), b = AddUser("bob"), c = AddUser("carol");
  int64_t ab = Direct(a, b);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Send(Msg(ab, a, "m" + std::to_string(i))).ok());
  struct Step {
    int64_t delivered, read, want_delivered, want_read;
    bool want_moved;
  };
  const Step steps[] = {
      {2, 0, 2, 0, true},                               // delivered moves alone
      {1, 0, 2, 0, false},                              // never lowered
      {2, 0, 2, 0, false},                              // the same values again: nothing moves
      {0, 3, 3, 3, true},                               // reading implies delivered
      {4, 1, 4, 3, true},                               // each cursor separately
      {100, 100, 5, 5, true},                           // clamped to last_seq
      {-1, -1, 5, 5, false},  {100, 100, 5, 5, false},  // clamped values equal the current ones
  };
  for (const Step& step : steps) {
    Result<CursorAdvance> advance = Advance(ab, b, step.delivered, step.read);
    ASSERT_TRUE(advance.ok()) << advance.status().message();
    EXPECT_EQ(advance->member.user_id, b);
    EXPECT_EQ(advance->member.delivered_seq, step.want_delivered)
        << step.delivered << "," << step.read;
    EXPECT_EQ(advance->member.read_seq, step.want_read) << step.delivered << "," << step.read;
    EXPECT_EQ(advance->moved, step.want_moved) << step.delivered << "," << step.read;
  }
  EXPECT_EQ(Advance(ab, c, 1, 1).status().code(), Code::kNotFound);
  EXPECT_EQ(Advance(ab + 100, a, 1, 1).status().code(), Code::kNotFound);
  Result<std::vector<ConversationSummary>> list = store_->ListConversations(a);
  ASSERT_EQ(list->size(), 1u);
  ASSERT_EQ((*list)[0].others.size(), 1u);
  EXPECT_EQ((*list)[0].others[0].read_seq, 5);
  EXPECT_EQ((*list)[0].self.read_seq, 0);
}

// SenderRead: the sender's cursors move up to its own message, in the append's transaction.
TEST_P(StoreTest, SenderReadMovesTheSendersCursorsToItsMessage) {
  int64_t a = AddUser("alice"), b = AddUser("bob"), c = AddUser("carol");
  int64_t ab = Direct(a, b);
  ASSERT_TRUE(Send(Msg(ab, b, "first")).ok());
  ASSERT_TRUE(Advance(ab, a, 0, 1).ok());
  for (int i = 0; i < 3; ++i) {
    Status status = store_->Write([&](WriteTxn& txn) -> Status {
      Result<Message> stored = txn.Append(Msg(ab, a, "m" + std::to_string(i)));
      if (!stored.ok()) return stored.status();
      return txn.SenderRead(ab, a, stored->seq);
    });
    ASSERT_TRUE(status.ok()) << status.message();
  }
  Result<std::vector<ConversationSummary>> list = store_->ListConversations(a);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].self.read_seq, 4);
  EXPECT_EQ((*list)[0].self.delivered_seq, 4);
  EXPECT_EQ((*list)[0].others[0].read_seq, 0);  // bob's unchanged
  // Never lowered; a sender who is no member changes nothing.
  Status status = store_->Write([&](WriteTxn& txn) -> Status {
    if (Status s = txn.SenderRead(ab, a, 2); !s.ok()) return s;
    return txn.SenderRead(ab, c, 4);
  });
  ASSERT_TRUE(status.ok()) << status.message();
  list = store_->ListConversations(a);
  EXPECT_EQ((*list)[0].self.read_seq, 4);
  EXPECT_TRUE(store_->ListConversations(c)->empty());
}

TEST_P(StoreTest, MessagesAfterPaging) {
  int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t ab = Direct(a, b);
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(Send(Msg(ab, a, "m" + std::to_string(i))).ok());
  struct Case {
    int64_t after;
    int limit;
    std::vector<int64_t> want;
  };
  const Case cases[] = {
      {0, 3, {1, 2, 3}},
      {3, 3, {4, 5, 6}},
      {9, 5, {10}},
      {10, 5, {}},
      {0, 0, {}},
      {-5, 2, {1, 2}},
      {0, 100, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
  };
  for (const Case& test : cases) {
    Result<std::vector<Message>> page = store_->MessagesAfter(ab, test.after, test.limit);
    ASSERT_TRUE(page.ok()) << page.status().message();
    std::vector<int64_t> seqs;
    for (const Message& m : *page) seqs.push_back(m.seq);
    EXPECT_EQ(seqs, test.want) << "after " << test.after << " limit " << test.limit;
  }
  EXPECT_TRUE(store_->MessagesAfter(ab + 100, 0, 10)->empty());
}

TEST_P(StoreTest, MessagesInRangesReadsRangeByRangeUpToTheLimit) {
  int64_t a = AddUser("alice"), b = AddUser("bob"), c = AddUser("carol");
  int64_t ab = Direct(a, b), ac = Direct(a, c);
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(Send(Msg(ab, a, "b" + std::to_string(i))).ok());
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(Send(Msg(ac, a, "c" + std::to_string(i))).ok());
  using Pairs = std::vector<std::pair<int64_t, int64_t>>;
  auto read = [&](std::vector<SeqRange> ranges, int max) {
    Pairs got;
    Result<std::vector<Message>> page = store_->MessagesInRanges(ranges, max);
    EXPECT_TRUE(page.ok()) << page.status().message();
    if (page.ok()) {
      for (const Message& m : *page) got.emplace_back(m.conversation_id, m.seq);
    }
    return got;
  };
  // (after, until] of each, in the order given, the first read to its end before the second.
  EXPECT_EQ(read({{ac, 1, 3}, {ab, 0, 2}}, 10), (Pairs{{ac, 2}, {ac, 3}, {ab, 1}, {ab, 2}}));
  EXPECT_EQ(read({{ab, 0, 5}, {ac, 0, 3}}, 6),
            (Pairs{{ab, 1}, {ab, 2}, {ab, 3}, {ab, 4}, {ab, 5}, {ac, 1}}));
  EXPECT_EQ(read({{ab, 3, 5}}, 1), (Pairs{{ab, 4}}));
  // Nothing in range, an unknown conversation, no ranges, no room: nothing.
  EXPECT_EQ(read({{ab, 5, 9}, {ab + ac + 100, 0, 9}}, 10), Pairs{});
  EXPECT_EQ(read({}, 10), Pairs{});
  EXPECT_EQ(read({{ab, 0, 5}}, 0), Pairs{});
}

TEST_P(StoreTest, ConversationStatesAreTheListWithoutLastMessages) {
  int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t ab = Direct(a, b);
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(Send(Msg(ab, b, "m" + std::to_string(i))).ok());
  Result<std::vector<ConversationSummary>> full = store_->ListConversations(a);
  Result<std::vector<ConversationSummary>> states = store_->ListConversationStates(a);
  ASSERT_TRUE(full.ok() && states.ok());
  ASSERT_EQ(full->size(), 1u);
  ASSERT_EQ(states->size(), 1u);
  const ConversationSummary& state = states->at(0);
  EXPECT_EQ(state.id, ab);
  EXPECT_EQ(state.last_seq, 3);
  EXPECT_EQ(state.last_activity_at, full->at(0).last_activity_at);
  EXPECT_EQ(state.self.user_id, a);
  ASSERT_EQ(state.others.size(), 1u);
  EXPECT_EQ(state.others[0].user_id, b);
  EXPECT_FALSE(state.last_message.has_value());
  EXPECT_EQ(state.unread, 0);
  EXPECT_TRUE(full->at(0).last_message.has_value());
  EXPECT_EQ(full->at(0).unread, 3);
}

TEST_P(StoreTest, MessagesBeforePaging) {
  int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t ab = Direct(a, b);
  for (int i = 1; i <= 10; ++i) ASSERT_TRUE(Send(Msg(ab, a, "m" + std::to_string(i))).ok());
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  struct Case {
    int64_t before;
    int limit;
    std::vector<int64_t> want;
  };
  const Case cases[] = {
      {11, 3, {8, 9, 10}}, {kMax, 2, {9, 10}}, {8, 3, {5, 6, 7}}, {4, 10, {1, 2, 3}},
      {1, 5, {}},          {11, 0, {}},        {2, 1, {1}},
  };
  for (const Case& test : cases) {
    Result<std::vector<Message>> page = store_->MessagesBefore(ab, test.before, test.limit);
    ASSERT_TRUE(page.ok()) << page.status().message();
    std::vector<int64_t> seqs;
    for (const Message& m : *page) seqs.push_back(m.seq);
    EXPECT_EQ(seqs, test.want) << "before " << test.before << " limit " << test.limit;
  }
  EXPECT_TRUE(store_->MessagesBefore(ab + 100, kMax, 10)->empty());
}

TEST_P(StoreTest, ListConversationsOrderAndLastMessage) {
  int64_t a = AddUser("alice"), b = AddUser("bob"), c = AddUser("carol"), d = AddUser("dave");
  int64_t e = AddUser("erin");
  int64_t ab = Direct(a, b), ac = Direct(a, c), ad = Direct(a, d), ae = Direct(a, e);
  ASSERT_TRUE(Send(Msg(ab, a, "ab1", kT0 + 1000)).ok());
  ASSERT_TRUE(Send(Msg(ac, c, "ac1", kT0 + 2000)).ok());
  ASSERT_TRUE(Send(Msg(ab, b, "ab2", kT0 + 3000)).ok());
  ASSERT_TRUE(Send(Msg(ae, e, "ae1", kT0 + 2000)).ok());  // ties with ac: higher id first
  ASSERT_TRUE(Advance(ab, b, 2, 1).ok());

  Result<std::vector<ConversationSummary>> list = store_->ListConversations(a);
  ASSERT_TRUE(list.ok()) << list.status().message();
  std::vector<int64_t> order;
  for (const ConversationSummary& s : *list) order.push_back(s.id);
  EXPECT_EQ(order, (std::vector<int64_t>{ab, ae, ac, ad}));  // ad: no message, oldest activity

  const ConversationSummary& first = (*list)[0];
  EXPECT_EQ(first.kind, ConversationKind::kDirect);
  EXPECT_EQ(first.last_seq, 2);
  EXPECT_EQ(first.last_activity_at, kT0 + 3000);
  ASSERT_TRUE(first.last_message.has_value());
  EXPECT_EQ(first.last_message->seq, 2);
  EXPECT_EQ(first.last_message->sender_id, b);
  EXPECT_EQ(first.last_message->client_id, "ab2");
  EXPECT_EQ(first.last_message->text, "text of ab2");
  EXPECT_EQ(first.last_message->created_at, kT0 + 3000);
  EXPECT_EQ(first.self.user_id, a);
  ASSERT_EQ(first.others.size(), 1u);
  EXPECT_EQ(first.others[0].user_id, b);
  EXPECT_EQ(first.others[0].delivered_seq, 2);
  EXPECT_EQ(first.others[0].read_seq, 1);

  const ConversationSummary& empty = (*list)[3];
  EXPECT_EQ(empty.last_seq, 0);
  EXPECT_FALSE(empty.last_message.has_value());
  ASSERT_EQ(empty.others.size(), 1u);
  EXPECT_EQ(empty.others[0].user_id, d);

  Result<std::vector<ConversationSummary>> bobs = store_->ListConversations(b);
  ASSERT_EQ(bobs->size(), 1u);
  EXPECT_EQ((*bobs)[0].self.user_id, b);
  EXPECT_EQ((*bobs)[0].self.read_seq, 1);
  EXPECT_EQ((*bobs)[0].others[0].user_id, a);
  EXPECT_TRUE(store_->ListConversations(a + e + 1000)->empty());
}

TEST_P(StoreTest, ListConversationsForAUserInManyConversations) {
  constexpr int kPeers = 300;
  int64_t hub = AddUser("hub");
  std::vector<int64_t> peers;
  for (int i = 0; i < kPeers; ++i) peers.push_back(AddUser("peer" + std::to_string(i)));
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& txn) -> Status {
                    for (int i = 0; i < kPeers; ++i) {
                      Result<int64_t> id = txn.DirectConversation(hub, peers[i]);
                      if (!id.ok()) return id.status();
                      Result<Message> m =
                          txn.Append(Msg(*id, peers[i], "hi" + std::to_string(i), kT0 + i));
                      if (!m.ok()) return m.status();
                    }
                    return Status::Ok();
                  })
                  .ok());
  Result<std::vector<ConversationSummary>> list = store_->ListConversations(hub);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), static_cast<size_t>(kPeers));
  for (int i = 0; i < kPeers; ++i) {
    const ConversationSummary& s = (*list)[i];
    ASSERT_TRUE(s.last_message.has_value());
    EXPECT_EQ(s.last_message->created_at, kT0 + kPeers - 1 - i);
    ASSERT_EQ(s.others.size(), 1u);
    EXPECT_EQ(s.others[0].user_id, s.last_message->sender_id);
  }
}

TEST_P(StoreTest, DataSurvivesReopen) {
  int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t ab = Direct(a, b);
  int64_t device = store_->CreateDevice({a, "cli", "h1", 100, kT0})->id;
  ASSERT_TRUE(Send(Msg(ab, a, "m1")).ok());
  ASSERT_TRUE(Send(Msg(ab, b, "m2")).ok());
  ASSERT_TRUE(Advance(ab, b, 2, 2).ok());

  ASSERT_NO_FATAL_FAILURE(Reopen());
  ASSERT_NO_FATAL_FAILURE(Reopen());  // a second reopen: migrations must not run again
  EXPECT_EQ(store_->FindUserByName("ALICE")->id, a);
  EXPECT_EQ(store_->FindDeviceByTokenHash("h1", 200)->id, device);
  EXPECT_EQ(Seqs(ab), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(Direct(b, a), ab);
  EXPECT_EQ(Send(Msg(ab, a, "m3"))->seq, 3);
  EXPECT_EQ(Send(Msg(ab, a, "m1")).status().code(), Code::kConflict);
  Result<std::vector<ConversationSummary>> list = store_->ListConversations(b);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].self.read_seq, 2);
}

// Reads from other threads complete while a Write transaction is held open, and see only
// committed data.
TEST_P(StoreTest, ReadersDoNotWaitForAnOpenWrite) {
  int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t ab = Direct(a, b);
  ASSERT_TRUE(Send(Msg(ab, a, "committed")).ok());

  std::promise<void> inside;
  std::promise<void> readers_done;
  std::shared_future<void> done = readers_done.get_future().share();
  Status write_status;
  std::thread writer([&] {
    write_status = store_->Write([&](WriteTxn& txn) -> Status {
      if (Result<Message> m = txn.Append(Msg(ab, b, "held")); !m.ok()) return m.status();
      inside.set_value();
      if (done.wait_for(20s) != std::future_status::ready) {
        return Status(Code::kInternal, "readers never finished");
      }
      return Status::Ok();
    });
  });
  inside.get_future().wait();

  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        Result<std::vector<Message>> messages = store_->MessagesAfter(ab, 0, 10);
        if (!messages.ok() || messages->size() != 1) ++failures;
        Result<std::vector<ConversationSummary>> list = store_->ListConversations(a);
        if (!list.ok() || list->size() != 1 || (*list)[0].last_seq != 1) ++failures;
        if (!store_->FindUserById(b).ok() || !store_->FindMember(ab, b)->has_value()) ++failures;
      }
    });
  }
  for (std::thread& reader : readers) reader.join();
  readers_done.set_value();
  writer.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_TRUE(write_status.ok()) << write_status.message();
  EXPECT_EQ(Seqs(ab), (std::vector<int64_t>{1, 2}));
}

// Readers racing a stream of commits always see a dense, growing prefix.
TEST_P(StoreTest, ConcurrentReadersSeeDenseCommittedPrefix) {
  int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t ab = Direct(a, b);
  constexpr int kWrites = 60, kPerWrite = 5;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      size_t seen = 0;
      while (writing.load()) {
        Result<std::vector<Message>> messages = store_->MessagesAfter(ab, 0, 100000);
        if (!messages.ok() || messages->size() < seen || messages->size() % kPerWrite != 0) {
          ++failures;
          continue;
        }
        for (size_t i = 0; i < messages->size(); ++i) {
          if ((*messages)[i].seq != static_cast<int64_t>(i + 1)) ++failures;
        }
        seen = messages->size();
      }
    });
  }
  for (int w = 0; w < kWrites; ++w) {
    Status status = store_->Write([&](WriteTxn& txn) -> Status {
      for (int i = 0; i < kPerWrite; ++i) {
        Result<Message> m = txn.Append(Msg(ab, a, std::to_string(w) + "." + std::to_string(i)));
        if (!m.ok()) return m.status();
      }
      return Status::Ok();
    });
    ASSERT_TRUE(status.ok()) << status.message();
  }
  writing = false;
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Seqs(ab).size(), static_cast<size_t>(kWrites * kPerWrite));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, AllBackends(), BackendName);

// --- SQLite only ---

TEST(SqliteStoreTest, GarbageFileIsAnError) {
  TempDir dir;
  const std::string path = dir.path() + "/garbage.db";
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 1000; ++i) out << "this is not an SQLite database, just text. ";
  }
  SqliteOptions options;
  options.path = path;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kInternal);
  EXPECT_NE(store.status().message().find("open"), std::string::npos);
}

TEST(SqliteStoreTest, RejectsMemoryAndMissingDirectory) {
  SqliteOptions options;
  options.path = ":memory:";
  EXPECT_FALSE(OpenSqliteStore(options).ok());
  options.path = "/nonexistent-parley-dir/x/parley.db";
  EXPECT_FALSE(OpenSqliteStore(options).ok());
}

TEST(SqliteStoreTest, SchemaVersionRecordedAndChecked) {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.path() + "/parley.db";
  ASSERT_TRUE(OpenSqliteStore(options).ok());
  EXPECT_TRUE(std::filesystem::exists(options.path));

  sqlite::DbOptions raw_options;
  raw_options.writer = true;
  Result<std::unique_ptr<sqlite::SqliteDb>> raw = sqlite::SqliteDb::Open(options.path, raw_options);
  ASSERT_TRUE(raw.ok()) << raw.status().message();
  EXPECT_EQ(*sqlite::SchemaVersion(**raw), sqlite::LatestSchemaVersion());
  // Nothing is pending: applying again is a no-op, not a second CREATE TABLE.
  EXPECT_TRUE(sqlite::ApplyMigrations(**raw).ok());
  // A newer schema than this binary knows is refused rather than misread.
  ASSERT_TRUE((*raw)->Exec("PRAGMA user_version = 99").ok());
  raw->reset();
  Result<std::unique_ptr<Store>> newer = OpenSqliteStore(options);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().code(), Code::kInternal);
}

TEST(SqliteStoreTest, UsesWriteAheadLog) {
  TempDir dir;
  SqliteOptions options;
  options.path = dir.path() + "/parley.db";
  options.synchronous_full = false;
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  ASSERT_TRUE(store.ok()) << store.status().message();
  ASSERT_TRUE((*store)->CreateUser({"alice", "a", "h", 1}).ok());
  EXPECT_TRUE(std::filesystem::exists(options.path + "-wal"));
}

}  // namespace
}  // namespace parley::store
