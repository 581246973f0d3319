// Two parleyd nodes on one PostgreSQL database: what the shared store guarantees by itself
// (docs/architecture.md, "PostgreSQL"). An account registered on one node logs in on the other;
// two writers, one per node, sending into one direct conversation at the same moment (which
// neither has created yet) get one conversation and dense seqs, each message stored once and
// each sender's messages in its order; both nodes then serve the same history.
//
// Live delivery from one node to a device on another is the bus's work (issue 17, Redis), so
// this test reads what the other node's writer committed, not what reached a socket.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/support/postgres_server.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

constexpr int kPerSender = 150;

struct Ack {
  int64_t conversation_id = 0;
  int64_t seq = 0;
};

// Sends kPerSender messages "<prefix>-<n>" as `from` on `server` to `to`, one at a time, and
// returns their acks in order (an empty vector and a test failure if one is not acked).
std::vector<Ack> SendAll(const ServerProcess& server, const TestUser& from, int64_t to,
                         const std::string& prefix) {
  std::vector<Ack> acks;
  Result<std::unique_ptr<client::WsClient>> ws = ConnectUser(server, from);
  EXPECT_TRUE(IsOk(ws));
  if (!ws.ok()) return acks;
  for (int n = 0; n < kPerSender; ++n) {
    const std::string id = prefix + "-" + std::to_string(n);
    Result<json> ack = (*ws)->SendToUser(to, id, id);
    EXPECT_TRUE(IsOk(ack)) << id;
    if (!ack.ok()) return {};
    acks.push_back(Ack{(*ack)["conversation_id"].get<int64_t>(), (*ack)["seq"].get<int64_t>()});
  }
  return acks;
}

// The whole history of `conversation_id` as `user` sees it on `server`: seq -> text.
std::map<int64_t, std::string> History(const ServerProcess& server, const TestUser& user,
                                       int64_t conversation_id) {
  std::map<int64_t, std::string> history;
  Result<std::vector<json>> messages = HistoryAfter(server, user, conversation_id);
  EXPECT_TRUE(IsOk(messages));
  if (!messages.ok()) return history;
  for (const json& message : *messages) {
    history[message["seq"].get<int64_t>()] = message["text"].get<std::string>();
  }
  return history;
}

TEST(ClusterStoreTest, TwoNodesShareAccountsAndWriteOneDenseHistory) {
  std::string error;
  testing_support::PostgresServer* postgres = testing_support::PostgresServer::Shared(&error);
  ASSERT_NE(postgres, nullptr) << error;
  Result<std::string> conninfo = postgres->CreateDatabase("cluster");
  ASSERT_TRUE(IsOk(conninfo));
  ServerProcess::Options options;
  options.extra_args = {"--postgres", *conninfo};
  auto node_a = ServerProcess::Start(options);
  ASSERT_TRUE(IsOk(node_a));
  auto node_b = ServerProcess::Start(options);
  ASSERT_TRUE(IsOk(node_b));

  // Accounts are the database's, not a node's.
  Result<TestUser> alice = CreateUser(**node_a, "alice");
  ASSERT_TRUE(IsOk(alice));
  Result<TestUser> bob = CreateUser(**node_b, "bob");
  ASSERT_TRUE(IsOk(bob));
  Result<TestUser> alice_on_b = LoginDevice(**node_b, *alice);
  ASSERT_TRUE(IsOk(alice_on_b));
  EXPECT_FALSE(IsOk(CreateUser(**node_a, "BOB")));  // taken on the other node, case-blind

  // Both writers at once, into a conversation neither node has created.
  std::vector<Ack> from_alice, from_bob;
  std::thread sender_a([&] { from_alice = SendAll(**node_a, *alice, bob->id, "a"); });
  std::thread sender_b([&] { from_bob = SendAll(**node_b, *bob, alice->id, "b"); });
  sender_a.join();
  sender_b.join();
  ASSERT_EQ(from_alice.size(), static_cast<size_t>(kPerSender));
  ASSERT_EQ(from_bob.size(), static_cast<size_t>(kPerSender));

  const int64_t conversation = from_alice.front().conversation_id;
  std::set<int64_t> seqs;
  for (const std::vector<Ack>* acks : {&from_alice, &from_bob}) {
    int64_t previous = 0;
    for (const Ack& ack : *acks) {
      EXPECT_EQ(ack.conversation_id, conversation);
      EXPECT_GT(ack.seq, previous) << "a sender's messages out of order";
      previous = ack.seq;
      EXPECT_TRUE(seqs.insert(ack.seq).second) << "seq " << ack.seq << " given twice";
    }
  }
  ASSERT_EQ(seqs.size(), static_cast<size_t>(2 * kPerSender));
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), 2 * kPerSender) << "seqs are not dense";

  // Both nodes serve the same history, each message once at its acked seq.
  const std::map<int64_t, std::string> on_a = History(**node_a, *alice, conversation);
  const std::map<int64_t, std::string> on_b = History(**node_b, *bob, conversation);
  EXPECT_EQ(on_a, on_b);
  ASSERT_EQ(on_a.size(), static_cast<size_t>(2 * kPerSender));
  for (int n = 0; n < kPerSender; ++n) {
    EXPECT_EQ(on_a.at(from_alice[n].seq), "a-" + std::to_string(n));
    EXPECT_EQ(on_a.at(from_bob[n].seq), "b-" + std::to_string(n));
  }
}

}  // namespace
}  // namespace parley::e2e
