#include "auth/rate_limiter.h"

#include <algorithm>
#include <cassert>

namespace parley::auth {
namespace {

// Entries whose bucket is full are dropped from the cold end a few at a time on every insert,
// so memory follows the number of keys active within one window rather than growing to the cap.
constexpr int kIdleTrimPerInsert = 2;

}  // namespace

RateLimiter::RateLimiter(RateLimit limit, size_t max_keys)
    : limit_(limit), max_keys_(std::max<size_t>(max_keys, 1)) {
  assert(limit.max_events >= 1 && limit.max_events <= 1'000'000);
  assert(limit.window_ms > 0);
}

bool RateLimiter::Allow(std::string_view key, int64_t now_ms) {
  const int64_t now = Scaled(now_ms);
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& entry = Touch(key, now);
  const int64_t start = std::max(entry.full_at, now);
  if (start + limit_.window_ms - now > Capacity()) return false;
  entry.full_at = start + limit_.window_ms;
  return true;
}

bool RateLimiter::IsLimited(std::string_view key, int64_t now_ms) const {
  const int64_t now = Scaled(now_ms);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return false;
  const int64_t start = std::max(it->second->full_at, now);
  return start + limit_.window_ms - now > Capacity();
}

bool RateLimiter::HasRecentEvents(std::string_view key, int64_t now_ms) const {
  const int64_t now = Scaled(now_ms);
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  return it != index_.end() && it->second->full_at > now;
}

void RateLimiter::Record(std::string_view key, int64_t now_ms) {
  const int64_t now = Scaled(now_ms);
  std::lock_guard<std::mutex> lock(mutex_);
  Entry& entry = Touch(key, now);
  entry.full_at = std::min(std::max(entry.full_at, now) + limit_.window_ms, now + Capacity());
}

void RateLimiter::Reset(std::string_view key) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return;
  Lru::iterator entry = it->second;
  index_.erase(it);  // before the erase below: the map's key views the entry's string
  lru_.erase(entry);
}

size_t RateLimiter::key_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return index_.size();
}

RateLimiter::Entry& RateLimiter::Touch(std::string_view key, int64_t now_scaled) {
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);  // iterators stay valid
    return *it->second;
  }
  MakeRoom(now_scaled);
  lru_.push_front(Entry{std::string(key), now_scaled});
  index_.emplace(lru_.front().key, lru_.begin());
  return lru_.front();
}

void RateLimiter::MakeRoom(int64_t now_scaled) {
  for (int i = 0; i < kIdleTrimPerInsert && !lru_.empty() && lru_.back().full_at <= now_scaled;
       ++i) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
  while (index_.size() >= max_keys_) {
    // Still at the cap, and the coldest key is still limited: forgive it. An attacker would
    // need max_keys fresh keys within one window to make the limiter forget a key this way.
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

}  // namespace parley::auth
