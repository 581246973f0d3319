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
// - Pipelining (sql::Statement::RunLater): inside a transaction, a statement whose outcome
//   nobody waits for is sent at once and left pending; the next statement that runs goes out
//   behind the pending ones (RunPipelined), so all of them cost one round trip, and the first
//   pending failure is that statement's failure too (PostgreSQL skips everything after a failure
//   until the pipeline's sync, and the transaction is aborted). A ROLLBACK, a statement being
//   prepared and a simple query read the pending outcomes first (FinishPending).
//
// Thread-safety: none; one thread at a time, as its PgDb.
#ifndef PARLEY_STORE_POSTGRES_PG_CONNECTION_H_
#define PARLEY_STORE_POSTGRES_PG_CONNECTION_H_

#include <cstdint>
#include <functional>
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
  // Before a statement is prepared: the pending statements' outcome, then the reconnection.
  Status ReadyToPrepare();

  // Sends the prepared statement `name` with its parameters and leaves its outcome pending.
  // Only inside a transaction, after ReadyToRun.
  Status SendLater(const std::string& name, int count, const char* const* values,
                   const int* lengths, const int* formats);
  // Sends what `send` sends (`count` queries; false: a send failed) behind the pending
  // statements, with a sync, and reads every outcome. Returns the first pending failure, or the
  // failure to send; otherwise (*results)[i] is the i-th query's first result (nullptr if none
  // came), which the caller clears with PQclear.
  Status RunPipelined(const std::function<bool(PGconn*)>& send, int count,
                      std::vector<PGresult*>* results);
  // Reads the pending statements' outcomes: their first failure.
  Status FinishPending();
  bool HasPending() const { return pending_ > 0; }

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
  // Pending statements on a connection found lost: their transaction is lost too.
  void NoticeLostPipeline();
  Status AbandonPipeline();
  // Reads the outcomes of `count` queries sent in pipeline mode: their first failure.
  Status ReadOutcomes(int count);
  // Reads up to the pipeline's sync and leaves pipeline mode.
  void EndPipeline();

  PGconn* conn_;
  uint64_t generation_ = 1;
  uint64_t statement_counter_ = 0;
  bool was_in_transaction_ = false;  // when the last statement started
  bool transaction_lost_ = false;
  bool closing_ = false;
  int pending_ = 0;                     // statements sent in pipeline mode whose outcome is unread
  std::vector<std::string> forgotten_;  // prepared statement names of this generation to drop
};

// True if `sql` is a ROLLBACK statement (the one statement a lost transaction accepts).
bool IsRollback(std::string_view sql);
// True if `sql` is a COMMIT statement.
bool IsCommit(std::string_view sql);

}  // namespace parley::store::postgres

#endif  // PARLEY_STORE_POSTGRES_PG_CONNECTION_H_
