// AuthService: accounts, logins and device tokens (docs/protocol.md, "Accounts and sessions").
//
// Contract
// - Every method is blocking (store calls; argon2id hashing in Register, Login and
//   ChangePassword takes tens of milliseconds) and thread-safe: call from worker threads only.
// - Failures are Status values with the protocol's codes: kInvalidArgument / kMalformed for bad
//   input, kConflict for a taken username, kUnauthenticated for wrong credentials or a dead
//   token, kRateLimited when a login limit is hit, kAccountDisabled for a disabled account
//   (after its credentials were checked, and for each of its tokens), kNotFound for someone
//   else's device,
//   kInternal for store failures. Messages never contain passwords, tokens or hashes.
// - Users returned here (in LoginResult and Principal too) have password_hash cleared.
// - Ownership: the service borrows the Store and the RevocationListener; both must outlive it.
#ifndef PARLEY_AUTH_AUTH_SERVICE_H_
#define PARLEY_AUTH_AUTH_SERVICE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/admin_setup.h"
#include "auth/identity_confirmations.h"
#include "auth/login_limits.h"
#include "auth/password.h"
#include "auth/scram.h"
#include "base/rate_limiter.h"
#include "base/shared_entries.h"
#include "base/shared_failures.h"
#include "base/status.h"
#include "store/store.h"

namespace parley::auth {

struct AuthOptions {
  PasswordOptions password;                                // argon2id cost; see password.h
  int64_t token_lifetime_ms = 30LL * 24 * 60 * 60 * 1000;  // 30 days
  // Who may try a password when; see login_limits.h.
  LoginLimitOptions login;
  // Accounts created per client address: 20 per hour (each costs an argon2id hash).
  RateLimit registrations_per_address{.max_events = 20, .window_ms = 60 * 60 * 1000};
  // Keys the registration limiter remembers at most (about 100 bytes each).
  size_t rate_limiter_max_keys = 100'000;
  // A device's last_seen_at is written at most this often, not on every request.
  int64_t touch_interval_ms = 60 * 1000;
};

// Who is calling: the user and the device (login session) whose token was presented.
struct Principal {
  store::User user;
  int64_t device_id = 0;
  int64_t expires_at = 0;  // when the token stops working (Unix ms)
};

// What a password login answers when the account asks for a second step: the client finishes
// the login with this token and a code (account/two_factor_service.h).
struct SecondFactorChallenge {
  std::string token;       // single use, short-lived; never logged
  int64_t expires_at = 0;  // Unix ms
};

struct LoginResult {
  std::string token;  // shown to the client once; only its hash is stored
  store::Device device;
  store::User user;
  // Set when the password was right but the account has two-step sign-in on: then no device
  // was created and token is empty.
  std::optional<SecondFactorChallenge> second_factor;
};

// Decides, after a right password, whether the login needs a second step. Called on the
// worker thread of the login: implementations must be thread-safe.
class SecondFactorGate {
 public:
  virtual ~SecondFactorGate() = default;
  // nullopt: no second step, the login goes on; otherwise the challenge to answer.
  virtual Result<std::optional<SecondFactorChallenge>> ChallengeFor(const store::User& user,
                                                                    std::string_view device_name,
                                                                    int64_t now) = 0;
};

// Told when devices are revoked, so the network layer can close their WebSockets. Called on the
// worker thread that made the change, after the store committed it: implementations must be
// thread-safe and quick (post the work to the I/O threads; do not block).
class RevocationListener {
 public:
  virtual ~RevocationListener() = default;
  // One device was revoked (logout, or revoked from another device of the same user).
  virtual void OnDeviceRevoked(int64_t user_id, int64_t device_id) = 0;
  // Every device of `user_id` except `kept_device_id` was revoked (password change).
  virtual void OnOtherDevicesRevoked(int64_t user_id, int64_t kept_device_id) = 0;
};

class AuthService {
 public:
  AuthService(store::Store& store, AuthOptions options);
  AuthService(const AuthService&) = delete;
  AuthService& operator=(const AuthService&) = delete;

