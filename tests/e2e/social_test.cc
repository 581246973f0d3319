// End-to-end tests of friends, blocks, profiles, presence and typing (docs/protocol.md,
// "Friends, blocks, profiles and presence"), against a real parleyd over HTTP and WebSocket:
// - friend requests reach the recipient's socket at once and wait in the HTTP list otherwise;
//   accept, decline, cancel, mutual requests, removal, each with its frames on both sides;
// - blocks end friendships and keep the blocked user from asking and from messaging;
// - with --direct-messages-require-friendship true, strangers may not message, friends may;
// - user search, public and private profile fields, profile frames to friends;
// - presence (online, away, offline with last_seen_at) to friends only; typing to members only;
// - every bad input gives its typed error.
#include <gtest/gtest.h>

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

class SocialTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }

  void StartServer(std::vector<std::string> extra_args) {
    ServerProcess::Options options;
    options.extra_args = std::move(extra_args);
    auto server = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(server).value();
    for (auto [user, name] : {std::pair{&alice_, "alice"}, {&bob_, "bob"}, {&carol_, "carol"}}) {
      Result<TestUser> created = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(created));
      *user = std::move(created).value();
    }
    alice_api_ = ApiFor(*server_, &alice_);
    bob_api_ = ApiFor(*server_, &bob_);
    carol_api_ = ApiFor(*server_, &carol_);
  }

  std::unique_ptr<WsClient> Connect(const TestUser& user) {
    auto ws = ConnectUser(*server_, user);
    EXPECT_TRUE(IsOk(ws)) << server_->output();
    return ws.ok() ? std::move(ws).value() : nullptr;
  }

  // alice and bob become friends (alice asks, bob accepts).
  void MakeFriends() {
    ASSERT_TRUE(IsOk(alice_api_->SendFriendRequest(bob_.id)));
    ASSERT_TRUE(IsOk(bob_api_->AcceptFriendRequest(alice_.id)));
  }

  Result<json> WaitType(WsClient& ws, std::string_view type) { return ws.WaitForType(type); }

  std::unique_ptr<ServerProcess> server_;
  TestUser alice_, bob_, carol_;
  std::unique_ptr<client::HttpApi> alice_api_, bob_api_, carol_api_;
};

TEST_F(SocialTest, RequestReachesRecipientAtOnceAndAcceptAddsBothSides) {
  auto alice_ws = Connect(alice_);
  auto bob_ws = Connect(bob_);
  ASSERT_TRUE(alice_ws && bob_ws);

  auto sent = alice_api_->SendFriendRequest(bob_.id, "hi bob, it's alice 👋");
  ASSERT_TRUE(IsOk(sent));
  EXPECT_EQ((*sent)["request"]["to_id"], bob_.id);

  auto frame = WaitType(*bob_ws, "friend_request");
  ASSERT_TRUE(IsOk(frame));
  EXPECT_EQ((*frame)["request"]["from_id"], alice_.id);
  EXPECT_EQ((*frame)["request"]["note"], "hi bob, it's alice 👋");
  EXPECT_EQ((*frame)["from"]["username"], "alice");

  auto pending = bob_api_->FriendRequests();
  ASSERT_TRUE(IsOk(pending));
  ASSERT_EQ((*pending)["incoming"].size(), 1u);
  EXPECT_EQ((*pending)["incoming"][0]["from_id"], alice_.id);
  EXPECT_TRUE((*pending)["outgoing"].empty());

  auto accepted = bob_api_->AcceptFriendRequest(alice_.id);
  ASSERT_TRUE(IsOk(accepted));
  EXPECT_EQ((*accepted)["friend"]["user"]["id"], alice_.id);

  auto to_alice = WaitType(*alice_ws, "friend_added");
  ASSERT_TRUE(IsOk(to_alice));
  EXPECT_EQ((*to_alice)["friend"]["user"]["id"], bob_.id);
  EXPECT_EQ((*to_alice)["friend"]["presence"]["status"], "online");
  auto to_bob = WaitType(*bob_ws, "friend_added");
  ASSERT_TRUE(IsOk(to_bob));
  EXPECT_EQ((*to_bob)["friend"]["user"]["id"], alice_.id);

  auto friends = alice_api_->Friends();
  ASSERT_TRUE(IsOk(friends));
  ASSERT_EQ(friends->size(), 1u);
  EXPECT_EQ((*friends)[0]["user"]["username"], "bob");
  EXPECT_EQ((*friends)[0]["presence"]["status"], "online");
  EXPECT_GT((*friends)[0]["since"].get<int64_t>(), 0);
  EXPECT_TRUE(bob_api_->FriendRequests()->at("incoming").empty());
}

