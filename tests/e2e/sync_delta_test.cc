// End-to-end tests of sync deltas (docs/protocol.md, "hello" and "synced") against a real
// parleyd: a device syncs, things change while it is offline (a message, another member's
// receipt, a rename, a removal from a group), and its reconnect with the token lists exactly
// those conversations, replays exactly the missed messages and reports the group it left; a
// change received live after a synced is listed again by the next delta; hostile tokens
// (garbage, huge, another user's, not a string) never hide state and never show another user's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::Cursor;
using client::SyncResult;
using client::WsClient;
using nlohmann::json;

std::set<int64_t> Listed(const json& synced) {
  std::set<int64_t> ids;
  for (const json& c : synced.value("conversations", json::array())) {
    ids.insert(c.value("conversation_id", int64_t{0}));
  }
  return ids;
}

std::vector<int64_t> Removed(const json& synced) {
  std::vector<int64_t> ids;
  for (const json& id : synced.value("removed", json::array())) ids.push_back(id.get<int64_t>());
  return ids;
}

json Entry(const json& synced, int64_t conversation_id) {
  for (const json& c : synced.value("conversations", json::array())) {
    if (c.value("conversation_id", int64_t{0}) == conversation_id) return c;
  }
  return nullptr;
}

// The (conversation, seq) of each replayed message.
std::set<std::pair<int64_t, int64_t>> Replayed(const SyncResult& sync) {
  std::set<std::pair<int64_t, int64_t>> seen;
  for (const json& m : sync.messages) {
    seen.emplace(m.value("conversation_id", int64_t{0}), m.value("seq", int64_t{0}));
  }
  return seen;
}

// A device's memory: its cursors (the highest seq per conversation) and its last token.
struct Device {
  std::map<int64_t, int64_t> cursors;
  std::string since;

  std::vector<Cursor> CursorList() const {
    std::vector<Cursor> list;
    for (const auto& [id, seq] : cursors) list.push_back({id, seq});
    return list;
  }
  void Apply(const SyncResult& sync) {
    for (const json& m : sync.messages) {
      int64_t& seq = cursors[m.value("conversation_id", int64_t{0})];
      seq = std::max(seq, m.value("seq", int64_t{0}));
    }
    for (const json& c : sync.synced.value("conversations", json::array())) {
      int64_t& seq = cursors[c.value("conversation_id", int64_t{0})];
      seq = std::max(seq, c.value("last_seq", int64_t{0}));
    }
    for (int64_t id : Removed(sync.synced)) cursors.erase(id);
    since = sync.synced.value("since", "");
  }
};

class SyncDeltaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ServerProcess::Start();
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(server).value();
    for (auto [user, name] : {std::pair{&alice_, "alice"}, {&bob_, "bob"}, {&carol_, "carol"}}) {
      Result<TestUser> created = CreateUser(*server_, name);
      ASSERT_TRUE(IsOk(created));
      *user = std::move(created).value();
    }
    // alice: a direct conversation with bob and one with carol, bob's group "team" and carol's
    // group "gone", each with a message.
    std::unique_ptr<WsClient> alice = Connect(alice_);
    ASSERT_TRUE(alice);
    auto with_bob = alice->SendToUser(bob_.id, "hi bob");
    auto with_carol = alice->SendToUser(carol_.id, "hi carol");
    ASSERT_TRUE(IsOk(with_bob) && IsOk(with_carol));
    with_bob_ = (*with_bob)["conversation_id"].get<int64_t>();
    with_carol_ = (*with_carol)["conversation_id"].get<int64_t>();
    auto team = ApiFor(*server_, &bob_)->CreateGroup("Team", {alice_.id});
    auto gone = ApiFor(*server_, &carol_)->CreateGroup("Gone", {alice_.id});
    ASSERT_TRUE(IsOk(team) && IsOk(gone));
    team_ = (*team)["id"].get<int64_t>();
    gone_ = (*gone)["id"].get<int64_t>();
    ASSERT_TRUE(IsOk(alice->SendToConversation(team_, "hi team")));
  }

  std::unique_ptr<WsClient> Connect(const TestUser& user, std::span<const Cursor> cursors = {},
                                    SyncResult* sync = nullptr) {
    auto ws = ConnectUser(*server_, user, cursors, sync);
    EXPECT_TRUE(IsOk(ws)) << server_->output();
    return ws.ok() ? std::move(ws).value() : nullptr;
  }

  // Connects `device` of `user` with its cursors and token, applies what it got, and returns it.
  Result<SyncResult> Sync(const TestUser& user, Device& device,
                          std::unique_ptr<WsClient>* keep = nullptr) {
    auto ws = std::make_unique<WsClient>();
    if (Status s = ws->Connect(server_->endpoint()); !s.ok()) return s;
    const std::vector<Cursor> cursors = device.CursorList();
    auto sync = ws->HelloAndSync(user.token, cursors, client::kDefaultTimeout, device.since);
    if (!sync.ok()) return sync;
    device.Apply(*sync);
    if (keep != nullptr) *keep = std::move(ws);
    return sync;
  }

  std::unique_ptr<ServerProcess> server_;
  TestUser alice_, bob_, carol_;
  int64_t with_bob_ = 0, with_carol_ = 0, team_ = 0, gone_ = 0;
};

