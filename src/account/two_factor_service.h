// TwoFactorService: two-step sign-in with TOTP (RFC 6238) codes and recovery codes
// (docs/protocol.md, "Two-step sign-in"; docs/security.md, same title).
//
// Contract
// - Enrolment: StartEnrolment (password checked again) makes a 160-bit seed, stores it sealed
//   with the SecretBox (the user id as context) and returns it in base32 with its otpauth://
//   URI; nothing changes for logins until ConfirmEnrolment gets a right code, which turns the
//   feature on and returns the recovery codes, shown this once (stored as SHA-256 only).
// - Login: as AuthService's SecondFactorGate, a right password of an account with the feature
//   on yields a challenge (256 random bits, kept in memory, short-lived) instead of a
//   session; CompleteLogin trades it with a TOTP code or a recovery code for the session. The
//   challenge is taken while a code is checked (two requests cannot both use it), put back
//   after a wrong code, and dropped after `codes_per_challenge` wrong ones or on success. In a
//   cluster the challenges and the per-account delays are shared (ShareSignIn), so the code may
//   go to another node than the password.
// - A code is accepted once: its TOTP step must be above the last accepted one (store.h
//   AcceptTotpStep); a recovery code is deleted when used.
// - Every code check is limited per account (FailureBackoff: free failures, then growing
//   delays) and per client address (RateLimiter): kRateLimited before the code is looked at.
// - Disable needs the password and a code; new recovery codes need a code. Each acts on the
//   caller's own account only (the Principal), so nobody can touch another's settings.
// - Errors: kInvalidArgument for a code that is no code (empty or over 64 bytes),
//   kUnauthenticated for a wrong code, password or challenge, kConflict for enrolling while on,
//   confirming with nothing pending, or disabling / new recovery codes while off, kInternal when a
//   seed does not open (the key file changed: see two_factor_keys.h).
// - Every method is blocking (store calls; StartEnrolment and Disable hash a password with
//   argon2id) and thread-safe: call from worker threads only.
// - Ownership: borrows the Store, the AuthService and the SecretBox; all must outlive it.
#ifndef PARLEY_ACCOUNT_TWO_FACTOR_SERVICE_H_
#define PARLEY_ACCOUNT_TWO_FACTOR_SERVICE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_service.h"
#include "auth/failure_backoff.h"
#include "auth/secret_box.h"
#include "base/pending_table.h"
#include "base/rate_limiter.h"
#include "base/shared_entries.h"
#include "base/shared_failures.h"
#include "base/status.h"
#include "store/store.h"

namespace parley::account {

struct TwoFactorOptions {
  std::string issuer = "Parley";  // the name authenticator apps show beside the account
  int64_t challenge_lifetime_ms = 5 * 60 * 1000;  // 5 minutes to type the code
  int codes_per_challenge = 5;                    // wrong codes before the password is asked again
  size_t max_challenges = 100'000;                // open challenges kept (about 150 bytes each)
  int recovery_codes = 10;                        // made at enrolment and on request
  // Wrong codes per account: 5 free, then 1 s doubling up to 15 minutes.
  auth::BackoffPolicy failures_per_account;
  // Code checks per client address, right or wrong: 30 per 10 minutes.
  RateLimit checks_per_address{.max_events = 30, .window_ms = 10 * 60 * 1000};
  size_t rate_limiter_max_keys = 100'000;
};

struct TotpEnrolment {
  std::string secret;  // the seed in unpadded base32, to type into an app
  std::string uri;     // otpauth://totp/... for a QR code
};

struct TwoFactorState {
  bool enabled = false;
  bool pending = false;  // enrolment started, not confirmed
  int64_t recovery_codes_left = 0;
};

class TwoFactorService : public auth::SecondFactorGate {
 public:
  TwoFactorService(store::Store& store, auth::AuthService& auth, const auth::SecretBox& box,
                   TwoFactorOptions options);
  TwoFactorService(const TwoFactorService&) = delete;
  TwoFactorService& operator=(const TwoFactorService&) = delete;

