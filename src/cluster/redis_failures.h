// RedisFailures: FailureBackoff's failure counts in Redis, shared by the nodes of a cluster
// (base/shared_failures.h), so the growing delays after wrong passwords and wrong two-step codes
// hold however an attacker spreads the attempts over the nodes.
//
// - Semantics: exactly FailureBackoff's counting (auth/failure_backoff.h), at the caller's time,
//   which must be the wall clock (nodes compare it). A key is a hash {count, last}; Record is
//   one round trip, a Lua script that reads, counts and writes atomically
//   (cluster/redis_script.h); Find is one HMGET.
// - Keys: `<prefix>:fb:<backoff>:<key>` (cluster/redis_key.h). Each expires (PEXPIRE)
//   `forget_after_ms` after its latest failure, when the backoff would forget it anyway.
// - Failure: as the pool's (cluster/redis_pool.h): when Redis fails or is slow, each call says
//   so at once or within the pool's timeout, and the backoff counts on its own, per node.
//
// Thread-safety: thread-safe. Borrows the pool, which must outlive it.
#ifndef PARLEY_CLUSTER_REDIS_FAILURES_H_
#define PARLEY_CLUSTER_REDIS_FAILURES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/shared_failures.h"
#include "cluster/redis_pool.h"
#include "cluster/redis_script.h"

namespace parley::cluster {

class RedisFailures final : public SharedFailures {
 public:
  // Keys are <prefix>:fb:<backoff>:<key>.
  RedisFailures(RedisPool& pool, std::string prefix);
  RedisFailures(const RedisFailures&) = delete;
  RedisFailures& operator=(const RedisFailures&) = delete;

  std::optional<FailureCount> Find(std::string_view name, std::string_view key) override;
  bool Record(std::string_view name, std::string_view key, int64_t now_ms,
              int64_t forget_after_ms) override;
  bool Reset(std::string_view name, std::string_view key) override;

  // The Redis key of `key` in the backoff `name`.
  std::string RedisKey(std::string_view name, std::string_view key) const;

 private:
  RedisPool& pool_;
  const std::string prefix_;
  const RedisScript record_;
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_FAILURES_H_
