// AuthService against the in-memory FakeStore and, when built with PARLEY_AUTH_TEST_SQLITE,
// against the real SQLite store in a temporary directory: the same tests on both.
#include "auth/auth_service.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "auth/scram.h"
#include "auth/token.h"
#include "base/base64.h"
#include "tests/auth/fake_store.h"

namespace parley::auth {
namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kDay = 24 * 60 * kMinute;
constexpr int64_t kT0 = 1'767'225'600'000;
constexpr std::string_view kAddress = "192.0.2.1";

AuthOptions TestOptions() {
  AuthOptions options;
  options.password = kMinimalPasswordCostForTests;
  options.registrations_per_address.max_events = 1000;  // tables of cases share one address
  return options;
}

class RecordingListener : public RevocationListener {
 public:
  void OnDeviceRevoked(int64_t user_id, int64_t device_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    revoked.emplace_back(user_id, device_id);
  }
  void OnOtherDevicesRevoked(int64_t user_id, int64_t kept_device_id) override {
    std::lock_guard<std::mutex> lock(mutex_);
    others_revoked.emplace_back(user_id, kept_device_id);
  }
  std::vector<std::pair<int64_t, int64_t>> revoked;
  std::vector<std::pair<int64_t, int64_t>> others_revoked;

 private:
  std::mutex mutex_;
};

// Owns one store of the kind under test (and its directory, for SQLite).
class StoreHolder {
 public:
  explicit StoreHolder(const std::string& kind) {
    if (kind == "fake") {
      store_ = std::make_unique<FakeStore>();
      return;
    }
#ifdef PARLEY_AUTH_TEST_SQLITE
    dir_ = std::filesystem::temp_directory_path() /
           ("parley_auth_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    Result<std::unique_ptr<store::Store>> opened =
        store::OpenSqliteStore({.path = (dir_ / "parley.db").string(), .synchronous_full = false});
    if (!opened.ok()) ADD_FAILURE() << "OpenSqliteStore: " << opened.status().message();
    if (opened.ok()) store_ = std::move(*opened);
#endif
  }
  ~StoreHolder() {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  store::Store& store() { return *store_; }
  bool ok() const { return store_ != nullptr; }

 private:
  static inline std::atomic<int> counter_{0};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

class AuthServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    holder_ = std::make_unique<StoreHolder>(GetParam());
    ASSERT_TRUE(holder_->ok());
    service_ = std::make_unique<AuthService>(holder_->store(), TestOptions());
    service_->SetRevocationListener(&listener_);
  }

  store::User MustRegister(std::string_view username, std::string_view password) {
    Result<store::User> user = service_->Register(username, password, "", "test", kT0);
    EXPECT_TRUE(user.ok()) << user.status().message();
    return user.ok() ? *user : store::User{};
  }

  LoginResult MustLogin(std::string_view username, std::string_view password,
                        std::string_view device = "cli", int64_t now = kT0) {
    Result<LoginResult> login = service_->Login(username, password, device, kAddress, now);
    EXPECT_TRUE(login.ok()) << login.status().message();
    return login.ok() ? *login : LoginResult{};
  }

  Principal MustAuthenticate(const std::string& token, int64_t now = kT0) {
    Result<Principal> principal = service_->Authenticate(token, now);
    EXPECT_TRUE(principal.ok()) << principal.status().message();
    return principal.ok() ? *principal : Principal{};
  }

  Code AuthCode(const std::string& token, int64_t now = kT0) {
    return service_->Authenticate(token, now).status().code();
  }

  std::unique_ptr<StoreHolder> holder_;
  RecordingListener listener_;
  std::unique_ptr<AuthService> service_;
};

TEST_P(AuthServiceTest, RegisterCreatesUser) {
  Result<store::User> alice = service_->Register("alice", "correct horse", "", "test", kT0);
  ASSERT_TRUE(alice.ok()) << alice.status().message();
  EXPECT_GT(alice->id, 0);
  EXPECT_EQ(alice->username, "alice");
  EXPECT_EQ(alice->display_name, "alice");  // defaults to the username
  EXPECT_TRUE(alice->password_hash.empty());
  Result<store::User> bob =
      service_->Register("bob", "battery staple", "Bob \xF0\x9F\x99\x82", "test", kT0);
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->display_name, "Bob \xF0\x9F\x99\x82");
  EXPECT_NE(bob->id, alice->id);
  // Stored hashed, never in the clear.
  Result<store::User> stored = holder_->store().FindUserByName("alice");
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->password_hash.starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(stored->password_hash, "correct horse"));
}

