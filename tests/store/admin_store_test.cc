// Store conformance suite for administration (store.h, "administration"): disabled accounts,
// the audit log, reports and the server's counts. Every Store implementation must pass every
// TEST_P.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/store/backends.h"

namespace parley::store {
namespace {

class AdminStoreTest : public BackendTest {};

TEST_P(AdminStoreTest, DisablingIsStoredOnTheUserAndUndone) {
  const int64_t alice = AddUser("alice");
  EXPECT_EQ(store_->FindUserById(alice)->disabled_at, 0);
  ASSERT_TRUE(store_->SetDisabled(alice, 1234).ok());
  EXPECT_EQ(store_->FindUserById(alice)->disabled_at, 1234);
  EXPECT_EQ(store_->FindUserByName("ALICE")->disabled_at, 1234);
  auto listed = store_->SearchUsers("ali", 0, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].disabled_at, 1234);
  ASSERT_TRUE(store_->SetDisabled(alice, 0).ok());
  EXPECT_EQ(store_->FindUserById(alice)->disabled_at, 0);
  EXPECT_EQ(store_->SetDisabled(999, 1).code(), Code::kNotFound);
}

TEST_P(AdminStoreTest, AuditEntriesPageNewestFirst) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    auto id = store_->AddAuditEntry(
        {0, 100 + i, 1, "user.disable", "user:" + std::to_string(i), "name " + std::to_string(i)});
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  for (size_t i = 1; i < ids.size(); ++i) EXPECT_GT(ids[i], ids[i - 1]);
  auto newest = store_->AuditEntries(0, 2);
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 2u);
  EXPECT_EQ((*newest)[0].id, ids[4]);
  EXPECT_EQ((*newest)[0].at, 104);
  EXPECT_EQ((*newest)[0].actor_id, 1);
  EXPECT_EQ((*newest)[0].action, "user.disable");
  EXPECT_EQ((*newest)[0].target, "user:4");
  EXPECT_EQ((*newest)[0].details, "name 4");
  auto older = store_->AuditEntries((*newest)[1].id, 10);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 3u);
  EXPECT_EQ((*older)[2].id, ids[0]);
  EXPECT_TRUE(store_->AuditEntries(0, 0)->empty());
}

TEST_P(AdminStoreTest, ReportsAreListedAndResolvedOnce) {
  const int64_t alice = AddUser("alice"), bob = AddUser("bob");
  Report of_message;
  of_message.reporter_id = alice;
  of_message.user_id = bob;
  of_message.conversation_id = 7;
  of_message.seq = 3;
  of_message.reason = "spam ✉️";
  of_message.created_at = 50;
  Report of_user = of_message;
  of_user.conversation_id = 0;
  of_user.seq = 0;
  of_user.reason = "threats";
  auto first = store_->AddReport(of_message);
  auto second = store_->AddReport(of_user);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());

  auto found = store_->FindReport(*first);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->reporter_id, alice);
  EXPECT_EQ(found->user_id, bob);
  EXPECT_EQ(found->conversation_id, 7);
  EXPECT_EQ(found->seq, 3);
  EXPECT_EQ(found->reason, "spam ✉️");
  EXPECT_EQ(found->resolved_at, 0);
  EXPECT_EQ(store_->FindReport(999).status().code(), Code::kNotFound);

  auto resolved = store_->ResolveReport(*first, alice, "dismiss", 60);
  ASSERT_TRUE(resolved.ok());
  EXPECT_TRUE(*resolved);
  auto again = store_->ResolveReport(*first, bob, "disable_user", 70);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(store_->ResolveReport(999, alice, "dismiss", 60).status().code(), Code::kNotFound);
  found = store_->FindReport(*first);
  EXPECT_EQ(found->resolved_at, 60);
  EXPECT_EQ(found->resolved_by, alice);
  EXPECT_EQ(found->resolution, "dismiss");

  auto open = store_->ListReports(true, 0, 10);
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->size(), 1u);
  EXPECT_EQ((*open)[0].id, *second);
  auto all = store_->ListReports(false, 0, 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, *second);  // newest first
  auto before = store_->ListReports(false, *second, 10);
  ASSERT_TRUE(before.ok());
  ASSERT_EQ(before->size(), 1u);
  EXPECT_EQ((*before)[0].id, *first);
}

