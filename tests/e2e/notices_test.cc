// End-to-end tests of system notices and the server-admin role (docs/protocol.md, "System
// notices and the admin role"), against a real parleyd:
// - no account is an admin by registering first: the one-time setup token parleyd prints makes
//   one (single use, refused when wrong); others are not and get `forbidden`;
// - a notice reaches the chosen users (only them) live, in their read-only system
//   conversation, with kind "notice"; a notice to everyone reaches every user, offline ones on
//   reconnect; it shows in the conversation list and history;
// - admins grant and revoke the role; an admin cannot revoke their own;
// - --admin names an admin at start-up;
// - bad input: empty, oversized and malformed bodies, unknown users (nobody gets anything).
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

class NoticesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    // Made the admin with the setup token the server printed.
    auto admin = CreateUser(*server_, "root");
    auto alice = CreateUser(*server_, "alice");
    auto bob = CreateUser(*server_, "bob");
    ASSERT_TRUE(IsOk(admin));
    ASSERT_TRUE(IsOk(alice));
    ASSERT_TRUE(IsOk(bob));
    ASSERT_TRUE(IsOk(ClaimAdminSetup(*server_, *admin)));
    admin_ = *admin;
    alice_ = *alice;
    bob_ = *bob;
  }

  Result<json> WaitForNotice(WsClient& ws, const std::string& text) {
    return ws.WaitFor([&](const json& f) {
      return client::IsType(f, "message") && f.value("kind", "") == "notice" &&
             f.value("text", "") == text;
    });
  }

  std::unique_ptr<ServerProcess> server_;
  TestUser admin_, alice_, bob_;
};

TEST_F(NoticesTest, SetupTokenMadeTheAdminOthersAreNot) {
  auto me = ApiFor(*server_, &admin_)->Account();
  ASSERT_TRUE(IsOk(me));
  EXPECT_TRUE(me->at("user").at("is_admin").get<bool>());
  auto other = ApiFor(*server_, &alice_)->Account();
  ASSERT_TRUE(IsOk(other));
  EXPECT_FALSE(other->at("user").at("is_admin").get<bool>());
}

TEST_F(NoticesTest, NoticeToChosenUsersArrivesLiveInTheirSystemConversationOnly) {
  auto alice_ws = ConnectUser(*server_, alice_);
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(alice_ws));
  ASSERT_TRUE(IsOk(bob_ws));
  const std::vector<int64_t> to = {alice_.id};
  auto sent = ApiFor(*server_, &admin_)->SendNotice("maintenance at 22:00 🛠️", to);
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 1);

  auto notice = WaitForNotice(**alice_ws, "maintenance at 22:00 🛠️");
  ASSERT_TRUE(IsOk(notice));
  EXPECT_EQ(notice->at("sender_id").get<int64_t>(), admin_.id);
  EXPECT_EQ(notice->at("seq").get<int64_t>(), 1);
  const int64_t system = notice->at("conversation_id").get<int64_t>();

  // Bob got nothing: his session answers a ping with no notice queued before it.
  ASSERT_TRUE(IsOk((*bob_ws)->SendRaw(client::PingFrame("p1"))));
  auto next = (*bob_ws)->Next();
  ASSERT_TRUE(IsOk(next));
  EXPECT_TRUE(client::IsType(*next, "pong")) << next->dump();

  // The conversation list shows it as a system conversation with one unread notice.
  auto list = ApiFor(*server_, &alice_)->Conversations();
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].at("id").get<int64_t>(), system);
  EXPECT_EQ((*list)[0].at("kind").get<std::string>(), "system");
  EXPECT_EQ((*list)[0].at("unread").get<int64_t>(), 1);
  EXPECT_EQ((*list)[0].at("last_message").at("kind").get<std::string>(), "notice");

  // Read-only: neither the user nor anyone else writes into it; outsiders do not see it.
  auto reply = (*alice_ws)->SendToConversation(system, "can I answer?");
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), Code::kForbidden);
  auto outsider = ApiFor(*server_, &bob_)->History(system);
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.status().code(), Code::kNotFound);
  auto history = ApiFor(*server_, &alice_)->History(system);
  ASSERT_TRUE(IsOk(history));
  ASSERT_EQ(history->at("messages").size(), 1u);
}

