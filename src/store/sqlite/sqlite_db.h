// Db, Statement, Transaction: a thin RAII layer over one SQLite connection, with errors as
// Status values (never exceptions).
//
// - Db owns one connection and a cache of its prepared statements (keyed by SQL text). A Db is
//   not thread-safe: one thread at a time uses it. Connections are opened in SQLite's
//   multi-thread mode, so distinct Db objects may be used on distinct threads concurrently.
// - Statement borrows a prepared statement from its Db's cache and must not outlive that Db.
//   Destroying or Reset()ing a Statement resets the prepared statement and clears its
//   bindings, so a finished Statement never holds a read snapshot or a lock open. Borrowing the
//   same SQL twice at once is allowed (the second borrower gets a private, uncached copy).
// - Transaction owns a BEGIN ... COMMIT on a Db and rolls back on destruction unless committed.
// - Failures are Status values with Code::kInternal and SQLite's message ("sqlite: ..."), which
//   names tables and columns but never contains bound values. Statement::error_code() exposes
//   SQLite's extended result code so callers can tell constraint violations apart.
#ifndef PARLEY_STORE_SQLITE_SQLITE_DB_H_
#define PARLEY_STORE_SQLITE_SQLITE_DB_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace parley::store::sqlite {

struct DbOptions {
  bool create = false;           // create the file if missing
  bool writer = false;           // true: WAL mode, synchronous as below; false: query_only
  bool synchronous_full = true;  // writer only: FULL (fsync every commit) or NORMAL
  int busy_timeout_ms = 5000;
  // Readers only: the search index's file (search_index.h), ATTACHed as schema `search`.
  std::string search_index_path;
};

class Db;

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQL ("?1"). A failed bind is reported by the next Step().
  void BindInt(int index, int64_t value);
  void BindText(int index, std::string_view value);
  void BindBlob(int index, std::string_view value);

  // true: a row is ready to read; false: the statement has finished.
  Result<bool> Step();
  // Steps until the statement finishes, ignoring any rows.
  Status Run();
  // Ends the current execution (keeps the statement usable; bindings are cleared).
  void Reset();

  // Columns are 0-based. Valid only after Step() returned true.
  int64_t ColumnInt(int column) const;
  std::string ColumnText(int column) const;  // TEXT or BLOB bytes; "" for NULL
  bool ColumnIsNull(int column) const;

  // SQLite's extended result code of the last failed step or bind; 0 if none failed.
  int error_code() const { return error_code_; }
  bool IsUniqueViolation() const;
  bool IsForeignKeyViolation() const;

 private:
  friend class Db;
  // `borrowed` is the cache slot's in-use flag (nullptr: the statement is owned and finalized).
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* borrowed);
  void Release();
  Status Fail(int rc);

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  bool* borrowed_ = nullptr;
  int error_code_ = 0;
  Status bind_error_;
};

class Db {
 public:
  static Result<std::unique_ptr<Db>> Open(const std::string& path, const DbOptions& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // A cached prepared statement for `sql` (exactly one SQL statement).
  Result<Statement> Prepare(std::string_view sql);
  // Runs `sql` (any number of statements, no parameters) without caching: DDL and pragmas.
  Status Exec(const std::string& sql);
  // The first column of the first row of `sql` as an integer (e.g. "PRAGMA user_version").
  Result<int64_t> QueryInt(std::string_view sql);

  // True while a transaction is open on this connection.
  bool InTransaction() const;

  // The connection itself, for what SQL cannot reach (the search tokenizer).
  sqlite3* handle() const { return db_; }

 private:
  struct CachedStatement {
    sqlite3_stmt* stmt = nullptr;
    bool borrowed = false;
  };

  explicit Db(sqlite3* db) : db_(db) {}
  Status Configure(const DbOptions& options);
  Status Error(int rc) const;

  struct SqlHash {
    using is_transparent = void;  // lookups by string_view without building a string
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>()(sql); }
  };

  sqlite3* db_;
  // Node-based map: slot addresses stay valid while Statements point at their flags.
  std::unordered_map<std::string, CachedStatement, SqlHash, std::equal_to<>> cache_;
};

class Transaction {
 public:
  enum class Mode { kDeferred, kImmediate };

  explicit Transaction(Db& db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // rolls back if begun and not committed

  Status Begin(Mode mode);
  Status Commit();
  void Rollback();

 private:
  Db& db_;
  bool open_ = false;
};

}  // namespace parley::store::sqlite

#endif  // PARLEY_STORE_SQLITE_SQLITE_DB_H_
