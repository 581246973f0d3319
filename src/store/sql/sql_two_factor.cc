// SqlStore: two-step sign-in, TOTP seeds and recovery codes (migration 7).
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace parley::store::sql {
namespace {

// Inserts the code hashes of a user (inside the caller's transaction).
Status InsertRecoveryCodes(Db& db, int64_t user_id, const std::vector<std::string>& hashes) {
  Result<Statement> insert = db.Prepare(
      "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2) ON CONFLICT DO NOTHING");
  if (!insert.ok()) return insert.status();
  for (const std::string& hash : hashes) {
    insert->BindInt(1, user_id);
    insert->BindBlob(2, hash);
    if (Status s = insert->Run(); !s.ok()) return s;
    insert->Reset();
  }
  return Status::Ok();
}

Status DeleteRecoveryCodes(Db& db, int64_t user_id) {
  Result<Statement> drop = db.Prepare("DELETE FROM recovery_codes WHERE user_id = ?1");
  if (!drop.ok()) return drop.status();
  drop->BindInt(1, user_id);
  return drop->Run();
}

}  // namespace

Result<std::optional<TotpSecret>> SqlStore::FindTotp(int64_t user_id) {
  return WithReader("FindTotp", [&](Db& db) -> Result<std::optional<TotpSecret>> {
    Result<Statement> stmt = db.Prepare(
        "SELECT sealed_seed, enabled, last_step, created_at FROM totp_secrets WHERE user_id = ?1");
    if (!stmt.ok()) return StoreFailure("FindTotp", stmt.status());
    stmt->BindInt(1, user_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindTotp", row.status());
    if (!*row) return std::optional<TotpSecret>();
    return std::optional<TotpSecret>(TotpSecret{user_id, stmt->ColumnText(0),
                                                stmt->ColumnInt(1) != 0, stmt->ColumnInt(2),
                                                stmt->ColumnInt(3)});
  });
}

Status SqlStore::StartTotp(int64_t user_id, std::string_view sealed_seed, int64_t now) {
  return WithWriter("StartTotp", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return StoreFailure("StartTotp", s);
    }
    Result<Statement> write = db.Prepare(
        "INSERT INTO totp_secrets (user_id, sealed_seed, enabled, last_step, created_at) "
        "VALUES (?1, ?2, 0, 0, ?3) ON CONFLICT (user_id) DO UPDATE SET "
        "sealed_seed = excluded.sealed_seed, last_step = 0, created_at = excluded.created_at "
        "WHERE totp_secrets.enabled = 0 RETURNING user_id");
    if (!write.ok()) return StoreFailure("StartTotp", write.status());
    write->BindInt(1, user_id);
    write->BindBlob(2, sealed_seed);
    write->BindInt(3, now);
    Result<bool> row = write->Step();
    if (!row.ok()) {
      if (write->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
      return StoreFailure("StartTotp", row.status());
    }
    if (Status s = write->Run(); !s.ok()) return StoreFailure("StartTotp", s);
    if (!*row) return Status(Code::kConflict, "two-step sign-in is already on");
    if (Status s = DeleteRecoveryCodes(db, user_id); !s.ok()) return StoreFailure("StartTotp", s);
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("StartTotp", s);
    return Status::Ok();
  });
}

Result<bool> SqlStore::EnableTotp(int64_t user_id, int64_t step,
                                  const std::vector<std::string>& recovery_code_hashes) {
  return WithWriter("EnableTotp", [&](Db& db) -> Result<bool> {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return StoreFailure("EnableTotp", s);
    }
    Result<Statement> enable = db.Prepare(
        "UPDATE totp_secrets SET enabled = 1, last_step = ?2 WHERE user_id = ?1 AND enabled = 0 "
        "RETURNING user_id");
    if (!enable.ok()) return StoreFailure("EnableTotp", enable.status());
    enable->BindInt(1, user_id);
    enable->BindInt(2, step);
    Result<bool> row = enable->Step();
    if (!row.ok()) return StoreFailure("EnableTotp", row.status());
    if (Status s = enable->Run(); !s.ok()) return StoreFailure("EnableTotp", s);
    if (!*row) return false;
    if (Status s = DeleteRecoveryCodes(db, user_id); !s.ok()) return StoreFailure("EnableTotp", s);
    if (Status s = InsertRecoveryCodes(db, user_id, recovery_code_hashes); !s.ok()) {
      return StoreFailure("EnableTotp", s);
    }
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("EnableTotp", s);
    return true;
  });
}

