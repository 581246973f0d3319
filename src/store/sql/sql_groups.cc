// The SQLite store's group operations: the WriteTxn's group writes (on the writer connection,
// inside Store::Write) and the Store's group reads (on pooled read connections).
//
// A group is a row of `conversations` with kind 2; deleting one marks it deleted and drops its
// members, so nobody can read or send into it any more while its seq counter stays intact.
#include <utility>

#include "store/sql/rows.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_write_txn.h"

namespace parley::store::sql {
namespace {

constexpr const char* kGroupSelect =
    "SELECT id, name, topic, is_public, created_at, last_seq, "
    "(SELECT count(*) FROM members WHERE conversation_id = ?1) "
    "FROM conversations WHERE id = ?1 AND kind = 2 AND deleted = 0";

Result<Group> ReadGroup(std::string_view op, Db& db, int64_t conversation_id) {
  Result<Statement> stmt = db.Prepare(kGroupSelect);
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, conversation_id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  if (!*row) return Status(Code::kNotFound, "no such group");
  return Group{stmt->ColumnInt(0),      stmt->ColumnText(1), stmt->ColumnText(2),
               stmt->ColumnInt(3) != 0, stmt->ColumnInt(4),  stmt->ColumnInt(5),
               stmt->ColumnInt(6)};
}

// id, name, topic, is_public, created_at, last_seq, member count, member?, requested?
PublicGroup ReadPublicGroup(const Statement& row, int first) {
  return PublicGroup{
      Group{row.ColumnInt(first), row.ColumnText(first + 1), row.ColumnText(first + 2),
            row.ColumnInt(first + 3) != 0, row.ColumnInt(first + 4), row.ColumnInt(first + 5),
            row.ColumnInt(first + 6)},
      row.ColumnInt(first + 7) != 0, row.ColumnInt(first + 8) != 0};
}

JoinRequest ReadJoinRequest(const Statement& row, int first) {
  return JoinRequest{row.ColumnInt(first), row.ColumnInt(first + 1), row.ColumnInt(first + 2)};
}

#define PARLEY_INVITE_COLUMNS \
  "code, conversation_id, created_by, created_at, expires_at, max_uses, uses"

GroupInvite ReadInvite(const Statement& row, int first) {
  return GroupInvite{row.ColumnText(first),    row.ColumnInt(first + 1), row.ColumnInt(first + 2),
                     row.ColumnInt(first + 3), row.ColumnInt(first + 4), row.ColumnInt(first + 5),
                     row.ColumnInt(first + 6)};
}

GroupBan ReadBan(const Statement& row, int first) {
  return GroupBan{row.ColumnInt(first), row.ColumnInt(first + 1), row.ColumnInt(first + 2),
                  row.ColumnInt(first + 3)};
}

}  // namespace

// --- WriteTxn: group writes ---

Status SqlWriteTxn::RunGroupWrite(std::string_view op, std::string_view sql,
                                  const std::function<void(Statement&)>& bind, Status no_change,
                                  Status conflict, Status missing) {
  Result<bool> done = Guarded<bool>([&]() -> Result<bool> {
    Result<Statement> stmt = db_.Prepare(sql);
    if (!stmt.ok()) return StoreFailure(op, stmt.status());
    bind(*stmt);
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      if (stmt->IsUniqueViolation()) return conflict;
      if (stmt->IsForeignKeyViolation()) return missing;
      return StoreFailure(op, row.status());
    }
    if (!*row) return no_change.ok() ? Result<bool>(true) : Result<bool>(no_change);
    // Finish the statement (RETURNING yields a row per change). Stepping a finished statement
    // would run it again, so this happens only after a row.
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure(op, s);
    return true;
  });
  return done.ok() ? Status::Ok() : done.status();
}

Result<int64_t> SqlWriteTxn::CreateGroup(const Group& group) {
  return Guarded<int64_t>([&]() -> Result<int64_t> {
    Result<Statement> stmt = db_.Prepare(
        "INSERT INTO conversations (kind, created_at, last_activity_at, name, topic, is_public) "
        "VALUES (2, ?1, ?1, ?2, ?3, ?4) RETURNING id");
    if (!stmt.ok()) return StoreFailure("CreateGroup", stmt.status());
    stmt->BindInt(1, group.created_at);
    stmt->BindText(2, group.name);
    stmt->BindText(3, group.topic);
    stmt->BindInt(4, group.is_public ? 1 : 0);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("CreateGroup", row.status());
    if (!*row) return StoreFailure("CreateGroup", Status(Code::kInternal, "no id returned"));
    const int64_t id = stmt->ColumnInt(0);
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("CreateGroup", s);
    return id;
  });
}

