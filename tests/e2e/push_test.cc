// Push notifications end to end: a real parleyd and the loopback push service of
// tests/peers/push_service.mjs, which decrypts every Web Push payload with the `http_ece`
// package, verifies the VAPID JWT with node's crypto, checks webhook signatures, and answers
// 201, 410 or 429 (or holds a request) as its path says.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

constexpr std::chrono::seconds kWait(15);

class PushTest : public ::testing::Test {
 protected:
  void SetUp() override { StartAll({}); }

  void StartAll(std::vector<std::string> extra) {
    auto peer = PeerProcess::Start({PARLEY_NODE_PATH, "push_service.mjs"}, PARLEY_PEERS_DIR);
    ASSERT_TRUE(IsOk(peer));
    peer_ = std::move(*peer);
    hello_ = peer_->WaitForLine([](const json& j) { return j.contains("port"); });
    ASSERT_FALSE(hello_.is_null()) << "the push service did not start (npm ci --prefix "
                                      "tests/peers, scripts/install-deps)";
    base_ = "http://127.0.0.1:" + std::to_string(hello_["port"].get<int>());
    ServerProcess::Options options;
    options.extra_args = {"--push-allow-private-endpoints", "true", "--push-backoff-ms", "50"};
    options.extra_args.insert(options.extra_args.end(), extra.begin(), extra.end());
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
  }

  client::HttpResponse Call(const TestUser& user, std::string_view method, std::string_view target,
                            std::optional<std::string> body = {}) {
    auto response = ApiFor(*server_, &user)->Request(method, target, std::move(body));
    EXPECT_TRUE(IsOk(response));
    return response.ok() ? *response : client::HttpResponse{};
  }

  client::HttpResponse RegisterWebPush(const TestUser& user, std::string_view path) {
    json body = {{"provider", "webpush"},
                 {"endpoint", base_ + std::string(path)},
                 {"keys", {{"p256dh", hello_["p256dh"]}, {"auth", hello_["auth"]}}}};
    return Call(user, "POST", "/api/v1/push/targets", body.dump());
  }

  // The first request the push service saw on `path` with status `status` (-1: any).
  json PushOn(std::string_view path, int status = -1, int64_t seq = -1) {
    return peer_->WaitForLine(
        [&](const json& j) {
          return j.value("path", "") == path && (status < 0 || j.value("status", -2) == status) &&
                 (seq < 0 || (j.contains("payload") && j["payload"].value("seq", -1) == seq));
        },
        kWait);
  }

  // Sends `text` from `from` to `to` over a fresh WebSocket; returns the ack.
  json Send(const TestUser& from, const TestUser& to, std::string_view text) {
    auto ws = ConnectUser(*server_, from);
    EXPECT_TRUE(IsOk(ws));
    if (!ws.ok()) return json();
    auto ack = (*ws)->SendToUser(to.id, text);
    EXPECT_TRUE(IsOk(ack));
    return ack.ok() ? *ack : json();
  }

