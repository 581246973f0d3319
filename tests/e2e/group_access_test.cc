// End-to-end tests of the ways into a group (docs/protocol.md, "Groups": invites, bans, join
// requests) against a real parleyd: invites are listed and revoked by owners and admins, may
// carry a use limit, and stop working when revoked or used up; a ban keeps a user out by every
// way in (invite code, join request, add) until it is lifted, and removes a member at once; the
// directory of public groups, where join requests start.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

Code CodeOf(const Status& status) { return status.code(); }
template <typename T>
Code CodeOf(const Result<T>& result) {
  return result.ok() ? Code::kOk : result.status().code();
}

class GroupAccessTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    for (const char* name : {"alice", "bob", "carol"}) {
      auto user = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(user));
      users_.push_back(*user);
    }
    for (const TestUser& user : users_) apis_.push_back(ApiFor(*server_, &user));
    auto group = api(0).CreateGroup("Team", {id(1)}, "", /*is_public=*/true);
    ASSERT_TRUE(IsOk(group));
    group_ = (*group)["id"];
  }

  int64_t id(int i) const { return users_[i].id; }
  client::HttpApi& api(int i) { return *apis_[i]; }

  std::string InviteCode(const Result<json>& invite) {
    return invite.ok() ? invite->value("code", std::string()) : std::string();
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
  int64_t group_ = 0;
};

TEST_F(GroupAccessTest, InvitesAreListedRevokedAndUseLimited) {
  auto open = api(0).CreateGroupInvite(group_);
  auto once = api(0).CreateGroupInvite(group_, 0, /*max_uses=*/1);
  ASSERT_TRUE(IsOk(open));
  ASSERT_TRUE(IsOk(once));
  EXPECT_FALSE(open->contains("max_uses"));
  EXPECT_EQ((*once)["max_uses"], 1);
  EXPECT_EQ((*once)["uses"], 0);
  EXPECT_EQ((*once)["created_by"], id(0));
  auto listed = api(0).GroupInvites(group_);
  ASSERT_TRUE(IsOk(listed));
  ASSERT_EQ(listed->size(), 2u);

  ASSERT_TRUE(IsOk(api(2).JoinGroup(InviteCode(once))));
  ASSERT_TRUE(IsOk(api(0).RemoveGroupMember(group_, id(2))));
  EXPECT_EQ(CodeOf(api(2).JoinGroup(InviteCode(once))), Code::kNotFound);  // used up
  listed = api(0).GroupInvites(group_);
  ASSERT_TRUE(IsOk(listed));
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0]["code"], InviteCode(open));

  ASSERT_TRUE(IsOk(api(0).RevokeGroupInvite(group_, InviteCode(open))));
  EXPECT_EQ(CodeOf(api(2).JoinGroup(InviteCode(open))), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(0).RevokeGroupInvite(group_, InviteCode(open))), Code::kNotFound);
  listed = api(0).GroupInvites(group_);
  ASSERT_TRUE(IsOk(listed));
  EXPECT_TRUE(listed->empty());
  EXPECT_EQ(CodeOf(api(0).CreateGroupInvite(group_, 0, -1)), Code::kInvalidArgument);
}

