#include "store/postgres/pg_statement.h"

#include <libpq-fe.h>

#include <cctype>
#include <charconv>
#include <cstring>
#include <utility>

namespace parley::store::postgres {
namespace {

constexpr Oid kByteaOid = 17;

// Whether `sql` is an INSERT: the statements that may fail on a constraint the store's code
// expects and handles (a unique key taken, a row referred to gone); its UPDATEs and DELETEs
// never do inside a transaction.
bool IsInsert(std::string_view sql) {
  size_t start = sql.find_first_not_of(" \t\r\n(");
  if (start == std::string_view::npos) return false;
  std::string word;
  for (size_t i = start; i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])); ++i) {
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i]))));
  }
  return word == "INSERT";
}

// Runs a statement without parameters or rows (the savepoints around a change).
Status RunSimple(PGconn* connection, const char* sql) {
  PGresult* result = PQexec(connection, sql);
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  if (ok) return Status::Ok();
  return Status(Code::kInternal, std::string("postgres: ") + sql + " failed");
}

}  // namespace

Result<std::unique_ptr<PgStatement>> PgStatement::Prepare(PgConnection& connection, PgSql sql,
                                                          bool is_rollback) {
  std::unique_ptr<PgStatement> statement(new PgStatement(connection, std::move(sql), is_rollback));
  if (Status status = connection.ReadyToPrepare(); !status.ok()) return status;
  if (Status status = statement->PrepareOnServer(); !status.ok()) return status;
  return statement;
}

PgStatement::PgStatement(PgConnection& connection, PgSql sql, bool is_rollback)
    : connection_(connection),
      sql_(std::move(sql)),
      is_rollback_(is_rollback),
      is_commit_(IsCommit(sql_.text)),
      guarded_(IsInsert(sql_.text)),
      name_(connection.NextStatementName()),
      parameters_(static_cast<size_t>(sql_.parameter_count)) {}

PgStatement::~PgStatement() {
  PQclear(result_);
  if (generation_ != 0) connection_.Forget(name_, generation_);
}

Status PgStatement::PrepareOnServer() {
  // A statement cannot be prepared in the middle of a pipeline.
  if (Status status = connection_.FinishPending(); !status.ok()) return status;
  PGresult* prepared = PQprepare(connection_.handle(), name_.c_str(), sql_.text.c_str(),
                                 /*nParams=*/0, /*paramTypes=*/nullptr);
  Status status = PQresultStatus(prepared) == PGRES_COMMAND_OK ? Status::Ok() : Fail(prepared);
  PQclear(prepared);
  if (status.ok()) generation_ = connection_.generation();
  return status;
}

void PgStatement::Bind(int index, std::string_view value, bool binary) {
  // As SQLite: a binding waits for Reset() once the statement has run.
  if (executed_) {
    if (error_.ok()) {
      error_ = Status(Code::kInternal, "postgres: parameter bound after the statement ran");
    }
    return;
  }
  if (index < 1 || index > sql_.parameter_count) {
    if (bind_error_.ok()) {
      bind_error_ = Status(Code::kInternal,
                           "postgres: parameter index " + std::to_string(index) + " out of range");
    }
    return;
  }
  Parameter& parameter = parameters_[static_cast<size_t>(index - 1)];
  parameter.bound = true;
  parameter.binary = binary;
  parameter.value.assign(value);
}

void PgStatement::BindInt(int index, int64_t value) {
  Bind(index, std::to_string(value), /*binary=*/false);
}

void PgStatement::BindText(int index, std::string_view value) {
  // Text parameters travel as C strings: a NUL would silently cut the value short.
  if (value.find('\0') != std::string_view::npos && bind_error_.ok()) {
    bind_error_ = Status(Code::kInvalidArgument,
                         "postgres: text parameter " + std::to_string(index) + " holds a NUL byte");
  }
  Bind(index, value, /*binary=*/false);
}

void PgStatement::BindBlob(int index, std::string_view value) {
  Bind(index, value, /*binary=*/true);
}

Result<bool> PgStatement::Step() {
  if (!executed_) {
    executed_ = true;
    error_ = Execute();
  }
  if (!error_.ok()) return error_;
  if (result_ == nullptr) return false;
  if (row_ + 1 >= PQntuples(result_)) return false;
  ++row_;
  return true;
}

Status PgStatement::RunLater() {
  if (executed_ || !connection_.InTransaction()) return sql::PreparedStatement::RunLater();
  executed_ = true;
  error_ = Send();
  return error_;
}

Status PgStatement::Send() {
  if (!bind_error_.ok()) return bind_error_;
  if (Status status = connection_.ReadyToRun(is_rollback_); !status.ok()) return status;
  if (generation_ != connection_.generation()) {
    if (Status status = PrepareOnServer(); !status.ok()) return status;
  }
  const Arguments arguments(parameters_);
  return connection_.SendLater(name_, sql_.parameter_count, arguments.values.data(),
                               arguments.lengths.data(), arguments.formats.data());
}

PgStatement::Arguments::Arguments(const std::vector<Parameter>& parameters) {
  for (const Parameter& parameter : parameters) {
    values.push_back(parameter.bound ? parameter.value.data() : nullptr);
    lengths.push_back(static_cast<int>(parameter.value.size()));
    formats.push_back(parameter.binary ? 1 : 0);
  }
}

