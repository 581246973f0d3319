// PresenceTracker: which users are online, away or offline on this node, from their connected
// devices. A user is online while any connected device is not away, away while every connected
// device is, offline when none is connected. Presence is never stored as history.
//
// Thread-safe (one mutex, held briefly). Each change reports the user's status afterwards only
// if it changed (else nullopt), and calls `on_change` under the lock, so the changes of one
// user reach it in the order they happened.
#ifndef PARLEY_CHAT_FANOUT_PRESENCE_H_
#define PARLEY_CHAT_FANOUT_PRESENCE_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace parley::chat {

enum class PresenceStatus { kOffline, kOnline, kAway };

struct PresenceInfo {
  PresenceStatus status = PresenceStatus::kOffline;
  int64_t last_seen_at = 0;  // when the user was last online (now while online); 0: never
  friend bool operator==(const PresenceInfo&, const PresenceInfo&) = default;
};

class PresenceTracker {
 public:
  using OnChange = std::function<void(int64_t user_id, PresenceStatus status)>;
  explicit PresenceTracker(OnChange on_change) : on_change_(std::move(on_change)) {}

  void DeviceConnected(int64_t user_id);
  // `was_away`: the device had said it was away.
  void DeviceDisconnected(int64_t user_id, bool was_away);
  // A connected device switched between away and online (the caller passes real switches only).
  void DeviceAway(int64_t user_id, bool away);

  PresenceStatus StatusOf(int64_t user_id) const;

 private:
  struct Devices {
    int connected = 0;
    int away = 0;
  };
  static PresenceStatus StatusOf(const Devices& devices);
  // Applies `change` to the user's counts and reports a status change.
  template <typename Fn>
  void Update(int64_t user_id, Fn&& change);

  const OnChange on_change_;
  mutable std::mutex mutex_;
  std::unordered_map<int64_t, Devices> users_;  // guarded by mutex_; connected users only
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_PRESENCE_H_
