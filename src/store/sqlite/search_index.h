// SearchIndex: the full-text index of messages, in a database file of its own beside the
// store's (PATH-search.db: SearchIndexPath), written by a connection of its own, so indexing
// never holds the store's write lock and never adds pages to a send's commit.
//
// How it stays in step with the store
// - A send, an edit or a deletion appends the message's key ((conversation_id << 32) | seq) to
//   the store's `search_queue` in its own transaction. Queue positions only grow
//   (AUTOINCREMENT), so the index keeps one number: the last position it has indexed
//   (`indexed_through`, committed with the index rows it covers).
// - IndexQueued reads the queue after that position and the messages' current text from the
//   store (the store's file is ATTACHed as `chat`, only read) and rewrites their index rows.
//   The queue rows it has read are deleted later by the store's writer (TrimQueue), so the
//   queue stays short.
// - The index belongs to one queue: `search_state.index_id` in the store's file and
//   `index_state.index_id` here name it. At open, an index that is missing, belongs to another
//   queue, or claims positions the queue never reached (the store's file was restored from an
//   older copy) is rebuilt: every live text message is queued again and the index starts
//   empty. A backup therefore needs only the store's file.
// - The index file is written with synchronous=NORMAL: a crash may lose its last commits, but
//   never separates index rows from the position that covers them, so they are redone.
//
// Readers of the store see the index by ATTACHing SearchIndexPath as `search`
// (DbOptions::search_index_path).
//
// Thread-safety: IndexQueued may be called from any thread; calls are serialized. Open runs
// before any other thread uses `writer`.
#ifndef PARLEY_STORE_SQLITE_SEARCH_INDEX_H_
#define PARLEY_STORE_SQLITE_SEARCH_INDEX_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "store/sqlite/sqlite_db.h"

namespace parley::store::sqlite {

std::string SearchIndexPath(const std::string& store_path);

struct IndexPass {
  int indexed = 0;              // queue entries read in this pass
  int64_t indexed_through = 0;  // the last queue position the index covers now
};

class SearchIndex {
 public:
  // Opens (creating or rebuilding, see above) the index of the store at `store_path`, whose
  // writer connection is `writer` (used only during Open).
  static Result<std::unique_ptr<SearchIndex>> Open(const std::string& store_path, Db& writer);

  // Indexes up to `limit` queue entries after indexed_through, oldest first, in one
  // transaction of the index file.
  Result<IndexPass> IndexQueued(int limit);

  // Deletes the queue entries up to `through` (already indexed), on the store's writer
  // connection inside the caller's serialization of that connection.
  static Status TrimQueue(Db& writer, int64_t through);

 private:
  SearchIndex(std::unique_ptr<Db> db, int64_t indexed_through)
      : db_(std::move(db)), indexed_through_(indexed_through) {}

  std::mutex mu_;
  std::unique_ptr<Db> db_;   // guarded by mu_: the index file, the store's attached as `chat`
  int64_t indexed_through_;  // guarded by mu_
};

}  // namespace parley::store::sqlite

#endif  // PARLEY_STORE_SQLITE_SEARCH_INDEX_H_
