// E-mail verification and password reset end to end: a real parleyd sends its mail through a
// real SMTP server on loopback (tests/peers/smtp_peer.mjs: the npm smtp-server with STARTTLS
// and AUTH, each mail read with mailparser), and the test follows the mailed links through the
// API. Covers: verification (wrong password, bad address, reuse), reset by username and by
// address (sessions revoked, WebSockets closed), and the refusals: reused, expired, wrong and
// malformed tokens, a verification token used for a reset, another account's token, an
// unverified address, enumeration (same answer, similar time), rate limits, hostile bodies;
// and the same through the `parley` CLI (email, verify-email, reset-password).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/http_api.h"
#include "client/wire_codes.h"
#include "client/ws_client.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/mail_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_ca.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace parley::e2e {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing_support::ChildProcess;

class EmailTest : public MailTest {
 protected:
  // Asks for a reset of `account` and returns the mailed token (empty if none came).
  std::string ResetToken(const std::string& account, const std::string& address) {
    EXPECT_TRUE(IsOk(ApiFor(*server_)->RequestPasswordReset(account)));
    auto mail = NextMail(address, "Reset your Parley password");
    if (!mail) return "";
    return TokenIn(*mail, "reset-password");
  }

  Code LoginCode(const std::string& username, const std::string& password) {
    auto login = ApiFor(*server_)->Login(username, password);
    return login.ok() ? Code::kOk : login.status().code();
  }
};

TEST_F(EmailTest, AddressIsVerifiedByTheMailedLinkOnce) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  auto api = ApiFor(*server_, &alice);
  auto empty = api->Email();
  ASSERT_TRUE(IsOk(empty));
  EXPECT_EQ(*empty, json::parse(R"({"email":null,"verified":false})"));

  EXPECT_EQ(api->SetEmail("alice@example.org", "wrong password").status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(api->SetEmail("not an address", alice.password).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(api->SetEmail("a@b.org>\r\nBcc: x@evil.org", alice.password).status().code(),
            Code::kInvalidArgument);
  auto set = api->SetEmail("Alice@Example.org", alice.password);
  ASSERT_TRUE(IsOk(set));
  EXPECT_EQ(*set, json::parse(R"({"email":"Alice@Example.org","verified":false})"));

  auto mail = NextMail("Alice@Example.org", "Confirm your e-mail address");
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->value("from", ""), "parley@chat.example.org");
  EXPECT_TRUE(mail->value("secure", false)) << "sent after STARTTLS";
  const std::string token = TokenIn(*mail, "verify-email");
  EXPECT_EQ(ApiFor(*server_)->ResetPassword(token, "a brand new password").code(),
            Code::kUnauthenticated)
      << "a verification token is no reset token";
  ASSERT_TRUE(IsOk(ApiFor(*server_)->VerifyEmail(token)));
  EXPECT_EQ(*api->Email(), json::parse(R"({"email":"Alice@Example.org","verified":true})"));
  EXPECT_EQ(ApiFor(*server_)->VerifyEmail(token).code(), Code::kUnauthenticated) << "used twice";

  // A new address starts unverified, and the code mailed to the one before it is void.
  ASSERT_TRUE(IsOk(api->SetEmail("first@example.org", alice.password)));
  auto first = NextMail("first@example.org", "Confirm your e-mail address");
  ASSERT_TRUE(first);
  ASSERT_TRUE(IsOk(api->SetEmail("second@example.org", alice.password)));
  EXPECT_EQ(ApiFor(*server_)->VerifyEmail(TokenIn(*first, "verify-email")).code(),
            Code::kUnauthenticated);
  EXPECT_FALSE((*api->Email())["verified"].get<bool>());

  auto removed = api->SetEmail("", alice.password);
  ASSERT_TRUE(IsOk(removed));
  EXPECT_EQ(*removed, json::parse(R"({"email":null,"verified":false})"));
}

