// Where push state lives (PushStore and DeliveryStore): a SQLite file of its own (push.db, one
// per node: the default), or the `push` schema of the PostgreSQL database the store uses
// (parleyd --postgres), shared by every node of a cluster. The push tables there have the
// SQLite file's shape (a test keeps them equal); their own schema keeps their plain names
// (targets, jobs, settings, mutes) apart from the store's tables.
//
// Thread-safety: OpenPushDb may be called from any thread; each Db it returns is used by one
// thread at a time (store/sql/sql_db.h).
#ifndef PARLEY_PUSH_PUSH_DB_H_
#define PARLEY_PUSH_PUSH_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "store/sql/sql_db.h"

namespace parley::push {

struct PushDbOptions {
  std::string path;        // the SQLite file, used when `postgres` is empty
  bool fsync_full = true;  // SQLite: fsync every commit
  std::string postgres;    // non-empty: this PostgreSQL database's `push` schema instead
  // Whether other processes write the same push state (PostgreSQL): nothing in memory may
  // then stand for what is stored, and leases are left to expire rather than cleared at open.
  bool shared() const { return !postgres.empty(); }
};

// A connection that writes, its schema made current: on SQLite `sqlite_schema` (CREATE ... IF
// NOT EXISTS statements) is applied to the file, created if missing; on PostgreSQL the
// connection's search_path is the `push` schema, created and migrated (push_pg_schema.cc)
// if needed. The one way PushStore and DeliveryStore open their database.
Result<std::unique_ptr<store::sql::Db>> OpenPushDb(const PushDbOptions& options,
                                                   const char* sqlite_schema);

// The users among `users` that `query` returns: `query` selects user_id and ends in a WHERE
// clause's start ("SELECT user_id FROM targets WHERE"), to which "user_id IN (...)" is added.
// One query per kUsersPerQuery users (the SQL text is the same for every call, so it is
// prepared once).
inline constexpr int kUsersPerQuery = 64;
Result<std::unordered_set<int64_t>> SelectUsersAmong(store::sql::Db& db, std::string_view query,
                                                     const std::vector<int64_t>& users);

}  // namespace parley::push

#endif  // PARLEY_PUSH_PUSH_DB_H_
