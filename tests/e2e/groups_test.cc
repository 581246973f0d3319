// End-to-end tests of groups (docs/protocol.md, "Groups") against a real parleyd with real
// WebSocket sessions: fan-out with dense seqs shared by events and text, late joiners reading
// from their join on, removal and leaving, renames and topics, roles and their limits, mutes,
// ownership transfer, deletion, invite links, join requests, catch-up of events on reconnect,
// and typed errors for bad input. Tests wait on frames (or a ping's pong), never on time.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::WsClient;
using nlohmann::json;

// Waits for the event of `type` in group `group`.
Result<json> WaitForEvent(WsClient& ws, int64_t group, std::string_view type) {
  return ws.WaitFor([&](const json& f) {
    return client::IsType(f, "message") && f.value("conversation_id", int64_t{0}) == group &&
           f.value("kind", "") == "event" && f.contains("event") &&
           f["event"].value("type", "") == type;
  });
}

// Waits for the text message `text` in group `group`.
Result<json> WaitForText(WsClient& ws, int64_t group, std::string_view text) {
  return ws.WaitFor([&](const json& f) {
    return client::IsType(f, "message") && f.value("conversation_id", int64_t{0}) == group &&
           f.value("text", "") == text;
  });
}

// How many message frames of `group` arrived (before a ping's pong).
int MessagesOf(WsClient& ws, int64_t group) {
  int count = 0;
  for (const json& f : DrainUntilPong(ws)) {
    if (client::IsType(f, "message") && f.value("conversation_id", int64_t{0}) == group) ++count;
  }
  return count;
}

Code CodeOf(const Status& status) { return status.code(); }
template <typename T>
Code CodeOf(const Result<T>& result) {
  return result.ok() ? Code::kOk : result.status().code();
}

class GroupsTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    for (const char* name : {"alice", "bob", "carol", "dave"}) {
      auto user = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(user));
      users_.push_back(*user);
      apis_.push_back(ApiFor(*server_, &users_.back()));
      auto ws = ConnectUser(*server_, users_.back());
      ASSERT_TRUE(IsOk(ws));
      ws_.push_back(std::move(*ws));
    }
  }

  int64_t id(int i) const { return users_[i].id; }
  client::HttpApi& api(int i) { return *apis_[i]; }
  WsClient& ws(int i) { return *ws_[i]; }

  // Alice creates "Team" with bob and carol; every member has seen group_created.
  int64_t CreateTeam() {
    auto group = api(0).CreateGroup("Team", {id(1), id(2)});
    EXPECT_TRUE(IsOk(group));
    if (!group.ok()) return 0;
    const int64_t group_id = (*group)["id"].get<int64_t>();
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(IsOk(WaitForEvent(ws(i), group_id, "group_created")));
    return group_id;
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
  std::vector<std::unique_ptr<WsClient>> ws_;
};

