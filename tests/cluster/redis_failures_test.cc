// RedisFailures under FailureBackoff against a real redis-server: the same delays as the
// in-memory backoff step by step, one count for two nodes, keys that end when the backoff
// forgets them, and the node's own counts while Redis is down.
#include "cluster/redis_failures.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "auth/failure_backoff.h"
#include "base/clock.h"
#include "cluster/redis_connection.h"
#include "cluster/redis_pool.h"
#include "tests/cluster/redis_support.h"
#include "tests/support/redis_server.h"

namespace parley::cluster {
namespace {

using auth::BackoffPolicy;
using auth::FailureBackoff;
using testing_support::RedisServer;

constexpr int64_t kEpoch = 1'780'000'000'000;  // realistic times for the script's arithmetic
constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;

// One call on a backoff and, for kWait, the expected wait.
struct Step {
  enum Kind { kFail, kWait, kReset } kind;
  std::string key;
  int64_t at_ms;           // after kEpoch
  int64_t expected = 0;    // kWait: RetryAfterMs
  int free_failures = -1;  // kWait: the argument, or -1 for the policy's
};

int64_t Call(FailureBackoff& backoff, const Step& step) {
  const int64_t now = kEpoch + step.at_ms;
  switch (step.kind) {
    case Step::kFail:
      backoff.RecordFailure(step.key, now);
      return 0;
    case Step::kReset:
      backoff.Reset(step.key);
      return 0;
    case Step::kWait:
      return step.free_failures < 0 ? backoff.RetryAfterMs(step.key, now)
                                    : backoff.RetryAfterMs(step.key, step.free_failures, now);
  }
  return -1;
}

struct Case {
  std::string name;
  BackoffPolicy policy;
  std::vector<Step> steps;
};

std::vector<Case> Cases() {
  const BackoffPolicy two_free{.free_failures = 2,
                               .first_delay_ms = kSecond,
                               .max_delay_ms = 4 * kSecond,
                               .forget_after_ms = 60 * kMinute};
  const BackoffPolicy none_free{
      .free_failures = 0, .first_delay_ms = kSecond, .forget_after_ms = kMinute};
  return {
      {"free_then_doubling_up_to_the_cap",
       two_free,
       {{Step::kWait, "k", 0, 0},
        {Step::kFail, "k", 0},
        {Step::kFail, "k", 0},
        {Step::kWait, "k", 0, 0},
        {Step::kFail, "k", 10},
        {Step::kWait, "k", 10, kSecond},
        {Step::kWait, "k", 1009, 1},
        {Step::kWait, "k", 1010, 0},
        {Step::kFail, "k", 2000},
        {Step::kWait, "k", 2000, 2 * kSecond},
        {Step::kFail, "k", 5000},
        {Step::kWait, "k", 5000, 4 * kSecond},
        {Step::kFail, "k", 10000},
        {Step::kWait, "k", 10000, 4 * kSecond},  // capped
        {Step::kWait, "other", 10000, 0}}},
      {"fewer_free_failures_start_earlier",
       two_free,
       {{Step::kFail, "k", 0},
        {Step::kWait, "k", 0, 0},
        {Step::kWait, "k", 0, kSecond, 0},
        {Step::kFail, "k", 100},
        {Step::kWait, "k", 100, 2 * kSecond, 0},
        {Step::kWait, "k", 100, kSecond, 1},
        {Step::kWait, "never", 100, 0, 0}}},
      {"reset_forgets",
       none_free,
       {{Step::kFail, "k", 0},
        {Step::kWait, "k", 0, kSecond},
        {Step::kReset, "k", 0},
        {Step::kWait, "k", 0, 0},
        {Step::kFail, "k", 0},
        {Step::kWait, "k", 0, kSecond}}},
      {"quiet_time_starts_afresh",
       none_free,
       {{Step::kFail, "k", 0},
        {Step::kFail, "k", 0},
        {Step::kWait, "k", 0, 2 * kSecond},
        {Step::kWait, "k", kMinute, 0},  // forgotten
        {Step::kFail, "k", kMinute},
        {Step::kWait, "k", kMinute, kSecond}}},
      {"clock_going_back_keeps_the_latest",
       none_free,
       {{Step::kFail, "k", 5000},
        {Step::kFail, "k", 1000},  // an earlier time from another node's clock
        {Step::kWait, "k", 5000, 2 * kSecond},
        {Step::kWait, "k", 6999, 1}}},
  };
}

TEST(RedisFailuresTest, SameDelaysAsTheInMemoryBackoff) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  RedisPool pool(OptionsFor(server->Url()));
  RedisFailures failures(pool, "same");
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    FailureBackoff local(c.policy, 100);
    FailureBackoff shared(c.policy, 100);
    shared.Share(&failures, c.name);
    for (size_t i = 0; i < c.steps.size(); ++i) {
      const Step& step = c.steps[i];
      const int64_t in_memory = Call(local, step);
      const int64_t in_redis = Call(shared, step);
      if (step.kind != Step::kWait) continue;
      EXPECT_EQ(in_memory, step.expected) << "in memory, step " << i;
      EXPECT_EQ(in_redis, step.expected) << "in Redis, step " << i;
    }
    EXPECT_EQ(shared.key_count(), 0u);  // nothing was kept on the node
  }
  EXPECT_EQ(pool.stats().fallbacks, 0u);  // every answer above came from Redis
}

