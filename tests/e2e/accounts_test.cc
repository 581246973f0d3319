// End-to-end tests of accounts and sessions (the HTTP API of docs/protocol.md) against a real
// parleyd on loopback:
// - register: 201 and its fields, duplicate usernames ignoring case (409), a table of invalid
//   usernames, passwords and display names (422 invalid_argument / 400 malformed: lengths,
//   characters, control characters, invalid UTF-8, 10 KB strings, wrong JSON types);
// - log in (201 and fields), wrong password and unknown user get the same 401 body;
// - log out (the token stops working, that device's WebSocket closes with 4001);
// - the device list with `current`, revoking another device (its WebSocket closes 4001), 404 for
//   someone else's, an unknown or a garbage device id;
// - password change: wrong old password, other devices revoked and their WebSockets closed,
//   the calling device keeps working, new password works and the old one does not;
// - login rate limits per account and per client address (429; the strangers' side is in
//   auth_limits_test.cc);
// - user lookup, missing/garbage Authorization headers (401), unknown paths (404);
// every error response is checked for the body shape {"error": {"code", "message"}}.
// Token expiry is not tested here: it needs days to pass (unit tests cover it).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::HttpApi;
using client::HttpResponse;
using client::WsClient;
using nlohmann::json;

// `response` is an HTTP error with this status and the body {"error":{"code","message"}}.
template <typename Response>
::testing::AssertionResult IsError(const Response& response, int status, std::string_view code) {
  const json& body = response.body;
  const bool shaped = body.is_object() && body.size() == 1 && body.contains("error") &&
                      body["error"].is_object() && body["error"].contains("code") &&
                      body["error"]["code"].is_string() && body["error"].contains("message") &&
                      body["error"]["message"].is_string();
  if (response.status == status && shaped && body["error"]["code"] == code) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "expected " << status << " " << code << ", got "
                                       << response.status << " " << response.raw_body;
}

template <typename Response>
::testing::AssertionResult IsError(const Result<Response>& response, int status,
                                   std::string_view code) {
  if (!response.ok())
    return ::testing::AssertionFailure() << client::FormatStatus(response.status());
  return IsError(*response, status, code);
}

// A user object {"id", "username", "display_name"} with these values (id any positive integer).
// Only documented user fields: nothing private (the password hash) leaks.
bool HasOnlyUserFields(const json& user) {
  static const std::set<std::string> kDocumented = {
      "id",          "username", "display_name", "is_admin", "avatar",
      "status_line", "language", "time_zone",    "last_seen_at"};
  for (const auto& [key, value] : user.items()) {
    if (!kDocumented.contains(key)) return false;
  }
  return true;
}