TEST_F(GroupsTest, CreateFansOutToEveryMemberWithDenseSeqSharedWithEvents) {
  auto group = api(0).CreateGroup("  Team  ", {id(1), id(2)}, "plans", false);
  ASSERT_TRUE(IsOk(group));
  EXPECT_EQ((*group)["name"], "Team");
  EXPECT_EQ((*group)["member_count"], 3);
  EXPECT_EQ((*group)["my_role"], "owner");
  const int64_t g = (*group)["id"];
  for (int i = 0; i < 3; ++i) {
    auto created = WaitForEvent(ws(i), g, "group_created");
    ASSERT_TRUE(IsOk(created));
    EXPECT_EQ((*created)["seq"], 1);
    EXPECT_EQ((*created)["sender_id"], id(0));
    EXPECT_EQ((*created)["event"]["actor"], id(0));
    EXPECT_EQ((*created)["event"]["name"], "Team");
    EXPECT_EQ((*created)["event"]["users"], json({id(1), id(2)}));
  }
  auto ack = ws(0).SendToConversation(g, "hello team");
  ASSERT_TRUE(IsOk(ack));
  EXPECT_EQ((*ack)["seq"], 2);
  for (int i = 1; i < 3; ++i) {
    auto message = WaitForText(ws(i), g, "hello team");
    ASSERT_TRUE(IsOk(message));
    EXPECT_EQ((*message)["seq"], 2);
    EXPECT_EQ((*message)["kind"], "text");
  }
  auto bob_ack = ws(1).SendToConversation(g, "hi alice");
  ASSERT_TRUE(IsOk(bob_ack));
  EXPECT_EQ((*bob_ack)["seq"], 3);
  EXPECT_EQ(MessagesOf(ws(3), g), 0);  // dave is no member

  auto list = api(1).Conversations();
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  const json& summary = (*list)[0];
  EXPECT_EQ(summary["kind"], "group");
  EXPECT_EQ(summary["name"], "Team");
  EXPECT_EQ(summary["topic"], "plans");
  EXPECT_EQ(summary["member_count"], 3);
  EXPECT_EQ(summary["role"], "member");
  EXPECT_EQ(summary["read_by"], 0);  // bob's own message; alice and carol have not read it
  EXPECT_TRUE(summary["members"].empty());

  auto info = api(2).GroupInfo(g);
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ((*info)["group"]["my_role"], "member");
  ASSERT_EQ((*info)["members"].size(), 3u);
  EXPECT_EQ((*info)["members"][0]["role"], "owner");
  auto page = api(2).GroupMembers(g, 0, 2);
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ((*page)["members"].size(), 2u);
  EXPECT_EQ((*page)["has_more"], true);
  auto rest = api(2).GroupMembers(g, (*page)["next_after"].get<int64_t>(), 2);
  ASSERT_TRUE(IsOk(rest));
  EXPECT_EQ((*rest)["members"].size(), 1u);
  EXPECT_EQ((*rest)["has_more"], false);
}

TEST_F(GroupsTest, LateJoinerReadsFromTheJoinEventOn) {
  const int64_t g = CreateTeam();
  ASSERT_TRUE(IsOk(ws(0).SendToConversation(g, "before dave")));  // seq 2
  ASSERT_TRUE(IsOk(api(0).AddGroupMembers(g, {id(3)})));
  auto joined = WaitForEvent(ws(3), g, "member_added");
  ASSERT_TRUE(IsOk(joined));
  EXPECT_EQ((*joined)["seq"], 3);
  EXPECT_EQ((*joined)["event"]["users"], json({id(3)}));
  ASSERT_TRUE(IsOk(WaitForEvent(ws(1), g, "member_added")));
  ASSERT_TRUE(IsOk(ws(1).SendToConversation(g, "welcome dave")));  // seq 4
  ASSERT_TRUE(IsOk(WaitForText(ws(3), g, "welcome dave")));

  auto history = api(3).History(g);
  ASSERT_TRUE(IsOk(history));
  ASSERT_EQ((*history)["messages"].size(), 2u);
  EXPECT_EQ((*history)["messages"][0]["seq"], 3);
  EXPECT_EQ((*history)["messages"][1]["seq"], 4);
  client::HistoryPage from_start;
  from_start.after = 0;
  auto after = api(3).History(g, from_start);
  ASSERT_TRUE(IsOk(after));
  EXPECT_EQ((*after)["messages"][0]["seq"], 3);

  // A new device of dave replays from the join on, not from seq 1.
  client::SyncResult sync;
  auto again = ConnectUser(*server_, users_[3], {}, &sync);
  ASSERT_TRUE(IsOk(again));
  ASSERT_EQ(sync.messages.size(), 2u);
  EXPECT_EQ(sync.messages[0]["seq"], 3);
}

