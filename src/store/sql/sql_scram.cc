// SqlStore: SCRAM-SHA-256 credentials (migration 15).
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace parley::store::sql {

Result<std::optional<ScramCredentials>> SqlStore::FindScramCredentials(int64_t user_id) {
  return WithReader("FindScramCredentials", [&](Db& db) -> Result<std::optional<ScramCredentials>> {
    Result<Statement> stmt = db.Prepare(
        "SELECT salt, iterations, stored_key, server_key FROM scram_credentials "
        "WHERE user_id = ?1");
    if (!stmt.ok()) return StoreFailure("FindScramCredentials", stmt.status());
    stmt->BindInt(1, user_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindScramCredentials", row.status());
    if (!*row) return std::optional<ScramCredentials>();
    return std::optional<ScramCredentials>(ScramCredentials{
        stmt->ColumnText(0), stmt->ColumnInt(1), stmt->ColumnText(2), stmt->ColumnText(3)});
  });
}

Status SqlStore::SetScramCredentials(int64_t user_id, const ScramCredentials& credentials) {
  return WithWriter("SetScramCredentials", [&](Db& db) -> Status {
    Result<Statement> stmt = db.Prepare(
        "INSERT INTO scram_credentials (user_id, salt, iterations, stored_key, server_key) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (user_id) DO UPDATE SET salt = excluded.salt, "
        "iterations = excluded.iterations, stored_key = excluded.stored_key, "
        "server_key = excluded.server_key");
    if (!stmt.ok()) return StoreFailure("SetScramCredentials", stmt.status());
    stmt->BindInt(1, user_id);
    stmt->BindBlob(2, credentials.salt);
    stmt->BindInt(3, credentials.iterations);
    stmt->BindBlob(4, credentials.stored_key);
    stmt->BindBlob(5, credentials.server_key);
    if (Status s = stmt->Run(); !s.ok()) {
      if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
      return StoreFailure("SetScramCredentials", s);
    }
    return Status::Ok();
  });
}

}  // namespace parley::store::sql
