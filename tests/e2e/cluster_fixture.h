// TwoNodeCluster: two parleyd nodes on one PostgreSQL database (of the run's shared server)
// and one Redis server of the test's own, as a deployment behind a load balancer that is not
// sticky runs them. The second node reads the first's secret key file, as nodes must share it
// (docs/operations.md, "The secret key file").
//
// Ownership: the struct owns the nodes and the Redis server; they are stopped when it goes.
// Thread-safety: none; call from the test's thread.
#ifndef PARLEY_TESTS_E2E_CLUSTER_FIXTURE_H_
#define PARLEY_TESTS_E2E_CLUSTER_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "tests/e2e/server_process.h"
#include "tests/support/postgres_server.h"
#include "tests/support/redis_server.h"

namespace parley::e2e {

struct TwoNodeCluster {
  // `database` names the test's own database; `args` are given to both nodes.
  static Result<std::unique_ptr<TwoNodeCluster>> Start(const std::string& database,
                                                       std::vector<std::string> args) {
    std::string error;
    testing_support::PostgresServer* postgres = testing_support::PostgresServer::Shared(&error);
    if (postgres == nullptr) return Status(Code::kUnavailable, error);
    Result<std::string> conninfo = postgres->CreateDatabase(database);
    if (!conninfo.ok()) return conninfo.status();
    auto cluster = std::make_unique<TwoNodeCluster>();
    auto redis = testing_support::RedisServer::Launch();
    if (!redis.ok()) return redis.status();
    cluster->redis = std::move(*redis);
    for (const std::string& arg :
         {std::string("--postgres"), *conninfo, std::string("--redis"), cluster->redis->Url()}) {
      args.push_back(arg);
    }
    for (int i = 0; i < 2; ++i) {
      std::vector<std::string> node_args = args;
      if (i == 1) {
        node_args.push_back("--secret-key-file");
        node_args.push_back(cluster->nodes[0]->data_dir() + "/secret.key");
      }
      ServerProcess::Options options;
      options.extra_args = std::move(node_args);
      auto node = ServerProcess::Start(options);
      if (!node.ok()) return node.status();
      cluster->nodes.push_back(std::move(*node));
    }
    return cluster;
  }

  const ServerProcess& operator[](size_t i) const { return *nodes[i]; }

  std::unique_ptr<testing_support::RedisServer> redis;
  std::vector<std::unique_ptr<ServerProcess>> nodes;
};

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_CLUSTER_FIXTURE_H_
