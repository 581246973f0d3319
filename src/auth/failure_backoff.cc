#include "auth/failure_backoff.h"

#include <algorithm>
#include <cassert>

namespace parley::auth {

FailureBackoff::FailureBackoff(BackoffPolicy policy, size_t max_keys)
    : policy_(policy), max_keys_(std::max<size_t>(max_keys, 1)) {
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
  auto it = index_.find(key);
  if (it == index_.end()) return 0;
  const Entry& entry = *it->second;
  if (now_ms - entry.last_failure_ms >= policy_.forget_after_ms) return 0;
  const int64_t ready_at = entry.last_failure_ms + DelayAfter(entry.failures, free_failures);
  return std::max<int64_t>(ready_at - now_ms, 0);
}

void FailureBackoff::RecordFailure(std::string_view key, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) {
    // Keys quiet for forget_after_ms are dropped from the cold end a few at a time, so memory
    // follows the keys that failed recently rather than growing to the cap.
    for (int i = 0;
         i < 2 && !lru_.empty() && now_ms - lru_.back().last_failure_ms >= policy_.forget_after_ms;
         ++i) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
    while (index_.size() >= max_keys_) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
    }
    lru_.push_front(Entry{std::string(key), 0, now_ms});
    it = index_.emplace(lru_.front().key, lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second);  // iterators stay valid
  }
  Entry& entry = *it->second;
  if (now_ms - entry.last_failure_ms >= policy_.forget_after_ms) entry.failures = 0;
  entry.failures = std::min(entry.failures + 1, 1'000'000);
  entry.last_failure_ms = std::max(entry.last_failure_ms, now_ms);
}

void FailureBackoff::Reset(std::string_view key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return;
  Lru::iterator entry = it->second;
  index_.erase(it);  // before the erase below: the map's key views the entry's string
  lru_.erase(entry);
}

size_t FailureBackoff::key_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return index_.size();
}

}  // namespace parley::auth