TEST_F(GroupsTest, RemovedMemberGetsTheRemovalThenNothing) {
  const int64_t g = CreateTeam();
  ASSERT_TRUE(IsOk(api(0).RemoveGroupMember(g, id(1))));
  for (int i = 0; i < 3; ++i) {
    auto removed = WaitForEvent(ws(i), g, "member_removed");
    ASSERT_TRUE(IsOk(removed));
    EXPECT_EQ((*removed)["event"]["users"], json({id(1)}));
  }
  ASSERT_TRUE(IsOk(ws(0).SendToConversation(g, "without bob")));
  ASSERT_TRUE(IsOk(WaitForText(ws(2), g, "without bob")));
  EXPECT_EQ(MessagesOf(ws(1), g), 0);
  EXPECT_EQ(CodeOf(api(1).History(g)), Code::kNotFound);
  EXPECT_EQ(CodeOf(ws(1).SendToConversation(g, "still here?")), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(1).GroupInfo(g)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(0).RemoveGroupMember(g, id(1))), Code::kNotFound);
}

TEST_F(GroupsTest, MembersLeaveTheOwnerTransfersFirst) {
  const int64_t g = CreateTeam();
  EXPECT_EQ(CodeOf(api(0).RemoveGroupMember(g, id(0))), Code::kForbidden);
  ASSERT_TRUE(IsOk(api(2).RemoveGroupMember(g, id(2))));
  auto left = WaitForEvent(ws(0), g, "member_left");
  ASSERT_TRUE(IsOk(left));
  EXPECT_EQ((*left)["event"]["actor"], id(2));
  ASSERT_TRUE(IsOk(WaitForEvent(ws(2), g, "member_left")));
  EXPECT_EQ(CodeOf(api(2).History(g)), Code::kNotFound);

  ASSERT_TRUE(IsOk(api(0).TransferGroup(g, id(1))));
  auto transferred = WaitForEvent(ws(1), g, "ownership_transferred");
  ASSERT_TRUE(IsOk(transferred));
  EXPECT_EQ((*transferred)["event"]["user"], id(1));
  auto bob_view = api(1).GroupInfo(g);
  ASSERT_TRUE(IsOk(bob_view));
  EXPECT_EQ((*bob_view)["group"]["my_role"], "owner");
  auto alice_view = api(0).GroupInfo(g);
  ASSERT_TRUE(IsOk(alice_view));
  EXPECT_EQ((*alice_view)["group"]["my_role"], "admin");
  EXPECT_EQ(CodeOf(api(0).TransferGroup(g, id(0))), Code::kForbidden);        // no longer the owner
  EXPECT_EQ(CodeOf(api(1).TransferGroup(g, id(1))), Code::kInvalidArgument);  // already owns it
  EXPECT_EQ(CodeOf(api(1).TransferGroup(g, id(3))), Code::kNotFound);         // not a member

  ASSERT_TRUE(IsOk(api(0).RemoveGroupMember(g, id(0))));  // alice may leave now
  ASSERT_TRUE(IsOk(WaitForEvent(ws(1), g, "member_left")));
  // The last member leaving deletes the group.
  ASSERT_TRUE(IsOk(api(1).RemoveGroupMember(g, id(1))));
  ASSERT_TRUE(IsOk(WaitForEvent(ws(1), g, "group_deleted")));
  EXPECT_EQ(CodeOf(api(1).GroupInfo(g)), Code::kNotFound);
}

TEST_F(GroupsTest, RenameAndTopicEventsReachEveryone) {
  const int64_t g = CreateTeam();
  ASSERT_TRUE(IsOk(api(0).UpdateGroup(g, {{"name", "Crew"}, {"topic", "launch"}})));
  for (int i = 0; i < 3; ++i) {
    auto renamed = WaitForEvent(ws(i), g, "renamed");
    ASSERT_TRUE(IsOk(renamed));
    EXPECT_EQ((*renamed)["event"]["name"], "Crew");
    auto topic = WaitForEvent(ws(i), g, "topic_changed");
    ASSERT_TRUE(IsOk(topic));
    EXPECT_EQ((*topic)["event"]["topic"], "launch");
    EXPECT_EQ((*topic)["seq"], (*renamed)["seq"].get<int64_t>() + 1);
  }
  auto info = api(2).GroupInfo(g);
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ((*info)["group"]["name"], "Crew");
  EXPECT_EQ((*info)["group"]["topic"], "launch");
  EXPECT_EQ(CodeOf(api(1).UpdateGroup(g, {{"name", "Mine"}})), Code::kForbidden);
  EXPECT_EQ(CodeOf(api(0).UpdateGroup(g, {{"name", std::string(65, 'n')}})),
            Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(0).UpdateGroup(g, {{"name", "   "}})), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(0).UpdateGroup(g, {{"topic", std::string(513, 't')}})), Code::kTooLarge);
  EXPECT_EQ(CodeOf(api(0).UpdateGroup(g, json::object())), Code::kMalformed);
}