TEST_F(EmailTest, ResetByUsernameSetsThePasswordAndEndsEverySession) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(alice, "alice@example.org"));
  auto phone = LoginDevice(*server_, alice, "phone");
  ASSERT_TRUE(IsOk(phone));
  auto ws = ConnectUser(*server_, *phone);
  ASSERT_TRUE(IsOk(ws));

  const std::string token = ResetToken("alice", "alice@example.org");
  ASSERT_FALSE(token.empty());
  auto anonymous = ApiFor(*server_);
  EXPECT_EQ(anonymous->ResetPassword(token, "short").code(), Code::kInvalidArgument);
  ASSERT_TRUE(IsOk(anonymous->ResetPassword(token, "a brand new password")))
      << "a refused password does not spend the token";
  EXPECT_EQ((*ws)->WaitForClose(), 4001);
  EXPECT_EQ(ApiFor(*server_, &alice)->Account().status().code(), Code::kUnauthenticated);
  EXPECT_EQ(ApiFor(*server_, &*phone)->Account().status().code(), Code::kUnauthenticated);
  EXPECT_EQ(LoginCode("alice", alice.password), Code::kUnauthenticated);
  EXPECT_EQ(LoginCode("alice", "a brand new password"), Code::kOk);
  EXPECT_EQ(anonymous->ResetPassword(token, "yet another password").code(), Code::kUnauthenticated)
      << "a token works once";
}

TEST_F(EmailTest, ResetByAddressAndTheRefusals) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  TestUser carol = MustCreate("carol");
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(alice, "alice@example.org"));
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(bob, "bob@example.org"));
  // Carol's address is never verified: no reset mail goes there.
  ASSERT_TRUE(IsOk(ApiFor(*server_, &carol)->SetEmail("carol@example.org", carol.password)));
  ASSERT_TRUE(NextMail("carol@example.org", "Confirm your e-mail address"));
  ASSERT_TRUE(IsOk(ApiFor(*server_)->RequestPasswordReset("carol")));
  ASSERT_TRUE(IsOk(ApiFor(*server_)->RequestPasswordReset("carol@example.org")));

  // By address, in another case than it was typed.
  const std::string alice_token = ResetToken("ALICE@example.org", "alice@example.org");
  ASSERT_FALSE(alice_token.empty());
  const std::string bob_token = ResetToken("bob", "bob@example.org");
  ASSERT_FALSE(bob_token.empty());
  EXPECT_EQ(MailsTo("carol@example.org"), 1) << "only the verification mail";

  auto anonymous = ApiFor(*server_);
  // Wrong tokens: well-formed but unknown, malformed, empty, huge.
  std::string unknown = alice_token;
  unknown[10] = unknown[10] == 'A' ? 'B' : 'A';
  for (const std::string& wrong :
       {unknown, std::string("pt_short"), std::string(), std::string(10000, 'x')}) {
    EXPECT_EQ(anonymous->ResetPassword(wrong, "a brand new password").code(),
              Code::kUnauthenticated);
  }
  // Bob's token sets Bob's password, whoever sends it: Alice's is untouched.
  ASSERT_TRUE(IsOk(anonymous->ResetPassword(bob_token, "bob's new password")));
  EXPECT_EQ(LoginCode("alice", alice.password), Code::kOk);
  EXPECT_EQ(LoginCode("bob", "bob's new password"), Code::kOk);
  // Changing the address voids a reset link mailed to the old one.
  ASSERT_TRUE(IsOk(ApiFor(*server_, &alice)->SetEmail("new@example.org", alice.password)));
  EXPECT_EQ(anonymous->ResetPassword(alice_token, "a brand new password").code(),
            Code::kUnauthenticated);
  EXPECT_EQ(LoginCode("alice", alice.password), Code::kOk);
}

TEST_F(EmailTest, AnExpiredTokenIsRefused) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--reset-token-lifetime-s", "1"}));
  TestUser alice = MustCreate("alice");
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(alice, "alice@example.org"));
  const auto asked = std::chrono::steady_clock::now();
  const std::string token = ResetToken("alice", "alice@example.org");
  ASSERT_FALSE(token.empty());
  // The token's lifetime is the condition waited for.
  std::this_thread::sleep_until(asked + milliseconds(1200));
  EXPECT_EQ(ApiFor(*server_)->ResetPassword(token, "a brand new password").code(),
            Code::kUnauthenticated);
  EXPECT_EQ(LoginCode("alice", alice.password), Code::kOk);
}

