// E-mail digests end to end: a real parleyd mails what an offline user missed through a real
// SMTP server on loopback (tests/e2e/mail_fixture.h). Covers: one digest per quiet period,
// listing the unread conversations with the sender and text; a new period after the user came
// back and left; the preview level and the profile's language; the refusals of the setting
// (no verified address, wrong types, a server that sends no mail).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/mail_fixture.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

class DigestTest : public MailTest {
 protected:
  // A digest 300 ms after the first miss.
  void StartDigestServer() { StartServer({"--email-digest-after-ms", "300"}); }

  void MakeFriends(const TestUser& a, const TestUser& b) {
    ASSERT_TRUE(IsOk(ApiFor(*server_, &a)->SendFriendRequest(b.id)));
    ASSERT_TRUE(IsOk(ApiFor(*server_, &b)->AcceptFriendRequest(a.id)));
  }

  client::HttpResponse PutSettings(const TestUser& user, const std::string& body) {
    auto reply = ApiFor(*server_, &user)->Request("PUT", "/api/v1/push/settings", body);
    EXPECT_TRUE(reply.ok()) << reply.status().message();
    return reply.ok() ? *reply : client::HttpResponse{};
  }

  // `watcher`'s WebSocket sees `user` go offline: from then on, what is sent to `user` is missed.
  static void WaitOffline(client::WsClient& watcher, int64_t user) {
    auto frame = watcher.WaitFor([user](const json& f) {
      return f.value("type", "") == "presence" && f.value("user_id", int64_t{0}) == user &&
             f.value("status", "") == "offline";
    });
    ASSERT_TRUE(frame.ok()) << "no offline presence for " << user;
  }
};

TEST_F(DigestTest, AnOfflineUserGetsOneDigestPerQuietPeriod) {
  ASSERT_NO_FATAL_FAILURE(StartDigestServer());
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  ASSERT_NO_FATAL_FAILURE(MakeFriends(alice, bob));
  ASSERT_TRUE(IsOk(ApiFor(*server_, &alice)->UpdateProfile(json{{"display_name", "Alice A."}})));
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(bob, "bob@example.org"));
  auto on = PutSettings(bob, R"({"email_digest": true})");
  ASSERT_EQ(on.status, 200) << on.raw_body;
  EXPECT_TRUE(on.body["email_digest"].get<bool>());
  EXPECT_FALSE(on.body["when_away"].get<bool>());
  EXPECT_EQ(on.body["email_digest_after_ms"], 300);

  auto ws = ConnectUser(*server_, alice);
  ASSERT_TRUE(IsOk(ws));
  ASSERT_TRUE(IsOk((*ws)->SendToUser(bob.id, "first")));
  ASSERT_TRUE(IsOk((*ws)->SendToUser(bob.id, "are you there?\r\nBcc: evil@example.org")));
  auto digest = NextMail("bob@example.org", "You have 2 unread messages on Parley");
  ASSERT_TRUE(digest) << "no digest";
  const std::string text = digest->value("text", "");
  EXPECT_NE(text.find("Hello bob,"), std::string::npos) << text;
  EXPECT_NE(text.find("2 messages arrived in 1 conversation"), std::string::npos) << text;
  EXPECT_NE(text.find("- Alice A. (2): \"are you there?  Bcc: evil@example.org\""),
            std::string::npos)
      << "the newest text, on one line: " << text;
  EXPECT_NE(text.find(std::string(kPublicUrl) + "/"), std::string::npos) << text;

  // Still offline: more misses make no second digest in this quiet period. Bob comes back
  // (nothing to tell him then) and leaves; the next miss starts a new period, whose digest is
  // the second mail he ever gets.
  ASSERT_TRUE(IsOk((*ws)->SendToUser(bob.id, "third")));
  {
    auto bob_ws = ConnectUser(*server_, bob);
    ASSERT_TRUE(IsOk(bob_ws));
    (*bob_ws)->Close();
  }
  ASSERT_NO_FATAL_FAILURE(WaitOffline(**ws, bob.id));
  ASSERT_TRUE(IsOk((*ws)->SendToUser(bob.id, "fourth")));
  auto second = NextMail("bob@example.org", "You have 4 unread messages on Parley");
  ASSERT_TRUE(second) << "no digest for the second quiet period";
  EXPECT_NE(second->value("text", "").find("\"fourth\""), std::string::npos);
  EXPECT_EQ(MailsTo("bob@example.org"), 3) << "the verification mail and two digests";

  // Turned off: a new quiet period mails nothing (the next mail is the verification of a new
  // address, and it is the only one since).
  ASSERT_EQ(PutSettings(bob, R"({"email_digest": false})").status, 200);
  {
    auto bob_ws = ConnectUser(*server_, bob);
    ASSERT_TRUE(IsOk(bob_ws));
    (*bob_ws)->Close();
  }
  ASSERT_NO_FATAL_FAILURE(WaitOffline(**ws, bob.id));
  ASSERT_TRUE(IsOk((*ws)->SendToUser(bob.id, "fifth")));
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(alice, "alice@example.org"));
  EXPECT_EQ(MailsTo("bob@example.org"), 3);
}

