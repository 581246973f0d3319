// RedisBus against real redis-servers (tests/support/redis_server.h): delivery, order, binary
// payloads, outages and restarts, bounds, prompt Stop. Also measures throughput once.
#include "cluster/redis_bus.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cluster/bus_test_support.h"
#include "tests/support/redis_server.h"
#include "tests/support/sanitizer_slack.h"

namespace parley::cluster {
namespace {

using namespace bus_test;  // NOLINT: the bus tests' helpers
using testing_support::RedisServer;

// Payloads with every byte value, NULs and CR LF (and for `a` the empty one), each sender's
// distinct from the other's.
std::vector<std::string> BinaryPayloads(char tag) {
  std::vector<std::string> payloads = {std::string(1, tag), std::string("\0\0\0", 3) + tag,
                                       std::string("\r\n$3\r\n") + tag};
  if (tag == 'a') payloads.push_back("");  // one empty payload, of one sender
  std::string all(256, '\0');
  for (int i = 0; i < 256; ++i) all[i] = static_cast<char>(i);
  payloads.push_back(all + tag);
  return payloads;
}

TEST(RedisBusTest, TwoBusesHearEachOtherAndThemselvesInOrder) {
  std::string error;
  RedisServer* server = RedisServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  const RedisBusOptions options = OptionsFor(server->Url());
  Inbox inbox_a, inbox_b;
  Result<std::unique_ptr<RedisBus>> a = StartBus(options, inbox_a);
  ASSERT_TRUE(a.ok()) << a.status().message();
  Result<std::unique_ptr<RedisBus>> b = StartBus(options, inbox_b);
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_TRUE(inbox_a.WaitForConnects(1));
  ASSERT_TRUE(inbox_b.WaitForConnects(1));
  EXPECT_TRUE((*a)->connected());

  const std::vector<std::string> from_a = BinaryPayloads('a');
  const std::vector<std::string> from_b = BinaryPayloads('b');
  for (const std::string& payload : from_a) EXPECT_TRUE((*a)->Publish(payload));
  for (const std::string& payload : from_b) EXPECT_TRUE((*b)->Publish(payload));
  const size_t total = from_a.size() + from_b.size();
  for (Inbox* inbox : {&inbox_a, &inbox_b}) {
    ASSERT_TRUE(inbox->WaitForMessages(total));
    // Each sender's messages in its order; which sender first is Redis's business.
    std::vector<std::string> got_a, got_b;
    for (const std::string& message : inbox->messages()) {
      const bool of_a = std::find(from_a.begin(), from_a.end(), message) != from_a.end();
      (of_a ? got_a : got_b).push_back(message);
    }
    EXPECT_EQ(got_a, from_a);
    EXPECT_EQ(got_b, from_b);
  }
  EXPECT_TRUE(Eventually([&] { return (*a)->stats().published == from_a.size(); }));
  const RedisBus::Stats stats = (*a)->stats();
  EXPECT_EQ(stats.dropped, 0u);
  EXPECT_EQ(stats.received, total);
  EXPECT_EQ(stats.reconnects, 0u);
}

TEST(RedisBusTest, TenThousandMessagesArriveInOrder) {
  std::string error;
  RedisServer* server = RedisServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  const RedisBusOptions options = OptionsFor(server->Url());
  Inbox inbox_a, inbox_b;
  Result<std::unique_ptr<RedisBus>> a = StartBus(options, inbox_a);
  ASSERT_TRUE(a.ok()) << a.status().message();
  Result<std::unique_ptr<RedisBus>> b = StartBus(options, inbox_b);
  ASSERT_TRUE(b.ok()) << b.status().message();
  constexpr int kCount = 10000;
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE((*a)->Publish("message " + std::to_string(i)));
  ASSERT_TRUE(inbox_b.WaitForMessages(kCount));
  const std::vector<std::string> got = inbox_b.messages();
  ASSERT_EQ(got.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) ASSERT_EQ(got[i], "message " + std::to_string(i));
  EXPECT_TRUE(Eventually([&] { return (*a)->stats().published == kCount; }));
  EXPECT_EQ((*b)->stats().received, static_cast<uint64_t>(kCount));
}

TEST(RedisBusTest, BothBusesReconnectAfterARedisRestart) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  RedisBusOptions options = OptionsFor((*server)->Url());
  options.max_backoff = milliseconds(100);
  Inbox inbox_a, inbox_b;
  Result<std::unique_ptr<RedisBus>> a = StartBus(options, inbox_a);
  ASSERT_TRUE(a.ok()) << a.status().message();
  Result<std::unique_ptr<RedisBus>> b = StartBus(options, inbox_b);
  ASSERT_TRUE(b.ok()) << b.status().message();
  ASSERT_TRUE(inbox_a.WaitForConnects(1));
  ASSERT_TRUE(inbox_b.WaitForConnects(1));

