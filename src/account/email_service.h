// EmailService: an account's e-mail address, its verification and password reset by e-mail
// (docs/protocol.md, "E-mail and password reset"; docs/security.md, same title).
//
// Contract
// - Verification and reset tokens are auth::NewToken() values (256 random bits), sent by
//   e-mail, stored only as their SHA-256, taken once (store.h TakeToken), and short-lived
//   (EmailOptions). A reset goes only to a verified address; setting a new address makes it
//   unverified and voids the codes sent to the old one.
// - RequestPasswordReset answers the same whether or not the account or address exists. It
//   does only in-memory work; the store lookups and the mail happen in SendResetMail, which
//   the caller runs after answering (so the answer's timing does not depend on them either).
// - Limits: reset requests per client address and per identifier typed (kRateLimited, which
//   says nothing about existence); reset mails per account (silently not sent); verification
//   mails per account and token redemptions per client address (kRateLimited).
// - Every method is blocking (store calls; ResetPassword hashes with argon2id) and
//   thread-safe: call from worker threads only.
// - Ownership: borrows the Store, the AuthService and the Mailer (null: this server sends no
//   mail, and the mail-sending calls answer kUnavailable); all must outlive the service.
#ifndef PARLEY_ACCOUNT_EMAIL_SERVICE_H_
#define PARLEY_ACCOUNT_EMAIL_SERVICE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "auth/auth_service.h"
#include "base/rate_limiter.h"
#include "base/status.h"
#include "mail/mail.h"
#include "store/store.h"

namespace parley::account {

struct EmailOptions {
  // The web app's address as users reach it (https://chat.example.org), without a trailing
  // slash; mails link to <public_url>/verify-email#TOKEN and /reset-password#TOKEN (the
  // token in the fragment, which browsers never send to a server). Empty: mails carry the
  // code alone, to paste into the app or `parley`.
  std::string public_url;
  int64_t verify_lifetime_ms = 60LL * 60 * 1000;  // 1 hour
  int64_t reset_lifetime_ms = 30LL * 60 * 1000;   // 30 minutes
  // Reset requests from one client address: 10 per hour.
  RateLimit resets_per_address{.max_events = 10, .window_ms = 60 * 60 * 1000};
  // Reset requests naming one username or address (as typed): 5 per hour.
  RateLimit resets_per_identifier{.max_events = 5, .window_ms = 60 * 60 * 1000};
  // Reset mails to one account, however it was named: 3 per hour.
  RateLimit reset_mails_per_account{.max_events = 3, .window_ms = 60 * 60 * 1000};
  // Verification mails for one account: 5 per hour.
  RateLimit verify_mails_per_account{.max_events = 5, .window_ms = 60 * 60 * 1000};
  // Token redemptions (verify, reset) from one client address: 30 per hour.
  RateLimit redemptions_per_address{.max_events = 30, .window_ms = 60 * 60 * 1000};
  size_t rate_limiter_max_keys = 100'000;
};

// The account's address as the API shows it.
struct EmailState {
  std::string address;  // empty: none
  bool verified = false;
};

class EmailService {
 public:
  EmailService(store::Store& store, auth::AuthService& auth, mail::Mailer* mailer,
               EmailOptions options);
  EmailService(const EmailService&) = delete;
  EmailService& operator=(const EmailService&) = delete;

  // In a cluster: this service's rate limits hold across the nodes (base/rate_limiter.h,
  // Share). Called once while wiring, before requests are served; `shared` outlives the service.
  void ShareLimits(SharedBuckets* shared);

  Result<EmailState> GetEmail(const auth::Principal& me);

  // Sets (or with an empty address removes) the caller's address after checking the password
  // (auth::AuthService::ConfirmPassword), and mails a verification link to a new address.
  // kInvalidArgument for an address that is not a plain local@domain; kRateLimited after too
  // many verification mails; kUnavailable when the server sends no mail.
  Result<EmailState> SetEmail(const auth::Principal& me, std::string_view address,
                              std::string_view password, int64_t now);

  // Marks the address the token was sent to verified, if it is still the account's.
  // kUnauthenticated for an unknown, used or expired token or an address changed since;
  // kConflict if another account verified the same address first.
  Status VerifyEmail(std::string_view token, std::string_view client_address, int64_t now);

  // Checks the request's shape and the visible limits; see the contract above.
  // `identifier` is a username or an e-mail address. kUnavailable when no mail is sent.
  Status RequestPasswordReset(std::string_view identifier, std::string_view client_address,
                              int64_t now);
  // The part of a reset request done after the answer: finds the account by username or
  // verified address and mails it a reset link (unless its per-account limit is spent).
  // Failures are logged, never returned: nobody waits for them.
  void SendResetMail(std::string_view identifier, int64_t now);

  // Sets a new password with a reset token and revokes every session of the account.
  // The password's rules are checked before the token is taken (a refused password does not
  // spend it). kUnauthenticated for an unknown, used or expired token.
  Status ResetPassword(std::string_view token, std::string_view new_password,
                       std::string_view client_address, int64_t now);

 private:
  Status SendToken(int64_t user_id, store::TokenPurpose purpose, const std::string& address,
                   int64_t now);
  Result<std::optional<int64_t>> FindResetTarget(std::string_view identifier);
  Result<store::OneTimeToken> Redeem(std::string_view token, store::TokenPurpose purpose,
                                     std::string_view client_address, int64_t now);

  store::Store& store_;
  auth::AuthService& auth_;
  mail::Mailer* const mailer_;
  const EmailOptions options_;
  RateLimiter resets_per_address_;
  RateLimiter resets_per_identifier_;
  RateLimiter reset_mails_per_account_;
  RateLimiter verify_mails_per_account_;
  RateLimiter redemptions_per_address_;
};

}  // namespace parley::account

#endif  // PARLEY_ACCOUNT_EMAIL_SERVICE_H_
