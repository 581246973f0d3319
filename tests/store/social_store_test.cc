// Store conformance suite for the social graph (friend requests, friendships, blocks,
// profiles, last-seen times, user search). Every Store implementation must pass every TEST_P:
// a backend joins by adding a Backend to the INSTANTIATE_TEST_SUITE_P list at the bottom.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/store/backends.h"
#include "tests/support/temp_dir.h"

namespace parley::store {
namespace {

using testing_support::TempDir;

std::vector<int64_t> IdsOf(const std::vector<Relation>& relations) {
  std::vector<int64_t> ids;
  for (const Relation& r : relations) ids.push_back(r.user.id);
  return ids;
}

class SocialStoreTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    Result<std::unique_ptr<Store>> opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
  }

  int64_t AddUser(const std::string& name, const std::string& display_name = "") {
    Result<User> user = store_->CreateUser(
        {name, display_name.empty() ? "Display " + name : display_name, "$argon2id$x", 1000});
    EXPECT_TRUE(user.ok()) << user.status().message();
    return user.ok() ? user->id : 0;
  }

  // Runs `body` in one Write and returns what it returned (the Write's status if that failed).
  Status Txn(const std::function<Status(WriteTxn&)>& body) { return store_->Write(body); }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_P(SocialStoreTest, FriendRequestLifecycle) {
  const int64_t a = AddUser("alice"), b = AddUser("bob");
  ASSERT_TRUE(Txn([&](WriteTxn& txn) { return txn.AddFriendRequest({a, b, "hi", 5}); }).ok());
  EXPECT_EQ(Txn([&](WriteTxn& txn) {
              return txn.AddFriendRequest({a, b, "again", 6});
            }).code(),
            Code::kConflict);
  EXPECT_EQ(Txn([&](WriteTxn& txn) {
              return txn.AddFriendRequest({a, 9999, "", 6});
            }).code(),
            Code::kNotFound);

  auto of_b = store_->ListFriendRequests(b);
  ASSERT_TRUE(of_b.ok());
  ASSERT_EQ(of_b->incoming.size(), 1u);
  EXPECT_EQ(of_b->incoming[0].from_id, a);
  EXPECT_EQ(of_b->incoming[0].note, "hi");
  EXPECT_EQ(of_b->incoming[0].created_at, 5);
  EXPECT_TRUE(of_b->outgoing.empty());
  auto of_a = store_->ListFriendRequests(a);
  ASSERT_TRUE(of_a.ok());
  ASSERT_EQ(of_a->outgoing.size(), 1u);
  EXPECT_EQ(of_a->outgoing[0].to_id, b);

  ASSERT_TRUE(Txn([&](WriteTxn& txn) -> Status {
                auto found = txn.FindFriendRequest(a, b);
                EXPECT_TRUE(found.ok() && found->has_value() && (*found)->note == "hi");
                auto reverse = txn.FindFriendRequest(b, a);
                EXPECT_TRUE(reverse.ok() && !reverse->has_value());
                auto removed = txn.RemoveFriendRequest(a, b);
                EXPECT_TRUE(removed.ok() && *removed);
                auto again = txn.RemoveFriendRequest(a, b);
                EXPECT_TRUE(again.ok() && !*again);
                return Status::Ok();
              }).ok());
  EXPECT_TRUE(store_->ListFriendRequests(b)->incoming.empty());
}

TEST_P(SocialStoreTest, FriendshipIsSymmetric) {
  const int64_t a = AddUser("alice"), b = AddUser("bob"), c = AddUser("carol");
  ASSERT_TRUE(Txn([&](WriteTxn& txn) { return txn.AddFriendship(a, b, 7); }).ok());
  EXPECT_EQ(Txn([&](WriteTxn& txn) { return txn.AddFriendship(b, a, 8); }).code(), Code::kConflict);
  ASSERT_TRUE(Txn([&](WriteTxn& txn) { return txn.AddFriendship(c, a, 9); }).ok());

  auto friends_of_a = store_->ListFriends(a);
  ASSERT_TRUE(friends_of_a.ok());
  EXPECT_EQ(IdsOf(*friends_of_a), (std::vector<int64_t>{b, c}));
  EXPECT_EQ((*friends_of_a)[0].since, 7);
  EXPECT_EQ((*friends_of_a)[0].user.username, "bob");
  EXPECT_TRUE((*friends_of_a)[0].user.password_hash.empty());
  EXPECT_EQ(IdsOf(*store_->ListFriends(b)), (std::vector<int64_t>{a}));

  ASSERT_TRUE(Txn([&](WriteTxn& txn) -> Status {
                EXPECT_TRUE(*txn.AreFriends(a, b));
                EXPECT_TRUE(*txn.AreFriends(b, a));
                EXPECT_EQ(*txn.FriendIds(a), (std::vector<int64_t>{b, c}));
                EXPECT_TRUE(*txn.RemoveFriendship(b, a));
                EXPECT_FALSE(*txn.RemoveFriendship(a, b));
                EXPECT_FALSE(*txn.AreFriends(a, b));
                return Status::Ok();
              }).ok());
  EXPECT_EQ(IdsOf(*store_->ListFriends(a)), (std::vector<int64_t>{c}));
  EXPECT_TRUE(store_->ListFriends(b)->empty());
}

TEST_P(SocialStoreTest, BlockPeersAreTheBlocksEitherWay) {
  const int64_t a = AddUser("alice"), b = AddUser("bob"), c = AddUser("carol"), d = AddUser("dave");
  ASSERT_TRUE(Txn([&](WriteTxn& txn) -> Status {
                EXPECT_TRUE(txn.BlockPeers(a)->empty());
                EXPECT_TRUE(*txn.AddBlock(a, c, 3));  // a blocked c
                EXPECT_TRUE(*txn.AddBlock(b, a, 4));  // b blocked a
                EXPECT_TRUE(*txn.AddBlock(c, d, 5));
                EXPECT_EQ(*txn.BlockPeers(a), (std::vector<int64_t>{b, c}));
                EXPECT_EQ(*txn.BlockPeers(c), (std::vector<int64_t>{a, d}));
                EXPECT_EQ(*txn.BlockPeers(b), (std::vector<int64_t>{a}));
                return Status::Ok();
              }).ok());
}

TEST_P(SocialStoreTest, BlocksAreDirectedAndIdempotent) {
  const int64_t a = AddUser("alice"), b = AddUser("bob");
  ASSERT_TRUE(Txn([&](WriteTxn& txn) -> Status {
                EXPECT_TRUE(*txn.AddBlock(a, b, 3));
                EXPECT_FALSE(*txn.AddBlock(a, b, 4));
                EXPECT_TRUE(*txn.HasBlocked(a, b));
                EXPECT_FALSE(*txn.HasBlocked(b, a));
                return Status::Ok();
              }).ok());
  auto blocks = store_->ListBlocks(a);
  ASSERT_TRUE(blocks.ok());
  EXPECT_EQ(IdsOf(*blocks), (std::vector<int64_t>{b}));
  EXPECT_EQ((*blocks)[0].since, 3);
  EXPECT_TRUE(store_->ListBlocks(b)->empty());
  ASSERT_TRUE(Txn([&](WriteTxn& txn) -> Status {
                EXPECT_TRUE(*txn.RemoveBlock(a, b));
                EXPECT_FALSE(*txn.RemoveBlock(a, b));
                return Status::Ok();
              }).ok());
  EXPECT_TRUE(store_->ListBlocks(a)->empty());
}

TEST_P(SocialStoreTest, UpdateProfileChangesOnlyGivenFields) {
  const int64_t a = AddUser("alice");
  ProfileUpdate update;
  update.status_line = "at the gym";
  update.time_zone = "Europe/Paris";
  User updated;
  ASSERT_TRUE(Txn([&](WriteTxn& txn) -> Status {
                auto user = txn.UpdateProfile(a, update);
                if (!user.ok()) return user.status();
                updated = *user;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(updated.status_line, "at the gym");
  EXPECT_EQ(updated.time_zone, "Europe/Paris");
  EXPECT_EQ(updated.display_name, "Display alice");

  ProfileUpdate second;
  second.display_name = "Alice A.";
  second.status_line = "";  // clears
  ASSERT_TRUE(Txn([&](WriteTxn& txn) { return txn.UpdateProfile(a, second).status(); }).ok());
  auto stored = store_->FindUserById(a);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->display_name, "Alice A.");
  EXPECT_EQ(stored->status_line, "");
  EXPECT_EQ(stored->time_zone, "Europe/Paris");
  EXPECT_EQ(Txn([&](WriteTxn& txn) { return txn.UpdateProfile(9999, second).status(); }).code(),
            Code::kNotFound);
}

TEST_P(SocialStoreTest, SetLastSeenNeverMovesBack) {
  const int64_t a = AddUser("alice");
  ASSERT_TRUE(Txn([&](WriteTxn& txn) { return txn.SetLastSeen(a, 500); }).ok());
  ASSERT_TRUE(Txn([&](WriteTxn& txn) { return txn.SetLastSeen(a, 400); }).ok());
  EXPECT_EQ(store_->FindUserById(a)->last_seen_at, 500);
  EXPECT_EQ(Txn([&](WriteTxn& txn) { return txn.SetLastSeen(9999, 1); }).code(), Code::kNotFound);
}

TEST_P(SocialStoreTest, SearchUsersBySubstringIgnoringCaseAndPaged) {
  const int64_t a = AddUser("alice", "Wonder Land");
  const int64_t b = AddUser("bob", "Alicia Keys");
  AddUser("carol", "Carol");
  const int64_t d = AddUser("under_score", "x");

  auto found = store_->SearchUsers("ALIC", 0, 10);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].id, a);
  EXPECT_EQ((*found)[1].id, b);
  EXPECT_TRUE((*found)[0].password_hash.empty());

  auto first = store_->SearchUsers("li", 0, 1);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->size(), 1u);
  auto next = store_->SearchUsers("li", (*first)[0].id, 10);
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].id, b);

  EXPECT_EQ(store_->SearchUsers("land", 0, 10)->size(), 1u);  // display names too
  // LIKE wildcards in the query match themselves only.
  auto underscore = store_->SearchUsers("_", 0, 10);
  ASSERT_TRUE(underscore.ok());
  ASSERT_EQ(underscore->size(), 1u);
  EXPECT_EQ((*underscore)[0].id, d);
  EXPECT_TRUE(store_->SearchUsers("%", 0, 10)->empty());
  EXPECT_TRUE(store_->SearchUsers("zzz", 0, 10)->empty());
}

TEST_P(SocialStoreTest, MemberIdsOfAConversation) {
  const int64_t a = AddUser("alice"), b = AddUser("bob");
  int64_t conversation = 0;
  ASSERT_TRUE(Txn([&](WriteTxn& txn) -> Status {
                auto id = txn.DirectConversation(b, a);
                if (!id.ok()) return id.status();
                conversation = *id;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(*store_->MemberIds(conversation), (std::vector<int64_t>{a, b}));
  EXPECT_TRUE(store_->MemberIds(conversation + 100)->empty());
}

TEST_P(SocialStoreTest, FindUserInsideWrite) {
  const int64_t a = AddUser("alice");
  ASSERT_TRUE(Txn([&](WriteTxn& txn) -> Status {
                auto user = txn.FindUser(a);
                EXPECT_TRUE(user.ok() && user->username == "alice");
                EXPECT_EQ(txn.FindUser(a + 100).status().code(), Code::kNotFound);
                return Status::Ok();
              }).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, SocialStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
