// The PostgreSQL schema (store/postgres/pg_migrations.h) against the SQLite store's: the same
// tables and columns, the same effect of the sync-clock triggers and of case-blind columns, so
// the store's SQL means the same on both. Also: migrating is idempotent, safe with concurrent
// openers, and refuses a database newer than the binary. Runs against a real PostgreSQL server
// (tests/support/postgres_server.h) and a real SQLite store in a temporary directory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_migrations.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

namespace parley::store::postgres {
namespace {

using Columns = std::set<std::pair<std::string, std::string>>;  // (table, column)

// Tables only one driver has: SQLite's search bookkeeping (its index is a file of its own) and
// PostgreSQL's search index and version row (SQLite keeps the version in its header).
const std::set<std::string> kSqliteOnly = {"search_state"};
const std::set<std::string> kPostgresOnly = {"message_search", "schema_version"};

Result<Columns> ReadColumns(sql::Db& db, std::string_view sql, const std::set<std::string>& skip) {
  Result<sql::Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Columns columns;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (!skip.contains(stmt->ColumnText(0))) {
      columns.emplace(stmt->ColumnText(0), stmt->ColumnText(1));
    }
  }
  return columns;
}

std::string Describe(const Columns& columns) {
  std::string out;
  for (const auto& [table, column] : columns) out += " " + table + "." + column;
  return out;
}

// The rows of `sql` as one string per row, columns separated by '|'.
Result<std::vector<std::string>> Rows(sql::Db& db, std::string_view sql, int column_count) {
  Result<sql::Statement> stmt = db.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  std::vector<std::string> rows;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    std::string line;
    for (int i = 0; i < column_count; ++i) line += (i ? "|" : "") + stmt->ColumnText(i);
    rows.push_back(line);
  }
  return rows;
}

class PgSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = testing_support::PostgresServer::Shared(&error);
    ASSERT_NE(server_, nullptr) << "PostgreSQL test server: " << error;
  }

  // A connection to a fresh database of its own.
  std::unique_ptr<PgDb> FreshDatabase(const std::string& name) {
    Result<std::string> conninfo = server_->CreateDatabase(name);
    EXPECT_TRUE(conninfo.ok()) << conninfo.status().message();
    if (!conninfo.ok()) return nullptr;
    conninfo_ = *conninfo;
    return Connect();
  }

  std::unique_ptr<PgDb> Connect() {
    Result<std::unique_ptr<PgDb>> db = PgDb::Open(PgOptions{conninfo_});
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(*db) : nullptr;
  }

  // A migrated SQLite store's file, opened as a plain writer connection.
  std::unique_ptr<sqlite::SqliteDb> MigratedSqlite() {
    const std::string path = dir_.path() + "/parley.db";
    {
      SqliteOptions options;
      options.path = path;
      options.synchronous_full = false;
      Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
      EXPECT_TRUE(store.ok()) << store.status().message();
    }
    sqlite::DbOptions options;
    options.writer = true;
    options.synchronous_full = false;
    Result<std::unique_ptr<sqlite::SqliteDb>> db = sqlite::SqliteDb::Open(path, options);
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(*db) : nullptr;
  }

  static Result<int64_t> Version(sql::Db& db) {
    return db.QueryInt("SELECT max(version) FROM schema_version");
  }

  testing_support::PostgresServer* server_ = nullptr;
  testing_support::TempDir dir_;
  std::string conninfo_;
};

std::string DatabaseName(std::string_view test) {
  return "pg_schema_" + std::string(test) + "_" + std::to_string(getpid());
}