::testing::AssertionResult IsUser(const json& user, std::string_view username,
                                  std::string_view display_name) {
  if (user.is_object() && HasOnlyUserFields(user) && user.contains("id") &&
      user["id"].is_number_integer() && user["id"].get<int64_t>() > 0 &&
      user.value("username", "") == username && user.value("display_name", "") == display_name &&
      user.value("avatar", json()).is_string() && user.value("status_line", json()).is_string()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "not user " << username << "/" << display_name << ": " << user.dump();
}

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A JSON string literal holding `raw` byte for byte: quotes, backslashes and control characters
// are escaped, every other byte (invalid UTF-8 included) is passed through unchanged.
std::string Quote(std::string_view raw) {
  std::string out = "\"";
  for (char c : raw) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string RegisterBody(std::string_view username, std::string_view password,
                         std::optional<std::string_view> display_name = std::nullopt) {
  std::string body = "{\"username\":" + Quote(username) + ",\"password\":" + Quote(password);
  if (display_name) body += ",\"display_name\":" + Quote(*display_name);
  return body + "}";
}

std::string LoginBody(std::string_view username, std::string_view password,
                      std::string_view device = "e2e") {
  return "{\"username\":" + Quote(username) + ",\"password\":" + Quote(password) +
         ",\"device\":" + Quote(device) + "}";
}

std::string Repeat(std::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// A ping with a fresh req gets its pong: the WebSocket session is alive.
::testing::AssertionResult IsAlive(WsClient& ws) {
  const std::string req = client::NewClientId("p-");
  if (Status sent = ws.SendRaw(client::PingFrame(req)); !sent.ok()) {
    return ::testing::AssertionFailure() << "ping not sent: " << client::FormatStatus(sent);
  }
  Result<json> pong = ws.WaitFor(
      [&req](const json& f) { return client::IsType(f, "pong") && f.value("req", "") == req; });
  if (!pong.ok()) return ::testing::AssertionFailure() << client::FormatStatus(pong.status());
  return ::testing::AssertionSuccess();
}

class AccountsTest : public ::testing::Test {
 protected:
  // Starts the server with extra flags (call at most once per test; SetUp uses the defaults
  // unless the test calls Restart with its own).
  void StartServer(std::vector<std::string> extra_args = {}) {
    server_.reset();
    ServerProcess::Options options;
    options.extra_args = std::move(extra_args);
    auto started = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(started));
    server_ = std::move(started).value();
  }

  ServerProcess& server() { return *server_; }

  // A request as `user` (anonymous when null), every status returned as a response.
  Result<HttpResponse> Call(std::string_view method, std::string_view target,
                            std::optional<std::string> body = std::nullopt,
                            const TestUser* user = nullptr) {
    std::unique_ptr<HttpApi> api = ApiFor(server(), user);
    return api->Request(method, target, std::move(body));
  }

  // GET /api/v1/account with the user's token: its HTTP status.
  int AccountStatus(const TestUser& user) {
    Result<HttpResponse> response = Call("GET", "/api/v1/account", std::nullopt, &user);
    return response.ok() ? response->status : -1;
  }

  TestUser MustCreate(std::string_view username, std::string_view device = "e2e") {
    Result<TestUser> user = CreateUser(server(), username, device);
    EXPECT_TRUE(IsOk(user)) << username;
    return user.ok() ? *user : TestUser{};
  }
  TestUser MustLogin(const TestUser& user, std::string_view device) {
    Result<TestUser> login = LoginDevice(server(), user, device);
    EXPECT_TRUE(IsOk(login)) << user.username << " " << device;
    return login.ok() ? *login : TestUser{};
  }
  std::unique_ptr<WsClient> MustConnect(const TestUser& user) {
    Result<std::unique_ptr<WsClient>> ws = ConnectUser(server(), user);
    EXPECT_TRUE(IsOk(ws)) << user.username;
    return ws.ok() ? std::move(ws).value() : nullptr;
  }

  std::unique_ptr<ServerProcess> server_;
};

class AccountsDefaultTest : public AccountsTest {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(StartServer()); }
};

TEST_F(AccountsDefaultTest, RegisterReturnsTheNewUser) {
  Result<HttpResponse> alice = Call("POST", "/api/v1/accounts",
                                    RegisterBody("alice", kTestPassword, "Alice Ünïcödé 🙂"));
  ASSERT_TRUE(IsOk(alice));
  EXPECT_EQ(alice->status, 201) << alice->raw_body;
  ASSERT_TRUE(alice->body.is_object() && alice->body.contains("user")) << alice->raw_body;
  EXPECT_TRUE(IsUser(alice->body["user"], "alice", "Alice Ünïcödé 🙂"));

  // Without display_name it defaults to the username; case and every allowed character kept.
  Result<HttpResponse> bob =
      Call("POST", "/api/v1/accounts", RegisterBody("Bob.the-2nd_x", kTestPassword));
  ASSERT_TRUE(IsOk(bob));
  EXPECT_EQ(bob->status, 201) << bob->raw_body;
  ASSERT_TRUE(bob->body.is_object() && bob->body.contains("user")) << bob->raw_body;
  EXPECT_TRUE(IsUser(bob->body["user"], "Bob.the-2nd_x", "Bob.the-2nd_x"));
  EXPECT_NE(bob->body["user"]["id"], alice->body["user"]["id"]);

  // The new accounts can log in and are visible to others.
  TestUser carol = MustCreate("carol");
  Result<HttpResponse> found = Call("GET", "/api/v1/users/alice", std::nullopt, &carol);
  ASSERT_TRUE(IsOk(found));
  EXPECT_EQ(found->status, 200) << found->raw_body;
  EXPECT_EQ(found->body["user"], alice->body["user"]);
}

TEST_F(AccountsDefaultTest, DuplicateUsernameIgnoringCaseIsConflict) {
  MustCreate("alice");
  for (std::string_view name : {"alice", "ALICE", "Alice", "aLiCe"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(IsError(Call("POST", "/api/v1/accounts", RegisterBody(name, "another password")),
                        409, "conflict"));
  }
  // The original account is untouched: its password still works, the other does not.
  HttpApi api(server().endpoint());
  EXPECT_TRUE(IsOk(api.Login("alice", kTestPassword)));
  EXPECT_EQ(api.Login("alice", "another password").status().code(), Code::kUnauthenticated);
}

struct RegisterCase {
  std::string label;
  std::string body;
  int status;  // 201 for the accepted boundary values
  std::string code;
};

// Usernames unique per case, for cases about the other fields.
std::string CaseName(size_t index) { return "user" + std::to_string(index); }

std::vector<RegisterCase> RegisterCases() {
  const std::string pw(kTestPassword);
  std::vector<RegisterCase> cases;
  auto user_case = [&](std::string label, std::string username, int status, std::string code) {
    cases.push_back({std::move(label), RegisterBody(username, pw), status, std::move(code)});
  };
  auto password_case = [&](std::string label, std::string password, int status, std::string code) {
    cases.push_back({std::move(label), RegisterBody(CaseName(cases.size()), password), status,
                     std::move(code)});
  };
  auto display_case = [&](std::string label, std::string display, int status, std::string code) {
    cases.push_back({std::move(label), RegisterBody(CaseName(cases.size()), pw, display), status,
                     std::move(code)});
  };
  auto body_case = [&](std::string label, std::string body) {
    cases.push_back({std::move(label), std::move(body), 400, "malformed"});
  };

  user_case("username 3 characters", "abc", 201, "");
  user_case("username 32 characters", Repeat("k", 32), 201, "");
  user_case("username starting with a digit", "9lives", 201, "");
  user_case("username empty", "", 422, "invalid_argument");
  user_case("username 2 characters", "ab", 422, "invalid_argument");
  user_case("username 33 characters", Repeat("m", 33), 422, "invalid_argument");
  user_case("username 10 KB", Repeat("n", 10240), 422, "invalid_argument");
  user_case("username starting with _", "_abc", 422, "invalid_argument");
  user_case("username starting with .", ".abc", 422, "invalid_argument");
  user_case("username starting with -", "-abc", 422, "invalid_argument");
  user_case("username with a space", "ab cd", 422, "invalid_argument");
  user_case("username with /", "ab/cd", 422, "invalid_argument");
  user_case("username with @", "ab@cd", 422, "invalid_argument");
  user_case("username with +", "ab+cd", 422, "invalid_argument");
  user_case("username with non-ASCII letter", "abçd", 422, "invalid_argument");
  user_case("username with a tab", "ab\tcd", 422, "invalid_argument");
  // U+0000 is refused by the JSON reader itself, before any field rule (proto/json_reader.cc).
  user_case("username with NUL", std::string("ab\0cd", 5), 400, "malformed");
  user_case("username with DEL",
            "ab\x7f"
            "cd",
            422, "invalid_argument");
  user_case("username invalid UTF-8", "ab\xff\xfe", 400, "malformed");

  password_case("password 8 bytes", "12345678", 201, "");
  password_case("password 1024 bytes", Repeat("p", 1024), 201, "");
  password_case("password empty", "", 422, "invalid_argument");
  password_case("password 7 bytes", "1234567", 422, "invalid_argument");
  password_case("password 1025 bytes", Repeat("p", 1025), 422, "invalid_argument");
  password_case("password 10 KB", Repeat("p", 10240), 422, "invalid_argument");
  password_case("password invalid UTF-8", "abcdefgh\xc3", 400, "malformed");

  display_case("display name 1 character", "x", 201, "");
  display_case("display name 64 ASCII characters", Repeat("d", 64), 201, "");
  display_case("display name 64 two-byte characters", Repeat("é", 64), 201, "");
  display_case("display name 64 emoji", Repeat("🙂", 64), 201, "");
  display_case("display name empty", "", 422, "invalid_argument");
  display_case("display name 65 ASCII characters", Repeat("d", 65), 422, "invalid_argument");
  display_case("display name 65 two-byte characters", Repeat("é", 65), 422, "invalid_argument");
  display_case("display name 10 KB", Repeat("d", 10240), 422, "invalid_argument");
  display_case("display name with newline", "Al\nice", 422, "invalid_argument");
  display_case("display name with tab", "Al\tice", 422, "invalid_argument");
  display_case("display name with ESC", "Al\x1bice", 422, "invalid_argument");
  display_case("display name with NUL", std::string("Al\0ice", 6), 400, "malformed");
  display_case("display name with DEL", "Al\x7fice", 422, "invalid_argument");
  display_case("display name with C1 control U+0085", "Al\xc2\x85ice", 422, "invalid_argument");
  display_case("display name invalid byte", "Al\xffice", 400, "malformed");
  display_case("display name overlong encoding", "Al\xc0\xafice", 400, "malformed");
  display_case("display name UTF-16 surrogate", "Al\xed\xa0\x80ice", 400, "malformed");
  display_case("display name truncated sequence", "Alice\xe2\x82", 400, "malformed");

  body_case("body not JSON", "username=alice&password=x");
  body_case("body empty", "");
  body_case("body a JSON array", "[\"alice\", \"correct horse battery\"]");
  body_case("body a JSON string", "\"alice\"");
  body_case("username missing", "{\"password\":\"correct horse battery\"}");
  body_case("password missing", "{\"username\":\"zed\"}");
  body_case("username a number", "{\"username\":42,\"password\":\"correct horse battery\"}");
  body_case("username an object",
            "{\"username\":{\"a\":1},\"password\":\"correct horse battery\"}");
  body_case("password a number", "{\"username\":\"zed\",\"password\":12345678}");
  body_case("password an array", "{\"username\":\"zed\",\"password\":[\"12345678\"]}");
  body_case("display name a number",
            "{\"username\":\"zed\",\"password\":\"correct horse battery\",\"display_name\":7}");
  body_case("display name a bool",
            "{\"username\":\"zed\",\"password\":\"correct horse battery\",\"display_name\":true}");
  body_case("unescaped control character in a JSON string",
            "{\"username\":\"ze\x01"
            "d\",\"password\":\"correct horse battery\"}");
  body_case("truncated JSON", "{\"username\":\"zed\",\"password\":\"correct");
  body_case("deeply nested JSON", Repeat("[", 10000));
  return cases;
}

TEST_F(AccountsDefaultTest, RegisterValidatesEveryField) {
  for (const RegisterCase& c : RegisterCases()) {
    SCOPED_TRACE(c.label);
    Result<HttpResponse> response = Call("POST", "/api/v1/accounts", c.body);
    ASSERT_TRUE(IsOk(response));
    if (c.status == 201) {
      EXPECT_EQ(response->status, 201) << response->raw_body;
      EXPECT_TRUE(response->body.is_object() && response->body.contains("user"))
          << response->raw_body;
    } else {
      EXPECT_TRUE(IsError(*response, c.status, c.code));
    }
  }
  // Nothing rejected was created: "zed" (the name of the malformed bodies) does not exist.
  TestUser probe = MustCreate("probe");
  EXPECT_TRUE(IsError(Call("GET", "/api/v1/users/zed", std::nullopt, &probe), 404, "not_found"));
  EXPECT_TRUE(IsError(Call("GET", "/api/v1/users/ab", std::nullopt, &probe), 404, "not_found"));
}

TEST_F(AccountsDefaultTest, LoginReturnsTokenDeviceAndUser) {
  const int64_t before = NowMillis();
  ASSERT_TRUE(IsOk(Call("POST", "/api/v1/accounts", RegisterBody("alice", kTestPassword, "Al"))));
  Result<HttpResponse> login =
      Call("POST", "/api/v1/sessions", LoginBody("alice", kTestPassword, "laptop"));
  ASSERT_TRUE(IsOk(login));
  ASSERT_EQ(login->status, 201) << login->raw_body;
  const json& body = login->body;
  ASSERT_TRUE(body.is_object()) << login->raw_body;
  ASSERT_TRUE(body.contains("token") && body["token"].is_string());
  EXPECT_FALSE(body["token"].get<std::string>().empty());
  ASSERT_TRUE(body.contains("device_id") && body["device_id"].is_number_integer());
  ASSERT_TRUE(body.contains("expires_at") && body["expires_at"].is_number_integer());
  EXPECT_GT(body["expires_at"].get<int64_t>(), before);
  EXPECT_TRUE(IsUser(body["user"], "alice", "Al"));

  // The token authenticates: GET /account names the same user and device.
  TestUser alice;
  alice.token = body["token"];
  Result<HttpResponse> account = Call("GET", "/api/v1/account", std::nullopt, &alice);
  ASSERT_TRUE(IsOk(account));
  EXPECT_EQ(account->status, 200) << account->raw_body;
  // The account adds the user's own settings (unset: "") to the public profile.
  json account_user = account->body["user"];
  EXPECT_EQ(account_user["language"], "");
  EXPECT_EQ(account_user["time_zone"], "");
  account_user.erase("language");
  account_user.erase("time_zone");
  EXPECT_EQ(account_user, body["user"]);
  EXPECT_EQ(account->body["device_id"], body["device_id"]);

  // A second login is a second device with its own token.
  Result<HttpResponse> again =
      Call("POST", "/api/v1/sessions", LoginBody("alice", kTestPassword, "phone"));
  ASSERT_TRUE(IsOk(again));
  ASSERT_EQ(again->status, 201);
  EXPECT_NE(again->body["token"], body["token"]);
  EXPECT_NE(again->body["device_id"], body["device_id"]);
}

TEST_F(AccountsDefaultTest, WrongPasswordAndUnknownUserGetTheSame401) {
  MustCreate("alice");
  Result<HttpResponse> wrong_password =
      Call("POST", "/api/v1/sessions", LoginBody("alice", "not the password"));
  Result<HttpResponse> unknown_user =
      Call("POST", "/api/v1/sessions", LoginBody("nobody", "not the password"));
  ASSERT_TRUE(IsError(wrong_password, 401, "unauthenticated"));
  ASSERT_TRUE(IsError(unknown_user, 401, "unauthenticated"));
  EXPECT_EQ(wrong_password->raw_body, unknown_user->raw_body);
  // A right password in the wrong case is wrong.
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/sessions", LoginBody("alice", "CORRECT HORSE BATTERY")),
                      401, "unauthenticated"));
  // Malformed login bodies are 400.
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/sessions", std::string("{\"username\":\"alice\"}")),
                      400, "malformed"));
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/sessions", std::string("nope")), 400, "malformed"));
}

