#include "chat/fanout/presence.h"

namespace parley::chat {

PresenceStatus PresenceTracker::StatusOf(const Devices& devices) {
  if (devices.connected == 0) return PresenceStatus::kOffline;
  return devices.away == devices.connected ? PresenceStatus::kAway : PresenceStatus::kOnline;
}

template <typename Fn>
void PresenceTracker::Update(int64_t user_id, Fn&& change) {
  std::lock_guard lock(mutex_);
  Devices& devices = users_[user_id];
  const PresenceStatus before = StatusOf(devices);
  change(devices);
  const PresenceStatus after = StatusOf(devices);
  if (devices.connected == 0) users_.erase(user_id);
  if (after != before && on_change_) on_change_(user_id, after);
}

void PresenceTracker::DeviceConnected(int64_t user_id) {
  Update(user_id, [](Devices& d) { ++d.connected; });
}

void PresenceTracker::DeviceDisconnected(int64_t user_id, bool was_away) {
  Update(user_id, [was_away](Devices& d) {
    if (d.connected > 0) --d.connected;
    if (was_away && d.away > 0) --d.away;
  });
}

void PresenceTracker::DeviceAway(int64_t user_id, bool away) {
  Update(user_id, [away](Devices& d) {
    if (away && d.away < d.connected) ++d.away;
    if (!away && d.away > 0) --d.away;
  });
}

PresenceStatus PresenceTracker::StatusOf(int64_t user_id) const {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  return it == users_.end() ? PresenceStatus::kOffline : StatusOf(it->second);
}

}  // namespace parley::chat