TEST_F(SocialTest, DeclineAndCancelEndRequestsAndTellBothSides) {
  // bob is offline when asked: the request waits in his list.
  ASSERT_TRUE(IsOk(alice_api_->SendFriendRequest(bob_.id, "first")));
  auto pending = bob_api_->FriendRequests();
  ASSERT_TRUE(IsOk(pending));
  ASSERT_EQ((*pending)["incoming"].size(), 1u);

  auto alice_ws = Connect(alice_);
  auto bob_ws = Connect(bob_);
  ASSERT_TRUE(alice_ws && bob_ws);
  ASSERT_TRUE(IsOk(bob_api_->DeclineFriendRequest(alice_.id)));
  auto declined = WaitType(*alice_ws, "friend_request_declined");
  ASSERT_TRUE(IsOk(declined));
  EXPECT_EQ((*declined)["from_id"], alice_.id);
  EXPECT_EQ((*declined)["to_id"], bob_.id);
  EXPECT_TRUE(bob_api_->FriendRequests()->at("incoming").empty());
  EXPECT_EQ(CodeOf(bob_api_->DeclineFriendRequest(alice_.id)), Code::kNotFound);

  ASSERT_TRUE(IsOk(alice_api_->SendFriendRequest(bob_.id, "second")));
  ASSERT_TRUE(IsOk(WaitType(*bob_ws, "friend_request")));
  ASSERT_TRUE(IsOk(alice_api_->CancelFriendRequest(bob_.id)));
  auto cancelled = WaitType(*bob_ws, "friend_request_cancelled");
  ASSERT_TRUE(IsOk(cancelled));
  EXPECT_EQ((*cancelled)["from_id"], alice_.id);
  EXPECT_TRUE(alice_api_->FriendRequests()->at("outgoing").empty());
  EXPECT_EQ(CodeOf(alice_api_->CancelFriendRequest(bob_.id)), Code::kNotFound);
  EXPECT_EQ(CodeOf(bob_api_->AcceptFriendRequest(alice_.id)), Code::kNotFound);
  EXPECT_TRUE(alice_api_->Friends()->empty());
}

TEST_F(SocialTest, MutualRequestsBecomeFriends) {
  ASSERT_TRUE(IsOk(alice_api_->SendFriendRequest(bob_.id)));
  auto back = bob_api_->SendFriendRequest(alice_.id);
  ASSERT_TRUE(IsOk(back));
  ASSERT_TRUE(back->contains("friend"));
  EXPECT_EQ((*back)["friend"]["user"]["id"], alice_.id);
  EXPECT_EQ(alice_api_->Friends()->size(), 1u);
  EXPECT_TRUE(alice_api_->FriendRequests()->at("outgoing").empty());
  EXPECT_TRUE(bob_api_->FriendRequests()->at("incoming").empty());
}

TEST_F(SocialTest, RemoveFriendTellsBothSides) {
  ASSERT_NO_FATAL_FAILURE(MakeFriends());
  auto bob_ws = Connect(bob_);
  ASSERT_TRUE(bob_ws);
  ASSERT_TRUE(IsOk(alice_api_->RemoveFriend(bob_.id)));
  auto removed = WaitType(*bob_ws, "friend_removed");
  ASSERT_TRUE(IsOk(removed));
  EXPECT_EQ((*removed)["user_id"], alice_.id);
  EXPECT_TRUE(alice_api_->Friends()->empty());
  EXPECT_TRUE(bob_api_->Friends()->empty());
  EXPECT_EQ(CodeOf(alice_api_->RemoveFriend(bob_.id)), Code::kNotFound);
}

