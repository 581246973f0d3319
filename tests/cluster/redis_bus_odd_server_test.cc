// RedisBus against a scripted odd server (fake_redis.h): odd replies make it reconnect, never
// crash, and a server that refuses what it accepted is not hammered.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cluster/redis_bus.h"
#include "tests/cluster/bus_test_support.h"
#include "tests/cluster/fake_redis.h"

namespace parley::cluster {
namespace {

using namespace bus_test;  // NOLINT: the bus tests' helpers
using testing_support::FakeRedis;

// A Redis that speaks well enough for a bus: PING (as a subscriber too), PUBLISH, SUBSCRIBE;
// `after_subscribe` is sent right after the SUBSCRIBE confirmation. Runs on FakeRedis's thread.
class ScriptedBus {
 public:
  std::string Answer(int connection, const std::vector<std::string>& command,
                     const std::string& after_subscribe = "") {
    using FB = FakeRedis;
    if (command.empty()) return "-ERR empty\r\n";
    if (command[0] == "PING") {
      return subscribed_.contains(connection) ? FB::Array({FB::Bulk("pong"), FB::Bulk("")})
                                              : "+PONG\r\n";
    }
    if (command[0] == "PUBLISH") return ":1\r\n";
    if (command[0] == "SUBSCRIBE" && command.size() == 2) {
      subscribed_.insert(connection);
      return FB::Array({FB::Bulk("subscribe"), FB::Bulk(command[1]), ":1\r\n"}) + after_subscribe;
    }
    return "-ERR unknown\r\n";
  }

 private:
  std::set<int> subscribed_;
};

TEST(RedisBusTest, OddRepliesOnTheSubscriptionMakeItReconnect) {
  using FB = FakeRedis;
  const std::string odd[] = {
      ":7\r\n",
      "+OK\r\n",
      FB::Array({FB::Bulk("message"), FB::Bulk("another:channel"), FB::Bulk("x")}),
      FB::Array({FB::Bulk("message"), FB::Bulk("test:OddRepliesOnTheSubscriptionMakeItReconnect"),
                 ":5\r\n"}),
      FB::Array({FB::Bulk("message"), FB::Bulk("x")}),
      FB::Array({FB::Bulk("pmessage"), FB::Bulk("a"), FB::Bulk("b"), FB::Bulk("c")}),
      "*100000\r\n",
      "-ERR odd\r\n",
      "!garbage\r\n",
  };
  for (const std::string& reply : odd) {
    SCOPED_TRACE(reply);
    ScriptedBus script;
    // Connection 0 is the publisher, 1 the first subscriber.
    FakeRedis fake([&](int connection, const std::vector<std::string>& command) {
      return script.Answer(connection, command, connection == 1 ? reply : "");
    });
    ASSERT_NE(fake.port(), 0);
    Inbox inbox;
    Result<std::unique_ptr<RedisBus>> bus = StartBus(OptionsFor(fake.Url()), inbox);
    ASSERT_TRUE(bus.ok()) << bus.status().message();
    ASSERT_TRUE(inbox.WaitForConnects(2));
    EXPECT_EQ((*bus)->stats().reconnects, 1u);
    EXPECT_EQ((*bus)->stats().received, 0u);
    EXPECT_TRUE(inbox.messages().empty());
  }
}

TEST(RedisBusTest, OddRepliesToPublishMakeItReconnect) {
  ScriptedBus script;
  FakeRedis fake([&](int connection, const std::vector<std::string>& command) {
    if (connection == 0 && !command.empty() && command[0] == "PUBLISH")
      return std::string("+QUEUED\r\n");
    return script.Answer(connection, command);
  });
  ASSERT_NE(fake.port(), 0);
  Inbox inbox;
  Result<std::unique_ptr<RedisBus>> bus = StartBus(OptionsFor(fake.Url()), inbox);
  ASSERT_TRUE(bus.ok()) << bus.status().message();
  EXPECT_TRUE((*bus)->Publish("first"));
  ASSERT_TRUE(Eventually([&] { return (*bus)->stats().dropped == 1; }));
  ASSERT_TRUE(Eventually([&] { return (*bus)->stats().reconnects == 1 && (*bus)->connected(); }));
  EXPECT_TRUE((*bus)->Publish("second"));
  EXPECT_TRUE(Eventually([&] { return (*bus)->stats().published == 1; }));
}

// Redis accepts the connection and refuses every PUBLISH (an ACL, say): the publisher keeps
// backing off instead of reconnecting every 20 ms.
TEST(RedisBusTest, AServerThatRefusesEveryPublishIsNotHammered) {
  ScriptedBus script;
  std::atomic<int> connections = 0;
  FakeRedis fake([&](int connection, const std::vector<std::string>& command) {
    connections = std::max(connections.load(), connection + 1);
    if (!command.empty() && command[0] == "PUBLISH") return std::string("-NOPERM no\r\n");
    return script.Answer(connection, command);
  });
  ASSERT_NE(fake.port(), 0);
  Inbox inbox;
  Result<std::unique_ptr<RedisBus>> bus = StartBus(OptionsFor(fake.Url()), inbox);
  ASSERT_TRUE(bus.ok()) << bus.status().message();
  // Offered every 5 ms for 1.5 s: backing off from 20 ms to 1 s, that is about 7 publisher
  // connections; a delay reset on every connection would make about 60.
  int offered = 0;
  for (const Clock::time_point end = Clock::now() + milliseconds(1500); Clock::now() < end;) {
    (*bus)->Publish("x");
    ++offered;
    std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_GE(connections.load(), 4);  // the subscriber, and the publisher tried again
  EXPECT_LE(connections.load(), 12);
  (*bus)->Stop();
  EXPECT_EQ((*bus)->stats().dropped, static_cast<uint64_t>(offered));
  EXPECT_EQ((*bus)->stats().published, 0u);
  EXPECT_EQ(inbox.connects(), 1);
}

TEST(RedisBusTest, StartRefusesAnOddSubscribeConfirmation) {
  ScriptedBus script;
  FakeRedis fake([&](int connection, const std::vector<std::string>& command) {
    if (!command.empty() && command[0] == "SUBSCRIBE") {
      return FakeRedis::Array({FakeRedis::Bulk("subscribe"), FakeRedis::Bulk("other"), ":1\r\n"});
    }
    return script.Answer(connection, command);
  });
  ASSERT_NE(fake.port(), 0);
  Inbox inbox;
  Result<std::unique_ptr<RedisBus>> bus = StartBus(OptionsFor(fake.Url()), inbox);
  ASSERT_FALSE(bus.ok());
  EXPECT_EQ(bus.status().code(), Code::kUnavailable);
}
}  // namespace
}  // namespace parley::cluster
