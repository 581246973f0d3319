// PgConnection: one libpq connection as the PostgreSQL driver (pg_db.h) uses it: opened with
// the driver's settings, reconnected on the next use after it was lost, and the one place that
// turns libpq's failures into Status values. Internal to the driver.
//
// - Generations: every (re)connection has a new generation number. Prepared statements live
//   on the server per connection, so a statement prepared in an older generation is prepared
//   again before it runs (pg_statement.h).
// - A connection lost inside a transaction leaves that transaction "lost": InTransaction() stays
//   true and every statement but ROLLBACK fails with kUnavailable until ROLLBACK ends it, so the
//   rest of a transaction never runs, statement by statement, outside it on the new connection.
// - Errors: "postgres: " and the server's primary message, never its DETAIL (which quotes bound
//   values); data exceptions (SQLSTATE class 22), whose primary messages quote the value, say
//   only their SQLSTATE. A lost connection is Code::kUnavailable, everything else kInternal.
//
// Thread-safety: none; one thread at a time, as its PgDb.
#ifndef PARLEY_STORE_POSTGRES_PG_CONNECTION_H_
#define PARLEY_STORE_POSTGRES_PG_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace parley::store::postgres {

struct PgOptions;

// A failed call: its Status and the server's SQLSTATE ("" when the server sent none).
struct PgFailure {
  Status status;
  std::string sqlstate;
};

class PgConnection {
 public:
  static Result<std::unique_ptr<PgConnection>> Open(const PgOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Before a statement runs: refuses it while a lost transaction awaits its ROLLBACK
  // (`ends_transaction`: it is that ROLLBACK), reconnects a lost connection (kUnavailable if that
  // fails) and drops the server's copies of statements no longer used.
  Status ReadyToRun(bool ends_transaction);
  // Before a statement is prepared: only the reconnection.
  Status ReadyToPrepare();

  // The failure that `result` (nullptr: libpq returned none) reports.
  PgFailure Failure(const PGresult* result);

  bool InTransaction() const;
  PGconn* handle() const { return conn_; }
  uint64_t generation() const { return generation_; }
  // A name for a new prepared statement, unique on this connection ("s1", "s2", ...).
  std::string NextStatementName();
  // The server's copy of the statement `name` prepared in `generation` is no longer used.
  void Forget(std::string name, uint64_t generation);
  // From now on nothing is sent to the server any more: the connection is about to close.
  void BeginClose() { closing_ = true; }

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  Status Reconnect();
  void DeallocateForgotten();

  PGconn* conn_;
  uint64_t generation_ = 1;
  uint64_t statement_counter_ = 0;
  bool was_in_transaction_ = false;  // when the last statement started
  bool transaction_lost_ = false;
  bool closing_ = false;
  std::vector<std::string> forgotten_;  // prepared statement names of this generation to drop
};

// True if `sql` is a ROLLBACK statement (the one statement a lost transaction accepts).
bool IsRollback(std::string_view sql);

}  // namespace parley::store::postgres

#endif  // PARLEY_STORE_POSTGRES_PG_CONNECTION_H_
