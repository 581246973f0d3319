// FCM and APNs end to end: a real parleyd and the loopback services of
// tests/peers/mobile_push_service.mjs, which verify the OAuth2 assertion (RS256) and the bearer
// token of FCM HTTP v1, the ES256 provider token and headers of APNs over HTTP/2 (node's own
// TLS, HTTP/2 and crypto), and script the providers' error answers.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/test_ca.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

constexpr std::chrono::seconds kWait(15);

std::string Hex64(std::string_view prefix) {  // an APNs device token scripted by its prefix
  std::string token(prefix);
  while (token.size() < 64) token += "ab";
  return token.substr(0, 64);
}

class PushProvidersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = TestCa::Create("parley push test ca");
    ASSERT_TRUE(IsOk(ca));
    ca_ = std::make_unique<TestCa>(std::move(*ca));
    auto cert = ca_->Issue("providers", {"IP:127.0.0.1"});
    ASSERT_TRUE(IsOk(cert));
    auto peer = PeerProcess::Start({PARLEY_NODE_PATH, "mobile_push_service.mjs", "--dir",
                                    ca_->dir(), "--tls", cert->cert_file, cert->key_file},
                                   PARLEY_PEERS_DIR);
    ASSERT_TRUE(IsOk(peer));
    peer_ = std::move(*peer);
    hello_ = peer_->WaitForLine([](const json& j) { return j.contains("fcm_port"); });
    ASSERT_FALSE(hello_.is_null()) << "the mobile push service did not start";
    ServerProcess::Options options;
    options.extra_args = {"--push-allow-private-endpoints",
                          "true",
                          "--push-backoff-ms",
                          "50",
                          "--push-ca-file",
                          ca_->ca_file(),
                          "--push-fcm-service-account",
                          hello_["service_account"],
                          "--push-fcm-url",
                          "https://127.0.0.1:" + std::to_string(hello_["fcm_port"].get<int>()),
                          "--push-apns-key-file",
                          hello_["apns_key"],
                          "--push-apns-key-id",
                          hello_["key_id"],
                          "--push-apns-team-id",
                          hello_["team_id"],
                          "--push-apns-topic",
                          hello_["topic"],
                          "--push-apns-url",
                          "https://127.0.0.1:" + std::to_string(hello_["apns_port"].get<int>())};
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

  client::HttpResponse Register(const TestUser& user, std::string_view provider,
                                std::string_view token) {
    return Call(user, "POST", "/api/v1/push/targets",
                json{{"provider", provider}, {"token", token}}.dump());
  }

  json Send(const TestUser& from, const TestUser& to, std::string_view text) {
    auto ws = ConnectUser(*server_, from);
    EXPECT_TRUE(IsOk(ws));
    if (!ws.ok()) return json();
    auto ack = (*ws)->SendToUser(to.id, text);
    EXPECT_TRUE(IsOk(ack));
    return ack.ok() ? *ack : json();
  }

  // The first FCM request for registration token `token` answered `status`.
  json Fcm(std::string_view token, int status) {
    return peer_->WaitForLine(
        [&](const json& j) {
          return j.value("event", "") == "fcm" && j.value("token", "") == token &&
                 j.value("status", 0) == status;
        },
        kWait);
  }
  json Apns(std::string_view device, int status) {
    return peer_->WaitForLine(
        [&](const json& j) {
          return j.value("event", "") == "apns" && j.value("device", "") == device &&
                 j.value("status", 0) == status;
        },
        kWait);
  }
  size_t Count(std::string_view event, int status) {
    return peer_
        ->Lines([&](const json& j) {
          return j.value("event", "") == event && j.value("status", 0) == status;
        })
        .size();
  }

  static bool WaitUntil(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + kWait;
    while (!condition()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }
  bool NoTargets(const TestUser& user) {
    return WaitUntil(
        [&] { return Call(user, "GET", "/api/v1/push/targets").body["targets"].empty(); });
  }

  std::unique_ptr<TestCa> ca_;
  std::unique_ptr<PeerProcess> peer_;
  std::unique_ptr<ServerProcess> server_;
  json hello_;
};

