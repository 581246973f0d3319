// End-to-end tests of administration and reports (docs/protocol.md, "Administration",
// "Reports"), against a real parleyd:
// - every admin route refuses a non-admin with `forbidden`, before looking at the body;
// - users listed and searched in pages; one user's sessions and last activity;
// - disable: the open WebSocket closes at once, login and every old token are refused
//   (`account_disabled` for the login), enable lets the user in again;
// - forced password reset, revoking sessions, deleting an account, granting and revoking the
//   role, server statistics;
// - every action leaves its audit entry, read back newest first in pages;
// - reports: of a readable message or a user; a message the reporter cannot read is
//   `not_found`; hostile and oversized bodies; the per-user limit; resolving one deletes the
//   message (members see the tombstone) or disables the user, once.
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

class AdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    auto root = CreateUser(*server_, "root");
    auto alice = CreateUser(*server_, "alice");
    auto bob = CreateUser(*server_, "bob");
    auto carol = CreateUser(*server_, "carol");
    ASSERT_TRUE(IsOk(root));
    ASSERT_TRUE(IsOk(alice));
    ASSERT_TRUE(IsOk(bob));
    ASSERT_TRUE(IsOk(carol));
    ASSERT_TRUE(IsOk(ClaimAdminSetup(*server_, *root)));
    root_ = *root;
    alice_ = *alice;
    bob_ = *bob;
    carol_ = *carol;
    admin_ = ApiFor(*server_, &root_);
  }

  // The newest audit entry.
  json LastAudit() {
    auto log = admin_->AuditLog(0, 1);
    EXPECT_TRUE(IsOk(log));
    if (!log.ok() || log->at("entries").empty()) return json();
    return log->at("entries")[0];
  }

  void ExpectLastAudit(const std::string& action, const std::string& target) {
    json entry = LastAudit();
    EXPECT_EQ(entry.value("action", ""), action) << entry.dump();
    EXPECT_EQ(entry.value("target", ""), target) << entry.dump();
    EXPECT_EQ(entry.value("actor_id", int64_t{0}), root_.id) << entry.dump();
    EXPECT_GT(entry.value("at", int64_t{0}), 0) << entry.dump();
  }

  static std::string UserTarget(const TestUser& user) { return "user:" + std::to_string(user.id); }

  // Alice sends Bob a message; returns (conversation_id, seq) from her ack.
  std::pair<int64_t, int64_t> BobGetsMessageFromAlice(WsClient& alice_ws, const std::string& text) {
    auto ack = alice_ws.SendToUser(bob_.id, text);
    EXPECT_TRUE(IsOk(ack));
    if (!ack.ok()) return {0, 0};
    return {ack->at("conversation_id").get<int64_t>(), ack->at("seq").get<int64_t>()};
  }

  std::unique_ptr<ServerProcess> server_;
  TestUser root_, alice_, bob_, carol_;
  std::unique_ptr<client::HttpApi> admin_;
};

TEST_F(AdminTest, EveryAdminRouteForbidsOrdinaryUsers) {
  auto alice = ApiFor(*server_, &alice_);
  const std::string bob = std::to_string(bob_.id);
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"GET", "/api/v1/admin/users"},
      {"GET", "/api/v1/admin/users/" + bob},
      {"POST", "/api/v1/admin/users/" + bob + "/disable"},
      {"POST", "/api/v1/admin/users/" + bob + "/enable"},
      {"POST", "/api/v1/admin/users/" + bob + "/password-reset"},
      {"DELETE", "/api/v1/admin/users/" + bob + "/sessions"},
      {"DELETE", "/api/v1/admin/users/" + bob},
      {"PUT", "/api/v1/admin/users/" + bob},
      {"GET", "/api/v1/admin/stats"},
      {"GET", "/api/v1/admin/audit"},
      {"GET", "/api/v1/admin/reports"},
      {"POST", "/api/v1/admin/reports/1/resolve"},
      {"POST", "/api/v1/admin/notices"},
  };
  for (const auto& [method, target] : routes) {
    // A garbage body: the role is checked first.
    auto response = alice->Request(method, target, std::string("{\"x\":"));
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, 403) << method << " " << target;
    EXPECT_NE(response->raw_body.find("\"forbidden\""), std::string::npos) << response->raw_body;
  }
  // Nothing happened to Bob, and nothing was audited but the setup claim.
  auto details = admin_->AdminUser(bob_.id);
  ASSERT_TRUE(IsOk(details));
  EXPECT_EQ(details->at("user").at("disabled"), false);
  EXPECT_EQ(details->at("sessions").size(), 1u);
  ExpectLastAudit("admin.setup", UserTarget(root_));
}