TEST_F(GroupsTest, RolesOnlyTheOwnerChangesThemAdminsCannotTouchOwnerOrAdmins) {
  const int64_t g = CreateTeam();
  ASSERT_TRUE(IsOk(api(0).AddGroupMembers(g, {id(3)})));
  EXPECT_EQ(CodeOf(api(1).SetGroupRole(g, id(2), "admin")), Code::kForbidden);
  ASSERT_TRUE(IsOk(api(0).SetGroupRole(g, id(1), "admin")));
  auto promoted = WaitForEvent(ws(2), g, "role_changed");
  ASSERT_TRUE(IsOk(promoted));
  EXPECT_EQ((*promoted)["event"]["user"], id(1));
  EXPECT_EQ((*promoted)["event"]["role"], "admin");
  EXPECT_EQ(CodeOf(api(1).SetGroupRole(g, id(2), "admin")), Code::kForbidden);  // admin, not owner
  EXPECT_EQ(CodeOf(api(1).RemoveGroupMember(g, id(0))), Code::kForbidden);
  EXPECT_EQ(CodeOf(api(0).SetGroupRole(g, id(2), "admin")), Code::kOk);
  EXPECT_EQ(CodeOf(api(1).RemoveGroupMember(g, id(2))), Code::kForbidden);  // another admin
  EXPECT_EQ(CodeOf(api(1).RemoveGroupMember(g, id(3))), Code::kOk);         // admins remove members
  EXPECT_EQ(CodeOf(api(0).RemoveGroupMember(g, id(2))), Code::kOk);  // the owner removes admins
  EXPECT_EQ(CodeOf(api(0).SetGroupRole(g, id(1), "king")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(0).SetGroupRole(g, id(3), "admin")), Code::kNotFound);  // not a member
  ASSERT_TRUE(IsOk(api(0).SetGroupRole(g, id(1), "member")));
  auto info = api(1).GroupInfo(g);
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ((*info)["group"]["my_role"], "member");
}

TEST_F(GroupsTest, MutePreventsSendingUntilUnmuted) {
  const int64_t g = CreateTeam();
  const int64_t until = NowMillis() + 3'600'000;
  ASSERT_TRUE(IsOk(api(0).MuteGroupMember(g, id(1), until)));
  auto muted = WaitForEvent(ws(1), g, "muted");
  ASSERT_TRUE(IsOk(muted));
  EXPECT_EQ((*muted)["event"]["until"], until);
  EXPECT_EQ(CodeOf(ws(1).SendToConversation(g, "let me talk")), Code::kForbidden);
  EXPECT_EQ(CodeOf(api(2).MuteGroupMember(g, id(1), until)), Code::kForbidden);    // a member
  EXPECT_EQ(CodeOf(api(0).MuteGroupMember(g, id(0), until)), Code::kForbidden);    // the owner
  EXPECT_EQ(CodeOf(api(0).MuteGroupMember(g, id(1), 1)), Code::kInvalidArgument);  // the past
  ASSERT_TRUE(IsOk(api(0).MuteGroupMember(g, id(1), 0)));
  ASSERT_TRUE(IsOk(WaitForEvent(ws(1), g, "unmuted")));
  ASSERT_TRUE(IsOk(ws(1).SendToConversation(g, "thanks")));
  ASSERT_TRUE(IsOk(WaitForText(ws(0), g, "thanks")));
}

