// End-to-end tests of retention (docs/protocol.md, "Retention"; docs/operations.md, "Retention
// and pruning") against a real parleyd whose pruner runs every second: a conversation's policy
// set over HTTP, the pruner removing what it no longer keeps, and history (HTTP and WebSocket),
// catch-up, unread counts and search agreeing on the pruned range; who may set a policy, and
// hostile values refused with the policy left as it was.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::WsClient;
using nlohmann::json;

std::vector<int64_t> SeqsOf(const json& messages) {
  std::vector<int64_t> seqs;
  for (const json& m : messages) seqs.push_back(m["seq"]);
  return seqs;
}

class RetentionTest : public testing::Test {
 protected:
  // Server-wide policy flags for a test's server (none: keep forever).
  virtual std::vector<std::string> PolicyArgs() const { return {}; }

  void SetUp() override {
    ServerProcess::Options options;
    options.extra_args = {"--retention-interval-s", "1", "--group-adds-require-friendship",
                          "false"};
    for (const std::string& arg : PolicyArgs()) options.extra_args.push_back(arg);
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    for (const char* name : {"alice", "bob", "carol"}) {
      auto user = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(user));
      users_.push_back(*user);
      apis_.push_back(ApiFor(*server_, &users_.back()));
    }
    auto ws = ConnectUser(*server_, users_[0]);
    ASSERT_TRUE(IsOk(ws));
    alice_ws_ = std::move(*ws);
  }

  client::HttpApi& api(int i) { return *apis_[i]; }

  // Alice sends `count` messages "apple N" to bob; returns the conversation id.
  int64_t SendToBob(int count) {
    int64_t conversation = 0;
    for (int i = 1; i <= count; ++i) {
      auto ack = alice_ws_->SendToUser(users_[1].id, "apple " + std::to_string(i));
      EXPECT_TRUE(IsOk(ack));
      if (ack.ok()) conversation = (*ack)["conversation_id"];
    }
    return conversation;
  }

  // Waits (up to 20 s) until the conversation's pruned range reaches `through`.
  bool WaitForPruned(int64_t conversation, int64_t through) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      auto view = api(1).Retention(conversation);
      if (view.ok() && (*view)["pruned_through"] == through) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  client::HttpResponse Put(int i, int64_t conversation, const std::string& body) {
    auto response = api(i).Request(
        "PUT", "/api/v1/conversations/" + std::to_string(conversation) + "/retention", body);
    EXPECT_TRUE(IsOk(response));
    return response.ok() ? *response : client::HttpResponse{};
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
  std::unique_ptr<WsClient> alice_ws_;
};

