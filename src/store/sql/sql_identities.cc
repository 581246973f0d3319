// SqlStore: identities at OpenID Connect providers linked to accounts (migration 9).
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace parley::store::sql {
namespace {

OidcIdentity ReadIdentity(const Statement& stmt, int first) {
  return OidcIdentity{stmt.ColumnText(first), stmt.ColumnText(first + 1), stmt.ColumnInt(first + 2),
                      stmt.ColumnInt(first + 3)};
}

}  // namespace

Result<std::optional<int64_t>> SqlStore::FindIdentityUser(std::string_view provider,
                                                          std::string_view subject) {
  return WithReader("FindIdentityUser", [&](Db& db) -> Result<std::optional<int64_t>> {
    Result<Statement> stmt =
        db.Prepare("SELECT user_id FROM oidc_identities WHERE provider = ?1 AND subject = ?2");
    if (!stmt.ok()) return StoreFailure("FindIdentityUser", stmt.status());
    stmt->BindText(1, provider);
    stmt->BindText(2, subject);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindIdentityUser", row.status());
    if (!*row) return std::optional<int64_t>();
    return std::optional<int64_t>(stmt->ColumnInt(0));
  });
}

Status SqlStore::AddIdentity(const OidcIdentity& identity) {
  return WithWriter("AddIdentity", [&](Db& db) -> Status {
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO oidc_identities (provider, subject, user_id, created_at) "
        "VALUES (?1, ?2, ?3, ?4)");
    if (!stmt.ok()) return StoreFailure("AddIdentity", stmt.status());
    stmt->BindText(1, identity.provider);
    stmt->BindText(2, identity.subject);
    stmt->BindInt(3, identity.user_id);
    stmt->BindInt(4, identity.created_at);
    if (Status s = stmt->Run(); !s.ok()) {
      if (stmt->IsUniqueViolation()) return Status(Code::kConflict, "identity already linked");
      if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
      return StoreFailure("AddIdentity", s);
    }
    return Status::Ok();
  });
}

Result<std::vector<OidcIdentity>> SqlStore::ListIdentities(int64_t user_id) {
  return WithReader("ListIdentities", [&](Db& db) -> Result<std::vector<OidcIdentity>> {
    Result<Statement> stmt = db.Prepare(
        "SELECT provider, subject, user_id, created_at FROM oidc_identities WHERE user_id = ?1 "
        "ORDER BY created_at, provider, subject");
    if (!stmt.ok()) return StoreFailure("ListIdentities", stmt.status());
    stmt->BindInt(1, user_id);
    return ReadAll<OidcIdentity>("ListIdentities", *stmt, ReadIdentity);
  });
}

Status SqlStore::RemoveIdentity(int64_t user_id, std::string_view provider,
                                std::string_view subject) {
  return WithWriter("RemoveIdentity", [&](Db& db) -> Status {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) {
      return StoreFailure("RemoveIdentity", s);
    }
    // The ways in that would remain: a password, or another identity.
    Result<Statement> count = db.Prepare(
        "SELECT (SELECT count(*) FROM oidc_identities WHERE user_id = ?1 AND provider = ?2 AND "
        "subject = ?3), (SELECT password_hash <> '' FROM users WHERE id = ?1) + "
        "(SELECT count(*) FROM oidc_identities WHERE user_id = ?1 AND NOT (provider = ?2 AND "
        "subject = ?3))");
    if (!count.ok()) return StoreFailure("RemoveIdentity", count.status());
    count->BindInt(1, user_id);
    count->BindText(2, provider);
    count->BindText(3, subject);
    Result<bool> row = count->Step();
    if (!row.ok() || !*row) return StoreFailure("RemoveIdentity", row.status());
    if (count->ColumnInt(0) == 0) return Status(Code::kNotFound, "no such linked identity");
    if (count->ColumnInt(1) == 0) {
      return Status(Code::kForbidden, "the last way into the account cannot be unlinked");
    }
    count->Reset();
    Result<Statement> drop = db.Prepare(
        "DELETE FROM oidc_identities WHERE user_id = ?1 AND provider = ?2 AND subject = ?3");
    if (!drop.ok()) return StoreFailure("RemoveIdentity", drop.status());
    drop->BindInt(1, user_id);
    drop->BindText(2, provider);
    drop->BindText(3, subject);
    if (Status s = drop->Run(); !s.ok()) return StoreFailure("RemoveIdentity", s);
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("RemoveIdentity", s);
    return Status::Ok();
  });
}

}  // namespace parley::store::sql