TEST_F(PushProvidersTest, FcmMessagesCarryAVerifiedAccessTokenThatIsCached) {
  auto alice = CreateUser(*server_, "alice");
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob));
  client::HttpResponse registered = Register(*bob, "fcm", "fcm-ok:bob_1");
  ASSERT_EQ(registered.status, 201) << registered.raw_body;
  EXPECT_EQ(registered.body["target"]["provider"], "fcm");
  EXPECT_EQ(registered.body["target"]["token"], "fcm-ok:bob_1");

  json ack = Send(*alice, *bob, "hello from the web");
  json sent = Fcm("fcm-ok:bob_1", 200);
  ASSERT_FALSE(sent.is_null()) << server_->output();
  const json& message = sent["message"];
  const std::string conversation = std::to_string(ack["conversation_id"].get<int64_t>());
  EXPECT_EQ(message["notification"]["title"], "alice");
  EXPECT_EQ(message["notification"]["body"], "hello from the web");
  EXPECT_EQ(message["data"]["kind"], "message");
  EXPECT_EQ(message["data"]["conversation_id"], conversation);
  EXPECT_EQ(message["data"]["seq"], std::to_string(ack["seq"].get<int64_t>()));
  EXPECT_EQ(message["android"]["collapse_key"], "c" + conversation);
  EXPECT_EQ(message["android"]["ttl"], "86400s");
  EXPECT_EQ(message["android"]["notification"]["notification_count"], 1);  // unread badge
  EXPECT_EQ(message["data"]["badge"], "1");

  // The access token is cached: a second message needs no second exchange.
  json second = Send(*alice, *bob, "again");
  ASSERT_FALSE(peer_
                   ->WaitForLine(
                       [&](const json& j) {
                         return j.value("event", "") == "fcm" && j.value("status", 0) == 200 &&
                                j["message"]["data"].value("seq", "") ==
                                    std::to_string(second["seq"].get<int64_t>());
                       },
                       kWait)
                   .is_null());
  EXPECT_EQ(Count("token", 200), 1u);
  EXPECT_EQ(Count("token", 400), 0u);
  EXPECT_EQ(server_->output().find("hello from the web"), std::string::npos);
}

TEST_F(PushProvidersTest, FcmTokensAreRefreshedBeforeExpiryAndAfterRefusal) {
  auto alice = CreateUser(*server_, "alice");
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob));
  ASSERT_EQ(Register(*bob, "fcm", "fcm-ok-bob").status, 201);
  peer_->WriteLine(R"({"token_lifetime": 2})");
  ASSERT_FALSE(
      peer_->WaitForLine([](const json& j) { return j.contains("token_lifetime"); }).is_null());
  Send(*alice, *bob, "one");
  ASSERT_FALSE(Fcm("fcm-ok-bob", 200).is_null());
  // Three quarters of 2 s later the token is replaced before it expires.
  std::this_thread::sleep_for(std::chrono::milliseconds(1600));
  const size_t before = Count("fcm", 200);
  Send(*alice, *bob, "two");
  ASSERT_TRUE(WaitUntil([&] { return Count("fcm", 200) > before; }));
  EXPECT_EQ(Count("token", 200), 2u);
  EXPECT_EQ(Count("fcm", 401), 0u);

  // FCM refuses the token (revoked): parleyd exchanges again and the message still arrives.
  peer_->WriteLine(R"({"token_lifetime": 3600, "revoke": true})");
  ASSERT_FALSE(
      peer_->WaitForLine([](const json& j) { return j.value("revoke", false); }).is_null());
  json ack = Send(*alice, *bob, "three");
  ASSERT_FALSE(peer_
                   ->WaitForLine(
                       [&](const json& j) {
                         return j.value("event", "") == "fcm" && j.value("status", 0) == 200 &&
                                j["message"]["data"].value("seq", "") ==
                                    std::to_string(ack["seq"].get<int64_t>());
                       },
                       kWait)
                   .is_null())
      << server_->output();
  EXPECT_EQ(Count("fcm", 401), 1u);
  EXPECT_EQ(Count("token", 200), 3u);
}

TEST_F(PushProvidersTest, FcmUnregisteredRemovesTheTargetAndServerErrorsAreRetried) {
  auto alice = CreateUser(*server_, "alice");
  auto bob = CreateUser(*server_, "bob");
  auto carol = CreateUser(*server_, "carol");
  auto dave = CreateUser(*server_, "dave");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob) && IsOk(carol) && IsOk(dave));
  ASSERT_EQ(Register(*bob, "fcm", "unregistered-bob").status, 201);
  ASSERT_EQ(Register(*carol, "fcm", "flaky-carol").status, 201);
  ASSERT_EQ(Register(*dave, "fcm", "throttled-dave").status, 201);
  Send(*alice, *bob, "to an uninstalled app");
  json to_carol = Send(*alice, *carol, "through a 503");
  json to_dave = Send(*alice, *dave, "through a 429");
  ASSERT_FALSE(Fcm("unregistered-bob", 404).is_null());
  EXPECT_TRUE(NoTargets(*bob));
  ASSERT_FALSE(Fcm("flaky-carol", 503).is_null());
  json retried = Fcm("flaky-carol", 200);
  ASSERT_FALSE(retried.is_null()) << server_->output();
  EXPECT_EQ(retried["message"]["notification"]["body"], "through a 503");
  ASSERT_FALSE(Fcm("throttled-dave", 429).is_null());
  ASSERT_FALSE(Fcm("throttled-dave", 200).is_null());
  EXPECT_EQ(Call(*carol, "GET", "/api/v1/push/targets").body["targets"].size(), 1u);
}