TEST_F(GroupsTest, DeleteByTheOwnerOnly) {
  const int64_t g = CreateTeam();
  EXPECT_EQ(CodeOf(api(1).DeleteGroup(g)), Code::kForbidden);
  ASSERT_TRUE(IsOk(api(0).DeleteGroup(g)));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(IsOk(WaitForEvent(ws(i), g, "group_deleted")));
  EXPECT_EQ(CodeOf(api(1).History(g)), Code::kNotFound);
  EXPECT_EQ(CodeOf(ws(1).SendToConversation(g, "anyone?")), Code::kNotFound);
  auto list = api(1).Conversations();
  ASSERT_TRUE(IsOk(list));
  EXPECT_TRUE(list->empty());
  EXPECT_EQ(CodeOf(api(0).DeleteGroup(g)), Code::kNotFound);
}

TEST_F(GroupsTest, InviteLinks) {
  const int64_t g = CreateTeam();
  EXPECT_EQ(CodeOf(api(3).CreateGroupInvite(g)), Code::kNotFound);  // dave is no member
  EXPECT_EQ(CodeOf(api(2).CreateGroupInvite(g)), Code::kForbidden);
  auto invite = api(0).CreateGroupInvite(g);
  ASSERT_TRUE(IsOk(invite));
  const std::string code = (*invite)["code"];
  EXPECT_EQ(code.size(), 32u);
  auto joined = api(3).JoinGroup(code);
  ASSERT_TRUE(IsOk(joined));
  EXPECT_EQ((*joined)["id"], g);
  auto added = WaitForEvent(ws(0), g, "member_added");
  ASSERT_TRUE(IsOk(added));
  EXPECT_EQ((*added)["event"]["via"], "invite");
  ASSERT_TRUE(IsOk(WaitForEvent(ws(3), g, "member_added")));
  EXPECT_EQ(CodeOf(api(3).JoinGroup(code)), Code::kConflict);
  EXPECT_EQ(CodeOf(api(3).JoinGroup("not-a-code")), Code::kNotFound);

  auto short_lived = api(0).CreateGroupInvite(g, 1);
  ASSERT_TRUE(IsOk(short_lived));
  // Expiry is a point in time: make sure it has passed (no synchronisation depends on this).
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(IsOk(api(3).RemoveGroupMember(g, id(3))));
  EXPECT_EQ(CodeOf(api(3).JoinGroup((*short_lived)["code"].get<std::string>())), Code::kNotFound);
}

TEST_F(GroupsTest, JoinRequestsForPublicGroups) {
  auto hidden = api(0).CreateGroup("Private", {});
  ASSERT_TRUE(IsOk(hidden));
  EXPECT_EQ(CodeOf(api(3).RequestToJoinGroup((*hidden)["id"])), Code::kNotFound);

  auto open = api(0).CreateGroup("Open", {id(1)}, "", true);
  ASSERT_TRUE(IsOk(open));
  const int64_t g = (*open)["id"];
  ASSERT_TRUE(IsOk(api(3).RequestToJoinGroup(g)));
  EXPECT_EQ(CodeOf(api(3).RequestToJoinGroup(g)), Code::kConflict);
  EXPECT_EQ(CodeOf(api(1).RequestToJoinGroup(g)), Code::kConflict);  // a member already
  EXPECT_EQ(CodeOf(api(1).GroupJoinRequests(g)), Code::kForbidden);
  EXPECT_EQ(CodeOf(api(3).GroupInfo(g)), Code::kNotFound);  // asking is not joining
  auto requests = api(0).GroupJoinRequests(g);
  ASSERT_TRUE(IsOk(requests));
  ASSERT_EQ(requests->size(), 1u);
  EXPECT_EQ((*requests)[0]["user_id"], id(3));
  ASSERT_TRUE(IsOk(api(0).AnswerGroupJoinRequest(g, id(3), true)));
  auto added = WaitForEvent(ws(3), g, "member_added");
  ASSERT_TRUE(IsOk(added));
  EXPECT_EQ((*added)["event"]["via"], "request");
  EXPECT_EQ(CodeOf(api(0).AnswerGroupJoinRequest(g, id(3), true)), Code::kNotFound);

  ASSERT_TRUE(IsOk(api(2).RequestToJoinGroup(g)));
  ASSERT_TRUE(IsOk(api(0).AnswerGroupJoinRequest(g, id(2), false)));
  EXPECT_EQ(CodeOf(api(2).GroupInfo(g)), Code::kNotFound);
}