  bool WaitUntil(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  std::unique_ptr<PeerProcess> peer_;
  std::unique_ptr<ServerProcess> server_;
  json hello_;
  std::string base_;
};

TEST_F(PushTest, AnOfflineUserGetsAnEncryptedSignedWebPush) {
  auto alice = CreateUser(*server_, "alice");
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob));
  client::HttpResponse registered = RegisterWebPush(*bob, "/push/ok");
  ASSERT_EQ(registered.status, 201) << registered.raw_body;
  EXPECT_EQ(registered.body["target"]["provider"], "webpush");
  EXPECT_EQ(registered.body["target"]["device_id"], bob->device_id);
  client::HttpResponse key = Call(*bob, "GET", "/api/v1/push/vapid-key");
  ASSERT_EQ(key.status, 200);

  json ack = Send(*alice, *bob, "hello bob 👋");
  const int64_t conversation = ack["conversation_id"].get<int64_t>();
  json push = PushOn("/push/ok", 201);
  ASSERT_FALSE(push.is_null()) << server_->output();
  EXPECT_EQ(push["vapid_k"], key.body["public_key"]);  // signed by the key parleyd serves
  EXPECT_EQ(push["topic"], "c" + std::to_string(conversation));
  EXPECT_EQ(push["urgency"], "high");
  const json& payload = push["payload"];
  EXPECT_EQ(payload["kind"], "message");
  EXPECT_EQ(payload["conversation_id"], conversation);
  EXPECT_EQ(payload["seq"], ack["seq"]);
  EXPECT_EQ(payload["sender_id"], alice->id);
  EXPECT_EQ(payload["title"], "alice");
  EXPECT_EQ(payload["body"], "hello bob 👋");
  EXPECT_EQ(payload["count"], 1);
  // Never the text in the log.
  EXPECT_EQ(server_->output().find("hello bob"), std::string::npos);

  // While bob is online nothing is pushed; the sender is never notified of their own message.
  auto bob_ws = ConnectUser(*server_, *bob);
  ASSERT_TRUE(IsOk(bob_ws));
  RegisterWebPush(*alice, "/push/ok?alice");
  auto carol = CreateUser(*server_, "carol");
  ASSERT_TRUE(IsOk(carol));
  ASSERT_EQ(RegisterWebPush(*carol, "/push/ok?carol").status, 201);
  Send(*alice, *bob, "you are online");
  Send(*alice, *carol, "sentinel");  // pushed after anything the message to bob caused
  ASSERT_FALSE(PushOn("/push/ok?carol", 201).is_null());
  EXPECT_EQ(peer_->Lines([](const json& j) { return j.value("path", "") == "/push/ok"; }).size(),
            1u);
  EXPECT_TRUE(
      peer_->Lines([](const json& j) { return j.value("path", "") == "/push/ok?alice"; }).empty());
}

TEST_F(PushTest, PreviewLevelsHideTheTextAndTheSender) {
  auto alice = CreateUser(*server_, "alice");
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob));
  ASSERT_EQ(RegisterWebPush(*bob, "/push/ok").status, 201);
  client::HttpResponse set = Call(*bob, "PUT", "/api/v1/push/settings", R"({"preview":"sender"})");
  ASSERT_EQ(set.status, 200) << set.raw_body;
  EXPECT_EQ(set.body["preview"], "sender");
  json ack = Send(*alice, *bob, "the secret plan");
  json push = PushOn("/push/ok", 201, ack["seq"].get<int64_t>());
  ASSERT_FALSE(push.is_null());
  EXPECT_EQ(push["payload"]["title"], "alice");
  EXPECT_EQ(push["payload"]["body"], "New message");

  ASSERT_EQ(Call(*bob, "PUT", "/api/v1/push/settings", R"({"preview":"none"})").status, 200);
  ack = Send(*alice, *bob, "the secret plan, again");
  push = PushOn("/push/ok", 201, ack["seq"].get<int64_t>());
  ASSERT_FALSE(push.is_null());
  EXPECT_EQ(push["payload"]["title"], "Parley");
  EXPECT_EQ(push["payload"]["body"], "New message");
  EXPECT_FALSE(push["payload"].contains("sender_id"));
  EXPECT_EQ(push.dump().find("secret"), std::string::npos);

  // A muted conversation is not pushed (the next, unmuted one is).
  const int64_t conversation = ack["conversation_id"].get<int64_t>();
  ASSERT_EQ(Call(*bob, "PUT", "/api/v1/push/mutes/" + std::to_string(conversation), "{}").status,
            204);
  json muted = Send(*alice, *bob, "muted");
  auto carol = CreateUser(*server_, "carol");
  ASSERT_TRUE(IsOk(carol));
  json other = Send(*carol, *bob, "not muted");
  ASSERT_FALSE(PushOn("/push/ok", 201, other["seq"].get<int64_t>()).is_null());
  EXPECT_TRUE(peer_
                  ->Lines([&](const json& j) {
                    return j.contains("payload") &&
                           j["payload"].value("conversation_id", 0) == conversation &&
                           j["payload"].value("seq", 0) == muted["seq"].get<int64_t>();
                  })
                  .empty());
  client::HttpResponse settings = Call(*bob, "GET", "/api/v1/push/settings");
  ASSERT_EQ(settings.body["mutes"].size(), 1u);
  EXPECT_EQ(settings.body["mutes"][0]["conversation_id"], conversation);
}

