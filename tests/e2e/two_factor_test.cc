// Two-step sign-in end to end against a real parleyd (docs/protocol.md, "Two-step sign-in"):
// the test plays the authenticator app, computing codes from the secret the server returned
// (auth/totp.h, checked against the RFC vectors in tests/auth/totp_test.cc). Covers enrolment
// (wrong password, wrong code), login with a code, a replayed code, recovery codes used once,
// the limits on wrong codes, disabling (password and code both needed), another user's
// requests, hostile bodies, and the secret key file: a start with another key is refused with
// a clear error, and `parleyd --rotate-secret-key` moves the seeds to a new key; and the same
// through the `parley` CLI (2fa enable, confirm, disable; login asking for the code).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "auth/totp.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

// Codes are valid for the steps now-1 .. now+1 at the server. A test that uses the three of
// them starts early in a step, so that the step does not change under it (at most 10 s).
void WaitForFreshStep() {
  while (Now() % auth::kTotpStepSeconds >= 20) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // waits on the clock itself
  }
}

class TwoFactorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = ServerProcess::Start();
    ASSERT_TRUE(IsOk(started));
    server_ = std::move(*started);
    auto alice = CreateUser(*server_, "alice");
    ASSERT_TRUE(IsOk(alice));
    alice_ = *alice;
  }

  client::HttpResponse Post(const std::string& target, const json& body,
                            const TestUser* user = nullptr) {
    auto response = ApiFor(*server_, user)->Request("POST", target, body.dump());
    EXPECT_TRUE(IsOk(response));
    return response.ok() ? *response : client::HttpResponse{};
  }

  client::HttpResponse Login(const TestUser& user) {
    return Post("/api/v1/sessions",
                {{"username", user.username}, {"password", user.password}, {"device", "2fa"}});
  }

  // Enrols `user` with the code of the previous step; returns the raw seed and the recovery
  // codes.
  std::string Enrol(const TestUser& user, std::vector<std::string>* recovery = nullptr) {
    auto started = Post("/api/v1/account/2fa/totp", {{"password", user.password}}, &user);
    EXPECT_EQ(started.status, 201) << started.raw_body;
    const std::string secret = started.body.value("secret", "");
    EXPECT_TRUE(started.body.value("uri", "").starts_with("otpauth://totp/Parley:" + user.username +
                                                          "?secret=" + secret));
    auto seed = auth::Base32Decode(secret);
    EXPECT_TRUE(IsOk(seed));
    if (!seed.ok()) return "";
    auto confirmed = Post("/api/v1/account/2fa/totp/confirm",
                          {{"code", auth::TotpCode(*seed, Now() - 30)}}, &user);
    EXPECT_EQ(confirmed.status, 200) << confirmed.raw_body;
    if (recovery != nullptr) {
      *recovery = confirmed.body.value("recovery_codes", std::vector<std::string>{});
    }
    return *seed;
  }

  client::HttpResponse SecondStep(const std::string& challenge, const std::string& code) {
    return Post("/api/v1/sessions/second-factor", {{"challenge", challenge}, {"code", code}});
  }

  json State(const TestUser& user) {
    auto response = ApiFor(*server_, &user)->Request("GET", "/api/v1/account/2fa", "");
    EXPECT_TRUE(IsOk(response));
    return response.ok() ? response->body : json();
  }

  std::unique_ptr<ServerProcess> server_;
  TestUser alice_;
};

