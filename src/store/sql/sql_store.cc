// The SqlStore's opening, Write(), and the account tables (users, devices). Conversation
// reads are in sql_store_reads.cc.
#include "store/sql/sql_store.h"

#include <utility>

#include "base/random_hex.h"
#include "store/sql/rows.h"
#include "store/sql/sql_write_txn.h"

namespace parley::store::sql {
namespace {

// Readers kept open between reads; more are opened on demand when more threads read at once.
constexpr size_t kMaxIdleReaders = 8;

}  // namespace

SqlStore::SqlStore(std::unique_ptr<Db> writer, ConnectionPool::Opener open_reader)
    : writer_(std::move(writer)),
      readers_(std::move(open_reader), kMaxIdleReaders),
      sync_epoch_(RandomHex(8)) {}

Status SqlStore::WarmUp() {
  Result<ConnectionPool::Lease> lease = readers_.Acquire();
  if (!lease.ok()) return StoreFailure("open reader", lease.status());
  return Status::Ok();
}

// --- Write ---

Status SqlStore::Write(const std::function<Status(WriteTxn&)>& body) {
  return WithWriter("Write", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return StoreFailure("Write: begin", s);
    }
    SqlWriteTxn write_txn(db);
    Status status = body(write_txn);
    // A storage failure the body chose to ignore still fails the whole Write.
    if (status.ok()) status = write_txn.failure();
    if (!status.ok()) return status;  // ~Transaction rolls back
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("Write: commit", s);
    return Status::Ok();
  });
}

// --- users ---

Result<User> SqlStore::CreateUser(const NewUser& user) {
  return WithWriter("CreateUser", [&](Db& db) -> Result<User> {
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO users (username, display_name, password_hash, created_at, is_admin) "
        "VALUES (?1, ?2, ?3, ?4, 0) RETURNING id");
    if (!stmt.ok()) return StoreFailure("CreateUser", stmt.status());
    stmt->BindText(1, user.username);
    stmt->BindText(2, user.display_name);
    stmt->BindText(3, user.password_hash);
    stmt->BindInt(4, user.created_at);
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      if (stmt->IsUniqueViolation()) return Status(Code::kConflict, "username taken");
      return StoreFailure("CreateUser", row.status());
    }
    User created{0, user.username, user.display_name, user.password_hash, user.created_at};
    created.id = stmt->ColumnInt(0);  // never an admin: see auth/admin_setup.h
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("CreateUser", s);
    return created;
  });
}

Result<User> SqlStore::FindUser(std::string_view op, std::string_view sql,
                                const std::function<void(Statement&)>& bind) {
  return WithReader(op, [&](Db& db) -> Result<User> {
    Result<Statement> stmt = db.Prepare(sql);
    if (!stmt.ok()) return StoreFailure(op, stmt.status());
    bind(*stmt);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(op, row.status());
    if (!*row) return Status(Code::kNotFound, "no such user");
    return ReadUser(*stmt);
  });
}

Result<User> SqlStore::FindUserById(int64_t id) {
  return FindUser("FindUserById", "SELECT " PARLEY_USER_COLUMNS " FROM users WHERE id = ?1",
                  [&](Statement& stmt) { stmt.BindInt(1, id); });
}

Result<User> SqlStore::FindUserByName(std::string_view username) {
  // The column's NOCASE collation makes this comparison, and the unique index, case-blind.
  return FindUser("FindUserByName", "SELECT " PARLEY_USER_COLUMNS " FROM users WHERE username = ?1",
                  [&](Statement& stmt) { stmt.BindText(1, username); });
}

Status SqlStore::SetPasswordHash(int64_t user_id, std::string_view password_hash) {
  return WithWriter("SetPasswordHash", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return StoreFailure("SetPasswordHash", s);
    }
    Result<Statement> stmt =
        db.Prepare("UPDATE users SET password_hash = ?2 WHERE id = ?1 RETURNING id");
    if (!stmt.ok()) return StoreFailure("SetPasswordHash", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindText(2, password_hash);
    Result<bool> touched = RunReturning("SetPasswordHash", *stmt);
    if (!touched.ok()) return touched.status();
    if (!*touched) return Status(Code::kNotFound, "no such user");
    // SCRAM credentials were derived from the old password (migration 15).
    Result<Statement> drop = db.Prepare("DELETE FROM scram_credentials WHERE user_id = ?1");
    if (!drop.ok()) return StoreFailure("SetPasswordHash", drop.status());
    drop->BindInt(1, user_id);
    if (Status s = drop->Run(); !s.ok()) return StoreFailure("SetPasswordHash", s);
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("SetPasswordHash", s);
    return Status::Ok();
  });
}

Status SqlStore::SetAdmin(int64_t user_id, bool is_admin) {
  return WithWriter("SetAdmin", [&](Db& db) -> Status {
    Result<Statement> stmt =
        db.Prepare("UPDATE users SET is_admin = ?2 WHERE id = ?1 RETURNING id");
    if (!stmt.ok()) return StoreFailure("SetAdmin", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, is_admin ? 1 : 0);
    Result<bool> touched = RunReturning("SetAdmin", *stmt);
    if (!touched.ok()) return touched.status();
    return *touched ? Status::Ok() : Status(Code::kNotFound, "no such user");
  });
}