// Do-not-disturb hours are in the user's profile time zone: a window around the current time
// in Kolkata (UTC+5:30) silences bob there, while the same clock times read as UTC would not.
TEST_F(PushTest, QuietHoursInTheUsersTimeZoneSilenceNotifications) {
  auto alice = CreateUser(*server_, "alice");
  auto bob = CreateUser(*server_, "bob");
  auto carol = CreateUser(*server_, "carol");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob) && IsOk(carol));
  ASSERT_EQ(RegisterWebPush(*bob, "/push/ok").status, 201);
  ASSERT_EQ(RegisterWebPush(*carol, "/push/ok?carol").status, 201);
  ASSERT_EQ(
      Call(*bob, "PATCH", "/api/v1/account/profile", R"({"time_zone":"Asia/Kolkata"})").status,
      200);
  auto clock = [](int64_t minute) {
    minute = ((minute % 1440) + 1440) % 1440;
    char text[6];
    std::snprintf(text, sizeof text, "%02d:%02d", int(minute / 60), int(minute % 60));
    return std::string(text);
  };
  const int64_t utc_minute = std::chrono::duration_cast<std::chrono::minutes>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count() %
                             1440;
  const int64_t kolkata_minute = utc_minute + 330;
  auto quiet = [&](int64_t around) {
    return json{{"quiet_hours", {{"start", clock(around - 20)}, {"end", clock(around + 20)}}}}
        .dump();
  };
  client::HttpResponse set = Call(*bob, "PUT", "/api/v1/push/settings", quiet(kolkata_minute));
  ASSERT_EQ(set.status, 200) << set.raw_body;
  EXPECT_EQ(set.body["quiet_hours"]["start"], clock(kolkata_minute - 20));
  EXPECT_EQ(set.body["preview"], "full");  // untouched

  json silenced = Send(*alice, *bob, "while bob sleeps");
  json sentinel = Send(*alice, *carol, "sentinel");
  ASSERT_FALSE(PushOn("/push/ok?carol", 201, sentinel["seq"].get<int64_t>()).is_null());
  EXPECT_TRUE(
      peer_->Lines([](const json& j) { return j.value("path", "") == "/push/ok"; }).empty());

  // The same window in UTC is not bob's night: pushed.
  ASSERT_EQ(Call(*bob, "PUT", "/api/v1/push/settings", quiet(utc_minute)).status, 200);
  json heard = Send(*alice, *bob, "bob is awake in Kolkata");
  json pushed = PushOn("/push/ok", 201);
  ASSERT_FALSE(pushed.is_null()) << server_->output();
  EXPECT_EQ(pushed["payload"]["seq"], heard["seq"]);
  EXPECT_EQ(pushed["payload"]["count"], 1);  // the silenced one was dropped, not queued

  client::HttpResponse cleared =
      Call(*bob, "PUT", "/api/v1/push/settings", R"({"quiet_hours":null})");
  EXPECT_TRUE(cleared.body["quiet_hours"].is_null());
  auto code = [&](std::string body) {
    client::HttpResponse r = Call(*bob, "PUT", "/api/v1/push/settings", std::move(body));
    return r.body.is_object() && r.body.contains("error")
               ? r.body["error"]["code"].get<std::string>()
               : std::to_string(r.status);
  };
  EXPECT_EQ(code("{}"), "malformed");
  EXPECT_EQ(code(R"({"quiet_hours":"22:00-07:00"})"), "malformed");
  EXPECT_EQ(code(R"({"quiet_hours":{"start":"22:00"}})"), "malformed");
  EXPECT_EQ(code(R"({"quiet_hours":{"start":"24:00","end":"07:00"}})"), "invalid_argument");
  EXPECT_EQ(code(R"({"quiet_hours":{"start":"7:00","end":"08:00"}})"), "invalid_argument");
  EXPECT_EQ(code(R"({"quiet_hours":{"start":"08:00","end":"08:00"}})"), "invalid_argument");
  EXPECT_EQ(
      code(json{{"quiet_hours", {{"start", std::string(5000, '1')}, {"end", "07:00"}}}}.dump()),
      "invalid_argument");
}