  // In a cluster: this service's rate limits hold across the nodes (base/rate_limiter.h,
  // Share). Called once while wiring, before requests are served; `shared` outlives the service.
  void ShareLimits(SharedBuckets* shared);
  // In a cluster: the delays after failed passwords, the identity confirmations and the admin
  // setup tokens are kept where every node finds them (auth/failure_backoff.h and
  // base/pending_table.h, Share). Called once while wiring, before the admin setup opens and
  // requests are served; both outlive the service.
  void ShareSignIn(SharedEntries* entries, SharedFailures* failures);

  // Set once while wiring, before requests are served; null (the default) means nobody listens.
  // Not owned.
  void SetRevocationListener(RevocationListener* listener);
  // The same for the gate of two-step sign-in; null (the default): password logins suffice.
  void SetSecondFactorGate(SecondFactorGate* gate);

  // Creates an account. An empty display_name means the username. client_address keys the
  // per-address registration limit (kRateLimited), as in Login.
  Result<store::User> Register(std::string_view username, std::string_view password,
                               std::string_view display_name, std::string_view client_address,
                               int64_t now);

  // Creates an account without a password, whose way in is an identity the caller links next
  // (an OpenID Connect login): the same name rules, conflicts and per-address limit as
  // Register. Password logins fail for it until a password is set by a reset.
  Result<store::User> RegisterWithoutPassword(std::string_view username,
                                              std::string_view display_name,
                                              std::string_view client_address, int64_t now);

  // Checks the credentials and creates a device with a fresh token. A wrong username and a wrong
  // password get the same kUnauthenticated (and cost the same time). With a SecondFactorGate
  // that asks for a second step, the result holds its challenge instead of a session.
  // client_address keys the
  // login limits (login_limits.h): pass the client's limit key (an IPv4 address or an IPv6 /64;
  // an empty one is shared by all who send it).
  Result<LoginResult> Login(std::string_view username, std::string_view password,
                            std::string_view device_name, std::string_view client_address,
                            int64_t now);

  // A SCRAM-SHA-256 login (XMPP, auth/scram.h), in two steps around the exchange. The same
  // login limits as Login apply: BeginScramLogin admits the attempt (kRateLimited) and returns
  // what the client's proof is checked against; FinishScramLogin records the outcome and, for
  // a right proof, ends like Login (disabled account, second step, a new device). A missing
  // account, or one whose SCRAM credentials are not derived yet (they are at its next password
  // login), gets decoy credentials no proof matches, with a salt stable for the name.
  struct ScramLookup {
    std::string account;  // canonical username; empty for a name no account can have
    int64_t user_id = 0;  // 0: no account with credentials
    store::ScramCredentials credentials;
  };
  Result<ScramLookup> BeginScramLogin(std::string_view username, std::string_view client_address,
                                      int64_t now);
  Result<LoginResult> FinishScramLogin(const ScramLookup& lookup, bool proof_ok,
                                       std::string_view device_name,
                                       std::string_view client_address, int64_t now);

  // A new device (session) for a user whose login was checked by the caller: the second step
  // of a login (account/two_factor_service.h). kUnauthenticated if the user no longer exists.
  Result<LoginResult> OpenSession(int64_t user_id, std::string device_name, int64_t now);

  // A login whose first factor the caller checked (an OpenID Connect identity): like the end
  // of Login, the SecondFactorGate may answer with a challenge instead of a session.
  // kUnauthenticated if the user no longer exists.
  Result<LoginResult> SignIn(int64_t user_id, std::string_view device_name, int64_t now);

  // The caller behind `token`; kUnauthenticated if it is unknown, revoked or expired.
  Result<Principal> Authenticate(std::string_view token, int64_t now);

  // Revokes the caller's own device (its token stops working).
  Status Logout(const Principal& principal);

  // The caller's active devices, newest first.
  Result<std::vector<store::Device>> ListDevices(const Principal& principal, int64_t now);

