// Store conformance suite for the group operations (store.h, "--- groups ---"). Every Store
// implementation must pass it: a backend joins by adding a Backend to the list at the bottom.
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

class GroupStoreTest : public testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    auto opened = GetParam().open(dir_.path());
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    for (const char* name : {"owner", "bob", "carol"}) {
      auto user = store_->CreateUser({name, name, "$argon2id$x", 1000});
      ASSERT_TRUE(user.ok()) << user.status().message();
      users_.push_back(user->id);
    }
  }

  // Runs `body` in one Write and returns what it returned (the Write's error if it failed).
  Status InTxn(const std::function<Status(WriteTxn&)>& body) {
    Status result = Status(Code::kInternal, "body not run");
    Status written = store_->Write([&](WriteTxn& txn) {
      result = body(txn);
      return Status::Ok();
    });
    return written.ok() ? result : written;
  }

  int64_t NewGroup(std::string name) {
    int64_t id = 0;
    Status status = InTxn([&](WriteTxn& txn) -> Status {
      Group group;
      group.name = std::move(name);
      group.topic = "topic";
      group.created_at = 5000;
      auto created = txn.CreateGroup(group);
      if (!created.ok()) return created.status();
      id = *created;
      Member owner;
      owner.user_id = users_[0];
      owner.role = Role::kOwner;
      return txn.AddMember(id, owner, 5000);
    });
    EXPECT_TRUE(status.ok()) << status.message();
    return id;
  }

  Status Add(int64_t group, int64_t user, int64_t first_seq) {
    return InTxn([&](WriteTxn& txn) {
      Member member;
      member.user_id = user;
      member.first_seq = first_seq;
      return txn.AddMember(group, member, 6000);
    });
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<int64_t> users_;
};

TEST_P(GroupStoreTest, CreateFindUpdateGroup) {
  const int64_t id = NewGroup("Team");
  auto group = store_->FindGroup(id);
  ASSERT_TRUE(group.ok()) << group.status().message();
  EXPECT_EQ(group->name, "Team");
  EXPECT_EQ(group->topic, "topic");
  EXPECT_FALSE(group->is_public);
  EXPECT_EQ(group->member_count, 1);
  EXPECT_EQ(group->last_seq, 0);

  group->name = "Renamed";
  group->topic = "";
  group->is_public = true;
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.UpdateGroup(*group); }).ok());
  auto updated = store_->FindGroup(id);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->name, "Renamed");
  EXPECT_EQ(updated->topic, "");
  EXPECT_TRUE(updated->is_public);

  EXPECT_EQ(store_->FindGroup(id + 1000).status().code(), Code::kNotFound);
}

TEST_P(GroupStoreTest, DirectConversationIsNoGroup) {
  int64_t direct = 0;
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                auto id = txn.DirectConversation(users_[0], users_[1]);
                if (!id.ok()) return id.status();
                direct = *id;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(store_->FindGroup(direct).status().code(), Code::kNotFound);
}

TEST_P(GroupStoreTest, MembersWithRolesMutesAndFirstSeq) {
  const int64_t id = NewGroup("Team");
  ASSERT_TRUE(Add(id, users_[1], 4).ok());
  EXPECT_EQ(Add(id, users_[1], 4).code(), Code::kConflict);
  EXPECT_EQ(Add(id, 999999, 4).code(), Code::kNotFound);

  auto bob = store_->FindMember(id, users_[1]);
  ASSERT_TRUE(bob.ok() && bob->has_value());
  EXPECT_EQ((*bob)->first_seq, 4);
  EXPECT_EQ((*bob)->read_seq, 3);
  EXPECT_EQ((*bob)->role, Role::kMember);

  Member changed = **bob;
  changed.role = Role::kAdmin;
  changed.muted_until = 123456;
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.UpdateMember(id, changed); }).ok());
  auto page = store_->GroupMembers(id, 0, 10);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].role, Role::kOwner);
  EXPECT_EQ((*page)[1].role, Role::kAdmin);
  EXPECT_EQ((*page)[1].muted_until, 123456);

  auto after_owner = store_->GroupMembers(id, users_[0], 10);
  ASSERT_TRUE(after_owner.ok());
  ASSERT_EQ(after_owner->size(), 1u);
  EXPECT_EQ((*after_owner)[0].user_id, users_[1]);

  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.RemoveMember(id, users_[1]); }).ok());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.RemoveMember(id, users_[1]); }).code(),
            Code::kNotFound);
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.UpdateMember(id, changed); }).code(),
            Code::kNotFound);
  auto gone = store_->FindMember(id, users_[1]);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_P(GroupStoreTest, DeleteDropsMembersAndHidesTheGroup) {
  const int64_t id = NewGroup("Team");
  ASSERT_TRUE(Add(id, users_[1], 1).ok());
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.DeleteGroup(id); }).ok());
  EXPECT_EQ(store_->FindGroup(id).status().code(), Code::kNotFound);
  auto members = store_->GroupMembers(id, 0, 10);
  ASSERT_TRUE(members.ok());
  EXPECT_TRUE(members->empty());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.DeleteGroup(id); }).code(), Code::kNotFound);
  auto listed = store_->ListConversations(users_[1]);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());
}

