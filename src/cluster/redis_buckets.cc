#include "cluster/redis_buckets.h"

#include <sodium.h>

#include <cassert>
#include <utility>

#include "base/log.h"
#include "base/sodium_init.h"
#include "cluster/redis_connection.h"

namespace parley::cluster {
namespace {

// RateLimiter's bucket (base/rate_limiter.h) in a hash: `t` is the caller's time of the last
// change (ms) and `d` how long from then until the bucket is full again, in RateLimiter's scaled
// units (1 ms = max_events units, a token = window_ms units). Kept relative to `t` so every
// number stays far below 2^53, where Lua's doubles are exact. A missing key is a full bucket.
// KEYS[1]: the bucket; ARGV: op, now_ms, max_events, window_ms. Returns 1 (true) or 0.
constexpr std::string_view kScript = R"lua(
local op = ARGV[1]
if op == 'reset' then
  redis.call('DEL', KEYS[1])
  return 1
end
local now = tonumber(ARGV[2])
local m = tonumber(ARGV[3])
local w = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 't', 'd')
local known = state[1] and state[2]
local due = 0
if known then due = tonumber(state[2]) - (now - tonumber(state[1])) * m end
if op == 'recent' then
  if known and due > 0 then return 1 end
  return 0
end
if due < 0 then due = 0 end
local limited = due + w > w * m
if op == 'limited' then
  if limited then return 1 end
  return 0
end
if op == 'allow' then
  if limited then return 0 end
  due = due + w
else
  due = math.min(due + w, w * m)
end
redis.call('HSET', KEYS[1], 't', ARGV[2], 'd', string.format('%.0f', due))
redis.call('PEXPIRE', KEYS[1], math.ceil(due / m) + 1)
return 1
)lua";

constexpr size_t kMaxPlainKeyBytes = 64;

std::string_view OpName(SharedBuckets::Op op) {
  switch (op) {
    case SharedBuckets::Op::kAllow:
      return "allow";
    case SharedBuckets::Op::kIsLimited:
      return "limited";
    case SharedBuckets::Op::kHasRecentEvents:
      return "recent";
    case SharedBuckets::Op::kRecord:
      return "record";
    case SharedBuckets::Op::kReset:
      return "reset";
  }
  return "reset";
}

