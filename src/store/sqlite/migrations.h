// Schema migrations of the SQLite store.
//
// Migrations are numbered 1, 2, 3 ... and applied in order when the store opens. Each one runs
// in its own IMMEDIATE transaction together with the `PRAGMA user_version = N` that records it,
// so a crash leaves the schema at a whole version and an applied migration is never re-run.
// A database whose user_version is newer than this binary knows is refused (kInternal).
// Migrations are append-only: never edit one that has shipped; add the next number instead.
//
// Thread-safety: ApplyMigrations uses only the Db it is given (one thread at a time, as every
// Db); concurrent openers in other processes are serialized by SQLite's write lock.
#ifndef PARLEY_STORE_SQLITE_MIGRATIONS_H_
#define PARLEY_STORE_SQLITE_MIGRATIONS_H_

#include <cstdint>

#include "base/status.h"
#include "store/sqlite/sqlite_db.h"

namespace parley::store::sqlite {

// The schema version this binary writes: the number of the last migration.
int64_t LatestSchemaVersion();

// The schema version recorded in the database (0 for a new, empty file).
Result<int64_t> SchemaVersion(Db& db);

// Applies every migration above the database's current version. `db` must be a writer
// connection with no transaction open.
Status ApplyMigrations(Db& db);

}  // namespace parley::store::sqlite

#endif  // PARLEY_STORE_SQLITE_MIGRATIONS_H_
