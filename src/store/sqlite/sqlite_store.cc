// The SqliteStore's opening, Write(), and the account tables (users, devices). Conversation
// reads are in sqlite_store_reads.cc.
#include "store/sqlite/sqlite_store.h"

#include <cstdio>
#include <random>
#include <utility>

#include "store/sqlite/migrations.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_write_txn.h"

namespace parley::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.path.empty() || options.path == ":memory:") {
    return Status(Code::kInvalidArgument, "store: open: a database file path is required");
  }
  sqlite::DbOptions writer_options;
  writer_options.create = true;
  writer_options.writer = true;
  writer_options.synchronous_full = options.synchronous_full;
  writer_options.busy_timeout_ms = options.busy_timeout_ms;
  Result<std::unique_ptr<sqlite::SqliteDb>> writer =
      sqlite::SqliteDb::Open(options.path, writer_options);
  if (!writer.ok()) return sqlite::Internal("open", writer.status());
  if (Status s = sqlite::ApplyMigrations(**writer); !s.ok()) return s;
  // Before the readers: they attach the index's file, which Open creates.
  Result<std::unique_ptr<sqlite::SearchIndex>> search_index =
      sqlite::SearchIndex::Open(options.path, **writer);
  if (!search_index.ok()) return search_index.status();
  auto store = std::make_unique<sqlite::SqliteStore>(std::move(*writer), std::move(*search_index),
                                                     options.path, options);
  if (Status s = store->WarmUp(options.path, options); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

namespace sqlite {
namespace {

// Readers kept open between reads; more are opened on demand when more threads read at once.
constexpr size_t kMaxIdleReaders = 8;
// How often the WAL is copied back into the database file (see checkpointer.h).
constexpr std::chrono::milliseconds kCheckpointInterval{100};
// WAL pages (4 KiB each) after which a commit checkpoints inline and the WAL rewinds: 16 MiB.
constexpr int kWriterCheckpointPages = 4096;

// Query-only connections to the store's file, with the search index attached.
sql::ConnectionPool::Opener ReaderOpener(const SqliteOptions& options) {
  DbOptions reader;
  reader.busy_timeout_ms = options.busy_timeout_ms;
  reader.search_index_path = SearchIndexPath(options.path);
  return [path = options.path, reader]() -> Result<std::unique_ptr<Db>> {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path, reader);
    if (!db.ok()) return db.status();
    return std::unique_ptr<Db>(std::move(*db));
  };
}

// 64 random bits in hex: the epoch of the sync points this open of the store hands out.
std::string NewSyncEpoch() {
  std::random_device random;
  const uint64_t bits = (static_cast<uint64_t>(random()) << 32) ^ random();
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(bits));
  return hex;
}

}  // namespace

SqliteStore::SqliteStore(std::unique_ptr<Db> writer, std::unique_ptr<SearchIndex> search_index,
                         std::string path, const SqliteOptions& options)
    : writer_(std::move(writer)),
      readers_(ReaderOpener(options), kMaxIdleReaders),
      search_index_(std::move(search_index)),
      sync_epoch_(NewSyncEpoch()) {}

Status SqliteStore::WarmUp(const std::string& path, const SqliteOptions& options) {
  Result<sql::ConnectionPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return Internal("open reader", lease.status());

  DbOptions checkpoint_options;
  checkpoint_options.writer = true;
  checkpoint_options.synchronous_full = options.synchronous_full;
  checkpoint_options.busy_timeout_ms = options.busy_timeout_ms;
  Result<std::unique_ptr<SqliteDb>> connection = SqliteDb::Open(path, checkpoint_options);
  if (!connection.ok()) return Internal("open checkpointer", connection.status());
  const std::string autocheckpoint =
      "PRAGMA wal_autocheckpoint = " + std::to_string(kWriterCheckpointPages);
  if (Status s = writer_->Exec(autocheckpoint); !s.ok()) {
    return Internal("set the writer checkpoint threshold", s);
  }
  checkpointer_ = std::make_unique<Checkpointer>(std::move(*connection), kCheckpointInterval);
  return Status::Ok();
}

// --- Write ---

Status SqliteStore::Write(const std::function<Status(WriteTxn&)>& body) {
  return WithWriter("Write", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return Internal("Write: begin", s);
    }
    SqliteWriteTxn write_txn(db);
    Status status = body(write_txn);
    // A storage failure the body chose to ignore still fails the whole Write.
    if (status.ok()) status = write_txn.failure();
    if (!status.ok()) return status;  // ~Transaction rolls back
    if (Status s = txn.Commit(); !s.ok()) return Internal("Write: commit", s);
    return Status::Ok();
  });
}

// --- users ---