// 128 bits of BLAKE2b in hex: collisions cannot be searched for, so a hostile key cannot share
// a victim's bucket.
std::string HashHex(std::string_view key) {
  internal::EnsureSodium();
  unsigned char digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(key.data()),
                     key.size(), nullptr, 0);
  char hex[2 * sizeof digest + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace

struct RedisBuckets::Pooled {
  std::unique_ptr<RedisConnection> connection;
  std::string sha;  // the script's, as SCRIPT LOAD answered
};

RedisBuckets::RedisBuckets(RedisBucketsOptions options) : options_(std::move(options)) {
  assert(options_.max_connections >= 1);
}

RedisBuckets::~RedisBuckets() = default;

std::string RedisBuckets::RedisKey(std::string_view name, std::string_view key) const {
  std::string redis_key = options_.prefix + ":rl:" + std::string(name) + ":";
  if (key.size() <= kMaxPlainKeyBytes) {
    redis_key += '=';
    redis_key += key;
  } else {
    redis_key += '#';
    redis_key += HashHex(key);
  }
  return redis_key;
}

std::optional<bool> RedisBuckets::Apply(std::string_view name, const RateLimit& limit, Op op,
                                        std::string_view key, int64_t now_ms) {
  std::unique_ptr<Pooled> pooled;
  if (!Take(&pooled)) return std::nullopt;
  if (pooled == nullptr) {
    Result<std::unique_ptr<Pooled>> opened = Open();
    if (!opened.ok()) {
      Failed(opened.status());
      return std::nullopt;
    }
    pooled = std::move(*opened);
  }
  Result<bool> answer = Run(*pooled, name, limit, op, key, now_ms);
  if (!answer.ok()) {
    Failed(answer.status());
    return std::nullopt;
  }
  Succeeded(std::move(pooled));
  return *answer;
}

bool RedisBuckets::Take(std::unique_ptr<Pooled>* pooled) {
  std::unique_lock<std::mutex> lock(mu_);
  ++stats_.checks;
  const Clock::time_point now = Clock::now();
  if (!stats_.up) {
    if (now < retry_at_) {
      ++stats_.fallbacks;
      return false;
    }
    retry_at_ = now + options_.retry_after;  // this check tries Redis; the others stay local
  }
  // A check that found Redis up gives up when another one finds it down meanwhile.
  const bool was_up = stats_.up;
  const bool ready = freed_.wait_until(lock, now + options_.timeout, [this, was_up] {
    return (was_up && !stats_.up) || !idle_.empty() || open_ < options_.max_connections;
  });
  if (!ready || (was_up && !stats_.up)) {  // Redis is down, or too slow to free a connection
    ++stats_.fallbacks;
    return false;
  }
  if (!idle_.empty()) {
    *pooled = std::move(idle_.back());
    idle_.pop_back();
  } else {
    ++open_;
  }
  return true;
}

Result<std::unique_ptr<RedisBuckets::Pooled>> RedisBuckets::Open() const {
  RedisConnectionOptions connection_options;
  connection_options.timeout = options_.timeout;
  connection_options.max_reply_bytes = 4096;  // a SHA1 or an integer
  connection_options.max_array_elements = 4;
  auto connection = RedisConnection::Connect(options_.address, connection_options);
  if (!connection.ok()) return connection.status();
  Result<RedisReply> loaded = (*connection)->Command({"SCRIPT", "LOAD", kScript});
  if (!loaded.ok()) return loaded.status();
  if (loaded->type != RedisReply::Type::kString) {
    return Status(Code::kUnavailable, "redis: SCRIPT LOAD refused: " + loaded->text.substr(0, 200));
  }
  auto pooled = std::make_unique<Pooled>();
  pooled->connection = std::move(*connection);
  pooled->sha = std::move(loaded->text);
  return pooled;
}

Result<bool> RedisBuckets::Run(Pooled& pooled, std::string_view name, const RateLimit& limit, Op op,
                               std::string_view key, int64_t now_ms) const {
  const std::string redis_key = RedisKey(name, key);
  const std::string now = std::to_string(now_ms);
  const std::string max_events = std::to_string(limit.max_events);
  const std::string window = std::to_string(limit.window_ms);
  RedisConnection& connection = *pooled.connection;
  Result<RedisReply> reply = connection.Command(
      {"EVALSHA", pooled.sha, "1", redis_key, OpName(op), now, max_events, window});
  if (reply.ok() && reply->type == RedisReply::Type::kError &&
      reply->text.starts_with("NOSCRIPT")) {
    reply =
        connection.Command({"EVAL", kScript, "1", redis_key, OpName(op), now, max_events, window});
  }
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kInteger) {
    return Status(Code::kUnavailable,
                  "redis: the limit script failed: " + reply->text.substr(0, 200));
  }
  return reply->integer != 0;
}

void RedisBuckets::Succeeded(std::unique_ptr<Pooled> pooled) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(pooled));
  freed_.notify_one();
  if (stats_.up) return;
  stats_.up = true;
  Log(LogLevel::kInfo, "shared_limits_up", {{"redis", RedisEndpoint(options_.address)}});
}

// The failed connection is gone, and the idle ones with it: after a server restart they are
// all broken, and opening new ones costs less than finding that out one check at a time.
void RedisBuckets::Failed(const Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.fallbacks;
  open_ -= 1 + static_cast<int>(idle_.size());
  idle_.clear();
  retry_at_ = Clock::now() + options_.retry_after;
  freed_.notify_all();
  if (!stats_.up) return;
  stats_.up = false;
  ++stats_.outages;
  Log(LogLevel::kWarning, "shared_limits_down",
      {{"redis", RedisEndpoint(options_.address)},
       {"reason", std::string(status.message())},
       {"effect", "rate limits hold per node until Redis answers"}});
}

RedisBuckets::Stats RedisBuckets::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace parley::cluster