TEST_F(RetentionTest, HistoryCatchUpUnreadAndSearchAgreeOnThePrunedRange) {
  const int64_t conversation = SendToBob(10);
  // Either member of a direct conversation may set its policy.
  auto set = api(1).SetRetention(conversation, 0, 3);
  ASSERT_TRUE(IsOk(set));
  EXPECT_EQ((*set)["conversation"]["max_messages"], 3);
  EXPECT_EQ((*set)["effective"]["max_messages"], 3);
  EXPECT_EQ((*set)["can_change"], true);
  ASSERT_TRUE(WaitForPruned(conversation, 7));

  // HTTP history: the newest page reaches the pruned range and says so.
  auto newest = api(1).History(conversation);
  ASSERT_TRUE(IsOk(newest));
  EXPECT_EQ(SeqsOf((*newest)["messages"]), (std::vector<int64_t>{8, 9, 10}));
  EXPECT_EQ((*newest)["has_more"], false);
  EXPECT_EQ((*newest)["pruned"], (json{{"from", 1}, {"through", 7}}));
  auto below = api(1).History(conversation, client::HistoryPage{.before = 8});
  ASSERT_TRUE(IsOk(below));
  EXPECT_TRUE((*below)["messages"].empty());
  EXPECT_EQ((*below)["pruned"]["through"], 7);
  auto forward = api(1).History(conversation, client::HistoryPage{.after = 2, .limit = 2});
  ASSERT_TRUE(IsOk(forward));
  EXPECT_EQ(SeqsOf((*forward)["messages"]), (std::vector<int64_t>{8, 9}));
  EXPECT_EQ((*forward)["has_more"], true);
  EXPECT_EQ((*forward)["pruned"], (json{{"from", 3}, {"through", 7}}));
  auto inside = api(1).History(conversation, client::HistoryPage{.after = 8});
  ASSERT_TRUE(IsOk(inside));
  EXPECT_FALSE(inside->contains("pruned"));  // from seq 8 on nothing is missing

  // WebSocket history: a page that stops before the range has no marker; the next one has it.
  auto bob_ws = ConnectUser(*server_, users_[1]);
  ASSERT_TRUE(IsOk(bob_ws));
  WsClient& ws = **bob_ws;
  ASSERT_TRUE(IsOk(ws.Send(
      json{{"type", "history"}, {"req", "h1"}, {"conversation_id", conversation}, {"limit", 2}})));
  auto page = ws.WaitFor([](const json& f) { return f["type"] == "history" && f["req"] == "h1"; });
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(SeqsOf((*page)["messages"]), (std::vector<int64_t>{9, 10}));
  EXPECT_FALSE(page->contains("pruned"));
  ASSERT_TRUE(IsOk(ws.Send(json{{"type", "history"},
                                {"req", "h2"},
                                {"conversation_id", conversation},
                                {"before", 9},
                                {"limit", 2}})));
  page = ws.WaitFor([](const json& f) { return f["type"] == "history" && f["req"] == "h2"; });
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(SeqsOf((*page)["messages"]), (std::vector<int64_t>{8}));
  EXPECT_EQ((*page)["pruned"], (json{{"from", 1}, {"through", 7}}));

  // Catch-up: a cursor below the range gets the marker and continues from the first kept one.
  auto device = LoginDevice(*server_, users_[1]);
  ASSERT_TRUE(IsOk(device));
  const client::Cursor behind[] = {{conversation, 2}};
  client::SyncResult sync;
  auto replayed = ConnectUser(*server_, *device, behind, &sync);
  ASSERT_TRUE(IsOk(replayed));
  EXPECT_EQ(SeqsOf(sync.messages), (std::vector<int64_t>{8, 9, 10}));
  ASSERT_EQ(sync.synced["conversations"].size(), 1u);
  EXPECT_EQ(sync.synced["conversations"][0]["pruned"], (json{{"from", 3}, {"through", 7}}));
  const client::Cursor current[] = {{conversation, 9}};
  client::SyncResult up_to_date;
  auto again = ConnectUser(*server_, *device, current, &up_to_date);
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(SeqsOf(up_to_date.messages), (std::vector<int64_t>{10}));
  EXPECT_FALSE(up_to_date.synced["conversations"][0].contains("pruned"));

  // Unread counts only what remains; the list names the range.
  auto list = api(1).Conversations();
  ASSERT_TRUE(IsOk(list));
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0]["unread"], 3);
  EXPECT_EQ((*list)[0]["pruned_through"], 7);

  // Search finds only what remains.
  auto found = api(1).SearchMessages("apple", conversation);
  ASSERT_TRUE(IsOk(found));
  std::vector<int64_t> hits;
  for (const json& result : (*found)["results"]) hits.push_back(result["message"]["seq"]);
  EXPECT_EQ(hits, (std::vector<int64_t>{10, 9, 8}));

  // The policy keeps applying to new messages.
  SendToBob(2);
  ASSERT_TRUE(WaitForPruned(conversation, 9));
}

TEST_F(RetentionTest, OnlyOwnersAndAdminsSetAGroupsPolicy) {
  auto group = api(0).CreateGroup("book club", {users_[1].id});
  ASSERT_TRUE(IsOk(group));
  const int64_t id = (*group)["id"];
  auto member = Put(1, id, R"({"days": 30})");
  EXPECT_EQ(member.status, 403);
  EXPECT_EQ(member.body["error"]["code"], "forbidden");
  auto view = api(1).Retention(id);
  ASSERT_TRUE(IsOk(view));
  EXPECT_EQ((*view)["can_change"], false);
  EXPECT_EQ((*view)["conversation"]["days"], 0);
  // Not a member: as if the conversation did not exist.
  EXPECT_EQ(Put(2, id, R"({"days": 30})").status, 404);
  EXPECT_EQ(api(2).Retention(id).status().code(), Code::kNotFound);
  auto owner = api(0).SetRetention(id, 30, 0);
  ASSERT_TRUE(IsOk(owner));
  EXPECT_EQ((*owner)["conversation"]["days"], 30);
  EXPECT_EQ((*owner)["effective"]["days"], 30);
  // Zeros clear it.
  auto cleared = api(0).SetRetention(id, 0, 0);
  ASSERT_TRUE(IsOk(cleared));
  EXPECT_EQ((*cleared)["conversation"]["days"], 0);
}