Result<User> SqliteStore::CreateUser(const NewUser& user) {
  return WithWriter("CreateUser", [&](Db& db) -> Result<User> {
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO users (username, display_name, password_hash, created_at, is_admin) "
        "VALUES (?1, ?2, ?3, ?4, 0) RETURNING id");
    if (!stmt.ok()) return Internal("CreateUser", stmt.status());
    stmt->BindText(1, user.username);
    stmt->BindText(2, user.display_name);
    stmt->BindText(3, user.password_hash);
    stmt->BindInt(4, user.created_at);
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      if (stmt->IsUniqueViolation()) return Status(Code::kConflict, "username taken");
      return Internal("CreateUser", row.status());
    }
    User created{0, user.username, user.display_name, user.password_hash, user.created_at};
    created.id = stmt->ColumnInt(0);  // never an admin: see auth/admin_setup.h
    if (Status s = stmt->Run(); !s.ok()) return Internal("CreateUser", s);
    return created;
  });
}

Result<User> SqliteStore::FindUser(std::string_view op, std::string_view sql,
                                   const std::function<void(Statement&)>& bind) {
  return WithReader(op, [&](Db& db) -> Result<User> {
    Result<Statement> stmt = db.Prepare(sql);
    if (!stmt.ok()) return Internal(op, stmt.status());
    bind(*stmt);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return Internal(op, row.status());
    if (!*row) return Status(Code::kNotFound, "no such user");
    return ReadUser(*stmt);
  });
}

Result<User> SqliteStore::FindUserById(int64_t id) {
  return FindUser("FindUserById", "SELECT " PARLEY_USER_COLUMNS " FROM users WHERE id = ?1",
                  [&](Statement& stmt) { stmt.BindInt(1, id); });
}

Result<User> SqliteStore::FindUserByName(std::string_view username) {
  // The column's NOCASE collation makes this comparison, and the unique index, case-blind.
  return FindUser("FindUserByName", "SELECT " PARLEY_USER_COLUMNS " FROM users WHERE username = ?1",
                  [&](Statement& stmt) { stmt.BindText(1, username); });
}

Status SqliteStore::SetPasswordHash(int64_t user_id, std::string_view password_hash) {
  return WithWriter("SetPasswordHash", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return Internal("SetPasswordHash", s);
    }
    Result<Statement> stmt =
        db.Prepare("UPDATE users SET password_hash = ?2 WHERE id = ?1 RETURNING id");
    if (!stmt.ok()) return Internal("SetPasswordHash", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindText(2, password_hash);
    Result<bool> touched = RunReturning("SetPasswordHash", *stmt);
    if (!touched.ok()) return touched.status();
    if (!*touched) return Status(Code::kNotFound, "no such user");
    // SCRAM credentials were derived from the old password (migration 15).
    Result<Statement> drop = db.Prepare("DELETE FROM scram_credentials WHERE user_id = ?1");
    if (!drop.ok()) return Internal("SetPasswordHash", drop.status());
    drop->BindInt(1, user_id);
    if (Status s = drop->Run(); !s.ok()) return Internal("SetPasswordHash", s);
    if (Status s = txn.Commit(); !s.ok()) return Internal("SetPasswordHash", s);
    return Status::Ok();
  });
}

Status SqliteStore::SetAdmin(int64_t user_id, bool is_admin) {
  return WithWriter("SetAdmin", [&](Db& db) -> Status {
    Result<Statement> stmt =
        db.Prepare("UPDATE users SET is_admin = ?2 WHERE id = ?1 RETURNING id");
    if (!stmt.ok()) return Internal("SetAdmin", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, is_admin ? 1 : 0);
    Result<bool> touched = RunReturning("SetAdmin", *stmt);
    if (!touched.ok()) return touched.status();
    return *touched ? Status::Ok() : Status(Code::kNotFound, "no such user");
  });
}

Result<bool> SqliteStore::HasAdmin() {
  return WithReader("HasAdmin", [&](Db& db) -> Result<bool> {
    Result<Statement> stmt = db.Prepare("SELECT EXISTS (SELECT 1 FROM users WHERE is_admin)");
    if (!stmt.ok()) return Internal("HasAdmin", stmt.status());
    Result<bool> row = stmt->Step();
    if (!row.ok()) return Internal("HasAdmin", row.status());
    return *row && stmt->ColumnInt(0) != 0;
  });
}

Result<std::vector<int64_t>> SqliteStore::UserIdsAfter(int64_t after_id, int limit) {
  if (limit <= 0) return std::vector<int64_t>();
  return WithReader("UserIdsAfter", [&](Db& db) -> Result<std::vector<int64_t>> {
    Result<Statement> stmt = db.Prepare("SELECT id FROM users WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!stmt.ok()) return Internal("UserIdsAfter", stmt.status());
    stmt->BindInt(1, after_id);
    stmt->BindInt(2, limit);
    std::vector<int64_t> ids;
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return Internal("UserIdsAfter", row.status());
      if (!*row) return ids;
      ids.push_back(stmt->ColumnInt(0));
    }
  });
}

