// RedisBuckets: RateLimiter's token buckets in Redis, shared by the nodes of a cluster
// (base/shared_buckets.h), so a limit such as "10 failed logins per account per 10 minutes"
// holds however an attacker spreads the attempts over the nodes.
//
// - Semantics: exactly RateLimiter's (base/rate_limiter.h), at the caller's time, which must be
//   the wall clock (nodes compare it). Each check is one round trip: a Lua script that reads,
//   decides and writes atomically, loaded once per connection (SCRIPT LOAD) and run by EVALSHA,
//   or by EVAL when Redis has lost it (NOSCRIPT, after a restart).
// - Keys: `<prefix>:rl:<limiter>:=<key>` for keys up to 64 bytes; a longer key is replaced by
//   `#` and a 128-bit BLAKE2b hash of it, so a hostile key costs Redis at most ~100 bytes. Each
//   key expires (PEXPIRE) when its bucket is full again, within one window: idle keys vanish.
// - Failure: a check waits at most `timeout` for each step (a free connection of the pool; when
//   it opens one, the connect and SCRIPT LOAD; the reply), so a few timeouts at worst. When Redis
//   fails or is slow, Apply returns nullopt (the limiter answers from its
//   own buckets, per node) and, for `retry_after`, every check does so at once without trying
//   Redis; then one check tries again. An outage is logged once when it starts and once when it
//   ends, and counted in stats().
//
// Thread-safety: thread-safe. At most `max_connections` connections, each used by one check at
// a time; connections are opened on demand (none at construction) and closed on failure.
#ifndef PARLEY_CLUSTER_REDIS_BUCKETS_H_
#define PARLEY_CLUSTER_REDIS_BUCKETS_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/rate_limiter.h"
#include "base/shared_buckets.h"
#include "base/status.h"
#include "cluster/redis_address.h"

namespace parley::cluster {

class RedisConnection;

struct RedisBucketsOptions {
  RedisAddress address;
  std::string prefix = "parley";  // keys are <prefix>:rl:<limiter>:<key>
  // The longest a check waits for each step with Redis (a free connection, the connect, a
  // reply) before it answers locally.
  std::chrono::milliseconds timeout{100};
  // After a failure, how long checks answer locally before Redis is tried again.
  std::chrono::milliseconds retry_after{1000};
  int max_connections = 4;
};

class RedisBuckets final : public SharedBuckets {
 public:
  struct Stats {
    uint64_t checks = 0;     // Apply calls
    uint64_t fallbacks = 0;  // of which answered nullopt (the node's own buckets decided)
    uint64_t outages = 0;    // times Redis went from answering to not answering
    bool up = true;          // false from a failure until Redis answers again
  };

  explicit RedisBuckets(RedisBucketsOptions options);
  ~RedisBuckets() override;
  RedisBuckets(const RedisBuckets&) = delete;
  RedisBuckets& operator=(const RedisBuckets&) = delete;

  std::optional<bool> Apply(std::string_view name, const RateLimit& limit, Op op,
                            std::string_view key, int64_t now_ms) override;

  Stats stats() const;

  // The Redis key of `key`'s bucket in the limiter `name`.
  std::string RedisKey(std::string_view name, std::string_view key) const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Pooled;  // a connection and its script's SHA1

  // Takes an idle connection into *pooled, or reserves a slot for a new one (*pooled stays
  // null); false when Redis counts as down or no connection frees up within the timeout.
  bool Take(std::unique_ptr<Pooled>* pooled);
  Result<std::unique_ptr<Pooled>> Open() const;
  Result<bool> Run(Pooled& pooled, std::string_view name, const RateLimit& limit, Op op,
                   std::string_view key, int64_t now_ms) const;
  void Succeeded(std::unique_ptr<Pooled> pooled);
  void Failed(const Status& status);

  const RedisBucketsOptions options_;
  mutable std::mutex mu_;
  std::condition_variable freed_;              // a connection went idle or a slot freed
  std::vector<std::unique_ptr<Pooled>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                               // GUARDED_BY(mu_): idle and in use
  Clock::time_point retry_at_;                 // GUARDED_BY(mu_): while down
  Stats stats_;                                // GUARDED_BY(mu_)
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_BUCKETS_H_