TEST_P(AuthServiceTest, RegisterRejectsBadInput) {
  struct Row {
    std::string username, password, display_name;
    Code code;
  };
  const Row rows[] = {
      {"al", "correct horse", "", Code::kInvalidArgument},
      {"_alice", "correct horse", "", Code::kInvalidArgument},
      {std::string(10 * 1024, 'a'), "correct horse", "", Code::kInvalidArgument},
      {"alice", "short", "", Code::kInvalidArgument},
      {"alice", std::string(1025, 'p'), "", Code::kInvalidArgument},
      {"alice", "correct horse", "Ali\nce", Code::kInvalidArgument},
      {"alice", "correct horse", std::string(65, 'A'), Code::kInvalidArgument},
      {"alice", "correct horse", "Alice\xC0\x80", Code::kMalformed},
      {"alice", "correct\xFFhorse", "", Code::kMalformed},
  };
  for (const Row& row : rows) {
    Result<store::User> user =
        service_->Register(row.username, row.password, row.display_name, "test", kT0);
    ASSERT_FALSE(user.ok());
    EXPECT_EQ(user.status().code(), row.code) << user.status().message();
  }
  EXPECT_EQ(holder_->store().FindUserByName("alice").status().code(), Code::kNotFound);
}

TEST_P(AuthServiceTest, DuplicateUsernameConflictsIgnoringCase) {
  MustRegister("alice", "correct horse");
  for (std::string_view name : {"alice", "ALICE", "Alice"}) {
    Result<store::User> again = service_->Register(name, "other password", "", "test", kT0);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().code(), Code::kConflict);
  }
}

TEST_P(AuthServiceTest, LoginIssuesTokenThatAuthenticates) {
  const store::User alice = MustRegister("alice", "correct horse");
  const LoginResult login = MustLogin("alice", "correct horse", "Firefox on Linux");
  EXPECT_TRUE(IsWellFormedToken(login.token));
  EXPECT_EQ(login.user.id, alice.id);
  EXPECT_TRUE(login.user.password_hash.empty());
  EXPECT_EQ(login.device.user_id, alice.id);
  EXPECT_EQ(login.device.name, "Firefox on Linux");
  EXPECT_EQ(login.device.created_at, kT0);
  EXPECT_EQ(login.device.expires_at, kT0 + 30 * kDay);

  const Principal principal = MustAuthenticate(login.token);
  EXPECT_EQ(principal.user.id, alice.id);
  EXPECT_EQ(principal.user.username, "alice");
  EXPECT_EQ(principal.device_id, login.device.id);
  EXPECT_TRUE(principal.user.password_hash.empty());
}

TEST_P(AuthServiceTest, LoginIgnoresUsernameCaseAndNamesUnknownDevices) {
  MustRegister("alice", "correct horse");
  const LoginResult login = MustLogin("ALICE", "correct horse", "");
  EXPECT_EQ(login.device.name, "unknown");
  Result<LoginResult> bad = service_->Login("alice", "correct horse", "cli\n", kAddress, kT0);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
}

TEST_P(AuthServiceTest, WrongPasswordAndUnknownUserAreIndistinguishable) {
  MustRegister("alice", "correct horse");
  const Status wrong_password =
      service_->Login("alice", "wrong horse", "cli", kAddress, kT0).status();
  const Status unknown_user =
      service_->Login("mallory", "correct horse", "cli", kAddress, kT0).status();
  const Status invalid_name = service_->Login("_x", "correct horse", "cli", kAddress, kT0).status();
  for (const Status& status : {wrong_password, unknown_user, invalid_name}) {
    EXPECT_EQ(status.code(), Code::kUnauthenticated);
    EXPECT_EQ(status.message(), wrong_password.message());
    EXPECT_EQ(status.message().find("horse"), std::string::npos);
  }
}

TEST_P(AuthServiceTest, AuthenticateRejectsBadTokens) {
  MustRegister("alice", "correct horse");
  const LoginResult login = MustLogin("alice", "correct horse");
  const std::string bad[] = {"",
                             "pt_",
                             "Bearer " + login.token,
                             login.token + "x",
                             NewToken(),
                             std::string(10 * 1024, 'x')};
  for (const std::string& token : bad) EXPECT_EQ(AuthCode(token), Code::kUnauthenticated);
}

TEST_P(AuthServiceTest, TokensExpire) {
  MustRegister("alice", "correct horse");
  const LoginResult login = MustLogin("alice", "correct horse");
  EXPECT_EQ(AuthCode(login.token, login.device.expires_at - 1), Code::kOk);
  EXPECT_EQ(AuthCode(login.token, login.device.expires_at + 1), Code::kUnauthenticated);
  EXPECT_EQ(AuthCode(login.token, kT0 + 31 * kDay), Code::kUnauthenticated);
}

