// End-to-end tests of message search (docs/protocol.md, "Search") against a real parleyd:
// Latin words case- and accent-insensitively, CJK runs inside longer text, snippets with
// U+E000/U+E001 marks, only what the caller can read (members, from their join on), newest
// first with an opaque cursor, edits reindexed and deletions gone, and hostile queries answered
// with typed errors or a literal search (never FTS syntax).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::WsClient;
using nlohmann::json;

template <typename T>
Code CodeOf(const Result<T>& result) {
  return result.ok() ? Code::kOk : result.status().code();
}

// The texts of a search body's results, in order.
std::vector<std::string> Texts(const json& body) {
  std::vector<std::string> texts;
  for (const json& result : body["results"]) texts.push_back(result["message"]["text"]);
  return texts;
}

class SearchTest : public testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    for (const char* name : {"alice", "bob", "carol"}) {
      auto user = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(user));
      users_.push_back(*user);
    }
    for (const TestUser& user : users_) {
      apis_.push_back(ApiFor(*server_, &user));
      auto ws = ConnectUser(*server_, user);
      ASSERT_TRUE(IsOk(ws));
      ws_.push_back(std::move(*ws));
    }
  }

  int64_t id(int i) const { return users_[i].id; }
  client::HttpApi& api(int i) { return *apis_[i]; }
  WsClient& ws(int i) { return *ws_[i]; }

  // Alice sends each text to bob; returns the direct conversation's id.
  int64_t SendToBob(const std::vector<std::string>& texts) {
    int64_t conversation = 0;
    for (const std::string& text : texts) {
      auto ack = ws(0).SendToUser(id(1), text);
      EXPECT_TRUE(IsOk(ack));
      if (ack.ok()) conversation = (*ack)["conversation_id"];
    }
    return conversation;
  }

  Result<json> Search(int i, std::string_view q, int64_t conversation = 0) {
    return api(i).SearchMessages(q, conversation);
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
  std::vector<std::unique_ptr<WsClient>> ws_;
};

TEST_F(SearchTest, LatinWordsMatchWholeIgnoringCaseAndAccents) {
  SendToBob({"Crème Brûlée at the CAFÉ tonight", "cafeteria food", "nothing here"});
  for (std::string_view q : {"creme", "CAFE", "brulee café", "Tonight"}) {
    auto found = Search(1, q);
    ASSERT_TRUE(IsOk(found)) << q;
    EXPECT_EQ(Texts(*found), std::vector<std::string>{"Crème Brûlée at the CAFÉ tonight"}) << q;
  }
  auto found = Search(0, "cafe");
  ASSERT_TRUE(IsOk(found));
  ASSERT_EQ((*found)["results"].size(), 1u);
  const std::string snippet = (*found)["results"][0]["snippet"];
  EXPECT_NE(snippet.find("\xEE\x80\x80"
                         "CAFÉ"
                         "\xEE\x80\x81"),
            std::string::npos)
      << snippet;
  EXPECT_FALSE(found->contains("next"));
  // Whole words only: "caf" is no word of either message.
  auto partial = Search(1, "caf");
  ASSERT_TRUE(IsOk(partial));
  EXPECT_TRUE((*partial)["results"].empty());
}

TEST_F(SearchTest, CjkRunsMatchInsideLongerText) {
  SendToBob({"你好世界", "世の中こんにちは", "안녕하세요 세계", "hello世界peace"});
  auto world = Search(1, "世界");
  ASSERT_TRUE(IsOk(world));
  EXPECT_EQ(Texts(*world), (std::vector<std::string>{"hello世界peace", "你好世界"}));
  auto middle = Search(1, "好世");
  ASSERT_TRUE(IsOk(middle));
  EXPECT_EQ(Texts(*middle), std::vector<std::string>{"你好世界"});
  auto reversed = Search(1, "界世");  // the characters, but not as a run
  ASSERT_TRUE(IsOk(reversed));
  EXPECT_TRUE((*reversed)["results"].empty());
  auto kana = Search(1, "にち");
  ASSERT_TRUE(IsOk(kana));
  EXPECT_EQ(Texts(*kana), std::vector<std::string>{"世の中こんにちは"});
  auto hangul = Search(1, "하세");
  ASSERT_TRUE(IsOk(hangul));
  EXPECT_EQ(Texts(*hangul), std::vector<std::string>{"안녕하세요 세계"});
  auto mixed = Search(1, "peace 世界");
  ASSERT_TRUE(IsOk(mixed));
  EXPECT_EQ(Texts(*mixed), std::vector<std::string>{"hello世界peace"});
  const std::string snippet = (*world)["results"][1]["snippet"];
  EXPECT_EQ(snippet, "你好\xEE\x80\x80世界\xEE\x80\x81");
}