TEST_F(PushProvidersTest, ApnsNotificationsGoOverHttp2WithAnEs256ProviderToken) {
  auto alice = CreateUser(*server_, "alice");
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob));
  const std::string device = Hex64("01");
  client::HttpResponse registered = Register(*bob, "apns", device);
  ASSERT_EQ(registered.status, 201) << registered.raw_body;
  EXPECT_EQ(registered.body["target"]["provider"], "apns");

  json ack = Send(*alice, *bob, "bonjour 🍎");
  json sent = Apns(device, 200);
  ASSERT_FALSE(sent.is_null()) << server_->output();
  const std::string conversation = std::to_string(ack["conversation_id"].get<int64_t>());
  EXPECT_EQ(sent["http"], "2.0");
  EXPECT_EQ(sent["headers"]["topic"], hello_["topic"]);
  EXPECT_EQ(sent["headers"]["push_type"], "alert");
  EXPECT_EQ(sent["headers"]["priority"], "10");
  EXPECT_EQ(sent["headers"]["collapse_id"], "c" + conversation);
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_NEAR(sent["headers"]["expiration"].get<double>(), now_s + 86400, 60);
  EXPECT_EQ(sent["payload"]["aps"]["alert"]["title"], "alice");
  EXPECT_EQ(sent["payload"]["aps"]["alert"]["body"], "bonjour 🍎");
  EXPECT_EQ(sent["payload"]["aps"]["thread-id"], "c" + conversation);
  EXPECT_EQ(sent["payload"]["parley"]["seq"], ack["seq"]);
  EXPECT_EQ(sent["payload"]["aps"]["badge"], 1);  // bob's unread messages

  // The provider token is reused (Apple throttles new ones).
  Send(*alice, *bob, "second");
  ASSERT_TRUE(WaitUntil([&] { return Count("apns", 200) >= 2; }));
  auto sends = peer_->Lines([](const json& j) { return j.value("event", "") == "apns"; });
  ASSERT_GE(sends.size(), 2u);
  EXPECT_EQ(sends[0]["jwt"], sends[1]["jwt"]);
  EXPECT_EQ(sends[1]["payload"]["aps"]["badge"], 2);
}

TEST_F(PushProvidersTest, ApnsGoneTokensAreRemovedAndRefusalsRetried) {
  auto alice = CreateUser(*server_, "alice");
  ASSERT_TRUE(IsOk(alice));
  std::vector<TestUser> users;
  for (std::string prefix : {"02", "03", "04", "05", "06"}) {
    auto user = CreateUser(*server_, "u" + prefix);
    ASSERT_TRUE(IsOk(user));
    ASSERT_EQ(Register(*user, "apns", Hex64(prefix)).status, 201);
    users.push_back(*user);
    Send(*alice, *user, "to " + prefix);
  }
  ASSERT_FALSE(Apns(Hex64("02"), 410).is_null());
  ASSERT_FALSE(Apns(Hex64("03"), 400).is_null());
  EXPECT_TRUE(NoTargets(users[0]));
  EXPECT_TRUE(NoTargets(users[1]));
  for (auto [prefix, status] : {std::pair{"04", 503}, std::pair{"05", 429}, std::pair{"06", 403}}) {
    ASSERT_FALSE(Apns(Hex64(prefix), status).is_null()) << prefix;
    json delivered = Apns(Hex64(prefix), 200);
    ASSERT_FALSE(delivered.is_null()) << prefix << server_->output();
    EXPECT_EQ(delivered["payload"]["aps"]["alert"]["body"], "to " + std::string(prefix));
  }
  // An expired provider token was replaced, not sent again.
  json refused = Apns(Hex64("06"), 403);
  json accepted = Apns(Hex64("06"), 200);
  EXPECT_NE(refused["jwt"], accepted["jwt"]);
  EXPECT_EQ(Call(users[4], "GET", "/api/v1/push/targets").body["targets"].size(), 1u);
}