// --- devices ---

Result<Device> SqliteStore::CreateDevice(const NewDevice& device) {
  return WithWriter("CreateDevice", [&](Db& db) -> Result<Device> {
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO devices (user_id, name, token_hash, created_at, last_seen_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?4, ?5) RETURNING id");
    if (!stmt.ok()) return Internal("CreateDevice", stmt.status());
    stmt->BindInt(1, device.user_id);
    stmt->BindText(2, device.name);
    stmt->BindBlob(3, device.token_hash);
    stmt->BindInt(4, device.created_at);
    stmt->BindInt(5, device.expires_at);
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      if (stmt->IsUniqueViolation()) return Status(Code::kConflict, "token hash already in use");
      if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
      return Internal("CreateDevice", row.status());
    }
    Device created{
        0, device.user_id, device.name, device.created_at, device.created_at, device.expires_at};
    created.id = stmt->ColumnInt(0);
    if (Status s = stmt->Run(); !s.ok()) return Internal("CreateDevice", s);
    return created;
  });
}

Result<Device> SqliteStore::FindDeviceByTokenHash(std::string_view token_hash, int64_t now) {
  return WithReader("FindDeviceByTokenHash", [&](Db& db) -> Result<Device> {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_DEVICE_COLUMNS
                                        " FROM devices WHERE token_hash = ?1 AND revoked = 0 "
                                        "AND expires_at > ?2");
    if (!stmt.ok()) return Internal("FindDeviceByTokenHash", stmt.status());
    stmt->BindBlob(1, token_hash);
    stmt->BindInt(2, now);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return Internal("FindDeviceByTokenHash", row.status());
    if (!*row) return Status(Code::kNotFound, "no such device");
    return ReadDevice(*stmt);
  });
}

Result<std::vector<Device>> SqliteStore::ListDevices(int64_t user_id, int64_t now) {
  return WithReader("ListDevices", [&](Db& db) -> Result<std::vector<Device>> {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_DEVICE_COLUMNS
                                        " FROM devices WHERE user_id = ?1 AND revoked = 0 "
                                        "AND expires_at > ?2 ORDER BY created_at DESC, id DESC");
    if (!stmt.ok()) return Internal("ListDevices", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, now);
    return ReadAll("ListDevices", *stmt, &ReadDevice);
  });
}

Status SqliteStore::RevokeDevice(int64_t user_id, int64_t device_id) {
  return WithWriter("RevokeDevice", [&](Db& db) -> Status {
    Result<Statement> stmt = db.Prepare(
        "UPDATE devices SET revoked = 1 WHERE id = ?2 AND user_id = ?1 AND revoked = 0 "
        "RETURNING id");
    if (!stmt.ok()) return Internal("RevokeDevice", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, device_id);
    Result<bool> touched = RunReturning("RevokeDevice", *stmt);
    if (!touched.ok()) return touched.status();
    return *touched ? Status::Ok() : Status(Code::kNotFound, "no such device");
  });
}

Status SqliteStore::RevokeOtherDevices(int64_t user_id, int64_t keep_device_id) {
  return WithWriter("RevokeOtherDevices", [&](Db& db) -> Status {
    Result<Statement> stmt = db.Prepare(
        "UPDATE devices SET revoked = 1 WHERE user_id = ?1 AND id != ?2 AND revoked = 0");
    if (!stmt.ok()) return Internal("RevokeOtherDevices", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, keep_device_id);
    if (Status s = stmt->Run(); !s.ok()) return Internal("RevokeOtherDevices", s);
    return Status::Ok();
  });
}

Status SqliteStore::TouchDevice(int64_t device_id, int64_t now) {
  return WithWriter("TouchDevice", [&](Db& db) -> Status {
    // max(): a late, out-of-order touch never moves last_seen_at back.
    Result<Statement> stmt = db.Prepare(
        "UPDATE devices SET last_seen_at = max(last_seen_at, ?2) WHERE id = ?1 RETURNING id");
    if (!stmt.ok()) return Internal("TouchDevice", stmt.status());
    stmt->BindInt(1, device_id);
    stmt->BindInt(2, now);
    Result<bool> touched = RunReturning("TouchDevice", *stmt);
    if (!touched.ok()) return touched.status();
    return *touched ? Status::Ok() : Status(Code::kNotFound, "no such device");
  });
}

}  // namespace sqlite
}  // namespace parley::store