TEST_F(GroupsTest, ReconnectCatchesUpOnEventsAndMessages) {
  const int64_t g = CreateTeam();
  ws(1).Close();
  ASSERT_TRUE(IsOk(api(0).UpdateGroup(g, {{"name", "Renamed"}})));        // seq 2
  ASSERT_TRUE(IsOk(ws(0).SendToConversation(g, "while you were away")));  // seq 3
  client::SyncResult sync;
  const client::Cursor seen[] = {{g, 1}};
  auto again = ConnectUser(*server_, users_[1], seen, &sync);
  ASSERT_TRUE(IsOk(again));
  ASSERT_EQ(sync.messages.size(), 2u);
  EXPECT_EQ(sync.messages[0]["kind"], "event");
  EXPECT_EQ(sync.messages[0]["event"]["type"], "renamed");
  EXPECT_EQ(sync.messages[1]["text"], "while you were away");
  bool listed = false;
  for (const json& c : sync.synced["conversations"]) {
    if (c["conversation_id"] != g) continue;
    listed = true;
    EXPECT_EQ(c["name"], "Renamed");
    EXPECT_EQ(c["member_count"], 3);
    EXPECT_EQ(c["role"], "member");
  }
  EXPECT_TRUE(listed);
}

TEST_F(GroupsTest, BadInputIsTyped) {
  EXPECT_EQ(CodeOf(api(0).CreateGroup("Ghosts", {id(1), 999999})), Code::kNotFound);
  auto list = api(0).Conversations();
  ASSERT_TRUE(IsOk(list));
  EXPECT_TRUE(list->empty());  // none of the group was created
  EXPECT_EQ(CodeOf(api(0).CreateGroup("Twice", {id(1), id(1)})), Code::kConflict);
  EXPECT_EQ(CodeOf(api(0).CreateGroup("Me too", {id(0)})), Code::kConflict);
  EXPECT_EQ(CodeOf(api(0).CreateGroup("", {id(1)})), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(0).CreateGroup(std::string(65, 'x'), {})), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(0).CreateGroup("Long topic", {}, std::string(513, 't'))), Code::kTooLarge);

  const int64_t g = CreateTeam();
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(g, {id(1)})), Code::kConflict);
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(g, {id(3), id(3)})), Code::kConflict);
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(g, {999999})), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(g, {})), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(2).AddGroupMembers(g, {id(3)})), Code::kForbidden);
  EXPECT_EQ(CodeOf(api(0).GroupInfo(g + 1000)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(3).GroupInfo(g)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(3).UpdateGroup(g, {{"name", "x"}})), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(0).RemoveGroupMember(g, id(3))), Code::kNotFound);

  const std::string base = "/api/v1/groups";
  struct Case {
    std::string method, target, body;
    int status;
  };
  const std::vector<Case> cases = {
      {"POST", base, "not json", 400},
      {"POST", base, R"({"name": 5})", 400},
      {"POST", base, R"({"name": "x", "members": "bob"})", 400},
      {"POST", base, R"({"name": "x", "members": [1.5]})", 400},
      {"POST", base + "/" + std::to_string(g) + "/members", R"({"users": 3})", 400},
      {"PUT", base + "/" + std::to_string(g) + "/members/" + std::to_string(id(1)) + "/role",
       R"({"role": 1})", 400},
      {"POST", base + "/join", R"({})", 400},
      {"GET", base + "/abc", "", 404},
      {"GET", base + "/" + std::to_string(g) + "/members?limit=0", "", 422},
      {"GET", base + "/" + std::to_string(g) + "/members?after=x", "", 400},
      {"GET", base + "/" + std::to_string(g) + "/nothing", "", 404},
  };
  for (const Case& c : cases) {
    auto response = api(0).Request(c.method, c.target, c.body);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, c.status) << c.method << " " << c.target << " " << c.body;
    EXPECT_TRUE(response->body.contains("error")) << response->raw_body;
  }
}

}  // namespace
}  // namespace parley::e2e
