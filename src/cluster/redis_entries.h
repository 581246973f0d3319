// RedisEntries: short-lived, single-use entries in Redis, shared by the nodes of a cluster
// (base/shared_entries.h), so a sign-in step begun on one node can end on any other: two-step
// sign-in challenges, OpenID Connect states and tickets, identity confirmations, the admin
// setup token (base/pending_table.h, Share).
//
// - Keys: `<prefix>:pe:<table>:<key>` (cluster/redis_key.h). Put is SET ... PX, so every entry
//   ends in Redis when it ends for the table; Take is GETDEL (Redis 6.2 or later), atomic:
//   one Take of all the nodes' gets an entry. Peek is GET.
// - Failure: as the pool's (cluster/redis_pool.h): when Redis fails or is slow, each call says
//   so (false, nullopt) at once or within the pool's timeout.
//
// Thread-safety: thread-safe. Borrows the pool, which must outlive it.
#ifndef PARLEY_CLUSTER_REDIS_ENTRIES_H_
#define PARLEY_CLUSTER_REDIS_ENTRIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/shared_entries.h"
#include "cluster/redis_pool.h"

namespace parley::cluster {

class RedisEntries final : public SharedEntries {
 public:
  // Keys are <prefix>:pe:<table>:<key>.
  RedisEntries(RedisPool& pool, std::string prefix);
  RedisEntries(const RedisEntries&) = delete;
  RedisEntries& operator=(const RedisEntries&) = delete;

  bool Put(std::string_view name, std::string_view key, std::string_view value, int64_t now,
           int64_t expires_at) override;
  std::optional<std::string> Take(std::string_view name, std::string_view key,
                                  int64_t now) override;
  std::optional<std::string> Peek(std::string_view name, std::string_view key,
                                  int64_t now) override;

  // The Redis key of `key` in the table `name`.
  std::string RedisKey(std::string_view name, std::string_view key) const;

 private:
  // The value GET or GETDEL answers; nullopt when there is none or Redis failed.
  std::optional<std::string> Read(std::string_view command, std::string_view name,
                                  std::string_view key);

  RedisPool& pool_;
  const std::string prefix_;
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_ENTRIES_H_
