#include "store/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <utility>

#include "store/postgres/pg_db.h"

namespace parley::store::postgres {
namespace {

constexpr int kOldestServer = 130000;  // server_version_num of PostgreSQL 13

const char* const kConnectionLost = "postgres: connection lost";

// libpq's messages end in a newline and may go on with hints on further lines.
std::string FirstLine(const char* message) {
  std::string text = message != nullptr ? message : "";
  text = text.substr(0, text.find('\n'));
  return text.empty() ? "unknown error" : text;
}

// Connection exceptions (class 08) and the server going down (57P01..57P03).
bool MeansConnectionLost(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

// Notices (such as "there is no transaction in progress") are not errors: not printed.
void IgnoreNotice(void*, const char*) {}

}  // namespace

namespace {

// Whether `sql` is the one word `keyword` (lower case), whatever its case, with blanks around
// and a semicolon after.
bool IsOnly(std::string_view sql, std::string_view keyword) {
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front()))) {
    sql.remove_prefix(1);
  }
  while (!sql.empty() &&
         (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) {
    sql.remove_suffix(1);
  }
  if (sql.size() != keyword.size()) return false;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(sql[i])) != keyword[i]) return false;
  }
  return true;
}

}  // namespace

bool IsRollback(std::string_view sql) { return IsOnly(sql, "rollback"); }

bool IsCommit(std::string_view sql) { return IsOnly(sql, "commit"); }

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const PgOptions& options) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    std::string reason = FirstLine(parse_error);
    PQfreemem(parse_error);
    return Status(Code::kInvalidArgument, "postgres: invalid connection string: " + reason);
  }
  PQconninfoFree(parsed);

  // Later keywords override what the expanded conninfo ("dbname") sets. A timeout of 0 would
  // mean none to libpq.
  const std::string timeout = std::to_string(std::max(options.connect_timeout_s, 1));
  // libpq's `options` keyword is kept for PQreset, so a reconnection keeps the search_path.
  const std::string server_options =
      options.search_path.empty() ? "" : "-c search_path=" + options.search_path;
  const char* keywords[] = {"dbname",
                            "connect_timeout",
                            "application_name",
                            "client_encoding",
                            server_options.empty() ? nullptr : "options",
                            nullptr};
  const char* values[] = {options.conninfo.c_str(),         timeout.c_str(),
                          options.application_name.c_str(), "UTF8",
                          server_options.c_str(),           nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Status(Code::kInternal, "postgres: out of memory");
  std::unique_ptr<PgConnection> connection(new PgConnection(conn));
  if (PQstatus(conn) != CONNECTION_OK) {
    return Status(Code::kUnavailable,
                  "postgres: cannot connect: " + FirstLine(PQerrorMessage(conn)));
  }
  PQsetNoticeProcessor(conn, &IgnoreNotice, nullptr);
  if (int version = PQserverVersion(conn); version < kOldestServer) {
    return Status(Code::kInternal, "postgres: server version " + std::to_string(version) +
                                       " is older than 13, the oldest supported");
  }
  return connection;
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::ReadyToRun(bool ends_transaction) {
  NoticeLostPipeline();
  // A ROLLBACK undoes whatever the pending statements did, and must not be skipped for their
  // failure: their outcomes are read first.
  if (ends_transaction) (void)FinishPending();
  if (transaction_lost_) {
    if (!ends_transaction) {
      return Status(Code::kUnavailable,
                    "postgres: connection lost during this transaction; roll it back first");
    }
    transaction_lost_ = false;
  }
  if (Status status = Reconnect(); !status.ok()) return status;
  was_in_transaction_ = InTransaction();
  if (!was_in_transaction_) DeallocateForgotten();
  return Status::Ok();
}

Status PgConnection::ReadyToPrepare() {
  NoticeLostPipeline();
  if (Status status = Reconnect(); !status.ok()) return status;
  was_in_transaction_ = InTransaction();
  return Status::Ok();
}

void PgConnection::NoticeLostPipeline() {
  if (pending_ == 0 || PQstatus(conn_) == CONNECTION_OK) return;
  pending_ = 0;  // they went with the connection, and so did their transaction
  transaction_lost_ = true;
}

Status PgConnection::SendLater(const std::string& name, int count, const char* const* values,
                               const int* lengths, const int* formats) {
  const bool sent =
      (pending_ > 0 || PQenterPipelineMode(conn_) == 1) &&
      PQsendQueryPrepared(conn_, name.c_str(), count, values, lengths, formats, 0) == 1;
  if (!sent) return AbandonPipeline();
  ++pending_;
  return Status::Ok();
}

Status PgConnection::RunPipelined(const std::function<bool(PGconn*)>& send, int count,
                                  std::vector<PGresult*>* results) {
  results->assign(static_cast<size_t>(count), nullptr);
  const bool sent = (pending_ > 0 || PQenterPipelineMode(conn_) == 1) && send(conn_) &&
                    PQpipelineSync(conn_) == 1;
  if (!sent) return AbandonPipeline();
  Status failure = ReadOutcomes(pending_);
  pending_ = 0;
  for (PGresult*& first : *results) {  // each query's results end with a null
    while (PGresult* result = PQgetResult(conn_)) {
      if (first == nullptr) {
        first = result;
      } else {
        PQclear(result);
      }
    }
  }
  EndPipeline();
  if (failure.ok()) return Status::Ok();
  for (PGresult*& result : *results) {
    PQclear(result);
    result = nullptr;
  }
  return failure;
}

Status PgConnection::FinishPending() {
  if (pending_ == 0) return Status::Ok();
  if (PQpipelineSync(conn_) != 1) return AbandonPipeline();
  Status failure = ReadOutcomes(pending_);
  pending_ = 0;
  EndPipeline();
  return failure;
}

Status PgConnection::ReadOutcomes(int count) {
  Status failure;
  for (int query = 0; query < count; ++query) {
    while (PGresult* result = PQgetResult(conn_)) {
      const ExecStatusType status = PQresultStatus(result);
      if (failure.ok() && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
          status != PGRES_EMPTY_QUERY) {
        failure = Failure(result).status;
      }
      PQclear(result);
    }
  }
  // A lost connection may answer with nothing at all.
  if (failure.ok() && PQstatus(conn_) != CONNECTION_OK) failure = Failure(nullptr).status;
  return failure;
}

void PgConnection::EndPipeline() {
  for (;;) {
    PGresult* result = PQgetResult(conn_);
    if (result == nullptr) break;
    const bool synced = PQresultStatus(result) == PGRES_PIPELINE_SYNC;
    PQclear(result);
    if (synced) break;
  }
  PQexitPipelineMode(conn_);
}

// A send that failed leaves the pipeline in an unknown state: the connection is dropped (the
// next use reconnects), and with it the transaction, which a ROLLBACK must then end.
Status PgConnection::AbandonPipeline() {
  Status failure = Failure(nullptr).status;
  if (failure.code() != Code::kUnavailable) {
    failure = Status(Code::kUnavailable, std::string(kConnectionLost) + ": " + failure.message());
  }
  if (was_in_transaction_) transaction_lost_ = true;
  pending_ = 0;
  PQreset(conn_);
  ++generation_;
  forgotten_.clear();
  return failure;
}

Status PgConnection::Reconnect() {
  if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status(Code::kUnavailable,
                  std::string(kConnectionLost) + ": " + FirstLine(PQerrorMessage(conn_)));
  }
  ++generation_;
  forgotten_.clear();  // their server copies went with the old connection
  return Status::Ok();
}