TEST_F(AccountsDefaultTest, LogoutRevokesTheTokenAndClosesThatDevicesWebSocket) {
  TestUser laptop = MustCreate("alice", "laptop");
  TestUser phone = MustLogin(laptop, "phone");
  std::unique_ptr<WsClient> laptop_ws = MustConnect(laptop);
  std::unique_ptr<WsClient> phone_ws = MustConnect(phone);
  ASSERT_TRUE(laptop_ws && phone_ws);

  Result<HttpResponse> logout = Call("DELETE", "/api/v1/sessions/current", std::nullopt, &laptop);
  ASSERT_TRUE(IsOk(logout));
  EXPECT_EQ(logout->status, 204) << logout->raw_body;
  EXPECT_EQ(laptop_ws->WaitForClose(), 4001);

  EXPECT_TRUE(
      IsError(Call("GET", "/api/v1/account", std::nullopt, &laptop), 401, "unauthenticated"));
  EXPECT_TRUE(IsError(Call("DELETE", "/api/v1/sessions/current", std::nullopt, &laptop), 401,
                      "unauthenticated"));
  // A new WebSocket with the revoked token is refused.
  WsClient again;
  ASSERT_TRUE(IsOk(again.Connect(server().endpoint())));
  EXPECT_EQ(again.Hello(laptop.token).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(again.WaitForClose(), 4001);

  // The other device is untouched.
  EXPECT_EQ(AccountStatus(phone), 200);
  EXPECT_TRUE(IsAlive(*phone_ws));
}

TEST_F(AccountsDefaultTest, SessionListMarksTheCurrentDevice) {
  const int64_t before = NowMillis();
  TestUser laptop = MustCreate("alice", "laptop");
  TestUser phone = MustLogin(laptop, "phone");
  TestUser bob = MustCreate("bob", "bobs-phone");

  auto list_of = [&](const TestUser& user) {
    Result<HttpResponse> response = Call("GET", "/api/v1/sessions", std::nullopt, &user);
    EXPECT_TRUE(IsOk(response));
    if (!response.ok()) return json::array();
    EXPECT_EQ(response->status, 200) << response->raw_body;
    EXPECT_TRUE(response->body.contains("sessions") && response->body["sessions"].is_array())
        << response->raw_body;
    return response->body.value("sessions", json::array());
  };

  for (const TestUser* me : {&laptop, &phone}) {
    SCOPED_TRACE(me->device_id);
    json sessions = list_of(*me);
    ASSERT_EQ(sessions.size(), 2u) << sessions.dump();
    std::map<int64_t, json> by_id;
    for (const json& s : sessions) {
      ASSERT_TRUE(s.contains("id") && s["id"].is_number_integer()) << s.dump();
      for (const char* key : {"created_at", "last_seen_at", "expires_at"}) {
        ASSERT_TRUE(s.contains(key) && s[key].is_number_integer()) << key << " " << s.dump();
      }
      EXPECT_GE(s["created_at"].get<int64_t>(), before);
      EXPECT_GT(s["expires_at"].get<int64_t>(), s["created_at"].get<int64_t>());
      ASSERT_TRUE(s.contains("current") && s["current"].is_boolean()) << s.dump();
      by_id[s["id"]] = s;
    }
    ASSERT_TRUE(by_id.contains(laptop.device_id) && by_id.contains(phone.device_id));
    EXPECT_EQ(by_id[laptop.device_id]["device"], "laptop");
    EXPECT_EQ(by_id[phone.device_id]["device"], "phone");
    EXPECT_EQ(by_id[laptop.device_id]["current"], me == &laptop);
    EXPECT_EQ(by_id[phone.device_id]["current"], me == &phone);
  }
  // Bob sees only his own device.
  json bobs = list_of(bob);
  ASSERT_EQ(bobs.size(), 1u) << bobs.dump();
  EXPECT_EQ(bobs[0]["id"], bob.device_id);
  EXPECT_EQ(bobs[0]["current"], true);

  // A logged-out device leaves the list.
  ASSERT_TRUE(IsOk(Call("DELETE", "/api/v1/sessions/current", std::nullopt, &phone)));
  json after = list_of(laptop);
  ASSERT_EQ(after.size(), 1u) << after.dump();
  EXPECT_EQ(after[0]["id"], laptop.device_id);
}

TEST_F(AccountsDefaultTest, RevokingAnotherDeviceClosesItsWebSocket) {
  TestUser laptop = MustCreate("alice", "laptop");
  TestUser phone = MustLogin(laptop, "phone");
  TestUser bob = MustCreate("bob");
  std::unique_ptr<WsClient> laptop_ws = MustConnect(laptop);
  std::unique_ptr<WsClient> phone_ws = MustConnect(phone);
  std::unique_ptr<WsClient> bob_ws = MustConnect(bob);
  ASSERT_TRUE(laptop_ws && phone_ws && bob_ws);

  const std::string phone_path = "/api/v1/sessions/" + std::to_string(phone.device_id);
  Result<HttpResponse> revoked = Call("DELETE", phone_path, std::nullopt, &laptop);
  ASSERT_TRUE(IsOk(revoked));
  EXPECT_EQ(revoked->status, 204) << revoked->raw_body;
  EXPECT_EQ(phone_ws->WaitForClose(), 4001);
  EXPECT_EQ(AccountStatus(phone), 401);
  // Not an active device any more.
  EXPECT_TRUE(IsError(Call("DELETE", phone_path, std::nullopt, &laptop), 404, "not_found"));

  // Someone else's device, unknown ids and garbage ids are all 404; nothing is revoked.
  for (const std::string& id :
       {std::to_string(bob.device_id), std::string("999999999"), std::string("0"),
        std::string("-1"), std::string("abc"), std::string("1x"), std::string("%00"),
        std::string("99999999999999999999999")}) {
    SCOPED_TRACE(id);
    EXPECT_TRUE(
        IsError(Call("DELETE", "/api/v1/sessions/" + id, std::nullopt, &laptop), 404, "not_found"));
  }
  EXPECT_EQ(AccountStatus(bob), 200);
  EXPECT_TRUE(IsAlive(*bob_ws));
  EXPECT_EQ(AccountStatus(laptop), 200);
  EXPECT_TRUE(IsAlive(*laptop_ws));
}

TEST_F(AccountsDefaultTest, ChangePasswordRevokesEveryOtherDevice) {
  TestUser laptop = MustCreate("alice", "laptop");
  TestUser phone = MustLogin(laptop, "phone");
  TestUser tablet = MustLogin(laptop, "tablet");
  std::unique_ptr<WsClient> laptop_ws = MustConnect(laptop);
  std::unique_ptr<WsClient> phone_ws = MustConnect(phone);
  ASSERT_TRUE(laptop_ws && phone_ws);
  const std::string new_password = "battery staple horse";
  auto body = [](std::string_view old_pw, std::string_view new_pw) {
    return "{\"old_password\":" + Quote(old_pw) + ",\"new_password\":" + Quote(new_pw) + "}";
  };

  // Failures change nothing.
  EXPECT_TRUE(
      IsError(Call("PUT", "/api/v1/account/password", body("wrong old pw", new_password), &laptop),
              401, "unauthenticated"));
  EXPECT_TRUE(
      IsError(Call("PUT", "/api/v1/account/password", body(kTestPassword, "short"), &laptop), 422,
              "invalid_argument"));
  EXPECT_TRUE(IsError(
      Call("PUT", "/api/v1/account/password", body(kTestPassword, Repeat("p", 1025)), &laptop), 422,
      "invalid_argument"));
  EXPECT_TRUE(IsError(
      Call("PUT", "/api/v1/account/password", std::string("{\"old_password\":\"x\"}"), &laptop),
      400, "malformed"));
  EXPECT_TRUE(IsError(Call("PUT", "/api/v1/account/password", body(kTestPassword, new_password)),
                      401, "unauthenticated"));  // no token
  EXPECT_EQ(AccountStatus(phone), 200);
  EXPECT_EQ(AccountStatus(tablet), 200);
  EXPECT_TRUE(IsAlive(*phone_ws));

  Result<HttpResponse> changed =
      Call("PUT", "/api/v1/account/password", body(kTestPassword, new_password), &laptop);
  ASSERT_TRUE(IsOk(changed));
  EXPECT_EQ(changed->status, 204) << changed->raw_body;

  EXPECT_EQ(phone_ws->WaitForClose(), 4001);
  EXPECT_EQ(AccountStatus(phone), 401);
  EXPECT_EQ(AccountStatus(tablet), 401);
  // The calling device keeps working, over HTTP and over its WebSocket.
  EXPECT_EQ(AccountStatus(laptop), 200);
  EXPECT_TRUE(IsAlive(*laptop_ws));
  Result<HttpResponse> sessions = Call("GET", "/api/v1/sessions", std::nullopt, &laptop);
  ASSERT_TRUE(IsOk(sessions));
  ASSERT_EQ(sessions->body["sessions"].size(), 1u) << sessions->raw_body;
  EXPECT_EQ(sessions->body["sessions"][0]["id"], laptop.device_id);

  EXPECT_TRUE(IsError(Call("POST", "/api/v1/sessions", LoginBody("alice", kTestPassword)), 401,
                      "unauthenticated"));
  Result<HttpResponse> login = Call("POST", "/api/v1/sessions", LoginBody("alice", new_password));
  ASSERT_TRUE(IsOk(login));
  EXPECT_EQ(login->status, 201) << login->raw_body;
}

TEST_F(AccountsTest, FailedLoginsPerAccountAreRateLimited) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--login-failures-per-account", "3"}));
  MustCreate("alice");
  MustCreate("bob");
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsError(Call("POST", "/api/v1/sessions", LoginBody("alice", "wrong password")), 401,
                        "unauthenticated"))
        << "attempt " << i + 1;
  }
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/sessions", LoginBody("alice", "wrong password")), 429,
                      "rate_limited"));
  // The account is under attack: this address, which failed on it, now waits even with the
  // right password (addresses that did not fail are not: see auth_limits_test.cc).
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/sessions", LoginBody("alice", kTestPassword)), 429,
                      "rate_limited"));
  // Other accounts are not.
  Result<HttpResponse> bob = Call("POST", "/api/v1/sessions", LoginBody("bob", kTestPassword));
  ASSERT_TRUE(IsOk(bob));
  EXPECT_EQ(bob->status, 201) << bob->raw_body;
}

