// End-to-end tests of reports of groups and their moderation (docs/protocol.md, "Reports",
// "Administration") against a real parleyd:
// - a member reports their group, anyone a public group; a private group seen from outside, a
//   public one seen by a user banned from it, an unknown or deleted group are all the same
//   `not_found`; the owner cannot report their own group; hostile bodies;
// - a report carries what the reporter saw: a message's kind and text, a group's name, topic,
//   visibility, member count and owner; account deletion clears what it must;
// - an admin shows a group, and resolves a group report: dismiss, make private (out of the
//   directory; members get the event), delete the group (members get group_deleted and the
//   conversation leaves their lists), disable the owner; each audited; wrong actions refused,
//   and ordinary users cannot resolve.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::WsClient;
using nlohmann::json;

template <typename T>
Code CodeOf(const Result<T>& result) {
  return result.ok() ? Code::kOk : result.status().code();
}

// Waits for the group event of `type` in `group`.
Result<json> WaitForEvent(WsClient& ws, int64_t group, std::string_view type) {
  return ws.WaitFor([&](const json& f) {
    return client::IsType(f, "message") && f.value("conversation_id", int64_t{0}) == group &&
           f.value("kind", "") == "event" && f.contains("event") &&
           f["event"].value("type", "") == type;
  });
}

bool Lists(const Result<json>& conversations, int64_t id) {
  if (!conversations.ok()) return false;
  for (const json& c : *conversations) {
    if (c.value("id", int64_t{0}) == id) return true;
  }
  return false;
}

class GroupModerationTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    for (const char* name : {"root", "owner", "member", "outsider"}) {
      auto user = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(user));
      users_.push_back(*user);
    }
    ASSERT_TRUE(IsOk(ClaimAdminSetup(*server_, users_[kRoot])));
    for (const TestUser& user : users_) apis_.push_back(ApiFor(*server_, &user));
  }

  static constexpr int kRoot = 0, kOwner = 1, kMember = 2, kOutsider = 3;
  int64_t id(int i) const { return users_[i].id; }
  client::HttpApi& api(int i) { return *apis_[i]; }

  int64_t Group(bool is_public) {
    auto group = api(kOwner).CreateGroup("Watch deals", {id(kMember)}, "cheap watches", is_public);
    EXPECT_TRUE(IsOk(group));
    return group.ok() ? (*group)["id"].get<int64_t>() : 0;
  }

  json LastAudit() {
    auto log = api(kRoot).AuditLog(0, 1);
    EXPECT_TRUE(IsOk(log));
    if (!log.ok() || log->at("entries").empty()) return json();
    return log->at("entries")[0];
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
};

