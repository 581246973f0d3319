// End-to-end tests of the relationship rules (docs/security.md, "Relationship rules and
// groups"; chat/social/reach.h) against a real parleyd that requires friendship for direct messages
// and for putting someone into a group:
// - typing and receipts stop at a block, in direct conversations and in groups, while the
//   sender's own devices still get them; profile frames and direct reactions stop too;
// - a group is created with, or extended by, friends only, never someone with a block either
//   way; creations and adds are rate-limited per user;
// - a direct message to a user id that does not exist is not_found.
// Non-arrival is checked with a ping's pong: a session's frames are answered in order, and a
// frame delivered to several users is queued to all of them in one step.
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

Code CodeOf(const Status& status) { return status.code(); }
template <typename T>
Code CodeOf(const Result<T>& result) {
  return result.ok() ? Code::kOk : result.status().code();
}

// Frames of `type` about user `user` (typing and receipts name it in user_id).
int CountFrom(const std::vector<json>& frames, std::string_view type, int64_t user) {
  int count = 0;
  for (const json& f : OfType(frames, type)) {
    if (f.value("user_id", int64_t{0}) == user) ++count;
  }
  return count;
}

Result<json> WaitForFrom(WsClient& ws, std::string_view type, int64_t user) {
  return ws.WaitFor([&](const json& f) {
    return client::IsType(f, type) && f.value("user_id", int64_t{0}) == user;
  });
}

class RelationshipsTest : public testing::Test {
 protected:
  void SetUp() override { Start({}); }

  void Start(std::vector<std::string> extra) {
    ServerProcess::Options options;
    options.extra_args = {"--direct-messages-require-friendship", "true",
                          "--group-adds-require-friendship", "true"};
    options.extra_args.insert(options.extra_args.end(), extra.begin(), extra.end());
    ws_.clear();
    apis_.clear();
    users_.clear();
    auto server = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    for (const char* name : {"alice", "bob", "carol", "dave"}) {
      auto user = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(user));
      users_.push_back(*user);
    }
    for (const TestUser& user : users_) apis_.push_back(ApiFor(*server_, &user));
    // alice, bob and carol are friends of each other; dave is nobody's friend.
    for (auto [a, b] : {std::pair{0, 1}, std::pair{0, 2}, std::pair{1, 2}}) {
      ASSERT_TRUE(IsOk(api(a).SendFriendRequest(id(b))));
      ASSERT_TRUE(IsOk(api(b).AcceptFriendRequest(id(a))));
    }
    for (const TestUser& user : users_) {
      auto ws = ConnectUser(*server_, user);
      ASSERT_TRUE(IsOk(ws));
      ws_.push_back(std::move(*ws));
    }
  }

  int64_t id(int i) const { return users_[i].id; }
  client::HttpApi& api(int i) { return *apis_[i]; }
  WsClient& ws(int i) { return *ws_[i]; }

  // Another connected device of user i (typing is limited per session and conversation).
  std::unique_ptr<WsClient> SecondDevice(int i) {
    auto device = LoginDevice(*server_, users_[i]);
    EXPECT_TRUE(IsOk(device));
    if (!device.ok()) return nullptr;
    auto ws = ConnectUser(*server_, *device);
    EXPECT_TRUE(IsOk(ws));
    return ws.ok() ? std::move(*ws) : nullptr;
  }

  std::unique_ptr<ServerProcess> server_;
  std::vector<TestUser> users_;
  std::vector<std::unique_ptr<client::HttpApi>> apis_;
  std::vector<std::unique_ptr<WsClient>> ws_;
};

TEST_F(RelationshipsTest, TypingReceiptsProfilesAndReactionsStopAtABlockInADirectChat) {
  auto sent = ws(0).SendToUser(id(1), "hi bob");
  ASSERT_TRUE(IsOk(sent));
  const int64_t chat = (*sent)["conversation_id"];
  ASSERT_TRUE(IsOk(ws(1).WaitForType("message")));
  // Before the block both reach alice.
  ASSERT_TRUE(IsOk(ws(1).Send(json{{"type", "typing"}, {"conversation_id", chat}})));
  ASSERT_TRUE(IsOk(WaitForFrom(ws(0), "typing", id(1))));
  ASSERT_TRUE(IsOk(ws(1).SendRaw(client::DeliveredFrame(chat, 1))));
  ASSERT_TRUE(IsOk(WaitForFrom(ws(0), "receipt", id(1))));

  ASSERT_TRUE(IsOk(api(0).Block(id(1))));
  DrainUntilPong(ws(0));
  auto bob = SecondDevice(1);
  ASSERT_NE(bob, nullptr);
  ASSERT_TRUE(IsOk(bob->Send(json{{"type", "typing"}, {"conversation_id", chat}})));
  ASSERT_TRUE(IsOk(bob->SendRaw(client::ReadFrame(chat, 1))));
  // Bob's own devices still get his receipt; alice, in the same delivery, does not.
  ASSERT_TRUE(IsOk(WaitForFrom(*bob, "receipt", id(1))));
  ASSERT_TRUE(IsOk(api(1).UpdateProfile(json{{"status_line", "blocked now"}})));
  ASSERT_TRUE(IsOk(bob->WaitForType("profile")));
  const std::string react_id = client::NewClientId();
  auto reacted = bob->SendAndAwaitAck(react_id, client::ReactFrame(react_id, chat, 1, "👍", true));
  EXPECT_EQ(CodeOf(reacted), Code::kBlocked);

  const std::vector<json> at_alice = DrainUntilPong(ws(0));
  EXPECT_EQ(CountFrom(at_alice, "typing", id(1)), 0);
  EXPECT_EQ(CountFrom(at_alice, "receipt", id(1)), 0);
  EXPECT_TRUE(OfType(at_alice, "profile").empty());
  EXPECT_TRUE(OfType(at_alice, "message").empty());
}

