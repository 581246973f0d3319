// PgDb: the PostgreSQL driver of the store's SQL interface (store/sql/sql_db.h), on libpq.
//
// - Open() connects with the options below, client_encoding UTF8, and refuses servers older
//   than PostgreSQL 13 (server_version_num < 130000). Tests run on PostgreSQL 15.
// - SQL: the store's "?N" parameters become "$N" (pg_parameters.h). Each statement is prepared
//   on the server under a name of this connection ("s1", "s2", ...) with parameter types left to
//   the server. Integers and text are sent as text, blobs in binary (NUL bytes survive; the
//   column is BYTEA). A text parameter cannot hold a NUL byte: binding one fails the next Step()
//   with kInvalidArgument.
// - Results: the first Step() after binding runs the statement and keeps its whole result in
//   memory (text format); further Steps walk its rows. ColumnInt also reads booleans ("t" = 1,
//   "f" = 0) and integral NUMERIC text (SUM over bigints); ColumnText returns a BYTEA column's
//   bytes unescaped.
// - Transactions: kRead is REPEATABLE READ READ ONLY (one snapshot for all its reads), kWrite is
//   a plain BEGIN (READ COMMITTED). IsRetryable: serialization failure (40001) or deadlock
//   (40P01); IsUniqueViolation: 23505; IsForeignKeyViolation: 23503.
// - Connection loss (server restart, network): the failing call returns Code::kUnavailable
//   ("postgres: connection lost"); whether a COMMIT that failed so took effect is unknown. The
//   next use reconnects (kUnavailable again while the server is away) and prepares statements
//   again as they are used. A transaction the loss cut off must be rolled back (Transaction does)
//   before the connection runs anything else (pg_connection.h).
// - Errors never contain bound values (pg_connection.h says how).
//
// Thread-safety: one thread at a time per PgDb (as SqliteDb); distinct PgDbs are independent.
#ifndef PARLEY_STORE_POSTGRES_PG_DB_H_
#define PARLEY_STORE_POSTGRES_PG_DB_H_

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/sql/sql_db.h"

namespace parley::store::postgres {

class PgConnection;

struct PgOptions {
  std::string conninfo;       // a libpq connection string or a postgres:// URI
  int connect_timeout_s = 5;  // per connection attempt; libpq waits at least 2 s
  std::string application_name = "parleyd";
  // Non-empty: the connection's search_path (a plain identifier), set as it connects and
  // reconnects, so unqualified table names mean that schema's (push state's `push` schema).
  // It replaces any `options` the conninfo sets.
  std::string search_path;
};

class PgDb final : public sql::Db {
 public:
  // kInvalidArgument for a malformed conninfo, kUnavailable if the server cannot be reached
  // (or refuses the login) within connect_timeout_s.
  static Result<std::unique_ptr<PgDb>> Open(const PgOptions& options);
  ~PgDb() override;

  Status Exec(const std::string& sql) override;
  bool InTransaction() const override;
  std::string_view BeginSql(sql::TransactionMode mode) const override;
  std::string_view RowLockClause(sql::RowLock lock) const override;

 protected:
  Result<std::unique_ptr<sql::PreparedStatement>> PrepareNew(std::string_view sql) override;

 private:
  explicit PgDb(std::unique_ptr<PgConnection> connection);

  std::unique_ptr<PgConnection> connection_;
};

}  // namespace parley::store::postgres

#endif  // PARLEY_STORE_POSTGRES_PG_DB_H_
