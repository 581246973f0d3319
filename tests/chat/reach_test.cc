// chat/social/reach.h, table-driven over a real SQLite store: every relation between two users
// (missing, stranger, friend, blocked either way) against every kind of contact and option, and
// who receives live frames in direct conversations and groups.
#include "chat/social/reach.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/support/temp_dir.h"

namespace parley::chat {
namespace {

using testing_support::TempDir;

enum class Relation { kMissing, kStranger, kFriend, kTheyBlockedMe, kIBlockedThem };

class ReachTest : public testing::Test {
 protected:
  void SetUp() override { Open(0); }

  // A fresh store (its own file) with three users and no relations.
  void Open(int n) {
    users_.clear();
    store_.reset();
    store::SqliteOptions options;
    options.path = dir_.path() + "/parley" + std::to_string(n) + ".db";
    options.synchronous_full = false;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    for (const char* name : {"ann", "ben", "cat"}) {
      auto user = store_->CreateUser(store::NewUser{name, name, "hash", 1});
      ASSERT_TRUE(user.ok());
      users_.push_back(user->id);
    }
  }

  Status Write(const std::function<Status(store::WriteTxn&)>& body) { return store_->Write(body); }

  // Sets up `relation` between ann (the actor) and ben; returns the other user's id.
  int64_t Relate(Relation relation) {
    const int64_t me = users_[0], other = users_[1];
    Status s = Write([&](store::WriteTxn& txn) -> Status {
      switch (relation) {
        case Relation::kFriend:
          return txn.AddFriendship(me, other, 1);
        case Relation::kTheyBlockedMe:
          return txn.AddBlock(other, me, 1).status();
        case Relation::kIBlockedThem:
          return txn.AddBlock(me, other, 1).status();
        default:
          return Status::Ok();
      }
    });
    EXPECT_TRUE(s.ok()) << s.message();
    return relation == Relation::kMissing ? 999999 : other;
  }

  TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::vector<int64_t> users_;
};

TEST_F(ReachTest, EveryRelationAgainstEveryContact) {
  struct Case {
    Relation relation;
    Contact contact;
    bool friendship_required;
    Code expected;
  };
  const Case cases[] = {
      {Relation::kMissing, Contact::kDirect, true, Code::kNotFound},
      {Relation::kMissing, Contact::kGroupAdd, false, Code::kNotFound},
      {Relation::kMissing, Contact::kRequest, false, Code::kNotFound},
      {Relation::kStranger, Contact::kDirect, true, Code::kForbidden},
      {Relation::kStranger, Contact::kDirect, false, Code::kOk},
      {Relation::kStranger, Contact::kGroupAdd, true, Code::kForbidden},
      {Relation::kStranger, Contact::kGroupAdd, false, Code::kOk},
      {Relation::kStranger, Contact::kRequest, true, Code::kOk},
      {Relation::kFriend, Contact::kDirect, true, Code::kOk},
      {Relation::kFriend, Contact::kGroupAdd, true, Code::kOk},
      {Relation::kTheyBlockedMe, Contact::kDirect, false, Code::kBlocked},
      {Relation::kTheyBlockedMe, Contact::kGroupAdd, false, Code::kBlocked},
      {Relation::kTheyBlockedMe, Contact::kRequest, false, Code::kBlocked},
      {Relation::kIBlockedThem, Contact::kDirect, false, Code::kForbidden},
      {Relation::kIBlockedThem, Contact::kGroupAdd, false, Code::kForbidden},
      {Relation::kIBlockedThem, Contact::kRequest, false, Code::kForbidden},
  };
  int index = 0;
  for (const Case& test : cases) {
    SCOPED_TRACE(index);
    Open(++index);
    const int64_t other = Relate(test.relation);
    const ReachOptions options{test.friendship_required, test.friendship_required};
    Status checked = Status(Code::kInternal, "not run");
    ASSERT_TRUE(Write([&](store::WriteTxn& txn) {
                  checked = CheckContact(txn, options, test.contact, users_[0], other);
                  return Status::Ok();
                }).ok());
    EXPECT_EQ(checked.code(), test.expected) << checked.message();
  }
}

TEST_F(ReachTest, LiveFramesSkipBlocksInGroupsAndRefusedPairsInDirectChats) {
  const int64_t ann = users_[0], ben = users_[1], cat = users_[2];
  ConversationCache cache;
  const ReachOptions options{true, true};
  ASSERT_TRUE(
      Write([&](store::WriteTxn& txn) -> Status {
        store::Group group;
        group.name = "Team";
        auto id = txn.CreateGroup(group);
        if (!id.ok()) return id.status();
        for (int64_t user : {ann, ben, cat}) {
          store::Member member;
          member.user_id = user;
          if (Status s = txn.AddMember(*id, member, 1); !s.ok()) return s;
        }
        if (auto blocked = txn.AddBlock(ben, ann, 1); !blocked.ok()) {
          return blocked.status();
        }
        auto from_ann = LiveAudience(txn, cache, options, ann, *id);
        EXPECT_EQ(**from_ann, (std::vector<int64_t>{ann, cat}));
        auto from_ben = LiveAudience(txn, cache, options, ben, *id);
        EXPECT_EQ(**from_ben, (std::vector<int64_t>{ben, cat}));
        auto from_cat = LiveAudience(txn, cache, options, cat, *id);
        EXPECT_EQ(**from_cat, (std::vector<int64_t>{ann, ben, cat}));
        EXPECT_EQ(LiveAudience(txn, cache, options, 999999, *id).status().code(), Code::kNotFound);

        // ann and cat are strangers: their direct chat's frames stay with the sender
        // until they are friends (the cache is cleared as social tasks do).
        auto direct = txn.DirectConversation(ann, cat);
        if (!direct.ok()) return direct.status();
        EXPECT_EQ(**LiveAudience(txn, cache, options, ann, *direct), (std::vector<int64_t>{ann}));
        if (Status s = txn.AddFriendship(ann, cat, 2); !s.ok()) return s;
        cache.Clear();
        EXPECT_EQ(**LiveAudience(txn, cache, options, ann, *direct),
                  (std::vector<int64_t>{ann, cat}));
        return Status::Ok();
      }).ok());
}

}  // namespace
}  // namespace parley::chat