TEST_F(NoticesTest, NoticeToEveryoneReachesOfflineUsersOnReconnect) {
  auto alice_ws = ConnectUser(*server_, alice_);
  ASSERT_TRUE(IsOk(alice_ws));
  auto sent = ApiFor(*server_, &admin_)->SendNotice("welcome to Parley");
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ(*sent, 3);  // root, alice and bob
  ASSERT_TRUE(IsOk(WaitForNotice(**alice_ws, "welcome to Parley")));

  // Bob was offline: the notice is replayed when he connects.
  client::SyncResult sync;
  auto bob_ws = ConnectUser(*server_, bob_, {}, &sync);
  ASSERT_TRUE(IsOk(bob_ws));
  ASSERT_EQ(sync.messages.size(), 1u);
  EXPECT_EQ(sync.messages[0].at("kind").get<std::string>(), "notice");
  EXPECT_EQ(sync.messages[0].at("text").get<std::string>(), "welcome to Parley");

  // A second notice lands in the same system conversation with the next seq.
  ASSERT_TRUE(IsOk(ApiFor(*server_, &admin_)->SendNotice("second")));
  auto second = WaitForNotice(**bob_ws, "second");
  ASSERT_TRUE(IsOk(second));
  EXPECT_EQ(second->at("conversation_id"), sync.messages[0].at("conversation_id"));
  EXPECT_EQ(second->at("seq").get<int64_t>(), 2);
}

TEST_F(NoticesTest, OrdinaryUsersCannotSendNoticesOrGrantTheRole) {
  auto alice_api = ApiFor(*server_, &alice_);
  auto sent = alice_api->SendNotice("I am admin now");
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.status().code(), Code::kForbidden);
  Status grant = alice_api->SetAdmin(alice_.id, true);
  EXPECT_EQ(grant.code(), Code::kForbidden);
  auto me = alice_api->Account();
  ASSERT_TRUE(IsOk(me));
  EXPECT_FALSE(me->at("user").at("is_admin").get<bool>());
}

TEST_F(NoticesTest, AdminsGrantAndRevokeTheRoleButNotTheirOwn) {
  auto root_api = ApiFor(*server_, &admin_);
  ASSERT_TRUE(IsOk(root_api->SetAdmin(alice_.id, true)));
  // Alice is an admin at once: her next request may send a notice.
  const std::vector<int64_t> to = {bob_.id};
  auto sent = ApiFor(*server_, &alice_)->SendNotice("from alice", to);
  ASSERT_TRUE(IsOk(sent));

  EXPECT_EQ(root_api->SetAdmin(admin_.id, false).code(), Code::kForbidden);
  ASSERT_TRUE(IsOk(root_api->SetAdmin(alice_.id, false)));
  auto again = ApiFor(*server_, &alice_)->SendNotice("from alice again", to);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), Code::kForbidden);
  EXPECT_EQ(root_api->SetAdmin(999999, true).code(), Code::kNotFound);
}

TEST_F(NoticesTest, BadNoticesAreTypedErrorsAndDeliverNothing) {
  auto root_api = ApiFor(*server_, &admin_);
  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  const std::vector<Case> cases = {
      {R"({"text":"","all":true})", 422, "invalid_argument"},
      {R"({"text":"hi"})", 422, "invalid_argument"},
      {R"({"text":"hi","all":true,"users":[2]})", 422, "invalid_argument"},
      {R"({"text":"hi","users":[2,999999]})", 404, "not_found"},
      {R"({"text":"hi","users":["2"]})", 400, "malformed"},
      {R"({"text":"hi","users":2})", 400, "malformed"},
      {R"({"text":"hi","all":"yes"})", 400, "malformed"},
      {R"({"text":7,"all":true})", 400, "malformed"},
      {R"(["text"])", 400, "malformed"},
      {R"({"text":")" + std::string(16385, 'x') + R"(","all":true})", 413, "too_large"},
  };
  for (const Case& c : cases) {
    auto response = root_api->Request("POST", "/api/v1/admin/notices", c.body);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, c.status) << c.body.substr(0, 80);
    EXPECT_NE(response->raw_body.find("\"" + c.code + "\""), std::string::npos)
        << response->raw_body;
  }
  // The notice naming an unknown user reached nobody, not even the known one.
  auto list = ApiFor(*server_, &alice_)->Conversations();
  ASSERT_TRUE(IsOk(list));
  EXPECT_TRUE(list->empty());

  auto role = root_api->Request("PUT", "/api/v1/admin/users/2", R"({"admin":"yes"})");
  ASSERT_TRUE(IsOk(role));
  EXPECT_EQ(role->status, 400);
  auto nobody = root_api->Request("PUT", "/api/v1/admin/users/abc", R"({"admin":true})");
  ASSERT_TRUE(IsOk(nobody));
  EXPECT_EQ(nobody->status, 404);
}

