// PendingTable: entries are taken once, expire, stay bounded; shared, they go through the store
// as bytes (what comes back malformed is absent), and the node's own table serves while the
// store does not answer. The store here is an in-memory stand-in; cluster/redis_entries_test.cc
// runs the same over a real Redis.
#include "base/pending_table.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace parley {
namespace {

constexpr int64_t kNow = 1'780'000'000'000;

struct Pending {
  int64_t user_id = 0;
  std::string device;
};

void EncodePending(const Pending& value, WireWriter& out) {
  out.SignedVarint(value.user_id);
  out.Bytes(value.device);
}

Pending DecodePending(WireReader& in) {
  Pending value;
  value.user_id = in.SignedVarint();
  value.device = std::string(in.Bytes(64));
  return value;
}

// SharedEntries in a map; `down` makes every call fail as an unreachable store does.
class MapEntries final : public SharedEntries {
 public:
  bool Put(std::string_view name, std::string_view key, std::string_view value, int64_t now,
           int64_t expires_at) override {
    if (down) return false;
    if (expires_at > now) entries[{std::string(name), std::string(key)}] = std::string(value);
    return true;
  }
  std::optional<std::string> Take(std::string_view name, std::string_view key,
                                  int64_t /*now*/) override {
    if (down) return std::nullopt;
    auto found = entries.find({std::string(name), std::string(key)});
    if (found == entries.end()) return std::nullopt;
    std::string value = std::move(found->second);
    entries.erase(found);
    return value;
  }
  std::optional<std::string> Peek(std::string_view name, std::string_view key,
                                  int64_t /*now*/) override {
    if (down) return std::nullopt;
    auto found = entries.find({std::string(name), std::string(key)});
    if (found == entries.end()) return std::nullopt;
    return found->second;
  }

  bool down = false;
  std::map<std::tuple<std::string, std::string>, std::string> entries;
};

TEST(PendingTableTest, AnEntryIsTakenOnceUntilItExpires) {
  PendingTable<Pending> table(16);
  table.Put("a", {1, "phone"}, kNow, kNow + 1000);
  table.Put("b", {2, "laptop"}, kNow, kNow + 1000);
  ASSERT_TRUE(table.Peek("a", kNow + 999).has_value());
  EXPECT_EQ(table.Peek("a", kNow + 999)->device, "phone");
  EXPECT_EQ(table.Take("a", kNow + 999)->user_id, 1);
  EXPECT_FALSE(table.Take("a", kNow + 999).has_value());   // used
  EXPECT_FALSE(table.Peek("b", kNow + 1000).has_value());  // expired
  EXPECT_FALSE(table.Take("b", kNow + 1000).has_value());
}

TEST(PendingTableTest, TheTableIsBoundedOldestFirst) {
  PendingTable<Pending> table(2);
  table.Put("a", {1, ""}, kNow, kNow + 1000);
  table.Put("b", {2, ""}, kNow, kNow + 1000);
  table.Put("c", {3, ""}, kNow, kNow + 1000);
  EXPECT_FALSE(table.Take("a", kNow).has_value());
  EXPECT_TRUE(table.Take("b", kNow).has_value());
  EXPECT_TRUE(table.Take("c", kNow).has_value());
}

TEST(PendingTableTest, SharedTablesOfTwoNodesSeeOneEntry) {
  MapEntries store;
  PendingTable<Pending> node_a(16);
  PendingTable<Pending> node_b(16);
  node_a.Share(&store, "test.pending", &EncodePending, &DecodePending);
  node_b.Share(&store, "test.pending", &EncodePending, &DecodePending);
  node_a.Put("k", {7, "phone"}, kNow, kNow + 1000);
  ASSERT_EQ(store.entries.size(), 1u);
  EXPECT_EQ(node_b.Peek("k", kNow)->device, "phone");
  std::optional<Pending> taken = node_b.Take("k", kNow + 1);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->user_id, 7);
  EXPECT_FALSE(node_a.Take("k", kNow + 1).has_value());  // once, across the nodes
  // The entry's end travels with it: the store's own expiry is not needed for exactness.
  node_a.Put("late", {8, ""}, kNow, kNow + 1000);
  EXPECT_FALSE(node_b.Take("late", kNow + 1000).has_value());
}

TEST(PendingTableTest, MalformedStoredValuesAreAbsent) {
  MapEntries store;
  PendingTable<Pending> table(16);
  table.Share(&store, "test.pending", &EncodePending, &DecodePending);
  table.Put("k", {7, "phone"}, kNow, kNow + 1000);
  const std::string good = store.entries.begin()->second;
  const std::vector<std::string> bad = {
      "",                                                               // nothing
      good.substr(0, good.size() - 1),                                  // truncated
      good + "x",                                                       // bytes left over
      std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 11),  // a varint too long
      good.substr(0, good.size() - 6) + std::string("\x7f", 1),         // a length past the end
  };
  for (const std::string& bytes : bad) {
    store.entries[{"test.pending", "k"}] = bytes;
    EXPECT_FALSE(table.Peek("k", kNow).has_value()) << testing::PrintToString(bytes);
    EXPECT_FALSE(table.Take("k", kNow).has_value()) << testing::PrintToString(bytes);
  }
}

TEST(PendingTableTest, WhileTheStoreIsDownTheNodeKeepsItsOwn) {
  MapEntries store;
  PendingTable<Pending> node_a(16);
  PendingTable<Pending> node_b(16);
  node_a.Share(&store, "test.pending", &EncodePending, &DecodePending);
  node_b.Share(&store, "test.pending", &EncodePending, &DecodePending);
  node_a.Put("before", {1, ""}, kNow, kNow + 1000);
  store.down = true;
  node_a.Put("during", {2, ""}, kNow, kNow + 1000);
  EXPECT_TRUE(store.entries.count({"test.pending", "during"}) == 0);
  EXPECT_FALSE(node_b.Peek("during", kNow).has_value());  // per node meanwhile
  EXPECT_EQ(node_a.Peek("during", kNow)->user_id, 2);
  EXPECT_FALSE(node_a.Take("before", kNow).has_value());  // in the store, out of reach
  store.down = false;
  // Back: the store's entries and the ones kept meanwhile are both found, each once.
  EXPECT_EQ(node_a.Take("during", kNow)->user_id, 2);
  EXPECT_FALSE(node_a.Take("during", kNow).has_value());
  EXPECT_EQ(node_b.Take("before", kNow)->user_id, 1);
}

}  // namespace
}  // namespace parley