TEST_F(SocialTest, BlockEndsFriendshipAndStopsRequestsAndMessages) {
  ASSERT_NO_FATAL_FAILURE(MakeFriends());
  auto alice_ws = Connect(alice_);
  auto bob_ws = Connect(bob_);
  ASSERT_TRUE(alice_ws && bob_ws);
  ASSERT_TRUE(IsOk(bob_ws->SendToUser(alice_.id, "before the block")));

  ASSERT_TRUE(IsOk(alice_api_->Block(bob_.id)));
  ASSERT_TRUE(IsOk(alice_api_->Block(bob_.id)));  // blocking twice is fine
  auto removed = WaitType(*bob_ws, "friend_removed");
  ASSERT_TRUE(IsOk(removed));
  EXPECT_EQ((*removed)["user_id"], alice_.id);
  EXPECT_TRUE(alice_api_->Friends()->empty());
  // Alice's devices learn of the block, once (blocking again changed nothing).
  auto block_changed = WaitType(*alice_ws, "block_changed");
  ASSERT_TRUE(IsOk(block_changed));
  EXPECT_EQ((*block_changed)["user"]["username"], "bob");
  EXPECT_EQ((*block_changed)["blocked"], true);
  EXPECT_GT((*block_changed)["since"].get<int64_t>(), 0);

  auto blocks = alice_api_->Blocks();
  ASSERT_TRUE(IsOk(blocks));
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_EQ((*blocks)[0]["user"]["id"], bob_.id);

  EXPECT_EQ(CodeOf(bob_api_->SendFriendRequest(alice_.id)), Code::kBlocked);
  EXPECT_EQ(CodeOf(bob_ws->SendToUser(alice_.id, "after the block")), Code::kBlocked);
  EXPECT_EQ(CodeOf(alice_ws->SendToUser(bob_.id, "from the blocker")), Code::kForbidden);
  EXPECT_EQ(CodeOf(alice_api_->SendFriendRequest(bob_.id)), Code::kForbidden);

  ASSERT_TRUE(IsOk(alice_api_->Unblock(bob_.id)));
  block_changed = WaitType(*alice_ws, "block_changed");
  ASSERT_TRUE(IsOk(block_changed));
  EXPECT_EQ((*block_changed)["user"]["id"], bob_.id);
  EXPECT_EQ((*block_changed)["blocked"], false);
  EXPECT_FALSE(block_changed->contains("since"));
  EXPECT_EQ(CodeOf(alice_api_->Unblock(bob_.id)), Code::kNotFound);
  EXPECT_TRUE(alice_api_->Blocks()->empty());
  EXPECT_TRUE(IsOk(bob_api_->SendFriendRequest(alice_.id)));
  EXPECT_TRUE(IsOk(bob_ws->SendToUser(alice_.id, "after the unblock")));
}

TEST_F(SocialTest, BlockDropsPendingRequests) {
  ASSERT_TRUE(IsOk(bob_api_->SendFriendRequest(alice_.id)));
  ASSERT_TRUE(IsOk(alice_api_->Block(bob_.id)));
  EXPECT_TRUE(alice_api_->FriendRequests()->at("incoming").empty());
  EXPECT_TRUE(bob_api_->FriendRequests()->at("outgoing").empty());
}

TEST_F(SocialTest, DirectMessagesNeedFriendshipWhenRequired) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--direct-messages-require-friendship", "true"}));
  auto alice_ws = Connect(alice_);
  auto bob_ws = Connect(bob_);
  ASSERT_TRUE(alice_ws && bob_ws);
  EXPECT_EQ(CodeOf(alice_ws->SendToUser(bob_.id, "stranger")), Code::kForbidden);
  ASSERT_NO_FATAL_FAILURE(MakeFriends());
  auto ack = alice_ws->SendToUser(bob_.id, "friend");
  ASSERT_TRUE(IsOk(ack));
  auto message = WaitType(*bob_ws, "message");
  ASSERT_TRUE(IsOk(message));
  EXPECT_EQ((*message)["text"], "friend");
  // Removing the friendship closes the conversation again (the writer's cache was cleared).
  ASSERT_TRUE(IsOk(bob_api_->RemoveFriend(alice_.id)));
  EXPECT_EQ(CodeOf(alice_ws->SendToUser(bob_.id, "ex-friend")), Code::kForbidden);
}