TEST_F(PgSchemaTest, HasTheSqliteStoresTablesAndColumns) {
  std::unique_ptr<sqlite::SqliteDb> sqlite = MigratedSqlite();
  std::unique_ptr<PgDb> pg = FreshDatabase(DatabaseName("columns"));
  ASSERT_TRUE(sqlite && pg);
  ASSERT_TRUE(ApplyPgMigrations(*pg).ok());

  // Virtual tables (FTS5) and their shadow tables would be SQLite-only too; the store's file
  // has none since the index moved to its own file, which this comparison also holds it to.
  Result<Columns> sqlite_columns =
      ReadColumns(*sqlite,
                  "SELECT m.name, c.name FROM sqlite_master AS m, pragma_table_info(m.name) AS c "
                  "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
                  kSqliteOnly);
  ASSERT_TRUE(sqlite_columns.ok()) << sqlite_columns.status().message();
  Result<Columns> pg_columns = ReadColumns(*pg,
                                           "SELECT table_name::text, column_name::text "
                                           "FROM information_schema.columns "
                                           "WHERE table_schema = 'public'",
                                           kPostgresOnly);
  ASSERT_TRUE(pg_columns.ok()) << pg_columns.status().message();

  Columns only_sqlite, only_pg;
  std::ranges::set_difference(*sqlite_columns, *pg_columns,
                              std::inserter(only_sqlite, only_sqlite.end()));
  std::ranges::set_difference(*pg_columns, *sqlite_columns, std::inserter(only_pg, only_pg.end()));
  EXPECT_TRUE(only_sqlite.empty()) << "only on SQLite:" << Describe(only_sqlite);
  EXPECT_TRUE(only_pg.empty()) << "only on PostgreSQL:" << Describe(only_pg);
  EXPECT_GT(sqlite_columns->size(), 100u);  // the comparison saw the real schema
}

// The same named indexes (PostgreSQL indexes no foreign key by itself: every index SQLite has
// must be there). Indexes of PRIMARY KEY and UNIQUE constraints are made by both databases.
TEST_F(PgSchemaTest, HasTheSqliteStoresIndexes) {
  std::unique_ptr<sqlite::SqliteDb> sqlite = MigratedSqlite();
  std::unique_ptr<PgDb> pg = FreshDatabase(DatabaseName("indexes"));
  ASSERT_TRUE(sqlite && pg);
  ASSERT_TRUE(ApplyPgMigrations(*pg).ok());
  Result<std::vector<std::string>> sqlite_indexes =
      Rows(*sqlite,
           "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
           "ORDER BY name",
           1);
  ASSERT_TRUE(sqlite_indexes.ok()) << sqlite_indexes.status().message();
  Result<std::vector<std::string>> pg_indexes =
      Rows(*pg,
           "SELECT i.indexname::text FROM pg_indexes AS i WHERE i.schemaname = 'public' "
           "AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname) "
           "AND i.indexname != 'message_search_terms' ORDER BY 1",
           1);
  ASSERT_TRUE(pg_indexes.ok()) << pg_indexes.status().message();
  // As sets: the two databases' collations may order the names differently.
  const std::set<std::string> on_sqlite(sqlite_indexes->begin(), sqlite_indexes->end());
  const std::set<std::string> on_pg(pg_indexes->begin(), pg_indexes->end());
  EXPECT_EQ(on_sqlite, on_pg);
  EXPECT_GT(on_sqlite.size(), 20u);
}

// The same foreign keys: (table, column, referenced table, ON DELETE).
TEST_F(PgSchemaTest, HasTheSqliteStoresForeignKeys) {
  std::unique_ptr<sqlite::SqliteDb> sqlite = MigratedSqlite();
  std::unique_ptr<PgDb> pg = FreshDatabase(DatabaseName("foreign_keys"));
  ASSERT_TRUE(sqlite && pg);
  ASSERT_TRUE(ApplyPgMigrations(*pg).ok());
  Result<std::vector<std::string>> sqlite_keys =
      Rows(*sqlite,
           "SELECT m.name, f.\"from\", f.\"table\", f.on_delete "
           "FROM sqlite_master AS m, pragma_foreign_key_list(m.name) AS f "
           "WHERE m.type = 'table'",
           4);
  ASSERT_TRUE(sqlite_keys.ok()) << sqlite_keys.status().message();
  Result<std::vector<std::string>> pg_keys =
      Rows(*pg,
           "SELECT k.table_name::text, k.column_name::text, u.table_name::text, "
           "r.delete_rule::text "
           "FROM information_schema.referential_constraints AS r "
           "JOIN information_schema.key_column_usage AS k "
           "ON k.constraint_schema = r.constraint_schema "
           "AND k.constraint_name = r.constraint_name "
           "JOIN information_schema.constraint_column_usage AS u "
           "ON u.constraint_schema = r.constraint_schema "
           "AND u.constraint_name = r.constraint_name "
           "WHERE r.constraint_schema = 'public'",
           4);
  ASSERT_TRUE(pg_keys.ok()) << pg_keys.status().message();
  const std::set<std::string> on_sqlite(sqlite_keys->begin(), sqlite_keys->end());
  const std::set<std::string> on_pg(pg_keys->begin(), pg_keys->end());
  EXPECT_EQ(on_sqlite, on_pg);
  EXPECT_GT(on_sqlite.size(), 40u);
}

