// The push state's PostgreSQL schema (push/push_db.cc) against its SQLite file's
// (push_store.cc, delivery_store.cc): the same tables, columns and named indexes, all in the
// `push` schema and none in the store's `public` one; opening again (another node) migrates
// nothing twice.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "push/delivery_store.h"
#include "push/push_store.h"
#include "tests/push/push_backends.h"
#include "tests/support/temp_dir.h"

namespace parley::push {
namespace {

using Rows = std::set<std::string>;

Result<Rows> Query(store::sql::Db& db, std::string_view sql) {
  auto select = db.Prepare(sql);
  if (!select.ok()) return select.status();
  Rows rows;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    rows.insert(select->ColumnText(0));
  }
  return rows;
}

std::string Describe(const Rows& rows) {
  std::string out;
  for (const std::string& row : rows) out += " " + row;
  return out;
}

// Opens both stores on `where` (creating their tables), then a connection of its own.
std::unique_ptr<store::sql::Db> Created(const PushDbOptions& where) {
  auto box = auth::SecretBox::FromKey(std::string(32, 'k'));
  EXPECT_TRUE(PushStore::Open(where, **box).ok());
  EXPECT_TRUE(DeliveryStore::Open(where).ok());
  auto db = OpenPushDb(where, "");
  EXPECT_TRUE(db.ok()) << db.status().message();
  return db.ok() ? std::move(*db) : nullptr;
}

TEST(PushPgSchema, HasTheSqliteFilesTablesColumnsAndIndexes) {
  testing_support::TempDir sqlite_dir, pg_dir;
  auto sqlite = Created(*SqlitePushDb(sqlite_dir.path()));
  auto pg_where = PostgresPushDb(pg_dir.path());
  ASSERT_TRUE(pg_where.ok()) << pg_where.status().message();
  auto pg = Created(*pg_where);
  ASSERT_TRUE(sqlite && pg);

  auto sqlite_columns =
      Query(*sqlite,
            "SELECT m.name || '.' || c.name FROM sqlite_master AS m, pragma_table_info(m.name) "
            "AS c WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'");
  auto pg_columns = Query(*pg,
                          "SELECT table_name || '.' || column_name FROM "
                          "information_schema.columns WHERE table_schema = 'push' AND "
                          "table_name != 'schema_version'");
  ASSERT_TRUE(sqlite_columns.ok() && pg_columns.ok());
  EXPECT_EQ(Describe(*sqlite_columns), Describe(*pg_columns));
  EXPECT_GT(sqlite_columns->size(), 30u);  // the comparison saw the real schema

  auto sqlite_indexes =
      Query(*sqlite, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL");
  auto pg_indexes = Query(*pg,
                          "SELECT i.indexname::text FROM pg_indexes AS i WHERE i.schemaname = "
                          "'push' AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE "
                          "c.conname = i.indexname)");
  ASSERT_TRUE(sqlite_indexes.ok() && pg_indexes.ok());
  EXPECT_EQ(Describe(*sqlite_indexes), Describe(*pg_indexes));
  EXPECT_EQ(sqlite_indexes->size(), 3u);

  // Nothing of push state in the store's schema; one migration recorded however often opened.
  auto in_public = pg->QueryInt(
      "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND "
      "table_name IN ('targets', 'jobs', 'settings', 'mutes', 'digests')");
  ASSERT_TRUE(in_public.ok()) << in_public.status().message();
  EXPECT_EQ(*in_public, 0);
  auto versions = pg->QueryInt("SELECT count(*) FROM push.schema_version");
  ASSERT_TRUE(versions.ok()) << versions.status().message();
  EXPECT_EQ(*versions, 1);
}

TEST(PushPgSchema, AnUnreachableOrMalformedDatabaseIsAnError) {
  auto box = auth::SecretBox::FromKey(std::string(32, 'k'));
  PushDbOptions malformed{"", false, "host='unterminated"};
  EXPECT_FALSE(PushStore::Open(malformed, **box).ok());
  EXPECT_FALSE(DeliveryStore::Open(malformed).ok());
  PushDbOptions refused{"", false, "host=127.0.0.1 port=1 connect_timeout=1"};
  EXPECT_FALSE(PushStore::Open(refused, **box).ok());
}

}  // namespace
}  // namespace parley::push