TEST_F(SocialTest, SearchFindsUsernamesAndDisplayNamesPaged) {
  json fields = {{"display_name", "Alice Liddell"}};
  ASSERT_TRUE(IsOk(alice_api_->UpdateProfile(fields)));
  auto found = carol_api_->SearchUsers("LIDD");
  ASSERT_TRUE(IsOk(found));
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0]["username"], "alice");
  EXPECT_FALSE((*found)[0].contains("password_hash"));
  EXPECT_FALSE((*found)[0].contains("time_zone"));

  auto all = carol_api_->SearchUsers("o", 0, 10);  // bob, carol
  ASSERT_TRUE(IsOk(all));
  ASSERT_EQ(all->size(), 2u);
  auto first = carol_api_->SearchUsers("o", 0, 1);
  ASSERT_TRUE(IsOk(first));
  ASSERT_EQ(first->size(), 1u);
  auto second = carol_api_->SearchUsers("o", (*first)[0]["id"].get<int64_t>(), 1);
  ASSERT_TRUE(IsOk(second));
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0]["id"], (*all)[1]["id"]);

  EXPECT_EQ(CodeOf(carol_api_->SearchUsers("")), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(carol_api_->SearchUsers("o", 0, 0)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(carol_api_->SearchUsers("o", 0, 101)), Code::kInvalidArgument);
  auto bad_limit = carol_api_->Request("GET", "/api/v1/users?q=o&limit=ten");
  ASSERT_TRUE(IsOk(bad_limit));
  EXPECT_EQ(bad_limit->status, 400);
}

TEST_F(SocialTest, ProfileUpdateReachesFriendsAndKeepsSettingsPrivate) {
  ASSERT_NO_FATAL_FAILURE(MakeFriends());
  auto bob_ws = Connect(bob_);
  auto carol_ws = Connect(carol_);
  ASSERT_TRUE(bob_ws && carol_ws);
  // An avatar is an image the user uploaded: the smallest GIF (1x1, one colour).
  const std::string gif(
      "GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
      "\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02"
      "D\x01\x00;",
      43);
  auto avatar = alice_api_->Upload("me.gif", "image", gif);
  ASSERT_TRUE(IsOk(avatar));
  const std::string avatar_id = (*avatar)["id"];
  json fields = {{"status_line", "at the gym"},
                 {"avatar", avatar_id},
                 {"language", "fr-CA"},
                 {"time_zone", "America/Toronto"}};
  auto updated = alice_api_->UpdateProfile(fields);
  ASSERT_TRUE(IsOk(updated));
  EXPECT_EQ((*updated)["user"]["time_zone"], "America/Toronto");

  auto frame = WaitType(*bob_ws, "profile");
  ASSERT_TRUE(IsOk(frame));
  EXPECT_EQ((*frame)["user"]["id"], alice_.id);
  EXPECT_EQ((*frame)["user"]["status_line"], "at the gym");
  EXPECT_FALSE((*frame)["user"].contains("time_zone"));
  EXPECT_EQ(OfType(DrainUntilPong(*carol_ws), "profile").size(), 0u);

  auto by_id = carol_api_->UserById(alice_.id);
  ASSERT_TRUE(IsOk(by_id));
  EXPECT_EQ((*by_id)["status_line"], "at the gym");
  EXPECT_EQ((*by_id)["avatar"], avatar_id);
  EXPECT_FALSE(by_id->contains("language"));
  auto by_name = carol_api_->Request("GET", "/api/v1/users/alice");
  ASSERT_TRUE(IsOk(by_name));
  EXPECT_EQ(by_name->body["user"]["status_line"], "at the gym");
  auto account = alice_api_->Account();
  ASSERT_TRUE(IsOk(account));
  EXPECT_EQ((*account)["user"]["language"], "fr-CA");
  EXPECT_EQ((*account)["user"]["time_zone"], "America/Toronto");
  EXPECT_EQ((*account)["user"]["display_name"], "alice");  // not given: unchanged
}