// The same statements on both databases leave the same sync counts (the triggers) and find
// the same rows (case-blind usernames); both refuse a username differing only in case.
TEST_F(PgSchemaTest, SameStatementsHaveTheSameEffectOnBoth) {
  std::unique_ptr<sqlite::SqliteDb> sqlite = MigratedSqlite();
  std::unique_ptr<PgDb> pg = FreshDatabase(DatabaseName("effects"));
  ASSERT_TRUE(sqlite && pg);
  ASSERT_TRUE(ApplyPgMigrations(*pg).ok());

  const char* statements[] = {
      "INSERT INTO users (id, username, display_name, password_hash, created_at) "
      "VALUES (1, 'Alice', 'A', 'x', 0), (2, 'bob', 'B', 'x', 0)",
      "INSERT INTO conversations (id, kind, created_at, last_activity_at) VALUES (7, 1, 0, 0)",
      "INSERT INTO members (conversation_id, user_id, joined_at) VALUES (7, 1, 0), (7, 2, 0)",
      "UPDATE conversations SET name = 'x' WHERE id = 7",
      "UPDATE conversations SET name = 'x' WHERE id = 7",  // no change: no count
      "UPDATE conversations SET name = 'X', last_seq = 5 WHERE id = 7",
      "UPDATE conversations SET last_seq = 6, last_activity_at = 9 WHERE id = 7",
      "UPDATE conversations SET topic = 't' WHERE id = 7",
      "UPDATE members SET role = 1 WHERE user_id = 2",
      "UPDATE members SET role = 1, read_seq = 3 WHERE user_id = 2",  // role unchanged
      "UPDATE members SET first_seq = 4 WHERE user_id = 1",
      "DELETE FROM members WHERE user_id = 2",
      "UPDATE conversations SET pruned_through = 2 WHERE id = 7",
      "UPDATE conversations SET deleted = 1 WHERE id = 7",
      "UPDATE rules_clock SET version = version + 1 WHERE id = 1",
  };
  std::vector<std::string> observed[2];
  sql::Db* dbs[2] = {sqlite.get(), pg.get()};
  for (int i = 0; i < 2; ++i) {
    sql::Db& db = *dbs[i];
    for (const char* sql : statements) {
      Result<sql::Statement> stmt = db.Prepare(sql);
      ASSERT_TRUE(stmt.ok()) << stmt.status().message();
      ASSERT_TRUE(stmt->Run().ok()) << sql;
    }
    for (auto [sql, columns] : std::initializer_list<std::pair<const char*, int>>{
             {"SELECT version FROM sync_clock", 1},
             {"SELECT id, version FROM rules_clock", 2},
             {"SELECT id, changed, name FROM conversations ORDER BY id", 3},
             {"SELECT conversation_id, user_id, changed FROM members ORDER BY 1, 2", 3},
             {"SELECT id FROM users WHERE username = 'ALICE'", 1},
             {"SELECT id FROM users WHERE username LIKE 'ali%' ORDER BY id", 1},
             {"SELECT id, keywords FROM stickers ORDER BY id", 2}}) {
      Result<std::vector<std::string>> rows = Rows(db, sql, columns);
      ASSERT_TRUE(rows.ok()) << rows.status().message();
      observed[i].push_back(sql);
      observed[i].insert(observed[i].end(), rows->begin(), rows->end());
    }
    Result<sql::Statement> duplicate = db.Prepare(
        "INSERT INTO users (username, display_name, password_hash, created_at) "
        "VALUES ('ALICE', 'A', 'x', 0)");
    ASSERT_TRUE(duplicate.ok());
    EXPECT_FALSE(duplicate->Run().ok());
    EXPECT_TRUE(duplicate->IsUniqueViolation());
  }
  EXPECT_EQ(observed[0], observed[1]);
  // Ten counts: two members added, two renames, the topic, the role, first_seq, the removal,
  // the pruning, the deletion; the writes that change nothing synced count nothing.
  EXPECT_EQ(observed[1][1], "10");
}

