// LoginLimits: who may try a password now (docs/security.md, "Authentication and client
// addresses").
//
// The rule: failures from other addresses never lock out an address that has not failed. So
// the owner, from any address where they have not mistyped, always gets to try their password,
// whatever strangers do; every limit below that refuses before the password is checked is keyed
// by the caller's own address (or device), never by the account alone.
//
// - Every attempt, failed or not, counts against its client address (`attempts_per_address`).
// - Failures are counted per (account, address): after `backoff.free_failures` the address waits
//   a delay that doubles with each further failure (FailureBackoff); a success clears it.
// - Failures per account from all addresses (`failures_per_account`): once the bucket is empty
//   the account is under attack, and an address that fails on it waits from its first failure
//   instead of after the free ones. Addresses that have not failed on it are unaffected.
// - Failures per address whatever the account (`failures_per_address`): stops one address from
//   spraying a password over many accounts.
// - Failures on the whole server (`failures_global`): once the bucket is empty, addresses that
//   have failed recently (on any account) are refused until it refills; clean addresses still
//   try, each at most until its first failure.
// - Old-password checks of a password change back off per device, not per account, so a
//   stranger's failed logins never block the owner's password change.
//
// Addresses are the limit keys the network layer derives (an IPv4 address or an IPv6 /64).
// Thread-safe; every call is O(1) amortised. Memory is bounded by `max_keys` per limiter.
#ifndef PARLEY_AUTH_LOGIN_LIMITS_H_
#define PARLEY_AUTH_LOGIN_LIMITS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "auth/failure_backoff.h"
#include "base/rate_limiter.h"
#include "base/shared_failures.h"
#include "base/status.h"

namespace parley::auth {

struct LoginLimitOptions {
  // Login attempts, failed or not, per client address: 60 per minute.
  RateLimit attempts_per_address{.max_events = 60, .window_ms = 60 * 1000};
  // Growing delays per (account, address) and per (account, device) for old-password checks:
  // 5 free failures, then 1 s doubling up to 15 minutes.
  BackoffPolicy backoff;
  // Failed logins per account from all addresses: 10 per 10 minutes, then "under attack".
  RateLimit failures_per_account{.max_events = 10, .window_ms = 10 * 60 * 1000};
  // Failed logins per client address, whatever the account: 50 per hour.
  RateLimit failures_per_address{.max_events = 50, .window_ms = 60 * 60 * 1000};
  // Failed logins on the whole server: 600 per minute.
  RateLimit failures_global{.max_events = 600, .window_ms = 60 * 1000};
  // Keys each limiter remembers at most (about 100 bytes each).
  size_t max_keys = 100'000;
};

class LoginLimits {
 public:
  explicit LoginLimits(const LoginLimitOptions& options);
  LoginLimits(const LoginLimits&) = delete;
  LoginLimits& operator=(const LoginLimits&) = delete;

  // In a cluster: these limits but the backoff hold across the nodes (base/rate_limiter.h,
  // Share). Called once while wiring, before requests are served; `shared` outlives them.
  void ShareLimits(SharedBuckets* shared);
  // In a cluster: the backoff holds across the nodes too (auth/failure_backoff.h, Share). Called
  // once while wiring, before requests are served; `shared` outlives it.
  void ShareBackoff(SharedFailures* shared);

  // Before a login's password check: kRateLimited, or OK (the attempt is counted). `account` is
  // the canonical username, or empty for a name no account can have.
  Status AdmitLogin(std::string_view account, std::string_view address, int64_t now);
  void LoginFailed(std::string_view account, std::string_view address, int64_t now);
  void LoginSucceeded(std::string_view account, std::string_view address);

  // The same for the old-password check of a password change by `device_id`.
  Status AdmitPasswordCheck(std::string_view account, int64_t device_id, int64_t now);
  void PasswordCheckFailed(std::string_view account, int64_t device_id, int64_t now);
  void PasswordCheckSucceeded(std::string_view account, int64_t device_id);

 private:
  const LoginLimitOptions options_;
  RateLimiter attempts_per_address_;  // keyed by address
  RateLimiter failures_per_account_;  // keyed by account
  RateLimiter failures_per_address_;  // keyed by address
  RateLimiter failures_global_;       // one key
  FailureBackoff backoff_;            // keyed by PairKey(account, address or device)
};

}  // namespace parley::auth

#endif  // PARLEY_AUTH_LOGIN_LIMITS_H_