TEST_P(GroupStoreTest, InvitesAndJoinRequests) {
  const int64_t id = NewGroup("Team");
  GroupInvite invite{"abc123", id, users_[0], 7000, 8000};
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.CreateInvite(invite); }).ok());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.CreateInvite(invite); }).code(), Code::kConflict);
  GroupInvite found;
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                auto got = txn.FindInvite("abc123");
                if (!got.ok()) return got.status();
                found = *got;
                return Status::Ok();
              }).ok());
  EXPECT_EQ(found.conversation_id, id);
  EXPECT_EQ(found.expires_at, 8000);
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.FindInvite("nope").status(); }).code(),
            Code::kNotFound);

  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.AddJoinRequest({id, users_[2], 9000}); }).ok());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) {
              return txn.AddJoinRequest({id, users_[2], 9001});
            }).code(),
            Code::kConflict);
  auto requests = store_->JoinRequests(id);
  ASSERT_TRUE(requests.ok());
  ASSERT_EQ(requests->size(), 1u);
  EXPECT_EQ((*requests)[0].user_id, users_[2]);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.RemoveJoinRequest(id, users_[2]); }).ok());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.RemoveJoinRequest(id, users_[2]); }).code(),
            Code::kNotFound);
}

TEST_P(GroupStoreTest, InviteUsesRevocationAndBans) {
  const int64_t id = NewGroup("Team");
  GroupInvite open{"open1", id, users_[0], 7000, 9000};
  GroupInvite once{"once1", id, users_[0], 7001, 9000, 1};
  GroupInvite stale{"stale1", id, users_[0], 7002, 7500};
  for (const GroupInvite& invite : {open, once, stale}) {
    ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.CreateInvite(invite); }).ok());
  }
  auto live = store_->GroupInvites(id, 8000);
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 2u);  // not the expired one; oldest first
  EXPECT_EQ((*live)[0].code, "open1");
  EXPECT_EQ((*live)[1].max_uses, 1);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) { return txn.UseInvite("once1"); }).ok());
  EXPECT_EQ(InTxn([&](WriteTxn& txn) { return txn.UseInvite("nope"); }).code(), Code::kNotFound);
  live = store_->GroupInvites(id, 8000);
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 1u);  // used up
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                EXPECT_TRUE(*txn.RemoveInvite(id, "open1"));
                EXPECT_FALSE(*txn.RemoveInvite(id, "open1"));
                EXPECT_FALSE(*txn.RemoveInvite(id + 1, "once1"));  // another group's code
                return Status::Ok();
              }).ok());

  ASSERT_TRUE(
      InTxn([&](WriteTxn& txn) -> Status {
        EXPECT_TRUE(*txn.AddBan({id, users_[2], users_[0], 9100}));
        EXPECT_FALSE(*txn.AddBan({id, users_[2], users_[0], 9200}));
        EXPECT_TRUE(*txn.IsBanned(id, users_[2]));
        EXPECT_FALSE(*txn.IsBanned(id, users_[1]));
        EXPECT_EQ(txn.AddBan({id, 999999, users_[0], 9300}).status().code(), Code::kNotFound);
        return Status::Ok();
      }).ok());
  auto bans = store_->GroupBans(id);
  ASSERT_TRUE(bans.ok());
  ASSERT_EQ(bans->size(), 1u);
  EXPECT_EQ((*bans)[0].user_id, users_[2]);
  EXPECT_EQ((*bans)[0].banned_by, users_[0]);
  EXPECT_EQ((*bans)[0].created_at, 9100);
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                EXPECT_TRUE(*txn.RemoveBan(id, users_[2]));
                EXPECT_FALSE(*txn.RemoveBan(id, users_[2]));
                return Status::Ok();
              }).ok());
}

TEST_P(GroupStoreTest, ConversationListCarriesGroupCountsNotMembers) {
  const int64_t id = NewGroup("Team");
  ASSERT_TRUE(Add(id, users_[1], 1).ok());
  ASSERT_TRUE(Add(id, users_[2], 1).ok());
  Message message;
  message.conversation_id = id;
  message.sender_id = users_[0];
  message.client_id = "m1";
  message.text = "hello";
  message.created_at = 10000;
  ASSERT_TRUE(InTxn([&](WriteTxn& txn) -> Status {
                auto stored = txn.Append(message);
                if (!stored.ok()) return stored.status();
                return txn.AdvanceCursors(id, users_[1], 1, 1).status();
              }).ok());
  auto list = store_->ListConversations(users_[0]);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  const ConversationSummary& summary = (*list)[0];
  EXPECT_EQ(summary.kind, ConversationKind::kGroup);
  EXPECT_EQ(summary.name, "Team");
  EXPECT_EQ(summary.topic, "topic");
  EXPECT_EQ(summary.member_count, 3);
  EXPECT_EQ(summary.read_by, 1);  // bob read it; carol did not; the owner is not counted
  EXPECT_EQ(summary.self.role, Role::kOwner);
  EXPECT_TRUE(summary.others.empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, GroupStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
