#include "store/sqlite/search_index.h"

#include <string_view>
#include <utility>
#include <vector>

#include "store/sql/rows.h"

namespace parley::store::sqlite {

using sql::StoreFailure;
namespace {

constexpr std::string_view kSearchIndexOp = "SearchIndex";

// The index file's schema. No per-row sizes (columnsize = 0): results are ordered by time,
// never by bm25. index_state holds the queue this index belongs to and how far it has read it.
constexpr const char* kIndexSchema = R"sql(
CREATE VIRTUAL TABLE IF NOT EXISTS message_search
  USING fts5 (text, tokenize = 'parley', columnsize = 0);
CREATE TABLE IF NOT EXISTS index_state (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  index_id        TEXT NOT NULL,
  indexed_through INTEGER NOT NULL
) STRICT;
)sql";

struct QueueState {
  std::string index_id;
  int64_t top = 0;  // the highest position the queue ever gave out
};

// Read on the store's writer connection (inside its transaction when one is open).
Result<QueueState> ReadQueueState(Db& writer) {
  QueueState state;
  Result<Statement> id = writer.Prepare("SELECT index_id FROM search_state WHERE id = 1");
  if (!id.ok()) return StoreFailure(kSearchIndexOp, id.status());
  Result<bool> row = id->Step();
  if (!row.ok()) return StoreFailure(kSearchIndexOp, row.status());
  if (*row) state.index_id = id->ColumnText(0);
  if (Status s = id->Run(); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  Result<int64_t> top = writer.QueryInt(
      "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'search_queue'), 0)");
  if (!top.ok()) return StoreFailure(kSearchIndexOp, top.status());
  state.top = *top;
  return state;
}

// Queues every live text message again under a new index id, in one transaction of the
// store's file; returns the new id and the position before the first of them.
Result<QueueState> RequeueEverything(Db& writer) {
  Transaction txn(writer);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok())
    return StoreFailure(kSearchIndexOp, s);
  Result<QueueState> before = ReadQueueState(writer);
  if (!before.ok()) return before;
  if (Status s = writer.Exec(
          "DELETE FROM search_queue;"
          "INSERT INTO search_queue (message_key) "
          "  SELECT (conversation_id << 32) | seq FROM messages "
          "  WHERE kind IN (0, 6) AND deleted = 0 AND text != '' ORDER BY conversation_id, seq;"
          "INSERT OR REPLACE INTO search_state (id, index_id) "
          "  VALUES (1, lower(hex(randomblob(8))));");
      !s.ok()) {
    return StoreFailure(kSearchIndexOp, s);
  }
  Result<QueueState> after = ReadQueueState(writer);
  if (!after.ok()) return after;
  if (Status s = txn.Commit(); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  return QueueState{after->index_id, before->top};
}

// Empties the index and makes it the index of `queue`, read up to queue.top.
Status ResetIndex(Db& index, const QueueState& queue) {
  Transaction txn(index);
  if (Status s = txn.Begin(TransactionMode::kRead); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  // Dropping is quicker than deleting row by row from a large index.
  if (Status s = index.Exec("DROP TABLE IF EXISTS message_search; DELETE FROM index_state;");
      !s.ok()) {
    return StoreFailure(kSearchIndexOp, s);
  }
  if (Status s = index.Exec(kIndexSchema); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  Result<Statement> state =
      index.Prepare("INSERT INTO index_state (id, index_id, indexed_through) VALUES (1, ?1, ?2)");
  if (!state.ok()) return StoreFailure(kSearchIndexOp, state.status());
  state->BindText(1, queue.index_id);
  state->BindInt(2, queue.top);
  if (Status s = state->Run(); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  if (Status s = txn.Commit(); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  return Status::Ok();
}

// The index's own idea of which queue it belongs to; nullopt-like empty id when it has none.
Result<std::pair<std::string, int64_t>> ReadIndexState(Db& index) {
  Result<Statement> stmt =
      index.Prepare("SELECT index_id, indexed_through FROM index_state WHERE id = 1");
  if (!stmt.ok()) return StoreFailure(kSearchIndexOp, stmt.status());
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure(kSearchIndexOp, row.status());
  std::pair<std::string, int64_t> state;
  if (*row) state = {stmt->ColumnText(0), stmt->ColumnInt(1)};
  if (Status s = stmt->Run(); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  return state;
}

}  // namespace

std::string SearchIndexPath(const std::string& store_path) {
  std::string_view base = store_path;
  if (base.ends_with(".db")) base.remove_suffix(3);
  return std::string(base) + "-search.db";
}

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(const std::string& store_path, Db& writer) {
  DbOptions options;
  options.create = true;
  options.writer = true;
  options.synchronous_full = false;  // see the header: the index can always be redone
  Result<std::unique_ptr<SqliteDb>> index = SqliteDb::Open(SearchIndexPath(store_path), options);
  if (!index.ok()) return StoreFailure("open the search index", index.status());
  Db& db = **index;
  if (Status s = db.Exec(kIndexSchema); !s.ok()) return StoreFailure(kSearchIndexOp, s);

  Result<QueueState> queue = ReadQueueState(writer);
  if (!queue.ok()) return queue.status();
  Result<std::pair<std::string, int64_t>> state = ReadIndexState(db);
  if (!state.ok()) return state.status();
  const auto& [index_id, indexed_through] = *state;
  int64_t through = indexed_through;
  if (queue->index_id.empty() || index_id != queue->index_id || indexed_through > queue->top) {
    // The store first, the index second: a crash in between leaves ids that differ, and the
    // next open rebuilds again.
    Result<QueueState> requeued = RequeueEverything(writer);
    if (!requeued.ok()) return requeued.status();
    if (Status s = ResetIndex(db, *requeued); !s.ok()) return s;
    through = requeued->top;
  }

  Result<Statement> attach = db.Prepare("ATTACH DATABASE ?1 AS chat");
  if (!attach.ok()) return StoreFailure(kSearchIndexOp, attach.status());
  attach->BindText(1, store_path);
  if (Status s = attach->Run(); !s.ok()) return StoreFailure("attach the store to its index", s);
  return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(*index), through));
}

Result<IndexPass> SearchIndex::IndexQueued(int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  Db& db = *db_;
  // Deferred: the store's file is only read (a snapshot), and only this connection writes the
  // index file, so nothing here waits for the store's writer.
  Transaction txn(db);
  if (Status s = txn.Begin(TransactionMode::kRead); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  Result<Statement> queued = db.Prepare(
      "SELECT pos, message_key FROM chat.search_queue WHERE pos > ?1 ORDER BY pos LIMIT ?2");
  if (!queued.ok()) return StoreFailure(kSearchIndexOp, queued.status());
  queued->BindInt(1, indexed_through_);
  queued->BindInt(2, limit);
  IndexPass pass{0, indexed_through_};
  std::vector<int64_t> keys;
  for (;;) {
    Result<bool> row = queued->Step();
    if (!row.ok()) return StoreFailure(kSearchIndexOp, row.status());
    if (!*row) break;
    pass.indexed_through = queued->ColumnInt(0);
    keys.push_back(queued->ColumnInt(1));
  }
  if (Status s = queued->Run(); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  pass.indexed = static_cast<int>(keys.size());
  if (keys.empty()) return pass;

  // Each message leaves the index and comes back with its current text if it is still a live
  // text message (an edit replaces its row, a deletion removes it).
  for (int64_t key : keys) {
    for (const char* sql : {"DELETE FROM message_search WHERE rowid = ?1",
                            "INSERT INTO message_search (rowid, text) SELECT ?1, text "
                            "FROM chat.messages WHERE conversation_id = ?1 >> 32 AND "
                            "seq = (?1 & 4294967295) AND kind IN (0, 6) AND deleted = 0 AND "
                            "text != ''"}) {
      Result<Statement> stmt = db.Prepare(sql);
      if (!stmt.ok()) return StoreFailure(kSearchIndexOp, stmt.status());
      stmt->BindInt(1, key);
      if (Status s = stmt->Run(); !s.ok()) return StoreFailure(kSearchIndexOp, s);
    }
  }
  Result<Statement> state = db.Prepare("UPDATE index_state SET indexed_through = ?1");
  if (!state.ok()) return StoreFailure(kSearchIndexOp, state.status());
  state->BindInt(1, pass.indexed_through);
  if (Status s = state->Run(); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  if (Status s = txn.Commit(); !s.ok()) return StoreFailure(kSearchIndexOp, s);
  indexed_through_ = pass.indexed_through;
  return pass;
}

Status SearchIndex::TrimQueue(Db& writer, int64_t through) {
  Result<Statement> trim = writer.Prepare("DELETE FROM search_queue WHERE pos <= ?1");
  if (!trim.ok()) return StoreFailure("TrimSearchQueue", trim.status());
  trim->BindInt(1, through);
  if (Status s = trim->Run(); !s.ok()) return StoreFailure("TrimSearchQueue", s);
  return Status::Ok();
}

}  // namespace parley::store::sqlite
