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
// key is forgotten first). Thread-safety: all methods are thread-safe (one internal mutex).
#ifndef PARLEY_AUTH_FAILURE_BACKOFF_H_
#define PARLEY_AUTH_FAILURE_BACKOFF_H_

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "base/lru_table.h"

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
  struct Failures {
    int count = 0;
    int64_t last_ms = 0;  // the latest failure
  };

  int64_t DelayAfter(int failures, int free_failures) const;

  const BackoffPolicy policy_;
  mutable std::mutex mutex_;
  LruTable<Failures> failures_;  // GUARDED_BY(mutex_); the least recently failed forgotten first
};

}  // namespace parley::auth

#endif  // PARLEY_AUTH_FAILURE_BACKOFF_H_