TEST_P(AuthServiceTest, TouchesLastSeenAtMostOncePerMinute) {
  MustRegister("alice", "correct horse");
  const LoginResult login = MustLogin("alice", "correct horse");
  auto last_seen = [&] {
    Result<std::vector<store::Device>> devices = holder_->store().ListDevices(login.user.id, kT0);
    return devices.ok() && devices->size() == 1 ? devices->front().last_seen_at : -1;
  };
  EXPECT_EQ(last_seen(), kT0);
  MustAuthenticate(login.token, kT0 + 30 * kSecond);
  EXPECT_EQ(last_seen(), kT0);
  MustAuthenticate(login.token, kT0 + kMinute);
  EXPECT_EQ(last_seen(), kT0 + kMinute);
  MustAuthenticate(login.token, kT0 + kMinute + 59 * kSecond);
  EXPECT_EQ(last_seen(), kT0 + kMinute);
  MustAuthenticate(login.token, kT0 + 5 * kMinute);
  EXPECT_EQ(last_seen(), kT0 + 5 * kMinute);
}

TEST_P(AuthServiceTest, LogoutRevokesOnlyThatDevice) {
  MustRegister("alice", "correct horse");
  const LoginResult phone = MustLogin("alice", "correct horse", "phone");
  const LoginResult laptop = MustLogin("alice", "correct horse", "laptop");
  const Principal principal = MustAuthenticate(phone.token);
  ASSERT_TRUE(service_->Logout(principal).ok());
  EXPECT_EQ(AuthCode(phone.token), Code::kUnauthenticated);
  EXPECT_EQ(AuthCode(laptop.token), Code::kOk);
  ASSERT_EQ(listener_.revoked.size(), 1u);
  EXPECT_EQ(listener_.revoked[0], std::make_pair(phone.user.id, phone.device.id));
  EXPECT_EQ(service_->Logout(principal).code(), Code::kUnauthenticated);  // already gone
  EXPECT_EQ(listener_.revoked.size(), 1u);
}

TEST_P(AuthServiceTest, ListAndRevokeOwnDevices) {
  MustRegister("alice", "correct horse");
  const LoginResult first = MustLogin("alice", "correct horse", "first");
  const LoginResult second = MustLogin("alice", "correct horse", "second", kT0 + kSecond);
  const Principal principal = MustAuthenticate(second.token, kT0 + kSecond);
  Result<std::vector<store::Device>> devices = service_->ListDevices(principal, kT0 + kSecond);
  ASSERT_TRUE(devices.ok());
  ASSERT_EQ(devices->size(), 2u);
  EXPECT_EQ((*devices)[0].id, second.device.id);  // newest first
  EXPECT_EQ((*devices)[1].id, first.device.id);

  ASSERT_TRUE(service_->RevokeDevice(principal, first.device.id).ok());
  EXPECT_EQ(AuthCode(first.token), Code::kUnauthenticated);
  EXPECT_EQ(AuthCode(second.token), Code::kOk);
  ASSERT_EQ(listener_.revoked.size(), 1u);
  EXPECT_EQ(listener_.revoked[0], std::make_pair(first.user.id, first.device.id));
  EXPECT_EQ(service_->ListDevices(principal, kT0 + kSecond)->size(), 1u);
  // Revoking it again: no longer active.
  EXPECT_EQ(service_->RevokeDevice(principal, first.device.id).code(), Code::kNotFound);
}

