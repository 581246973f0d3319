#include "chat/fanout/presence.h"

namespace parley::chat {

PresenceStatus Combine(PresenceStatus a, PresenceStatus b) {
  if (a == PresenceStatus::kOnline || b == PresenceStatus::kOnline) return PresenceStatus::kOnline;
  if (a == PresenceStatus::kAway || b == PresenceStatus::kAway) return PresenceStatus::kAway;
  return PresenceStatus::kOffline;
}

void PresenceTracker::JoinCluster(const PresenceElsewhere* elsewhere, OnChange on_local_change) {
  std::lock_guard lock(mutex_);
  elsewhere_ = elsewhere;
  on_local_change_ = std::move(on_local_change);
}

PresenceStatus PresenceTracker::StatusOf(const Devices& devices) {
  if (devices.connected == 0) return PresenceStatus::kOffline;
  return devices.away == devices.connected ? PresenceStatus::kAway : PresenceStatus::kOnline;
}

PresenceStatus PresenceTracker::LocalStatusOf(int64_t user_id) const {
  auto it = users_.find(user_id);
  return it == users_.end() ? PresenceStatus::kOffline : StatusOf(it->second);
}

PresenceStatus PresenceTracker::Elsewhere(int64_t user_id) const {
  return elsewhere_ == nullptr ? PresenceStatus::kOffline : elsewhere_->StatusElsewhere(user_id);
}

void PresenceTracker::Settle(int64_t user_id, PresenceStatus now) {
  auto it = combined_.find(user_id);
  const PresenceStatus before = it == combined_.end() ? PresenceStatus::kOffline : it->second;
  if (now == before) return;
  if (now == PresenceStatus::kOffline) {
    combined_.erase(it);
  } else {
    combined_[user_id] = now;
  }
  if (on_change_) on_change_(user_id, now);
}

template <typename Fn>
void PresenceTracker::Update(int64_t user_id, Fn&& change) {
  std::lock_guard lock(mutex_);
  Devices& devices = users_[user_id];
  const PresenceStatus before = StatusOf(devices);
  change(devices);
  const PresenceStatus after = StatusOf(devices);
  if (devices.connected == 0) users_.erase(user_id);
  if (after == before) return;
  if (on_local_change_) on_local_change_(user_id, after);
  Settle(user_id, Combine(after, Elsewhere(user_id)));
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

void PresenceTracker::ElsewhereChanged(int64_t user_id) {
  std::lock_guard lock(mutex_);
  Settle(user_id, Combine(LocalStatusOf(user_id), Elsewhere(user_id)));
}

PresenceStatus PresenceTracker::StatusOf(int64_t user_id) const {
  std::lock_guard lock(mutex_);
  auto it = combined_.find(user_id);
  return it == combined_.end() ? PresenceStatus::kOffline : it->second;
}

std::vector<std::pair<int64_t, PresenceStatus>> PresenceTracker::LocalStatuses() const {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<int64_t, PresenceStatus>> statuses;
  statuses.reserve(users_.size());
  for (const auto& [user_id, devices] : users_) statuses.emplace_back(user_id, StatusOf(devices));
  return statuses;
}

}  // namespace parley::chat
