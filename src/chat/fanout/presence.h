// PresenceTracker: which users are online, away or offline, from their connected devices. A user
// is online while any connected device is not away, away while every connected device is, offline
// when none is connected. Presence is never stored as history.
//
// On one node the devices are this node's. In a cluster (cluster/cluster_node.h) the tracker also
// asks what the other nodes report (PresenceElsewhere) and combines: online anywhere is online,
// else away anywhere is away, else offline. Two listeners hear of changes:
// - on_change: the combined status changed (every node tells its own devices; nothing about
//   presence crosses nodes but the nodes' own statuses);
// - on_local_change (cluster only): this node's own status of the user changed, for the others.
//
// Thread-safe (one mutex, held briefly). Each change reports the user's status afterwards only
// if it changed, and the listeners run under the lock, so the changes of one user reach them in
// the order they happened. Lock order: this tracker, then the PresenceElsewhere it asks.
#ifndef PARLEY_CHAT_FANOUT_PRESENCE_H_
#define PARLEY_CHAT_FANOUT_PRESENCE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace parley::chat {

enum class PresenceStatus { kOffline, kOnline, kAway };

struct PresenceInfo {
  PresenceStatus status = PresenceStatus::kOffline;
  int64_t last_seen_at = 0;  // when the user was last online (now while online); 0: never
  friend bool operator==(const PresenceInfo&, const PresenceInfo&) = default;
};

// The status of `a` and `b` together: online if either is, else away if either is, else offline.
PresenceStatus Combine(PresenceStatus a, PresenceStatus b);

// What the other nodes of a cluster say of a user, combined. Thread-safe; must not call back
// into the tracker.
class PresenceElsewhere {
 public:
  virtual ~PresenceElsewhere() = default;
  virtual PresenceStatus StatusElsewhere(int64_t user_id) const = 0;
};

class PresenceTracker {
 public:
  using OnChange = std::function<void(int64_t user_id, PresenceStatus status)>;
  explicit PresenceTracker(OnChange on_change) : on_change_(std::move(on_change)) {}

  // Joins a cluster: `elsewhere` (outlives the tracker) is asked, and `on_local_change` told of
  // this node's own changes. Before any device connects.
  void JoinCluster(const PresenceElsewhere* elsewhere, OnChange on_local_change);

  void DeviceConnected(int64_t user_id);
  // `was_away`: the device had said it was away.
  void DeviceDisconnected(int64_t user_id, bool was_away);
  // A connected device switched between away and online (the caller passes real switches only).
  void DeviceAway(int64_t user_id, bool away);
  // What other nodes say of the user may have changed: reports the combined change, if any.
  void ElsewhereChanged(int64_t user_id);

  // The combined status.
  PresenceStatus StatusOf(int64_t user_id) const;
  // This node's own status of every user connected here (for a cluster's snapshot).
  std::vector<std::pair<int64_t, PresenceStatus>> LocalStatuses() const;

 private:
  struct Devices {
    int connected = 0;
    int away = 0;
  };
  static PresenceStatus StatusOf(const Devices& devices);
  PresenceStatus LocalStatusOf(int64_t user_id) const;  // under mutex_
  PresenceStatus Elsewhere(int64_t user_id) const;      // under mutex_
  // Applies `change` to the user's counts and reports the changes.
  template <typename Fn>
  void Update(int64_t user_id, Fn&& change);
  // Records the combined status `now` and reports it if it changed. Under mutex_.
  void Settle(int64_t user_id, PresenceStatus now);

  const OnChange on_change_;
  const PresenceElsewhere* elsewhere_ = nullptr;  // set before use
  OnChange on_local_change_;
  mutable std::mutex mutex_;
  std::unordered_map<int64_t, Devices> users_;  // guarded by mutex_; connected users only
  // The last combined status reported, for users not offline. Guarded by mutex_.
  std::unordered_map<int64_t, PresenceStatus> combined_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_PRESENCE_H_
