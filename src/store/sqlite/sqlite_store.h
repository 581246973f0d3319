// SqliteStore: the embedded SQLite Store. The SQL every database shares is SqlStore's
// (store/sql/sql_store.h); this adds what is SQLite's own: the file's opening (WAL, schema
// migrations), WAL checkpoints on a thread of their own (checkpointer.h), and message search
// in FTS5 (search_index.h, sqlite_search.cc). Created only through OpenSqliteStore(); this
// header is internal to store/.
#ifndef PARLEY_STORE_SQLITE_SQLITE_STORE_H_
#define PARLEY_STORE_SQLITE_SQLITE_STORE_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "base/status.h"
#include "store/sql/sql_store.h"
#include "store/sqlite/checkpointer.h"
#include "store/sqlite/search_index.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace parley::store::sqlite {

class SqliteStore final : public sql::SqlStore {
 public:
  SqliteStore(std::unique_ptr<SqliteDb> writer, std::unique_ptr<SearchIndex> search_index,
              const SqliteOptions& options);

  // Message search: sqlite_search.cc.
  Result<int> IndexQueuedForSearch(int limit) override;
  Result<SearchPage> SearchMessages(const SearchQuery& query) override;

  // Opens one reader ahead of the first read (a broken file fails at open) and moves WAL
  // checkpoints from the committing writer to a thread of their own.
  Status Start(const SqliteOptions& options);

 private:
  std::unique_ptr<SearchIndex> search_index_;
  // What the writer has trimmed from search_queue, and when (IndexQueuedForSearch).
  std::mutex trim_mu_;
  int64_t trimmed_through_ = 0;                       // guarded by trim_mu_
  std::chrono::steady_clock::time_point trimmed_at_;  // guarded by trim_mu_
  // Destroyed before SqlStore's connections close: checkpoints stop first.
  std::unique_ptr<Checkpointer> checkpointer_;
};

}  // namespace parley::store::sqlite

#endif  // PARLEY_STORE_SQLITE_SQLITE_STORE_H_
