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

bool IsRollback(std::string_view sql) {
  while (!sql.empty() && std::isspace(static_cast<unsigned char>(sql.front()))) {
    sql.remove_prefix(1);
  }
  while (!sql.empty() &&
         (std::isspace(static_cast<unsigned char>(sql.back())) || sql.back() == ';')) {
    sql.remove_suffix(1);
  }
  constexpr std::string_view kRollback = "rollback";
  if (sql.size() != kRollback.size()) return false;
  for (size_t i = 0; i < sql.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(sql[i])) != kRollback[i]) return false;
  }
  return true;
}

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
  if (Status status = Reconnect(); !status.ok()) return status;
  was_in_transaction_ = InTransaction();
  return Status::Ok();
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