TEST_F(AccountsTest, LoginAttemptsPerAddressAreRateLimited) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--login-attempts-per-address", "5"}));
  // Registration is not a login attempt.
  for (std::string_view name : {"alice", "bob"}) {
    Result<HttpResponse> registered =
        Call("POST", "/api/v1/accounts", RegisterBody(name, kTestPassword));
    ASSERT_TRUE(IsOk(registered));
    ASSERT_EQ(registered->status, 201) << registered->raw_body;
  }
  // Five attempts, successful and failed, from 127.0.0.1.
  const std::vector<std::pair<std::string, int>> attempts = {
      {LoginBody("alice", kTestPassword), 201},
      {LoginBody("bob", kTestPassword), 201},
      {LoginBody("alice", "wrong password"), 401},
      {LoginBody("nobody", "wrong password"), 401},
      {LoginBody("bob", kTestPassword), 201}};
  for (const auto& [body, status] : attempts) {
    Result<HttpResponse> response = Call("POST", "/api/v1/sessions", body);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, status) << body << " -> " << response->raw_body;
  }
  // The sixth is refused, whatever the credentials.
  EXPECT_TRUE(IsError(Call("POST", "/api/v1/sessions", LoginBody("alice", kTestPassword)), 429,
                      "rate_limited"));
  EXPECT_TRUE(
      IsError(Call("POST", "/api/v1/sessions", LoginBody("nobody", "x")), 429, "rate_limited"));
}