TEST_P(AuthServiceTest, CannotRevokeAnotherUsersDevice) {
  MustRegister("alice", "correct horse");
  MustRegister("bob", "battery staple");
  const LoginResult alice = MustLogin("alice", "correct horse");
  const LoginResult bob = MustLogin("bob", "battery staple");
  const Principal principal = MustAuthenticate(alice.token);
  EXPECT_EQ(service_->RevokeDevice(principal, bob.device.id).code(), Code::kNotFound);
  EXPECT_EQ(service_->RevokeDevice(principal, 999'999).code(), Code::kNotFound);
  EXPECT_EQ(AuthCode(bob.token), Code::kOk);
  EXPECT_TRUE(listener_.revoked.empty());
  EXPECT_EQ(service_->ListDevices(principal, kT0)->size(), 1u);
}

TEST_P(AuthServiceTest, ChangePasswordRevokesOtherDevicesOnly) {
  MustRegister("alice", "correct horse");
  MustRegister("bob", "battery staple");
  const LoginResult one = MustLogin("alice", "correct horse", "one");
  const LoginResult two = MustLogin("alice", "correct horse", "two");
  const LoginResult three = MustLogin("alice", "correct horse", "three");
  const LoginResult bob = MustLogin("bob", "battery staple");
  const Principal caller = MustAuthenticate(two.token);

  ASSERT_TRUE(service_->ChangePassword(caller, "correct horse", "new password!", kT0).ok());
  EXPECT_EQ(AuthCode(one.token), Code::kUnauthenticated);
  EXPECT_EQ(AuthCode(two.token), Code::kOk);
  EXPECT_EQ(AuthCode(three.token), Code::kUnauthenticated);
  EXPECT_EQ(AuthCode(bob.token), Code::kOk);
  ASSERT_EQ(listener_.others_revoked.size(), 1u);
  EXPECT_EQ(listener_.others_revoked[0], std::make_pair(caller.user.id, two.device.id));

  EXPECT_EQ(service_->Login("alice", "correct horse", "", kAddress, kT0).status().code(),
            Code::kUnauthenticated);
  MustLogin("alice", "new password!");
}

TEST_P(AuthServiceTest, ChangePasswordChecksOldAndNew) {
  MustRegister("alice", "correct horse");
  const LoginResult one = MustLogin("alice", "correct horse", "one");
  const LoginResult two = MustLogin("alice", "correct horse", "two");
  const Principal caller = MustAuthenticate(two.token);
  EXPECT_EQ(service_->ChangePassword(caller, "wrong horse", "new password!", kT0).code(),
            Code::kUnauthenticated);
  EXPECT_EQ(service_->ChangePassword(caller, "correct horse", "short", kT0).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(service_->ChangePassword(caller, "correct horse", "bad\xC0\x80utf8", kT0).code(),
            Code::kMalformed);
  EXPECT_EQ(AuthCode(one.token), Code::kOk);  // nothing revoked
  EXPECT_TRUE(listener_.others_revoked.empty());
  MustLogin("alice", "correct horse");
}

TEST_P(AuthServiceTest, PrincipalSaysWhenTheTokenExpires) {
  MustRegister("alice", "correct horse");
  const LoginResult login = MustLogin("alice", "correct horse");
  const Principal principal = MustAuthenticate(login.token, kT0 + kMinute);
  EXPECT_EQ(principal.expires_at, kT0 + TestOptions().token_lifetime_ms);
  EXPECT_EQ(principal.expires_at, login.device.expires_at);
}

TEST_P(AuthServiceTest, AdminSetupTokenMakesOneAdminOnce) {
  AdminSetup& setup = service_->admin_setup();
  const store::User first = MustRegister("first", "correct horse");
  const store::User second = MustRegister("second", "correct horse");
  auto is_admin = [this](int64_t id) {
    Result<store::User> user = holder_->store().FindUserById(id);
    EXPECT_TRUE(user.ok());
    return user.ok() && user->is_admin;
  };
  EXPECT_FALSE(is_admin(first.id));  // registering first makes no one an admin
  EXPECT_EQ(setup.Claim(first.id, "", kT0).code(), Code::kForbidden);  // not open yet

  Result<std::string> token = setup.OpenIfNoAdmin(kT0);
  ASSERT_TRUE(token.ok()) << token.status().message();
  ASSERT_EQ(token->size(), 32u);
  std::string wrong = *token;
  wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
  EXPECT_EQ(setup.Claim(first.id, wrong, kT0).code(), Code::kForbidden);
  EXPECT_EQ(setup.Claim(first.id, "", kT0).code(), Code::kForbidden);
  ASSERT_TRUE(setup.Claim(second.id, *token, kT0).ok());
  EXPECT_TRUE(is_admin(second.id));
  EXPECT_EQ(setup.Claim(first.id, *token, kT0).code(), Code::kForbidden);  // single use
  EXPECT_FALSE(is_admin(first.id));

  // With an admin, setup does not open again.
  Result<std::string> again = setup.OpenIfNoAdmin(kT0);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
}

TEST_P(AuthServiceTest, RegistrationsPerAddressAreLimited) {
  AuthOptions options = TestOptions();
  options.registrations_per_address = {.max_events = 3, .window_ms = 60 * kMinute};
  AuthService limited(holder_->store(), options);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(
        limited.Register("user" + std::to_string(i), "correct horse", "", kAddress, kT0).ok());
  }
  EXPECT_EQ(limited.Register("user3", "correct horse", "", kAddress, kT0).status().code(),
            Code::kRateLimited);
  // Another address is unaffected, and the bucket refills with time.
  EXPECT_TRUE(limited.Register("user4", "correct horse", "", "198.51.100.7", kT0).ok());
  EXPECT_TRUE(limited.Register("user5", "correct horse", "", kAddress, kT0 + 20 * kMinute).ok());
}

// The rule of login_limits.h: strangers' failures never lock out an address that has not
// failed. Before the fix, ten wrong passwords from anywhere locked the owner out everywhere.
TEST_P(AuthServiceTest, StrangersNeverLockOutAnAddressThatHasNotFailed) {
  MustRegister("alice", "correct horse");
  for (int i = 0; i < 200; ++i) {
    const std::string address = "198.51.100." + std::to_string(i);
    EXPECT_EQ(service_->Login("alice", "guess", "", address, kT0).status().code(),
              Code::kUnauthenticated);
  }
  // The owner, from an address that has not failed, under any spelling of the name.
  for (std::string_view name : {"alice", "ALICE"}) {
    EXPECT_TRUE(service_->Login(name, "correct horse", "", "203.0.113.1", kT0).ok());
  }
  // And may still change the password: failed logins do not count against password changes.
  const Principal owner = MustAuthenticate(MustLogin("alice", "correct horse").token);
  EXPECT_TRUE(service_->ChangePassword(owner, "correct horse", "new password!", kT0).ok());
}

TEST_P(AuthServiceTest, AnAccountUnderAttackMakesEveryFailingAddressWaitAtOnce) {
  MustRegister("alice", "correct horse");
  for (int i = 0; i < 10; ++i) {  // the per-account bucket (10 per 10 minutes) is now empty
    EXPECT_EQ(service_->Login("alice", "guess", "", "198.51.100." + std::to_string(i), kT0)
                  .status()
                  .code(),
              Code::kUnauthenticated);
  }
  // A new address gets its first try, and then waits 1 s instead of after five failures.
  const std::string stranger = "198.51.100.99";
  EXPECT_EQ(service_->Login("alice", "guess", "", stranger, kT0).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(service_->Login("alice", "correct horse", "", stranger, kT0).status().code(),
            Code::kRateLimited);
  EXPECT_EQ(service_->Login("alice", "guess", "", stranger, kT0 + kSecond).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(service_->Login("alice", "guess", "", stranger, kT0 + kSecond).status().code(),
            Code::kRateLimited);
  // Other accounts are not under attack.
  MustRegister("bob", "battery staple");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(service_->Login("bob", "guess", "", stranger, kT0 + 2 * kSecond).status().code(),
              Code::kUnauthenticated);
  }
}

TEST_P(AuthServiceTest, FailuresFromOneAddressWaitGrowingDelays) {
  AuthOptions options = TestOptions();
  options.login.failures_per_account.max_events = 1000;  // only the per-address backoff here
  AuthService service(holder_->store(), options);
  ASSERT_TRUE(service.Register("alice", "correct horse", "", "test", kT0).ok());
  // The same sequence for an account and for a name without one: they cannot be told apart.
  for (std::string_view name : {"alice", "ghost"}) {
    int64_t now = kT0;
    for (int i = 0; i < 5; ++i) {  // five free failures
      EXPECT_EQ(service.Login(name, "guess", "", kAddress, now).status().code(),
                Code::kUnauthenticated);
    }
    // Then 1 s, 2 s, 4 s, 8 s after each further failure.
    for (int64_t wait : {1, 2, 4, 8}) {
      EXPECT_EQ(service.Login(name, "guess", "", kAddress, now).status().code(),
                Code::kUnauthenticated);
      Result<LoginResult> early =
          service.Login(name, "correct horse", "", kAddress, now + wait * kSecond - 1);
      EXPECT_EQ(early.status().code(), Code::kRateLimited) << name << " " << wait;
      now += wait * kSecond;
    }
    // Another address is unaffected.
    EXPECT_EQ(service.Login(name, "guess", "", "192.0.2.77", now).status().code(),
              Code::kUnauthenticated);
  }
  // Success clears the address's failures for that account.
  EXPECT_TRUE(service.Login("alice", "correct horse", "", kAddress, kT0 + kMinute).ok());
  EXPECT_EQ(service.Login("alice", "guess", "", kAddress, kT0 + kMinute).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(service.Login("alice", "guess", "", kAddress, kT0 + kMinute).status().code(),
            Code::kUnauthenticated);
}

TEST_P(AuthServiceTest, FailuresPerAddressStopSprayingOverAccounts) {
  AuthOptions options = TestOptions();
  options.login.failures_per_address = {.max_events = 3, .window_ms = 60 * kMinute};
  AuthService service(holder_->store(), options);
  ASSERT_TRUE(service.Register("alice", "correct horse", "", "test", kT0).ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        service.Login("user" + std::to_string(i), "Summer2026!", "", kAddress, kT0).status().code(),
        Code::kUnauthenticated);
  }
  EXPECT_EQ(service.Login("alice", "correct horse", "", kAddress, kT0).status().code(),
            Code::kRateLimited);
  EXPECT_TRUE(service.Login("alice", "correct horse", "", "192.0.2.2", kT0).ok());
  EXPECT_TRUE(service.Login("alice", "correct horse", "", kAddress, kT0 + 20 * kMinute).ok());
}

TEST_P(AuthServiceTest, GlobalFailureLimitRefusesOnlyAddressesThatFailed) {
  AuthOptions options = TestOptions();
  options.login.failures_global = {.max_events = 5, .window_ms = kMinute};
  AuthService service(holder_->store(), options);
  ASSERT_TRUE(service.Register("alice", "correct horse", "", "test", kT0).ok());
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(
        service
            .Login("user" + std::to_string(i), "guess", "", "198.51.100." + std::to_string(i), kT0)
            .status()
            .code(),
        Code::kUnauthenticated);
  }
  // An address that failed is refused while the server-wide bucket is empty, even with the
  // right password of another account ...
  EXPECT_EQ(service.Login("alice", "correct horse", "", "198.51.100.0", kT0).status().code(),
            Code::kRateLimited);
  // ... one that did not fail still tries, until its first failure.
  EXPECT_TRUE(service.Login("alice", "correct horse", "", "203.0.113.5", kT0).ok());
  EXPECT_EQ(service.Login("user9", "guess", "", "203.0.113.6", kT0).status().code(),
            Code::kUnauthenticated);
  EXPECT_EQ(service.Login("alice", "correct horse", "", "203.0.113.6", kT0).status().code(),
            Code::kRateLimited);
  // The bucket refills.
  EXPECT_TRUE(service.Login("alice", "correct horse", "", "198.51.100.0", kT0 + kMinute).ok());
}

TEST_P(AuthServiceTest, SuccessfulLoginClearsFailures) {
  MustRegister("alice", "correct horse");
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 9; ++i) {
      // Five free failures, a sixth allowed, then a delay (rounds are ten minutes apart, so
      // the account is never under attack).
      EXPECT_EQ(service_->Login("alice", "guess", "", kAddress, kT0 + round * 10 * kMinute)
                    .status()
                    .code(),
                i < 6 ? Code::kUnauthenticated : Code::kRateLimited)
          << round << " " << i;
    }
    MustLogin("alice", "correct horse", "cli", kT0 + round * 10 * kMinute + 10 * kSecond);
  }
}

