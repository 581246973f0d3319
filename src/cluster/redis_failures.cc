#include "cluster/redis_failures.h"

#include <charconv>
#include <utility>

#include "cluster/redis_connection.h"
#include "cluster/redis_key.h"

namespace parley::cluster {
namespace {

// FailureBackoff::RecordFailure on a hash: `count` failures, the latest at `last` (ms). A key
// quiet for forget_after_ms starts afresh. KEYS[1]: the key; ARGV: now_ms, forget_after_ms.
// Times stay far below 2^53, where Lua's doubles are exact.
constexpr std::string_view kRecordScript = R"lua(
local now = tonumber(ARGV[1])
local forget = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'count', 'last')
local count = tonumber(state[1]) or 0
local last = tonumber(state[2]) or now
if now - last >= forget then count = 0 end
count = math.min(count + 1, 1000000)
if now > last then last = now end
redis.call('HSET', KEYS[1], 'count', count, 'last', string.format('%.0f', last))
redis.call('PEXPIRE', KEYS[1], math.max(last - now, 0) + forget)
return 1
)lua";

// A decimal integer field as the script wrote it; nullopt for anything else.
std::optional<int64_t> Integer(const RedisReply& reply) {
  if (reply.type != RedisReply::Type::kString) return std::nullopt;
  int64_t value = 0;
  const char* end = reply.text.data() + reply.text.size();
  auto [at, error] = std::from_chars(reply.text.data(), end, value);
  if (error != std::errc() || at != end) return std::nullopt;
  return value;
}

}  // namespace

RedisFailures::RedisFailures(RedisPool& pool, std::string prefix)
    : pool_(pool), prefix_(std::move(prefix)), record_(kRecordScript) {}

std::string RedisFailures::RedisKey(std::string_view name, std::string_view key) const {
  return cluster::RedisKey(prefix_, "fb", name, key);
}

std::optional<FailureCount> RedisFailures::Find(std::string_view name, std::string_view key) {
  const std::string redis_key = RedisKey(name, key);
  FailureCount found;
  const bool answered = pool_.Run([&](RedisConnection& connection) {
    Result<RedisReply> reply = connection.Command({"HMGET", redis_key, "count", "last"});
    if (!reply.ok()) return reply.status();
    if (reply->type != RedisReply::Type::kArray || reply->elements.size() != 2) {
      return Status(Code::kUnavailable, "redis: HMGET answered no pair");
    }
    if (reply->elements[0].type == RedisReply::Type::kNil) return Status::Ok();  // no failures
    const std::optional<int64_t> count = Integer(reply->elements[0]);
    const std::optional<int64_t> last = Integer(reply->elements[1]);
    if (!count || !last || *count < 1 || *count > 1'000'000) {
      return Status(Code::kUnavailable, "redis: a failure count is malformed");
    }
    found = FailureCount{static_cast<int>(*count), *last};
    return Status::Ok();
  });
  if (!answered) return std::nullopt;
  return found;
}

bool RedisFailures::Record(std::string_view name, std::string_view key, int64_t now_ms,
                           int64_t forget_after_ms) {
  const std::string redis_key = RedisKey(name, key);
  const std::string now = std::to_string(now_ms);
  const std::string forget = std::to_string(forget_after_ms);
  return pool_.Run([&](RedisConnection& connection) {
    Result<RedisReply> reply = record_.Run(connection, redis_key, {now, forget});
    return reply.ok() ? Status::Ok() : reply.status();
  });
}

bool RedisFailures::Reset(std::string_view name, std::string_view key) {
  const std::string redis_key = RedisKey(name, key);
  return pool_.Run([&](RedisConnection& connection) {
    Result<RedisReply> reply = connection.Command({"DEL", redis_key});
    return reply.ok() ? Status::Ok() : reply.status();
  });
}

}  // namespace parley::cluster
