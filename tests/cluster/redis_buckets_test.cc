// RedisBuckets against a real redis-server: the same decisions as the in-memory RateLimiter,
// one budget for two nodes, the fallback to each node's own buckets while Redis is down or
// paused and the return to Redis after, hostile keys, and idle keys expiring.
#include "cluster/redis_buckets.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/rate_limiter.h"
#include "cluster/redis_connection.h"
#include "tests/cluster/redis_support.h"
#include "tests/support/redis_server.h"

namespace parley::cluster {
namespace {

using testing_support::RedisServer;
using Clock = std::chrono::steady_clock;
using Op = SharedBuckets::Op;

// Realistic wall-clock times, so the script's arithmetic is checked at their magnitude.
constexpr int64_t kEpoch = 1'780'000'000'000;

// One node's way to Redis: its pool, and the buckets over it with keys under `prefix`.
struct Node {
  Node(const RedisPoolOptions& options, std::string prefix)
      : pool(options), buckets(pool, std::move(prefix)) {}
  RedisPool::Stats stats() const { return pool.stats(); }
  RedisPool pool;
  RedisBuckets buckets;
};

// One call on a limiter and its expected answer (kRecord and kReset answer true).
struct Step {
  Op op;
  std::string key;
  int64_t at_ms;  // after kEpoch
  bool expected;
};

bool Call(RateLimiter& limiter, const Step& step) {
  const int64_t now = kEpoch + step.at_ms;
  switch (step.op) {
    case Op::kAllow:
      return limiter.Allow(step.key, now);
    case Op::kIsLimited:
      return limiter.IsLimited(step.key, now);
    case Op::kHasRecentEvents:
      return limiter.HasRecentEvents(step.key, now);
    case Op::kRecord:
      limiter.Record(step.key, now);
      return true;
    case Op::kReset:
      limiter.Reset(step.key);
      return true;
  }
  return false;
}

struct Case {
  std::string name;
  RateLimit limit;
  std::vector<Step> steps;
};

std::vector<Case> Cases() {
  const RateLimit three_per_3s{.max_events = 3, .window_ms = 3000};
  const RateLimit one_per_s{.max_events = 1, .window_ms = 1000};
  const RateLimit two_per_s{.max_events = 2, .window_ms = 1000};
  const RateLimit million_per_day{.max_events = 1'000'000, .window_ms = 86'400'000};
  return {
      {"burst_then_refuse_then_refill",
       three_per_3s,
       {{Op::kAllow, "a", 0, true},
        {Op::kAllow, "a", 0, true},
        {Op::kAllow, "a", 0, true},
        {Op::kAllow, "a", 0, false},
        {Op::kIsLimited, "a", 999, true},
        {Op::kAllow, "b", 0, true},  // keys are independent
        {Op::kAllow, "a", 1000, true},
        {Op::kAllow, "a", 1000, false},
        {Op::kAllow, "a", 7000, true},
        {Op::kAllow, "a", 7000, true},
        {Op::kAllow, "a", 7000, true},
        {Op::kAllow, "a", 7000, false}}},
      {"record_never_goes_below_empty",
       two_per_s,
       {{Op::kRecord, "a", 0, true},
        {Op::kRecord, "a", 0, true},
        {Op::kRecord, "a", 0, true},
        {Op::kRecord, "a", 0, true},
        {Op::kIsLimited, "a", 0, true},
        {Op::kIsLimited, "a", 499, true},
        {Op::kIsLimited, "a", 500, false},
        {Op::kAllow, "a", 500, true},
        {Op::kAllow, "a", 500, false}}},
      {"recent_events_until_full_again",
       one_per_s,
       {{Op::kHasRecentEvents, "a", 0, false},
        {Op::kIsLimited, "a", 0, false},
        {Op::kAllow, "a", 0, true},
        {Op::kHasRecentEvents, "a", 999, true},
        {Op::kIsLimited, "a", 999, true},
        {Op::kHasRecentEvents, "a", 1000, false},
        {Op::kIsLimited, "a", 1000, false}}},
      {"reset_refills",
       one_per_s,
       {{Op::kAllow, "a", 0, true},
        {Op::kAllow, "a", 1, false},
        {Op::kReset, "a", 2, true},
        {Op::kHasRecentEvents, "a", 3, false},
        {Op::kAllow, "a", 3, true}}},
      {"clock_going_back_is_stricter",
       two_per_s,
       {{Op::kAllow, "a", 1000, true},
        {Op::kAllow, "a", 1000, true},
        {Op::kAllow, "a", 1500, true},
        {Op::kAllow, "a", 600, false},
        {Op::kIsLimited, "a", 0, true},
        {Op::kHasRecentEvents, "a", 1999, true},
        {Op::kAllow, "a", 2000, true}}},
      {"large_limits_stay_exact",
       million_per_day,
       {{Op::kRecord, "a", 0, true},
        {Op::kRecord, "a", 0, true},
        {Op::kHasRecentEvents, "a", 172, true},  // two tokens refill in 172.8 ms
        {Op::kHasRecentEvents, "a", 173, false},
        {Op::kIsLimited, "a", 86'399'999, false}}},
  };
}

TEST(RedisBucketsTest, SameDecisionsAsTheInMemoryLimiter) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  Node node(OptionsFor(server->Url()), "same");
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    RateLimiter local(c.limit, 100);
    RateLimiter shared(c.limit, 100);
    shared.Share(&node.buckets, c.name);
    for (size_t i = 0; i < c.steps.size(); ++i) {
      EXPECT_EQ(Call(local, c.steps[i]), c.steps[i].expected) << "in memory, step " << i;
      EXPECT_EQ(Call(shared, c.steps[i]), c.steps[i].expected) << "in Redis, step " << i;
    }
  }
  const RedisPool::Stats stats = node.stats();
  EXPECT_GT(stats.checks, 30u);
  EXPECT_EQ(stats.fallbacks, 0u);  // every answer above came from Redis
  EXPECT_TRUE(stats.up);
}

