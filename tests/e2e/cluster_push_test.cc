// Push notifications across two parleyd nodes on one PostgreSQL database (push state in its
// `push` schema, docs/operations.md "Running on PostgreSQL"): bob registers a Web Push
// subscription through node A and has no session anywhere; alice sends him a message through
// node B; the real push service peer (tests/peers/push_service.mjs, which decrypts the payload
// with http_ece and verifies the VAPID JWT) receives it from node B's outbox, once. The nodes
// share the secret key file and the VAPID key, as a cluster's nodes must.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/server_process.h"
#include "tests/support/postgres_server.h"
#include "tests/support/temp_dir.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

TEST(ClusterPushTest, ATargetRegisteredOnOneNodeIsPushedForAMessageSentThroughAnother) {
  std::string error;
  testing_support::PostgresServer* postgres = testing_support::PostgresServer::Shared(&error);
  ASSERT_NE(postgres, nullptr) << error;
  Result<std::string> conninfo = postgres->CreateDatabase("cluster_push");
  ASSERT_TRUE(IsOk(conninfo));
  auto peer = PeerProcess::Start({PARLEY_NODE_PATH, "push_service.mjs"}, PARLEY_PEERS_DIR);
  ASSERT_TRUE(IsOk(peer));
  const json hello = (*peer)->WaitForLine([](const json& j) { return j.contains("port"); });
  ASSERT_FALSE(hello.is_null()) << "the push service did not start (npm ci --prefix tests/peers)";
  const std::string base = "http://127.0.0.1:" + std::to_string(hello["port"].get<int>());

  testing_support::TempDir keys;
  ServerProcess::Options options;
  options.extra_args = {"--postgres",
                        *conninfo,
                        "--secret-key-file",
                        keys.path() + "/secret.key",
                        "--push-vapid-key-file",
                        keys.path() + "/vapid_private.pem",
                        "--push-allow-private-endpoints",
                        "true"};
  auto node_a = ServerProcess::Start(options);
  ASSERT_TRUE(IsOk(node_a));
  auto node_b = ServerProcess::Start(options);
  ASSERT_TRUE(IsOk(node_b));

  Result<TestUser> alice = CreateUser(**node_b, "alice");
  Result<TestUser> bob = CreateUser(**node_a, "bob");
  ASSERT_TRUE(IsOk(alice) && IsOk(bob));
  const json subscription = {{"provider", "webpush"},
                             {"endpoint", base + "/push/ok"},
                             {"keys", {{"p256dh", hello["p256dh"]}, {"auth", hello["auth"]}}}};
  auto registered =
      ApiFor(**node_a, &*bob)->Request("POST", "/api/v1/push/targets", subscription.dump());
  ASSERT_TRUE(IsOk(registered));
  ASSERT_EQ(registered->status, 201) << registered->raw_body;

  auto ws = ConnectUser(**node_b, *alice);
  ASSERT_TRUE(IsOk(ws));
  auto ack = (*ws)->SendToUser(bob->id, "across the cluster");
  ASSERT_TRUE(IsOk(ack));

  const json push = (*peer)->WaitForLine(
      [](const json& j) {
        return j.value("path", "") == "/push/ok" && j.value("status", 0) == 201;
      },
      std::chrono::seconds(15));
  ASSERT_FALSE(push.is_null()) << (*node_b)->output();
  const json& payload = push["payload"];
  EXPECT_EQ(payload["body"], "across the cluster");
  EXPECT_EQ(payload["sender_id"], alice->id);
  EXPECT_EQ(payload["conversation_id"], (*ack)["conversation_id"]);
  EXPECT_EQ(payload["seq"], (*ack)["seq"]);
  // Sent once: node A's outbox, polling the same jobs, did not send it too. A second message
  // marks the point by which a duplicate of the first would have arrived.
  auto second = (*ws)->SendToUser(bob->id, "second");
  ASSERT_TRUE(IsOk(second));
  ASSERT_FALSE((*peer)
                   ->WaitForLine(
                       [&](const json& j) {
                         return j.contains("payload") &&
                                j["payload"].value("seq", -1) == (*second)["seq"];
                       },
                       std::chrono::seconds(15))
                   .is_null());
  EXPECT_EQ((*peer)
                ->Lines([&](const json& j) {
                  return j.contains("payload") && j["payload"].value("seq", -1) == (*ack)["seq"];
                })
                .size(),
            1u);
}

}  // namespace
}  // namespace parley::e2e