TEST_F(PushTest, AGoneEndpointRemovesTheTargetAndThrottlingIsRetried) {
  auto alice = CreateUser(*server_, "alice");
  auto bob = CreateUser(*server_, "bob");
  auto carol = CreateUser(*server_, "carol");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob) && IsOk(carol));
  ASSERT_EQ(RegisterWebPush(*bob, "/push/gone").status, 201);
  ASSERT_EQ(RegisterWebPush(*carol, "/push/flaky").status, 201);
  Send(*alice, *bob, "to a gone subscription");
  json ack = Send(*alice, *carol, "to a throttled service");
  ASSERT_FALSE(PushOn("/push/gone", 410).is_null());
  EXPECT_TRUE(
      WaitUntil([&] { return Call(*bob, "GET", "/api/v1/push/targets").body["targets"].empty(); }));
  ASSERT_FALSE(PushOn("/push/flaky", 429).is_null());
  json retried = PushOn("/push/flaky", 201);
  ASSERT_FALSE(retried.is_null());
  EXPECT_EQ(retried["payload"]["seq"], ack["seq"]);
  EXPECT_EQ(retried["payload"]["body"], "to a throttled service");
}

TEST_F(PushTest, WebhooksAreSignedAndLogoutRemovesTargets) {
  auto alice = CreateUser(*server_, "alice");
  auto bot = CreateUser(*server_, "bot");
  ASSERT_TRUE(IsOk(alice) && IsOk(bot));
  client::HttpResponse registered =
      Call(*bot, "POST", "/api/v1/push/targets",
           json{{"provider", "webhook"}, {"endpoint", base_ + "/hook"}}.dump());
  ASSERT_EQ(registered.status, 201) << registered.raw_body;
  const std::string secret = registered.body["target"]["secret"];
  EXPECT_EQ(secret.size(), 64u);
  peer_->WriteLine(json{{"secret", secret}}.dump());
  // The secret is shown once: listing never carries it.
  client::HttpResponse listed = Call(*bot, "GET", "/api/v1/push/targets");
  ASSERT_EQ(listed.body["targets"].size(), 1u);
  EXPECT_FALSE(listed.body["targets"][0].contains("secret"));

  json ack = Send(*alice, *bot, "deploy done ✅");
  json hook = PushOn("/hook", 201);
  ASSERT_FALSE(hook.is_null()) << peer_->Lines([](const json&) { return true; }).size();
  EXPECT_EQ(hook["payload"]["body"], "deploy done ✅");
  EXPECT_EQ(hook["payload"]["seq"], ack["seq"]);

  // Logging the device out removes its target.
  ASSERT_EQ(Call(*bot, "DELETE", "/api/v1/sessions/current").status, 204);
  auto again = LoginDevice(*server_, *bot, "second");
  ASSERT_TRUE(IsOk(again));
  EXPECT_TRUE(Call(*again, "GET", "/api/v1/push/targets").body["targets"].empty());
}

