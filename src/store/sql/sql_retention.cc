// Retention: conversations' policies (SetRetention, FindRetention, RetentionStates) and the
// pruning of old messages and media in short write transactions (PruneMessages, PruneMedia).
// A pruned range is always a prefix of the conversation's seqs, so one number per conversation
// (pruned_through) tells readers where what remains begins.
#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "store/sql/rows.h"
#include "store/sql/sql_store.h"
#include "store/sql/sql_write_txn.h"

namespace parley::store::sql {
namespace {

constexpr const char* kRetentionColumns =
    "SELECT id, kind, retention_days, retention_max_messages, last_seq, pruned_through, "
    "media_pruned_through FROM conversations ";

ConversationRetention ReadRetention(const Statement& stmt, int col) {
  ConversationRetention r;
  r.conversation_id = stmt.ColumnInt(col);
  r.kind = static_cast<ConversationKind>(stmt.ColumnInt(col + 1));
  r.policy = RetentionPolicy{stmt.ColumnInt(col + 2), stmt.ColumnInt(col + 3)};
  r.last_seq = stmt.ColumnInt(col + 4);
  r.pruned_through = stmt.ColumnInt(col + 5);
  r.media_pruned_through = stmt.ColumnInt(col + 6);
  return r;
}

// A message the pass looks at: its seq, what it counts for unread, its attachment.
struct Candidate {
  int64_t seq = 0;
  int64_t content_count = 0;
  std::string media;
};

// The run of messages after `after` (at most `batch`) that `due` accepts, ascending seq; stops
// at the first it refuses. `*full` says whether the batch was filled.
template <typename Due>
Result<std::vector<Candidate>> DueRun(std::string_view op, Db& db, int64_t conversation_id,
                                      int64_t after, int batch, Due due, bool* full) {
  Result<Statement> stmt = db.Prepare(
      "SELECT seq, created_at, content_count, media FROM messages "
      "WHERE conversation_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3");
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, conversation_id);
  stmt->BindInt(2, after);
  stmt->BindInt(3, batch);
  std::vector<Candidate> run;
  *full = false;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(op, row.status());
    if (!*row) break;
    if (!due(stmt->ColumnInt(0), stmt->ColumnInt(1))) break;
    run.push_back(Candidate{stmt->ColumnInt(0), stmt->ColumnInt(2), stmt->ColumnText(3)});
  }
  stmt->Reset();
  *full = static_cast<int>(run.size()) == batch;
  return run;
}

Status RunBound(std::string_view op, Db& db, std::string_view sql,
                std::initializer_list<int64_t> values) {
  Result<Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  int index = 0;
  for (int64_t value : values) stmt->BindInt(++index, value);
  if (Status s = stmt->Run(); !s.ok()) return StoreFailure(op, s);
  return Status::Ok();
}

// Drops the message's link to its media; a media nothing holds any more (no message, moment
// or avatar) becomes unattached, so media cleanup removes it and its blobs.
Status UnlinkMediaOf(std::string_view op, Db& db, int64_t conversation_id,
                     const Candidate& message) {
  Result<Statement> unlink = db.Prepare(
      "DELETE FROM media_refs WHERE media_id = ?1 AND conversation_id = ?2 AND seq = ?3");
  if (!unlink.ok()) return StoreFailure(op, unlink.status());
  unlink->BindText(1, message.media);
  unlink->BindInt(2, conversation_id);
  unlink->BindInt(3, message.seq);
  if (Status s = unlink->Run(); !s.ok()) return StoreFailure(op, s);
  Result<Statement> orphan = db.Prepare(
      "UPDATE media SET attached_at = 0 WHERE id = ?1 AND is_public = 0 "
      "AND NOT EXISTS (SELECT 1 FROM media_refs WHERE media_id = ?1) "
      "AND NOT EXISTS (SELECT 1 FROM moment_media WHERE media_id = ?1)");
  if (!orphan.ok()) return StoreFailure(op, orphan.status());
  orphan->BindText(1, message.media);
  if (Status s = orphan->Run(); !s.ok()) return StoreFailure(op, s);
  return Status::Ok();
}

// Reads one conversation's retention row on `db`; kNotFound if there is none.
Result<ConversationRetention> RetentionOn(std::string_view op, Db& db, int64_t conversation_id) {
  Result<Statement> stmt = db.Prepare(std::string(kRetentionColumns) + "WHERE id = ?1");
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, conversation_id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  if (!*row) return Status(Code::kNotFound, "no such conversation");
  return ReadRetention(*stmt, 0);
}

// Runs `fn` in one IMMEDIATE transaction on the writer connection `db`.
template <typename Fn>
Result<PruneStep> InWriteTransaction(std::string_view op, Db& db, Fn&& fn) {
  Transaction txn(db);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return StoreFailure(op, s);
  Result<PruneStep> step = fn();
  if (!step.ok()) return step;  // ~Transaction rolls back
  if (Status s = txn.Commit(); !s.ok()) return StoreFailure(op, s);
  return step;
}

}  // namespace

Status SqlWriteTxn::SetRetention(int64_t conversation_id, const RetentionPolicy& policy) {
  constexpr std::string_view kOp = "SetRetention";
  Result<int> changed = Guarded<int>([&] {
    return Change(kOp,
                  "UPDATE conversations SET retention_days = ?2, retention_max_messages = ?3 "
                  "WHERE id = ?1 RETURNING 1",
                  conversation_id, policy.days, policy.max_messages);
  });
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return Status(Code::kNotFound, "no such conversation");
  return Status::Ok();
}