TEST_F(SearchTest, OnlyWhatTheCallerCanRead) {
  const int64_t direct = SendToBob({"the launch code is blue"});
  auto stranger = Search(2, "launch");
  ASSERT_TRUE(IsOk(stranger));
  EXPECT_TRUE((*stranger)["results"].empty());
  EXPECT_EQ(CodeOf(Search(2, "launch", direct)), Code::kNotFound);
  EXPECT_EQ(CodeOf(Search(2, "launch", 999999)), Code::kNotFound);

  auto group = api(0).CreateGroup("Team", {id(1)});
  ASSERT_TRUE(IsOk(group));
  const int64_t g = (*group)["id"];
  ASSERT_TRUE(IsOk(ws(0).SendToConversation(g, "launch before carol joined")));
  ASSERT_TRUE(IsOk(api(0).AddGroupMembers(g, {id(2)})));
  ASSERT_TRUE(IsOk(ws(0).SendToConversation(g, "launch after carol joined")));
  auto late = Search(2, "launch");
  ASSERT_TRUE(IsOk(late));
  EXPECT_EQ(Texts(*late), std::vector<std::string>{"launch after carol joined"});
  auto in_group = Search(1, "launch", g);
  ASSERT_TRUE(IsOk(in_group));
  EXPECT_EQ(in_group->at("results").size(), 2u);

  ASSERT_TRUE(IsOk(api(0).RemoveGroupMember(g, id(1))));
  auto removed = Search(1, "launch");
  ASSERT_TRUE(IsOk(removed));
  EXPECT_EQ(Texts(*removed), std::vector<std::string>{"the launch code is blue"});
}

// No input gives a 5xx: a NUL inside a term (which would end SQLite's reading of the FTS5
// expression) separates terms like whitespace, and no error body carries internal text.
TEST_F(SearchTest, ControlCharactersInTheQuerySeparateTermsAndNeverFail) {
  SendToBob({"hello big world"});
  for (const char* q : {"hello%00world", "%00", "hello%00", "%01%02world%7F", "%00%22%00"}) {
    auto reply = api(1).Request("GET", std::string("/api/v1/search?q=") + q);
    ASSERT_TRUE(IsOk(reply)) << q;
    EXPECT_LT(reply->status, 500) << q << ": " << reply->raw_body;
    EXPECT_EQ(reply->raw_body.find("sqlite"), std::string::npos) << q;
    EXPECT_EQ(reply->raw_body.find("store:"), std::string::npos) << q;
  }
  auto both = api(1).Request("GET", "/api/v1/search?q=hello%00world");
  ASSERT_TRUE(IsOk(both));
  ASSERT_EQ(both->status, 200) << both->raw_body;
  ASSERT_EQ(both->body["results"].size(), 1u);
  EXPECT_EQ(both->body["results"][0]["message"]["text"], "hello big world");
  auto nothing = api(1).Request("GET", "/api/v1/search?q=%00%01");
  ASSERT_TRUE(IsOk(nothing));
  EXPECT_EQ(nothing->status, 422);
}

TEST_F(SearchTest, NewestFirstInPagesWithAnOpaqueCursor) {
  SendToBob({"page one", "page two", "page three", "page four", "page five"});
  std::vector<std::string> seen;
  std::string before;
  int pages = 0;
  for (;;) {
    auto page = api(1).SearchMessages("page", 0, before, 2);
    ASSERT_TRUE(IsOk(page));
    ++pages;
    for (const std::string& text : Texts(*page)) seen.push_back(text);
    if (!page->contains("next")) break;
    before = (*page)["next"];
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"page five", "page four", "page three", "page two",
                                            "page one"}));
  for (std::string_view cursor : {"x", "1.2", "1.2.3.4", "-1.2.3", "a.b.c", "1..3", ""}) {
    auto bad = api(1).Request("GET", "/api/v1/search?q=page&before=" + std::string(cursor));
    ASSERT_TRUE(IsOk(bad));
    EXPECT_EQ(bad->status, 400) << cursor;
    EXPECT_EQ((*bad).body["error"]["code"], "malformed") << cursor;
  }
}