TEST_P(AdminStoreTest, ReportsKeepTheirGroupAndSnapshot) {
  const int64_t alice = AddUser("alice"), bob = AddUser("bob");
  Report of_group;
  of_group.reporter_id = alice;
  of_group.user_id = bob;
  of_group.group_id = 41;
  of_group.reason = "scam";
  of_group.created_at = 50;
  of_group.snapshot.group_name = "Deals 💸";
  of_group.snapshot.group_topic = "cheap";
  of_group.snapshot.group_public = true;
  of_group.snapshot.group_members = 212;
  Report of_message;
  of_message.reporter_id = alice;
  of_message.user_id = bob;
  of_message.conversation_id = 7;
  of_message.seq = 3;
  of_message.reason = "phishing";
  of_message.snapshot.message_kind = "text";
  // Quotes, a backslash and a control character travel as they are (U+0000 never reaches a
  // store: the protocol refuses it, proto/json_reader.cc).
  of_message.snapshot.message_text = "it's \\ \x01 'quoted'";
  auto group_id = store_->AddReport(of_group);
  auto message_id = store_->AddReport(of_message);
  ASSERT_TRUE(group_id.ok());
  ASSERT_TRUE(message_id.ok());

  auto group = store_->FindReport(*group_id);
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(group->group_id, 41);
  EXPECT_EQ(group->conversation_id, 0);
  EXPECT_EQ(group->snapshot.group_name, "Deals 💸");
  EXPECT_EQ(group->snapshot.group_topic, "cheap");
  EXPECT_TRUE(group->snapshot.group_public);
  EXPECT_EQ(group->snapshot.group_members, 212);
  EXPECT_EQ(group->snapshot.message_text, "");
  auto message = store_->FindReport(*message_id);
  ASSERT_TRUE(message.ok());
  EXPECT_EQ(message->group_id, 0);
  EXPECT_EQ(message->snapshot.message_kind, "text");
  EXPECT_EQ(message->snapshot.message_text, of_message.snapshot.message_text);
  EXPECT_EQ(message->snapshot.group_name, "");
  auto listed = store_->ListReports(true, 0, 10);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].snapshot.group_members, 212);
}

TEST_P(AdminStoreTest, StatsCountUsersConversationsMessagesAndMedia) {
  const int64_t alice = AddUser("alice"), bob = AddUser("bob");
  ASSERT_TRUE(store_->SetDisabled(bob, 5).ok());
  ASSERT_TRUE(store_
                  ->Write([&](WriteTxn& txn) -> Status {
                    auto direct = txn.DirectConversation(alice, bob);
                    if (!direct.ok()) return direct.status();
                    for (int i = 0; i < 3; ++i) {
                      Message m;
                      m.conversation_id = *direct;
                      m.sender_id = alice;
                      m.client_id = "c" + std::to_string(i);
                      m.text = "hi";
                      m.created_at = 1;
                      if (auto a = txn.Append(m); !a.ok()) return a.status();
                    }
                    Media media;
                    media.id = "m_1";
                    media.owner_id = alice;
                    media.kind = "file";
                    media.mime = "application/octet-stream";
                    media.size = 4096;
                    media.name = "f.bin";
                    media.digest = "d1";
                    media.created_at = 1;
                    return txn.CreateMedia(media);
                  })
                  .ok());
  auto stats = store_->CountStats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->users, 2);
  EXPECT_EQ(stats->disabled_users, 1);
  EXPECT_EQ(stats->conversations, 1);
  EXPECT_EQ(stats->messages, 3);
  EXPECT_EQ(stats->media_bytes, 4096);
  // A deleted account is not counted.
  ASSERT_TRUE(
      store_->Write([&](WriteTxn& txn) { return txn.EraseAccount(bob, "Deleted user").status(); })
          .ok());
  EXPECT_EQ(store_->CountStats()->users, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AdminStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