Result<Group> SqlWriteTxn::FindGroup(int64_t conversation_id) {
  return Guarded<Group>([&] { return ReadGroup("FindGroup", db_, conversation_id); });
}

Status SqlWriteTxn::UpdateGroup(const Group& group) {
  return RunGroupWrite(
      "UpdateGroup",
      "UPDATE conversations SET name = ?2, topic = ?3, is_public = ?4 "
      "WHERE id = ?1 AND kind = 2 AND deleted = 0 RETURNING 1",
      [&](Statement& s) {
        s.BindInt(1, group.id);
        s.BindText(2, group.name);
        s.BindText(3, group.topic);
        s.BindInt(4, group.is_public ? 1 : 0);
      },
      Status(Code::kNotFound, "no such group"));
}

Status SqlWriteTxn::DeleteGroup(int64_t conversation_id) {
  auto bind = [&](Statement& s) { s.BindInt(1, conversation_id); };
  Status marked = RunGroupWrite(
      "DeleteGroup",
      "UPDATE conversations SET deleted = 1 WHERE id = ?1 AND kind = 2 AND deleted = 0 "
      "RETURNING 1",
      bind, Status(Code::kNotFound, "no such group"));
  if (!marked.ok()) return marked;
  for (const char* sql : {"DELETE FROM members WHERE conversation_id = ?1",
                          "DELETE FROM group_invites WHERE conversation_id = ?1",
                          "DELETE FROM group_bans WHERE conversation_id = ?1",
                          "DELETE FROM join_requests WHERE conversation_id = ?1"}) {
    if (Status s = RunGroupWrite("DeleteGroup", sql, bind, Status::Ok()); !s.ok()) return s;
  }
  return Status::Ok();
}

Status SqlWriteTxn::AddMember(int64_t conversation_id, const Member& member, int64_t joined_at) {
  return RunGroupWrite(
      "AddMember",
      "INSERT INTO members (conversation_id, user_id, delivered_seq, read_seq, joined_at, role, "
      "muted_until, first_seq) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7)",
      [&](Statement& s) {
        s.BindInt(1, conversation_id);
        s.BindInt(2, member.user_id);
        s.BindInt(3, member.first_seq - 1);
        s.BindInt(4, joined_at);
        s.BindInt(5, static_cast<int64_t>(member.role));
        s.BindInt(6, member.muted_until);
        s.BindInt(7, member.first_seq);
      },
      Status::Ok(), Status(Code::kConflict, "already a member"));
}

Status SqlWriteTxn::RemoveMember(int64_t conversation_id, int64_t user_id) {
  return RunGroupWrite(
      "RemoveMember", "DELETE FROM members WHERE conversation_id = ?1 AND user_id = ?2 RETURNING 1",
      [&](Statement& s) {
        s.BindInt(1, conversation_id);
        s.BindInt(2, user_id);
      },
      Status(Code::kNotFound, "not a member"));
}

Status SqlWriteTxn::UpdateMember(int64_t conversation_id, const Member& member) {
  return RunGroupWrite(
      "UpdateMember",
      "UPDATE members SET role = ?3, muted_until = ?4 "
      "WHERE conversation_id = ?1 AND user_id = ?2 RETURNING 1",
      [&](Statement& s) {
        s.BindInt(1, conversation_id);
        s.BindInt(2, member.user_id);
        s.BindInt(3, static_cast<int64_t>(member.role));
        s.BindInt(4, member.muted_until);
      },
      Status(Code::kNotFound, "not a member"));
}

Status SqlWriteTxn::CreateInvite(const GroupInvite& invite) {
  return RunGroupWrite(
      "CreateInvite",
      "INSERT INTO group_invites (code, conversation_id, created_by, created_at, expires_at, "
      "max_uses, uses) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
      [&](Statement& s) {
        s.BindText(1, invite.code);
        s.BindInt(2, invite.conversation_id);
        s.BindInt(3, invite.created_by);
        s.BindInt(4, invite.created_at);
        s.BindInt(5, invite.expires_at);
        s.BindInt(6, invite.max_uses);
      },
      Status::Ok(), Status(Code::kConflict, "invite code exists"),
      Status(Code::kNotFound, "no such group"));
}

