// Unit tests of the `parley` FTS5 tokenizer (store/sqlite/search_tokenizer.h) on a real SQLite
// connection: Latin words folded by unicode61 (case, diacritics), every CJK ideograph, kana and
// hangul syllable a token of its own with its byte range, mixed text, emoji and punctuation
// (no tokens), and bytes that are not UTF-8 (never a failure).
#include "store/sqlite/search_tokenizer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/sqlite_db.h"
#include "tests/support/temp_dir.h"

namespace parley::store::sqlite {
namespace {

class SearchTokenizerTest : public testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    DbOptions options;
    options.create = true;
    options.writer = true;
    auto db = SqliteDb::Open(dir_.path() + "/t.db", options);  // registers the tokenizer
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
  }

  std::vector<std::string> Tokens(std::string_view text) {
    auto tokens = TokenizeForSearch(db_->handle(), text);
    EXPECT_TRUE(tokens.ok()) << tokens.status().message();
    std::vector<std::string> texts;
    if (tokens.ok()) {
      for (const SearchToken& token : *tokens) texts.push_back(token.text);
    }
    return texts;
  }

  testing_support::TempDir dir_;
  std::unique_ptr<SqliteDb> db_;
};

using Texts = std::vector<std::string>;

TEST_F(SearchTokenizerTest, TableOfInputs) {
  struct Case {
    std::string text;
    Texts tokens;
  };
  const std::vector<Case> cases = {
      {"Hello, World!", {"hello", "world"}},
      {"Crème BRÛLÉE naïve", {"creme", "brulee", "naive"}},
      {"你好世界", {"你", "好", "世", "界"}},
      {"hello世界peace", {"hello", "世", "界", "peace"}},
      {"ひらがなカタカナ", {"ひ", "ら", "が", "な", "カ", "タ", "カ", "ナ"}},
      {"안녕 세계", {"안", "녕", "세", "계"}},
      {"𠀋x", {"𠀋", "x"}},  // CJK extension B
      {"👍 🇫🇷 ❤️", {}},
      {"*** \"\" ^ : ( )", {}},
      {"NEAR(a b) OR c*", {"near", "a", "b", "or", "c"}},
      {"", {}},
  };
  for (const Case& test : cases) EXPECT_EQ(Tokens(test.text), test.tokens) << test.text;
}

TEST_F(SearchTokenizerTest, OffsetsPointIntoTheWholeText) {
  auto tokens = TokenizeForSearch(db_->handle(), "ab 世界 cd");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 4u);
  EXPECT_EQ((*tokens)[0].start, 0);
  EXPECT_EQ((*tokens)[0].end, 2);
  EXPECT_EQ((*tokens)[1].start, 3);
  EXPECT_EQ((*tokens)[1].end, 6);
  EXPECT_EQ((*tokens)[2].start, 6);
  EXPECT_EQ((*tokens)[2].end, 9);
  EXPECT_EQ((*tokens)[3].start, 10);
  EXPECT_EQ((*tokens)[3].end, 12);
}

TEST_F(SearchTokenizerTest, InvalidUtf8NeverFails) {
  const std::vector<std::string> inputs = {"\xFF\xFE",
                                           "ab\xE4\xBD",
                                           "\xE4\xBD\xA0\xC0\xAF",
                                           std::string("a\0b", 3),
                                           "\xED\xA0\x80 x",
                                           std::string(4096, '\x80')};
  for (const std::string& input : inputs) {
    auto tokens = TokenizeForSearch(db_->handle(), input);
    EXPECT_TRUE(tokens.ok()) << tokens.status().message();
  }
  // The valid parts still come out.
  EXPECT_EQ(Tokens("ab\xFF世"), (Texts{"ab", "世"}));
}

TEST_F(SearchTokenizerTest, FtsTablesUseItForDocumentsAndQueries) {
  ASSERT_TRUE(db_->Exec("CREATE VIRTUAL TABLE t USING fts5 (x, tokenize = 'parley');"
                        "INSERT INTO t (x) VALUES ('你好世界'), ('Ölpreis steigt'), ('世 界');")
                  .ok());
  auto count = [&](std::string query) {
    auto stmt = db_->Prepare("SELECT count(*) FROM t WHERE t MATCH ?1");
    EXPECT_TRUE(stmt.ok());
    stmt->BindText(1, query);
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt->ColumnInt(0);
  };
  EXPECT_EQ(count("\"世界\""),
            2);  // phrase of adjacent tokens; "世 界" too (spaces are not tokens)
  EXPECT_EQ(count("\"好世\""), 1);
  EXPECT_EQ(count("\"olpreis\""), 1);
  EXPECT_EQ(count("\"界世\""), 0);
  EXPECT_FALSE(db_->Exec("CREATE VIRTUAL TABLE u USING fts5 (x, tokenize = 'parley extra');").ok());
}

}  // namespace
}  // namespace parley::store::sqlite
