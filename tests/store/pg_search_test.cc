// Message search on PostgreSQL (store/postgres/pg_search.h) against a real server: what it finds
// (Latin words whole, case- and accent-blind; CJK runs anywhere; mixed scripts; emoji are no
// words), who may find it (members, from their first_seq; one conversation), that edits and
// deletions reach the index, snippets, paging, and hostile queries, which are never syntax.
// Messages are written with plain SQL as the store's send path writes them (the row, then its
// key in search_queue).
#include "store/postgres/pg_search.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/pg_db.h"
#include "store/postgres/pg_migrations.h"
#include "store/search_terms.h"
#include "tests/support/postgres_server.h"

namespace parley::store::postgres {
namespace {

constexpr int64_t kAnn = 1, kBen = 2, kCat = 3;
constexpr int64_t kDirect = 1;  // ann and ben
constexpr int64_t kGroup = 2;   // ann and cat; cat reads from seq 3 on

class PgSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    testing_support::PostgresServer* server = testing_support::PostgresServer::Shared(&error);
    ASSERT_NE(server, nullptr) << "PostgreSQL test server: " << error;
    const std::string name =
        "pg_search_" +
        std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
        std::to_string(getpid());
    std::string lowered;
    for (char c : name) lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Result<std::string> conninfo = server->CreateDatabase(lowered);
    ASSERT_TRUE(conninfo.ok()) << conninfo.status().message();
    conninfo_ = *conninfo;
    for (auto* db : {&writer_, &reader_}) {
      Result<std::unique_ptr<PgDb>> opened = PgDb::Open(PgOptions{conninfo_});
      ASSERT_TRUE(opened.ok()) << opened.status().message();
      *db = std::move(*opened);
    }
    ASSERT_TRUE(ApplyPgMigrations(*writer_).ok());
    Exec(
        "INSERT INTO users (id, username, display_name, password_hash, created_at) VALUES "
        "(1, 'ann', 'Ann', 'x', 0), (2, 'ben', 'Ben', 'x', 0), (3, 'cat', 'Cat', 'x', 0);"
        "INSERT INTO conversations (id, kind, created_at, last_activity_at) VALUES "
        "(1, 0, 0, 0), (2, 1, 0, 0);"
        "INSERT INTO members (conversation_id, user_id, joined_at, first_seq) VALUES "
        "(1, 1, 0, 1), (1, 2, 0, 1), (2, 1, 0, 1), (2, 3, 0, 3)");
  }

