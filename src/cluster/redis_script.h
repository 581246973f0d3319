// RedisScript: a Lua script run in Redis on one key, by its SHA1 (EVALSHA) once Redis has it,
// or by its text (EVAL) when Redis has lost it (NOSCRIPT, after a restart), which loads it again.
// The SHA1 is Redis's answer to the first SCRIPT LOAD, kept for every connection.
//
// Thread-safety: thread-safe (the SHA1 under a mutex); the connection is the caller's.
#ifndef PARLEY_CLUSTER_REDIS_SCRIPT_H_
#define PARLEY_CLUSTER_REDIS_SCRIPT_H_

#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>

#include "base/status.h"
#include "cluster/redis_connection.h"

namespace parley::cluster {

class RedisScript {
 public:
  // `text` must outlive the script (a string literal).
  explicit RedisScript(std::string_view text) : text_(text) {}

  // The script's reply for KEYS[1] = `key` and ARGV = `args`. An error reply (the script
  // failed) is kUnavailable with Redis's message, as a lost connection is.
  Result<RedisReply> Run(RedisConnection& connection, std::string_view key,
                         std::initializer_list<std::string_view> args) const;

 private:
  Result<std::string> Sha(RedisConnection& connection) const;

  const std::string_view text_;
  mutable std::mutex mu_;
  mutable std::string sha_;  // GUARDED_BY(mu_); empty until loaded
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_SCRIPT_H_
