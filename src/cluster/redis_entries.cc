#include "cluster/redis_entries.h"

#include <utility>

#include "cluster/redis_connection.h"
#include "cluster/redis_key.h"

namespace parley::cluster {

RedisEntries::RedisEntries(RedisPool& pool, std::string prefix)
    : pool_(pool), prefix_(std::move(prefix)) {}

std::string RedisEntries::RedisKey(std::string_view name, std::string_view key) const {
  return cluster::RedisKey(prefix_, "pe", name, key);
}

bool RedisEntries::Put(std::string_view name, std::string_view key, std::string_view value,
                       int64_t now, int64_t expires_at) {
  const std::string redis_key = RedisKey(name, key);
  if (expires_at <= now) {  // over already: nothing to keep, and any older entry must go
    return pool_.Run([&](RedisConnection& connection) {
      Result<RedisReply> reply = connection.Command({"DEL", redis_key});
      return reply.ok() ? Status::Ok() : reply.status();
    });
  }
  const std::string ttl = std::to_string(expires_at - now);
  return pool_.Run([&](RedisConnection& connection) {
    Result<RedisReply> reply = connection.Command({"SET", redis_key, value, "PX", ttl});
    if (!reply.ok()) return reply.status();
    if (reply->type != RedisReply::Type::kStatus) {
      return Status(Code::kUnavailable, "redis: SET refused: " + reply->text.substr(0, 200));
    }
    return Status::Ok();
  });
}

std::optional<std::string> RedisEntries::Take(std::string_view name, std::string_view key,
                                              int64_t /*now*/) {
  return Read("GETDEL", name, key);
}

std::optional<std::string> RedisEntries::Peek(std::string_view name, std::string_view key,
                                              int64_t /*now*/) {
  return Read("GET", name, key);
}

std::optional<std::string> RedisEntries::Read(std::string_view command, std::string_view name,
                                              std::string_view key) {
  const std::string redis_key = RedisKey(name, key);
  std::optional<std::string> value;
  pool_.Run([&](RedisConnection& connection) {
    Result<RedisReply> reply = connection.Command({command, redis_key});
    if (!reply.ok()) return reply.status();
    if (reply->type == RedisReply::Type::kString) {
      value = std::move(reply->text);
    } else if (reply->type != RedisReply::Type::kNil) {
      return Status(Code::kUnavailable,
                    "redis: " + std::string(command) + " refused: " + reply->text.substr(0, 200));
    }
    return Status::Ok();
  });
  return value;
}

}  // namespace parley::cluster
