// What the tests of the state shared in Redis (redis_buckets_test.cc, redis_entries_test.cc,
// redis_failures_test.cc) have in common: pool options for a test server, the process's shared
// server, a plain connection to look at what was left in Redis, and a wait on a condition.
#ifndef PARLEY_TESTS_CLUSTER_REDIS_SUPPORT_H_
#define PARLEY_TESTS_CLUSTER_REDIS_SUPPORT_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "cluster/redis_address.h"
#include "cluster/redis_connection.h"
#include "cluster/redis_pool.h"
#include "tests/support/redis_server.h"

namespace parley::cluster {

inline RedisPoolOptions OptionsFor(const std::string& url) {
  RedisPoolOptions options;
  Result<RedisAddress> address = ParseRedisAddress(url);
  EXPECT_TRUE(address.ok());
  if (address.ok()) options.address = *address;
  return options;
}

inline testing_support::RedisServer* SharedServer() {
  std::string error;
  testing_support::RedisServer* server = testing_support::RedisServer::Shared(&error);
  EXPECT_NE(server, nullptr) << error;
  return server;
}

// A plain connection to look at what the shared state left in Redis.
inline std::unique_ptr<RedisConnection> Inspect(const std::string& url) {
  auto connection = RedisConnection::Connect(*ParseRedisAddress(url), {});
  EXPECT_TRUE(connection.ok()) << connection.status().message();
  return connection.ok() ? std::move(*connection) : nullptr;
}

inline int64_t IntegerReply(RedisConnection& connection,
                            std::initializer_list<std::string_view> args) {
  Result<RedisReply> reply = connection.Command(args);
  EXPECT_TRUE(reply.ok());
  EXPECT_EQ(reply.ok() ? reply->type : RedisReply::Type::kNil, RedisReply::Type::kInteger);
  return reply.ok() ? reply->integer : -1;
}

// Waits up to 10 s for `condition`, checking it every 10 ms.
template <typename F>
bool WaitFor(F condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace parley::cluster

#endif  // PARLEY_TESTS_CLUSTER_REDIS_SUPPORT_H_
