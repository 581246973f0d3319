#include "store/postgres/pg_db.h"

#include <libpq-fe.h>

#include <utility>

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_parameters.h"
#include "store/postgres/pg_statement.h"

namespace parley::store::postgres {

Result<std::unique_ptr<PgDb>> PgDb::Open(const PgOptions& options) {
  Result<std::unique_ptr<PgConnection>> connection = PgConnection::Open(options);
  if (!connection.ok()) return connection.status();
  return std::unique_ptr<PgDb>(new PgDb(std::move(*connection)));
}

PgDb::PgDb(std::unique_ptr<PgConnection> connection) : connection_(std::move(connection)) {}

PgDb::~PgDb() {
  // The server forgets this connection's prepared statements when it closes.
  connection_->BeginClose();
  DropStatements();
}

Result<std::unique_ptr<sql::PreparedStatement>> PgDb::PrepareNew(std::string_view sql) {
  Result<PgSql> rewritten = RewriteParameters(sql);
  if (!rewritten.ok()) return rewritten.status();
  Result<std::unique_ptr<PgStatement>> statement =
      PgStatement::Prepare(*connection_, std::move(*rewritten), IsRollback(sql));
  if (!statement.ok()) return statement.status();
  return std::unique_ptr<sql::PreparedStatement>(std::move(*statement));
}

Status PgDb::Exec(const std::string& sql) {
  if (Status status = connection_->ReadyToRun(IsRollback(sql)); !status.ok()) return status;
  // A simple query cannot join a pipeline: the pending statements' outcomes come first.
  if (Status status = connection_->FinishPending(); !status.ok()) return status;
  PGresult* result = PQexec(connection_->handle(), sql.c_str());
  ExecStatusType status = PQresultStatus(result);
  Status outcome =
      status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY
          ? Status::Ok()
          : connection_->Failure(result).status;
  PQclear(result);
  return outcome;
}

bool PgDb::InTransaction() const { return connection_->InTransaction(); }

std::string_view PgDb::BeginSql(sql::TransactionMode mode) const {
  return mode == sql::TransactionMode::kRead ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                             : "BEGIN";
}

std::string_view PgDb::RowLockClause(sql::RowLock lock) const {
  return lock == sql::RowLock::kShared ? " FOR SHARE" : " FOR UPDATE";
}

}  // namespace parley::store::postgres