Result<bool> SqlStore::AcceptTotpStep(int64_t user_id, int64_t step) {
  return WithWriter("AcceptTotpStep", [&](Db& db) -> Result<bool> {
    // One statement: two requests with the same code cannot both see the old last_step.
    Result<Statement> stmt = db.Prepare(
        "UPDATE totp_secrets SET last_step = ?2 WHERE user_id = ?1 AND last_step < ?2 "
        "RETURNING user_id");
    if (!stmt.ok()) return StoreFailure("AcceptTotpStep", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, step);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("AcceptTotpStep", row.status());
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("AcceptTotpStep", s);
    return *row;
  });
}

Status SqlStore::RemoveTotp(int64_t user_id) {
  return WithWriter("RemoveTotp", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return StoreFailure("RemoveTotp", s);
    }
    Result<Statement> drop = db.Prepare("DELETE FROM totp_secrets WHERE user_id = ?1");
    if (!drop.ok()) return StoreFailure("RemoveTotp", drop.status());
    drop->BindInt(1, user_id);
    if (Status s = drop->Run(); !s.ok()) return StoreFailure("RemoveTotp", s);
    if (Status s = DeleteRecoveryCodes(db, user_id); !s.ok()) return StoreFailure("RemoveTotp", s);
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("RemoveTotp", s);
    return Status::Ok();
  });
}

Status SqlStore::ResealTotp(int64_t user_id, std::string_view sealed_seed) {
  return WithWriter("ResealTotp", [&](Db& db) -> Status {
    Result<Statement> stmt =
        db.Prepare("UPDATE totp_secrets SET sealed_seed = ?2 WHERE user_id = ?1 RETURNING user_id");
    if (!stmt.ok()) return StoreFailure("ResealTotp", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindBlob(2, sealed_seed);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("ResealTotp", row.status());
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("ResealTotp", s);
    if (!*row) return Status(Code::kNotFound, "no TOTP seed for this user");
    return Status::Ok();
  });
}

Result<std::vector<int64_t>> SqlStore::TotpUserIdsAfter(int64_t after_id, int limit) {
  return WithReader("TotpUserIdsAfter", [&](Db& db) -> Result<std::vector<int64_t>> {
    Result<Statement> stmt =
        db.Prepare("SELECT user_id FROM totp_secrets WHERE user_id > ?1 ORDER BY user_id LIMIT ?2");
    if (!stmt.ok()) return StoreFailure("TotpUserIdsAfter", stmt.status());
    stmt->BindInt(1, after_id);
    stmt->BindInt(2, limit);
    std::vector<int64_t> ids;
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return StoreFailure("TotpUserIdsAfter", row.status());
      if (!*row) break;
      ids.push_back(stmt->ColumnInt(0));
    }
    return ids;
  });
}

Status SqlStore::ReplaceRecoveryCodes(int64_t user_id,
                                      const std::vector<std::string>& code_hashes) {
  return WithWriter("ReplaceRecoveryCodes", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return StoreFailure("ReplaceRecoveryCodes", s);
    }
    if (Status s = DeleteRecoveryCodes(db, user_id); !s.ok()) {
      return StoreFailure("ReplaceRecoveryCodes", s);
    }
    if (Status s = InsertRecoveryCodes(db, user_id, code_hashes); !s.ok()) {
      return StoreFailure("ReplaceRecoveryCodes", s);
    }
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("ReplaceRecoveryCodes", s);
    return Status::Ok();
  });
}

Result<bool> SqlStore::TakeRecoveryCode(int64_t user_id, std::string_view code_hash) {
  return WithWriter("TakeRecoveryCode", [&](Db& db) -> Result<bool> {
    Result<Statement> stmt = db.Prepare(
        "DELETE FROM recovery_codes WHERE user_id = ?1 AND code_hash = ?2 RETURNING user_id");
    if (!stmt.ok()) return StoreFailure("TakeRecoveryCode", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindBlob(2, code_hash);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("TakeRecoveryCode", row.status());
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("TakeRecoveryCode", s);
    return *row;
  });
}

Result<int64_t> SqlStore::RecoveryCodeCount(int64_t user_id) {
  return WithReader("RecoveryCodeCount", [&](Db& db) -> Result<int64_t> {
    Result<Statement> stmt = db.Prepare("SELECT count(*) FROM recovery_codes WHERE user_id = ?1");
    if (!stmt.ok()) return StoreFailure("RecoveryCodeCount", stmt.status());
    stmt->BindInt(1, user_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("RecoveryCodeCount", row.status());
    return stmt->ColumnInt(0);
  });
}

}  // namespace parley::store::sql
