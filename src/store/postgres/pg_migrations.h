// Schema migrations of the PostgreSQL store.
//
// The schema is the SQLite store's (store/sqlite/migrations.cc) in PostgreSQL's types, so the
// store's driver-neutral SQL runs unchanged on both: the same tables, columns, constraints and
// indexes. PostgreSQL migration 1 is the final state of SQLite's migrations 1..16 (there were no
// older PostgreSQL deployments); later migrations are added to both drivers together. The
// message search tables differ (store/postgres/pg_search.h; SQLite keeps its index in a file of
// its own), search_queue is shared.
//
// Migrations are numbered 1, 2, 3 ... and applied in order. Each one runs in its own
// transaction together with the row of `schema_version` that records it, so a failure leaves
// the schema at a whole version. Several nodes opening the same database at once are
// serialized by an advisory lock taken in that transaction, after which the version is read
// again: exactly one of them applies each migration. A database whose version is newer than
// this binary knows is refused (kInternal).
//
// Thread-safety: ApplyPgMigrations uses only the Db it is given (one thread at a time, as every
// Db); concurrent openers on other connections are serialized by the advisory lock.
#ifndef PARLEY_STORE_POSTGRES_PG_MIGRATIONS_H_
#define PARLEY_STORE_POSTGRES_PG_MIGRATIONS_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "base/status.h"
#include "store/sql/sql_db.h"

namespace parley::store::postgres {

// The schema version this binary writes: the number of the last migration.
int64_t LatestPgSchemaVersion();

// Applies every migration above the database's current version. `db` must be a PostgreSQL
// connection with no transaction open, whose role may create tables and the citext
// and unaccent extensions (the database's owner).
Status ApplyPgMigrations(sql::Db& db);

// Another schema's migrations, the same way (a `schema_version` table in the connection's
// current schema, one transaction per migration, `lock_key` the advisory lock serializing
// concurrent openers): migration N is migrations[N - 1]. `what` names it in errors ("push").
// The push state's schema (push/push_db.h) uses it.
Status ApplyPgMigrationList(sql::Db& db, std::span<const char* const> migrations, int64_t lock_key,
                            std::string_view what);

}  // namespace parley::store::postgres

#endif  // PARLEY_STORE_POSTGRES_PG_MIGRATIONS_H_