  (*server)->Stop();
  ASSERT_TRUE(Eventually([&] { return !(*a)->connected() && !(*b)->connected(); }));
  // Until its publisher notices, a bus queues what is published; then it refuses at once.
  // Either way all is dropped and counted.
  uint64_t offered = 0;
  ASSERT_TRUE(Eventually([&] { return ++offered, !(*a)->Publish("lost"); }));
  EXPECT_TRUE(Eventually([&] { return (*a)->stats().dropped == offered; }));

  ASSERT_TRUE((*server)->Start().ok());
  ASSERT_TRUE(inbox_a.WaitForConnects(2));
  ASSERT_TRUE(inbox_b.WaitForConnects(2));
  // Each connection reconnects once: the publisher and the subscriber.
  ASSERT_TRUE(Eventually([&] { return (*a)->stats().reconnects == 2; }));
  ASSERT_TRUE(Eventually([&] { return (*b)->stats().reconnects == 2; }));
  EXPECT_TRUE((*a)->connected());
  EXPECT_TRUE((*b)->connected());
  EXPECT_TRUE((*a)->Publish("after"));
  EXPECT_TRUE((*b)->Publish("after b"));
  ASSERT_TRUE(inbox_a.WaitForMessages(2));
  ASSERT_TRUE(inbox_b.WaitForMessages(2));
  for (Inbox* inbox : {&inbox_a, &inbox_b}) {
    const std::vector<std::string> got = inbox->messages();
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()),
              (std::set<std::string>{"after", "after b"}));
  }
  EXPECT_EQ((*a)->stats().reconnects, 2u);
  EXPECT_EQ((*b)->stats().reconnects, 2u);
  EXPECT_EQ((*a)->stats().dropped, offered);
  EXPECT_EQ(inbox_a.connects(), 2);
}

TEST(RedisBusTest, StartFailsAtOnceWhenRedisIsUnreachableOrRefusesThePassword) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch({.password = "right-one"});
  ASSERT_TRUE(server.ok()) << server.status().message();
  Inbox inbox;
  const std::string port = std::to_string((*server)->port());
  Result<std::unique_ptr<RedisBus>> wrong =
      StartBus(OptionsFor("redis://:hunter2@127.0.0.1:" + port), inbox);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Code::kUnauthenticated) << wrong.status().message();
  EXPECT_EQ(wrong.status().message().find("hunter2"), std::string::npos);
  Result<std::unique_ptr<RedisBus>> none = StartBus(OptionsFor("redis://127.0.0.1:" + port), inbox);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), Code::kUnauthenticated) << none.status().message();
  Result<std::unique_ptr<RedisBus>> right = StartBus(OptionsFor((*server)->Url()), inbox);
  ASSERT_TRUE(right.ok()) << right.status().message();
  right->reset();

  (*server)->Stop();
  const Clock::time_point start = Clock::now();
  Result<std::unique_ptr<RedisBus>> closed = StartBus(OptionsFor((*server)->Url()), inbox);
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.status().code(), Code::kUnavailable) << closed.status().message();
  EXPECT_LT(Clock::now() - start, milliseconds(500));
  EXPECT_EQ(inbox.connects(), 1);  // the right one's only
}

TEST(RedisBusTest, StopIsPromptWhileRedisIsDownOrSilent) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  RedisBusOptions options = OptionsFor((*server)->Url());
  options.connect_timeout = milliseconds(10000);
  options.max_backoff = milliseconds(5000);
  Inbox inbox;

  // Down: the threads are between reconnection attempts.
  Result<std::unique_ptr<RedisBus>> bus = StartBus(options, inbox);
  ASSERT_TRUE(bus.ok()) << bus.status().message();
  (*server)->Stop();
  ASSERT_TRUE(Eventually([&] { return !(*bus)->connected(); }));
  Clock::time_point start = Clock::now();
  (*bus)->Stop();
  EXPECT_LT(Clock::now() - start, milliseconds(300));
  (*bus)->Stop();  // idempotent
  EXPECT_FALSE((*bus)->Publish("after stop"));

  // Silent: the publisher waits for PUBLISH replies, the subscriber for messages.
  ASSERT_TRUE((*server)->Start().ok());
  bus = StartBus(options, inbox);
  ASSERT_TRUE(bus.ok()) << bus.status().message();
  (*server)->Pause();
  EXPECT_TRUE((*bus)->Publish("never answered"));
  start = Clock::now();
  bus->reset();  // the destructor stops
  EXPECT_LT(Clock::now() - start, milliseconds(300));
  (*server)->Resume();
}