TEST_F(GroupModerationTest, WhoMayReportAGroupAndWhatTheReportShows) {
  const int64_t hidden = Group(false);
  const int64_t listed = Group(true);

  auto by_member = api(kMember).ReportGroup(hidden, "scam");
  ASSERT_TRUE(IsOk(by_member));
  EXPECT_EQ((*by_member)["kind"], "group");
  EXPECT_EQ((*by_member)["group_id"], hidden);
  EXPECT_EQ((*by_member)["user_id"], id(kOwner));
  EXPECT_EQ((*by_member)["conversation_id"], 0);
  const json& snapshot = (*by_member)["snapshot"];
  EXPECT_EQ(snapshot["name"], "Watch deals");
  EXPECT_EQ(snapshot["topic"], "cheap watches");
  EXPECT_EQ(snapshot["is_public"], false);
  EXPECT_EQ(snapshot["member_count"], 2);
  EXPECT_EQ(snapshot["owner_id"], id(kOwner));

  // From outside, a private group does not exist, exactly like an unknown one.
  auto outside = api(kOutsider).ReportGroup(hidden, "scam");
  auto unknown = api(kOutsider).ReportGroup(999999, "scam");
  EXPECT_EQ(CodeOf(outside), Code::kNotFound);
  EXPECT_EQ(CodeOf(unknown), Code::kNotFound);
  EXPECT_EQ(outside.status().message(), unknown.status().message());
  // A public group is seen by anyone the directory shows it to.
  auto public_report = api(kOutsider).ReportGroup(listed, "scam");
  ASSERT_TRUE(IsOk(public_report));
  EXPECT_EQ((*public_report)["snapshot"]["is_public"], true);
  ASSERT_TRUE(IsOk(api(kOwner).BanFromGroup(listed, id(kOutsider))));
  EXPECT_EQ(CodeOf(api(kOutsider).ReportGroup(listed, "scam")), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kOwner).ReportGroup(hidden, "mine")), Code::kInvalidArgument);
  ASSERT_TRUE(IsOk(api(kOwner).DeleteGroup(hidden)));
  EXPECT_EQ(CodeOf(api(kMember).ReportGroup(hidden, "scam")), Code::kNotFound);

  struct Case {
    std::string body;
    int status;
  };
  const std::string g = std::to_string(listed);
  const std::vector<Case> cases = {
      {R"({"group_id":")" + g + R"(","reason":"x"})", 400},
      {R"({"group_id":)" + g + R"(})", 400},
      {R"({"group_id":)" + g + R"(,"reason":""})", 422},
      {R"({"group_id":)" + g + R"(,"user_id":2,"reason":"x"})", 422},
      {R"({"group_id":)" + g + R"(,"conversation_id":1,"seq":1,"reason":"x"})", 422},
      {R"({"group_id":)" + g + R"(,"reason":")" + std::string(1001, 'r') + "\"}", 413},
      {R"({"group_id":-1,"reason":"x"})", 404},
      {R"({"group_id":1e400,"reason":"x"})", 400},
      {R"({"group_id":99999999999999999999999,"reason":"x"})", 400},
  };
  for (const Case& c : cases) {
    auto response = api(kMember).Request("POST", "/api/v1/reports", c.body);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, c.status) << c.body.substr(0, 80) << " " << response->raw_body;
  }
}

TEST_F(GroupModerationTest, AMessageReportKeepsTheTextTheReporterSawUntilAccountsGo) {
  const int64_t group = Group(false);
  auto ws = ConnectUser(*server_, users_[kOwner]);
  ASSERT_TRUE(IsOk(ws));
  auto ack = (*ws)->SendToConversation(group, "send me your card number");
  ASSERT_TRUE(IsOk(ack));
  const int64_t seq = (*ack)["seq"];
  auto filed = api(kMember).ReportMessage(group, seq, "phishing");
  ASSERT_TRUE(IsOk(filed));
  EXPECT_EQ((*filed)["snapshot"]["kind"], "text");
  EXPECT_EQ((*filed)["snapshot"]["text"], "send me your card number");
  auto listed = api(kRoot).AdminReports(true);
  ASSERT_TRUE(IsOk(listed));
  ASSERT_EQ(listed->at("reports").size(), 1u);
  EXPECT_EQ(listed->at("reports")[0]["snapshot"]["text"], "send me your card number");
  // The sender's text goes with their account, as every text they sent does.
  ASSERT_TRUE(IsOk(api(kRoot).AdminDeleteUser(id(kOwner))));
  listed = api(kRoot).AdminReports(true);
  ASSERT_TRUE(IsOk(listed));
  EXPECT_TRUE(listed->at("reports")[0]["snapshot"].is_null());
  EXPECT_EQ(listed->at("reports")[0]["reason"], "phishing");
}

TEST_F(GroupModerationTest, AReportersSnapshotsGoWithTheirAccount) {
  const int64_t group = Group(true);
  ASSERT_TRUE(IsOk(api(kOutsider).ReportGroup(group, "scam")));
  ASSERT_TRUE(IsOk(api(kRoot).AdminDeleteUser(id(kOutsider))));
  auto listed = api(kRoot).AdminReports(true);
  ASSERT_TRUE(IsOk(listed));
  ASSERT_EQ(listed->at("reports").size(), 1u);
  EXPECT_TRUE(listed->at("reports")[0]["snapshot"].is_null());
  EXPECT_EQ(listed->at("reports")[0]["group_id"], group);
}