  // In a cluster: this service's rate limits hold across the nodes (base/rate_limiter.h,
  // Share). Called once while wiring, before requests are served; `shared` outlives the service.
  void ShareLimits(SharedBuckets* shared);
  // In a cluster: the sign-in challenges and the per-account delays after wrong codes are kept
  // where every node finds them (base/pending_table.h and auth/failure_backoff.h, Share). Called
  // once while wiring, before requests are served; both outlive the service.
  void ShareSignIn(SharedEntries* entries, SharedFailures* failures);

  Result<TwoFactorState> State(const auth::Principal& me);
  Result<TotpEnrolment> StartEnrolment(const auth::Principal& me, std::string_view password,
                                       int64_t now);
  // Returns the recovery codes (shown once).
  Result<std::vector<std::string>> ConfirmEnrolment(const auth::Principal& me,
                                                    std::string_view code,
                                                    std::string_view client_address, int64_t now);
  // `code`: a TOTP code or a recovery code.
  Status Disable(const auth::Principal& me, std::string_view password, std::string_view code,
                 std::string_view client_address, int64_t now);
  // Replaces the recovery codes after a TOTP or recovery code; returns the new ones.
  Result<std::vector<std::string>> NewRecoveryCodes(const auth::Principal& me,
                                                    std::string_view code,
                                                    std::string_view client_address, int64_t now);
  // The check before deleting the account: the password and, when two-step sign-in is on, a
  // right TOTP or recovery code (kUnauthenticated "code required" when `code` is empty then;
  // limited as every code check). A code given while the feature is off is ignored.
  Status ConfirmIdentity(const auth::Principal& me, std::string_view password,
                         std::string_view code, std::string_view client_address, int64_t now);
  // The second step of a login: a session for the challenge's user and device.
  Result<auth::LoginResult> CompleteLogin(std::string_view challenge, std::string_view code,
                                          std::string_view client_address, int64_t now);

  // auth::SecondFactorGate.
  Result<std::optional<auth::SecondFactorChallenge>> ChallengeFor(const store::User& user,
                                                                  std::string_view device_name,
                                                                  int64_t now) override;

 private:
  struct Challenge {
    int64_t user_id = 0;
    std::string device_name;
    int64_t expires_at = 0;
    int wrong_codes = 0;
  };

  // kRateLimited unless the account and the address may check a code now (counted).
  Status AdmitCheck(int64_t user_id, std::string_view client_address, int64_t now);
  // Whether `code` is a right, unused TOTP code of the enabled seed, or an unused recovery
  // code (which it spends); records the failure or success for the limits.
  Result<bool> CheckCode(int64_t user_id, std::string_view code, int64_t now);
  Result<std::string> OpenSeed(const store::TotpSecret& secret) const;
  // Makes `recovery_codes` codes; returns them and their hashes.
  std::pair<std::vector<std::string>, std::vector<std::string>> MakeRecoveryCodes() const;
  void PutBackChallenge(std::string_view token_hash, Challenge challenge, int64_t now);
  static void EncodeChallenge(const Challenge& challenge, WireWriter& out);
  static Challenge DecodeChallenge(WireReader& in);

  store::Store& store_;
  auth::AuthService& auth_;
  const auth::SecretBox& box_;
  const TwoFactorOptions options_;
  auth::FailureBackoff failures_per_account_;  // keyed by user id
  RateLimiter checks_per_address_;             // keyed by client address
  PendingTable<Challenge> challenges_;         // by token hash
};

// The context a user's TOTP seed is sealed with (SecretBox associated data).
std::string TotpSealContext(int64_t user_id);

}  // namespace parley::account

#endif  // PARLEY_ACCOUNT_TWO_FACTOR_SERVICE_H_