TEST_F(DigestTest, TheDigestFollowsThePreviewLevelAndTheLanguage) {
  ASSERT_NO_FATAL_FAILURE(StartDigestServer());
  TestUser alice = MustCreate("alice");
  TestUser carol = MustCreate("carol");
  TestUser bob = MustCreate("bob");
  ASSERT_NO_FATAL_FAILURE(MakeFriends(alice, bob));
  ASSERT_NO_FATAL_FAILURE(MakeFriends(carol, bob));
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(bob, "bob@example.org"));
  ASSERT_TRUE(IsOk(ApiFor(*server_, &bob)->UpdateProfile(json{{"language", "zh-CN"}})));
  ASSERT_EQ(PutSettings(bob, R"({"email_digest": true, "preview": "none"})").status, 200);

  auto alice_ws = ConnectUser(*server_, alice);
  auto carol_ws = ConnectUser(*server_, carol);
  ASSERT_TRUE(IsOk(alice_ws));
  ASSERT_TRUE(IsOk(carol_ws));
  ASSERT_TRUE(IsOk((*alice_ws)->SendToUser(bob.id, "secret plans")));
  ASSERT_TRUE(IsOk((*carol_ws)->SendToUser(bob.id, "more secrets")));
  auto digest = NextMail("bob@example.org", "你在 Parley 上有 2 条未读消息");
  ASSERT_TRUE(digest) << "no digest in Chinese";
  const std::string text = digest->value("text", "");
  EXPECT_NE(text.find("2 个会话中收到了 2 条消息"), std::string::npos) << text;
  EXPECT_NE(text.find("- 一个会话 (1)"), std::string::npos) << text;
  for (const char* hidden : {"alice", "carol", "secret"}) {
    EXPECT_EQ(text.find(hidden), std::string::npos) << hidden << " shows at preview none";
  }
}

TEST_F(DigestTest, TheSettingIsRefusedWithoutAVerifiedAddressOrWithWrongTypes) {
  ASSERT_NO_FATAL_FAILURE(StartDigestServer());
  TestUser bob = MustCreate("bob");
  auto refused = PutSettings(bob, R"({"email_digest": true})");
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.body.value("error", json::object()).value("code", ""), "invalid_argument");
  ASSERT_TRUE(IsOk(ApiFor(*server_, &bob)->SetEmail("bob@example.org", bob.password)));
  EXPECT_EQ(PutSettings(bob, R"({"email_digest": true})").status, 422) << "not verified yet";
  for (const char* body : {R"({"email_digest": "yes"})", R"({"when_away": 1})",
                           R"({"when_away": null})", R"({"email_digest": [true]})", "{}"}) {
    auto bad = PutSettings(bob, body);
    EXPECT_EQ(bad.status, 400) << body;
    EXPECT_EQ(bad.body.value("error", json::object()).value("code", ""), "malformed") << body;
  }
  auto settings = ApiFor(*server_, &bob)->Request("GET", "/api/v1/push/settings");
  ASSERT_TRUE(IsOk(settings));
  EXPECT_FALSE(settings->body["email_digest"].get<bool>()) << "nothing half-applied";
  // Turning it off, and pushes while away, need nothing.
  auto away = PutSettings(bob, R"({"when_away": true, "email_digest": false})");
  EXPECT_EQ(away.status, 200) << away.raw_body;
  EXPECT_TRUE(away.body["when_away"].get<bool>());
}

TEST(DigestWithoutMail, AServerThatSendsNoMailRefusesDigests) {
  auto server = ServerProcess::Start({});
  ASSERT_TRUE(IsOk(server));
  auto bob = CreateUser(**server, "bob");
  ASSERT_TRUE(IsOk(bob));
  auto api = ApiFor(**server, &*bob);
  auto refused = api->Request("PUT", "/api/v1/push/settings", R"({"email_digest": true})");
  ASSERT_TRUE(IsOk(refused));
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(refused->body.value("error", json::object()).value("code", ""), "unavailable");
  auto settings = api->Request("GET", "/api/v1/push/settings");
  ASSERT_TRUE(IsOk(settings));
  EXPECT_EQ(settings->body["email_digest_after_ms"], 0);
}

}  // namespace
}  // namespace parley::e2e
