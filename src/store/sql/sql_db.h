// Db, Statement, Transaction: the one SQL interface the store's queries are written against,
// with errors as Status values (never exceptions). Two drivers implement it: SQLite
// (store/sqlite/sqlite_db.h, the embedded default) and PostgreSQL (store/postgres/pg_db.h).
//
// - Db owns one connection and a cache of its prepared statements (keyed by SQL text). A Db is
//   not thread-safe: one thread at a time uses it; distinct Db objects may be used on distinct
//   threads concurrently.
// - SQL text uses numbered parameters "?1", "?2", ... (SQLite's spelling; the PostgreSQL driver
//   rewrites them to "$1", ...). Write it in the subset both databases accept: CAST a parameter
//   whose type the statement does not fix (a bare "SELECT ?1"), COALESCE rather than IFNULL,
//   ON CONFLICT DO NOTHING rather than INSERT OR IGNORE, RETURNING rather than last rowid.
// - Statement borrows a prepared statement from its Db's cache and must not outlive that Db.
//   Destroying or Reset()ing a Statement ends its execution and clears its bindings, so a
//   finished Statement never holds a read snapshot or a lock open. Borrowing the same SQL twice
//   at once is allowed (the second borrower gets a private, uncached copy).
// - Transaction owns a BEGIN ... COMMIT on a Db and rolls back on destruction unless committed.
// - Failures are Status values with the driver's message ("sqlite: ...", "postgres: ..."), which
//   names tables and columns but never contains bound values: Code::kUnavailable when the
//   database cannot be reached now (a lost connection: a later try may succeed), else
//   Code::kInternal. DbFailure keeps that distinction when a caller adds its context.
//   IsUniqueViolation/IsForeignKeyViolation tell constraint violations apart; IsRetryable
//   tells a conflict with a concurrent transaction (deadlock, serialization) that a retry of
//   the whole transaction would resolve.
// - Statement::RunLater lets a driver pipeline statements whose outcome nobody waits for.
#ifndef PARLEY_STORE_SQL_SQL_DB_H_
#define PARLEY_STORE_SQL_SQL_DB_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/status.h"

namespace parley::store::sql {

// One driver's prepared statement. Parameters are 1-based, columns 0-based, as in Statement.
class PreparedStatement {
 public:
  virtual ~PreparedStatement() = default;
  // A failed bind is reported by the next Step().
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;
  virtual void BindBlob(int index, std::string_view value) = 0;
  virtual Result<bool> Step() = 0;
  // Statement::RunLater; by default the statement runs now (Statement::Run).
  virtual Status RunLater();
  // Ends the current execution and clears bindings and the last error.
  virtual void Reset() = 0;
  virtual int64_t ColumnInt(int column) const = 0;
  virtual std::string ColumnText(int column) const = 0;
  virtual bool ColumnIsNull(int column) const = 0;
  virtual bool IsUniqueViolation() const = 0;
  virtual bool IsForeignKeyViolation() const = 0;
  virtual bool IsRetryable() const = 0;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  void BindInt(int index, int64_t value) { impl_->BindInt(index, value); }
  void BindText(int index, std::string_view value) { impl_->BindText(index, value); }
  void BindBlob(int index, std::string_view value) { impl_->BindBlob(index, value); }

  // true: a row is ready to read; false: the statement has finished.
  Result<bool> Step() { return impl_->Step(); }
  // Steps until the statement finishes, ignoring any rows.
  Status Run();
  // Runs the statement for its effect only, now or a little later: inside a transaction a
  // driver may send it without waiting for its outcome and read that with the next statement
  // run on the connection, or at COMMIT (PostgreSQL pipelines them: several statements, one
  // round trip). A failure may then surface there instead, failing that statement and the
  // transaction, so use it only for a statement whose failure the caller would handle by
  // failing the transaction anyway, and whose rows nobody reads.
  Status RunLater() { return impl_->RunLater(); }
  // Ends the current execution (keeps the statement usable; bindings are cleared).
  void Reset() { impl_->Reset(); }

  // Valid only after Step() returned true.
  int64_t ColumnInt(int column) const { return impl_->ColumnInt(column); }
  std::string ColumnText(int column) const { return impl_->ColumnText(column); }  // "" for NULL
  bool ColumnIsNull(int column) const { return impl_->ColumnIsNull(column); }

  bool IsUniqueViolation() const { return impl_->IsUniqueViolation(); }
  bool IsForeignKeyViolation() const { return impl_->IsForeignKeyViolation(); }
  bool IsRetryable() const { return impl_->IsRetryable(); }

 private:
  friend class Db;
  // `borrowed` is the cache slot's in-use flag; nullptr: `impl` is a private copy, owned.
  Statement(PreparedStatement* impl, bool* borrowed) : impl_(impl), borrowed_(borrowed) {}
  void Release();

  PreparedStatement* impl_ = nullptr;
  bool* borrowed_ = nullptr;
};

enum class TransactionMode {
  kRead,   // a consistent snapshot for several reads
  kWrite,  // takes the write lock up front (SQLite: BEGIN IMMEDIATE)
};

// A lock on the rows a SELECT returns, held until the write transaction ends.
enum class RowLock {
  kShared,     // other transactions may read and share-lock them, not change them
  kExclusive,  // other transactions may not lock or change them
};

class Db {
 public:
  virtual ~Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // A cached prepared statement for `sql` (exactly one SQL statement).
  Result<Statement> Prepare(std::string_view sql);
  // Runs `sql` (any number of statements, no parameters) without caching: DDL and settings.
  virtual Status Exec(const std::string& sql) = 0;
  // The first column of the first row of `sql` as an integer.
  Result<int64_t> QueryInt(std::string_view sql);

  // True while a transaction is open on this connection.
  virtual bool InTransaction() const = 0;
  // The statement that opens a transaction of this mode in this driver's dialect.
  virtual std::string_view BeginSql(TransactionMode mode) const = 0;
  // The clause that, appended to a SELECT inside a kWrite transaction, takes `lock` on the rows
  // it returns, in this driver's dialect ("" where the write transaction excludes every other
  // writer already).
  virtual std::string_view RowLockClause(RowLock lock) const = 0;

 protected:
  Db() = default;
  // The statements in the cache are destroyed before the driver's connection: drivers call
  // this first in their destructors.
  void DropStatements() { cache_.clear(); }
  virtual Result<std::unique_ptr<PreparedStatement>> PrepareNew(std::string_view sql) = 0;

 private:
  struct CachedStatement {
    std::unique_ptr<PreparedStatement> statement;
    bool borrowed = false;
  };
  struct SqlHash {
    using is_transparent = void;  // lookups by string_view without building a string
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>()(sql); }
  };

  // Node-based map: slot addresses stay valid while Statements point at their flags.
  std::unordered_map<std::string, CachedStatement, SqlHash, std::equal_to<>> cache_;
};

class Transaction {
 public:
  explicit Transaction(Db& db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // rolls back if begun and not committed

  Status Begin(TransactionMode mode);
  Status Commit();
  void Rollback();

 private:
  Db& db_;
  bool open_ = false;
};

// `cause`, a failure of this interface, in `context`: kInternal "<context>: <cause>", or, when
// the database cannot be reached (kUnavailable), kUnavailable with a message fit for clients
// (they may retry) and the detail logged (`database_unavailable`).
Status DbFailure(std::string_view context, const Status& cause);

}  // namespace parley::store::sql

#endif  // PARLEY_STORE_SQL_SQL_DB_H_