Result<GroupInvite> SqlWriteTxn::FindInvite(std::string_view code) {
  return Guarded<GroupInvite>([&]() -> Result<GroupInvite> {
    Result<Statement> stmt =
        db_.Prepare("SELECT " PARLEY_INVITE_COLUMNS " FROM group_invites WHERE code = ?1");
    if (!stmt.ok()) return StoreFailure("FindInvite", stmt.status());
    stmt->BindText(1, code);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindInvite", row.status());
    if (!*row) return Status(Code::kNotFound, "no such invite");
    return ReadInvite(*stmt, 0);
  });
}

Status SqlWriteTxn::UseInvite(std::string_view code) {
  return RunGroupWrite(
      "UseInvite", "UPDATE group_invites SET uses = uses + 1 WHERE code = ?1 RETURNING 1",
      [&](Statement& s) { s.BindText(1, code); }, Status(Code::kNotFound, "no such invite"));
}

Result<bool> SqlWriteTxn::RemoveInvite(int64_t conversation_id, std::string_view code) {
  Status removed = RunGroupWrite(
      "RemoveInvite",
      "DELETE FROM group_invites WHERE conversation_id = ?1 AND code = ?2 RETURNING 1",
      [&](Statement& s) {
        s.BindInt(1, conversation_id);
        s.BindText(2, code);
      },
      Status(Code::kNotFound, "no such invite"));
  if (removed.code() == Code::kNotFound) return false;
  if (!removed.ok()) return removed;
  return true;
}

Result<bool> SqlWriteTxn::AddBan(const GroupBan& ban) {
  Status added = RunGroupWrite(
      "AddBan",
      "INSERT INTO group_bans (conversation_id, user_id, banned_by, created_at) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING RETURNING 1",
      [&](Statement& s) {
        s.BindInt(1, ban.conversation_id);
        s.BindInt(2, ban.user_id);
        s.BindInt(3, ban.banned_by);
        s.BindInt(4, ban.created_at);
      },
      Status(Code::kConflict, "banned already"));
  if (added.code() == Code::kConflict) return false;
  if (!added.ok()) return added;
  return true;
}

Result<bool> SqlWriteTxn::RemoveBan(int64_t conversation_id, int64_t user_id) {
  Result<int> removed = Change(
      "RemoveBan", "DELETE FROM group_bans WHERE conversation_id = ?1 AND user_id = ?2 RETURNING 1",
      conversation_id, user_id);
  if (!removed.ok()) return removed.status();
  return *removed > 0;
}

Result<bool> SqlWriteTxn::IsBanned(int64_t conversation_id, int64_t user_id) {
  return Exists("IsBanned", "SELECT 1 FROM group_bans WHERE conversation_id = ?1 AND user_id = ?2",
                conversation_id, user_id);
}

Status SqlWriteTxn::AddJoinRequest(const JoinRequest& request) {
  return RunGroupWrite(
      "AddJoinRequest",
      "INSERT INTO join_requests (conversation_id, user_id, created_at) VALUES (?1, ?2, ?3)",
      [&](Statement& s) {
        s.BindInt(1, request.conversation_id);
        s.BindInt(2, request.user_id);
        s.BindInt(3, request.created_at);
      },
      Status::Ok(), Status(Code::kConflict, "join request already pending"));
}

Status SqlWriteTxn::RemoveJoinRequest(int64_t conversation_id, int64_t user_id) {
  return RunGroupWrite(
      "RemoveJoinRequest",
      "DELETE FROM join_requests WHERE conversation_id = ?1 AND user_id = ?2 RETURNING 1",
      [&](Statement& s) {
        s.BindInt(1, conversation_id);
        s.BindInt(2, user_id);
      },
      Status(Code::kNotFound, "no such join request"));
}

// --- Store: group reads ---

Result<Group> SqlStore::FindGroup(int64_t conversation_id) {
  return WithReader("FindGroup",
                    [&](Db& db) { return ReadGroup("FindGroup", db, conversation_id); });
}

