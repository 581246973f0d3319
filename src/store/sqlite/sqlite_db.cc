#include "store/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <utility>

#include "store/sqlite/search_tokenizer.h"

namespace parley::store::sqlite {
namespace {

Status SqliteError(sqlite3* db, int rc) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Status(Code::kInternal, std::string("sqlite: ") + message);
}

}  // namespace

// --- Statement ---

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, bool* borrowed)
    : db_(db), stmt_(stmt), borrowed_(borrowed) {}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      borrowed_(std::exchange(other.borrowed_, nullptr)),
      error_code_(other.error_code_),
      bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    borrowed_ = std::exchange(other.borrowed_, nullptr);
    error_code_ = other.error_code_;
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (borrowed_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *borrowed_ = false;
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
  borrowed_ = nullptr;
}

Status Statement::Fail(int rc) {
  error_code_ = rc;
  return SqliteError(db_, rc);
}

void Statement::BindInt(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Fail(rc);
}

void Statement::BindText(int index, std::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies the bytes, so `value` need not outlive the binding.
  int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Fail(rc);
}

void Statement::BindBlob(int index, std::string_view value) {
  int rc = sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Fail(rc);
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(rc);
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  error_code_ = 0;
  bind_error_ = Status::Ok();
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  // column_blob returns TEXT values' bytes unconverted; column_bytes must be called after it.
  const void* data = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return std::string();
  return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

bool Statement::IsUniqueViolation() const {
  return error_code_ == SQLITE_CONSTRAINT_UNIQUE || error_code_ == SQLITE_CONSTRAINT_PRIMARYKEY;
}

bool Statement::IsForeignKeyViolation() const {
  return error_code_ == SQLITE_CONSTRAINT_FOREIGNKEY;
}

// --- Db ---

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, const DbOptions& options) {
  if (sqlite3_threadsafe() == 0) {
    return Status(Code::kInternal, "sqlite: library built without thread support");
  }
  // NOMUTEX (multi-thread mode): each connection is used by one thread at a time.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteError(handle, rc);
    sqlite3_close(handle);
    return status;
  }
  std::unique_ptr<Db> db(new Db(handle));
  if (Status status = db->Configure(options); !status.ok()) return status;
  return db;
}

Status Db::Configure(const DbOptions& options) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  // Before anything touches the schema: message_search names this tokenizer.
  if (Status s = RegisterSearchTokenizer(db_); !s.ok()) return s;
  // Reads go through a memory map and a larger page cache: on this kind of machine every
  // syscall is expensive, and the hot pages (recent messages, cursors) fit easily.
  if (Status s = Exec("PRAGMA mmap_size = 268435456; PRAGMA cache_size = -16384;"); !s.ok()) {
    return s;
  }
  if (!options.writer) {
    if (!options.search_index_path.empty()) {
      Result<Statement> attach = Prepare("ATTACH DATABASE ?1 AS search");
      if (!attach.ok()) return attach.status();
      attach->BindText(1, options.search_index_path);
      if (Status s = attach->Run(); !s.ok()) return s;
    }
    return Exec("PRAGMA foreign_keys = ON; PRAGMA query_only = ON;");
  }

  // journal_mode answers with the mode in effect; anything but "wal" means it did not stick.
  // This is also the first read of the file, so a file that is not a database fails here.
  Result<Statement> wal = Prepare("PRAGMA journal_mode = WAL");
  if (!wal.ok()) return wal.status();
  Result<bool> row = wal->Step();
  if (!row.ok()) return row.status();
  if (!*row || wal->ColumnText(0) != "wal") {
    return Status(Code::kInternal, "sqlite: could not enable WAL journal mode");
  }
  wal->Reset();
  return Exec(std::string("PRAGMA synchronous = ") +
              (options.synchronous_full ? "FULL" : "NORMAL") + "; PRAGMA foreign_keys = ON;");
}

Db::~Db() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  // close_v2: if a Statement outlived its Db by mistake, the handle lingers rather than leaks.
  sqlite3_close_v2(db_);
}

Status Db::Error(int rc) const { return SqliteError(db_, rc); }

Result<Statement> Db::Prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.borrowed) {
    it->second.borrowed = true;
    return Statement(db_, it->second.stmt, &it->second.borrowed);
  }
  const bool cache = it == cache_.end();
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc);
  }
  if (stmt == nullptr) return Status(Code::kInternal, "sqlite: empty statement");
  if (!cache) return Statement(db_, stmt, nullptr);  // in use already: a private copy
  CachedStatement& slot = cache_[std::string(sql)];
  slot.stmt = stmt;
  slot.borrowed = true;
  return Statement(db_, stmt, &slot.borrowed);
}

Status Db::Exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Status(Code::kInternal, "sqlite: " + text);
}

Result<int64_t> Db::QueryInt(std::string_view sql) {
  Result<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status(Code::kInternal, "sqlite: query returned no row");
  return stmt->ColumnInt(0);
}

bool Db::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

// --- Transaction ---

Transaction::~Transaction() { Rollback(); }

Status Transaction::Begin(Mode mode) {
  Result<Statement> begin = db_.Prepare(mode == Mode::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN");
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
  // have rolled it back already (I/O errors); InTransaction() tells which.
  if (status.ok()) open_ = false;
  return status;
}

void Transaction::Rollback() {
  if (!open_) return;
  open_ = false;
  if (!db_.InTransaction()) return;
  Result<Statement> rollback = db_.Prepare("ROLLBACK");
  // Nothing useful to do if ROLLBACK itself fails: SQLite then rolls back when the connection
  // next needs it, and the caller already reports the original failure.
  if (rollback.ok()) (void)rollback->Run();
}

}  // namespace parley::store::sqlite
