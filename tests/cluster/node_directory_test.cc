// NodeDirectory with a PresenceTracker: presence combined over the nodes of a cluster, gaps in a
// node's counter, and nodes that go silent.
#include "cluster/node_directory.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "chat/fanout/presence.h"

namespace parley::cluster {
namespace {

using chat::PresenceStatus;
using Change = std::pair<int64_t, PresenceStatus>;
using Clock = NodeDirectory::Clock;
using std::chrono::milliseconds;

class NodeDirectoryTest : public ::testing::Test {
 protected:
  NodeDirectoryTest() {
    tracker_.JoinCluster(&directory_,
                         [this](int64_t user, PresenceStatus s) { local_.emplace_back(user, s); });
  }
  // Applies a report from `node` and settles the users it touched, as ClusterNode does.
  void Report(uint64_t node, NodeDirectory::UserStatuses users, bool snapshot = false) {
    for (int64_t user : directory_.ApplyPresence(node, users, snapshot)) {
      tracker_.ElsewhereChanged(user);
    }
  }

  const Clock::time_point t0_ = Clock::now();
  NodeDirectory directory_{milliseconds(5000)};
  std::vector<Change> combined_;  // what this node's devices are told
  std::vector<Change> local_;     // what this node tells the others
  chat::PresenceTracker tracker_{
      [this](int64_t user, PresenceStatus s) { combined_.emplace_back(user, s); }};
};

TEST_F(NodeDirectoryTest, CountersShowNewNodesAndGaps) {
  EXPECT_TRUE(directory_.Observe(7, 1, t0_));  // new: ask for its snapshot
  EXPECT_FALSE(directory_.Observe(7, 2, t0_));
  EXPECT_FALSE(directory_.Observe(7, 3, t0_));
  EXPECT_TRUE(directory_.Observe(7, 5, t0_));  // 4 was missed
  EXPECT_FALSE(directory_.Observe(7, 6, t0_));
  EXPECT_TRUE(directory_.Observe(7, 1, t0_));   // a counter going back is a gap too
  EXPECT_TRUE(directory_.Observe(8, 40, t0_));  // another node
  EXPECT_EQ(directory_.node_count(), 2u);
}

TEST_F(NodeDirectoryTest, OnlineAnywhereIsOnlineAndOnlyCombinedChangesAreTold) {
  directory_.Observe(7, 1, t0_);
  directory_.Observe(8, 1, t0_);
  Report(7, {{1, PresenceStatus::kAway}});
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kAway);
  Report(8, {{1, PresenceStatus::kOnline}});
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOnline);
  tracker_.DeviceConnected(1);  // online here too: no combined change, a local one
  Report(8, {{1, PresenceStatus::kOffline}});
  tracker_.DeviceDisconnected(1, false);  // still away on node 7
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kAway);
  Report(7, {{1, PresenceStatus::kOffline}});
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOffline);
  EXPECT_EQ(combined_, (std::vector<Change>{{1, PresenceStatus::kAway},
                                            {1, PresenceStatus::kOnline},
                                            {1, PresenceStatus::kAway},
                                            {1, PresenceStatus::kOffline}}));
  EXPECT_EQ(local_,
            (std::vector<Change>{{1, PresenceStatus::kOnline}, {1, PresenceStatus::kOffline}}));
}

TEST_F(NodeDirectoryTest, ASnapshotReplacesEverythingTheNodeSaidBefore) {
  directory_.Observe(7, 1, t0_);
  Report(7, {{1, PresenceStatus::kOnline}, {2, PresenceStatus::kOnline}});
  Report(7, {{2, PresenceStatus::kAway}, {3, PresenceStatus::kOnline}}, /*snapshot=*/true);
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOffline);  // not in the snapshot: gone
  EXPECT_EQ(tracker_.StatusOf(2), PresenceStatus::kAway);
  EXPECT_EQ(tracker_.StatusOf(3), PresenceStatus::kOnline);
  Report(7, {}, /*snapshot=*/true);
  for (int64_t user : {1, 2, 3}) EXPECT_EQ(tracker_.StatusOf(user), PresenceStatus::kOffline);
}

TEST_F(NodeDirectoryTest, ASilentNodeIsForgottenWithItsUsers) {
  directory_.Observe(7, 1, t0_);
  directory_.Observe(8, 1, t0_);
  Report(7, {{1, PresenceStatus::kOnline}});
  Report(8, {{2, PresenceStatus::kOnline}});
  directory_.Observe(8, 2, t0_ + milliseconds(4000));  // node 8 still speaks; 7 was killed
  for (int64_t user : directory_.Expire(t0_ + milliseconds(5000))) tracker_.ElsewhereChanged(user);
  EXPECT_EQ(directory_.node_count(), 1u);
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOffline);
  EXPECT_EQ(tracker_.StatusOf(2), PresenceStatus::kOnline);
  // A report from a node forgotten meanwhile changes nothing until it is heard again.
  Report(7, {{1, PresenceStatus::kOnline}});
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOffline);
  EXPECT_TRUE(directory_.Observe(7, 2, t0_ + milliseconds(6000)));  // back: new, ask
}

TEST_F(NodeDirectoryTest, UsersOnlineElsewhereCountAsReachedForPush) {
  chat::Reach local{{1}, {2, 3, 4}, {1}};  // 1 away here; 2, 3, 4 not connected here
  EXPECT_EQ(directory_.WithElsewhere(local).unreached, (std::vector<int64_t>{2, 3, 4}));
  directory_.Observe(7, 1, t0_);
  Report(7,
         {{1, PresenceStatus::kOnline}, {2, PresenceStatus::kOnline}, {3, PresenceStatus::kAway}});
  const chat::Reach reach = directory_.WithElsewhere(local);
  EXPECT_EQ(reach.reached, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(reach.unreached, (std::vector<int64_t>{4}));
  EXPECT_EQ(reach.away, (std::vector<int64_t>{3}));  // 1 is online on node 7: not away
}

TEST_F(NodeDirectoryTest, LocalSnapshotListsThisNodesDevicesOnly) {
  directory_.Observe(7, 1, t0_);
  Report(7, {{9, PresenceStatus::kOnline}});
  tracker_.DeviceConnected(1);
  tracker_.DeviceConnected(2);
  tracker_.DeviceAway(2, true);
  auto statuses = tracker_.LocalStatuses();
  std::sort(statuses.begin(), statuses.end());
  EXPECT_EQ(statuses, (NodeDirectory::UserStatuses{{1, PresenceStatus::kOnline},
                                                   {2, PresenceStatus::kAway}}));
}

}  // namespace
}  // namespace parley::cluster