  void Exec(const std::string& sql) {
    Status s = writer_->Exec(sql);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  // Appends a message as the send path does; returns its seq.
  int64_t Send(int64_t conversation, int64_t sender, const std::string& text, int64_t kind = 0) {
    const int64_t seq = ++last_seq_[conversation];
    Result<sql::Statement> insert = writer_->Prepare(
        "INSERT INTO messages (conversation_id, seq, sender_id, client_id, text, created_at, "
        "kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    EXPECT_TRUE(insert.ok());
    insert->BindInt(1, conversation);
    insert->BindInt(2, seq);
    insert->BindInt(3, sender);
    insert->BindText(4, "c" + std::to_string(++clock_));
    insert->BindText(5, text);
    insert->BindInt(6, clock_);
    insert->BindInt(7, kind);
    Status sent = insert->Run();
    EXPECT_TRUE(sent.ok()) << sent.message();
    Queue(conversation, seq);
    return seq;
  }

  void Queue(int64_t conversation, int64_t seq) {
    Exec("INSERT INTO search_queue (message_key) VALUES (" +
         std::to_string((conversation << 32) | seq) + ")");
  }

  void Edit(int64_t conversation, int64_t seq, const std::string& text) {
    Result<sql::Statement> edit =
        writer_->Prepare("UPDATE messages SET text = ?3 WHERE conversation_id = ?1 AND seq = ?2");
    ASSERT_TRUE(edit.ok());
    edit->BindInt(1, conversation);
    edit->BindInt(2, seq);
    edit->BindText(3, text);
    ASSERT_TRUE(edit->Run().ok());
    Queue(conversation, seq);
  }

  void Delete(int64_t conversation, int64_t seq) {
    Exec("UPDATE messages SET deleted = 1, text = '' WHERE conversation_id = " +
         std::to_string(conversation) + " AND seq = " + std::to_string(seq));
    Queue(conversation, seq);
  }

  // Indexes the whole queue, as the server does before every search.
  void IndexAll() {
    for (;;) {
      Result<int> indexed = IndexQueuedMessages(*writer_, 3);
      ASSERT_TRUE(indexed.ok()) << indexed.status().message();
      if (*indexed < 3) break;
    }
  }

  Result<SearchPage> Find(int64_t user, const std::string& text, int64_t conversation = 0,
                          int limit = 20) {
    IndexAll();
    SearchQuery query;
    query.user_id = user;
    query.text = text;
    query.conversation_id = conversation;
    query.limit = limit;
    return SearchMessages(*reader_, query);
  }

  std::vector<std::string> Texts(int64_t user, const std::string& text, int64_t conversation = 0) {
    Result<SearchPage> page = Find(user, text, conversation);
    EXPECT_TRUE(page.ok()) << text << ": " << page.status().message();
    std::vector<std::string> texts;
    if (page.ok()) {
      for (const SearchHit& hit : page->hits) texts.push_back(hit.message.text);
    }
    return texts;
  }

  std::string conninfo_;
  std::unique_ptr<PgDb> writer_;
  std::unique_ptr<PgDb> reader_;
  int64_t last_seq_[3] = {0, 0, 0};
  int64_t clock_ = 1000;
};

using Strings = std::vector<std::string>;

TEST_F(PgSearchTest, LatinWordsMatchWholeIgnoringCaseAndAccents) {
  Send(kDirect, kAnn, "Über café meeting");
  Send(kDirect, kBen, "Une ÉCOLE près d'ici, e-mail me");
  EXPECT_EQ(Texts(kBen, "uber CAFE"), Strings{"Über café meeting"});
  EXPECT_EQ(Texts(kBen, "Café"), Strings{"Über café meeting"});
  EXPECT_EQ(Texts(kBen, "école PRES"), Strings{"Une ÉCOLE près d'ici, e-mail me"});
  EXPECT_EQ(Texts(kBen, "d'ici"), Strings{"Une ÉCOLE près d'ici, e-mail me"});
  EXPECT_EQ(Texts(kBen, "mail"), Strings{"Une ÉCOLE près d'ici, e-mail me"});
  EXPECT_TRUE(Texts(kBen, "caf").empty());       // words match whole
  EXPECT_TRUE(Texts(kBen, "meetings").empty());  // no stemming
  EXPECT_TRUE(Texts(kBen, "cafe tea").empty());  // every word must match
}

TEST_F(PgSearchTest, CjkRunsMatchAnywhereInLongerText) {
  Send(kDirect, kAnn, "你好世界");
  Send(kDirect, kAnn, "東京で会いましょう");
  Send(kDirect, kAnn, "안녕하세요 여러분");
  EXPECT_EQ(Texts(kBen, "世界"), Strings{"你好世界"});
  EXPECT_EQ(Texts(kBen, "好世"), Strings{"你好世界"});
  EXPECT_EQ(Texts(kBen, "你好世界"), Strings{"你好世界"});
  EXPECT_TRUE(Texts(kBen, "界世").empty());  // a run is a phrase: in order, adjacent
  EXPECT_TRUE(Texts(kBen, "你界").empty());
  EXPECT_EQ(Texts(kBen, "会い"), Strings{"東京で会いましょう"});
  EXPECT_EQ(Texts(kBen, "東京"), Strings{"東京で会いましょう"});
  EXPECT_EQ(Texts(kBen, "하세"), Strings{"안녕하세요 여러분"});
  EXPECT_EQ(Texts(kBen, "世 界"), Strings{"你好世界"});  // two words: both, anywhere
}

TEST_F(PgSearchTest, MixedScriptsAndEmoji) {
  Send(kDirect, kAnn, "hello世界 rocks");
  Send(kDirect, kAnn, "party🎉time 🎉");
  EXPECT_EQ(Texts(kBen, "hello世界"), Strings{"hello世界 rocks"});
  EXPECT_EQ(Texts(kBen, "世界"), Strings{"hello世界 rocks"});
  EXPECT_EQ(Texts(kBen, "rocks HELLO"), Strings{"hello世界 rocks"});
  EXPECT_TRUE(Texts(kBen, "hello界").empty());
  EXPECT_EQ(Texts(kBen, "party"), Strings{"party🎉time 🎉"});
  EXPECT_EQ(Texts(kBen, "time🎉party"), Strings{});  // a phrase: in order
  EXPECT_EQ(Texts(kBen, "party🎉time"), Strings{"party🎉time 🎉"});
  EXPECT_EQ(Find(kBen, "🎉").status().code(), Code::kInvalidArgument);  // emoji are no words
}

TEST_F(PgSearchTest, AQueryWithoutAWordIsInvalid) {
  Send(kDirect, kAnn, "anything");
  for (std::string query :
       {"", "   ", "*** \"\" ^", "🎉👍", "&|!:*()<->", "\t\n\x01", "\xE3\x80\x80", "\xFF\xFE"}) {
    EXPECT_EQ(Find(kBen, query).status().code(), Code::kInvalidArgument) << query;
  }
  EXPECT_EQ(Find(kBen, "anything", 0, 0).status().code(), Code::kInvalidArgument);  // limit
}

TEST_F(PgSearchTest, OnlyMembersFindMessagesFromTheirFirstSeqOn) {
  Send(kDirect, kAnn, "secret plan");
  Send(kGroup, kAnn, "plan one");
  Send(kGroup, kAnn, "plan two");
  Send(kGroup, kAnn, "plan three");
  EXPECT_EQ(Texts(kBen, "plan"), Strings{"secret plan"});
  EXPECT_EQ(Texts(kCat, "plan"), Strings{"plan three"});  // first_seq 3
  EXPECT_EQ(Texts(kAnn, "plan"), (Strings{"plan three", "plan two", "plan one", "secret plan"}));
  EXPECT_EQ(Texts(kAnn, "plan", kDirect), Strings{"secret plan"});
  EXPECT_EQ(Texts(kAnn, "plan", kGroup), (Strings{"plan three", "plan two", "plan one"}));
  EXPECT_TRUE(Texts(kCat, "secret").empty());
}

TEST_F(PgSearchTest, EditsAndDeletionsReachTheIndex) {
  const int64_t seq = Send(kDirect, kAnn, "coffee at noon");
  Send(kDirect, kAnn, "edit of 1", /*kind=*/3);  // an op's text is not searchable
  EXPECT_EQ(Texts(kBen, "coffee"), Strings{"coffee at noon"});
  EXPECT_TRUE(Texts(kBen, "edit").empty());
  Edit(kDirect, seq, "tea at noon");
  EXPECT_TRUE(Texts(kBen, "coffee").empty());
  EXPECT_EQ(Texts(kBen, "tea"), Strings{"tea at noon"});
  Delete(kDirect, seq);
  EXPECT_TRUE(Texts(kBen, "noon").empty());
  EXPECT_EQ(*writer_->QueryInt("SELECT count(*) FROM search_queue"), 0);
  EXPECT_EQ(*writer_->QueryInt("SELECT count(*) FROM message_search"), 0);
}

TEST_F(PgSearchTest, IndexingTakesTheQueueInBatches) {
  for (int i = 0; i < 5; ++i) Send(kDirect, kAnn, "batch " + std::to_string(i));
  EXPECT_EQ(*IndexQueuedMessages(*writer_, 0), 0);
  EXPECT_EQ(*IndexQueuedMessages(*writer_, -1), 0);
  EXPECT_EQ(*IndexQueuedMessages(*writer_, 2), 2);
  EXPECT_EQ(*IndexQueuedMessages(*writer_, 2), 2);
  EXPECT_EQ(*IndexQueuedMessages(*writer_, 2), 1);
  EXPECT_EQ(*IndexQueuedMessages(*writer_, 2), 0);
  EXPECT_EQ(*writer_->QueryInt("SELECT count(*) FROM message_search"), 5);
}

// Indexers on several nodes: two connections index while a third keeps editing one message
// (each edit queued 8 times, so both indexers often hold the same message). Neither fails, and
// once the queue is empty the index holds the message's last text.
TEST_F(PgSearchTest, ConcurrentIndexersKeepTheLastText) {
  const int64_t seq = Send(kDirect, kAnn, "version 0");
  Result<std::unique_ptr<PgDb>> other = PgDb::Open(PgOptions{conninfo_});
  Result<std::unique_ptr<PgDb>> editor = PgDb::Open(PgOptions{conninfo_});
  ASSERT_TRUE(other.ok() && editor.ok());
  constexpr int kEdits = 60;
  std::atomic<bool> editing{true};
  Status failures[2];
  auto index = [&](PgDb* db, Status* failure) {
    while (editing.load()) {
      Result<int> indexed = IndexQueuedMessages(*db, 1);
      if (!indexed.ok()) *failure = indexed.status();
    }
  };
  std::thread first(index, writer_.get(), &failures[0]);
  std::thread second(index, other->get(), &failures[1]);
  for (int i = 1; i <= kEdits; ++i) {
    Status s = (*editor)->Exec("BEGIN; UPDATE messages SET text = 'version " + std::to_string(i) +
                               "' WHERE conversation_id = 1 AND seq = " + std::to_string(seq) +
                               "; INSERT INTO search_queue (message_key) SELECT " +
                               std::to_string((kDirect << 32) | seq) +
                               " FROM generate_series(1, 8); COMMIT");
    ASSERT_TRUE(s.ok()) << s.message();
  }
  editing = false;
  first.join();
  second.join();
  EXPECT_TRUE(failures[0].ok()) << failures[0].message();
  EXPECT_TRUE(failures[1].ok()) << failures[1].message();
  EXPECT_EQ(Texts(kBen, std::to_string(kEdits)), Strings{"version " + std::to_string(kEdits)});
  EXPECT_TRUE(Texts(kBen, std::to_string(kEdits - 1)).empty());
  EXPECT_EQ(*writer_->QueryInt("SELECT count(*) FROM message_search"), 1);
}

TEST_F(PgSearchTest, PagesNewestFirst) {
  for (int i = 0; i < 5; ++i) Send(kDirect, kAnn, "note " + std::to_string(i));
  IndexAll();
  SearchQuery query;
  query.user_id = kBen;
  query.text = "note";
  query.limit = 2;
  Strings texts;
  for (int pages = 0; pages < 5; ++pages) {
    Result<SearchPage> page = SearchMessages(*reader_, query);
    ASSERT_TRUE(page.ok()) << page.status().message();
    for (const SearchHit& hit : page->hits) texts.push_back(hit.message.text);
    if (!page->next) break;
    query.before = page->next;
  }
  EXPECT_EQ(texts, (Strings{"note 4", "note 3", "note 2", "note 1", "note 0"}));
}

TEST_F(PgSearchTest, SnippetsMarkTheHits) {
  Send(kDirect, kAnn, "你好世界");
  Send(kDirect, kAnn, "Hello, wonderful Café World!");
  std::string long_text;
  for (int i = 0; i < 30; ++i) long_text += "word" + std::to_string(i) + " ";
  long_text += "needle and more";
  for (int i = 0; i < 30; ++i) long_text += " tail" + std::to_string(i);
  Send(kDirect, kAnn, long_text);

  Result<SearchPage> cjk = Find(kBen, "世界");
  ASSERT_TRUE(cjk.ok() && cjk->hits.size() == 1);
  EXPECT_EQ(cjk->hits[0].snippet, "你好\xEE\x80\x80世界\xEE\x80\x81");
  Result<SearchPage> latin = Find(kBen, "cafe hello");
  ASSERT_TRUE(latin.ok() && latin->hits.size() == 1);
  EXPECT_EQ(latin->hits[0].snippet,
            "\xEE\x80\x80Hello\xEE\x80\x81, wonderful \xEE\x80\x80"
            "Café\xEE\x80\x81 World!");
  Result<SearchPage> cut = Find(kBen, "needle");
  ASSERT_TRUE(cut.ok() && cut->hits.size() == 1);
  const std::string& snippet = cut->hits[0].snippet;
  EXPECT_TRUE(snippet.starts_with("\xE2\x80\xA6")) << snippet;
  EXPECT_TRUE(snippet.ends_with("\xE2\x80\xA6")) << snippet;
  EXPECT_NE(snippet.find("\xEE\x80\x80needle\xEE\x80\x81"), std::string::npos) << snippet;
  EXPECT_EQ(SplitSearchTerms(snippet).size(), 16u) << snippet;
}

// Query syntax of tsquery, SQL and FTS5 is only text: never an error but kInvalidArgument,
// never an injection, and words around it are still found.
TEST_F(PgSearchTest, HostileQueriesAreOnlyText) {
  Send(kDirect, kAnn, "it's a back\\slash and O'Brien's \"quote\"");
  Send(kDirect, kAnn, "plain words");
  const std::string hostile[] = {"'",
                                 "''",
                                 "\\",
                                 "\\'",
                                 "a'b",
                                 "&",
                                 "|",
                                 "!",
                                 "a & b",
                                 "a | words",
                                 "!plain",
                                 "plain:*",
                                 "'plain':*",
                                 "pla:*",
                                 "<->",
                                 "plain <-> words",
                                 "plain <2> words",
                                 "(",
                                 ")",
                                 "x'); DROP TABLE messages; --",
                                 "'; SELECT pg_sleep(10); --",
                                 "$1",
                                 "?1",
                                 "E'\\x41'",
                                 "plain\xFF",
                                 "caf\xC3",
                                 std::string("plain\0words", 11),
                                 "\xED\xA0\x80",
                                 std::string(10 * 1024, 'a'),
                                 std::string(10 * 1024, '\''),
                                 [] {
                                   std::string many;
                                   for (int i = 0; i < 2000; ++i) many += "a' ";
                                   return many;
                                 }(),
                                 [] {
                                   std::string cjk;
                                   for (int i = 0; i < 3000; ++i) cjk += "世";
                                   return cjk;
                                 }()};
  for (const std::string& query : hostile) {
    Result<SearchPage> page = Find(kBen, query);
    EXPECT_TRUE(page.ok() || page.status().code() == Code::kInvalidArgument)
        << query.substr(0, 40) << ": " << page.status().message();
  }
  EXPECT_EQ(*writer_->QueryInt("SELECT count(*) FROM messages"), 2);
  EXPECT_EQ(Texts(kBen, "it's"), Strings{"it's a back\\slash and O'Brien's \"quote\""});
  EXPECT_EQ(Texts(kBen, "back\\slash o'brien's"), Texts(kBen, "it's"));
  EXPECT_EQ(Texts(kBen, "\"quote\""), Texts(kBen, "it's"));
  EXPECT_EQ(Texts(kBen, "plain\xFF"), Strings{"plain words"});
  EXPECT_EQ(Texts(kBen, std::string("plain\0words", 11)), Strings{"plain words"});
  EXPECT_TRUE(Texts(kBen, "pla:*").empty());       // no prefix search
  EXPECT_TRUE(Texts(kBen, "!plain").size() == 1);  // "!" is punctuation, not NOT
}

// A message of hostile text is indexed and found like any other. A word longer than
// PostgreSQL's lexeme limit (2046 bytes) is left out of the index: searching it finds nothing.
TEST_F(PgSearchTest, HostileMessagesAreIndexed) {
  const std::string texts[] = {"a:1 'b':2 \\c & d | !e", std::string(2000, 'x') + " y",
                               "caf\xC3\xA9 \xE2\x80\x8B zero\xE2\x80\x8Bwidth",
                               std::string(5000, 'z') + " long"};
  for (const std::string& text : texts) Send(kDirect, kAnn, text);
  IndexAll();
  EXPECT_EQ(Texts(kBen, "'b'"), Strings{texts[0]});
  EXPECT_EQ(Texts(kBen, "e"), Strings{texts[0]});
  EXPECT_TRUE(Texts(kBen, std::string(2000, 'x')) == Strings{texts[1]});
  EXPECT_EQ(Texts(kBen, "width"), Strings{texts[2]});
  EXPECT_EQ(Texts(kBen, "long").size(), 1u);
  EXPECT_TRUE(Texts(kBen, std::string(5000, 'z')).empty());
}

}  // namespace
}  // namespace parley::store::postgres