TEST_F(AdminTest, UsersAreListedSearchedAndShownWithTheirSessions) {
  auto first = admin_->AdminUsers("", 0, 2);
  ASSERT_TRUE(IsOk(first));
  ASSERT_EQ(first->at("users").size(), 2u);
  EXPECT_EQ(first->at("has_more"), true);
  EXPECT_EQ(first->at("users")[0].at("username"), "root");
  EXPECT_EQ(first->at("users")[0].at("is_admin"), true);
  const int64_t after = first->at("users")[1].at("id");
  auto rest = admin_->AdminUsers("", after, 50);
  ASSERT_TRUE(IsOk(rest));
  ASSERT_EQ(rest->at("users").size(), 2u);
  EXPECT_EQ(rest->at("has_more"), false);
  EXPECT_EQ(rest->at("users")[1].at("username"), "carol");

  auto found = admin_->AdminUsers("LIC", 0, 50);  // case-blind, inside the name
  ASSERT_TRUE(IsOk(found));
  ASSERT_EQ(found->at("users").size(), 1u);
  EXPECT_EQ(found->at("users")[0].at("username"), "alice");
  EXPECT_FALSE(found->at("users")[0].contains("password_hash"));
  auto wildcard = admin_->AdminUsers("%", 0, 50);  // a literal, not a pattern
  ASSERT_TRUE(IsOk(wildcard));
  EXPECT_TRUE(wildcard->at("users").empty());

  ASSERT_TRUE(IsOk(LoginDevice(*server_, alice_)));
  auto ws = ConnectUser(*server_, alice_);
  ASSERT_TRUE(IsOk(ws));
  auto details = admin_->AdminUser(alice_.id);
  ASSERT_TRUE(IsOk(details));
  EXPECT_EQ(details->at("user").at("username"), "alice");
  EXPECT_EQ(details->at("has_password"), true);
  ASSERT_EQ(details->at("sessions").size(), 2u);
  EXPECT_GT(details->at("sessions")[0].at("last_seen_at").get<int64_t>(), 0);
  EXPECT_FALSE(details->at("sessions")[0].contains("token"));

  struct Case {
    std::string target;
    int status;
  };
  for (const Case& c : std::vector<Case>{{"/api/v1/admin/users?limit=0", 422},
                                         {"/api/v1/admin/users?limit=201", 422},
                                         {"/api/v1/admin/users?limit=99999999999", 422},
                                         {"/api/v1/admin/users?limit=ten", 400},
                                         {"/api/v1/admin/users?after=1e3", 400},
                                         {"/api/v1/admin/users/999999", 404},
                                         {"/api/v1/admin/users/abc", 404},
                                         {"/api/v1/admin/audit?before=x", 400},
                                         {"/api/v1/admin/reports?state=closed", 422}}) {
    auto response = admin_->Request("GET", c.target);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, c.status) << c.target << " " << response->raw_body;
  }
}

TEST_F(AdminTest, DisablingClosesTheWebSocketAndRefusesLoginUntilEnabled) {
  auto ws = ConnectUser(*server_, alice_);
  ASSERT_TRUE(IsOk(ws));
  ASSERT_TRUE(IsOk(admin_->AdminUserAction(alice_.id, "disable")));
  EXPECT_EQ((*ws)->WaitForClose(), 4001);
  ExpectLastAudit("user.disable", UserTarget(alice_));

  // Her old token is dead; a login with the right password gets the typed refusal.
  auto old_token = ApiFor(*server_, &alice_)->Account();
  ASSERT_FALSE(old_token.ok());
  EXPECT_EQ(old_token.status().code(), Code::kUnauthenticated);
  auto login = ApiFor(*server_)->Login("alice", alice_.password);
  ASSERT_FALSE(login.ok());
  EXPECT_EQ(login.status().code(), Code::kAccountDisabled);
  auto raw = ApiFor(*server_)->Request(
      "POST", "/api/v1/sessions",
      json{{"username", "alice"}, {"password", alice_.password}, {"device", "x"}}.dump());
  ASSERT_TRUE(IsOk(raw));
  EXPECT_EQ(raw->status, 403);
  EXPECT_NE(raw->raw_body.find("\"account_disabled\""), std::string::npos) << raw->raw_body;
  // A wrong password still says only that: the state shows to the account's owner alone.
  auto wrong = ApiFor(*server_)->Login("alice", "not her password at all");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Code::kUnauthenticated);

  auto listed = admin_->AdminUser(alice_.id);
  ASSERT_TRUE(IsOk(listed));
  EXPECT_EQ(listed->at("user").at("disabled"), true);
  EXPECT_TRUE(listed->at("sessions").empty());
  // An admin cannot lock themselves out.
  EXPECT_EQ(admin_->AdminUserAction(root_.id, "disable").code(), Code::kForbidden);
  EXPECT_EQ(admin_->AdminUserAction(999999, "disable").code(), Code::kNotFound);

  ASSERT_TRUE(IsOk(admin_->AdminUserAction(alice_.id, "enable")));
  ExpectLastAudit("user.enable", UserTarget(alice_));
  auto again = ApiFor(*server_)->Login("alice", alice_.password);
  ASSERT_TRUE(IsOk(again));
}

