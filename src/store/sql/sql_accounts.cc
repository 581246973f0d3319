// SqlStore: account e-mail addresses and single-use tokens (migration 6).
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace parley::store::sql {

Result<std::optional<AccountEmail>> SqlStore::FindEmail(int64_t user_id) {
  return WithReader("FindEmail", [&](Db& db) -> Result<std::optional<AccountEmail>> {
    Result<Statement> stmt =
        db.Prepare("SELECT address, verified, changed_at FROM account_emails WHERE user_id = ?1");
    if (!stmt.ok()) return StoreFailure("FindEmail", stmt.status());
    stmt->BindInt(1, user_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindEmail", row.status());
    if (!*row) return std::optional<AccountEmail>();
    return std::optional<AccountEmail>(
        AccountEmail{user_id, stmt->ColumnText(0), stmt->ColumnInt(1) != 0, stmt->ColumnInt(2)});
  });
}

Status SqlStore::SetEmail(int64_t user_id, std::string_view address, int64_t now) {
  return WithWriter("SetEmail", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return StoreFailure("SetEmail", s);
    }
    Result<Statement> exists = db.Prepare("SELECT 1 FROM users WHERE id = ?1");
    if (!exists.ok()) return StoreFailure("SetEmail", exists.status());
    exists->BindInt(1, user_id);
    Result<bool> found = exists->Step();
    if (!found.ok()) return StoreFailure("SetEmail", found.status());
    if (!*found) return Status(Code::kNotFound, "no such user");
    exists->Reset();
    Result<Statement> write =
        address.empty()
            ? db.Prepare("DELETE FROM account_emails WHERE user_id = ?1")
            : db.Prepare(
                  "INSERT INTO account_emails (user_id, address, verified, changed_at) "
                  "VALUES (?1, ?2, 0, ?3) ON CONFLICT (user_id) DO UPDATE SET "
                  "address = excluded.address, verified = 0, changed_at = excluded.changed_at");
    if (!write.ok()) return StoreFailure("SetEmail", write.status());
    write->BindInt(1, user_id);
    if (!address.empty()) {
      write->BindText(2, address);
      write->BindInt(3, now);
    }
    if (Status s = write->Run(); !s.ok()) return StoreFailure("SetEmail", s);
    Result<Statement> drop =
        db.Prepare("DELETE FROM account_tokens WHERE user_id = ?1 AND purpose = ?2");
    if (!drop.ok()) return StoreFailure("SetEmail", drop.status());
    drop->BindInt(1, user_id);
    drop->BindInt(2, static_cast<int64_t>(TokenPurpose::kVerifyEmail));
    if (Status s = drop->Run(); !s.ok()) return StoreFailure("SetEmail", s);
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("SetEmail", s);
    return Status::Ok();
  });
}

Result<bool> SqlStore::MarkEmailVerified(int64_t user_id, std::string_view address) {
  return WithWriter("MarkEmailVerified", [&](Db& db) -> Result<bool> {
    // `address = ?2` compares case-blind (the column is NOCASE, citext on PostgreSQL); the
    // exact spelling must match too, so that the address verified is the address shown.
    // `address || ''` is no longer the column, so it compares byte for byte on both databases.
    Result<Statement> stmt = db.Prepare(
        "UPDATE account_emails SET verified = 1 "
        "WHERE user_id = ?1 AND address = ?2 AND address || '' = ?2 RETURNING user_id");
    if (!stmt.ok()) return StoreFailure("MarkEmailVerified", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindText(2, address);
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      if (stmt->IsUniqueViolation()) {
        return Status(Code::kConflict, "another account uses this e-mail address");
      }
      return StoreFailure("MarkEmailVerified", row.status());
    }
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("MarkEmailVerified", s);
    return *row;
  });
}

Result<std::optional<int64_t>> SqlStore::UserWithVerifiedEmail(std::string_view address) {
  return WithReader("UserWithVerifiedEmail", [&](Db& db) -> Result<std::optional<int64_t>> {
    Result<Statement> stmt =
        db.Prepare("SELECT user_id FROM account_emails WHERE address = ?1 AND verified != 0");
    if (!stmt.ok()) return StoreFailure("UserWithVerifiedEmail", stmt.status());
    stmt->BindText(1, address);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("UserWithVerifiedEmail", row.status());
    if (!*row) return std::optional<int64_t>();
    return std::optional<int64_t>(stmt->ColumnInt(0));
  });
}

Status SqlStore::AddToken(const OneTimeToken& token) {
  return WithWriter("AddToken", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return StoreFailure("AddToken", s);
    }
    Result<Statement> expired =
        db.Prepare("DELETE FROM account_tokens WHERE user_id = ?1 AND expires_at <= ?2");
    if (!expired.ok()) return StoreFailure("AddToken", expired.status());
    expired->BindInt(1, token.user_id);
    expired->BindInt(2, token.created_at);
    if (Status s = expired->Run(); !s.ok()) return StoreFailure("AddToken", s);
    Result<Statement> insert = db.Prepare(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, address, created_at, "
        "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (!insert.ok()) return StoreFailure("AddToken", insert.status());
    insert->BindBlob(1, token.token_hash);
    insert->BindInt(2, token.user_id);
    insert->BindInt(3, static_cast<int64_t>(token.purpose));
    insert->BindText(4, token.address);
    insert->BindInt(5, token.created_at);
    insert->BindInt(6, token.expires_at);
    if (Status s = insert->Run(); !s.ok()) {
      if (insert->IsUniqueViolation()) return Status(Code::kConflict, "token exists");
      if (insert->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
      return StoreFailure("AddToken", s);
    }
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("AddToken", s);
    return Status::Ok();
  });
}

Result<std::optional<OneTimeToken>> SqlStore::TakeToken(std::string_view token_hash,
                                                        TokenPurpose purpose, int64_t now) {
  return WithWriter("TakeToken", [&](Db& db) -> Result<std::optional<OneTimeToken>> {
    // DELETE ... RETURNING takes the token in one statement: two concurrent uses cannot both
    // see it.
    Result<Statement> stmt = db.Prepare(
        "DELETE FROM account_tokens WHERE token_hash = ?1 AND purpose = ?2 "
        "RETURNING user_id, address, created_at, expires_at");
    if (!stmt.ok()) return StoreFailure("TakeToken", stmt.status());
    stmt->BindBlob(1, token_hash);
    stmt->BindInt(2, static_cast<int64_t>(purpose));
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("TakeToken", row.status());
    std::optional<OneTimeToken> taken;
    if (*row) {
      taken = OneTimeToken{std::string(token_hash), stmt->ColumnInt(0), purpose,
                           stmt->ColumnText(1),     stmt->ColumnInt(2), stmt->ColumnInt(3)};
    }
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("TakeToken", s);
    if (taken && taken->expires_at <= now) taken.reset();
    return taken;
  });
}

Status SqlStore::RemoveTokens(int64_t user_id, TokenPurpose purpose) {
  return WithWriter("RemoveTokens", [&](Db& db) -> Status {
    Result<Statement> stmt =
        db.Prepare("DELETE FROM account_tokens WHERE user_id = ?1 AND purpose = ?2");
    if (!stmt.ok()) return StoreFailure("RemoveTokens", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindInt(2, static_cast<int64_t>(purpose));
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("RemoveTokens", s);
    return Status::Ok();
  });
}

}  // namespace parley::store::sql
