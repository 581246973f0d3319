// Both stores find the same messages: one corpus of messages in many scripts written with the
// same SQL into a SQLite store and a PostgreSQL database, the same queries on both
// (Store::SearchMessages on SQLite, postgres::SearchMessages on PostgreSQL), the same results
// except where PostgreSQL finds more, listed below (docs/architecture.md, "Search").
#include <gtest/gtest.h>
#include <unistd.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_search.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

namespace parley::store {
namespace {

const char* const kCorpus[] = {
    "Über café meeting",
    "Une ÉCOLE près d'ici, e-mail me",
    "你好世界",
    "東京で会いましょう",
    "안녕하세요 여러분",
    "hello世界 rocks",
    "party🎉time 🎉",
    "it's a back\\slash and O'Brien's \"quote\"",
    "naïve coöperate façade",
    "x.com/path?q=1 user@example.org",
    "3.14 is π",
    "Привет мир",
    "Ελληνικά ΓΡΆΜΜΑΤΑ",
    "CamelCase snake_case kebab-case",
    "l'été dernier",
    "數據庫 数据库",
    "tab\there",
    "Straße",
    "ＦＵＬＬ width",
    "ﬁne ligature",
    "de\u0301compose\u0301 e\u0301te\u0301",
    "flag🏳️‍🌈rainbow ok❤️love 👍🏽fine",
};

const char* const kQueries[] = {
    "cafe",
    "UBER",
    "ecole",
    "d'ici",
    "mail",
    "世界",
    "好世",
    "界世",
    "東京",
    "会い",
    "하세",
    "hello世界",
    "party",
    "party🎉time",
    "it's",
    "o'brien's",
    "backslash",
    "naive",
    "cooperate",
    "facade",
    "example",
    "path",
    "user@example.org",
    "14",
    "3.14",
    "π",
    "привет",
    "ПРИВЕТ",
    "ελληνικα",
    "γραμματα",
    "snake",
    "snake_case",
    "case",
    "kebab-case",
    "ete",
    "l'ete",
    "数据",
    "數據",
    "tab",
    "here",
    "camelcase",
    "strasse",
    "straße",
    "full",
    "ＦＵＬＬ",
    "fine",
    "ﬁne",
    "decompose",
    "de\u0301compose\u0301 e\u0301te\u0301",
    "flag🏳️‍🌈rainbow ok❤️love 👍🏽fine",
};

// Where PostgreSQL finds more: unaccent also folds ß, ligatures, fullwidth forms and Greek
// accents, and SQLite's Unicode tables predate the emoji skin-tone modifiers (U+1F3FB..F),
// which it reads as part of the word that follows ("👍🏽fine" holds no "fine" there).
const std::set<std::string> kPostgresFindsMore = {"ελληνικα", "γραμματα", "strasse",
                                                  "full",     "fine",     "ﬁne"};

const char* const kSetup =
    "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES "
    "(1, 'ann', 'Ann', 'x', 0), (2, 'ben', 'Ben', 'x', 0);"
    "INSERT INTO conversations (id, kind, created_at, last_activity_at) VALUES (1, 0, 0, 0);"
    "INSERT INTO members (conversation_id, user_id, joined_at) VALUES (1, 1, 0), (1, 2, 0)";

// Writes the corpus as the send path does (message row, then its key in search_queue).
void WriteCorpus(sql::Db& db) {
  ASSERT_TRUE(db.Exec(kSetup).ok());
  int64_t seq = 0;
  for (const char* text : kCorpus) {
    ++seq;
    Result<sql::Statement> insert = db.Prepare(
        "INSERT INTO messages (conversation_id, seq, sender_id, client_id, text, created_at) "
        "VALUES (1, ?1, 1, ?2, ?3, ?4)");
    ASSERT_TRUE(insert.ok()) << insert.status().message();
    insert->BindInt(1, seq);
    insert->BindText(2, "c" + std::to_string(seq));
    insert->BindText(3, text);
    insert->BindInt(4, 1000 + seq);
    Status inserted = insert->Run();
    ASSERT_TRUE(inserted.ok()) << inserted.message();
    Result<sql::Statement> queue = db.Prepare("INSERT INTO search_queue (message_key) VALUES (?1)");
    ASSERT_TRUE(queue.ok());
    queue->BindInt(1, (int64_t{1} << 32) | seq);
    ASSERT_TRUE(queue->Run().ok());
  }
}

std::set<std::string> Texts(const Result<SearchPage>& page) {
  std::set<std::string> texts;
  if (page.ok()) {
    for (const SearchHit& hit : page->hits) texts.insert(hit.message.text);
  }
  return texts;
}

TEST(PgSearchParityTest, FindsWhatTheSqliteStoreFinds) {
  // SQLite: a store, written through a connection of its own.
  testing_support::TempDir dir;
  SqliteOptions options;
  options.path = dir.path() + "/parley.db";
  options.synchronous_full = false;
  Result<std::unique_ptr<Store>> sqlite = OpenSqliteStore(options);
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().message();
  sqlite::DbOptions writer_options;
  writer_options.writer = true;
  writer_options.synchronous_full = false;
  Result<std::unique_ptr<sqlite::SqliteDb>> sqlite_writer =
      sqlite::SqliteDb::Open(options.path, writer_options);
  ASSERT_TRUE(sqlite_writer.ok()) << sqlite_writer.status().message();
  WriteCorpus(**sqlite_writer);
  ASSERT_TRUE((*sqlite)->IndexQueuedForSearch(1000).ok());

  // PostgreSQL: a fresh database.
  std::string error;
  testing_support::PostgresServer* server = testing_support::PostgresServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  Result<std::string> conninfo =
      server->CreateDatabase("pg_search_parity_" + std::to_string(getpid()));
  ASSERT_TRUE(conninfo.ok()) << conninfo.status().message();
  Result<std::unique_ptr<postgres::PgDb>> pg = postgres::PgDb::Open(postgres::PgOptions{*conninfo});
  ASSERT_TRUE(pg.ok()) << pg.status().message();
  ASSERT_TRUE(postgres::ApplyPgMigrations(**pg).ok());
  WriteCorpus(**pg);
  ASSERT_TRUE(postgres::IndexQueuedMessages(**pg, 1000).ok());

  for (const char* text : kQueries) {
    SearchQuery query;
    query.user_id = 2;
    query.text = text;
    Result<SearchPage> on_sqlite = (*sqlite)->SearchMessages(query);
    Result<SearchPage> on_pg = postgres::SearchMessages(**pg, query);
    EXPECT_EQ(on_sqlite.status().code(), on_pg.status().code()) << text;
    std::set<std::string> sqlite_texts = Texts(on_sqlite);
    std::set<std::string> pg_texts = Texts(on_pg);
    if (!kPostgresFindsMore.contains(text)) {
      EXPECT_EQ(sqlite_texts, pg_texts) << "query: " << text;
      continue;
    }
    EXPECT_GT(pg_texts.size(), sqlite_texts.size()) << "query: " << text;
    for (const std::string& found : sqlite_texts) {
      EXPECT_TRUE(pg_texts.contains(found)) << "query: " << text << ", found: " << found;
    }
  }
}

}  // namespace
}  // namespace parley::store