void PgConnection::DeallocateForgotten() {
  if (forgotten_.empty()) return;
  std::string sql;
  for (const std::string& name : forgotten_) sql += "DEALLOCATE " + name + ";";
  forgotten_.clear();
  // Outside any transaction, so a failure here cannot abort one; on failure the names only
  // stay allocated until the connection closes.
  PQclear(PQexec(conn_, sql.c_str()));
}

PgFailure PgConnection::Failure(const PGresult* result) {
  PgFailure failure;
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (sqlstate != nullptr) failure.sqlstate = sqlstate;
  if (PQstatus(conn_) != CONNECTION_OK || MeansConnectionLost(failure.sqlstate)) {
    if (was_in_transaction_) transaction_lost_ = true;
    failure.status = Status(Code::kUnavailable, kConnectionLost);
    return failure;
  }
  if (failure.sqlstate.starts_with("22")) {
    failure.status =
        Status(Code::kInternal, "postgres: invalid value (SQLSTATE " + failure.sqlstate + ")");
    return failure;
  }
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  failure.status =
      Status(Code::kInternal,
             "postgres: " + FirstLine(primary != nullptr ? primary : PQerrorMessage(conn_)));
  return failure;
}

bool PgConnection::InTransaction() const {
  if (transaction_lost_) return true;
  PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

std::string PgConnection::NextStatementName() { return "s" + std::to_string(++statement_counter_); }

void PgConnection::Forget(std::string name, uint64_t generation) {
  if (closing_ || generation != generation_) return;
  forgotten_.push_back(std::move(name));
}

}  // namespace parley::store::postgres