TEST_F(SyncDeltaTest, AReconnectGetsExactlyWhatChangedWhileOffline) {
  Device phone;
  auto first = Sync(alice_, phone);
  ASSERT_TRUE(IsOk(first));
  EXPECT_FALSE(first->synced.value("delta", true));
  EXPECT_EQ(Listed(first->synced), (std::set<int64_t>{with_bob_, with_carol_, team_, gone_}));
  ASSERT_FALSE(phone.since.empty());

  // Up to date: an empty delta.
  auto again = Sync(alice_, phone);
  ASSERT_TRUE(IsOk(again));
  EXPECT_TRUE(again->synced.value("delta", false));
  EXPECT_TRUE(Listed(again->synced).empty()) << again->synced.dump();
  EXPECT_TRUE(again->messages.empty());
  EXPECT_TRUE(Removed(again->synced).empty());

  // Offline: bob writes and reads, bob renames the team, carol removes alice from "gone".
  const int64_t bob_seq = [&] {
    std::unique_ptr<WsClient> bob = Connect(bob_);
    auto ack = bob->SendToConversation(with_bob_, "while you were away");
    EXPECT_TRUE(IsOk(ack));
    EXPECT_TRUE(IsOk(bob->Send({{"type", "read"}, {"conversation_id", with_bob_}, {"seq", 2}})));
    DrainUntilPong(*bob);
    return ack.ok() ? (*ack)["seq"].get<int64_t>() : 0;
  }();
  ASSERT_TRUE(IsOk(ApiFor(*server_, &bob_)->UpdateGroup(team_, {{"name", "Renamed"}})));
  ASSERT_TRUE(IsOk(ApiFor(*server_, &carol_)->RemoveGroupMember(gone_, alice_.id)));
  const int64_t team_seq = phone.cursors.at(team_) + 1;  // the rename event

  auto delta = Sync(alice_, phone);
  ASSERT_TRUE(IsOk(delta));
  const json& synced = delta->synced;
  EXPECT_TRUE(synced.value("delta", false));
  EXPECT_EQ(Listed(synced), (std::set<int64_t>{with_bob_, team_})) << synced.dump();
  EXPECT_EQ(Removed(synced), std::vector<int64_t>{gone_});
  EXPECT_EQ(Replayed(*delta),
            (std::set<std::pair<int64_t, int64_t>>{{with_bob_, bob_seq}, {team_, team_seq}}));
  const json bob_entry = Entry(synced, with_bob_);
  ASSERT_TRUE(bob_entry.is_object());
  ASSERT_EQ(bob_entry["members"].size(), 1u);
  EXPECT_EQ(bob_entry["members"][0]["read_seq"], 2);
  EXPECT_EQ(Entry(synced, team_)["name"], "Renamed");
  EXPECT_NE(phone.since, first->synced.value("since", ""));

  // And then nothing again.
  auto settled = Sync(alice_, phone);
  ASSERT_TRUE(IsOk(settled));
  EXPECT_TRUE(Listed(settled->synced).empty()) << settled->synced.dump();
  EXPECT_TRUE(settled->messages.empty());
}

// What reaches a device live after its synced is after the token: the next delta lists it
// again (so a device that missed the live frame, or persisted the token first, loses nothing).
TEST_F(SyncDeltaTest, ChangesAfterTheSyncedAreInTheNextDelta) {
  Device phone;
  std::unique_ptr<WsClient> live;
  ASSERT_TRUE(IsOk(Sync(alice_, phone, &live)));
  std::unique_ptr<WsClient> carol = Connect(carol_);
  auto ack = carol->SendToConversation(with_carol_, "live");
  ASSERT_TRUE(IsOk(ack));
  const int64_t seq = (*ack)["seq"].get<int64_t>();
  auto message = live->WaitFor([&](const json& f) {
    return client::IsType(f, "message") && f.value("seq", int64_t{0}) == seq;
  });
  ASSERT_TRUE(IsOk(message));
  phone.cursors[with_carol_] = seq;  // the device has the message
  live.reset();

  auto delta = Sync(alice_, phone);
  ASSERT_TRUE(IsOk(delta));
  EXPECT_EQ(Listed(delta->synced), std::set<int64_t>{with_carol_});
  EXPECT_TRUE(delta->messages.empty());  // listed for its state; the cursor is current
}

TEST_F(SyncDeltaTest, HostileTokensGiveTheFullListOfOnesOwnConversations) {
  Device bob_phone;
  ASSERT_TRUE(IsOk(Sync(bob_, bob_phone)));
  Device alice_phone;
  ASSERT_TRUE(IsOk(Sync(alice_, alice_phone)));
  const std::set<int64_t> alices = {with_bob_, with_carol_, team_, gone_};
  for (const std::string& since : {std::string("garbage"), std::string(20000, 'x'), bob_phone.since,
                                   alice_phone.since + "9", std::string("1.zz.1.1")}) {
    SCOPED_TRACE(since.substr(0, 60));
    Device device = alice_phone;
    device.since = since;
    auto sync = Sync(alice_, device);
    ASSERT_TRUE(IsOk(sync));
    EXPECT_FALSE(sync->synced.value("delta", true));
    EXPECT_EQ(Listed(sync->synced), alices);
    EXPECT_TRUE(sync->messages.empty());
  }
  // A token that is not a string is a malformed hello.
  WsClient ws;
  ASSERT_TRUE(IsOk(ws.Connect(server_->endpoint())));
  ASSERT_TRUE(
      IsOk(ws.Send({{"type", "hello"}, {"protocol", 1}, {"token", alice_.token}, {"since", 42}})));
  auto reply = ws.WaitFor([](const json& f) { return client::IsType(f, "error"); });
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ((*reply)["code"], "malformed");
}

}  // namespace
}  // namespace parley::e2e