TEST_P(AuthServiceTest, WrongOldPasswordsBackOffPerDeviceOnly) {
  MustRegister("alice", "correct horse");
  const Principal laptop = MustAuthenticate(MustLogin("alice", "correct horse").token);
  const Principal phone = MustAuthenticate(MustLogin("alice", "correct horse", "phone").token);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(service_->ChangePassword(laptop, "guess", "new password!", kT0).code(),
              Code::kUnauthenticated);
  }
  EXPECT_EQ(service_->ChangePassword(laptop, "correct horse", "new password!", kT0).code(),
            Code::kRateLimited);
  // Logins and the owner's other devices are not blocked.
  MustLogin("alice", "correct horse");
  EXPECT_TRUE(service_->ChangePassword(phone, "correct horse", "new password!", kT0).ok());
}

TEST_P(AuthServiceTest, AttemptsPerAddressAreLimited) {
  MustRegister("alice", "correct horse");
  // 60 attempts a minute from one address, successful or not, whatever the account.
  for (int i = 0; i < 30; ++i) MustLogin("alice", "correct horse");
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(
        service_->Login("user" + std::to_string(i), "guess", "", kAddress, kT0).status().code(),
        Code::kUnauthenticated);
  }
  EXPECT_EQ(service_->Login("alice", "correct horse", "", kAddress, kT0).status().code(),
            Code::kRateLimited);
  EXPECT_TRUE(service_->Login("alice", "correct horse", "", "192.0.2.2", kT0).ok());
}

