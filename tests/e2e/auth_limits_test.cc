// End-to-end tests of login limits, client addresses behind a trusted proxy, and WebSocket
// sessions that end with their token (docs/security.md, "Authentication and client
// addresses"), against a real parleyd:
// - strangers' failed logins never lock the owner out, nor block a password change;
// - forwarding headers name the client only when the peer is a trusted proxy, read from the
//   right, so a client cannot pick its own key; IPv6 clients share a limit per /64; the
//   Forwarded header when configured;
// - a WebSocket closes with 4001 when its token expires, and a device revoked while its hello
//   is being checked does not keep a live session.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

std::string LoginBody(const std::string& username, std::string_view password) {
  return json{{"username", username}, {"password", password}, {"device", "e2e"}}.dump();
}

// The HTTP status of a login through a proxy that sent `header: value`.
int LoginVia(const ServerProcess& server, const std::string& username, std::string_view password,
             const std::string& header, const std::string& value) {
  client::HttpHeaders headers;
  if (!header.empty()) headers.emplace_back(header, value);
  auto response =
      ApiFor(server)->Request("POST", "/api/v1/sessions", LoginBody(username, password), headers);
  EXPECT_TRUE(IsOk(response));
  return response.ok() ? response->status : 0;
}

int LoginFrom(const ServerProcess& server, const std::string& username, std::string_view password,
              const std::string& forwarded_for) {
  return LoginVia(server, username, password, "X-Forwarded-For", forwarded_for);
}

std::unique_ptr<ServerProcess> StartServer(std::vector<std::string> args) {
  auto server = ServerProcess::Start(ServerProcess::Options{std::move(args)});
  EXPECT_TRUE(IsOk(server));
  return server.ok() ? std::move(*server) : nullptr;
}

TEST(AuthLimitsTest, StrangersNeverLockTheOwnerOut) {
  auto server = StartServer({"--trusted-proxy", "127.0.0.1/32"});
  ASSERT_NE(server, nullptr);
  auto alice = CreateUser(*server, "alice");
  ASSERT_TRUE(IsOk(alice));
  // Twenty strangers guess; the account is then under attack.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(LoginFrom(*server, "alice", "guess", "198.51.100." + std::to_string(i)), 401);
  }
  // A stranger that failed waits (1 s, doubling) before its next guess ...
  EXPECT_EQ(LoginFrom(*server, "alice", "guess", "198.51.100.19"), 429);
  EXPECT_EQ(LoginFrom(*server, "alice", kTestPassword, "198.51.100.19"), 429);
  // ... the owner, from an address that did not fail, logs in and changes the password.
  EXPECT_EQ(LoginFrom(*server, "alice", kTestPassword, "203.0.113.10"), 201);
  ASSERT_TRUE(IsOk(ApiFor(*server, &*alice)->ChangePassword(kTestPassword, "a new password")));
}

TEST(AuthLimitsTest, ForwardingHeadersCountOnlyFromTrustedProxies) {
  struct Case {
    std::vector<std::string> args;
    bool keyed_by_header;  // do distinct X-Forwarded-For values get distinct limits?
  };
  const std::vector<Case> cases = {{{}, false},
                                   {{"--trusted-proxy", "10.0.0.0/8"}, false},
                                   {{"--trusted-proxy", "127.0.0.0/8,::1"}, true}};
  for (const Case& c : cases) {
    auto server = StartServer(c.args);
    ASSERT_NE(server, nullptr);
    ASSERT_TRUE(IsOk(CreateUser(*server, "bob")));
    // Five free failures, a sixth, then a delay, if all seven come from one address.
    std::vector<int> statuses;
    for (int i = 0; i < 7; ++i) {
      statuses.push_back(LoginFrom(*server, "bob", "guess", "198.51.100." + std::to_string(i)));
    }
    EXPECT_EQ(statuses.back(), c.keyed_by_header ? 401 : 429)
        << (c.args.empty() ? "no proxy" : c.args[1]);
  }
}

