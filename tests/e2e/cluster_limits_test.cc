// Two parleyd nodes on one PostgreSQL database and one Redis server: the login limits hold
// across the nodes (docs/security.md, "Limits in a cluster"). Failed logins on one account,
// alternating between the nodes, put it "under attack" after as many failures as on a single
// node, not after as many per node.
//
// The per-account limit is seen through its effect: once its bucket is empty, an address that
// has failed on the account waits from its first failure (auth/login_limits.h). So each client
// address (X-Forwarded-For from a trusted proxy) fails twice in a row on one node, and the count
// is that of failed logins answered before the first refusal.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/support/postgres_server.h"
#include "tests/support/redis_server.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

constexpr int kFailuresPerAccount = 6;

std::vector<std::string> LimitArgs() {
  return {"--trusted-proxy", "127.0.0.1", "--login-failures-per-account",
          std::to_string(kFailuresPerAccount)};
}

int WrongLogin(const ServerProcess& server, const std::string& username,
               const std::string& address) {
  const std::string body =
      json{{"username", username}, {"password", "not-the-password"}, {"device", "e2e"}}.dump();
  auto response = ApiFor(server)->Request("POST", "/api/v1/sessions", body,
                                          client::HttpHeaders{{"X-Forwarded-For", address}});
  EXPECT_TRUE(IsOk(response));
  return response.ok() ? response->status : 0;
}

// Failed logins on `username` answered 401 before the first 429, each address failing twice on
// one node, the addresses taking the nodes in turn; -1 if none was refused.
int FailuresBeforeRefusal(const std::vector<const ServerProcess*>& nodes,
                          const std::string& username) {
  int failures = 0;
  for (int i = 0; i < 4 * kFailuresPerAccount; ++i) {
    const ServerProcess& node = *nodes[i % nodes.size()];
    const std::string address = "10.0.0." + std::to_string(i + 1);
    for (int attempt = 0; attempt < 2; ++attempt) {
      const int status = WrongLogin(node, username, address);
      if (status == 429) return failures;
      EXPECT_EQ(status, 401) << "address " << address;
      ++failures;
    }
  }
  return -1;
}

TEST(ClusterLimitsTest, FailedLoginsOverTwoNodesMeetThePerAccountLimitOfOne) {
  // One node alone (SQLite, no Redis): the reference count.
  auto single = ServerProcess::Start(ServerProcess::Options{LimitArgs()});
  ASSERT_TRUE(IsOk(single));
  ASSERT_TRUE(IsOk(CreateUser(**single, "alice")));
  const int on_one_node = FailuresBeforeRefusal({single->get()}, "alice");
  // The bucket empties after kFailuresPerAccount failures; the address that failed next is
  // refused on its second try.
  EXPECT_EQ(on_one_node, kFailuresPerAccount + 1);

  std::string error;
  testing_support::PostgresServer* postgres = testing_support::PostgresServer::Shared(&error);
  ASSERT_NE(postgres, nullptr) << error;
  Result<std::string> conninfo = postgres->CreateDatabase("cluster_limits");
  ASSERT_TRUE(IsOk(conninfo));
  auto redis = testing_support::RedisServer::Launch();
  ASSERT_TRUE(redis.ok()) << redis.status().message();
  std::vector<std::string> args = LimitArgs();
  for (const std::string& arg :
       {std::string("--postgres"), *conninfo, std::string("--redis"), (*redis)->Url()}) {
    args.push_back(arg);
  }
  auto node_a = ServerProcess::Start(ServerProcess::Options{args});
  ASSERT_TRUE(IsOk(node_a));
  auto node_b = ServerProcess::Start(ServerProcess::Options{args});
  ASSERT_TRUE(IsOk(node_b));
  ASSERT_TRUE(IsOk(CreateUser(**node_a, "alice")));
  EXPECT_EQ(FailuresBeforeRefusal({node_a->get(), node_b->get()}, "alice"), on_one_node);
  // The other node knows too: a fresh address fails once, then waits, there as well.
  EXPECT_EQ(WrongLogin(**node_b, "alice", "10.0.1.1"), 401);
  EXPECT_EQ(WrongLogin(**node_b, "alice", "10.0.1.1"), 429);
}

}  // namespace
}  // namespace parley::e2e
