// What the social graph and the groups publish: typed events and their audiences.
#include <gtest/gtest.h>

#include "tests/chat/chat_test_support.h"

namespace parley::chat {
namespace {

TEST(PublishedEventsTest, FriendRequestThenAcceptance) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");

  ASSERT_TRUE(f.social->SendRequest(alice, bob, "hi").ok());
  auto published = f.events.AllPublished();  // a social write returns after publishing
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].users, (std::vector<int64_t>{bob}));
  EXPECT_EQ(published[0].skip, nullptr);
  const auto* requested = As<events::FriendRequested>(published[0].event);
  ASSERT_NE(requested, nullptr);
  EXPECT_EQ(requested->request.from_id, alice);
  EXPECT_EQ(requested->request.to_id, bob);
  EXPECT_EQ(requested->request.note, "hi");
  EXPECT_EQ(requested->from.id, alice);
  EXPECT_EQ(requested->from.username, "alice");
  EXPECT_TRUE(requested->from.password_hash.empty());  // a public profile

  ASSERT_TRUE(f.social->Accept(bob, alice).ok());
  published = f.events.AllPublished();
  ASSERT_EQ(published.size(), 3u);
  // Each side hears of the other.
  EXPECT_EQ(published[1].users, (std::vector<int64_t>{bob}));
  const auto* to_bob = As<events::FriendAdded>(published[1].event);
  ASSERT_NE(to_bob, nullptr);
  EXPECT_EQ(to_bob->added.relation.user.id, alice);
  EXPECT_EQ(published[2].users, (std::vector<int64_t>{alice}));
  const auto* to_alice = As<events::FriendAdded>(published[2].event);
  ASSERT_NE(to_alice, nullptr);
  EXPECT_EQ(to_alice->added.relation.user.id, bob);
  EXPECT_EQ(to_alice->added.relation.since, to_bob->added.relation.since);

  ASSERT_TRUE(f.social->RemoveFriend(alice, bob).ok());
  published = f.events.AllPublished();
  ASSERT_EQ(published.size(), 5u);
  EXPECT_EQ(published[3].users, (std::vector<int64_t>{alice}));
  EXPECT_EQ(As<events::FriendRemoved>(published[3].event)->user_id, bob);
  EXPECT_EQ(published[4].users, (std::vector<int64_t>{bob}));
  EXPECT_EQ(As<events::FriendRemoved>(published[4].event)->user_id, alice);
}

TEST(PublishedEventsTest, GroupChangesReachEveryMemberIncludingTheOneWhoLeaves) {
  ChatFixture f;
  const int64_t alice = f.AddUser("alice");
  const int64_t bob = f.AddUser("bob");
  const int64_t carol = f.AddUser("carol");
  for (int64_t friend_id : {bob, carol}) {  // admins add only their friends
    ASSERT_TRUE(f.social->SendRequest(alice, friend_id, "").ok());
    ASSERT_TRUE(f.social->Accept(friend_id, alice).ok());
  }
  const size_t before = f.events.AllPublished().size();

  NewGroup request;
  request.name = "team";
  request.members = {bob};
  auto group = f.groups->Create(alice, request);
  ASSERT_TRUE(group.ok()) << group.status().message();
  auto published = f.events.AllPublished();
  ASSERT_EQ(published.size(), before + 1);
  EXPECT_EQ(published.back().SortedUsers(), (std::vector<int64_t>{alice, bob}));
  const auto* created = As<events::GroupChanged>(published.back().event);
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(created->change.type, "group_created");
  EXPECT_EQ(created->change.actor, alice);
  EXPECT_EQ(created->change.name.value_or(""), "team");
  EXPECT_EQ(created->change.users, (std::vector<int64_t>{bob}));
  EXPECT_EQ(created->message.conversation_id, group->id);
  EXPECT_EQ(created->message.kind, store::MessageKind::kEvent);
  EXPECT_EQ(created->message.sender_id, alice);
  const int64_t created_seq = created->message.seq;

  ASSERT_TRUE(f.groups->AddMembers(alice, group->id, {carol}).ok());
  published = f.events.AllPublished();
  ASSERT_EQ(published.size(), before + 2);
  // The new member is told too.
  EXPECT_EQ(published.back().SortedUsers(), (std::vector<int64_t>{alice, bob, carol}));
  const auto* added = As<events::GroupChanged>(published.back().event);
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->change.type, "member_added");
  EXPECT_EQ(added->change.users, (std::vector<int64_t>{carol}));
  EXPECT_EQ(added->message.seq, created_seq + 1);

  ASSERT_TRUE(f.groups->RemoveMember(bob, group->id, bob).ok());
  published = f.events.AllPublished();
  ASSERT_EQ(published.size(), before + 3);
  EXPECT_EQ(published.back().SortedUsers(), (std::vector<int64_t>{alice, bob, carol}));
  const auto* left = As<events::GroupChanged>(published.back().event);
  ASSERT_NE(left, nullptr);
  EXPECT_EQ(left->change.type, "member_left");
  EXPECT_EQ(left->change.actor, bob);
}

}  // namespace
}  // namespace parley::chat