TEST_F(TwoFactorTest, EnrolThenLoginWithACodeOnceAndRecoveryCodesOnce) {
  WaitForFreshStep();
  EXPECT_EQ(State(alice_),
            json({{"enabled", false}, {"pending", false}, {"recovery_codes_left", 0}}));
  // Enrolment asks for the password again.
  EXPECT_EQ(Post("/api/v1/account/2fa/totp", {{"password", "wrong password"}}, &alice_).status,
            401);
  auto started = Post("/api/v1/account/2fa/totp", {{"password", alice_.password}}, &alice_);
  ASSERT_EQ(started.status, 201) << started.raw_body;
  auto seed = auth::Base32Decode(started.body.at("secret").get<std::string>());
  ASSERT_TRUE(IsOk(seed));
  EXPECT_EQ(seed->size(), 20u);
  EXPECT_EQ(State(alice_)["pending"], true);
  // Pending: logins still need only the password.
  EXPECT_EQ(Login(alice_).status, 201);
  // A wrong code does not turn it on.
  const std::string wrong = auth::TotpCode(*seed, Now() + 300);
  auto refused = Post("/api/v1/account/2fa/totp/confirm", {{"code", wrong}}, &alice_);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.body["error"]["code"], "unauthenticated");
  auto confirmed = Post("/api/v1/account/2fa/totp/confirm",
                        {{"code", auth::TotpCode(*seed, Now() - 30)}}, &alice_);
  ASSERT_EQ(confirmed.status, 200) << confirmed.raw_body;
  const auto recovery = confirmed.body.at("recovery_codes").get<std::vector<std::string>>();
  ASSERT_EQ(recovery.size(), 10u);
  EXPECT_EQ(recovery[0].size(), 19u);  // abcd-efgh-ijkl-mnop
  EXPECT_EQ(State(alice_),
            json({{"enabled", true}, {"pending", false}, {"recovery_codes_left", 10}}));

  // The password alone now yields a challenge, not a session.
  auto first = Login(alice_);
  ASSERT_EQ(first.status, 202) << first.raw_body;
  EXPECT_EQ(first.body["second_factor"], "totp");
  EXPECT_FALSE(first.body.contains("token"));
  const std::string challenge = first.body.at("challenge");
  // The confirming code's step is spent already.
  EXPECT_EQ(SecondStep(challenge, auth::TotpCode(*seed, Now() - 30)).status, 401);
  const std::string code = auth::TotpCode(*seed, Now());
  auto session = SecondStep(challenge, code);
  ASSERT_EQ(session.status, 201) << session.raw_body;
  EXPECT_EQ(session.body["user"]["username"], "alice");
  TestUser with_code = alice_;
  with_code.token = session.body.at("token");
  EXPECT_EQ(State(with_code)["enabled"], true);  // the new session works
  // The challenge was single-use, and the code too, even with a fresh challenge.
  EXPECT_EQ(SecondStep(challenge, auth::TotpCode(*seed, Now() + 30)).status, 401);
  auto second = Login(alice_);
  ASSERT_EQ(second.status, 202);
  EXPECT_EQ(SecondStep(second.body.at("challenge"), code).status, 401);
  // The challenge survived the wrong code: the next step's code opens it.
  EXPECT_EQ(SecondStep(second.body.at("challenge"), auth::TotpCode(*seed, Now() + 30)).status, 201);

  // A recovery code works once, typed in any case and with or without dashes.
  auto third = Login(alice_);
  std::string typed = recovery[3];
  std::erase(typed, '-');
  for (char& c : typed) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(SecondStep(third.body.at("challenge"), typed).status, 201);
  auto fourth = Login(alice_);
  EXPECT_EQ(SecondStep(fourth.body.at("challenge"), recovery[3]).status, 401);
  EXPECT_EQ(SecondStep(fourth.body.at("challenge"), recovery[4]).status, 201);
  EXPECT_EQ(State(alice_)["recovery_codes_left"], 8);
}

TEST_F(TwoFactorTest, WrongCodesEndTheChallengeThenTheAccountWaits) {
  const std::string seed = Enrol(alice_);
  auto login = Login(alice_);
  auto other = Login(alice_);
  ASSERT_EQ(login.status, 202);
  ASSERT_EQ(other.status, 202);
  const std::string challenge = login.body.at("challenge");
  for (int i = 0; i < 5; ++i) {
    auto wrong = SecondStep(challenge, "00000" + std::to_string(i));
    EXPECT_EQ(wrong.status, 401) << i;
  }
  // Five wrong codes are free; after the sixth the account waits before its next code (1 s,
  // doubling), whichever challenge brings it.
  EXPECT_EQ(SecondStep(other.body.at("challenge"), "000005").status, 401);
  auto limited = SecondStep(other.body.at("challenge"), "123456");
  EXPECT_EQ(limited.status, 429) << limited.raw_body;
  EXPECT_EQ(limited.body["error"]["code"], "rate_limited");
  // Five wrong codes spent the first challenge: even a right code needs the password again.
  auto spent = SecondStep(challenge, auth::TotpCode(seed, Now()));
  EXPECT_EQ(spent.status, 401);
  EXPECT_NE(spent.raw_body.find("sign in again"), std::string::npos) << spent.raw_body;
}