TEST_F(EmailTest, TheAnswerDoesNotTellWhetherTheAccountExists) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  MustCreate("bob");  // no address
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(alice, "alice@example.org"));
  auto anonymous = ApiFor(*server_);
  const std::vector<std::string> names = {"alice", "bob", "nobody", "alice@example.org",
                                          "nobody@example.org"};
  ASSERT_TRUE(IsOk(anonymous->Healthz()));  // the connection is open before the clock runs
  std::vector<std::string> answers;
  std::vector<double> times_ms;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& name : names) {
      const auto start = std::chrono::steady_clock::now();
      auto reply =
          anonymous->Request("POST", "/api/v1/password-reset", json{{"account", name}}.dump());
      times_ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
      ASSERT_TRUE(IsOk(reply));
      answers.push_back(std::to_string(reply->status) + " " + reply->raw_body);
    }
  }
  for (const std::string& answer : answers) EXPECT_EQ(answer, answers.front());
  EXPECT_EQ(answers.front().substr(0, 3), "202");
  // The answer comes before any lookup: an account that gets a mail must not answer slower
  // than a name nobody has (samples 0 and 3 of each round against 2 and 4).
  double existing = 0, missing = 0;
  for (size_t round = 0; round < 2; ++round) {
    const size_t at = round * names.size();
    existing = std::max({existing, times_ms[at], times_ms[at + 3]});
    missing = std::max({missing, times_ms[at + 2], times_ms[at + 4]});
  }
  RecordProperty("reset_answer_existing_max_ms", std::to_string(existing));
  RecordProperty("reset_answer_missing_max_ms", std::to_string(missing));
  EXPECT_LT(existing, missing + 100) << "existing " << existing << " ms, missing " << missing;
}

TEST_F(EmailTest, ResetRequestsAreRateLimited) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(alice, "alice@example.org"));
  ASSERT_NO_FATAL_FAILURE(VerifyAddress(bob, "bob@example.org"));
  auto anonymous = ApiFor(*server_);
  // Per account: 3 mails an hour however it is named; the requests still get the same answer.
  for (const char* name : {"alice", "Alice", "alice@example.org", "ALICE", "aLiCe"}) {
    EXPECT_TRUE(IsOk(anonymous->RequestPasswordReset(name))) << name;
  }
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(NextMail("alice@example.org", "Reset your Parley password"));
  }
  // Per name as typed (case-blind): 5 an hour; "alice" had 4, so the 6th is refused.
  EXPECT_EQ(anonymous->RequestPasswordReset("alice").code(), Code::kOk);
  EXPECT_EQ(anonymous->RequestPasswordReset("ALICE").code(), Code::kRateLimited);
  EXPECT_EQ(anonymous->RequestPasswordReset("nobody-at-all").code(), Code::kOk);
  EXPECT_EQ(anonymous->RequestPasswordReset("bob").code(), Code::kOk);
  ASSERT_TRUE(NextMail("bob@example.org", "Reset your Parley password"));
  EXPECT_EQ(MailsTo("alice@example.org"), 1 + 3) << "verification and three resets";
  // Per client address: 10 an hour; 8 were taken (the refused request took none).
  for (const char* name : {"x1", "x2"}) {
    EXPECT_EQ(anonymous->RequestPasswordReset(name).code(), Code::kOk) << name;
  }
  EXPECT_EQ(anonymous->RequestPasswordReset("x3").code(), Code::kRateLimited);
}

