// RedisEntries under PendingTable against a real redis-server: an entry put on one node is
// taken once on any node, peeked without being used, ends in Redis when it ends; long and
// hostile keys stay apart and small; a malformed stored value is absent; while Redis is down
// each node keeps its own entries, and after a restart sharing resumes.
#include "cluster/redis_entries.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/pending_table.h"
#include "cluster/redis_connection.h"
#include "cluster/redis_pool.h"
#include "tests/cluster/redis_support.h"
#include "tests/support/redis_server.h"

namespace parley::cluster {
namespace {

using testing_support::RedisServer;

void EncodeText(const std::string& value, WireWriter& out) { out.Bytes(value); }
std::string DecodeText(WireReader& in) { return std::string(in.Bytes(1024)); }

// One node's way to Redis and its table "test.pending" over it.
struct Node {
  Node(const RedisPoolOptions& options, std::string prefix)
      : pool(options), entries(pool, std::move(prefix)), table(100) {
    table.Share(&entries, "test.pending", &EncodeText, &DecodeText);
  }
  RedisPool pool;
  RedisEntries entries;
  PendingTable<std::string> table;
};

TEST(RedisEntriesTest, AnEntryPutOnOneNodeIsTakenOnceOnAny) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  Node node_a(OptionsFor(server->Url()), "once");
  Node node_b(OptionsFor(server->Url()), "once");
  const int64_t now = NowMillis();
  node_a.table.Put("k", "challenge", now, now + 60'000);
  EXPECT_EQ(node_b.table.Peek("k", now), "challenge");
  EXPECT_EQ(node_a.table.Peek("k", now), "challenge");  // a peek uses nothing
  EXPECT_EQ(node_b.table.Take("k", now), "challenge");
  EXPECT_EQ(node_a.table.Take("k", now), std::nullopt);
  EXPECT_EQ(node_b.table.Take("k", now), std::nullopt);
  // Put again replaces.
  node_a.table.Put("k", "first", now, now + 60'000);
  node_b.table.Put("k", "second", now, now + 60'000);
  EXPECT_EQ(node_a.table.Take("k", now), "second");
  EXPECT_EQ(node_a.pool.stats().fallbacks + node_b.pool.stats().fallbacks, 0u);
}

TEST(RedisEntriesTest, ConcurrentTakesOnTwoNodesGetAnEntryOnce) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  RedisPoolOptions options = OptionsFor(server->Url());
  options.timeout = std::chrono::seconds(2);  // a loaded machine: no fallback in this test
  Node node_a(options, "race");
  Node node_b(options, "race");
  const int64_t now = NowMillis();
  constexpr int kEntries = 50;
  for (int i = 0; i < kEntries; ++i) {
    node_a.table.Put("k" + std::to_string(i), "v", now, now + 60'000);
  }
  std::atomic<int> taken{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEntries; ++i) {
        if ((t % 2 == 0 ? node_a : node_b).table.Take("k" + std::to_string(i), now)) ++taken;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(taken.load(), kEntries);
}

TEST(RedisEntriesTest, AnEntryEndsInRedisWhenItEnds) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  Node node(OptionsFor((*server)->Url()), "expiry");
  const int64_t now = NowMillis();
  node.table.Put("long", "v", now, now + 60'000);
  node.table.Put("short", "v", now, now + 300);
  node.table.Put("over", "v", now, now);  // over already: nothing stored
  std::unique_ptr<RedisConnection> look = Inspect((*server)->Url());
  ASSERT_NE(look, nullptr);
  const int64_t ttl = IntegerReply(*look, {"PTTL", node.entries.RedisKey("test.pending", "long")});
  EXPECT_GT(ttl, 50'000);
  EXPECT_LE(ttl, 60'000);
  EXPECT_EQ(IntegerReply(*look, {"EXISTS", node.entries.RedisKey("test.pending", "over")}), 0);
  // The entry's own end holds at the caller's time, whatever Redis's clock says.
  EXPECT_EQ(node.table.Peek("long", now + 60'000), std::nullopt);
  EXPECT_TRUE(WaitFor([&] { return IntegerReply(*look, {"DBSIZE"}) == 1; }));  // "short" gone
  EXPECT_EQ(node.table.Take("short", now), std::nullopt);
}

TEST(RedisEntriesTest, LongAndHostileKeysStayApartAndSmall) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  Node node(OptionsFor(server->Url()), "hostile");
  const std::string huge(100 * 1024, 'x');
  std::string huge_too = huge;
  huge_too.back() = 'y';
  const std::string binary("a\0\r\n\xff:*", 7);
  const int64_t now = NowMillis();
  node.table.Put(huge, "huge", now, now + 60'000);
  node.table.Put(huge_too, "huge too", now, now + 60'000);
  node.table.Put(binary, "binary", now, now + 60'000);
  EXPECT_EQ(node.table.Take(huge_too, now), "huge too");
  EXPECT_EQ(node.table.Take(huge, now), "huge");
  EXPECT_EQ(node.table.Take(binary, now), "binary");
  EXPECT_LT(node.entries.RedisKey("test.pending", huge).size(), 100u);
  EXPECT_EQ(node.pool.stats().fallbacks, 0u);
}

TEST(RedisEntriesTest, AMalformedStoredValueIsAbsent) {
  RedisServer* server = SharedServer();
  ASSERT_NE(server, nullptr);
  Node node(OptionsFor(server->Url()), "malformed");
  std::unique_ptr<RedisConnection> look = Inspect(server->Url());
  ASSERT_NE(look, nullptr);
  const std::string key = node.entries.RedisKey("test.pending", "k");
  const int64_t now = NowMillis();
  for (const std::string& bytes :
       {std::string(), std::string("\x01", 1), std::string("garbage that is no entry"),
        std::string(200, '\xff')}) {
    ASSERT_TRUE(look->Command({"SET", key, bytes, "PX", "60000"}).ok());
    EXPECT_EQ(node.table.Peek("k", now), std::nullopt);
    EXPECT_EQ(node.table.Take("k", now), std::nullopt);
  }
  // A hash where a string belongs: Redis refuses GET (WRONGTYPE); the node answers alone.
  ASSERT_TRUE(look->Command({"DEL", key}).ok());
  ASSERT_TRUE(look->Command({"HSET", key, "f", "v"}).ok());
  EXPECT_EQ(node.table.Take("k", now), std::nullopt);
}

TEST(RedisEntriesTest, WhileRedisIsDownEachNodeKeepsItsOwnThenSharingResumes) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  RedisPoolOptions options = OptionsFor((*server)->Url());
  options.timeout = std::chrono::milliseconds(200);
  options.retry_after = std::chrono::milliseconds(50);
  Node node_a(options, "outage");
  Node node_b(options, "outage");
  const int64_t now = NowMillis();
  node_a.table.Put("before", "v", now, now + 60'000);

  (*server)->Stop();
  node_a.table.Put("during", "kept by a", now, now + 60'000);
  EXPECT_EQ(node_a.table.Peek("during", now), "kept by a");  // a sticky client still gets in
  EXPECT_EQ(node_b.table.Peek("during", now), std::nullopt);
  EXPECT_EQ(node_b.table.Take("before", now), std::nullopt);  // in Redis, out of reach
  EXPECT_FALSE(node_a.pool.stats().up);
  EXPECT_EQ(node_a.pool.stats().outages, 1u);

  // A restarted Redis is empty (no persistence in tests): what it held is gone, what the
  // node kept meanwhile is still found there, once.
  ASSERT_TRUE((*server)->Start().ok());
  ASSERT_TRUE(WaitFor([&] {
    node_a.table.Peek("probe", now);
    node_b.table.Peek("probe", now);
    return node_a.pool.stats().up && node_b.pool.stats().up;
  }));
  EXPECT_EQ(node_a.table.Take("during", now), "kept by a");
  EXPECT_EQ(node_a.table.Take("during", now), std::nullopt);
  node_b.table.Put("after", "shared again", now, now + 60'000);
  EXPECT_EQ(node_a.table.Take("after", now), "shared again");
}

}  // namespace
}  // namespace parley::cluster