TEST_F(AccountsDefaultTest, LookUpUsers) {
  TestUser alice = MustCreate("alice");
  ASSERT_TRUE(IsOk(Call("POST", "/api/v1/accounts", RegisterBody("bob", kTestPassword, "Bob B"))));
  Result<HttpResponse> bob = Call("GET", "/api/v1/users/bob", std::nullopt, &alice);
  ASSERT_TRUE(IsOk(bob));
  EXPECT_EQ(bob->status, 200) << bob->raw_body;
  EXPECT_TRUE(IsUser(bob->body["user"], "bob", "Bob B"));
  EXPECT_EQ(bob->body.size(), 1u) << bob->raw_body;

  for (std::string_view missing :
       {"/api/v1/users/nobody", "/api/v1/users/bo", "/api/v1/users/bob/extra"}) {
    SCOPED_TRACE(missing);
    EXPECT_TRUE(IsError(Call("GET", missing, std::nullopt, &alice), 404, "not_found"));
  }
  // Looking users up needs a token.
  EXPECT_TRUE(IsError(Call("GET", "/api/v1/users/bob"), 401, "unauthenticated"));
}

TEST_F(AccountsDefaultTest, MissingOrGarbageAuthorizationIs401) {
  TestUser alice = MustCreate("alice");
  auto get_account = [&](std::optional<std::string> authorization) {
    std::string request = "GET /api/v1/account HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (authorization) request += "Authorization: " + *authorization + "\r\n";
    request += "Connection: close\r\n\r\n";
    return RawHttpExchange(server().port(), request);
  };
  // The well-formed header works (the helper is sound).
  Result<RawHttpResponse> ok = get_account("Bearer " + alice.token);
  ASSERT_TRUE(IsOk(ok));
  EXPECT_EQ(ok->status, 200) << ok->raw_body;

  const std::vector<std::optional<std::string>> bad = {
      std::nullopt,
      "",
      "Bearer",
      "Bearer ",
      "Bearer garbage",
      "Bearer " + alice.token + "x",
      "Bearer " + alice.token.substr(0, alice.token.size() - 1),
      "Basic YWxpY2U6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5",
      "Token " + alice.token,
      alice.token,
      "Bearer " + std::string(4000, 'z'),
  };
  for (const auto& header : bad) {
    SCOPED_TRACE(header ? "'" + header->substr(0, 60) + "'" : "no header");
    EXPECT_TRUE(IsError(get_account(header), 401, "unauthenticated"));
  }
  // Through the client library too: no token, a garbage token.
  EXPECT_TRUE(IsError(Call("GET", "/api/v1/sessions"), 401, "unauthenticated"));
  TestUser garbage;
  garbage.token = "pt_not-a-real-token";
  EXPECT_TRUE(
      IsError(Call("GET", "/api/v1/sessions", std::nullopt, &garbage), 401, "unauthenticated"));
  EXPECT_TRUE(IsError(Call("GET", "/api/v1/conversations", std::nullopt, &garbage), 401,
                      "unauthenticated"));
}

TEST_F(AccountsDefaultTest, UnknownPathsAre404WithAnErrorBody) {
  TestUser alice = MustCreate("alice");
  for (std::string_view path : {"/", "/nope", "/api", "/api/v2/account", "/healthz/extra",
                                "/ws/other", "/index.html", "/api/v1/account/extra"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(IsError(Call("GET", path, std::nullopt, &alice), 404, "not_found"));
  }
  for (std::string_view path : {"/api/v1/nope", "/api/v1/accounts/alice", "/api/v1/users/id"}) {
    SCOPED_TRACE(path);
    EXPECT_TRUE(IsError(Call("GET", path, std::nullopt, &alice), 404, "not_found"));
  }
  Result<HttpResponse> health = Call("GET", "/healthz");
  ASSERT_TRUE(IsOk(health));
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, json({{"status", "ok"}}));
}

}  // namespace
}  // namespace parley::e2e
