// Opening the PostgreSQL store, and its search.
#include "store/postgres/pg_store.h"

#include <utility>

#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_search.h"
#include "store/sql/rows.h"

namespace parley::store {

Result<std::unique_ptr<Store>> OpenPostgresStore(const PostgresOptions& options) {
  if (options.conninfo.empty()) {
    return Status(Code::kInvalidArgument,
                  "store: open: a PostgreSQL connection string is required");
  }
  postgres::PgOptions connection;
  connection.conninfo = options.conninfo;
  Result<std::unique_ptr<postgres::PgDb>> writer = postgres::PgDb::Open(connection);
  if (!writer.ok()) return writer.status();
  if (Status s = postgres::ApplyPgMigrations(**writer); !s.ok()) return s;
  Result<std::unique_ptr<postgres::PgDb>> indexer = postgres::PgDb::Open(connection);
  if (!indexer.ok()) return indexer.status();
  auto store =
      std::make_unique<postgres::PgStore>(std::move(*writer), std::move(*indexer), connection);
  if (Status s = store->Start(); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

namespace postgres {
namespace {

sql::ConnectionPool::Opener ReaderOpener(const PgOptions& options) {
  return [options]() -> Result<std::unique_ptr<sql::Db>> {
    Result<std::unique_ptr<PgDb>> db = PgDb::Open(options);
    if (!db.ok()) return db.status();
    return std::unique_ptr<sql::Db>(std::move(*db));
  };
}

}  // namespace

PgStore::PgStore(std::unique_ptr<PgDb> writer, std::unique_ptr<PgDb> indexer,
                 const PgOptions& options)
    : SqlStore(std::move(writer), ReaderOpener(options)), indexer_(std::move(indexer)) {}

Result<int> PgStore::IndexQueuedForSearch(int limit) {
  std::lock_guard<std::mutex> lock(index_mu_);
  return IndexQueuedMessages(*indexer_, limit);
}

Result<SearchPage> PgStore::SearchMessages(const SearchQuery& query) {
  return WithReader("SearchMessages",
                    [&](sql::Db& db) { return postgres::SearchMessages(db, query); });
}

}  // namespace postgres
}  // namespace parley::store
