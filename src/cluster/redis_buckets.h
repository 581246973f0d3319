// RedisBuckets: RateLimiter's token buckets in Redis, shared by the nodes of a cluster
// (base/shared_buckets.h), so a limit such as "10 failed logins per account per 10 minutes"
// holds however an attacker spreads the attempts over the nodes.
//
// - Semantics: exactly RateLimiter's (base/rate_limiter.h), at the caller's time, which must be
//   the wall clock (nodes compare it). Each check is one round trip: a Lua script that reads,
//   decides and writes atomically (cluster/redis_script.h: EVALSHA, or EVAL when Redis has lost
//   it).
// - Keys: `<prefix>:rl:<limiter>:<key>` (cluster/redis_key.h). Each key expires (PEXPIRE)
//   when its bucket is full again, within one window: idle keys vanish.
// - Failure: as the pool's (cluster/redis_pool.h): when Redis fails or is slow, Apply returns
//   nullopt at once or within the pool's timeout, and the limiter answers from its own buckets,
//   per node.
//
// Thread-safety: thread-safe. Borrows the pool, which must outlive it.
#ifndef PARLEY_CLUSTER_REDIS_BUCKETS_H_
#define PARLEY_CLUSTER_REDIS_BUCKETS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/rate_limiter.h"
#include "base/shared_buckets.h"
#include "base/status.h"
#include "cluster/redis_pool.h"
#include "cluster/redis_script.h"

namespace parley::cluster {

class RedisBuckets final : public SharedBuckets {
 public:
  // Keys are <prefix>:rl:<limiter>:<key>.
  RedisBuckets(RedisPool& pool, std::string prefix);
  RedisBuckets(const RedisBuckets&) = delete;
  RedisBuckets& operator=(const RedisBuckets&) = delete;

  std::optional<bool> Apply(std::string_view name, const RateLimit& limit, Op op,
                            std::string_view key, int64_t now_ms) override;

  // The Redis key of `key`'s bucket in the limiter `name`.
  std::string RedisKey(std::string_view name, std::string_view key) const;

 private:
  RedisPool& pool_;
  const std::string prefix_;
  const RedisScript script_;
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_BUCKETS_H_