TEST_F(GroupModerationTest, AdminsShowGroupsAndRefuseWrongResolutions) {
  const int64_t group = Group(true);
  auto shown = api(kRoot).AdminGroup(group);
  ASSERT_TRUE(IsOk(shown));
  EXPECT_EQ((*shown)["name"], "Watch deals");
  EXPECT_EQ((*shown)["member_count"], 2);
  EXPECT_EQ((*shown)["owner_id"], id(kOwner));
  EXPECT_EQ(CodeOf(api(kRoot).AdminGroup(999999)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kMember).AdminGroup(group)), Code::kForbidden);
  auto not_a_number = api(kRoot).Request("GET", "/api/v1/admin/groups/x1", "");
  ASSERT_TRUE(IsOk(not_a_number));
  EXPECT_EQ(not_a_number->status, 404);

  auto group_report = api(kMember).ReportGroup(group, "scam");
  auto user_report = api(kMember).ReportUser(id(kOwner), "scammer");
  ASSERT_TRUE(IsOk(group_report));
  ASSERT_TRUE(IsOk(user_report));
  const int64_t report = (*group_report)["id"];
  EXPECT_EQ(CodeOf(api(kRoot).ResolveReport(report, "delete_message")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kRoot).ResolveReport(report, "ban_group")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kRoot).ResolveReport((*user_report)["id"], "delete_group")),
            Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(api(kRoot).ResolveReport((*user_report)["id"], "make_private")),
            Code::kInvalidArgument);
  // Ordinary users, the owner and the reporter among them, cannot resolve.
  for (int user : {kOwner, kMember, kOutsider}) {
    EXPECT_EQ(CodeOf(api(user).ResolveReport(report, "delete_group")), Code::kForbidden);
    EXPECT_EQ(CodeOf(api(user).AdminGroup(group)), Code::kForbidden);
  }
  // Nothing happened to the group.
  auto info = api(kOwner).GroupInfo(group);
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ((*info)["group"]["is_public"], true);

  ASSERT_TRUE(IsOk(api(kRoot).ResolveReport(report, "dismiss")));
  EXPECT_EQ(LastAudit()["action"], "report.resolve");
  EXPECT_EQ(LastAudit()["details"], "dismiss");
  EXPECT_EQ(CodeOf(api(kRoot).ResolveReport(report, "delete_group")), Code::kConflict);
  info = api(kOwner).GroupInfo(group);
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ((*info)["group"]["is_public"], true);
}

TEST_F(GroupModerationTest, MakePrivateTakesTheGroupOutOfTheDirectory) {
  const int64_t group = Group(true);
  auto member_ws = ConnectUser(*server_, users_[kMember]);
  ASSERT_TRUE(IsOk(member_ws));
  auto report = api(kOutsider).ReportGroup(group, "scam");
  ASSERT_TRUE(IsOk(report));
  auto resolved = api(kRoot).ResolveReport((*report)["id"], "make_private");
  ASSERT_TRUE(IsOk(resolved));
  EXPECT_EQ((*resolved)["resolution"], "make_private");
  auto event = WaitForEvent(**member_ws, group, "visibility_changed");
  ASSERT_TRUE(IsOk(event));
  EXPECT_EQ((*event)["event"]["is_public"], false);
  EXPECT_EQ((*event)["sender_id"], id(kRoot));
  auto directory = api(kOutsider).PublicGroups("Watch");
  ASSERT_TRUE(IsOk(directory));
  EXPECT_TRUE(directory->empty());
  auto log = api(kRoot).AuditLog(0, 2);
  ASSERT_TRUE(IsOk(log));
  EXPECT_EQ(log->at("entries")[1]["action"], "group.make_private");
  EXPECT_EQ(log->at("entries")[1]["target"], "group:" + std::to_string(group));
  EXPECT_EQ(log->at("entries")[0]["action"], "report.resolve");
  // Members keep their group.
  auto info = api(kMember).GroupInfo(group);
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ((*info)["group"]["is_public"], false);
}

