#include "cluster/redis_buckets.h"

#include <utility>

#include "cluster/redis_key.h"

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

}  // namespace

RedisBuckets::RedisBuckets(RedisPool& pool, std::string prefix)
    : pool_(pool), prefix_(std::move(prefix)), script_(kScript) {}

std::string RedisBuckets::RedisKey(std::string_view name, std::string_view key) const {
  return cluster::RedisKey(prefix_, "rl", name, key);
}

std::optional<bool> RedisBuckets::Apply(std::string_view name, const RateLimit& limit, Op op,
                                        std::string_view key, int64_t now_ms) {
  const std::string redis_key = RedisKey(name, key);
  const std::string now = std::to_string(now_ms);
  const std::string max_events = std::to_string(limit.max_events);
  const std::string window = std::to_string(limit.window_ms);
  bool answer = false;
  const bool answered = pool_.Run([&](RedisConnection& connection) {
    Result<RedisReply> reply =
        script_.Run(connection, redis_key, {OpName(op), now, max_events, window});
    if (!reply.ok()) return reply.status();
    if (reply->type != RedisReply::Type::kInteger) {
      return Status(Code::kUnavailable, "redis: the limit script answered no integer");
    }
    answer = reply->integer != 0;
    return Status::Ok();
  });
  if (!answered) return std::nullopt;
  return answer;
}

}  // namespace parley::cluster