TEST_F(SocialTest, PresenceReachesFriendsOnly) {
  ASSERT_NO_FATAL_FAILURE(MakeFriends());
  auto bob_ws = Connect(bob_);
  auto carol_ws = Connect(carol_);
  ASSERT_TRUE(bob_ws && carol_ws);

  auto alice_ws = Connect(alice_);
  ASSERT_TRUE(alice_ws);
  auto online = bob_ws->WaitFor([&](const json& f) {
    return client::IsType(f, "presence") && f["user_id"] == alice_.id && f["status"] == "online";
  });
  ASSERT_TRUE(IsOk(online));

  ASSERT_TRUE(IsOk(alice_ws->Send(json{{"type", "presence"}, {"status", "away"}})));
  auto away = bob_ws->WaitFor([&](const json& f) {
    return client::IsType(f, "presence") && f["user_id"] == alice_.id && f["status"] == "away";
  });
  ASSERT_TRUE(IsOk(away));

  alice_ws->Close();
  auto offline = bob_ws->WaitFor([&](const json& f) {
    return client::IsType(f, "presence") && f["user_id"] == alice_.id && f["status"] == "offline";
  });
  ASSERT_TRUE(IsOk(offline));
  const int64_t last_seen = (*offline)["last_seen_at"].get<int64_t>();
  EXPECT_GT(last_seen, 0);

  EXPECT_EQ(OfType(DrainUntilPong(*carol_ws), "presence").size(), 0u);
  auto friends = bob_api_->Friends();
  ASSERT_TRUE(IsOk(friends));
  ASSERT_EQ(friends->size(), 1u);
  EXPECT_EQ((*friends)[0]["presence"]["status"], "offline");
  EXPECT_EQ((*friends)[0]["presence"]["last_seen_at"], last_seen);
}

TEST_F(SocialTest, TypingReachesOtherMembersOnly) {
  auto alice_ws = Connect(alice_);
  auto bob_ws = Connect(bob_);
  auto carol_ws = Connect(carol_);
  ASSERT_TRUE(alice_ws && bob_ws && carol_ws);
  auto ack = alice_ws->SendToUser(bob_.id, "hello");
  ASSERT_TRUE(IsOk(ack));
  const int64_t conversation = (*ack)["conversation_id"].get<int64_t>();

  ASSERT_TRUE(IsOk(alice_ws->Send(json{{"type", "typing"}, {"conversation_id", conversation}})));
  auto typing = WaitType(*bob_ws, "typing");
  ASSERT_TRUE(IsOk(typing));
  EXPECT_EQ((*typing)["conversation_id"], conversation);
  EXPECT_EQ((*typing)["user_id"], alice_.id);
  EXPECT_EQ(OfType(DrainUntilPong(*carol_ws), "typing").size(), 0u);
  EXPECT_EQ(OfType(DrainUntilPong(*alice_ws), "typing").size(), 0u);

  ASSERT_TRUE(IsOk(
      carol_ws->Send(json{{"type", "typing"}, {"conversation_id", conversation}, {"req", "t1"}})));
  auto error = WaitType(*carol_ws, "error");
  ASSERT_TRUE(IsOk(error));
  EXPECT_EQ((*error)["code"], "not_found");
  EXPECT_EQ((*error)["req"], "t1");
  EXPECT_EQ(OfType(DrainUntilPong(*bob_ws), "typing").size(), 0u);
}

// A burst of typing frames within the 2 s interval reaches the other member once. Alice's own
// pong proves her session handled (and forwarded) every frame of the burst; frames queued to
// Bob before his ping come before his pong.
TEST_F(SocialTest, TypingBurstIsForwardedOnce) {
  auto alice_ws = Connect(alice_);
  auto bob_ws = Connect(bob_);
  ASSERT_TRUE(alice_ws && bob_ws);
  auto ack = alice_ws->SendToUser(bob_.id, "hello");
  ASSERT_TRUE(IsOk(ack));
  const int64_t conversation = (*ack)["conversation_id"].get<int64_t>();
  ASSERT_TRUE(IsOk(WaitType(*bob_ws, "message")));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(IsOk(alice_ws->Send(json{{"type", "typing"}, {"conversation_id", conversation}})));
  }
  EXPECT_EQ(OfType(DrainUntilPong(*alice_ws), "error").size(), 0u);
  EXPECT_EQ(OfType(DrainUntilPong(*bob_ws), "typing").size(), 1u);
}

