// PgStore: the Store on PostgreSQL. The SQL every database shares is SqlStore's
// (store/sql/sql_store.h); this adds what is PostgreSQL's own: opening (the schema's
// migrations, pg_migrations.h) and message search (pg_search.h), indexed on a connection of
// its own so indexing never holds the writer. Created only through OpenPostgresStore(); this
// header is internal to store/.
//
// Several parleyd nodes may share one database: each node's writer is one connection, and what
// must be serialized across nodes is serialized by PostgreSQL (the row lock on a
// conversation's counter, sync_clock, advisory locks for migrations and indexing).
#ifndef PARLEY_STORE_POSTGRES_PG_STORE_H_
#define PARLEY_STORE_POSTGRES_PG_STORE_H_

#include <memory>
#include <mutex>

#include "base/status.h"
#include "store/postgres/pg_db.h"
#include "store/sql/sql_store.h"
#include "store/store.h"

namespace parley::store::postgres {

class PgStore final : public sql::SqlStore {
 public:
  PgStore(std::unique_ptr<PgDb> writer, std::unique_ptr<PgDb> indexer, const PgOptions& options);

  Result<int> IndexQueuedForSearch(int limit) override;
  Result<SearchPage> SearchMessages(const SearchQuery& query) override;

  // Opens one reader ahead of the first read, so a bad configuration fails at open.
  Status Start() { return WarmUp(); }

 private:
  std::mutex index_mu_;
  std::unique_ptr<PgDb> indexer_;  // guarded by index_mu_
};

}  // namespace parley::store::postgres

#endif  // PARLEY_STORE_POSTGRES_PG_STORE_H_
