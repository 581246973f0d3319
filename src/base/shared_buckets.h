// SharedBuckets: a store of token buckets that several nodes share, so that a RateLimiter's
// limit holds across the nodes of a cluster instead of per node (base/rate_limiter.h, Share).
//
// An implementation keeps, for each (limiter name, key), the same bucket a RateLimiter keeps in
// memory and answers each operation exactly as RateLimiter would, at the caller's `now_ms` (wall
// clock, comparable between nodes). When it cannot answer now (its server is down or slow) it
// returns nullopt at once or within its own short timeout, and the limiter answers from its own
// buckets: the limit then holds per node until the store is back.
//
// Thread-safety: implementations are thread-safe; they outlive every limiter sharing them.
#ifndef PARLEY_BASE_SHARED_BUCKETS_H_
#define PARLEY_BASE_SHARED_BUCKETS_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace parley {

struct RateLimit;

class SharedBuckets {
 public:
  // RateLimiter's operations, by the name of its member.
  enum class Op { kAllow, kIsLimited, kHasRecentEvents, kRecord, kReset };

  virtual ~SharedBuckets() = default;

  // Applies `op` to the bucket of `key` of the limiter called `name` (stable across versions
  // and nodes: nodes share a bucket by name and key) with `limit`. Returns RateLimiter's answer
  // (true for kRecord and kReset), or nullopt when the shared store cannot answer now.
  virtual std::optional<bool> Apply(std::string_view name, const RateLimit& limit, Op op,
                                    std::string_view key, int64_t now_ms) = 0;
};

}  // namespace parley

#endif  // PARLEY_BASE_SHARED_BUCKETS_H_
