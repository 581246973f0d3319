#include "base/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace parley {
namespace {

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kT0 = 1'767'225'600'000;  // a realistic Unix time in ms

TEST(RateLimiterTest, AllowsABurstThenRefusesUntilRefilled) {
  RateLimiter limiter({.max_events = 60, .window_ms = kMinute}, 100);
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(limiter.Allow("10.0.0.1", kT0)) << i;
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kT0));
  EXPECT_TRUE(limiter.IsLimited("10.0.0.1", kT0));
  // One token comes back every second.
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kT0 + 999));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", kT0 + 1000));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kT0 + 1000));
  // A full window later, the whole burst again.
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(limiter.Allow("10.0.0.1", kT0 + 1000 + kMinute));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kT0 + 1000 + kMinute));
}

TEST(RateLimiterTest, RefusedAttemptsDoNotCount) {
  RateLimiter limiter({.max_events = 2, .window_ms = 1000}, 100);
  EXPECT_TRUE(limiter.Allow("k", kT0));
  EXPECT_TRUE(limiter.Allow("k", kT0));
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.Allow("k", kT0 + 100));
  EXPECT_TRUE(limiter.Allow("k", kT0 + 500));  // refused attempts did not push this back
}

TEST(RateLimiterTest, KeysAreIndependent) {
  RateLimiter limiter({.max_events = 1, .window_ms = kMinute}, 100);
  EXPECT_TRUE(limiter.Allow("a", kT0));
  EXPECT_FALSE(limiter.Allow("a", kT0));
  EXPECT_TRUE(limiter.Allow("b", kT0));
  EXPECT_TRUE(limiter.Allow("", kT0));
  EXPECT_TRUE(limiter.Allow(std::string("a\0", 2), kT0));
}

TEST(RateLimiterTest, RecordCountsFailuresOnly) {
  // Failed logins: 10 per 10 minutes.
  RateLimiter limiter({.max_events = 10, .window_ms = 10 * kMinute}, 100);
  for (int i = 0; i < 9; ++i) limiter.Record("alice", kT0 + i);
  EXPECT_FALSE(limiter.IsLimited("alice", kT0 + 9));
  limiter.Record("alice", kT0 + 9);
  EXPECT_TRUE(limiter.IsLimited("alice", kT0 + 10));
  EXPECT_TRUE(limiter.IsLimited("alice", kT0 + kMinute - 1));
  EXPECT_FALSE(limiter.IsLimited("alice", kT0 + kMinute + 9));  // one failure refilled
  // Recording beyond empty does not dig a deeper hole: a full window always refills.
  for (int i = 0; i < 1000; ++i) limiter.Record("alice", kT0 + 2 * kMinute);
  EXPECT_TRUE(limiter.IsLimited("alice", kT0 + 2 * kMinute + 1));
  EXPECT_FALSE(limiter.IsLimited("alice", kT0 + 12 * kMinute));
}

TEST(RateLimiterTest, ResetForgetsKey) {
  RateLimiter limiter({.max_events = 3, .window_ms = kMinute}, 100);
  for (int i = 0; i < 3; ++i) limiter.Record("bob", kT0);
  EXPECT_TRUE(limiter.IsLimited("bob", kT0));
  limiter.Reset("bob");
  EXPECT_FALSE(limiter.IsLimited("bob", kT0));
  EXPECT_EQ(limiter.key_count(), 0u);
  limiter.Reset("never seen");  // harmless
}

TEST(RateLimiterTest, UnevenRefillStaysExact) {
  // 3 per 1000 ms: a token every 333.33 ms, without rounding drift.
  RateLimiter limiter({.max_events = 3, .window_ms = 1000}, 10);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("k", 0));
  EXPECT_FALSE(limiter.Allow("k", 333));
  EXPECT_TRUE(limiter.Allow("k", 334));
  int allowed = 0;
  for (int64_t t = 335; t <= 30'334; ++t) allowed += limiter.Allow("k", t) ? 1 : 0;
  EXPECT_EQ(allowed, 90);  // exactly 3 per second over 30 seconds
}