TEST_F(TwoFactorTest, CodeChecksAreLimitedPerAddress) {
  // Each account has its own backoff; the address's budget (30 per 10 minutes) is shared.
  std::vector<std::string> challenges;
  for (int i = 0; i < 7; ++i) {
    auto user = CreateUser(*server_, "user" + std::to_string(i));
    ASSERT_TRUE(IsOk(user));
    Enrol(*user);  // one check each
    auto login = Login(*user);
    ASSERT_EQ(login.status, 202);
    challenges.push_back(login.body.at("challenge"));
  }
  int refused = 0;
  for (int round = 0; round < 4; ++round) {
    for (const std::string& challenge : challenges) {
      auto answer = SecondStep(challenge, "11111" + std::to_string(round));
      if (answer.status == 429)
        ++refused;
      else
        EXPECT_EQ(answer.status, 401);
    }
  }
  // 7 confirmations + 28 wrong codes = 35 checks: the last 5 are over the address's 30.
  EXPECT_EQ(refused, 5);
}

TEST_F(TwoFactorTest, DisableNeedsThePasswordAndACode) {
  WaitForFreshStep();
  std::vector<std::string> recovery;
  const std::string seed = Enrol(alice_, &recovery);
  const std::string code = auth::TotpCode(seed, Now());
  EXPECT_EQ(
      Post("/api/v1/account/2fa/disable", {{"password", "wrong password"}, {"code", code}}, &alice_)
          .status,
      401);
  EXPECT_EQ(Post("/api/v1/account/2fa/disable", {{"password", alice_.password}, {"code", "999999"}},
                 &alice_)
                .status,
            401);
  EXPECT_EQ(State(alice_)["enabled"], true);
  // Enrolling again while on is a conflict.
  EXPECT_EQ(Post("/api/v1/account/2fa/totp", {{"password", alice_.password}}, &alice_).status, 409);
  // New recovery codes need a code; the old ones stop working.
  auto renewed = Post("/api/v1/account/2fa/recovery-codes", {{"code", code}}, &alice_);
  ASSERT_EQ(renewed.status, 200) << renewed.raw_body;
  const auto fresh = renewed.body.at("recovery_codes").get<std::vector<std::string>>();
  EXPECT_EQ(fresh.size(), 10u);
  EXPECT_EQ(Post("/api/v1/account/2fa/disable",
                 {{"password", alice_.password}, {"code", recovery[0]}}, &alice_)
                .status,
            401);
  EXPECT_EQ(Post("/api/v1/account/2fa/disable", {{"password", alice_.password}, {"code", fresh[0]}},
                 &alice_)
                .status,
            204);
  EXPECT_EQ(State(alice_),
            json({{"enabled", false}, {"pending", false}, {"recovery_codes_left", 0}}));
  EXPECT_EQ(Login(alice_).status, 201);
  // Off: disabling or renewing codes again is a conflict.
  EXPECT_EQ(Post("/api/v1/account/2fa/recovery-codes", {{"code", fresh[1]}}, &alice_).status, 409);
}

TEST_F(TwoFactorTest, AnotherUserCannotTouchMine) {
  WaitForFreshStep();
  const std::string seed = Enrol(alice_);
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(bob));
  // Bob sees his own state, and alice's code does nothing on his account or hers.
  EXPECT_EQ(State(*bob)["enabled"], false);
  const std::string code = auth::TotpCode(seed, Now());
  EXPECT_EQ(Post("/api/v1/account/2fa/totp/confirm", {{"code", code}}, &*bob).status, 409);
  EXPECT_EQ(
      Post("/api/v1/account/2fa/disable", {{"password", bob->password}, {"code", code}}, &*bob)
          .status,
      409);
  EXPECT_EQ(Post("/api/v1/account/2fa/recovery-codes", {{"code", code}}, &*bob).status, 409);
  EXPECT_EQ(State(alice_)["enabled"], true);
  // Without a token, nothing.
  EXPECT_EQ(
      Post("/api/v1/account/2fa/disable", {{"password", alice_.password}, {"code", code}}).status,
      401);
  // The code is still unused: alice signs in with it.
  auto login = Login(alice_);
  EXPECT_EQ(SecondStep(login.body.at("challenge"), code).status, 201);
}

