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

// --- SqliteStatement ---

class SqliteStatement final : public sql::PreparedStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindInt(int index, int64_t value) override {
    NoteBind(sqlite3_bind_int64(stmt_, index, value));
  }
  void BindText(int index, std::string_view value) override {
    // SQLITE_TRANSIENT: SQLite copies the bytes, so `value` need not outlive the binding.
    NoteBind(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8));
  }
  void BindBlob(int index, std::string_view value) override {
    NoteBind(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT));
  }

  Result<bool> Step() override {
    if (!bind_error_.ok()) return bind_error_;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Fail(rc);
  }

  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    error_code_ = 0;
    bind_error_ = Status::Ok();
  }

  int64_t ColumnInt(int column) const override { return sqlite3_column_int64(stmt_, column); }

  std::string ColumnText(int column) const override {
    // column_blob returns TEXT values' bytes unconverted; column_bytes must be called after it.
    const void* data = sqlite3_column_blob(stmt_, column);
    int size = sqlite3_column_bytes(stmt_, column);
    if (data == nullptr || size <= 0) return std::string();
    return std::string(static_cast<const char*>(data), static_cast<size_t>(size));
  }

  bool ColumnIsNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }

  bool IsUniqueViolation() const override {
    return error_code_ == SQLITE_CONSTRAINT_UNIQUE || error_code_ == SQLITE_CONSTRAINT_PRIMARYKEY;
  }
  bool IsForeignKeyViolation() const override {
    return error_code_ == SQLITE_CONSTRAINT_FOREIGNKEY;
  }
  // One writer per database: SQLite has no concurrent transaction to conflict with.
  bool IsRetryable() const override { return false; }

 private:
  Status Fail(int rc) {
    error_code_ = rc;
    return SqliteError(db_, rc);
  }
  void NoteBind(int rc) {
    if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Fail(rc);
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int error_code_ = 0;  // SQLite's extended result code of the last failure
  Status bind_error_;
};

}  // namespace

// --- SqliteDb ---

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path,
                                                 const DbOptions& options) {
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
  std::unique_ptr<SqliteDb> db(new SqliteDb(handle));
  if (Status status = db->Configure(options); !status.ok()) return status;
  return db;
}

Status SqliteDb::Configure(const DbOptions& options) {
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

SqliteDb::~SqliteDb() {
  DropStatements();
  // close_v2: if a Statement outlived its Db by mistake, the handle lingers rather than leaks.
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<sql::PreparedStatement>> SqliteDb::PrepareNew(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return SqliteError(db_, rc);
  }
  if (stmt == nullptr) return Status(Code::kInternal, "sqlite: empty statement");
  return std::unique_ptr<sql::PreparedStatement>(new SqliteStatement(db_, stmt));
}

Status SqliteDb::Exec(const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string text = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return Status(Code::kInternal, "sqlite: " + text);
}

bool SqliteDb::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::string_view SqliteDb::BeginSql(sql::TransactionMode mode) const {
  return mode == sql::TransactionMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN";
}

// BEGIN IMMEDIATE holds the database's write lock: no other writer runs until this one ends.
std::string_view SqliteDb::RowLockClause(sql::RowLock) const { return ""; }

}  // namespace parley::store::sqlite
