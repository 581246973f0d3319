#include "auth/failure_backoff.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::auth {
namespace {

constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kT0 = 1'767'225'600'000;

TEST(FailureBackoffTest, FreeFailuresThenDoublingDelaysUpToTheCap) {
  FailureBackoff backoff({.free_failures = 3,
                          .first_delay_ms = kSecond,
                          .max_delay_ms = 10 * kSecond,
                          .forget_after_ms = 60 * kMinute},
                         100);
  // The wait after each failure, recorded back to back at kT0 + failures * kMinute.
  const std::vector<int64_t> waits = {0, 0, 0, 1, 2, 4, 8, 10, 10};
  for (size_t i = 0; i < waits.size(); ++i) {
    const int64_t now = kT0 + static_cast<int64_t>(i) * kMinute;
    EXPECT_EQ(backoff.RetryAfterMs("k", now), 0) << "before failure " << i + 1;
    backoff.RecordFailure("k", now);
    EXPECT_EQ(backoff.RetryAfterMs("k", now), waits[i] * kSecond) << "after failure " << i + 1;
    if (waits[i] > 0) {
      EXPECT_EQ(backoff.RetryAfterMs("k", now + waits[i] * kSecond - 1), 1);
      EXPECT_EQ(backoff.RetryAfterMs("k", now + waits[i] * kSecond), 0);
    }
  }
}

TEST(FailureBackoffTest, FewerFreeFailuresStartTheDelaysEarlier) {
  FailureBackoff backoff({.free_failures = 5, .first_delay_ms = kSecond}, 100);
  backoff.RecordFailure("k", kT0);
  EXPECT_EQ(backoff.RetryAfterMs("k", kT0), 0);
  EXPECT_EQ(backoff.RetryAfterMs("k", 0, kT0), kSecond);  // no free failure: wait at once
  backoff.RecordFailure("k", kT0 + kSecond);
  EXPECT_EQ(backoff.RetryAfterMs("k", 0, kT0 + kSecond), 2 * kSecond);
  EXPECT_EQ(backoff.RetryAfterMs("k", 1, kT0 + kSecond), kSecond);
  // A key that never failed never waits, whatever the free failures.
  EXPECT_EQ(backoff.RetryAfterMs("other", 0, kT0), 0);
}

TEST(FailureBackoffTest, ResetAndQuietTimeForget) {
  FailureBackoff backoff(
      {.free_failures = 0, .first_delay_ms = kSecond, .forget_after_ms = kMinute}, 100);
  backoff.RecordFailure("a", kT0);
  backoff.RecordFailure("b", kT0);
  backoff.RecordFailure("b", kT0);
  EXPECT_GT(backoff.RetryAfterMs("a", kT0), 0);
  backoff.Reset("a");
  EXPECT_EQ(backoff.RetryAfterMs("a", kT0), 0);
  EXPECT_EQ(backoff.key_count(), 1u);
  // "b" failed twice; after a quiet minute its count starts again from one.
  backoff.RecordFailure("b", kT0 + kMinute);
  EXPECT_EQ(backoff.RetryAfterMs("b", kT0 + kMinute), kSecond);
}

TEST(FailureBackoffTest, MemoryIsBounded) {
  FailureBackoff backoff({.free_failures = 0, .first_delay_ms = kSecond}, 3);
  for (int i = 0; i < 10; ++i) backoff.RecordFailure("key" + std::to_string(i), kT0);
  EXPECT_EQ(backoff.key_count(), 3u);
  EXPECT_GT(backoff.RetryAfterMs("key9", kT0), 0);  // the most recent are kept
  EXPECT_EQ(backoff.RetryAfterMs("key0", kT0), 0);  // the oldest forgotten
  // Keys quiet for forget_after_ms are dropped as new ones arrive.
  FailureBackoff quiet({.free_failures = 0, .first_delay_ms = kSecond, .forget_after_ms = kMinute},
                       100);
  for (int i = 0; i < 10; ++i) quiet.RecordFailure("old" + std::to_string(i), kT0);
  for (int i = 0; i < 10; ++i) quiet.RecordFailure("new" + std::to_string(i), kT0 + kMinute);
  EXPECT_EQ(quiet.key_count(), 10u);
}

}  // namespace
}  // namespace parley::auth