TEST_F(TwoFactorTest, HostileBodiesAreRefusedWithTypedErrors) {
  Enrol(alice_);
  auto api = ApiFor(*server_, &alice_);
  struct Case {
    std::string target;
    std::string body;
    int status;
    std::string code;
  };
  const std::string long_code(65, '1');
  const std::vector<Case> cases = {
      {"/api/v1/account/2fa/totp", "not json", 400, "malformed"},
      {"/api/v1/account/2fa/totp", R"({"password": 7})", 400, "malformed"},
      {"/api/v1/account/2fa/totp/confirm", "{}", 400, "malformed"},
      {"/api/v1/account/2fa/recovery-codes", R"({"code": ["123456"]})", 400, "malformed"},
      {"/api/v1/account/2fa/recovery-codes", json{{"code", long_code}}.dump(), 422,
       "invalid_argument"},
      {"/api/v1/account/2fa/recovery-codes", R"({"code": ""})", 422, "invalid_argument"},
      {"/api/v1/account/2fa/disable", R"({"password": "x"})", 400, "malformed"},
      {"/api/v1/sessions/second-factor", R"({"challenge": "x"})", 400, "malformed"},
      {"/api/v1/sessions/second-factor", R"({"challenge": "x", "code": "123456"})", 401,
       "unauthenticated"},
      {"/api/v1/sessions/second-factor",
       json{{"challenge", "pt_" + std::string(43, 'A')}, {"code", "123456"}}.dump(), 401,
       "unauthenticated"},
      {"/api/v1/sessions/second-factor", "[1, 2, 3]", 400, "malformed"},
  };
  for (const Case& c : cases) {
    auto response = api->Request("POST", c.target, c.body);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, c.status) << c.target << " " << c.body;
    EXPECT_EQ(response->body["error"]["code"], c.code) << c.target << " " << c.body;
  }
  // An oversized body is refused before it is parsed.
  auto huge = api->Request("POST", "/api/v1/sessions/second-factor",
                           json{{"challenge", std::string(2 << 20, 'a')}, {"code", "1"}}.dump());
  ASSERT_TRUE(IsOk(huge));
  EXPECT_EQ(huge->status, 413);
  EXPECT_EQ(State(alice_)["enabled"], true);  // nothing above changed it
}

TEST_F(TwoFactorTest, AnotherKeyFileStopsTheStartAndRotationMovesTheSeeds) {
  WaitForFreshStep();
  const std::string seed = Enrol(alice_);
  // A webhook target: its signing secret is sealed under the same key (push.db).
  auto hook =
      ApiFor(*server_, &alice_)
          ->Request("POST", "/api/v1/push/targets",
                    json{{"provider", "webhook"}, {"endpoint", "https://hooks.example/a"}}.dump());
  ASSERT_TRUE(IsOk(hook));
  ASSERT_EQ(hook->status, 201) << hook->raw_body;
  const std::string dir = server_->data_dir();
  // A start with another key file is refused with a clear error.
  Status wrong_key = server_->Restart({"--secret-key-file", dir + "/other.key"});
  EXPECT_FALSE(wrong_key.ok());
  EXPECT_NE(server_->output().find("made with another key"), std::string::npos)
      << server_->output();
  // The rotation reseals every seed under a new key ...
  testing_support::ChildProcess rotate;
  ASSERT_TRUE(rotate.Start(
      {PARLEY_PARLEYD_PATH, "--data-dir", dir, "--rotate-secret-key", dir + "/new.key"}));
  auto done = rotate.WaitForLine(
      [](const std::string& line) { return line.find("resealed") != std::string::npos; },
      std::chrono::seconds(15));
  ASSERT_TRUE(done.has_value());
  EXPECT_NE(done->find("1 two-step sign-in seeds, 1 push targets' secrets, 1 VAPID key"),
            std::string::npos)
      << *done;
  // ... under which the server starts, and the seed still gives the codes.
  ASSERT_TRUE(IsOk(server_->Restart({"--secret-key-file", dir + "/new.key"}))) << server_->output();
  auto login = Login(alice_);
  ASSERT_EQ(login.status, 202);
  EXPECT_EQ(SecondStep(login.body.at("challenge"), auth::TotpCode(seed, Now())).status, 201);
  auto targets = ApiFor(*server_, &alice_)->Request("GET", "/api/v1/push/targets");
  ASSERT_TRUE(IsOk(targets));
  EXPECT_EQ(targets->status, 200) << targets->raw_body;
  EXPECT_EQ(targets->body["targets"].size(), 1u);
  // The old key no longer opens them.
  EXPECT_FALSE(server_->Restart({"--secret-key-file", dir + "/secret.key"}).ok());
}

