#include "base/rate_limiter.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace parley {

RateLimiter::RateLimiter(RateLimit limit, size_t max_keys) : limit_(limit), full_at_(max_keys) {
  assert(limit.max_events >= 1 && limit.max_events <= 1'000'000);
  assert(limit.window_ms > 0);
}

void RateLimiter::Share(SharedBuckets* shared, std::string name) {
  shared_ = shared;
  name_ = std::move(name);
}

std::optional<bool> RateLimiter::AskShared(SharedBuckets::Op op, std::string_view key,
                                           int64_t now_ms) const {
  if (shared_ == nullptr) return std::nullopt;
  return shared_->Apply(name_, limit_, op, key, now_ms);
}

bool RateLimiter::Allow(std::string_view key, int64_t now_ms) {
  if (auto shared = AskShared(SharedBuckets::Op::kAllow, key, now_ms)) return *shared;
  const int64_t now = Scaled(now_ms);
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t& full_at = Touch(key, now);
  const int64_t start = std::max(full_at, now);
  if (start + limit_.window_ms - now > Capacity()) return false;
  full_at = start + limit_.window_ms;
  return true;
}

bool RateLimiter::IsLimited(std::string_view key, int64_t now_ms) const {
  if (auto shared = AskShared(SharedBuckets::Op::kIsLimited, key, now_ms)) return *shared;
  const int64_t now = Scaled(now_ms);
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t* full_at = full_at_.Find(key);
  if (full_at == nullptr) return false;
  const int64_t start = std::max(*full_at, now);
  return start + limit_.window_ms - now > Capacity();
}

bool RateLimiter::HasRecentEvents(std::string_view key, int64_t now_ms) const {
  if (auto shared = AskShared(SharedBuckets::Op::kHasRecentEvents, key, now_ms)) return *shared;
  const int64_t now = Scaled(now_ms);
  std::lock_guard<std::mutex> lock(mutex_);
  const int64_t* full_at = full_at_.Find(key);
  return full_at != nullptr && *full_at > now;
}

void RateLimiter::Record(std::string_view key, int64_t now_ms) {
  if (AskShared(SharedBuckets::Op::kRecord, key, now_ms)) return;
  const int64_t now = Scaled(now_ms);
  std::lock_guard<std::mutex> lock(mutex_);
  int64_t& full_at = Touch(key, now);
  full_at = std::min(std::max(full_at, now) + limit_.window_ms, now + Capacity());
}

void RateLimiter::Reset(std::string_view key) {
  if (AskShared(SharedBuckets::Op::kReset, key, 0)) return;
  std::lock_guard<std::mutex> lock(mutex_);
  full_at_.Erase(key);
}

size_t RateLimiter::key_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return full_at_.size();
}

int64_t& RateLimiter::Touch(std::string_view key, int64_t now_scaled) {
  return full_at_.Touch(key, now_scaled, [now_scaled](int64_t full_at) {
    return full_at <= now_scaled;  // a full bucket: nothing to remember
  });
}

}  // namespace parley
