// PresenceTracker: the status of a user from their devices, and exactly one report per change.
#include "chat/fanout/presence.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

namespace parley::chat {
namespace {

using Change = std::pair<int64_t, PresenceStatus>;

class PresenceTest : public ::testing::Test {
 protected:
  std::vector<Change> changes_;
  PresenceTracker tracker_{
      [this](int64_t user, PresenceStatus s) { changes_.emplace_back(user, s); }};
};

TEST_F(PresenceTest, OnlineWhileAnyDeviceIsNotAway) {
  tracker_.DeviceConnected(1);
  tracker_.DeviceConnected(1);  // a second device: no change
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOnline);
  tracker_.DeviceAway(1, true);  // one of two away: still online
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOnline);
  tracker_.DeviceAway(1, true);  // both away
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kAway);
  tracker_.DeviceAway(1, false);
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOnline);
  tracker_.DeviceDisconnected(1, /*was_away=*/false);  // the away one remains
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kAway);
  tracker_.DeviceDisconnected(1, /*was_away=*/true);
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOffline);
  EXPECT_EQ(changes_, (std::vector<Change>{{1, PresenceStatus::kOnline},
                                           {1, PresenceStatus::kAway},
                                           {1, PresenceStatus::kOnline},
                                           {1, PresenceStatus::kAway},
                                           {1, PresenceStatus::kOffline}}));
}

TEST_F(PresenceTest, UsersAreIndependentAndUnknownUsersAreOffline) {
  tracker_.DeviceConnected(1);
  tracker_.DeviceConnected(2);
  tracker_.DeviceDisconnected(1, false);
  EXPECT_EQ(tracker_.StatusOf(1), PresenceStatus::kOffline);
  EXPECT_EQ(tracker_.StatusOf(2), PresenceStatus::kOnline);
  EXPECT_EQ(tracker_.StatusOf(3), PresenceStatus::kOffline);
  EXPECT_EQ(changes_, (std::vector<Change>{{1, PresenceStatus::kOnline},
                                           {2, PresenceStatus::kOnline},
                                           {1, PresenceStatus::kOffline}}));
}

}  // namespace
}  // namespace parley::chat
