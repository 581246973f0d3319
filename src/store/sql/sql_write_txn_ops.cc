// SqlWriteTxn: message operations (edit, delete, reactions) and queueing for the search index.
#include <utility>

#include "store/sql/sql_write_txn.h"

namespace parley::store::sql {
namespace {

// A message's key in search_queue and its rowid in the search index (search_index.h):
// conversations and seqs both stay below 2^31 in practice, and a conversation's messages form
// one rowid range.
int64_t SearchRowid(int64_t conversation_id, int64_t seq) { return (conversation_id << 32) | seq; }

}  // namespace

Result<std::optional<Message>> SqlWriteTxn::FindMessage(int64_t conversation_id, int64_t seq) {
  using R = std::optional<Message>;
  return Guarded<R>([&]() -> Result<R> {
    Result<Statement> stmt = db_.Prepare("SELECT " PARLEY_MESSAGE_COLUMNS
                                         " FROM messages WHERE conversation_id = ?1 AND seq = ?2");
    if (!stmt.ok()) return StoreFailure("FindMessage", stmt.status());
    stmt->BindInt(1, conversation_id);
    stmt->BindInt(2, seq);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindMessage", row.status());
    if (!*row) return R();
    return R(ReadMessage(*stmt));
  });
}

Status SqlWriteTxn::EditMessage(int64_t conversation_id, int64_t seq, std::string_view text,
                                int64_t edited_at) {
  constexpr std::string_view kOp = "EditMessage";
  Result<int> edited = Guarded<int>([&] {
    return InSavepoint<int>(kOp, [&]() -> Result<int> {
      Result<Statement> stmt = db_.Prepare(
          "UPDATE messages SET text = ?3, edited_at = ?4 "
          "WHERE conversation_id = ?1 AND seq = ?2 RETURNING kind");
      if (!stmt.ok()) return StoreFailure(kOp, stmt.status());
      stmt->BindInt(1, conversation_id);
      stmt->BindInt(2, seq);
      stmt->BindText(3, text);
      stmt->BindInt(4, edited_at);
      Result<bool> row = stmt->Step();
      if (!row.ok()) return StoreFailure(kOp, row.status());
      if (!*row) return Status(Code::kNotFound, "no such message");
      const bool text_kind = static_cast<MessageKind>(stmt->ColumnInt(0)) == MessageKind::kText;
      if (Status s = stmt->Run(); !s.ok()) return StoreFailure(kOp, s);
      if (!text_kind) return 1;
      if (Status s = QueueForSearch(kOp, conversation_id, seq); !s.ok()) return s;
      return 1;
    });
  });
  return edited.status();
}

// The message's media is no longer reachable through it (access and cleanup use the refs). A
// media no other message carries, and that is no avatar, becomes unattached again, so cleanup
// removes its bytes: what was deleted for everyone does not stay on disk.
Status SqlWriteTxn::UnlinkMedia(std::string_view op, int64_t conversation_id, int64_t seq) {
  Result<Statement> unlink = db_.Prepare(
      "DELETE FROM media_refs WHERE conversation_id = ?1 AND seq = ?2 RETURNING media_id");
  if (!unlink.ok()) return StoreFailure(op, unlink.status());
  unlink->BindInt(1, conversation_id);
  unlink->BindInt(2, seq);
  Result<bool> row = unlink->Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  if (!*row) return Status::Ok();
  const std::string media_id = unlink->ColumnText(0);
  if (Status s = unlink->Run(); !s.ok()) return StoreFailure(op, s);
  Result<Statement> orphan = db_.Prepare(
      "UPDATE media SET attached_at = 0 WHERE id = ?1 AND is_public = 0 AND "
      "NOT EXISTS (SELECT 1 FROM media_refs WHERE media_id = ?1) AND "
      "NOT EXISTS (SELECT 1 FROM moment_media WHERE media_id = ?1)");
  if (!orphan.ok()) return StoreFailure(op, orphan.status());
  orphan->BindText(1, media_id);
  if (Status s = orphan->Run(); !s.ok()) return StoreFailure(op, s);
  return Status::Ok();
}

Status SqlWriteTxn::DeleteMessage(int64_t conversation_id, int64_t seq) {
  constexpr std::string_view kOp = "DeleteMessage";
  Result<int> deleted = Guarded<int>([&] {
    return InSavepoint<int>(kOp, [&]() -> Result<int> {
      Result<int> tombstoned =
          Change(kOp,
                 "UPDATE messages SET deleted = 1, text = '', reply_to = 0, media = '' "
                 "WHERE conversation_id = ?1 AND seq = ?2 RETURNING 1",
                 conversation_id, seq);
      if (!tombstoned.ok()) return tombstoned;
      if (*tombstoned == 0) return Status(Code::kNotFound, "no such message");
      if (Status s = UnlinkMedia(kOp, conversation_id, seq); !s.ok()) return s;
      // Every earlier version of the text lives in the edit ops: they go blank too.
      Result<int> versions = Change(kOp,
                                    "UPDATE messages SET text = '' WHERE conversation_id = ?1 AND "
                                    "target = ?2 AND kind = ?3 RETURNING 1",
                                    conversation_id, seq, static_cast<int64_t>(MessageKind::kEdit));
      if (!versions.ok()) return versions;
      Result<int> reactions = Change(kOp,
                                     "DELETE FROM reactions WHERE conversation_id = ?1 AND "
                                     "seq = ?2 RETURNING 1",
                                     conversation_id, seq);
      if (!reactions.ok()) return reactions;
      if (Status s = QueueForSearch(kOp, conversation_id, seq); !s.ok()) return s;
      return 1;
    });
  });
  return deleted.status();
}

Result<int64_t> SqlWriteTxn::ReactionCount(int64_t conversation_id, int64_t seq, int64_t user_id) {
  return Guarded<int64_t>([&]() -> Result<int64_t> {
    Result<Statement> stmt = db_.Prepare(
        "SELECT count(*) FROM reactions WHERE conversation_id = ?1 AND seq = ?2 AND user_id = ?3");
    if (!stmt.ok()) return StoreFailure("ReactionCount", stmt.status());
    stmt->BindInt(1, conversation_id);
    stmt->BindInt(2, seq);
    stmt->BindInt(3, user_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("ReactionCount", row.status());
    return *row ? stmt->ColumnInt(0) : 0;
  });
}

Result<bool> SqlWriteTxn::SetReaction(int64_t conversation_id, int64_t seq, int64_t user_id,
                                      std::string_view emoji, bool on, int64_t at) {
  constexpr std::string_view kOp = "SetReaction";
  return Guarded<bool>([&]() -> Result<bool> {
    Result<Statement> stmt = db_.Prepare(
        on ? "INSERT INTO reactions (conversation_id, seq, user_id, emoji, created_at) "
             "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING RETURNING 1"
           : "DELETE FROM reactions WHERE conversation_id = ?1 AND seq = ?2 AND user_id = ?3 "
             "AND emoji = ?4 RETURNING 1");
    if (!stmt.ok()) return StoreFailure(kOp, stmt.status());
    stmt->BindInt(1, conversation_id);
    stmt->BindInt(2, seq);
    stmt->BindInt(3, user_id);
    stmt->BindText(4, emoji);
    if (on) stmt->BindInt(5, at);
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      if (stmt->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such message");
      return StoreFailure(kOp, row.status());
    }
    const bool changed = *row;
    if (Status s = stmt->Run(); !s.ok()) return StoreFailure(kOp, s);
    return changed;
  });
}

Status SqlWriteTxn::QueueForSearch(std::string_view op, int64_t conversation_id, int64_t seq) {
  Result<Statement> stmt = db_.Prepare("INSERT INTO search_queue (message_key) VALUES (?1)");
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, SearchRowid(conversation_id, seq));
  if (Status s = stmt->RunLater(); !s.ok()) return StoreFailure(op, s);
  return Status::Ok();
}

}  // namespace parley::store::sql