TEST_F(PushTest, BadRegistrationsGetTypedErrors) {
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(bob));
  auto code = [&](std::string body) {
    client::HttpResponse r = Call(*bob, "POST", "/api/v1/push/targets", std::move(body));
    return r.body.is_object() && r.body.contains("error")
               ? r.body["error"]["code"].get<std::string>()
               : std::to_string(r.status);
  };
  const json keys = {{"p256dh", hello_["p256dh"]}, {"auth", hello_["auth"]}};
  EXPECT_EQ(code("{not json"), "malformed");
  EXPECT_EQ(code(R"({"provider":"webpush"})"), "malformed");
  EXPECT_EQ(code(json{{"provider", "carrier-pigeon"}, {"endpoint", base_}}.dump()),
            "invalid_argument");
  EXPECT_EQ(code(json{{"provider", "webpush"}, {"endpoint", "ftp://x/y"}, {"keys", keys}}.dump()),
            "invalid_argument");
  EXPECT_EQ(code(json{{"provider", "webpush"},
                      {"endpoint", base_ + "/" + std::string(2000, 'x')},
                      {"keys", keys}}
                     .dump()),
            "invalid_argument");
  EXPECT_EQ(code(json{{"provider", "webpush"},
                      {"endpoint", base_ + "/push/ok"},
                      {"keys", {{"p256dh", "AAAA"}, {"auth", hello_["auth"]}}}}
                     .dump()),
            "invalid_argument");
  EXPECT_EQ(code(json{{"provider", "webpush"},
                      {"endpoint", base_ + "/push/ok"},
                      {"keys", {{"p256dh", std::string(300, 'A')}, {"auth", hello_["auth"]}}}}
                     .dump()),
            "invalid_argument");
  EXPECT_EQ(Call(*bob, "DELETE", "/api/v1/push/targets/12345").status, 404);
  EXPECT_EQ(Call(*bob, "PUT", "/api/v1/push/settings", R"({"preview":"loud"})").status, 422);
}

TEST_F(PushTest, TargetsAreCappedPerUserAndPrivateEndpointsRefusedByDefault) {
  server_.reset();
  StartAll({"--push-max-targets-per-user", "2"});
  auto bob = CreateUser(*server_, "bob", "one");
  ASSERT_TRUE(IsOk(bob));
  auto two = LoginDevice(*server_, *bob, "two");
  auto three = LoginDevice(*server_, *bob, "three");
  ASSERT_TRUE(IsOk(two) && IsOk(three));
  EXPECT_EQ(RegisterWebPush(*bob, "/push/ok?1").status, 201);
  EXPECT_EQ(RegisterWebPush(*bob, "/push/ok?1b").status, 201);  // replaces the device's own
  EXPECT_EQ(RegisterWebPush(*two, "/push/ok?2").status, 201);
  client::HttpResponse third = RegisterWebPush(*three, "/push/ok?3");
  EXPECT_EQ(third.status, 413);
  EXPECT_EQ(third.body["error"]["code"], "quota_exceeded");

  server_.reset();
  auto strict = ServerProcess::Start();  // no --push-allow-private-endpoints
  ASSERT_TRUE(IsOk(strict));
  server_ = std::move(*strict);
  auto carol = CreateUser(*server_, "carol");
  ASSERT_TRUE(IsOk(carol));
  client::HttpResponse refused = RegisterWebPush(*carol, "/push/ok");  // http://127.0.0.1
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(refused.body["error"]["code"], "invalid_argument");
}

TEST_F(PushTest, AJobInFlightDuringKillDashNineIsSentAgainOnceAfterRestart) {
  auto alice = CreateUser(*server_, "alice");
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob));
  ASSERT_EQ(RegisterWebPush(*bob, "/push/hold").status, 201);
  json ack = Send(*alice, *bob, "survives a crash");
  ASSERT_FALSE(PushOn("/push/hold", 0).is_null());  // held open by the push service
  server_->Kill();
  ASSERT_TRUE(IsOk(server_->Restart()));
  json again = PushOn("/push/hold", 201);
  ASSERT_FALSE(again.is_null()) << server_->output();
  EXPECT_EQ(again["payload"]["seq"], ack["seq"]);
  // Delivered: no third request. A later message to bob comes after it, alone.
  json later = Send(*alice, *bob, "after the restart");
  ASSERT_FALSE(PushOn("/push/hold", 201, later["seq"].get<int64_t>()).is_null());
  EXPECT_EQ(peer_
                ->Lines([&](const json& j) {
                  return j.value("path", "") == "/push/hold" &&
                         j["payload"].value("seq", 0) == ack["seq"].get<int64_t>();
                })
                .size(),
            2u);
}

