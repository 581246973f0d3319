// What the bus tests share: an Inbox for one bus's callbacks, options on a per-test channel,
// and waiting on conditions. Header-only, for tests/cluster's bus tests.
#ifndef PARLEY_TESTS_CLUSTER_BUS_TEST_SUPPORT_H_
#define PARLEY_TESTS_CLUSTER_BUS_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cluster/redis_bus.h"

namespace parley::cluster::bus_test {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

inline constexpr auto kWait = std::chrono::seconds(30);

// What one bus's callbacks saw; waits on conditions, never sleeps.
class Inbox {
 public:
  void Add(std::string_view payload) {
    std::lock_guard lock(mu_);
    messages_.emplace_back(payload);
    changed_.notify_all();
  }
  void Connected() {
    std::lock_guard lock(mu_);
    ++connects_;
    changed_.notify_all();
  }
  bool WaitForMessages(size_t count, Clock::duration timeout = kWait) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  }
  bool WaitForConnects(int count) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, kWait, [&] { return connects_ >= count; });
  }
  std::vector<std::string> messages() const {
    std::lock_guard lock(mu_);
    return messages_;
  }
  int connects() const {
    std::lock_guard lock(mu_);
    return connects_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> messages_;
  int connects_ = 0;
};

inline RedisBusOptions OptionsFor(const std::string& url) {
  RedisBusOptions options;
  Result<RedisAddress> address = ParseRedisAddress(url);
  EXPECT_TRUE(address.ok()) << address.status().message();
  if (address.ok()) options.address = *address;
  options.channel =
      "test:" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name());
  return options;
}

inline Result<std::unique_ptr<RedisBus>> StartBus(const RedisBusOptions& options, Inbox& inbox) {
  return RedisBus::Start(
      options, [&inbox](std::string_view payload) { inbox.Add(payload); },
      [&inbox] { inbox.Connected(); });
}

// Polls `condition` (state of other threads that offers no notification) until it holds.
template <typename Condition>
bool Eventually(Condition condition, Clock::duration timeout = kWait) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

}  // namespace parley::cluster::bus_test

#endif  // PARLEY_TESTS_CLUSTER_BUS_TEST_SUPPORT_H_
