#include "cluster/redis_script.h"

#include <vector>

namespace parley::cluster {

Result<std::string> RedisScript::Sha(RedisConnection& connection) const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!sha_.empty()) return sha_;
  }
  Result<RedisReply> loaded = connection.Command({"SCRIPT", "LOAD", text_});
  if (!loaded.ok()) return loaded.status();
  if (loaded->type != RedisReply::Type::kString) {
    return Status(Code::kUnavailable, "redis: SCRIPT LOAD refused: " + loaded->text.substr(0, 200));
  }
  std::lock_guard<std::mutex> lock(mu_);
  sha_ = loaded->text;
  return sha_;
}

Result<RedisReply> RedisScript::Run(RedisConnection& connection, std::string_view key,
                                    std::initializer_list<std::string_view> args) const {
  Result<std::string> sha = Sha(connection);
  if (!sha.ok()) return sha.status();
  std::vector<std::string_view> command{"EVALSHA", *sha, "1", key};
  command.insert(command.end(), args.begin(), args.end());
  Result<RedisReply> reply = connection.Command(command);
  if (reply.ok() && reply->type == RedisReply::Type::kError &&
      reply->text.starts_with("NOSCRIPT")) {
    command[0] = "EVAL";
    command[1] = text_;
    reply = connection.Command(command);
  }
  if (!reply.ok()) return reply.status();
  if (reply->type == RedisReply::Type::kError) {
    return Status(Code::kUnavailable, "redis: a script failed: " + reply->text.substr(0, 200));
  }
  return reply;
}

}  // namespace parley::cluster