int TokenLines(const std::string& output) {
  int lines = 0;
  for (size_t at = output.find("admin setup token"); at != std::string::npos;
       at = output.find("admin setup token", at + 1)) {
    ++lines;
  }
  return lines;
}

TEST(NoticesAdminSetupTest, FirstAccountIsNoAdminUntilItClaimsTheSetupTokenOnce) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  auto token = AdminSetupToken(**server);
  ASSERT_TRUE(IsOk(token));
  EXPECT_EQ(token->size(), 32u) << *token;
  auto first = CreateUser(**server, "first");
  auto second = CreateUser(**server, "second");
  ASSERT_TRUE(IsOk(first));
  ASSERT_TRUE(IsOk(second));
  auto first_api = ApiFor(**server, &*first);
  auto me = first_api->Account();
  ASSERT_TRUE(IsOk(me));
  EXPECT_FALSE(me->at("user").at("is_admin").get<bool>());
  EXPECT_EQ(first_api->SendNotice("mine now").status().code(), Code::kForbidden);

  // A wrong or malformed token changes nothing; no token at all is 401 as ever.
  std::string wrong = *token;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(first_api->ClaimAdminSetup(wrong).code(), Code::kForbidden);
  EXPECT_EQ(first_api->ClaimAdminSetup("").code(), Code::kForbidden);
  auto malformed = first_api->Request("POST", "/api/v1/admin/setup", R"({"setup_token":7})");
  ASSERT_TRUE(IsOk(malformed));
  EXPECT_EQ(malformed->status, 400);
  auto anonymous = ApiFor(**server)->Request("POST", "/api/v1/admin/setup",
                                             json{{"setup_token", *token}}.dump());
  ASSERT_TRUE(IsOk(anonymous));
  EXPECT_EQ(anonymous->status, 401);

  // The second account claims it; it is single use.
  ASSERT_TRUE(IsOk(ApiFor(**server, &*second)->ClaimAdminSetup(*token)));
  auto admin = ApiFor(**server, &*second)->Account();
  ASSERT_TRUE(IsOk(admin));
  EXPECT_TRUE(admin->at("user").at("is_admin").get<bool>());
  EXPECT_EQ(first_api->ClaimAdminSetup(*token).code(), Code::kForbidden);
  auto still = first_api->Account();
  ASSERT_TRUE(IsOk(still));
  EXPECT_FALSE(still->at("user").at("is_admin").get<bool>());

  // With an admin, a restart prints no token (the output holds every start's lines).
  ASSERT_TRUE(IsOk((*server)->Restart()));
  EXPECT_EQ(TokenLines((*server)->output()), 1) << (*server)->output();
}

TEST(NoticesAdminSetupTest, EveryStartWithoutAnAdminPrintsAFreshToken) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  auto first_token = AdminSetupToken(**server);
  ASSERT_TRUE(IsOk(first_token));
  auto alice = CreateUser(**server, "alice");
  ASSERT_TRUE(IsOk(alice));
  ASSERT_TRUE(IsOk((*server)->Restart()));
  auto second_token = AdminSetupToken(**server);
  ASSERT_TRUE(IsOk(second_token));
  EXPECT_EQ(TokenLines((*server)->output()), 2);
  EXPECT_NE(*first_token, *second_token);
  // The token of the earlier start is dead; the new one works.
  EXPECT_EQ(ApiFor(**server, &*alice)->ClaimAdminSetup(*first_token).code(), Code::kForbidden);
  ASSERT_TRUE(IsOk(ApiFor(**server, &*alice)->ClaimAdminSetup(*second_token)));
}

TEST(NoticesAdminFlagTest, AdminOptionNamesAnAdminAtStartUp) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  ASSERT_TRUE(IsOk(CreateUser(**server, "first")));
  auto carol = CreateUser(**server, "carol");
  ASSERT_TRUE(IsOk(carol));
  auto before = ApiFor(**server, &*carol)->Account();
  ASSERT_TRUE(IsOk(before));
  EXPECT_FALSE(before->at("user").at("is_admin").get<bool>());

  ASSERT_TRUE(IsOk((*server)->Restart({"--admin", "carol"})));
  auto after = ApiFor(**server, &*carol)->Account();
  ASSERT_TRUE(IsOk(after));
  EXPECT_TRUE(after->at("user").at("is_admin").get<bool>());
}

}  // namespace
}  // namespace parley::e2e