Result<std::vector<Member>> SqlStore::GroupMembers(int64_t conversation_id, int64_t after_user_id,
                                                   int limit) {
  if (limit <= 0) return std::vector<Member>();
  return WithReader("GroupMembers", [&](Db& db) -> Result<std::vector<Member>> {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_MEMBER_COLUMNS
                                        " FROM members WHERE conversation_id = ?1 AND "
                                        "user_id > ?2 ORDER BY user_id LIMIT ?3");
    if (!stmt.ok()) return StoreFailure("GroupMembers", stmt.status());
    stmt->BindInt(1, conversation_id);
    stmt->BindInt(2, after_user_id);
    stmt->BindInt(3, limit);
    return ReadAll("GroupMembers", *stmt, &ReadMember);
  });
}

Result<std::vector<JoinRequest>> SqlStore::JoinRequests(int64_t conversation_id) {
  return WithReader("JoinRequests", [&](Db& db) -> Result<std::vector<JoinRequest>> {
    Result<Statement> stmt = db.Prepare(
        "SELECT conversation_id, user_id, created_at FROM join_requests "
        "WHERE conversation_id = ?1 ORDER BY created_at, user_id");
    if (!stmt.ok()) return StoreFailure("JoinRequests", stmt.status());
    stmt->BindInt(1, conversation_id);
    return ReadAll("JoinRequests", *stmt, &ReadJoinRequest);
  });
}

Result<std::vector<PublicGroup>> SqlStore::PublicGroups(int64_t user_id, std::string_view query,
                                                        int64_t after_id, int limit) {
  if (limit <= 0) return std::vector<PublicGroup>();
  return WithReader("PublicGroups", [&](Db& db) -> Result<std::vector<PublicGroup>> {
    // A scan of the groups in id order, bounded by LIMIT (LIKE '%...%' uses no index).
    Result<Statement> stmt = db.Prepare(
        "SELECT id, name, topic, is_public, created_at, last_seq, "
        "(SELECT count(*) FROM members m WHERE m.conversation_id = c.id), "
        "EXISTS (SELECT 1 FROM members m WHERE m.conversation_id = c.id AND m.user_id = ?4), "
        "EXISTS (SELECT 1 FROM join_requests r WHERE r.conversation_id = c.id AND "
        "r.user_id = ?4) "
        "FROM conversations c WHERE kind = 2 AND deleted = 0 AND is_public = 1 AND id > ?2 AND "
        "(lower(name) LIKE ?1 ESCAPE '\\' OR lower(topic) LIKE ?1 ESCAPE '\\') AND NOT EXISTS "
        "(SELECT 1 FROM group_bans b WHERE b.conversation_id = c.id AND b.user_id = ?4) "
        "ORDER BY id LIMIT ?3");
    if (!stmt.ok()) return StoreFailure("PublicGroups", stmt.status());
    stmt->BindText(1, ContainsPattern(query));
    stmt->BindInt(2, after_id);
    stmt->BindInt(3, limit);
    stmt->BindInt(4, user_id);
    return ReadAll("PublicGroups", *stmt, &ReadPublicGroup);
  });
}

Result<std::vector<GroupInvite>> SqlStore::GroupInvites(int64_t conversation_id, int64_t now) {
  return WithReader("GroupInvites", [&](Db& db) -> Result<std::vector<GroupInvite>> {
    Result<Statement> stmt =
        db.Prepare("SELECT " PARLEY_INVITE_COLUMNS
                   " FROM group_invites WHERE conversation_id = ?1 AND expires_at > ?2 AND "
                   "(max_uses = 0 OR uses < max_uses) ORDER BY created_at, code");
    if (!stmt.ok()) return StoreFailure("GroupInvites", stmt.status());
    stmt->BindInt(1, conversation_id);
    stmt->BindInt(2, now);
    return ReadAll("GroupInvites", *stmt, &ReadInvite);
  });
}

Result<std::vector<GroupBan>> SqlStore::GroupBans(int64_t conversation_id) {
  return WithReader("GroupBans", [&](Db& db) -> Result<std::vector<GroupBan>> {
    Result<Statement> stmt = db.Prepare(
        "SELECT conversation_id, user_id, banned_by, created_at FROM group_bans "
        "WHERE conversation_id = ?1 ORDER BY created_at, user_id");
    if (!stmt.ok()) return StoreFailure("GroupBans", stmt.status());
    stmt->BindInt(1, conversation_id);
    return ReadAll("GroupBans", *stmt, &ReadBan);
  });
}

}  // namespace parley::store::sql