TEST_F(AdminTest, ForcedResetAndRevokedSessionsEndEverySession) {
  auto ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(ws));
  ASSERT_TRUE(IsOk(admin_->AdminRevokeSessions(bob_.id)));
  EXPECT_EQ((*ws)->WaitForClose(), 4001);
  ExpectLastAudit("user.sessions_revoke", UserTarget(bob_));
  EXPECT_EQ(ApiFor(*server_, &bob_)->Account().status().code(), Code::kUnauthenticated);
  // Revoking sessions leaves the password: Bob signs in again.
  auto back = LoginDevice(*server_, bob_);
  ASSERT_TRUE(IsOk(back));
  auto ws2 = ConnectUser(*server_, *back);
  ASSERT_TRUE(IsOk(ws2));

  ASSERT_TRUE(IsOk(admin_->AdminUserAction(bob_.id, "password-reset")));
  EXPECT_EQ((*ws2)->WaitForClose(), 4001);
  ExpectLastAudit("user.password_reset", UserTarget(bob_));
  auto login = ApiFor(*server_)->Login("bob", bob_.password);
  ASSERT_FALSE(login.ok());
  EXPECT_EQ(login.status().code(), Code::kUnauthenticated);
  auto details = admin_->AdminUser(bob_.id);
  ASSERT_TRUE(IsOk(details));
  EXPECT_EQ(details->at("has_password"), false);
  EXPECT_EQ(admin_->AdminUserAction(root_.id, "password-reset").code(), Code::kForbidden);
  // The audit entry names the account, never a password or token.
  auto log = admin_->Request("GET", "/api/v1/admin/audit?limit=200");
  ASSERT_TRUE(IsOk(log));
  EXPECT_EQ(log->raw_body.find(bob_.password), std::string::npos);
  EXPECT_EQ(log->raw_body.find(bob_.token), std::string::npos);
}

TEST_F(AdminTest, DeletingAnAccountAndTheRoleAreAudited) {
  ASSERT_TRUE(IsOk(admin_->SetAdmin(alice_.id, true)));
  ExpectLastAudit("user.admin_grant", UserTarget(alice_));
  ASSERT_TRUE(IsOk(admin_->SetAdmin(alice_.id, false)));
  ExpectLastAudit("user.admin_revoke", UserTarget(alice_));

  auto ws = ConnectUser(*server_, carol_);
  ASSERT_TRUE(IsOk(ws));
  EXPECT_EQ(admin_->AdminDeleteUser(root_.id).code(), Code::kForbidden);
  ASSERT_TRUE(IsOk(admin_->AdminDeleteUser(carol_.id)));
  EXPECT_EQ((*ws)->WaitForClose(), 4001);
  ExpectLastAudit("user.delete", UserTarget(carol_));
  EXPECT_EQ(LastAudit().value("details", ""), "carol");
  auto login = ApiFor(*server_)->Login("carol", carol_.password);
  ASSERT_FALSE(login.ok());
  EXPECT_EQ(login.status().code(), Code::kUnauthenticated);
  auto gone = admin_->AdminUser(carol_.id);
  ASSERT_TRUE(IsOk(gone));
  EXPECT_EQ(gone->at("user").at("username"), "~deleted-" + std::to_string(carol_.id));

  auto stats = admin_->AdminStats();
  ASSERT_TRUE(IsOk(stats));
  EXPECT_EQ(stats->at("users"), 3);  // root, alice, bob

  // The audit log pages back from the newest.
  auto page = admin_->AuditLog(0, 2);
  ASSERT_TRUE(IsOk(page));
  ASSERT_EQ(page->at("entries").size(), 2u);
  EXPECT_EQ(page->at("has_more"), true);
  const int64_t oldest_shown = page->at("entries")[1].at("id");
  auto older = admin_->AuditLog(oldest_shown, 50);
  ASSERT_TRUE(IsOk(older));
  ASSERT_EQ(older->at("entries").size(), 2u);  // the setup claim and the grant
  EXPECT_EQ(older->at("entries")[1].at("action"), "admin.setup");
  EXPECT_EQ(older->at("has_more"), false);
}