TEST(RateLimiterTest, ClockGoingBackwardsIsNotLooser) {
  RateLimiter limiter({.max_events = 2, .window_ms = 1000}, 10);
  EXPECT_TRUE(limiter.Allow("k", kT0));
  EXPECT_TRUE(limiter.Allow("k", kT0));
  EXPECT_FALSE(limiter.Allow("k", kT0 - 5000));
  EXPECT_FALSE(limiter.Allow("k", kT0));
}

TEST(RateLimiterTest, MemoryIsBounded) {
  RateLimiter limiter({.max_events = 1, .window_ms = kMinute}, 50);
  for (int i = 0; i < 10'000; ++i) limiter.Allow("addr-" + std::to_string(i), kT0);
  EXPECT_LE(limiter.key_count(), 50u);
  // The most recent keys are still remembered; the oldest were forgotten (full bucket again).
  EXPECT_TRUE(limiter.IsLimited("addr-9999", kT0));
  EXPECT_FALSE(limiter.IsLimited("addr-0", kT0));
}

TEST(RateLimiterTest, IdleKeysAreDroppedBeforeTheCap) {
  RateLimiter limiter({.max_events = 1, .window_ms = 1000}, 100);
  for (int i = 0; i < 10; ++i) limiter.Record("old-" + std::to_string(i), kT0);
  EXPECT_EQ(limiter.key_count(), 10u);
  // By kT0 + 5000 the old buckets are full again: each new key drops up to two of them.
  for (int i = 0; i < 5; ++i) limiter.Record("new-" + std::to_string(i), kT0 + 5000);
  EXPECT_EQ(limiter.key_count(), 5u);
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(limiter.IsLimited("new-" + std::to_string(i), kT0 + 5000));
}

TEST(RateLimiterTest, ThreadSafeAndExactUnderContention) {
  RateLimiter limiter({.max_events = 1000, .window_ms = kMinute}, 16);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        if (limiter.Allow("shared", kT0)) allowed.fetch_add(1);
        limiter.Record("own-" + std::to_string(t), kT0);
        (void)limiter.IsLimited("shared", kT0);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 1000);
  EXPECT_LE(limiter.key_count(), 16u);
}

// A shared store that answers what it is told, or nothing while down.
class ScriptedBuckets : public SharedBuckets {
 public:
  std::optional<bool> Apply(std::string_view name, const RateLimit& limit, Op op,
                            std::string_view key, int64_t now_ms) override {
    calls.push_back(std::string(name) + " " + std::string(key) + " " +
                    std::to_string(static_cast<int>(op)) + " " + std::to_string(limit.max_events));
    (void)now_ms;
    if (down) return std::nullopt;
    return answer;
  }
  bool down = false;
  bool answer = false;
  std::vector<std::string> calls;
};

TEST(RateLimiterTest, SharedLimiterAsksTheStoreAndUsesItsOwnBucketsOnlyWhileItIsDown) {
  ScriptedBuckets shared;
  RateLimiter limiter({.max_events = 1, .window_ms = kMinute}, 100);
  limiter.Share(&shared, "test.limit");
  EXPECT_FALSE(limiter.Allow("k", kT0));  // the store said no, though the own bucket is full
  shared.answer = true;
  EXPECT_TRUE(limiter.IsLimited("k", kT0));
  EXPECT_TRUE(limiter.HasRecentEvents("k", kT0));
  limiter.Record("k", kT0);
  limiter.Reset("k");
  EXPECT_EQ(limiter.key_count(), 0u);  // nothing went to the own buckets
  ASSERT_EQ(shared.calls.size(), 5u);
  EXPECT_EQ(shared.calls[0], "test.limit k 0 1");
  EXPECT_EQ(shared.calls[4], "test.limit k 4 1");

  shared.down = true;  // the own buckets decide, as on a single node
  EXPECT_TRUE(limiter.Allow("k", kT0));
  EXPECT_FALSE(limiter.Allow("k", kT0));
  EXPECT_TRUE(limiter.IsLimited("k", kT0));
  EXPECT_EQ(limiter.key_count(), 1u);
  EXPECT_EQ(shared.calls.size(), 8u);
}

}  // namespace
}  // namespace parley