TEST_F(EmailTest, HostileBodiesGetTypedErrors) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  auto anonymous = ApiFor(*server_);
  auto authed = ApiFor(*server_, &alice);
  struct Case {
    client::HttpApi* api;
    const char* method;
    const char* target;
    std::string body;
    int status;
  };
  const std::vector<Case> cases = {
      {anonymous.get(), "POST", "/api/v1/password-reset", "not json", 400},
      {anonymous.get(), "POST", "/api/v1/password-reset", R"({"account":7})", 400},
      {anonymous.get(), "POST", "/api/v1/password-reset", R"({})", 400},
      {anonymous.get(), "POST", "/api/v1/password-reset", R"({"account":""})", 422},
      {anonymous.get(), "POST", "/api/v1/password-reset",
       json{{"account", std::string(300, 'a')}}.dump(), 422},
      {anonymous.get(), "POST", "/api/v1/password-reset/confirm", R"({"token":"x"})", 400},
      {anonymous.get(), "POST", "/api/v1/password-reset/confirm", R"([1,2])", 400},
      {anonymous.get(), "POST", "/api/v1/account/email/verify", R"({"token":null})", 400},
      {anonymous.get(), "GET", "/api/v1/account/email", "", 401},
      {anonymous.get(), "PUT", "/api/v1/account/email", R"({"email":"a@b.org","password":"x"})",
       401},
      {authed.get(), "PUT", "/api/v1/account/email", R"({"password":"x"})", 400},
      {authed.get(), "PUT", "/api/v1/account/email", R"({"email":["a@b.org"],"password":"x"})",
       400},
      {authed.get(), "PUT", "/api/v1/account/email",
       json{{"email", std::string(300, 'a') + "@example.org"}, {"password", alice.password}}.dump(),
       422},
  };
  for (const Case& c : cases) {
    auto reply = c.api->Request(c.method, c.target,
                                c.body.empty() ? std::nullopt : std::optional<std::string>(c.body));
    ASSERT_TRUE(IsOk(reply));
    EXPECT_EQ(reply->status, c.status)
        << c.method << " " << c.target << " " << c.body << " -> " << reply->raw_body;
  }
}

// Runs `parley --server URL ARGS...` with its own config directory and the given environment
// (NAME=value words for /bin/sh, already quoted); returns the exit code and the output.
std::pair<int, std::string> RunCli(const ServerProcess& server, const std::string& config_dir,
                                   const std::string& env, const std::vector<std::string>& args) {
  auto quote = [](const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
  };
  std::string command = "PARLEY_CONFIG_DIR=" + quote(config_dir) + " " + env + " " +
                        quote(PARLEY_CLI_PATH) + " --server " + quote(server.url());
  for (const std::string& arg : args) command += " " + quote(arg);
  command += " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buffer[4096];
  size_t got = 0;
  while ((got = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, got);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST_F(EmailTest, TheCliSetsVerifiesAndResets) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  testing_support::TempDir home;
  const std::string password_env = "PARLEY_PASSWORD='" + std::string(kTestPassword) + "'";
  auto [login_code, login_out] = RunCli(*server_, home.path(), password_env, {"login", "alice"});
  ASSERT_EQ(login_code, 0) << login_out;
  auto [set_code, set_out] =
      RunCli(*server_, home.path(), password_env, {"email", "alice@example.org"});
  ASSERT_EQ(set_code, 0) << set_out;
  EXPECT_NE(set_out.find("alice@example.org (not verified"), std::string::npos) << set_out;
  auto verify = NextMail("alice@example.org", "Confirm your e-mail address");
  ASSERT_TRUE(verify);
  auto [verify_code, verify_out] =
      RunCli(*server_, home.path(), "", {"verify-email", TokenIn(*verify, "verify-email")});
  ASSERT_EQ(verify_code, 0) << verify_out;
  auto [show_code, show_out] = RunCli(*server_, home.path(), "", {"email"});
  EXPECT_EQ(show_out, "alice@example.org (verified)\n");

  auto [ask_code, ask_out] = RunCli(*server_, home.path(), "", {"reset-password", "alice"});
  ASSERT_EQ(ask_code, 0) << ask_out;
  auto reset = NextMail("alice@example.org", "Reset your Parley password");
  ASSERT_TRUE(reset);
  const std::string token = TokenIn(*reset, "reset-password");
  const std::string new_env = "PARLEY_NEW_PASSWORD='the cli new password'";
  auto [reset_code, reset_out] =
      RunCli(*server_, home.path(), new_env, {"reset-password", "--token", token});
  ASSERT_EQ(reset_code, 0) << reset_out;
  EXPECT_EQ(LoginCode("alice", "the cli new password"), Code::kOk);
  auto [again_code, again_out] =
      RunCli(*server_, home.path(), new_env, {"reset-password", "--token", token});
  EXPECT_NE(again_code, 0) << "a used code is refused: " << again_out;
  auto [both_code, both_out] =
      RunCli(*server_, home.path(), new_env, {"reset-password", "alice", "--token", token});
  EXPECT_NE(both_code, 0) << both_out;
}

}  // namespace
}  // namespace parley::e2e