TEST(RedisFailuresTest, TwoNodesCountTogetherAndKeysEndWhenForgotten) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  RedisPool pool_a(OptionsFor(server->Url()));
  RedisPool pool_b(OptionsFor(server->Url()));
  RedisFailures failures_a(pool_a, "two-nodes");
  RedisFailures failures_b(pool_b, "two-nodes");
  const BackoffPolicy policy{
      .free_failures = 3, .first_delay_ms = kSecond, .forget_after_ms = 30'000};
  FailureBackoff on_a(policy, 100);
  FailureBackoff on_b(policy, 100);
  on_a.Share(&failures_a, "test.backoff");
  on_b.Share(&failures_b, "test.backoff");
  const int64_t now = NowMillis();
  for (int i = 0; i < 4; ++i) (i % 2 == 0 ? on_a : on_b).RecordFailure("alice", now);
  EXPECT_EQ(on_a.RetryAfterMs("alice", now), kSecond);  // four failures, over two nodes
  EXPECT_EQ(on_b.RetryAfterMs("alice", now), kSecond);
  std::unique_ptr<RedisConnection> look = Inspect(server->Url());
  ASSERT_NE(look, nullptr);
  const int64_t ttl = IntegerReply(*look, {"PTTL", failures_a.RedisKey("test.backoff", "alice")});
  EXPECT_GT(ttl, 20'000);
  EXPECT_LE(ttl, 30'000);
  on_b.Reset("alice");  // one node's success is every node's
  EXPECT_EQ(on_a.RetryAfterMs("alice", now), 0);
  EXPECT_EQ(IntegerReply(*look, {"EXISTS", failures_a.RedisKey("test.backoff", "alice")}), 0);
}

TEST(RedisFailuresTest, WhileRedisIsDownEachNodeCountsAlone) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  RedisPoolOptions options = OptionsFor((*server)->Url());
  options.timeout = std::chrono::milliseconds(200);
  options.retry_after = std::chrono::seconds(60);
  RedisPool pool(options);
  RedisFailures failures(pool, "outage");
  FailureBackoff backoff({.free_failures = 1, .first_delay_ms = kSecond}, 100);
  backoff.Share(&failures, "test.outage");
  const int64_t now = NowMillis();
  backoff.RecordFailure("k", now);
  (*server)->Stop();
  EXPECT_EQ(backoff.RetryAfterMs("k", now), 0);  // Redis's count is out of reach
  backoff.RecordFailure("k", now);
  backoff.RecordFailure("k", now);
  EXPECT_EQ(backoff.RetryAfterMs("k", now), kSecond);  // the node's own: two failures
  EXPECT_EQ(pool.stats().outages, 1u);
}

}  // namespace
}  // namespace parley::cluster