TEST_F(RelationshipsTest, InAGroupTypingAndReceiptsSkipWhoeverHasABlockWithTheSender) {
  auto group = api(0).CreateGroup("Team", {id(1), id(2)});
  ASSERT_TRUE(IsOk(group));
  const int64_t g = (*group)["id"];
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(IsOk(ws(i).WaitForType("message")));
  ASSERT_TRUE(IsOk(api(0).Block(id(1))));
  DrainUntilPong(ws(0));

  ASSERT_TRUE(IsOk(ws(1).Send(json{{"type", "typing"}, {"conversation_id", g}})));
  ASSERT_TRUE(IsOk(WaitForFrom(ws(2), "typing", id(1))));
  ASSERT_TRUE(IsOk(ws(1).SendRaw(client::ReadFrame(g, 1))));
  ASSERT_TRUE(IsOk(WaitForFrom(ws(2), "receipt", id(1))));
  // The group's messages are its one seq stream: they still reach every member.
  ASSERT_TRUE(IsOk(ws(1).SendToConversation(g, "still in the group")));
  ASSERT_TRUE(IsOk(ws(2).WaitForType("message")));

  const std::vector<json> at_alice = DrainUntilPong(ws(0));
  EXPECT_EQ(CountFrom(at_alice, "typing", id(1)), 0);
  EXPECT_EQ(CountFrom(at_alice, "receipt", id(1)), 0);
  EXPECT_EQ(OfType(at_alice, "message").size(), 1u);

  // Alice's own frames skip bob the same way, whoever blocked whom.
  ASSERT_TRUE(IsOk(ws(0).Send(json{{"type", "typing"}, {"conversation_id", g}})));
  ASSERT_TRUE(IsOk(WaitForFrom(ws(2), "typing", id(0))));
  EXPECT_EQ(CountFrom(DrainUntilPong(ws(1)), "typing", id(0)), 0);
}

TEST_F(RelationshipsTest, GroupsTakeFriendsOnlyAndNeverAcrossABlock) {
  // dave is a stranger to alice: he may join by an invite, not be put in.
  EXPECT_EQ(CodeOf(api(0).CreateGroup("Strangers", {id(3)})), Code::kForbidden);
  auto group = api(0).CreateGroup("Team", {id(2)});
  ASSERT_TRUE(IsOk(group));
  const int64_t g = (*group)["id"];
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(g, {id(3)})), Code::kForbidden);

  ASSERT_TRUE(IsOk(api(0).Block(id(1))));
  // bob, blocked by alice, cannot reach her through a group; alice cannot pull bob in.
  EXPECT_EQ(CodeOf(api(1).CreateGroup("Trap", {id(0)})), Code::kBlocked);
  auto bobs = api(1).CreateGroup("Bob's", {id(2)});
  ASSERT_TRUE(IsOk(bobs));
  EXPECT_EQ(CodeOf(api(1).AddGroupMembers((*bobs)["id"], {id(0)})), Code::kBlocked);
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(g, {id(1)})), Code::kForbidden);
  // A refused request changes nothing: one list entry per group actually made.
  auto alice_list = api(0).Conversations();
  ASSERT_TRUE(IsOk(alice_list));
  EXPECT_EQ(alice_list->size(), 1u);
  // An unknown user is not_found, as for a direct message.
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(g, {999999})), Code::kNotFound);
}

TEST_F(RelationshipsTest, DirectMessageToAUserThatDoesNotExistIsNotFound) {
  EXPECT_EQ(CodeOf(ws(0).SendToUser(999999, "anyone?")), Code::kNotFound);
  // dave exists and is no friend: that stays forbidden.
  EXPECT_EQ(CodeOf(ws(0).SendToUser(id(3), "hello?")), Code::kForbidden);
}

TEST_F(RelationshipsTest, GroupCreationsAndAddsAreRateLimitedPerUser) {
  Start({"--group-creations-per-hour", "2", "--group-adds-per-hour", "2"});
  auto first = api(0).CreateGroup("One", {});
  ASSERT_TRUE(IsOk(first));
  ASSERT_TRUE(IsOk(api(0).CreateGroup("Two", {})));
  EXPECT_EQ(CodeOf(api(0).CreateGroup("Three", {})), Code::kRateLimited);
  ASSERT_TRUE(IsOk(api(1).CreateGroup("Bob's own", {})));  // per user

  const int64_t g = (*first)["id"];
  ASSERT_TRUE(IsOk(api(0).AddGroupMembers(g, {id(1)})));
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(g, {id(1)})), Code::kConflict);  // counts too
  EXPECT_EQ(CodeOf(api(0).AddGroupMembers(g, {id(2)})), Code::kRateLimited);
}

}  // namespace
}  // namespace parley::e2e
