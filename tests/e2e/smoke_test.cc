// End-to-end smoke test: two users, one direct message, over a real parleyd on loopback.
#include <gtest/gtest.h>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

TEST(SmokeTest, AliceSendsBobReceives) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  Result<TestUser> alice = CreateUser(**server, "alice");
  ASSERT_TRUE(IsOk(alice));
  Result<TestUser> bob = CreateUser(**server, "bob");
  ASSERT_TRUE(IsOk(bob));
  EXPECT_NE(alice->id, bob->id);

  client::SyncResult alice_sync;
  auto alice_ws = ConnectUser(**server, *alice, {}, &alice_sync);
  ASSERT_TRUE(IsOk(alice_ws));
  EXPECT_EQ(alice_sync.welcome["user"]["id"], alice->id);
  EXPECT_TRUE(alice_sync.messages.empty());
  auto bob_ws = ConnectUser(**server, *bob);
  ASSERT_TRUE(IsOk(bob_ws));

  Result<json> ack = (*alice_ws)->SendToUser(bob->id, "hello bob", "c-1");
  ASSERT_TRUE(IsOk(ack)) << (*server)->output();
  EXPECT_EQ((*ack)["seq"], 1);
  EXPECT_EQ((*ack)["duplicate"], false);

  Result<json> message = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(message));
  EXPECT_EQ((*message)["conversation_id"], (*ack)["conversation_id"]);
  EXPECT_EQ((*message)["seq"], 1);
  EXPECT_EQ((*message)["sender_id"], alice->id);
  EXPECT_EQ((*message)["id"], "c-1");
  EXPECT_EQ((*message)["text"], "hello bob");
}

}  // namespace
}  // namespace parley::e2e
