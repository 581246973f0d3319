// SharedFailures: a store of failure counts that several nodes share, so that a FailureBackoff's
// growing delays (auth/failure_backoff.h, Share) hold across the nodes of a cluster instead of
// per node: spreading wrong passwords or codes over the nodes then buys no extra guesses.
//
// An implementation keeps, for each (backoff name, key), the count of failures and the time of
// the latest, as FailureBackoff keeps them in memory, and forgets a key `forget_after_ms` after
// its latest failure. When it cannot answer now (its server is down or slow) it says so at once
// or within its own short timeout, and the backoff answers from its own counts meanwhile.
//
// Thread-safety: implementations are thread-safe; they outlive every backoff sharing them.
#ifndef PARLEY_BASE_SHARED_FAILURES_H_
#define PARLEY_BASE_SHARED_FAILURES_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace parley {

struct FailureCount {
  int count = 0;        // 0: no failure remembered
  int64_t last_ms = 0;  // the latest failure (the caller's wall-clock ms)
};

class SharedFailures {
 public:
  virtual ~SharedFailures() = default;

  // `key`'s failures in the backoff `name` (stable across versions and nodes); nullopt when the
  // store cannot answer now.
  virtual std::optional<FailureCount> Find(std::string_view name, std::string_view key) = 0;

  // Counts one failure at `now_ms`: a key quiet for `forget_after_ms` starts afresh; the count
  // stops at 1,000,000; the latest failure's time never goes back. False when the store cannot
  // take it now.
  virtual bool Record(std::string_view name, std::string_view key, int64_t now_ms,
                      int64_t forget_after_ms) = 0;

  // Forgets `key`. False when the store cannot answer now.
  virtual bool Reset(std::string_view name, std::string_view key) = 0;
};

}  // namespace parley

#endif  // PARLEY_BASE_SHARED_FAILURES_H_
