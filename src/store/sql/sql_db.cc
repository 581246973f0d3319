#include "store/sql/sql_db.h"

#include <string>
#include <utility>

#include "base/log.h"

namespace parley::store::sql {
namespace {

// Steps `statement` until it finishes, ignoring any rows.
Status RunToEnd(PreparedStatement& statement) {
  for (;;) {
    Result<bool> row = statement.Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

}  // namespace

// --- Statement ---

Statement::Statement(Statement&& other) noexcept
    : impl_(std::exchange(other.impl_, nullptr)),
      borrowed_(std::exchange(other.borrowed_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    impl_ = std::exchange(other.impl_, nullptr);
    borrowed_ = std::exchange(other.borrowed_, nullptr);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (impl_ == nullptr) return;
  if (borrowed_ != nullptr) {
    impl_->Reset();
    *borrowed_ = false;
  } else {
    delete impl_;
  }
  impl_ = nullptr;
  borrowed_ = nullptr;
}

Status Statement::Run() { return RunToEnd(*impl_); }

Status PreparedStatement::RunLater() { return RunToEnd(*this); }

// --- Db ---

Result<Statement> Db::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.borrowed) {
    it->second.borrowed = true;
    return Statement(it->second.statement.get(), &it->second.borrowed);
  }
  Result<std::unique_ptr<PreparedStatement>> prepared = PrepareNew(sql);
  if (!prepared.ok()) return prepared.status();
  if (it != cache_.end()) return Statement(prepared->release(), nullptr);  // a private copy
  CachedStatement& slot = cache_[std::string(sql)];
  slot.statement = std::move(*prepared);
  slot.borrowed = true;
  return Statement(slot.statement.get(), &slot.borrowed);
}

Result<int64_t> Db::QueryInt(std::string_view sql) {
  Result<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status(Code::kInternal, "sql: query returned no row");
  return stmt->ColumnInt(0);
}

// --- Transaction ---

Transaction::~Transaction() { Rollback(); }

Status Transaction::Begin(TransactionMode mode) {
  Result<Statement> begin = db_.Prepare(db_.BeginSql(mode));
  if (!begin.ok()) return begin.status();
  Status status = begin->Run();
  open_ = status.ok();
  return status;
}

Status Transaction::Commit() {
  Result<Statement> commit = db_.Prepare("COMMIT");
  if (!commit.ok()) return commit.status();
  Status status = commit->Run();
  // A failed COMMIT may leave the transaction open (then the destructor rolls it back) or may
  // have rolled it back already; InTransaction() tells which.
  if (status.ok()) open_ = false;
  return status;
}

void Transaction::Rollback() {
  if (!open_) return;
  open_ = false;
  if (!db_.InTransaction()) return;
  Result<Statement> rollback = db_.Prepare("ROLLBACK");
  // Nothing useful to do if ROLLBACK itself fails: the caller already reports the original
  // failure, and the driver rolls back when the connection is next used or closed.
  if (rollback.ok()) (void)rollback->Run();
}

Status DbFailure(std::string_view context, const Status& cause) {
  if (cause.code() != Code::kUnavailable) {
    return Status(Code::kInternal, std::string(context) + ": " + cause.message());
  }
  // Clients see this message (kInternal's are replaced before they do): the operator's detail
  // goes to the log instead.
  Log(LogLevel::kWarning, "database_unavailable",
      {{"reason", std::string(context) + ": " + cause.message()}});
  return Status(Code::kUnavailable, "the database cannot be reached now; try again");
}

}  // namespace parley::store::sql
