// PgStatement: a statement prepared on a PgConnection (pg_connection.h), the PostgreSQL
// driver's sql::PreparedStatement. pg_db.h states the behaviour (parameters, results, errors).
// Internal to the driver: made by PgDb::PrepareNew, used by one thread at a time, must not
// outlive its connection.
#ifndef PARLEY_STORE_POSTGRES_PG_STATEMENT_H_
#define PARLEY_STORE_POSTGRES_PG_STATEMENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_parameters.h"
#include "store/sql/sql_db.h"

namespace parley::store::postgres {

class PgStatement final : public sql::PreparedStatement {
 public:
  // Prepares `sql` on `connection` (kUnavailable, kInternal when that fails).
  static Result<std::unique_ptr<PgStatement>> Prepare(PgConnection& connection, PgSql sql,
                                                      bool is_rollback);
  ~PgStatement() override;

  void BindInt(int index, int64_t value) override;
  void BindText(int index, std::string_view value) override;
  void BindBlob(int index, std::string_view value) override;
  Result<bool> Step() override;
  // Inside a transaction: sent at once, its outcome read with the next statement
  // (pg_connection.h, "Pipelining").
  Status RunLater() override;
  void Reset() override;
  int64_t ColumnInt(int column) const override;
  std::string ColumnText(int column) const override;
  bool ColumnIsNull(int column) const override;
  bool IsUniqueViolation() const override { return sqlstate_ == "23505"; }
  bool IsForeignKeyViolation() const override { return sqlstate_ == "23503"; }
  bool IsRetryable() const override { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }

 private:
  struct Parameter {
    bool bound = false;  // unbound parameters are NULL
    bool binary = false;
    std::string value;
  };

  // The bound parameters as libpq takes them (views of the Parameters' values).
  struct Arguments {
    explicit Arguments(const std::vector<Parameter>& parameters);
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
  };

  PgStatement(PgConnection& connection, PgSql sql, bool is_rollback);
  Status PrepareOnServer();
  Status Execute();
  Status Send();
  Result<PGresult*> RunAlone(const Arguments& arguments);
  Result<PGresult*> RunBehindPending(const Arguments& arguments);
  Result<PGresult*> RunInSavepoint(const Arguments& arguments);
  void Bind(int index, std::string_view value, bool binary);
  // The value at the current row, nullptr if NULL or out of range.
  const char* Value(int column) const;
  Status Fail(const PGresult* result);

  PgConnection& connection_;
  const PgSql sql_;
  const bool is_rollback_;
  const bool is_commit_;  // told apart: PostgreSQL may answer a COMMIT with a ROLLBACK
  const bool guarded_;    // an INSERT: runs in a savepoint of its own inside a transaction
  const std::string name_;
  uint64_t generation_ = 0;  // of the connection it was last prepared on
  std::vector<Parameter> parameters_;
  Status bind_error_;
  bool executed_ = false;  // since the last Reset()
  Status error_;           // of the execution since the last Reset()
  std::string sqlstate_;   // of the last failure
  PGresult* result_ = nullptr;
  int row_ = -1;
};

}  // namespace parley::store::postgres

#endif  // PARLEY_STORE_POSTGRES_PG_STATEMENT_H_