// A group of 1,000 whose members are all offline with a Web Push target each: being added and
// then a burst of messages reach every member, coalesced, with the server's memory bounded.
// Prints the outbox's throughput (decrypted and verified by the push service).
TEST_F(PushTest, ABurstToAThousandOfflineMembersIsDeliveredCoalesced) {
  constexpr int kMembers = 999;
  server_.reset();
  StartAll({"--login-attempts-per-address", "1000000"});
  auto alice = CreateUser(*server_, "alice");
  ASSERT_TRUE(IsOk(alice));
  std::vector<int64_t> members;
  for (int i = 0; i < kMembers; ++i) {
    auto member = CreateUser(*server_, "member" + std::to_string(i));
    ASSERT_TRUE(IsOk(member));
    ASSERT_EQ(RegisterWebPush(*member, "/push/ok?m=" + std::to_string(member->id)).status, 201);
    members.push_back(member->id);
  }
  auto count_kind = [&](std::string_view kind) {
    return peer_
        ->Lines([&](const json& j) {
          return j.value("status", 0) == 201 && j.contains("payload") &&
                 j["payload"].value("kind", "") == kind;
        })
        .size();
  };
  const auto added_at = std::chrono::steady_clock::now();
  auto group = ApiFor(*server_, &*alice)->CreateGroup("everyone", members);
  ASSERT_TRUE(IsOk(group));
  ASSERT_TRUE(WaitUntil([&] { return count_kind("added_to_group") >= kMembers; }))
      << count_kind("added_to_group");
  const double added_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - added_at).count();
  std::printf("push: %d added_to_group notifications delivered in %.2f s (%.0f/s)\n", kMembers,
              added_s, kMembers / added_s);

  const int64_t group_id = (*group)["id"].get<int64_t>();
  json added = peer_->WaitForLine([](const json& j) {
    return j.contains("payload") && j["payload"].value("kind", "") == "added_to_group";
  });
  EXPECT_EQ(added["payload"]["title"], "alice");
  EXPECT_EQ(added["payload"]["body"], "added you to everyone");
  auto ws = ConnectUser(*server_, *alice);
  ASSERT_TRUE(IsOk(ws));
  int64_t last_seq = 0;
  const auto burst_at = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    auto ack = (*ws)->SendToConversation(group_id, "burst " + std::to_string(i));
    ASSERT_TRUE(IsOk(ack));
    last_seq = (*ack)["seq"].get<int64_t>();
  }
  // Every member hears of the last message; bursts coalesce, so far fewer than 5 per member.
  ASSERT_TRUE(WaitUntil([&] {
    return peer_
               ->Lines([&](const json& j) {
                 return j.value("status", 0) == 201 && j.contains("payload") &&
                        j["payload"].value("seq", 0) == last_seq;
               })
               .size() >= static_cast<size_t>(kMembers);
  }));
  json last = peer_->WaitForLine([&](const json& j) {
    return j.contains("payload") && j["payload"].value("seq", 0) == last_seq;
  });
  EXPECT_EQ(last["payload"]["title"], "alice · everyone");  // group names in titles
  const double burst_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - burst_at).count();
  const size_t message_pushes = count_kind("message");
  std::printf(
      "push: 5 messages to %d offline members: %zu notifications (%.2f per member) in "
      "%.2f s; server RSS %.1f MiB\n",
      kMembers, message_pushes, static_cast<double>(message_pushes) / kMembers, burst_s,
      server_->ResidentMiB());
  EXPECT_LT(message_pushes, static_cast<size_t>(5 * kMembers));
  EXPECT_LT(server_->ResidentMiB(), 200 + kSanitizerSlackMiB);
}

}  // namespace
}  // namespace parley::e2e
