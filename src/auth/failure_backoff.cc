#include "auth/failure_backoff.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace parley::auth {

FailureBackoff::FailureBackoff(BackoffPolicy policy, size_t max_keys)
    : policy_(policy), failures_(max_keys) {
  assert(policy.free_failures >= 0 && policy.first_delay_ms > 0);
  assert(policy.max_delay_ms >= policy.first_delay_ms && policy.forget_after_ms > 0);
}

void FailureBackoff::Share(SharedFailures* shared, std::string name) {
  shared_ = shared;
  name_ = std::move(name);
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
  const FailureCount failures = Find(key);
  if (failures.count == 0 || now_ms - failures.last_ms >= policy_.forget_after_ms) return 0;
  const int64_t ready_at = failures.last_ms + DelayAfter(failures.count, free_failures);
  return std::max<int64_t>(ready_at - now_ms, 0);
}

FailureCount FailureBackoff::Find(std::string_view key) const {
  if (shared_ != nullptr) {
    if (std::optional<FailureCount> shared = shared_->Find(name_, key)) return *shared;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  const FailureCount* failures = failures_.Find(key);
  return failures == nullptr ? FailureCount{} : *failures;
}

void FailureBackoff::RecordFailure(std::string_view key, int64_t now_ms) {
  const int64_t forget_after_ms = policy_.forget_after_ms;
  if (shared_ != nullptr && shared_->Record(name_, key, now_ms, forget_after_ms)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  FailureCount& failures =
      failures_.Touch(key, FailureCount{0, now_ms}, [&](const FailureCount& old) {
        return now_ms - old.last_ms >= forget_after_ms;  // quiet long enough to start afresh
      });
  if (now_ms - failures.last_ms >= forget_after_ms) failures.count = 0;
  failures.count = std::min(failures.count + 1, 1'000'000);
  failures.last_ms = std::max(failures.last_ms, now_ms);
}

void FailureBackoff::Reset(std::string_view key) {
  // Failures counted here while the store did not answer go too: a success forgets them all.
  if (shared_ != nullptr) shared_->Reset(name_, key);
  std::lock_guard<std::mutex> lock(mutex_);
  failures_.Erase(key);
}

size_t FailureBackoff::key_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return failures_.size();
}

}  // namespace parley::auth