TEST_F(AdminTest, StatisticsCountTheServer) {
  auto alice_ws = ConnectUser(*server_, alice_);
  ASSERT_TRUE(IsOk(alice_ws));
  BobGetsMessageFromAlice(**alice_ws, "one");
  BobGetsMessageFromAlice(**alice_ws, "two");
  ASSERT_TRUE(IsOk(ApiFor(*server_, &alice_)->Upload("a.txt", "file", std::string(1000, 'x'))));
  auto stats = admin_->AdminStats();
  ASSERT_TRUE(IsOk(stats));
  EXPECT_EQ(stats->at("users"), 4);
  EXPECT_EQ(stats->at("disabled_users"), 0);
  EXPECT_EQ(stats->at("conversations"), 1);
  EXPECT_EQ(stats->at("messages"), 2);
  EXPECT_EQ(stats->at("media_bytes"), 1000);
  EXPECT_EQ(stats->at("online_connections"), 1);
}

TEST_F(AdminTest, ReportsOfReadableMessagesAndUsersOnly) {
  auto alice_ws = ConnectUser(*server_, alice_);
  ASSERT_TRUE(IsOk(alice_ws));
  auto [conversation, seq] = BobGetsMessageFromAlice(**alice_ws, "buy cheap watches");
  auto bob = ApiFor(*server_, &bob_);
  auto carol = ApiFor(*server_, &carol_);

  auto filed = bob->ReportMessage(conversation, seq, "spam");
  ASSERT_TRUE(IsOk(filed));
  EXPECT_EQ(filed->at("kind"), "message");
  EXPECT_EQ(filed->at("user_id"), alice_.id);
  EXPECT_EQ(filed->at("state"), "open");
  // Carol is not in the conversation: the message does not exist for her.
  auto outsider = carol->ReportMessage(conversation, seq, "spam");
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.status().code(), Code::kNotFound);
  EXPECT_EQ(bob->ReportMessage(conversation, seq + 5, "x").status().code(), Code::kNotFound);
  EXPECT_EQ(bob->ReportMessage(999999, 1, "x").status().code(), Code::kNotFound);
  auto own = ApiFor(*server_, &alice_)->ReportMessage(conversation, seq, "x");
  EXPECT_EQ(own.status().code(), Code::kInvalidArgument);
  auto user_report = carol->ReportUser(alice_.id, "harassment");
  ASSERT_TRUE(IsOk(user_report));
  EXPECT_EQ(user_report->at("kind"), "user");
  EXPECT_EQ(carol->ReportUser(999999, "x").status().code(), Code::kNotFound);
  EXPECT_EQ(carol->ReportUser(carol_.id, "x").status().code(), Code::kInvalidArgument);

  struct Case {
    std::string body;
    int status;
  };
  const std::vector<Case> cases = {
      {"", 400},
      {"[]", 400},
      {R"({"user_id":2})", 400},
      {R"({"user_id":"2","reason":"x"})", 400},
      {R"({"conversation_id":1,"reason":"x"})", 400},
      {R"({"reason":"x"})", 422},
      {R"({"user_id":2,"reason":""})", 422},
      {R"({"user_id":2,"conversation_id":1,"seq":1,"reason":"x"})", 422},
      {R"({"user_id":2,"reason":")" + std::string(1001, 'r') + "\"}", 413},
      {R"({"user_id":2,"reason":"\ud800"})", 400},
      {std::string(20, '[') + std::string(20, ']'), 400},
  };
  for (const Case& c : cases) {
    auto response = carol->Request("POST", "/api/v1/reports", c.body);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, c.status) << c.body.substr(0, 80) << " " << response->raw_body;
  }

  auto open = admin_->AdminReports(true);
  ASSERT_TRUE(IsOk(open));
  ASSERT_EQ(open->at("reports").size(), 2u);  // newest first
  EXPECT_EQ(open->at("reports")[0].at("reason"), "harassment");
  EXPECT_EQ(open->at("reports")[1].at("seq"), seq);
}

