// RedisKey: the Redis key of one piece of a cluster's shared state:
// `<prefix>:<space>:<name>:=<key>` for keys up to 64 bytes; a longer key is replaced by `#` and
// a 128-bit BLAKE2b hash of it (collisions cannot be searched for, so a hostile key cannot
// share a victim's entry), so a hostile key costs Redis at most ~100 bytes of key.
//
// `space` names the kind of state ("rl" rate limits, "fb" failure backoffs, "pe" pending
// entries), `name` the limiter or table. Thread-safe (a pure function).
#ifndef PARLEY_CLUSTER_REDIS_KEY_H_
#define PARLEY_CLUSTER_REDIS_KEY_H_

#include <string>
#include <string_view>

namespace parley::cluster {

std::string RedisKey(std::string_view prefix, std::string_view space, std::string_view name,
                     std::string_view key);

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_KEY_H_