TEST_F(SearchTest, EditsAreReindexedAndDeletionsDisappear) {
  const int64_t c = SendToBob({"meet at the harbour", "bring the map"});
  std::string edit_id = client::NewClientId();
  ASSERT_TRUE(IsOk(
      ws(0).SendAndAwaitAck(edit_id, client::EditFrame(edit_id, c, 1, "meet at the station"))));
  auto old_word = Search(1, "harbour");
  ASSERT_TRUE(IsOk(old_word));
  EXPECT_TRUE((*old_word)["results"].empty());
  auto new_word = Search(1, "station");
  ASSERT_TRUE(IsOk(new_word));
  ASSERT_EQ((*new_word)["results"].size(), 1u);
  EXPECT_GT((*new_word)["results"][0]["message"]["edited_at"].get<int64_t>(), 0);

  std::string delete_id = client::NewClientId();
  ASSERT_TRUE(IsOk(ws(0).SendAndAwaitAck(delete_id, client::DeleteFrame(delete_id, c, 2))));
  auto gone = Search(1, "map");
  ASSERT_TRUE(IsOk(gone));
  EXPECT_TRUE((*gone)["results"].empty());
}

TEST_F(SearchTest, HostileQueriesAreTypedErrorsOrLiteral) {
  SendToBob({"apple pie", "applesauce", "text apple", "NEAR the sea"});
  // FTS syntax is never interpreted: * is no prefix, ^ no anchor, "x:" no column filter.
  struct Case {
    std::string q;
    std::vector<std::string> texts;
  };
  const std::vector<Case> literal = {
      {"apple*", {"text apple", "apple pie"}},
      {"^pie", {"apple pie"}},
      {"text:apple", {"text apple"}},
      {"\"apple", {"text apple", "apple pie"}},
      {"NEAR(apple pie)", {}},
      {"apple OR sauce", {}},
      {"near", {"NEAR the sea"}},
      {"-apple pie", {"apple pie"}},
      {"conversation_id:1", {}},
      {"apple AND NOT pie", {}},
  };
  for (const Case& test : literal) {
    auto found = Search(1, test.q);
    ASSERT_TRUE(IsOk(found)) << test.q;
    EXPECT_EQ(Texts(*found), test.texts) << test.q;
  }
  // Nothing to search for, or too much.
  for (std::string q :
       {std::string(""), std::string("***"), std::string("\" \" ^"), std::string(257, 'a')}) {
    EXPECT_EQ(CodeOf(Search(1, q)), Code::kInvalidArgument) << q.substr(0, 20);
  }
  // 10 KB does not even fit the request line the server accepts.
  EXPECT_EQ(CodeOf(Search(1, std::string(10 * 1024, 'x'))), Code::kTooLarge);
  auto missing = api(1).Request("GET", "/api/v1/search");
  ASSERT_TRUE(IsOk(missing));
  EXPECT_EQ(missing->body["error"]["code"], "invalid_argument");
  for (std::string_view target : {"/api/v1/search?q=apple&limit=abc", "/api/v1/search?q=%FF%FE",
                                  "/api/v1/search?q=apple&conversation_id=x"}) {
    auto bad = api(1).Request("GET", target);
    ASSERT_TRUE(IsOk(bad));
    EXPECT_EQ(bad->body["error"]["code"], "malformed") << target;
  }
  for (std::string_view target :
       {"/api/v1/search?q=apple&limit=0", "/api/v1/search?q=apple&limit=51"}) {
    auto bad = api(1).Request("GET", target);
    ASSERT_TRUE(IsOk(bad));
    EXPECT_EQ(bad->body["error"]["code"], "invalid_argument") << target;
  }
  auto anonymous = ApiFor(*server_)->Request("GET", "/api/v1/search?q=apple");
  ASSERT_TRUE(IsOk(anonymous));
  EXPECT_EQ(anonymous->status, 401);
}

}  // namespace
}  // namespace parley::e2e
