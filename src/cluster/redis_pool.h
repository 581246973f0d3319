// RedisPool: the connections a node's shared state (rate limits, cluster/redis_buckets.h;
// sign-in entries, cluster/redis_entries.h; failure backoffs, cluster/redis_failures.h) uses to
// reach Redis, and what the node does while Redis does not answer.
//
// - Run lends one connection to one step (a few commands). Each step waits at most `timeout`
//   for each part: a free connection of the pool; when it opens one, the connect; each reply.
// - Failure: when a step fails or a connection cannot be had in time, Run returns false (the
//   caller answers from the node's own memory) and, for `retry_after`, every Run does so at once
//   without trying Redis; then one Run tries again. An outage is logged once when it starts
//   (`shared_state_down`) and once when it ends (`shared_state_up`), and counted in stats().
//
// Thread-safety: thread-safe. At most `max_connections` connections, each lent to one step at a
// time; connections are opened on demand (none at construction) and closed on failure. A pool
// outlives every user.
#ifndef PARLEY_CLUSTER_REDIS_POOL_H_
#define PARLEY_CLUSTER_REDIS_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "base/status.h"
#include "cluster/redis_address.h"

namespace parley::cluster {

class RedisConnection;

struct RedisPoolOptions {
  RedisAddress address;
  // The longest a step waits for each part (a free connection, the connect, a reply) before
  // the caller answers locally.
  std::chrono::milliseconds timeout{100};
  // After a failure, how long steps answer locally before Redis is tried again.
  std::chrono::milliseconds retry_after{1000};
  int max_connections = 4;
  // The largest reply a step may read (the shared entries are a few KB at most).
  size_t max_reply_bytes = 64 << 10;
};

class RedisPool {
 public:
  struct Stats {
    uint64_t checks = 0;     // Run calls
    uint64_t fallbacks = 0;  // of which returned false (the node's own memory answered)
    uint64_t outages = 0;    // times Redis went from answering to not answering
    bool up = true;          // false from a failure until Redis answers again
  };

  explicit RedisPool(RedisPoolOptions options);
  ~RedisPool();
  RedisPool(const RedisPool&) = delete;
  RedisPool& operator=(const RedisPool&) = delete;

  // Runs `step` on a connection. False when Redis counts as down, no connection frees up in
  // time, or the step fails (a failed Status: the connection is dropped). The step's replies
  // are the caller's to keep (through its captures).
  bool Run(const std::function<Status(RedisConnection&)>& step);

  Stats stats() const;

 private:
  using Clock = std::chrono::steady_clock;

  // Takes an idle connection into *connection, or reserves a slot for a new one (*connection
  // stays null); false when Redis counts as down or no connection frees up within the timeout.
  bool Take(std::unique_ptr<RedisConnection>* connection);
  void Succeeded(std::unique_ptr<RedisConnection> connection);
  void Failed(const Status& status);

  const RedisPoolOptions options_;
  mutable std::mutex mu_;
  std::condition_variable freed_;                       // a connection went idle or a slot freed
  std::vector<std::unique_ptr<RedisConnection>> idle_;  // GUARDED_BY(mu_)
  int open_ = 0;                                        // GUARDED_BY(mu_): idle and in use
  Clock::time_point retry_at_;                          // GUARDED_BY(mu_): while down
  Stats stats_;                                         // GUARDED_BY(mu_)
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_POOL_H_
