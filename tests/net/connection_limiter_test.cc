// ConnectionLimiter (global and per-address caps, IPv6 by /64), the bounded WorkPool and
// PerUserLimit: the counting the abuse limits of docs/security.md rest on.
#include "net/connection_limiter.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <optional>
#include <string>
#include <vector>

#include "net/per_user_limit.h"
#include "net/work_pool.h"

namespace parley::net {
namespace {

boost::asio::ip::address Address(const std::string& text) {
  return boost::asio::ip::make_address(text);
}

TEST(ConnectionLimiterTest, CapsEachAddressAndGivesSlotsBack) {
  ConnectionLimiter limiter(100, 2);
  auto first = limiter.TryAdmit(Address("192.0.2.1"));
  auto second = limiter.TryAdmit(Address("192.0.2.1"));
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(limiter.TryAdmit(Address("192.0.2.1")));
  // The same host over IPv4-mapped IPv6 is the same address.
  EXPECT_FALSE(limiter.TryAdmit(Address("::ffff:192.0.2.1")));
  EXPECT_TRUE(limiter.TryAdmit(Address("192.0.2.2")));  // destroyed at once: given back
  first.reset();
  EXPECT_TRUE(limiter.TryAdmit(Address("192.0.2.1")));
}

TEST(ConnectionLimiterTest, OneIpv6Slash64IsOneAddress) {
  ConnectionLimiter limiter(100, 2);
  auto first = limiter.TryAdmit(Address("2001:db8:1:2::1"));
  auto second = limiter.TryAdmit(Address("2001:db8:1:2:ffff:ffff:ffff:ffff"));
  ASSERT_TRUE(first && second);
  EXPECT_FALSE(limiter.TryAdmit(Address("2001:db8:1:2:abcd::9")));
  EXPECT_TRUE(limiter.TryAdmit(Address("2001:db8:1:3::1")));  // the next /64
}

TEST(ConnectionLimiterTest, ATrustedProxyCountsOnlyTowardTheGlobalCap) {
  auto proxies = ParseCidr("10.1.0.0/16");
  ASSERT_TRUE(proxies.ok());
  ConnectionLimiter limiter(4, 1, {*proxies});
  std::vector<ConnectionLimiter::Slot> open;
  for (int i = 0; i < 3; ++i) {  // three clients behind one proxy address
    auto slot = limiter.TryAdmit(Address("10.1.2.3"));
    ASSERT_TRUE(slot) << i;
    open.push_back(std::move(*slot));
  }
  auto direct = limiter.TryAdmit(Address("192.0.2.1"));
  ASSERT_TRUE(direct);
  EXPECT_FALSE(limiter.TryAdmit(Address("10.1.2.3")));  // the global cap still holds
  open.clear();
  EXPECT_FALSE(limiter.TryAdmit(Address("192.0.2.1")));  // a direct client keeps its own cap
  EXPECT_TRUE(limiter.TryAdmit(Address("10.1.2.3")));
}

TEST(ConnectionLimiterTest, CapsAllConnections) {
  ConnectionLimiter limiter(3, 100);
  std::vector<ConnectionLimiter::Slot> open;
  for (const char* address : {"10.0.0.1", "10.0.0.2", "2001:db8::1"}) {
    auto slot = limiter.TryAdmit(Address(address));
    ASSERT_TRUE(slot) << address;
    open.push_back(std::move(*slot));
  }
  EXPECT_FALSE(limiter.TryAdmit(Address("10.0.0.4")));
  open.pop_back();
  EXPECT_TRUE(limiter.TryAdmit(Address("10.0.0.4")));
}

TEST(ConnectionLimiterTest, FitsTheCapToTheDescriptorLimit) {
  EXPECT_EQ(FitToDescriptorLimit(10), 10u);  // any process has room for ten
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max == RLIM_INFINITY) GTEST_SKIP() << "no hard open-files limit";
  EXPECT_LT(FitToDescriptorLimit(static_cast<size_t>(limit.rlim_max)),
            static_cast<size_t>(limit.rlim_max));
}

TEST(WorkPoolTest, HoldsThreadsPlusWaitingJobsAtMost) {
  WorkPool pool(1, 2);
  std::vector<WorkPool::Ticket> held;
  for (int i = 0; i < 3; ++i) {
    auto ticket = pool.TryReserve();
    ASSERT_TRUE(ticket) << i;
    held.push_back(std::move(*ticket));
  }
  EXPECT_FALSE(pool.TryReserve());
  held.pop_back();
  EXPECT_TRUE(pool.TryReserve());
  pool.Join();
}

TEST(PerUserLimitTest, CountsEachUserApart) {
  PerUserLimit limit(1);
  auto alice = limit.TryEnter(1);
  ASSERT_TRUE(alice);
  EXPECT_FALSE(limit.TryEnter(1));
  EXPECT_TRUE(limit.TryEnter(2));
  alice.reset();
  EXPECT_TRUE(limit.TryEnter(1));
}

}  // namespace
}  // namespace parley::net