TEST_P(AuthServiceTest, AddressLimitRefillsOverTime) {
  MustRegister("alice", "correct horse");
  for (int i = 0; i < 60; ++i) {
    ASSERT_TRUE(service_->Login("alice", "correct horse", "", "203.0.113.9", kT0).ok());
  }
  EXPECT_EQ(service_->Login("alice", "correct horse", "", "203.0.113.9", kT0).status().code(),
            Code::kRateLimited);
  EXPECT_TRUE(service_->Login("alice", "correct horse", "", "203.0.113.10", kT0).ok());
  EXPECT_TRUE(service_->Login("alice", "correct horse", "", "203.0.113.9", kT0 + kSecond).ok());
  EXPECT_EQ(
      service_->Login("alice", "correct horse", "", "203.0.113.9", kT0 + kSecond).status().code(),
      Code::kRateLimited);
}

TEST_P(AuthServiceTest, UpgradesHashWhenCostChanges) {
  MustRegister("alice", "correct horse");
  const std::string before = holder_->store().FindUserByName("alice")->password_hash;
  AuthOptions stronger = TestOptions();
  stronger.password.ops_limit = 2;
  AuthService upgraded(holder_->store(), stronger);
  ASSERT_TRUE(upgraded.Login("alice", "correct horse", "", kAddress, kT0).ok());
  const std::string after = holder_->store().FindUserByName("alice")->password_hash;
  EXPECT_NE(before, after);
  EXPECT_FALSE(PasswordNeedsRehash(after, stronger.password));
  EXPECT_TRUE(upgraded.Login("alice", "correct horse", "", kAddress, kT0).ok());
  EXPECT_TRUE(service_->Login("alice", "correct horse", "", kAddress, kT0).ok());
}