Result<bool> SqlStore::HasAdmin() {
  return WithReader("HasAdmin", [&](Db& db) -> Result<bool> {
    Result<Statement> stmt = db.Prepare("SELECT EXISTS (SELECT 1 FROM users WHERE is_admin != 0)");
    if (!stmt.ok()) return StoreFailure("HasAdmin", stmt.status());
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("HasAdmin", row.status());
    return *row && stmt->ColumnInt(0) != 0;
  });
}

Result<std::vector<int64_t>> SqlStore::UserIdsAfter(int64_t after_id, int limit) {
  if (limit <= 0) return std::vector<int64_t>();
  return WithReader("UserIdsAfter", [&](Db& db) -> Result<std::vector<int64_t>> {
    Result<Statement> stmt = db.Prepare("SELECT id FROM users WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!stmt.ok()) return StoreFailure("UserIdsAfter", stmt.status());
    stmt->BindInt(1, after_id);
    stmt->BindInt(2, limit);
    std::vector<int64_t> ids;
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return StoreFailure("UserIdsAfter", row.status());
      if (!*row) return ids;
      ids.push_back(stmt->ColumnInt(0));
    }
  });
}

// --- devices ---

Result<Device> SqlStore::CreateDevice(const NewDevice& device) {
  return WithWriter("CreateDevice", [&](Db& db) -> Result<Device> {
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO devices (user_id, name, token_hash, created_at, last_seen_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?4, ?5) RETURNING id");
    if (!stmt.ok()) return StoreFailure("CreateDevice", stmt.status());
    stmt->BindInt(1, device.user_id);
    stmt->BindText(2, device.name);
    stmt->BindBlob(3, device.token_hash);
    stmt->BindInt(4, device.created_at);
    stmt->BindInt(5, device.expires_at);
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      if (stmt->IsUniqueViolation()) return Status(Code::kConflict, "token hash already in use");
      if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
      return StoreFailure("CreateDevice", row.status());
    }
    Device created{
        0, device.user_id, device.name, device.created_at, device.created_at, device.expires_at};
    created.id = stmt->ColumnInt(0);
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("CreateDevice", s);
    return created;
  });
}

Result<Device> SqlStore::FindDeviceByTokenHash(std::string_view token_hash, int64_t now) {
  return WithReader("FindDeviceByTokenHash", [&](Db& db) -> Result<Device> {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_DEVICE_COLUMNS
                                        " FROM devices WHERE token_hash = ?1 AND revoked = 0 "
                                        "AND expires_at > ?2");
    if (!stmt.ok()) return StoreFailure("FindDeviceByTokenHash", stmt.status());
    stmt->BindBlob(1, token_hash);
    stmt->BindInt(2, now);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindDeviceByTokenHash", row.status());
    if (!*row) return Status(Code::kNotFound, "no such device");
    return ReadDevice(*stmt);
  });
}

Result<std::vector<Device>> SqlStore::ListDevices(int64_t user_id, int64_t now) {
  return WithReader("ListDevices", [&](Db& db) -> Result<std::vector<Device>> {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_DEVICE_COLUMNS
                                        " FROM devices WHERE user_id = ?1 AND revoked = 0 "
                                        "AND expires_at > ?2 ORDER BY created_at DESC, id DESC");
    if (!stmt.ok()) return StoreFailure("ListDevices", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, now);
    return ReadAll("ListDevices", *stmt, &ReadDevice);
  });
}

Status SqlStore::RevokeDevice(int64_t user_id, int64_t device_id) {
  return WithWriter("RevokeDevice", [&](Db& db) -> Status {
    Result<Statement> stmt = db.Prepare(
        "UPDATE devices SET revoked = 1 WHERE id = ?2 AND user_id = ?1 AND revoked = 0 "
        "RETURNING id");
    if (!stmt.ok()) return StoreFailure("RevokeDevice", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, device_id);
    Result<bool> touched = RunReturning("RevokeDevice", *stmt);
    if (!touched.ok()) return touched.status();
    return *touched ? Status::Ok() : Status(Code::kNotFound, "no such device");
  });
}

Status SqlStore::RevokeOtherDevices(int64_t user_id, int64_t keep_device_id) {
  return WithWriter("RevokeOtherDevices", [&](Db& db) -> Status {
    Result<Statement> stmt = db.Prepare(
        "UPDATE devices SET revoked = 1 WHERE user_id = ?1 AND id != ?2 AND revoked = 0");
    if (!stmt.ok()) return StoreFailure("RevokeOtherDevices", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, keep_device_id);
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("RevokeOtherDevices", s);
    return Status::Ok();
  });
}

Status SqlStore::TouchDevice(int64_t device_id, int64_t now) {
  return WithWriter("TouchDevice", [&](Db& db) -> Status {
    // A late, out-of-order touch never moves last_seen_at back.
    Result<Statement> stmt = db.Prepare(
        "UPDATE devices SET last_seen_at = CASE WHEN last_seen_at > ?2 THEN last_seen_at "
        "ELSE ?2 END WHERE id = ?1 RETURNING id");
    if (!stmt.ok()) return StoreFailure("TouchDevice", stmt.status());
    stmt->BindInt(1, device_id);
    stmt->BindInt(2, now);
    Result<bool> touched = RunReturning("TouchDevice", *stmt);
    if (!touched.ok()) return touched.status();
    return *touched ? Status::Ok() : Status(Code::kNotFound, "no such device");
  });
}

}  // namespace parley::store::sql
