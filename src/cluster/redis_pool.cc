#include "cluster/redis_pool.h"

#include <cassert>
#include <string>
#include <utility>

#include "base/log.h"
#include "cluster/redis_connection.h"

namespace parley::cluster {

RedisPool::RedisPool(RedisPoolOptions options) : options_(std::move(options)) {
  assert(options_.max_connections >= 1);
}

RedisPool::~RedisPool() = default;

bool RedisPool::Run(const std::function<Status(RedisConnection&)>& step) {
  std::unique_ptr<RedisConnection> connection;
  if (!Take(&connection)) return false;
  if (connection == nullptr) {
    RedisConnectionOptions connection_options;
    connection_options.timeout = options_.timeout;
    connection_options.max_reply_bytes = options_.max_reply_bytes;
    connection_options.max_array_elements = 4;
    auto opened = RedisConnection::Connect(options_.address, connection_options);
    if (!opened.ok()) {
      Failed(opened.status());
      return false;
    }
    connection = std::move(*opened);
  }
  if (Status s = step(*connection); !s.ok()) {
    Failed(s);
    return false;
  }
  Succeeded(std::move(connection));
  return true;
}

bool RedisPool::Take(std::unique_ptr<RedisConnection>* connection) {
  std::unique_lock<std::mutex> lock(mu_);
  ++stats_.checks;
  const Clock::time_point now = Clock::now();
  if (!stats_.up) {
    if (now < retry_at_) {
      ++stats_.fallbacks;
      return false;
    }
    retry_at_ = now + options_.retry_after;  // this step tries Redis; the others stay local
  }
  // A step that found Redis up gives up when another one finds it down meanwhile.
  const bool was_up = stats_.up;
  const bool ready = freed_.wait_until(lock, now + options_.timeout, [this, was_up] {
    return (was_up && !stats_.up) || !idle_.empty() || open_ < options_.max_connections;
  });
  if (!ready || (was_up && !stats_.up)) {  // Redis is down, or too slow to free a connection
    ++stats_.fallbacks;
    return false;
  }
  if (!idle_.empty()) {
    *connection = std::move(idle_.back());
    idle_.pop_back();
  } else {
    ++open_;
  }
  return true;
}

void RedisPool::Succeeded(std::unique_ptr<RedisConnection> connection) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(connection));
  freed_.notify_one();
  if (stats_.up) return;
  stats_.up = true;
  Log(LogLevel::kInfo, "shared_state_up", {{"redis", RedisEndpoint(options_.address)}});
}

// The failed connection is gone, and the idle ones with it: after a server restart they are
// all broken, and opening new ones costs less than finding that out one step at a time.
void RedisPool::Failed(const Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.fallbacks;
  open_ -= 1 + static_cast<int>(idle_.size());
  idle_.clear();
  retry_at_ = Clock::now() + options_.retry_after;
  freed_.notify_all();
  if (!stats_.up) return;
  stats_.up = false;
  ++stats_.outages;
  Log(LogLevel::kWarning, "shared_state_down",
      {{"redis", RedisEndpoint(options_.address)},
       {"reason", std::string(status.message())},
       {"effect",
        "rate limits, failure delays and new sign-in steps hold per node until Redis "
        "answers"}});
}

RedisPool::Stats RedisPool::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace parley::cluster