TEST(RedisBucketsTest, TwoNodesShareOneBudget) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  Node node_a(OptionsFor(server->Url()), "two-nodes");
  Node node_b(OptionsFor(server->Url()), "two-nodes");
  const RateLimit limit{.max_events = 5, .window_ms = 60'000};
  RateLimiter on_a(limit, 100);
  RateLimiter on_b(limit, 100);
  on_a.Share(&node_a.buckets, "test.tries");
  on_b.Share(&node_b.buckets, "test.tries");
  const int64_t now = NowMillis();
  int allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += (i % 2 == 0 ? on_a : on_b).Allow("alice", now) ? 1 : 0;
  EXPECT_EQ(allowed, 5);
  EXPECT_TRUE(on_b.IsLimited("alice", now));
  on_a.Reset("alice");  // one node's reset is every node's
  EXPECT_FALSE(on_b.IsLimited("alice", now));
  // Another limiter name is another budget.
  RateLimiter other(limit, 100);
  other.Share(&node_b.buckets, "test.other");
  EXPECT_TRUE(other.Allow("alice", now));
}

TEST(RedisBucketsTest, ConcurrentChecksOverThePoolSpendTheBudgetExactly) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  RedisPoolOptions options = OptionsFor(server->Url());
  options.timeout = std::chrono::seconds(2);  // a loaded machine: no fallback in this test
  Node node_a(options, "concurrent");
  Node node_b(options, "concurrent");
  const RateLimit limit{.max_events = 100, .window_ms = 3'600'000};
  RateLimiter on_a(limit, 100);
  RateLimiter on_b(limit, 100);
  on_a.Share(&node_a.buckets, "test.concurrent");
  on_b.Share(&node_b.buckets, "test.concurrent");
  const int64_t now = NowMillis();
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        if ((t % 2 == 0 ? on_a : on_b).Allow("shared", now)) allowed.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 100);
  EXPECT_EQ(node_a.stats().fallbacks + node_b.stats().fallbacks, 0u);
}

