// Opening the SQLite store: the writer, its migrations, the search index, the readers and the
// checkpointer.
#include "store/sqlite/sqlite_store.h"

#include <utility>

#include "store/sql/rows.h"
#include "store/sqlite/migrations.h"

namespace parley::store {

Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  if (options.path.empty() || options.path == ":memory:") {
    return Status(Code::kInvalidArgument, "store: open: a database file path is required");
  }
  sqlite::DbOptions writer_options;
  writer_options.create = true;
  writer_options.writer = true;
  writer_options.synchronous_full = options.synchronous_full;
  writer_options.busy_timeout_ms = options.busy_timeout_ms;
  Result<std::unique_ptr<sqlite::SqliteDb>> writer =
      sqlite::SqliteDb::Open(options.path, writer_options);
  if (!writer.ok()) return sql::StoreFailure("open", writer.status());
  if (Status s = sqlite::ApplyMigrations(**writer); !s.ok()) return s;
  // Before the readers: they attach the index's file, which Open creates.
  Result<std::unique_ptr<sqlite::SearchIndex>> search_index =
      sqlite::SearchIndex::Open(options.path, **writer);
  if (!search_index.ok()) return search_index.status();
  auto store =
      std::make_unique<sqlite::SqliteStore>(std::move(*writer), std::move(*search_index), options);
  if (Status s = store->Start(options); !s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

namespace sqlite {
namespace {

// How often the WAL is copied back into the database file (see checkpointer.h).
constexpr std::chrono::milliseconds kCheckpointInterval{100};
// WAL pages (4 KiB each) after which a commit checkpoints inline and the WAL rewinds: 16 MiB.
constexpr int kWriterCheckpointPages = 4096;

// Query-only connections to the store's file, with the search index attached.
sql::ConnectionPool::Opener ReaderOpener(const SqliteOptions& options) {
  DbOptions reader;
  reader.busy_timeout_ms = options.busy_timeout_ms;
  reader.search_index_path = SearchIndexPath(options.path);
  return [path = options.path, reader]() -> Result<std::unique_ptr<Db>> {
    Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path, reader);
    if (!db.ok()) return db.status();
    return std::unique_ptr<Db>(std::move(*db));
  };
}


}  // namespace

SqliteStore::SqliteStore(std::unique_ptr<SqliteDb> writer,
                         std::unique_ptr<SearchIndex> search_index, const SqliteOptions& options)
    : SqlStore(std::move(writer), ReaderOpener(options)),
      search_index_(std::move(search_index)) {}

Status SqliteStore::Start(const SqliteOptions& options) {
  if (Status s = WarmUp(); !s.ok()) return s;
  DbOptions checkpoint_options;
  checkpoint_options.writer = true;
  checkpoint_options.synchronous_full = options.synchronous_full;
  checkpoint_options.busy_timeout_ms = options.busy_timeout_ms;
  Result<std::unique_ptr<SqliteDb>> connection = SqliteDb::Open(options.path, checkpoint_options);
  if (!connection.ok()) return sql::StoreFailure("open checkpointer", connection.status());
  const std::string autocheckpoint =
      "PRAGMA wal_autocheckpoint = " + std::to_string(kWriterCheckpointPages);
  Status set = WithWriter("open", [&](Db& db) { return db.Exec(autocheckpoint); });
  if (!set.ok()) return sql::StoreFailure("set the writer checkpoint threshold", set);
  checkpointer_ = std::make_unique<Checkpointer>(std::move(*connection), kCheckpointInterval);
  return Status::Ok();
}

}  // namespace sqlite
}  // namespace parley::store
