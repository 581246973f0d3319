// RateLimiter: a keyed token bucket with bounded memory.
//
// Each key (an account name, a client address) has a bucket of `max_events` tokens that refills
// evenly, completely once per `window_ms`. So `max_events` can happen back to back, and after
// that one more every window_ms / max_events. Over a long run the rate is max_events per window;
// any single window sees at most 2 * max_events - 1 events.
//
// Time is passed in by the caller (no hidden clock), so tests are deterministic; a clock that
// goes backwards only makes the limiter stricter, never looser.
//
// Memory is bounded by `max_keys`: a key whose bucket is full again costs nothing to forget and
// is dropped; if every stored key is still limited, the least recently used one is forgotten (it
// gets a full bucket back). Keys should be short (callers bound them; they are copied in).
//
// In a cluster, Share makes the limiter keep its buckets in a store the nodes share (Redis,
// cluster/redis_buckets.h), so its limit holds across nodes; its own buckets then answer only
// while that store cannot (base/shared_buckets.h), and the limit holds per node meanwhile.
//
// Thread-safety: all methods but Share are thread-safe (one internal mutex; every call is O(1)
// amortised, plus one round trip to the shared store when shared).
#ifndef PARLEY_BASE_RATE_LIMITER_H_
#define PARLEY_BASE_RATE_LIMITER_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/lru_table.h"
#include "base/shared_buckets.h"

namespace parley {

// The key a limiter keeps for a client's address. Addresses come from the network layer (at most
// an IPv6 /64 in text); the cap only keeps a key small whatever a caller passes.
inline std::string_view AddressKey(std::string_view address) { return address.substr(0, 64); }

// How many users a per-user limiter remembers at once (its max_keys).
inline constexpr size_t kMaxLimitedUsers = 100'000;

struct RateLimit {
  int max_events = 10;         // bucket size: 1 to 1,000,000
  int64_t window_ms = 60'000;  // time for an empty bucket to refill completely; > 0
};

class RateLimiter {
 public:
  RateLimiter(RateLimit limit, size_t max_keys);
  RateLimiter(const RateLimiter&) = delete;
  RateLimiter& operator=(const RateLimiter&) = delete;

  // From now on, every call goes to `shared` first, as the limiter `name` (stable and unique
  // among limiters, e.g. "login.failures_per_account"); the limiter's own buckets answer when
  // `shared` cannot. Called once at start-up, before any other call and any other thread uses
  // the limiter; `shared` must outlive it.
  void Share(SharedBuckets* shared, std::string name);

  // Takes a token for `key` and returns true; or, if its bucket is empty, returns false and
  // records nothing. For limits on attempts.
  bool Allow(std::string_view key, int64_t now_ms);

  // True if `key`'s bucket is empty now (Allow would refuse). Records nothing.
  bool IsLimited(std::string_view key, int64_t now_ms) const;

  // True if `key`'s bucket is not full now: it has taken a token that has not refilled yet.
  bool HasRecentEvents(std::string_view key, int64_t now_ms) const;

  // Takes a token for `key` even if the bucket is empty (it does not go below empty). For limits
  // on outcomes known only afterwards, such as failed logins: check IsLimited first, then
  // Record each failure.
  void Record(std::string_view key, int64_t now_ms);

  // Refills `key`'s bucket (forgets it), e.g. after a successful login.
  void Reset(std::string_view key);

  // How many keys are stored now (for tests and metrics).
  size_t key_count() const;

 private:
  // Scaled time: 1 ms is `max_events` units and a token costs `window_ms` units, so the refill
  // rate is exact in integers. A bucket is described by the scaled time at which it will be full
  // again ("theoretical arrival time" of the generic cell rate algorithm).
  int64_t Scaled(int64_t now_ms) const { return now_ms * limit_.max_events; }
  int64_t Capacity() const { return limit_.window_ms * limit_.max_events; }
  // The full_at of `key`, created with a full bucket if needed. A key whose bucket is full
  // again costs nothing to forget; at the cap, the coldest key is forgiven even if still
  // limited (an attacker would need max_keys fresh keys within one window for that).
  int64_t& Touch(std::string_view key, int64_t now_scaled);

  // `shared_`'s answer to `op`, or nullopt when not shared or when it cannot answer.
  std::optional<bool> AskShared(SharedBuckets::Op op, std::string_view key, int64_t now_ms) const;

  const RateLimit limit_;
  SharedBuckets* shared_ = nullptr;  // set once by Share, before concurrent use
  std::string name_;
  mutable std::mutex mutex_;
  LruTable<int64_t> full_at_;  // GUARDED_BY(mutex_)
};

}  // namespace parley

#endif  // PARLEY_BASE_RATE_LIMITER_H_