// A generated id after the built-in sticker pack's explicit ones does not collide with them.
TEST_F(PgSchemaTest, GeneratedIdsFollowTheBuiltInStickers) {
  std::unique_ptr<PgDb> pg = FreshDatabase(DatabaseName("identity"));
  ASSERT_TRUE(pg);
  ASSERT_TRUE(ApplyPgMigrations(*pg).ok());
  Result<int64_t> pack = pg->QueryInt(
      "INSERT INTO sticker_packs (slug, owner_id, name, created_at) VALUES ('mine', 5, 'm', 1) "
      "RETURNING id");
  ASSERT_TRUE(pack.ok()) << pack.status().message();
  EXPECT_EQ(*pack, 2);
  Result<int64_t> sticker = pg->QueryInt(
      "INSERT INTO stickers (pack_id, media_id, keywords, position) VALUES (2, 'm', 'k', 1) "
      "RETURNING id");
  ASSERT_TRUE(sticker.ok()) << sticker.status().message();
  EXPECT_EQ(*sticker, 9);
}

TEST_F(PgSchemaTest, MigratingTwiceIsANoOp) {
  std::unique_ptr<PgDb> pg = FreshDatabase(DatabaseName("twice"));
  ASSERT_TRUE(pg);
  ASSERT_TRUE(ApplyPgMigrations(*pg).ok());
  ASSERT_TRUE(pg->Exec("INSERT INTO users (username, display_name, password_hash, created_at) "
                       "VALUES ('ann', 'Ann', 'x', 1)")
                  .ok());
  Status again = ApplyPgMigrations(*pg);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(*Version(*pg), LatestPgSchemaVersion());
  EXPECT_EQ(*pg->QueryInt("SELECT count(*) FROM schema_version"), 1);
  EXPECT_EQ(*pg->QueryInt("SELECT count(*) FROM users"), 1);
  EXPECT_EQ(*pg->QueryInt("SELECT count(*) FROM stickers"), 8);
}

TEST_F(PgSchemaTest, ConcurrentOpenersBothSucceedWithOneSchema) {
  std::unique_ptr<PgDb> first = FreshDatabase(DatabaseName("concurrent"));
  std::unique_ptr<PgDb> second = Connect();
  ASSERT_TRUE(first && second);
  Status results[2];
  std::thread a([&] { results[0] = ApplyPgMigrations(*first); });
  std::thread b([&] { results[1] = ApplyPgMigrations(*second); });
  a.join();
  b.join();
  EXPECT_TRUE(results[0].ok()) << results[0].message();
  EXPECT_TRUE(results[1].ok()) << results[1].message();
  EXPECT_EQ(*Version(*first), LatestPgSchemaVersion());
  EXPECT_EQ(*first->QueryInt("SELECT count(*) FROM schema_version"), 1);
  EXPECT_EQ(*first->QueryInt("SELECT count(*) FROM stickers"), 8);
  EXPECT_EQ(*first->QueryInt("SELECT count(*) FROM sync_clock"), 1);
}

TEST_F(PgSchemaTest, RefusesADatabaseNewerThanTheBinary) {
  std::unique_ptr<PgDb> pg = FreshDatabase(DatabaseName("newer"));
  ASSERT_TRUE(pg);
  ASSERT_TRUE(ApplyPgMigrations(*pg).ok());
  ASSERT_TRUE(pg->Exec("UPDATE schema_version SET version = version + 1").ok());
  Status refused = ApplyPgMigrations(*pg);
  EXPECT_EQ(refused.code(), Code::kInternal);
  EXPECT_NE(refused.message().find("newer than this binary"), std::string::npos)
      << refused.message();
  // Nothing was touched.
  EXPECT_EQ(*Version(*pg), LatestPgSchemaVersion() + 1);
}

// The SQLite store refuses the same way (the contract both drivers share).
TEST_F(PgSchemaTest, SqliteRefusesANewerDatabaseToo) {
  std::unique_ptr<sqlite::SqliteDb> sqlite = MigratedSqlite();
  ASSERT_TRUE(sqlite);
  ASSERT_TRUE(sqlite->Exec("PRAGMA user_version = 1000").ok());
  sqlite.reset();
  SqliteOptions options;
  options.path = dir_.path() + "/parley.db";
  Result<std::unique_ptr<Store>> store = OpenSqliteStore(options);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("newer than this binary"), std::string::npos)
      << store.status().message();
}

}  // namespace
}  // namespace parley::store::postgres