long ResidentKiB() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(RedisBusTest, QueueIsBoundedWhileRedisDoesNotAnswer) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  RedisBusOptions options = OptionsFor((*server)->Url());
  options.max_queue_bytes = 1 << 20;
  options.connect_timeout = milliseconds(20000);  // the publisher stays connected, waiting
  Inbox inbox;
  Result<std::unique_ptr<RedisBus>> bus = StartBus(options, inbox);
  ASSERT_TRUE(bus.ok()) << bus.status().message();
  EXPECT_FALSE((*bus)->Publish(std::string(options.max_queue_bytes, 'x')));  // never fits

  (*server)->Pause();
  const long before = ResidentKiB();
  constexpr size_t kSize = 1000;
  constexpr int kCount = 100000;  // 100 MB offered
  int accepted = 0;
  for (int i = 0; i < kCount; ++i) accepted += (*bus)->Publish(std::string(kSize, 'p')) ? 1 : 0;
  const long growth_kib = ResidentKiB() - before;
  // Each counts its size and 64 bytes; the batch being written counts too.
  EXPECT_GT(accepted, 0);
  EXPECT_LE(static_cast<size_t>(accepted), options.max_queue_bytes / (kSize + 64));
  EXPECT_EQ((*bus)->stats().dropped, static_cast<uint64_t>(1 + kCount - accepted));
  EXPECT_LT(growth_kib, (16 << 10) + kSanitizerSlackMiB * 1024)
      << "resident memory grew by " << growth_kib << " KiB";
  (*server)->Resume();
  EXPECT_TRUE(
      Eventually([&] { return (*bus)->stats().published == static_cast<uint64_t>(accepted); }));
}

TEST(RedisBusTest, FourMebibytePayloadPasses) {
  std::string error;
  RedisServer* server = RedisServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  const RedisBusOptions options = OptionsFor(server->Url());
  Inbox inbox_a, inbox_b;
  Result<std::unique_ptr<RedisBus>> a = StartBus(options, inbox_a);
  ASSERT_TRUE(a.ok()) << a.status().message();
  Result<std::unique_ptr<RedisBus>> b = StartBus(options, inbox_b);
  ASSERT_TRUE(b.ok()) << b.status().message();
  std::string payload(4 << 20, '\0');
  std::mt19937 random(17);
  for (char& c : payload) c = static_cast<char>(random());
  ASSERT_TRUE((*a)->Publish(payload));
  ASSERT_TRUE((*a)->Publish("small after"));
  ASSERT_TRUE(inbox_b.WaitForMessages(2));
  const std::vector<std::string> got = inbox_b.messages();
  EXPECT_TRUE(got[0] == payload);  // not EXPECT_EQ: no 4 MiB of diff on failure
  EXPECT_EQ(got[1], "small after");
}

// ---- Throughput, printed once ----------------------------------------------------------------

// CPU seconds (user + system) of this process's threads named `name`.
double ThreadCpuSeconds(const std::string& name, std::set<std::string>* ids) {
  double seconds = 0;
  DIR* tasks = opendir("/proc/self/task");
  if (tasks == nullptr) return -1;
  while (dirent* entry = readdir(tasks)) {
    const std::string id = entry->d_name;
    if (id == "." || id == ".." || (!ids->empty() && !ids->contains(id))) continue;
    std::ifstream comm("/proc/self/task/" + id + "/comm");
    std::string thread_name;
    std::getline(comm, thread_name);
    if (thread_name != name) continue;
    ids->insert(id);
    std::ifstream stat("/proc/self/task/" + id + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Fields after the ")" that ends the name: state is 3rd, utime 14th, stime 15th.
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    unsigned long long user = 0, system = 0;
    for (int i = 3; fields >> field; ++i) {
      if (i == 14) user = std::stoull(field);
      if (i == 15) system = std::stoull(field);
    }
    seconds += static_cast<double>(user + system) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  closedir(tasks);
  return seconds;
}

TEST(RedisBusTest, ThroughputOfSmallMessages) {
  std::string error;
  RedisServer* server = RedisServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  const RedisBusOptions options = OptionsFor(server->Url());
  Inbox inbox_a, inbox_b;
  Result<std::unique_ptr<RedisBus>> a = StartBus(options, inbox_a);
  ASSERT_TRUE(a.ok()) << a.status().message();
  std::set<std::string> publisher_of_a;  // the only "redis-publish" thread so far
  double cpu_before = 0;
  ASSERT_TRUE(Eventually([&] {  // the thread names itself when it starts
    cpu_before = ThreadCpuSeconds("redis-publish", &publisher_of_a);
    return publisher_of_a.size() == 1;
  }));
  Result<std::unique_ptr<RedisBus>> b = StartBus(options, inbox_b);
  ASSERT_TRUE(b.ok()) << b.status().message();

  constexpr int kCount = 200000;
  const std::string payload(100, 'm');
  const Clock::time_point start = Clock::now();
  for (int i = 0; i < kCount; ++i) ASSERT_TRUE((*a)->Publish(payload));
  ASSERT_TRUE(inbox_b.WaitForMessages(kCount, std::chrono::seconds(120)));
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const double cpu = ThreadCpuSeconds("redis-publish", &publisher_of_a) - cpu_before;
  std::printf(
      "redis bus: %d messages of 100 bytes, one bus to another: %.0f messages/s, "
      "%.2f us of publisher-thread CPU per message\n",
      kCount, kCount / seconds, cpu * 1e6 / kCount);
  EXPECT_EQ((*a)->stats().dropped, 0u);
}

}  // namespace
}  // namespace parley::cluster