TEST_F(GroupAccessTest, ABanClosesEveryWayInUntilLifted) {
  auto invite = api(0).CreateGroupInvite(group_);
  ASSERT_TRUE(IsOk(invite));
  // A removal alone is no ban: the old code still lets bob back in.
  ASSERT_TRUE(IsOk(api(0).RemoveGroupMember(group_, id(1))));
  ASSERT_TRUE(IsOk(api(1).JoinGroup(InviteCode(invite))));

  ASSERT_TRUE(IsOk(api(0).BanFromGroup(group_, id(1))));
  EXPECT_EQ(CodeOf(api(1).History(group_)), Code::kNotFound);  // removed at once
  EXPECT_EQ(CodeOf(api(1).JoinGroup(InviteCode(invite))), Code::kForbidden);
  EXPECT_EQ(CodeOf(api(1).RequestToJoinGroup(group_)), Code::kForbidden);
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(group_, {id(1)})), Code::kForbidden);
  ASSERT_TRUE(IsOk(api(0).BanFromGroup(group_, id(1))));  // banning twice is fine
  auto bans = api(0).GroupBans(group_);
  ASSERT_TRUE(IsOk(bans));
  ASSERT_EQ(bans->size(), 1u);
  EXPECT_EQ((*bans)[0]["user_id"], id(1));
  EXPECT_EQ((*bans)[0]["banned_by"], id(0));

  // A pending join request is dropped by a ban of someone who is not a member.
  ASSERT_TRUE(IsOk(api(2).RequestToJoinGroup(group_)));
  ASSERT_TRUE(IsOk(api(0).BanFromGroup(group_, id(2))));
  auto requests = api(0).GroupJoinRequests(group_);
  ASSERT_TRUE(IsOk(requests));
  EXPECT_TRUE(requests->empty());

  ASSERT_TRUE(IsOk(api(0).UnbanFromGroup(group_, id(1))));
  EXPECT_EQ(CodeOf(api(0).UnbanFromGroup(group_, id(1))), Code::kNotFound);
  ASSERT_TRUE(IsOk(api(1).JoinGroup(InviteCode(invite))));
  EXPECT_EQ(CodeOf(api(0).BanFromGroup(group_, id(0))), Code::kInvalidArgument);
  // The owner cannot be banned, not even by an admin.
  ASSERT_TRUE(IsOk(api(0).SetGroupRole(group_, id(1), "admin")));
  EXPECT_EQ(CodeOf(api(1).BanFromGroup(group_, id(0))), Code::kForbidden);
}

// The directory lists live public groups by name or topic, says where the caller stands, and
// leaves out private groups and those the caller is banned from; bad paging is refused.
TEST_F(GroupAccessTest, TheDirectoryListsPublicGroupsAndWhereTheCallerStands) {
  auto quiet = api(0).CreateGroup("Quiet room", {}, "", /*is_public=*/false);
  auto knit = api(0).CreateGroup("Knitting 100% wool", {}, "yarn_and_needles", /*is_public=*/true);
  ASSERT_TRUE(IsOk(quiet));
  ASSERT_TRUE(IsOk(knit));
  const int64_t knit_id = (*knit)["id"];

  auto all = api(2).PublicGroups("");
  ASSERT_TRUE(IsOk(all));
  ASSERT_EQ(all->size(), 2u);  // Team and the knitters; not the private room
  EXPECT_EQ((*all)[0]["id"], group_);
  EXPECT_EQ((*all)[0]["member_count"], 2);
  EXPECT_EQ((*all)[0]["member"], false);
  EXPECT_EQ((*all)[0]["requested"], false);
  EXPECT_FALSE((*all)[0].contains("last_seq"));
  // LIKE's wildcards match only themselves; the topic counts too.
  auto found = api(2).PublicGroups("100%");
  ASSERT_TRUE(IsOk(found));
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0]["id"], knit_id);
  found = api(2).PublicGroups("D_N");  // topic "yarn_and_needles", case folded
  ASSERT_TRUE(IsOk(found));
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ(CodeOf(api(2).PublicGroups("wool%")), Code::kOk);
  EXPECT_TRUE(api(2).PublicGroups("wool%")->empty());
  EXPECT_TRUE(api(2).PublicGroups("Quiet")->empty());

  // Where the caller stands: asked, then a member; paging by id.
  ASSERT_TRUE(IsOk(api(2).RequestToJoinGroup(knit_id)));
  auto page = api(2).PublicGroups("", group_, 1);
  ASSERT_TRUE(IsOk(page));
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0]["requested"], true);
  ASSERT_TRUE(IsOk(api(0).AnswerGroupJoinRequest(knit_id, id(2), true)));
  page = api(2).PublicGroups("", group_, 1);
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ((*page)[0]["member"], true);
  EXPECT_EQ((*page)[0]["requested"], false);

  // Banned: the group is not in the directory for them.
  ASSERT_TRUE(IsOk(api(0).BanFromGroup(group_, id(2))));
  all = api(2).PublicGroups("");
  ASSERT_TRUE(IsOk(all));
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0]["id"], knit_id);

  EXPECT_EQ(CodeOf(api(2).PublicGroups(std::string(65, 'x'))), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(2).PublicGroups("", 0, 0)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(2).PublicGroups("", 0, 101)), Code::kInvalidArgument);
  auto raw = api(2).Request("GET", "/api/v1/groups/public?after=x", "");
  ASSERT_TRUE(IsOk(raw));
  EXPECT_EQ(raw->status, 400);
}

}  // namespace
}  // namespace parley::e2e