TEST_F(RetentionTest, HostilePolicyValuesAreRefusedAndChangeNothing) {
  const int64_t conversation = SendToBob(1);
  ASSERT_TRUE(IsOk(api(1).SetRetention(conversation, 7, 100)));
  const struct {
    const char* body;
    int status;
    const char* code;
  } cases[] = {
      {R"({"days": -1})", 422, "invalid_argument"},
      {R"({"days": 36501})", 422, "invalid_argument"},
      {R"({"max_messages": -5})", 422, "invalid_argument"},
      {R"({"max_messages": 1000000000000})", 422, "invalid_argument"},
      {R"({"days": 1e300})", 400, "malformed"},
      {R"({"days": 99999999999999999999999})", 400, "malformed"},
      {R"({"days": 1.5})", 400, "malformed"},
      {R"({"days": "ten"})", 400, "malformed"},
      {R"({"days": null, "max_messages": [1]})", 400, "malformed"},
      {R"([1, 2])", 400, "malformed"},
      {"not json", 400, "malformed"},
      {"", 400, "malformed"},
  };
  for (const auto& c : cases) {
    auto response = Put(1, conversation, c.body);
    EXPECT_EQ(response.status, c.status) << c.body;
    EXPECT_EQ(response.body["error"]["code"], c.code) << c.body;
  }
  auto big = Put(1, conversation, R"({"days": 1, "pad": ")" + std::string(2 << 20, 'x') + "\"}");
  EXPECT_GE(big.status, 400);
  for (const char* target :
       {"/api/v1/conversations/abc/retention", "/api/v1/conversations/-1/retention",
        "/api/v1/conversations/0/retention", "/api/v1/conversations/99999999/retention",
        "/api/v1/conversations/99999999999999999999999/retention"}) {
    auto response = api(1).Request("PUT", target, std::string(R"({"days": 1})"));
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, 404) << target;
  }
  auto view = api(1).Retention(conversation);
  ASSERT_TRUE(IsOk(view));
  EXPECT_EQ((*view)["conversation"], (json{{"days", 7}, {"max_messages", 100}}));
  // Unauthenticated: no policy is read or set.
  auto anonymous = ApiFor(*server_)->Request(
      "GET", "/api/v1/conversations/" + std::to_string(conversation) + "/retention");
  ASSERT_TRUE(IsOk(anonymous));
  EXPECT_EQ(anonymous->status, 401);
}

class ServerRetentionTest : public RetentionTest {
 protected:
  std::vector<std::string> PolicyArgs() const override { return {"--retention-max-messages", "4"}; }
};

TEST_F(ServerRetentionTest, TheServersPolicyAppliesAndAConversationCannotLoosenIt) {
  const int64_t conversation = SendToBob(6);
  ASSERT_TRUE(WaitForPruned(conversation, 2));
  auto looser = api(1).SetRetention(conversation, 0, 10);
  ASSERT_TRUE(IsOk(looser));
  EXPECT_EQ((*looser)["conversation"]["max_messages"], 10);
  EXPECT_EQ((*looser)["effective"]["max_messages"], 4);  // the stricter of the two
  auto stricter = api(1).SetRetention(conversation, 0, 1);
  ASSERT_TRUE(IsOk(stricter));
  EXPECT_EQ((*stricter)["effective"]["max_messages"], 1);
  ASSERT_TRUE(WaitForPruned(conversation, 5));
  auto newest = api(0).History(conversation);
  ASSERT_TRUE(IsOk(newest));
  EXPECT_EQ(SeqsOf((*newest)["messages"]), std::vector<int64_t>{6});
  EXPECT_EQ((*newest)["pruned"], (json{{"from", 1}, {"through", 5}}));
}

}  // namespace
}  // namespace parley::e2e
