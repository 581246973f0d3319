// FailureBackoff: growing delays after repeated failures of one key (an account seen from one
// client address, an account's old-password checks from one device).
//
// A key may fail `free_failures` times without waiting; after that each failure makes it wait
// `first_delay_ms`, doubling with every further failure up to `max_delay_ms`, counted from that
// failure. A success (Reset) forgets the key, and so does `forget_after_ms` without a failure.
// The caller may ask with fewer free failures than configured (RetryAfterMs's argument), which
// is how an account under attack makes every address that has failed on it wait at once.
//
// Time is passed in by the caller; memory is bounded by `max_keys` (the least recently failed
// key is forgotten first).
//
// In a cluster, Share makes the backoff keep its counts in a store the nodes share (Redis,
// cluster/redis_failures.h), so its delays hold across nodes; its own counts then answer only
// while that store cannot (base/shared_failures.h), and the delays hold per node meanwhile.
//
// Thread-safety: all methods but Share are thread-safe (one internal mutex, plus one round trip
// to the shared store when shared).
#ifndef PARLEY_AUTH_FAILURE_BACKOFF_H_
#define PARLEY_AUTH_FAILURE_BACKOFF_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "base/lru_table.h"
#include "base/shared_failures.h"

namespace parley::auth {

struct BackoffPolicy {
  int free_failures = 5;                          // failures before the first delay
  int64_t first_delay_ms = 1000;                  // then 1 s, 2 s, 4 s ...
  int64_t max_delay_ms = 15 * 60 * 1000;          // ... up to 15 minutes
  int64_t forget_after_ms = 24 * 60 * 60 * 1000;  // a key quiet this long starts afresh
};

class FailureBackoff {
 public:
  FailureBackoff(BackoffPolicy policy, size_t max_keys);
  FailureBackoff(const FailureBackoff&) = delete;
  FailureBackoff& operator=(const FailureBackoff&) = delete;

  // From now on, every call goes to `shared` first, as the backoff `name` (stable and unique
  // among backoffs, e.g. "login.backoff"); the backoff's own counts answer when `shared`
  // cannot. Called once at start-up, before any other call and any other thread uses the
  // backoff; `shared` must outlive it.
  void Share(SharedFailures* shared, std::string name);

  // Milliseconds `key` must still wait before its next attempt; 0 if it may try now. With
  // `free_failures` below the policy's, the delays start that many failures earlier.
  int64_t RetryAfterMs(std::string_view key, int free_failures, int64_t now_ms) const;
  int64_t RetryAfterMs(std::string_view key, int64_t now_ms) const {
    return RetryAfterMs(key, policy_.free_failures, now_ms);
  }

  // Counts one failure of `key` at `now_ms`.
  void RecordFailure(std::string_view key, int64_t now_ms);

  // Forgets `key` (after a success).
  void Reset(std::string_view key);

  const BackoffPolicy& policy() const { return policy_; }
  size_t key_count() const;

 private:
  int64_t DelayAfter(int failures, int free_failures) const;
  // `key`'s failures: the shared store's, or the own ones when not shared or it cannot answer.
  FailureCount Find(std::string_view key) const;

  const BackoffPolicy policy_;
  SharedFailures* shared_ = nullptr;  // set once by Share, before concurrent use
  std::string name_;
  mutable std::mutex mutex_;
  LruTable<FailureCount>
      failures_;  // GUARDED_BY(mutex_); the least recently failed forgotten first
};

}  // namespace parley::auth

#endif  // PARLEY_AUTH_FAILURE_BACKOFF_H_
