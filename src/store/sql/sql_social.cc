// The SqlStore's social graph reads: user search, friends, friend requests, blocks and
// conversation member ids. They run on pooled read connections and never wait for the writer.
#include <string>
#include <utility>

#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace parley::store::sql {
namespace {

User ReadPublicUser(const Statement& row, int first) {
  User user = ReadUser(row, first);
  user.password_hash.clear();
  return user;
}

FriendRequest ReadFriendRequest(const Statement& row, int first) {
  return FriendRequest{row.ColumnInt(first), row.ColumnInt(first + 1), row.ColumnText(first + 2),
                       row.ColumnInt(first + 3)};
}

Relation ReadRelation(const Statement& row, int first) {
  return Relation{ReadPublicUser(row, first), row.ColumnInt(first + kUserColumnCount)};
}

}  // namespace

Result<std::vector<User>> SqlStore::SearchUsers(std::string_view query, int64_t after_id,
                                                int limit) {
  if (limit <= 0) return std::vector<User>();
  return WithReader("SearchUsers", [&](Db& db) -> Result<std::vector<User>> {
    // ASCII case-insensitive (ContainsPattern); a scan, bounded by LIMIT over the id order.
    Result<Statement> stmt =
        db.Prepare("SELECT " PARLEY_USER_COLUMNS
                   " FROM users WHERE id > ?2 AND (lower(username) LIKE ?1 ESCAPE '\\' "
                   "OR lower(display_name) LIKE ?1 ESCAPE '\\') ORDER BY id LIMIT ?3");
    if (!stmt.ok()) return StoreFailure("SearchUsers", stmt.status());
    stmt->BindText(1, ContainsPattern(query));
    stmt->BindInt(2, after_id);
    stmt->BindInt(3, limit);
    return ReadAll("SearchUsers", *stmt, &ReadPublicUser);
  });
}

Result<std::vector<Relation>> SqlStore::ListRelations(std::string_view op, std::string_view sql,
                                                      int64_t user_id) {
  return WithReader(op, [&](Db& db) -> Result<std::vector<Relation>> {
    Result<Statement> stmt = db.Prepare(sql);
    if (!stmt.ok()) return StoreFailure(op, stmt.status());
    stmt->BindInt(1, user_id);
    return ReadAll(op, *stmt, &ReadRelation);
  });
}

Result<std::vector<Relation>> SqlStore::ListFriends(int64_t user_id) {
  return ListRelations("ListFriends",
                       "SELECT " PARLEY_USER_COLUMNS
                       ", since FROM users JOIN (SELECT friend_id AS other, since FROM "
                       "friendships WHERE user_id = ?1) AS f ON id = other ORDER BY id",
                       user_id);
}

Result<std::vector<Relation>> SqlStore::ListBlocks(int64_t user_id) {
  return ListRelations("ListBlocks",
                       "SELECT " PARLEY_USER_COLUMNS
                       ", since FROM users JOIN (SELECT blocked_id AS other, created_at AS since "
                       "FROM blocks WHERE blocker_id = ?1) AS b ON id = other ORDER BY id",
                       user_id);
}

Result<FriendRequests> SqlStore::ListFriendRequests(int64_t user_id) {
  return WithReader("ListFriendRequests", [&](Db& db) -> Result<FriendRequests> {
    Transaction txn(db);  // both directions from one snapshot
    if (Status s = txn.Begin(TransactionMode::kRead); !s.ok()) {
      return StoreFailure("ListFriendRequests", s);
    }
    FriendRequests requests;
    for (bool incoming : {true, false}) {
      Result<Statement> stmt =
          db.Prepare(incoming ? "SELECT from_id, to_id, note, created_at FROM friend_requests "
                                "WHERE to_id = ?1 ORDER BY created_at DESC, from_id DESC"
                              : "SELECT from_id, to_id, note, created_at FROM friend_requests "
                                "WHERE from_id = ?1 ORDER BY created_at DESC, to_id DESC");
      if (!stmt.ok()) return StoreFailure("ListFriendRequests", stmt.status());
      stmt->BindInt(1, user_id);
      auto rows = ReadAll("ListFriendRequests", *stmt, &ReadFriendRequest);
      if (!rows.ok()) return rows.status();
      (incoming ? requests.incoming : requests.outgoing) = std::move(*rows);
    }
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("ListFriendRequests", s);
    return requests;
  });
}

Result<std::vector<int64_t>> SqlStore::MemberIds(int64_t conversation_id) {
  return WithReader("MemberIds", [&](Db& db) -> Result<std::vector<int64_t>> {
    Result<Statement> stmt =
        db.Prepare("SELECT user_id FROM members WHERE conversation_id = ?1 ORDER BY user_id");
    if (!stmt.ok()) return StoreFailure("MemberIds", stmt.status());
    stmt->BindInt(1, conversation_id);
    std::vector<int64_t> ids;
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return StoreFailure("MemberIds", row.status());
      if (!*row) return ids;
      ids.push_back(stmt->ColumnInt(0));
    }
  });
}

}  // namespace parley::store::sql