// Fault: both providers answer 503 for a while (retried, backoff 50 ms doubling),
// then come back: every notification arrives once, none is lost or dead-lettered.
TEST_F(PushProvidersTest, ProvidersDownThenBackLoseNothing) {
  auto alice = CreateUser(*server_, "alice");
  ASSERT_TRUE(IsOk(alice));
  peer_->WriteLine(R"({"down": true})");
  ASSERT_FALSE(peer_->WaitForLine([](const json& j) { return j.value("down", false); }).is_null());
  constexpr int kUsers = 6;
  std::vector<std::string> tokens;
  for (int i = 0; i < kUsers; ++i) {
    auto user = CreateUser(*server_, "user" + std::to_string(i));
    ASSERT_TRUE(IsOk(user));
    const bool fcm = i % 2 == 0;
    tokens.push_back(fcm ? "fcm-ok-" + std::to_string(i) : Hex64("0a" + std::to_string(i)));
    ASSERT_EQ(Register(*user, fcm ? "fcm" : "apns", tokens.back()).status, 201);
    Send(*alice, *user, "while the provider is down " + std::to_string(i));
  }
  // Six refusals for three targets of each provider: they were tried again while down.
  ASSERT_TRUE(WaitUntil([&] { return Count("fcm", 503) >= 6 && Count("apns", 503) >= 6; }));
  peer_->WriteLine(R"({"down": false})");
  for (int i = 0; i < kUsers; ++i) {
    json delivered = i % 2 == 0 ? Fcm(tokens[i], 200) : Apns(tokens[i], 200);
    ASSERT_FALSE(delivered.is_null()) << i << server_->output();
  }
  EXPECT_EQ(Count("fcm", 200) + Count("apns", 200), static_cast<size_t>(kUsers));
  std::printf("push: providers down: %zu FCM and %zu APNs requests refused, then %d delivered\n",
              Count("fcm", 503), Count("apns", 503), kUsers);
}

// Credentials are checked at start-up: a malformed service account or a key of the wrong kind
// stops parleyd with a message naming the setting, instead of failing every send later.
TEST_F(PushProvidersTest, BadCredentialFilesStopTheStart) {
  const std::string garbage = ca_->dir() + "/garbage.json";
  ASSERT_TRUE(IsOk(RunQuietly("printf '{\"type\":\"service_account\"}' > " + garbage)));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--push-fcm-service-account", garbage},
        std::vector<std::string>{"--push-apns-key-file", hello_["service_account"],
                                 "--push-apns-key-id", "K", "--push-apns-team-id", "T",
                                 "--push-apns-topic", "org.example"},
        std::vector<std::string>{"--push-apns-key-file", hello_["apns_key"]}}) {
    ServerProcess::Options options;
    options.extra_args = args;
    options.start_timeout = std::chrono::seconds(5);
    auto server = ServerProcess::Start(options);
    EXPECT_FALSE(server.ok()) << args[0];
    if (!server.ok()) {
      EXPECT_NE(server.status().message().find("push-"), std::string::npos)
          << server.status().message();
    }
  }
}

TEST_F(PushProvidersTest, BadTokensGetTypedErrors) {
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(bob));
  auto code = [&](std::string body) {
    client::HttpResponse r = Call(*bob, "POST", "/api/v1/push/targets", std::move(body));
    return r.body.is_object() && r.body.contains("error")
               ? r.body["error"]["code"].get<std::string>()
               : std::to_string(r.status);
  };
  EXPECT_EQ(code(R"({"provider":"fcm"})"), "malformed");
  EXPECT_EQ(code(R"({"provider":"apns","token":7})"), "malformed");
  EXPECT_EQ(code(R"({"provider":"fcm","token":""})"), "invalid_argument");
  EXPECT_EQ(code(R"({"provider":"fcm","token":"a b"})"), "invalid_argument");
  EXPECT_EQ(code(R"({"provider":"fcm","token":"x\r\nInjected: yes"})"), "invalid_argument");
  EXPECT_EQ(code(json{{"provider", "fcm"}, {"token", std::string(1025, 'a')}}.dump()),
            "invalid_argument");
  EXPECT_EQ(code(R"({"provider":"apns","token":"abcd"})"), "invalid_argument");
  EXPECT_EQ(code(json{{"provider", "apns"}, {"token", Hex64("01").substr(0, 63) + "g"}}.dump()),
            "invalid_argument");
  EXPECT_EQ(code(json{{"provider", "apns"}, {"token", "../../" + Hex64("01")}}.dump()),
            "invalid_argument");
  EXPECT_EQ(code(json{{"provider", "apns"}, {"token", std::string(202, 'a')}}.dump()),
            "invalid_argument");
  EXPECT_TRUE(Call(*bob, "GET", "/api/v1/push/targets").body["targets"].empty());
}

}  // namespace
}  // namespace parley::e2e
