// WriteTxn::EraseAccount of the SQLite store: what deleting an account removes and keeps
// (docs/protocol.md, "Deleting the account"), in one savepoint.
#include <string>
#include <utility>
#include <vector>

#include "store/sql/sql_write_txn.h"

namespace parley::store::sql {
namespace {

constexpr std::string_view kEraseAccountOp = "EraseAccount";

// The rows `sql` (with ?1 bound to `id`) yields, each read by `read`.
template <typename T>
Result<std::vector<T>> Collect(Db& db, std::string_view sql, int64_t id,
                               T (*read)(const Statement&, int)) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return StoreFailure(kEraseAccountOp, stmt.status());
  stmt->BindInt(1, id);
  return ReadAll<T>(kEraseAccountOp, *stmt, read);
}

std::pair<int64_t, int64_t> ReadSeqKey(const Statement& s, int) {
  return {s.ColumnInt(0), s.ColumnInt(1)};
}
int64_t ReadId(const Statement& s, int) { return s.ColumnInt(0); }
std::string ReadText(const Statement& s, int) { return s.ColumnText(0); }

// Rows that only describe the user, removed whole. ?1 is the user id.
constexpr const char* kRemovedRows[] = {
    "UPDATE messages SET text = '' WHERE sender_id = ?1 AND kind = 5",  // reaction ops' emoji
    "DELETE FROM reactions WHERE user_id = ?1",
    "DELETE FROM moment_likes WHERE user_id = ?1",
    "DELETE FROM moment_comments WHERE user_id = ?1",
    "DELETE FROM friend_requests WHERE from_id = ?1 OR to_id = ?1",
    "DELETE FROM friendships WHERE user_id = ?1 OR friend_id = ?1",
    "DELETE FROM blocks WHERE blocker_id = ?1 OR blocked_id = ?1",
    "DELETE FROM group_invites WHERE created_by = ?1",
    "DELETE FROM join_requests WHERE user_id = ?1",
    "DELETE FROM group_bans WHERE user_id = ?1",
    "DELETE FROM devices WHERE user_id = ?1",
    "DELETE FROM account_emails WHERE user_id = ?1",
    "DELETE FROM account_tokens WHERE user_id = ?1",
    "DELETE FROM totp_secrets WHERE user_id = ?1",
    "DELETE FROM scram_credentials WHERE user_id = ?1",
    "DELETE FROM recovery_codes WHERE user_id = ?1",
    "DELETE FROM oidc_identities WHERE user_id = ?1",
    // Reports stay for the admins, without what was copied into them: what they showed when
    // reporting, and the text of a message of theirs someone reported.
    "UPDATE reports SET message_kind = '', message_text = '', group_name = '', group_topic = '', "
    "group_public = 0, group_members = 0 WHERE reporter_id = ?1",
    "UPDATE reports SET message_kind = '', message_text = '' WHERE user_id = ?1 AND "
    "conversation_id <> 0",
    // Their files become strays that MediaService::CleanUp removes.
    "DELETE FROM uploads WHERE owner_id = ?1",
};

}  // namespace

Result<std::vector<std::string>> SqlWriteTxn::EraseAccount(int64_t user_id,
                                                           std::string_view shown_name) {
  return Guarded<std::vector<std::string>>([&] {
    return InSavepoint<std::vector<std::string>>(
        kEraseAccountOp, [&]() -> Result<std::vector<std::string>> {
          // Content they wrote (texts and notices; group events stay: they name ids only).
          auto sent = Collect(db_,
                              "SELECT conversation_id, seq FROM messages WHERE sender_id = ?1 "
                              "AND kind IN (0, 2) AND deleted = 0",
                              user_id, &ReadSeqKey);
          if (!sent.ok()) return sent.status();
          for (const auto& [conversation_id, seq] : *sent) {
            if (Status s = DeleteMessage(conversation_id, seq); !s.ok()) return s;
          }
          auto moments = Collect(db_, "SELECT id FROM moments WHERE author_id = ?1 AND deleted = 0",
                                 user_id, &ReadId);
          if (!moments.ok()) return moments.status();
          for (int64_t moment_id : *moments) {
            if (Status s = DeleteMoment(moment_id); !s.ok()) return s;
          }
          auto media = Collect(db_, "SELECT id FROM media WHERE owner_id = ?1", user_id, &ReadText);
          if (!media.ok()) return media.status();
          std::vector<std::string> unused_digests;
          for (const std::string& media_id : *media) {
            auto freed = RemoveMedia(media_id);
            if (!freed.ok()) return freed.status();
            for (std::string& digest : *freed) unused_digests.push_back(std::move(digest));
          }
          for (const char* sql : kRemovedRows) {
            Result<Statement> stmt = db_.Prepare(sql);
            if (!stmt.ok()) return StoreFailure(kEraseAccountOp, stmt.status());
            stmt->BindInt(1, user_id);
            if (Status s = stmt->Run(); !s.ok()) return StoreFailure(kEraseAccountOp, s);
          }
          // The row stays (messages, members and events name it); its username is freed: a
          // '~' no registration accepts keeps the placeholder unique and unclaimable.
          Result<Statement> user = db_.Prepare(
              "UPDATE users SET username = '~deleted-' || id, display_name = ?2, "
              "password_hash = '', avatar = '', status_line = '', language = '', time_zone = '', "
              "is_admin = 0, last_seen_at = 0 WHERE id = ?1 RETURNING 1");
          if (!user.ok()) return StoreFailure(kEraseAccountOp, user.status());
          user->BindInt(1, user_id);
          user->BindText(2, shown_name);
          Result<bool> found = user->Step();
          if (!found.ok()) return StoreFailure(kEraseAccountOp, found.status());
          if (!*found) return Status(Code::kNotFound, "no such user");
          return unused_digests;
        });
  });
}

}  // namespace parley::store::sql