TEST_F(AdminTest, ResolvingAReportDeletesTheMessageOrDisablesTheUserOnce) {
  auto alice_ws = ConnectUser(*server_, alice_);
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(alice_ws));
  ASSERT_TRUE(IsOk(bob_ws));
  // Named copies, not structured bindings: a lambda below uses seq (clang 14).
  const auto sent = BobGetsMessageFromAlice(**alice_ws, "something vile");
  const int64_t conversation = sent.first;
  const int64_t seq = sent.second;
  auto bob = ApiFor(*server_, &bob_);
  auto message_report = bob->ReportMessage(conversation, seq, "abuse");
  auto user_report = bob->ReportUser(alice_.id, "keeps doing it");
  ASSERT_TRUE(IsOk(message_report));
  ASSERT_TRUE(IsOk(user_report));
  const int64_t message_report_id = message_report->at("id");
  const int64_t user_report_id = user_report->at("id");

  EXPECT_EQ(admin_->ResolveReport(user_report_id, "delete_message").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(admin_->ResolveReport(message_report_id, "ban").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(admin_->ResolveReport(999999, "dismiss").status().code(), Code::kNotFound);
  auto bad = admin_->Request("POST", "/api/v1/admin/reports/1/resolve", "{\"action\":7}");
  ASSERT_TRUE(IsOk(bad));
  EXPECT_EQ(bad->status, 400);

  auto resolved = admin_->ResolveReport(message_report_id, "delete_message");
  ASSERT_TRUE(IsOk(resolved));
  EXPECT_EQ(resolved->at("state"), "resolved");
  EXPECT_EQ(resolved->at("resolution"), "delete_message");
  EXPECT_EQ(resolved->at("resolved_by"), root_.id);
  ExpectLastAudit("report.resolve", "report:" + std::to_string(message_report_id));
  EXPECT_EQ(LastAudit().value("details", ""), "delete_message");
  // Both members see the tombstone op live, as for a sender's delete.
  for (WsClient* ws : {alice_ws->get(), bob_ws->get()}) {
    auto op = ws->WaitFor([&](const json& f) {
      return client::IsType(f, "message") && f.value("kind", "") == "delete" &&
             f.value("target", int64_t{0}) == seq;
    });
    ASSERT_TRUE(IsOk(op));
    EXPECT_EQ(op->at("sender_id"), root_.id);
  }
  auto history = bob->History(conversation);
  ASSERT_TRUE(IsOk(history));
  EXPECT_EQ(history->at("messages")[0].at("deleted"), true);
  EXPECT_EQ(history->at("messages")[0].at("text"), "");
  EXPECT_EQ(admin_->ResolveReport(message_report_id, "dismiss").status().code(), Code::kConflict);

  ASSERT_TRUE(IsOk(admin_->ResolveReport(user_report_id, "disable_user")));
  EXPECT_EQ((*alice_ws)->WaitForClose(), 4001);
  auto login = ApiFor(*server_)->Login("alice", alice_.password);
  EXPECT_EQ(login.status().code(), Code::kAccountDisabled);
  auto open = admin_->AdminReports(true);
  ASSERT_TRUE(IsOk(open));
  EXPECT_TRUE(open->at("reports").empty());
  auto all = admin_->AdminReports(false);
  ASSERT_TRUE(IsOk(all));
  EXPECT_EQ(all->at("reports").size(), 2u);
}

TEST_F(AdminTest, ReportsPerUserAreLimited) {
  auto carol = ApiFor(*server_, &carol_);
  int filed = 0;
  Status last;
  for (int i = 0; i < 25; ++i) {
    auto report = carol->ReportUser(bob_.id, "report " + std::to_string(i));
    if (!report.ok()) {
      last = report.status();
      break;
    }
    ++filed;
  }
  EXPECT_EQ(filed, 20);
  EXPECT_EQ(last.code(), Code::kRateLimited);
  // Others still report.
  ASSERT_TRUE(IsOk(ApiFor(*server_, &alice_)->ReportUser(bob_.id, "me too")));
}

}  // namespace
}  // namespace parley::e2e