  // Revokes one of the caller's devices (possibly the current one); kNotFound if it is not an
  // active device of the caller.
  Status RevokeDevice(const Principal& principal, int64_t device_id);

  // The one-time setup that makes the first server admin (admin_setup.h).
  AdminSetup& admin_setup() { return admin_setup_; }

  // Replaces the password after checking the old one (wrong: kUnauthenticated; repeated wrong
  // ones from this device wait growing delays, kRateLimited) and revokes every other device of
  // the caller.
  Status ChangePassword(const Principal& principal, std::string_view old_password,
                        std::string_view new_password, int64_t now);

  // Checks the caller's password again before a sensitive change (setting the e-mail
  // address): wrong: kUnauthenticated, with the same per-device delays as ChangePassword.
  // For an account without a password, `password` is ignored and the device's fresh proof of
  // identity (ConfirmedIdentity) is used up instead; none: kForbidden "identity confirmation
  // required". So ChangePassword sets a first password with any old one ("" by convention).
  Status ConfirmPassword(const Principal& principal, std::string_view password, int64_t now);

  // Whether the user has a password (accounts made by an OpenID Connect sign-in have none
  // until one is set).
  Result<bool> HasPassword(int64_t user_id);
  // Records that the caller's device just proved who it is another way than the password (a
  // new OpenID Connect sign-in of an identity linked to the account): allows one
  // ConfirmPassword of a password-less account within IdentityConfirmations::kLifetimeMs.
  void ConfirmedIdentity(const Principal& principal, int64_t now);

  // Sets a new password without the old one, for a caller who proved otherwise that the
  // account is theirs (a password-reset token), and revokes every device of the user.
  // kInvalidArgument for a password that breaks the rules, kNotFound for no such user.
  Status ResetPassword(int64_t user_id, std::string_view new_password);

  // Revokes every device of the user and tells the listener (their WebSockets close): the
  // first step of deleting the account.
  Status EndAllSessions(int64_t user_id);

  // Removes the user's password (no password login matches until the reset flow sets one) and
  // ends every session: a server admin's forced reset. kNotFound for no such user.
  Status ForcePasswordReset(int64_t user_id);

 private:
  // Verifies `password` against a fixed hash of the configured cost: spends the time a real
  // verification would, so a missing account does not answer faster.
  void SpendDummyVerification(std::string_view password);
  // Register's second half: the display name checked, the account stored.
  Result<store::User> CreateAccount(std::string_view username, std::string password_hash,
                                    std::string_view display_name, int64_t now);
  // Login's and SignIn's end: the gate's challenge, or a new device with a fresh token.
  Result<LoginResult> FinishLogin(store::User user, std::string device_name, int64_t now);
  Result<store::Device> CreateDevice(int64_t user_id, std::string device_name,
                                     std::string_view token, int64_t now);
  void MaybeUpgradeHash(const store::User& user, std::string_view password);
  // Derives and stores the user's SCRAM credentials from `password` (best effort: a failure
  // leaves SCRAM logins failing until the next password login derives them).
  void StoreScramCredentials(int64_t user_id, std::string_view password);
  // Stores a hash of `new_password` and revokes every device of the user but kept_device_id
  // (0: all of them), telling the listener.
  Status ReplacePassword(int64_t user_id, std::string_view new_password, int64_t kept_device_id);
  void NotifyDeviceRevoked(int64_t user_id, int64_t device_id);

  store::Store& store_;
  const AuthOptions options_;
  LoginLimits login_limits_;
  AdminSetup admin_setup_;
  RateLimiter address_registrations_;  // keyed by client address
  IdentityConfirmations identity_confirmations_;
  std::atomic<RevocationListener*> listener_{nullptr};
  std::atomic<SecondFactorGate*> second_factor_{nullptr};
  std::once_flag dummy_hash_once_;
  std::string dummy_hash_;             // written once under dummy_hash_once_, then read-only
  const std::string scram_decoy_key_;  // salts decoy SCRAM credentials; random per process
};

}  // namespace parley::auth

#endif  // PARLEY_AUTH_AUTH_SERVICE_H_