TEST_P(AuthServiceTest, ConcurrentLoginsGetDistinctDevices) {
  MustRegister("alice", "correct horse");
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::set<int64_t> device_ids;
  std::set<std::string> tokens;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const std::string address = "10.0." + std::to_string(t) + "." + std::to_string(i);
        Result<LoginResult> login = service_->Login("alice", "correct horse", "cli", address, kT0);
        ASSERT_TRUE(login.ok()) << login.status().message();
        ASSERT_TRUE(service_->Authenticate(login->token, kT0).ok());
        std::lock_guard<std::mutex> lock(mutex);
        device_ids.insert(login->device.id);
        tokens.insert(login->token);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(device_ids.size(), 20u);
  EXPECT_EQ(tokens.size(), 20u);
}

// What a SCRAM client proves for `password` against `lookup` (auth/scram.h), as a client would.
bool ScramProofOk(AuthService::ScramLookup& lookup, std::string_view username,
                  std::string_view password) {
  const std::string client_first = "n,,n=" + std::string(username) + ",r=clientnonce";
  ScramServer server(*ParseScramClientFirst(client_first), lookup.credentials, "servernonce");
  // The client's side, from the salt and count the server sent: ClientProof =
  // ClientKey XOR HMAC(StoredKey, AuthMessage), StoredKey = SHA-256(ClientKey).
  store::ScramCredentials mine =
      DeriveScramCredentials(password, lookup.credentials.salt, lookup.credentials.iterations);
  const std::string without_proof = "c=biws,r=clientnonceservernonce";
  const std::string auth_message = "n=" + std::string(username) + ",r=clientnonce," +
                                   server.server_first() + "," + without_proof;
  unsigned char salted[32];
  PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                    reinterpret_cast<const unsigned char*>(lookup.credentials.salt.data()),
                    static_cast<int>(lookup.credentials.salt.size()),
                    static_cast<int>(lookup.credentials.iterations), EVP_sha256(), 32, salted);
  unsigned char client_key[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), salted, 32, reinterpret_cast<const unsigned char*>("Client Key"), 10,
       client_key, &length);
  unsigned char signature[32];
  HMAC(EVP_sha256(), mine.stored_key.data(), 32,
       reinterpret_cast<const unsigned char*>(auth_message.data()), auth_message.size(), signature,
       &length);
  std::string proof(32, '\0');
  for (int i = 0; i < 32; ++i) proof[i] = static_cast<char>(client_key[i] ^ signature[i]);
  return server.Finish(without_proof + ",p=" + Base64Encode(proof)).ok();
}

TEST_P(AuthServiceTest, ScramLoginWithCredentialsFromRegistration) {
  store::User alice = MustRegister("alice", "correct horse");
  Result<AuthService::ScramLookup> lookup = service_->BeginScramLogin("Alice", kAddress, kT0);
  ASSERT_TRUE(lookup.ok());
  EXPECT_EQ(lookup->user_id, alice.id);
  EXPECT_EQ(lookup->credentials.iterations, kScramIterations);
  EXPECT_TRUE(ScramProofOk(*lookup, "alice", "correct horse"));
  EXPECT_FALSE(ScramProofOk(*lookup, "alice", "wrong horse"));
  Result<LoginResult> login =
      service_->FinishScramLogin(*lookup, true, "xmpp: phone", kAddress, kT0);
  ASSERT_TRUE(login.ok()) << login.status().message();
  EXPECT_EQ(login->user.id, alice.id);
  EXPECT_EQ(MustAuthenticate(login->token).device_id, login->device.id);
}

TEST_P(AuthServiceTest, ScramCredentialsFollowThePassword) {
  store::User alice = MustRegister("alice", "correct horse");
  LoginResult session = MustLogin("alice", "correct horse");
  Principal principal = MustAuthenticate(session.token);
  ASSERT_TRUE(service_->ChangePassword(principal, "correct horse", "battery staple", kT0).ok());
  auto lookup = service_->BeginScramLogin("alice", kAddress, kT0);
  ASSERT_TRUE(lookup.ok());
  EXPECT_FALSE(ScramProofOk(*lookup, "alice", "correct horse"));
  EXPECT_TRUE(ScramProofOk(*lookup, "alice", "battery staple"));
  // A forced reset removes them with the password; no proof matches the decoy.
  ASSERT_TRUE(service_->ForcePasswordReset(alice.id).ok());
  lookup = service_->BeginScramLogin("alice", kAddress, kT0);
  ASSERT_TRUE(lookup.ok());
  EXPECT_EQ(lookup->user_id, 0);
  EXPECT_FALSE(ScramProofOk(*lookup, "alice", "battery staple"));
  // An account without credentials (older than them) gets them at its next password login.
  ASSERT_TRUE(service_->ResetPassword(alice.id, "new password 1").ok());
  ASSERT_TRUE(
      holder_->store()
          .SetPasswordHash(alice.id, *HashPassword("new password 1", kMinimalPasswordCostForTests))
          .ok());
  EXPECT_EQ(service_->BeginScramLogin("alice", kAddress, kT0)->user_id, 0);
  MustLogin("alice", "new password 1");
  lookup = service_->BeginScramLogin("alice", kAddress, kT0);
  EXPECT_EQ(lookup->user_id, alice.id);
  EXPECT_TRUE(ScramProofOk(*lookup, "alice", "new password 1"));
}

