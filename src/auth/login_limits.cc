#include "auth/login_limits.h"

namespace parley::auth {
namespace {

constexpr std::string_view kGlobalKey = "*";

// Accounts are at most 32 characters of [A-Za-z0-9_.-], so '\n' separates unambiguously.
std::string PairKey(std::string_view account, std::string_view address) {
  std::string key(account);
  key.push_back('\n');
  key.append(AddressKey(address));
  return key;
}

std::string DeviceKey(std::string_view account, int64_t device_id) {
  return PairKey(account, "device " + std::to_string(device_id));
}

Status RetryLater(int64_t wait_ms) {
  if (wait_ms <= 0) return Status(Code::kRateLimited, "too many login attempts; retry later");
  return Status(Code::kRateLimited, "too many failed attempts; retry in " +
                                        std::to_string((wait_ms + 999) / 1000) + " s");
}

}  // namespace

LoginLimits::LoginLimits(const LoginLimitOptions& options)
    : options_(options),
      attempts_per_address_(options.attempts_per_address, options.max_keys),
      failures_per_account_(options.failures_per_account, options.max_keys),
      failures_per_address_(options.failures_per_address, options.max_keys),
      failures_global_(options.failures_global, 1),
      backoff_(options.backoff, options.max_keys) {}

void LoginLimits::ShareLimits(SharedBuckets* shared) {
  attempts_per_address_.Share(shared, "login.attempts_per_address");
  failures_per_account_.Share(shared, "login.failures_per_account");
  failures_per_address_.Share(shared, "login.failures_per_address");
  failures_global_.Share(shared, "login.failures_global");
}

void LoginLimits::ShareBackoff(SharedFailures* shared) { backoff_.Share(shared, "login.backoff"); }

Status LoginLimits::AdmitLogin(std::string_view account, std::string_view address, int64_t now) {
  const std::string_view address_key = AddressKey(address);
  if (!attempts_per_address_.Allow(address_key, now)) return RetryLater(0);
  if (failures_per_address_.IsLimited(address_key, now)) return RetryLater(0);
  if (failures_global_.IsLimited(kGlobalKey, now) &&
      failures_per_address_.HasRecentEvents(address_key, now)) {
    return RetryLater(0);
  }
  if (account.empty()) return Status::Ok();
  const int free_failures = failures_per_account_.IsLimited(account, now)
                                ? 0  // under attack: no free failures for anyone who fails
                                : options_.backoff.free_failures;
  const int64_t wait = backoff_.RetryAfterMs(PairKey(account, address), free_failures, now);
  return wait > 0 ? RetryLater(wait) : Status::Ok();
}

void LoginLimits::LoginFailed(std::string_view account, std::string_view address, int64_t now) {
  failures_per_address_.Record(AddressKey(address), now);
  failures_global_.Record(kGlobalKey, now);
  if (account.empty()) return;  // junk names stay out of the per-account keys
  failures_per_account_.Record(account, now);
  backoff_.RecordFailure(PairKey(account, address), now);
}

void LoginLimits::LoginSucceeded(std::string_view account, std::string_view address) {
  backoff_.Reset(PairKey(account, address));
}

Status LoginLimits::AdmitPasswordCheck(std::string_view account, int64_t device_id, int64_t now) {
  const int64_t wait = backoff_.RetryAfterMs(DeviceKey(account, device_id), now);
  return wait > 0 ? RetryLater(wait) : Status::Ok();
}

void LoginLimits::PasswordCheckFailed(std::string_view account, int64_t device_id, int64_t now) {
  backoff_.RecordFailure(DeviceKey(account, device_id), now);
}

void LoginLimits::PasswordCheckSucceeded(std::string_view account, int64_t device_id) {
  backoff_.Reset(DeviceKey(account, device_id));
}

}  // namespace parley::auth
