// SqlWriteTxn's social graph operations: friend requests, friendships (stored in both
// directions), blocks, profiles and last-seen times. Each runs inside the caller's Write.
#include <algorithm>

#include "store/sql/rows.h"
#include "store/sql/sql_write_txn.h"

namespace parley::store::sql {

Result<int> SqlWriteTxn::Change(std::string_view op, std::string_view sql, int64_t first,
                                int64_t second, std::optional<int64_t> third) {
  return Guarded<int>([&]() -> Result<int> {
    Result<Statement> stmt = db_.Prepare(sql);
    if (!stmt.ok()) return StoreFailure(op, stmt.status());
    stmt->BindInt(1, first);
    stmt->BindInt(2, second);
    if (third) stmt->BindInt(3, *third);
    int changed = 0;
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) {
        if (stmt->IsUniqueViolation()) return Status(Code::kConflict, "already exists");
        if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
        return StoreFailure(op, row.status());
      }
      if (!*row) return changed;
      ++changed;
    }
  });
}

Result<User> SqlWriteTxn::FindUser(int64_t user_id) {
  return Guarded<User>([&]() -> Result<User> {
    Result<Statement> stmt = db_.Prepare("SELECT " PARLEY_USER_COLUMNS " FROM users WHERE id = ?1");
    if (!stmt.ok()) return StoreFailure("FindUser", stmt.status());
    stmt->BindInt(1, user_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindUser", row.status());
    if (!*row) return Status(Code::kNotFound, "no such user");
    return ReadUser(*stmt);
  });
}

Result<std::optional<FriendRequest>> SqlWriteTxn::FindFriendRequest(int64_t from_id,
                                                                    int64_t to_id) {
  using R = std::optional<FriendRequest>;
  return Guarded<R>([&]() -> Result<R> {
    Result<Statement> stmt = db_.Prepare(
        "SELECT note, created_at FROM friend_requests WHERE from_id = ?1 AND to_id = ?2");
    if (!stmt.ok()) return StoreFailure("FindFriendRequest", stmt.status());
    stmt->BindInt(1, from_id);
    stmt->BindInt(2, to_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindFriendRequest", row.status());
    if (!*row) return R();
    return R(FriendRequest{from_id, to_id, stmt->ColumnText(0), stmt->ColumnInt(1)});
  });
}

Status SqlWriteTxn::AddFriendRequest(const FriendRequest& request) {
  Result<bool> done = Guarded<bool>([&]() -> Result<bool> {
    Result<Statement> stmt = db_.Prepare(
        "INSERT INTO friend_requests (from_id, to_id, note, created_at) VALUES (?1, ?2, ?3, ?4)");
    if (!stmt.ok()) return StoreFailure("AddFriendRequest", stmt.status());
    stmt->BindInt(1, request.from_id);
    stmt->BindInt(2, request.to_id);
    stmt->BindText(3, request.note);
    stmt->BindInt(4, request.created_at);
    if (Status s = stmt->Run(); !s.ok()) {
      if (stmt->IsUniqueViolation()) return Status(Code::kConflict, "friend request already sent");
      if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
      return StoreFailure("AddFriendRequest", s);
    }
    return true;
  });
  return done.ok() ? Status::Ok() : done.status();
}

Result<bool> SqlWriteTxn::RemoveFriendRequest(int64_t from_id, int64_t to_id) {
  Result<int> changed = Change("RemoveFriendRequest",
                               "DELETE FROM friend_requests WHERE from_id = ?1 AND to_id = ?2 "
                               "RETURNING 1",
                               from_id, to_id);
  if (!changed.ok()) return changed.status();
  return *changed > 0;
}

Status SqlWriteTxn::AddFriendship(int64_t user_a, int64_t user_b, int64_t since) {
  Result<int> changed = Guarded<int>([&] {
    return InSavepoint<int>("AddFriendship", [&] {
      return Change("AddFriendship",
                    "INSERT INTO friendships (user_id, friend_id, since) VALUES (?1, ?2, ?3), "
                    "(?2, ?1, ?3) RETURNING 1",
                    user_a, user_b, since);
    });
  });
  if (!changed.ok() && changed.status().code() == Code::kConflict) {
    return Status(Code::kConflict, "already friends");
  }
  return changed.ok() ? Status::Ok() : changed.status();
}

Result<bool> SqlWriteTxn::RemoveFriendship(int64_t user_a, int64_t user_b) {
  Result<int> changed = Change("RemoveFriendship",
                               "DELETE FROM friendships WHERE (user_id = ?1 AND friend_id = ?2) "
                               "OR (user_id = ?2 AND friend_id = ?1) RETURNING 1",
                               user_a, user_b);
  if (!changed.ok()) return changed.status();
  return *changed > 0;
}

Result<bool> SqlWriteTxn::AddBlock(int64_t blocker, int64_t blocked, int64_t at) {
  Result<int> changed = Change("AddBlock",
                               "INSERT INTO blocks (blocker_id, blocked_id, created_at) "
                               "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING RETURNING 1",
                               blocker, blocked, at);
  if (!changed.ok()) return changed.status();
  return *changed > 0;
}

Result<bool> SqlWriteTxn::RemoveBlock(int64_t blocker, int64_t blocked) {
  Result<int> changed = Change("RemoveBlock",
                               "DELETE FROM blocks WHERE blocker_id = ?1 AND blocked_id = ?2 "
                               "RETURNING 1",
                               blocker, blocked);
  if (!changed.ok()) return changed.status();
  return *changed > 0;
}

Result<User> SqlWriteTxn::UpdateProfile(int64_t user_id, const ProfileUpdate& update) {
  return Guarded<User>([&]() -> Result<User> {
    // NULL keeps a column as it is: one statement serves every partial update.
    Result<Statement> stmt = db_.Prepare(
        "UPDATE users SET display_name = coalesce(?2, display_name), "
        "avatar = coalesce(?3, avatar), status_line = coalesce(?4, status_line), "
        "language = coalesce(?5, language), time_zone = coalesce(?6, time_zone) "
        "WHERE id = ?1 RETURNING " PARLEY_USER_COLUMNS);
    if (!stmt.ok()) return StoreFailure("UpdateProfile", stmt.status());
    stmt->BindInt(1, user_id);
    const std::optional<std::string>* fields[] = {&update.display_name, &update.avatar,
                                                  &update.status_line, &update.language,
                                                  &update.time_zone};
    for (int i = 0; i < 5; ++i) {
      if (*fields[i]) stmt->BindText(i + 2, **fields[i]);  // unbound parameters are NULL
    }
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("UpdateProfile", row.status());
    if (!*row) return Status(Code::kNotFound, "no such user");
    User user = ReadUser(*stmt);
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure("UpdateProfile", s);
    return user;
  });
}

Status SqlWriteTxn::SetLastSeen(int64_t user_id, int64_t at) {
  Result<int> changed = Change("SetLastSeen",
                               "UPDATE users SET last_seen_at = CASE WHEN last_seen_at > ?2 "
                               "THEN last_seen_at ELSE ?2 END "
                               "WHERE id = ?1 RETURNING 1",
                               user_id, at);
  if (!changed.ok()) return changed.status();
  return *changed > 0 ? Status::Ok() : Status(Code::kNotFound, "no such user");
}

Result<std::vector<int64_t>> SqlWriteTxn::FriendIds(int64_t user_id) {
  return Guarded<std::vector<int64_t>>([&]() -> Result<std::vector<int64_t>> {
    Result<Statement> stmt =
        db_.Prepare("SELECT friend_id FROM friendships WHERE user_id = ?1 ORDER BY friend_id");
    if (!stmt.ok()) return StoreFailure("FriendIds", stmt.status());
    stmt->BindInt(1, user_id);
    std::vector<int64_t> ids;
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return StoreFailure("FriendIds", row.status());
      if (!*row) return ids;
      ids.push_back(stmt->ColumnInt(0));
    }
  });
}

}  // namespace parley::store::sql