Status PgStatement::Execute() {
  if (!bind_error_.ok()) return bind_error_;
  if (Status status = connection_.ReadyToRun(is_rollback_); !status.ok()) {
    sqlstate_.clear();
    return status;
  }
  if (generation_ != connection_.generation()) {
    if (Status status = PrepareOnServer(); !status.ok()) return status;
  }
  const Arguments arguments(parameters_);
  // A failed statement aborts a PostgreSQL transaction; in SQLite it fails alone and the
  // transaction goes on, which the store's code relies on (a duplicate client id is a conflict
  // for one message of a batch). Such a statement inside a transaction therefore runs inside a
  // savepoint of its own, rolled back if it fails: every INSERT, the only statements whose failure
  // it handles.
  Result<PGresult*> result = guarded_ && connection_.InTransaction() ? RunInSavepoint(arguments)
                             : connection_.HasPending()              ? RunBehindPending(arguments)
                                                                     : RunAlone(arguments);
  if (!result.ok()) return result.status();
  result_ = *result;
  switch (PQresultStatus(result_)) {
    case PGRES_COMMAND_OK:
      // PostgreSQL ends a transaction in which a statement failed with a ROLLBACK even when
      // asked to COMMIT, and reports success: a caller that went on after a failure (or
      // never saw a pending one) must not believe its writes were kept.
      if (is_commit_ && std::strcmp(PQcmdStatus(result_), "ROLLBACK") == 0) {
        PQclear(result_);
        result_ = nullptr;
        return Status(Code::kInternal,
                      "postgres: COMMIT rolled back: a statement of the transaction failed");
      }
      return Status::Ok();
    case PGRES_TUPLES_OK:
    case PGRES_EMPTY_QUERY:
      return Status::Ok();
    default: {
      Status status = Fail(result_);
      PQclear(result_);
      result_ = nullptr;
      return status;
    }
  }
}

Result<PGresult*> PgStatement::RunAlone(const Arguments& arguments) {
  return PQexecPrepared(connection_.handle(), name_.c_str(), sql_.parameter_count,
                        arguments.values.data(), arguments.lengths.data(), arguments.formats.data(),
                        /*resultFormat=*/0);
}

Result<PGresult*> PgStatement::RunBehindPending(const Arguments& arguments) {
  std::vector<PGresult*> results;
  Status status = connection_.RunPipelined(
      [&](PGconn* connection) {
        return PQsendQueryPrepared(connection, name_.c_str(), sql_.parameter_count,
                                   arguments.values.data(), arguments.lengths.data(),
                                   arguments.formats.data(), /*resultFormat=*/0) == 1;
      },
      1, &results);
  if (!status.ok()) return status;
  return results[0];
}

// SAVEPOINT, the statement and RELEASE go to the server in one pipeline (behind any pending
// statements): one round trip, not three. If the statement fails, the RELEASE is skipped (the
// pipeline aborts) and a second round trip rolls the savepoint back, so the transaction is
// usable again. Returns the statement's result (nullptr if the connection failed before it came).
Result<PGresult*> PgStatement::RunInSavepoint(const Arguments& arguments) {
  std::vector<PGresult*> results;
  Status status = connection_.RunPipelined(
      [&](PGconn* connection) {
        return PQsendQueryParams(connection, "SAVEPOINT parley_statement", 0, nullptr, nullptr,
                                 nullptr, nullptr, 0) == 1 &&
               PQsendQueryPrepared(connection, name_.c_str(), sql_.parameter_count,
                                   arguments.values.data(), arguments.lengths.data(),
                                   arguments.formats.data(), /*resultFormat=*/0) == 1 &&
               PQsendQueryParams(connection, "RELEASE SAVEPOINT parley_statement", 0, nullptr,
                                 nullptr, nullptr, nullptr, 0) == 1;
      },
      3, &results);
  if (!status.ok()) return status;
  const bool released = PQresultStatus(results[2]) == PGRES_COMMAND_OK;
  PQclear(results[0]);
  PQclear(results[2]);
  if (!released && PQstatus(connection_.handle()) == CONNECTION_OK) {
    (void)RunSimple(connection_.handle(),
                    "ROLLBACK TO SAVEPOINT parley_statement; RELEASE SAVEPOINT parley_statement");
  }
  return results[1];
}

void PgStatement::Reset() {
  PQclear(result_);
  result_ = nullptr;
  row_ = -1;
  executed_ = false;
  error_ = Status::Ok();
  bind_error_ = Status::Ok();
  sqlstate_.clear();
  for (Parameter& parameter : parameters_) parameter = Parameter();
}

Status PgStatement::Fail(const PGresult* result) {
  PgFailure failure = connection_.Failure(result);
  sqlstate_ = std::move(failure.sqlstate);
  return failure.status;
}

const char* PgStatement::Value(int column) const {
  if (result_ == nullptr || row_ < 0 || row_ >= PQntuples(result_) || column < 0 ||
      column >= PQnfields(result_) || PQgetisnull(result_, row_, column)) {
    return nullptr;
  }
  return PQgetvalue(result_, row_, column);
}

int64_t PgStatement::ColumnInt(int column) const {
  const char* text = Value(column);
  if (text == nullptr) return 0;
  if (std::strcmp(text, "t") == 0) return 1;
  if (std::strcmp(text, "f") == 0) return 0;
  // An integral NUMERIC ("42", or "42.000" from some expressions) reads as its integer part.
  int64_t value = 0;
  std::from_chars(text, text + std::strlen(text), value);
  return value;
}

std::string PgStatement::ColumnText(int column) const {
  const char* text = Value(column);
  if (text == nullptr) return std::string();
  if (PQftype(result_, column) != kByteaOid) {
    return std::string(text, static_cast<size_t>(PQgetlength(result_, row_, column)));
  }
  size_t size = 0;
  unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
  if (bytes == nullptr) return std::string();
  std::string out(reinterpret_cast<const char*>(bytes), size);
  PQfreemem(bytes);
  return out;
}

bool PgStatement::ColumnIsNull(int column) const { return Value(column) == nullptr; }

}  // namespace parley::store::postgres