// Runs `PARLEY_CODE=code parley --server URL ARGS...` with its own config directory; returns
// the exit code and what it printed.
std::pair<int, std::string> Parley(const ServerProcess& server, const std::string& config_dir,
                                   const std::vector<std::string>& args,
                                   const std::string& code = "") {
  std::string command = "PARLEY_CONFIG_DIR='" + config_dir + "' PARLEY_PASSWORD='" +
                        std::string(kTestPassword) + "' PARLEY_CODE='" + code + "' " +
                        PARLEY_CLI_PATH + " --server " + server.url();
  for (const std::string& arg : args) command += " '" + arg + "'";  // test-made, no quotes
  command += " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::array<char, 4096> buffer;
  for (size_t got; (got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
    output.append(buffer.data(), got);
  }
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST_F(TwoFactorTest, CliEnablesConfirmsLogsInWithACodeAndDisables) {
  WaitForFreshStep();
  testing_support::TempDir home;
  const std::string dir = home.path() + "/alice";
  auto [login_exit, login_out] = Parley(*server_, dir, {"login", "alice"});
  ASSERT_EQ(login_exit, 0) << login_out;
  auto [enable_exit, enable_out] = Parley(*server_, dir, {"2fa", "enable"});
  ASSERT_EQ(enable_exit, 0) << enable_out;
  const std::string marker = "authenticator app: ";
  const size_t at = enable_out.find(marker);
  ASSERT_NE(at, std::string::npos) << enable_out;
  const std::string secret = enable_out.substr(at + marker.size(), 32);
  auto seed = auth::Base32Decode(secret);
  ASSERT_TRUE(IsOk(seed)) << enable_out;
  auto [confirm_exit, confirm_out] =
      Parley(*server_, dir, {"2fa", "confirm", auth::TotpCode(*seed, Now() - 30)});
  ASSERT_EQ(confirm_exit, 0) << confirm_out;
  EXPECT_NE(confirm_out.find("two-step sign-in is on"), std::string::npos) << confirm_out;
  auto [state_exit, state_out] = Parley(*server_, dir, {"2fa"});
  EXPECT_NE(state_out.find("recovery codes left: 10"), std::string::npos) << state_out;
  // A login asks for the code: a wrong one fails, the right one logs in.
  auto [wrong_exit, wrong_out] = Parley(*server_, dir, {"login", "alice"}, "000000");
  EXPECT_NE(wrong_exit, 0) << wrong_out;
  const std::string code = auth::TotpCode(*seed, Now());
  auto [right_exit, right_out] = Parley(*server_, dir, {"login", "alice"}, code);
  EXPECT_EQ(right_exit, 0) << right_out;
  EXPECT_NE(right_out.find("logged in as alice"), std::string::npos) << right_out;
  auto [off_exit, off_out] =
      Parley(*server_, dir, {"2fa", "disable", auth::TotpCode(*seed, Now() + 30)});
  EXPECT_EQ(off_exit, 0) << off_out;
  EXPECT_EQ(State(alice_)["enabled"], false);
}

}  // namespace
}  // namespace parley::e2e