TEST(RedisBucketsTest, RunsTheScriptAgainWhenRedisHasLostIt) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  Node node(OptionsFor(server->Url()), "noscript");
  RateLimiter limiter({.max_events = 1, .window_ms = 60'000}, 100);
  limiter.Share(&node.buckets, "test.noscript");
  const int64_t now = NowMillis();
  EXPECT_TRUE(limiter.Allow("k", now));
  std::unique_ptr<RedisConnection> look = Inspect(server->Url());
  ASSERT_NE(look, nullptr);
  ASSERT_TRUE(look->Command({"SCRIPT", "FLUSH"}).ok());
  EXPECT_FALSE(limiter.Allow("k", now));  // EVALSHA: NOSCRIPT, then EVAL on the same connection
  EXPECT_TRUE(limiter.IsLimited("k", now));
  EXPECT_EQ(node.stats().fallbacks, 0u);
}

TEST(RedisBucketsTest, FallsBackToTheNodesOwnBucketsWhileRedisIsDown) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  RedisPoolOptions options = OptionsFor((*server)->Url());
  options.timeout = std::chrono::milliseconds(200);
  options.retry_after = std::chrono::milliseconds(50);
  Node node_a(options, "outage");
  Node node_b(options, "outage");
  const RateLimit limit{.max_events = 2, .window_ms = 60'000};
  RateLimiter on_a(limit, 100);
  RateLimiter on_b(limit, 100);
  on_a.Share(&node_a.buckets, "test.outage");
  on_b.Share(&node_b.buckets, "test.outage");
  const int64_t now = NowMillis();
  EXPECT_TRUE(on_a.Allow("k", now));
  EXPECT_TRUE(on_b.Allow("k", now));
  EXPECT_FALSE(on_a.Allow("k", now));  // the shared budget is spent

  (*server)->Stop();
  // Node a's own bucket for "k" is still full: the limit now holds per node.
  EXPECT_TRUE(on_a.Allow("k", now));
  EXPECT_TRUE(on_a.Allow("k", now));
  EXPECT_FALSE(on_a.Allow("k", now));
  RedisPool::Stats stats = node_a.stats();
  EXPECT_FALSE(stats.up);
  EXPECT_EQ(stats.outages, 1u);  // one outage, however many checks fell back
  EXPECT_EQ(stats.fallbacks, 3u);

  ASSERT_TRUE((*server)->Start().ok());
  // Each node finds the outage over, on its first check after retry_after.
  ASSERT_TRUE(WaitFor([&] {
    on_a.Allow("probe", now);
    on_b.Allow("probe", now);
    return node_a.stats().up && node_b.stats().up;
  }));
  EXPECT_EQ(node_a.stats().outages, 1u);
  // Shared again (the restarted Redis is empty: the script is loaded again after NOSCRIPT).
  int allowed = 0;
  for (int i = 0; i < 6; ++i) allowed += (i % 2 == 0 ? on_a : on_b).Allow("fresh", now) ? 1 : 0;
  EXPECT_EQ(allowed, 2);
  EXPECT_TRUE(node_a.stats().up);
  EXPECT_TRUE(node_b.stats().up);
}

TEST(RedisBucketsTest, PausedRedisNeverHoldsACheckLong) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  RedisPoolOptions options = OptionsFor((*server)->Url());
  options.timeout = std::chrono::milliseconds(100);
  options.retry_after = std::chrono::seconds(60);
  Node node(options, "paused");
  RateLimiter limiter({.max_events = 1, .window_ms = 60'000}, 100);
  limiter.Share(&node.buckets, "test.paused");
  const int64_t now = NowMillis();
  EXPECT_TRUE(limiter.Allow("k", now));
  (*server)->Pause();
  Clock::time_point start = Clock::now();
  EXPECT_TRUE(limiter.Allow("k", now));  // Redis did not answer: the node's own bucket
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  start = Clock::now();
  for (int i = 0; i < 100; ++i) limiter.IsLimited("k", now);  // local at once until retry_after
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(100));
  (*server)->Resume();
  EXPECT_EQ(node.stats().outages, 1u);
  EXPECT_EQ(node.stats().fallbacks, 101u);
}

TEST(RedisBucketsTest, HostileKeysAreHashedAndStayApart) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  Node node(OptionsFor(server->Url()), "hostile");
  RateLimiter limiter({.max_events = 1, .window_ms = 60'000}, 100);
  limiter.Share(&node.buckets, "test.hostile");
  const std::string huge(100 * 1024, 'x');
  std::string huge_too = huge;
  huge_too.back() = 'y';
  const std::string binary("a\0\r\n\xff:*", 7);
  const int64_t now = NowMillis();
  EXPECT_TRUE(limiter.Allow(huge, now));
  EXPECT_FALSE(limiter.Allow(huge, now));
  EXPECT_TRUE(limiter.Allow(huge_too, now));  // its own bucket, not the other's
  EXPECT_TRUE(limiter.Allow(binary, now));
  EXPECT_FALSE(limiter.Allow(binary, now));
  EXPECT_EQ(node.stats().fallbacks, 0u);

  const std::string key = node.buckets.RedisKey("test.hostile", huge);
  EXPECT_LT(key.size(), 100u);
  EXPECT_NE(key, node.buckets.RedisKey("test.hostile", huge_too));
  // A short key that spells a hash is still another bucket.
  const std::string spelled = key.substr(key.find('#') + 1);
  EXPECT_NE(node.buckets.RedisKey("test.hostile", "#" + spelled), key);
  std::unique_ptr<RedisConnection> look = Inspect(server->Url());
  ASSERT_NE(look, nullptr);
  EXPECT_EQ(IntegerReply(*look, {"EXISTS", key}), 1);
  EXPECT_EQ(IntegerReply(*look, {"EXISTS", node.buckets.RedisKey("test.hostile", binary)}), 1);
}

TEST(RedisBucketsTest, IdleKeysExpire) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  Node node(OptionsFor((*server)->Url()), "expiry");
  // A key lives until its bucket is full again: one token, 2 s here.
  RateLimiter limiter({.max_events = 10, .window_ms = 20'000}, 100);
  limiter.Share(&node.buckets, "test.expiry");
  const int64_t now = NowMillis();
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(limiter.Allow("key-" + std::to_string(i), now));
  EXPECT_EQ(node.stats().fallbacks, 0u);
  std::unique_ptr<RedisConnection> look = Inspect((*server)->Url());
  ASSERT_NE(look, nullptr);
  const int64_t ttl =
      IntegerReply(*look, {"PTTL", node.buckets.RedisKey("test.expiry", "key-9999")});
  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 2001);
  // Every key that is left has its expiry: "keys=N,expires=N".
  Result<RedisReply> info = look->Command({"INFO", "keyspace"});
  ASSERT_TRUE(info.ok());
  const size_t at = info->text.find("keys=");
  ASSERT_NE(at, std::string::npos) << info->text;
  const std::string counts = info->text.substr(at, info->text.find(",avg_ttl") - at);
  const size_t comma = counts.find(',');
  ASSERT_NE(comma, std::string::npos) << counts;
  EXPECT_EQ(counts.substr(5, comma - 5), counts.substr(comma + 9)) << counts;
  EXPECT_TRUE(WaitFor([&] { return IntegerReply(*look, {"DBSIZE"}) == 0; }));
}

// The cost of one shared check on loopback, printed (not asserted).
TEST(RedisBucketsTest, PrintsTheCostOfOneCheck) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  Node node(OptionsFor(server->Url()), "cost");
  RateLimiter limiter({.max_events = 1'000'000, .window_ms = 60'000}, 100);
  limiter.Share(&node.buckets, "test.cost");
  constexpr int kChecks = 5000;
  const int64_t now = NowMillis();
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < kChecks; ++i) limiter.Allow("k" + std::to_string(i % 100), now);
  const double us =
      std::chrono::duration<double, std::micro>(Clock::now() - start).count() / kChecks;
  EXPECT_EQ(node.stats().fallbacks, 0u);
  std::printf("[ figures  ] one shared rate-limit check (EVALSHA, loopback): %.1f us\n", us);
}

}  // namespace
}  // namespace parley::cluster