TEST(AuthLimitsTest, ClientsCannotChooseTheirKeyAndIpv6SharesA64) {
  // The account is never under attack here: only the per-address backoff shows.
  auto server =
      StartServer({"--trusted-proxy", "127.0.0.1", "--login-failures-per-account", "1000"});
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(IsOk(CreateUser(*server, "carol")));
  struct Case {
    std::string name;
    std::vector<std::string> headers;  // seven attempts; the seventh is refused
    std::string fresh;                 // then an address with a limit of its own
  };
  const std::vector<Case> cases = {
      // What the client wrote is left of what the proxy appended: the key stays 198.51.100.7.
      {"forged left part",
       {"1.1.1.1, 198.51.100.7", "2.2.2.2, 198.51.100.7", "garbage, 198.51.100.7",
        "unknown, 198.51.100.7", "10.0.0.1,198.51.100.7", "[::1], 198.51.100.7",
        "9.9.9.9, 198.51.100.7"},
       "198.51.100.8"},
      {"one IPv6 /64",
       {"2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3", "[2001:db8:1:2::4]:443",
        "2001:db8:1:2::5", "2001:db8:1:2::6", "2001:db8:1:2::7"},
       "2001:db8:1:3::1"},
  };
  for (const Case& c : cases) {
    for (size_t i = 0; i < c.headers.size(); ++i) {
      EXPECT_EQ(LoginFrom(*server, "carol", "guess", c.headers[i]), i < 6 ? 401 : 429)
          << c.name << " " << c.headers[i];
    }
    EXPECT_EQ(LoginFrom(*server, "carol", "guess", c.fresh), 401) << c.name;
  }
}

TEST(AuthLimitsTest, ForwardedHeaderWhenConfigured) {
  auto server = StartServer({"--trusted-proxy", "127.0.0.1", "--forwarded-header", "forwarded"});
  ASSERT_NE(server, nullptr);
  ASSERT_TRUE(IsOk(CreateUser(*server, "dave")));
  EXPECT_EQ(LoginVia(*server, "dave", "guess", "Forwarded", "for=198.51.100.1"), 401);
  for (int i = 0; i < 7; ++i) {
    // X-Forwarded-For is not read now: only the Forwarded element the proxy appended counts.
    client::HttpHeaders headers = {{"Forwarded", "for=\"evil" + std::to_string(i) +
                                                     ", for=\"[2001:db8::7]:4711\";proto=https"},
                                   {"X-Forwarded-For", "198.51.100." + std::to_string(i)}};
    auto response =
        ApiFor(*server)->Request("POST", "/api/v1/sessions", LoginBody("dave", "guess"), headers);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, i < 6 ? 401 : 429) << i;
  }
  // The same /64.
  EXPECT_EQ(LoginVia(*server, "dave", kTestPassword, "Forwarded", "for=\"[2001:db8::8]\""), 429);
}

TEST(AuthLimitsTest, WebSocketClosesWhenItsTokenExpires) {
  auto server = StartServer({"--token-lifetime-s", "3"});
  ASSERT_NE(server, nullptr);
  auto erin = CreateUser(*server, "erin");
  ASSERT_TRUE(IsOk(erin));
  auto ws = ConnectUser(*server, *erin);
  ASSERT_TRUE(IsOk(ws));
  ASSERT_TRUE(IsOk((*ws)->SendRaw(client::PingFrame("p1"))));
  ASSERT_TRUE(IsOk((*ws)->WaitForType("pong")));
  EXPECT_EQ((*ws)->WaitForClose(std::chrono::seconds(10)), 4001);
  // The token is dead for new sessions too.
  client::WsClient again;
  ASSERT_TRUE(IsOk(again.Connect(server->endpoint())));
  EXPECT_EQ(again.Hello(erin->token).status().code(), Code::kUnauthenticated);
}

// A revocation racing the hello: whichever order the two land in, the session ends with 4001.
// (The window between the token check and the hub attach is narrow; the loop gives it chances.)
TEST(AuthLimitsTest, DeviceRevokedDuringHelloKeepsNoSession) {
  auto server = StartServer({"--login-attempts-per-address", "100000", "--fsync", "normal"});
  ASSERT_NE(server, nullptr);
  auto laptop = CreateUser(*server, "frank", "laptop");
  ASSERT_TRUE(IsOk(laptop));
  auto laptop_api = ApiFor(*server, &*laptop);
  for (int round = 0; round < 30; ++round) {
    auto phone = LoginDevice(*server, *laptop, "phone");
    ASSERT_TRUE(IsOk(phone));
    client::WsClient ws;
    ASSERT_TRUE(IsOk(ws.Connect(server->endpoint())));
    ASSERT_TRUE(IsOk(ws.SendRaw(client::HelloFrame(phone->token, {}))));
    ASSERT_TRUE(IsOk(laptop_api->RevokeSession(phone->device_id)));
    EXPECT_EQ(ws.WaitForClose(std::chrono::seconds(5)), 4001) << "round " << round;
  }
}

}  // namespace
}  // namespace parley::e2e