Result<ConversationRetention> SqlStore::FindRetention(int64_t conversation_id) {
  return WithReader("FindRetention",
                    [&](Db& db) { return RetentionOn("FindRetention", db, conversation_id); });
}

Result<std::vector<ConversationRetention>> SqlStore::RetentionStates(int64_t after_id, int limit) {
  constexpr std::string_view kOp = "RetentionStates";
  return WithReader(kOp, [&](Db& db) -> Result<std::vector<ConversationRetention>> {
    Result<Statement> stmt =
        db.Prepare(std::string(kRetentionColumns) + "WHERE id > ?1 ORDER BY id LIMIT ?2");
    if (!stmt.ok()) return StoreFailure(kOp, stmt.status());
    stmt->BindInt(1, after_id);
    stmt->BindInt(2, limit);
    return ReadAll(kOp, *stmt, &ReadRetention);
  });
}

Result<PruneStep> SqlStore::PruneMessages(int64_t conversation_id, const PruneLimits& limits,
                                          int batch) {
  constexpr std::string_view kOp = "PruneMessages";
  if (batch < 1) return Status(Code::kInvalidArgument, "batch must be at least 1");
  return WithWriter(kOp, [&](Db& db) -> Result<PruneStep> {
    return InWriteTransaction(kOp, db, [&]() -> Result<PruneStep> {
      Result<ConversationRetention> state = RetentionOn(kOp, db, conversation_id);
      if (!state.ok()) return state.status();
      const int64_t lo = state->pruned_through;
      auto due = [&limits](int64_t seq, int64_t created_at) {
        return (limits.through_seq > 0 && seq <= limits.through_seq) ||
               (limits.created_before > 0 && created_at < limits.created_before);
      };
      PruneStep step{0, lo, false};
      Result<std::vector<Candidate>> run =
          DueRun(kOp, db, conversation_id, lo, batch, due, &step.more);
      if (!run.ok()) return run.status();
      if (run->empty()) return step;
      const int64_t hi = run->back().seq;
      for (const Candidate& message : *run) {
        if (message.media.empty()) continue;
        if (Status s = UnlinkMediaOf(kOp, db, conversation_id, message); !s.ok()) return s;
      }
      // Reactions name their message (a foreign key): they go first. Text messages are queued
      // for the search index, which drops the entries of messages it no longer finds.
      constexpr const char* kSteps[] = {
          "DELETE FROM reactions WHERE conversation_id = ?1 AND seq > ?2 AND seq <= ?3",
          "INSERT INTO search_queue (message_key) SELECT (conversation_id << 32) | seq "
          "FROM messages WHERE conversation_id = ?1 AND seq > ?2 AND seq <= ?3 AND kind = 0 "
          "AND deleted = 0 AND text != ''",
          "DELETE FROM messages WHERE conversation_id = ?1 AND seq > ?2 AND seq <= ?3",
      };
      for (const char* sql : kSteps) {
        if (Status s = RunBound(kOp, db, sql, {conversation_id, lo, hi}); !s.ok()) return s;
      }
      if (Status s = RunBound(kOp, db,
                              "UPDATE conversations SET pruned_through = ?2, "
                              "pruned_content_count = ?3, "
                              "media_pruned_through = CASE WHEN media_pruned_through > ?2 "
                              "THEN media_pruned_through ELSE ?2 END "
                              "WHERE id = ?1",
                              {conversation_id, hi, run->back().content_count});
          !s.ok()) {
        return s;
      }
      step.removed = static_cast<int>(run->size());
      step.pruned_through = hi;
      return step;
    });
  });
}

Result<PruneStep> SqlStore::PruneMedia(int64_t conversation_id, int64_t created_before, int batch) {
  constexpr std::string_view kOp = "PruneMedia";
  if (batch < 1) return Status(Code::kInvalidArgument, "batch must be at least 1");
  return WithWriter(kOp, [&](Db& db) -> Result<PruneStep> {
    return InWriteTransaction(kOp, db, [&]() -> Result<PruneStep> {
      Result<ConversationRetention> state = RetentionOn(kOp, db, conversation_id);
      if (!state.ok()) return state.status();
      const int64_t lo = std::max(state->media_pruned_through, state->pruned_through);
      auto due = [created_before](int64_t, int64_t created_at) {
        return created_at < created_before;
      };
      PruneStep step{0, lo, false};
      Result<std::vector<Candidate>> run =
          DueRun(kOp, db, conversation_id, lo, batch, due, &step.more);
      if (!run.ok()) return run.status();
      if (run->empty()) return step;
      for (const Candidate& message : *run) {
        if (message.media.empty()) continue;
        if (Status s = UnlinkMediaOf(kOp, db, conversation_id, message); !s.ok()) return s;
        ++step.removed;
      }
      step.pruned_through = run->back().seq;
      if (Status s = RunBound(kOp, db,
                              "UPDATE messages SET media = '' WHERE conversation_id = ?1 "
                              "AND seq > ?2 AND seq <= ?3 AND media != ''",
                              {conversation_id, lo, step.pruned_through});
          !s.ok()) {
        return s;
      }
      if (Status s = RunBound(kOp, db,
                              "UPDATE conversations SET media_pruned_through = ?2 WHERE id = ?1 "
                              "AND media_pruned_through < ?2",
                              {conversation_id, step.pruned_through});
          !s.ok()) {
        return s;
      }
      return step;
    });
  });
}

}  // namespace parley::store::sql