TEST_F(SocialTest, BadInputGetsTypedErrors) {
  EXPECT_EQ(CodeOf(alice_api_->SendFriendRequest(999999)), Code::kNotFound);
  EXPECT_EQ(CodeOf(alice_api_->SendFriendRequest(alice_.id)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(alice_api_->SendFriendRequest(bob_.id, std::string(257, 'n'))), Code::kTooLarge);
  ASSERT_TRUE(IsOk(alice_api_->SendFriendRequest(bob_.id, std::string(256, 'n'))));
  EXPECT_EQ(CodeOf(alice_api_->SendFriendRequest(bob_.id)), Code::kConflict);
  ASSERT_TRUE(IsOk(bob_api_->AcceptFriendRequest(alice_.id)));
  EXPECT_EQ(CodeOf(alice_api_->SendFriendRequest(bob_.id)), Code::kConflict);
  EXPECT_EQ(CodeOf(carol_api_->AcceptFriendRequest(999999)), Code::kNotFound);
  EXPECT_EQ(CodeOf(alice_api_->Block(alice_.id)), Code::kInvalidArgument);
  EXPECT_EQ(CodeOf(alice_api_->Block(999999)), Code::kNotFound);
  EXPECT_EQ(CodeOf(alice_api_->UserById(999999)), Code::kNotFound);

  struct Raw {
    std::string method, target, body;
    int status;
  };
  const std::vector<Raw> raw = {
      {"POST", "/api/v1/friends/requests", "not json", 400},
      {"POST", "/api/v1/friends/requests", R"({"note":"no recipient"})", 400},
      {"POST", "/api/v1/friends/requests", R"({"to":"bob"})", 400},
      {"POST", "/api/v1/friends/requests/abc/accept", "", 404},
      {"DELETE", "/api/v1/friends/-1", "", 404},
      {"PUT", "/api/v1/blocks/x", "", 404},
      {"GET", "/api/v1/users/id/0", "", 404},
      {"PATCH", "/api/v1/account/profile", "{}", 400},
      {"PATCH", "/api/v1/account/profile", R"({"status_line":5})", 400},
      {"PATCH", "/api/v1/account/profile", R"({"time_zone":"Mars"})", 422},
      {"PATCH", "/api/v1/account/profile", R"({"language":"english!"})", 422},
      {"PATCH", "/api/v1/account/profile", R"({"display_name":""})", 422},
      {"PATCH", "/api/v1/account/profile", json{{"status_line", std::string(141, 's')}}.dump(),
       413},
      {"PATCH", "/api/v1/account/profile", json{{"display_name", std::string(65, 'd')}}.dump(),
       422},
      {"PATCH", "/api/v1/account/profile", json{{"avatar", std::string(513, 'a')}}.dump(), 413},
  };
  for (const Raw& r : raw) {
    auto response = alice_api_->Request(r.method, r.target, r.body);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, r.status) << r.method << " " << r.target << " " << r.body;
    EXPECT_TRUE(response->body.contains("error")) << response->raw_body;
  }
  auto codes = alice_api_->Request("PATCH", "/api/v1/account/profile", R"({"time_zone":"Mars"})");
  ASSERT_TRUE(IsOk(codes));
  EXPECT_EQ(codes->body["error"]["code"], "invalid_argument");
  auto malformed = alice_api_->Request("PATCH", "/api/v1/account/profile", "{}");
  ASSERT_TRUE(IsOk(malformed));
  EXPECT_EQ(malformed->body["error"]["code"], "malformed");

  auto ws = Connect(alice_);
  ASSERT_TRUE(ws);
  ASSERT_TRUE(IsOk(ws->Send(json{{"type", "typing"}, {"req", "a"}})));
  auto missing = WaitType(*ws, "error");
  ASSERT_TRUE(IsOk(missing));
  EXPECT_EQ((*missing)["code"], "malformed");
  ASSERT_TRUE(IsOk(ws->Send(json{{"type", "typing"}, {"conversation_id", 424242}})));
  auto unknown = WaitType(*ws, "error");
  ASSERT_TRUE(IsOk(unknown));
  EXPECT_EQ((*unknown)["code"], "not_found");
  ASSERT_TRUE(IsOk(ws->Send(json{{"type", "presence"}, {"status", "busy"}})));
  auto busy = WaitType(*ws, "error");
  ASSERT_TRUE(IsOk(busy));
  EXPECT_EQ((*busy)["code"], "invalid_argument");
}

}  // namespace
}  // namespace parley::e2e
