#include "auth/failure_backoff.h"

#include <algorithm>
#include <cassert>

namespace parley::auth {

FailureBackoff::FailureBackoff(BackoffPolicy policy, size_t max_keys)
    : policy_(policy), failures_(max_keys) {
  assert(policy.free_failures >= 0 && policy.first_delay_ms > 0);
  assert(policy.max_delay_ms >= policy.first_delay_ms && policy.forget_after_ms > 0);
}

int64_t FailureBackoff::DelayAfter(int failures, int free_failures) const {
  const int over = failures - std::max(free_failures, 0);
  if (over <= 0) return 0;
  int64_t delay = policy_.first_delay_ms;
  for (int i = 1; i < over && delay < policy_.max_delay_ms; ++i) delay *= 2;
  return std::min(delay, policy_.max_delay_ms);
}

int64_t FailureBackoff::RetryAfterMs(std::string_view key, int free_failures,
                                     int64_t now_ms) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const Failures* failures = failures_.Find(key);
  if (failures == nullptr || now_ms - failures->last_ms >= policy_.forget_after_ms) return 0;
  const int64_t ready_at = failures->last_ms + DelayAfter(failures->count, free_failures);
  return std::max<int64_t>(ready_at - now_ms, 0);
}

void FailureBackoff::RecordFailure(std::string_view key, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t forget_after_ms = policy_.forget_after_ms;
  Failures& failures = failures_.Touch(key, Failures{0, now_ms}, [&](const Failures& old) {
    return now_ms - old.last_ms >= forget_after_ms;  // quiet long enough to start afresh
  });
  if (now_ms - failures.last_ms >= forget_after_ms) failures.count = 0;
  failures.count = std::min(failures.count + 1, 1'000'000);
  failures.last_ms = std::max(failures.last_ms, now_ms);
}

void FailureBackoff::Reset(std::string_view key) {
  std::lock_guard<std::mutex> lock(mutex_);
  failures_.Erase(key);
}

size_t FailureBackoff::key_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failures_.size();
}

}  // namespace parley::auth