TEST_F(GroupModerationTest, DeleteGroupTellsTheMembersAndLeavesTheirLists) {
  const int64_t group = Group(false);
  auto owner_ws = ConnectUser(*server_, users_[kOwner]);
  auto member_ws = ConnectUser(*server_, users_[kMember]);
  ASSERT_TRUE(IsOk(owner_ws));
  ASSERT_TRUE(IsOk(member_ws));
  ASSERT_TRUE(Lists(api(kMember).Conversations(), group));
  auto report = api(kMember).ReportGroup(group, "illegal goods");
  ASSERT_TRUE(IsOk(report));
  ASSERT_TRUE(IsOk(api(kRoot).ResolveReport((*report)["id"], "delete_group")));
  for (WsClient* ws : {owner_ws->get(), member_ws->get()}) {
    auto deleted = WaitForEvent(*ws, group, "group_deleted");
    ASSERT_TRUE(IsOk(deleted));
    EXPECT_EQ((*deleted)["sender_id"], id(kRoot));
  }
  EXPECT_FALSE(Lists(api(kMember).Conversations(), group));
  EXPECT_FALSE(Lists(api(kOwner).Conversations(), group));
  EXPECT_EQ(CodeOf(api(kOwner).GroupInfo(group)), Code::kNotFound);
  EXPECT_EQ(CodeOf(api(kRoot).AdminGroup(group)), Code::kNotFound);
  auto log = api(kRoot).AuditLog(0, 2);
  ASSERT_TRUE(IsOk(log));
  EXPECT_EQ(log->at("entries")[1]["action"], "group.delete");
  EXPECT_EQ(log->at("entries")[1]["details"], "Watch deals");
  auto old = api(kRoot).AdminReports(false);
  ASSERT_TRUE(IsOk(old));
  EXPECT_EQ(old->at("reports")[0]["resolution"], "delete_group");
}

TEST_F(GroupModerationTest, DisableUserOnAGroupReportDisablesTheOwner) {
  const int64_t group = Group(false);
  auto owner_ws = ConnectUser(*server_, users_[kOwner]);
  ASSERT_TRUE(IsOk(owner_ws));
  auto first = api(kMember).ReportGroup(group, "scam");
  auto second = api(kMember).ReportGroup(group, "still a scam");
  ASSERT_TRUE(IsOk(first));
  ASSERT_TRUE(IsOk(second));
  ASSERT_TRUE(IsOk(api(kRoot).ResolveReport((*first)["id"], "disable_user")));
  EXPECT_EQ((*owner_ws)->WaitForClose(), 4001);
  EXPECT_EQ(CodeOf(ApiFor(*server_)->Login("owner", users_[kOwner].password)),
            Code::kAccountDisabled);
  auto log = api(kRoot).AuditLog(0, 2);
  ASSERT_TRUE(IsOk(log));
  EXPECT_EQ(log->at("entries")[1]["action"], "user.disable");
  EXPECT_EQ(log->at("entries")[1]["target"], "user:" + std::to_string(id(kOwner)));
  // The group stays until an admin deletes it; once its owner deleted it, delete_group finds
  // nothing left and resolves all the same.
  ASSERT_TRUE(IsOk(api(kRoot).AdminGroup(group)));
  ASSERT_TRUE(IsOk(api(kRoot).ResolveReport((*second)["id"], "delete_group")));
  EXPECT_EQ(CodeOf(api(kRoot).AdminGroup(group)), Code::kNotFound);
}

}  // namespace
}  // namespace parley::e2e
