// MigrateToPostgres: copies a SQLite deployment's store (<data-dir>/parley.db) into a PostgreSQL
// database, resumably, and verifies the copy (issue 17; `parleyd migrate-to-postgres`).
//
// - Source: the SQLite file opened read-only, read from one read transaction (one consistent
//   snapshot). Its schema version must be the latest this binary knows (kInvalidArgument
//   otherwise: run parleyd on it once); a missing file is kNotFound. The server must be stopped
//   while this runs.
// - Target: ApplyPgMigrations runs first (an empty database gets the schema). Progress is kept
//   in the target's table migration_progress (table_name, copied_through_key, copied_rows,
//   source_id, done). source_id identifies the source deployment: a hash of its first user's
//   id, username and created_at ("empty" without users); it never changes while the deployment
//   lives and differs between deployments. A target with progress rows of another source, or
//   with users and no progress rows, is refused (kConflict): it holds data from elsewhere. A
//   fresh start first deletes what the PostgreSQL schema seeded (sync_clock, the built-in
//   sticker pack): the source's rows replace them.
// - Tables: every table of the SQLite schema (sqlite_master, pragma_table_info), in foreign-key
//   order, except SQLite's search tables (message_search*, search_state) and search_queue
//   (requeued instead, below). Each batch of `batch_rows` rows (keyset pagination on the
//   primary key) is inserted in one PostgreSQL transaction together with its progress row, with
//   the table's user triggers disabled (the copied sync_clock and `changed` columns are the
//   source's): a killed run resumes after its last committed batch. Ids are kept; afterwards
//   every identity column's sequence moves past the column's max.
// - Search: every live text message is queued again in search_queue, so the PostgreSQL indexer
//   builds message_search.
// - Verification: per table, the row counts and a checksum over every row (the sum modulo 2^64
//   of a 64-bit FNV-1a hash of each row's canonical encoding, so the two databases' orders do
//   not matter) must be equal on both sides.
//
// - Push state: push.db, when present, goes the same way into the `push` schema
//   (push/push_db.h), after the store, with the store's source id: targets (their secrets
//   sealed as stored: the nodes need the same secret key file), settings, quiet_hours, mutes,
//   delivery_prefs and digests. Its pending jobs are not copied (they are notifications of
//   messages the users see at their next connect). Its tables are named "push.<table>".
//
// Errors never contain the conninfo (it may hold a password). Thread-safety: one call at a time.
#ifndef PARLEY_APP_POSTGRES_MIGRATION_H_
#define PARLEY_APP_POSTGRES_MIGRATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"

namespace parley::app {

struct PostgresMigrationOptions {
  std::string sqlite_path;  // the store's file, <data-dir>/parley.db
  std::string push_path;    // push state's file, <data-dir>/push.db; skipped if "" or missing
  std::string conninfo;     // the PostgreSQL target
  int batch_rows = 1000;    // rows per PostgreSQL transaction
  // Test hook: stop (kUnavailable) after committing this many batches; 0: no limit.
  int max_batches = 0;
  // Called with each table's verification line ("users: 12 rows, checksum ok").
  std::function<void(const std::string&)> on_line;
};

struct TableCopy {
  std::string table;
  int64_t rows = 0;
  uint64_t checksum = 0;
};

// The verified copy: one entry per copied table, in copy order.
Result<std::vector<TableCopy>> MigrateToPostgres(const PostgresMigrationOptions& options);

}  // namespace parley::app

#endif  // PARLEY_APP_POSTGRES_MIGRATION_H_
