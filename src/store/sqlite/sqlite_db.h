// SqliteDb: the SQLite driver of the store's SQL interface (store/sql/sql_db.h).
//
// - Connections are opened in SQLite's multi-thread mode: each is used by one thread at a
//   time. A writer connection runs in WAL mode with the configured synchronous level; a reader
//   is query_only and may ATTACH the search index's file.
// - Failures are Status values with Code::kInternal and SQLite's message ("sqlite: ..."), which
//   names tables and columns but never contains bound values.
#ifndef PARLEY_STORE_SQLITE_SQLITE_DB_H_
#define PARLEY_STORE_SQLITE_SQLITE_DB_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/sql/sql_db.h"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::store::sqlite {

// The store's SQLite code names the driver-neutral types directly.
using sql::Db;
using sql::Statement;
using sql::Transaction;
using sql::TransactionMode;

struct DbOptions {
  bool create = false;           // create the file if missing
  bool writer = false;           // true: WAL mode, synchronous as below; false: query_only
  bool synchronous_full = true;  // writer only: FULL (fsync every commit) or NORMAL
  int busy_timeout_ms = 5000;
  // Readers only: the search index's file (search_index.h), ATTACHed as schema `search`.
  std::string search_index_path;
};

// The SQLite driver of sql::Db.
class SqliteDb final : public sql::Db {
 public:
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path, const DbOptions& options);
  ~SqliteDb() override;

  Status Exec(const std::string& sql) override;
  bool InTransaction() const override;
  std::string_view BeginSql(sql::TransactionMode mode) const override;
  std::string_view RowLockClause(sql::RowLock lock) const override;

  // The connection itself, for what SQL cannot reach (the search tokenizer, online backup).
  sqlite3* handle() const { return db_; }

 protected:
  Result<std::unique_ptr<sql::PreparedStatement>> PrepareNew(std::string_view sql) override;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  Status Configure(const DbOptions& options);

  sqlite3* db_;
};

}  // namespace parley::store::sqlite

#endif  // PARLEY_STORE_SQLITE_SQLITE_DB_H_