TEST_P(AuthServiceTest, ScramDecoysLookAlikeAndFailuresCountLikeLogins) {
  MustRegister("alice", "correct horse");
  auto missing = service_->BeginScramLogin("nobody", kAddress, kT0);
  auto again = service_->BeginScramLogin("nobody", kAddress, kT0);
  ASSERT_TRUE(missing.ok() && again.ok());
  EXPECT_EQ(missing->user_id, 0);
  EXPECT_EQ(missing->credentials.salt, again->credentials.salt);  // stable per name
  EXPECT_EQ(missing->credentials.salt.size(), 16u);
  EXPECT_EQ(service_->FinishScramLogin(*missing, true, "xmpp", kAddress, kT0).status().code(),
            Code::kUnauthenticated);
  // Wrong proofs back off exactly as wrong passwords do (login_limits.h), then refuse.
  Code last = Code::kOk;
  for (int i = 0; i < 12 && last != Code::kRateLimited; ++i) {
    auto lookup = service_->BeginScramLogin("alice", kAddress, kT0);
    if (!lookup.ok()) {
      last = lookup.status().code();
      break;
    }
    last = service_->FinishScramLogin(*lookup, false, "xmpp", kAddress, kT0).status().code();
  }
  EXPECT_EQ(last, Code::kRateLimited);
  // And a password login from that address waits too: one limit, two doors.
  EXPECT_EQ(service_->Login("alice", "correct horse", "cli", kAddress, kT0).status().code(),
            Code::kRateLimited);
}

#ifdef PARLEY_AUTH_TEST_SQLITE
INSTANTIATE_TEST_SUITE_P(Stores, AuthServiceTest, ::testing::Values("fake", "sqlite"));
#else
INSTANTIATE_TEST_SUITE_P(Stores, AuthServiceTest, ::testing::Values("fake"));
#endif

// Store failures come back as they are (kInternal), never as a wrong password.
TEST(AuthServiceFailureTest, StoreErrorsPropagate) {
  FakeStore store;
  AuthService service(store, TestOptions());
  ASSERT_TRUE(service.Register("alice", "correct horse", "", "test", kT0).ok());
  Result<LoginResult> login = service.Login("alice", "correct horse", "", kAddress, kT0);
  ASSERT_TRUE(login.ok());
  store.fail_with = Code::kInternal;
  EXPECT_EQ(service.Register("bob", "battery staple", "", "test", kT0).status().code(),
            Code::kInternal);
  EXPECT_EQ(service.Login("alice", "correct horse", "", kAddress, kT0).status().code(),
            Code::kInternal);
  EXPECT_EQ(service.Authenticate(login->token, kT0).status().code(), Code::kInternal);
  store.fail_with.reset();
  // Those failures did not count as failed logins: five free failures and a sixth still get
  // their answer (had the store failure counted, the sixth would wait).
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(service.Login("alice", "guess", "", kAddress, kT0).status().code(),
              Code::kUnauthenticated);
  }
  EXPECT_TRUE(service.Login("alice", "correct horse", "", kAddress, kT0 + kSecond).ok());
}

TEST(AuthServiceFailureTest, WorksWithoutAListener) {
  FakeStore store;
  AuthService service(store, TestOptions());
  ASSERT_TRUE(service.Register("alice", "correct horse", "", "test", kT0).ok());
  Result<LoginResult> one = service.Login("alice", "correct horse", "", kAddress, kT0);
  Result<LoginResult> two = service.Login("alice", "correct horse", "", kAddress, kT0);
  ASSERT_TRUE(one.ok() && two.ok());
  Result<Principal> caller = service.Authenticate(two->token, kT0);
  ASSERT_TRUE(caller.ok());
  EXPECT_TRUE(service.ChangePassword(*caller, "correct horse", "new password!", kT0).ok());
  EXPECT_TRUE(service.Logout(*caller).ok());
}

}  // namespace
}  // namespace parley::auth
