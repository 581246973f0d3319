// HubSlice: the online devices that live on one I/O thread, and the fan-out of an event to
// them. chat::Hub keeps one slice per I/O thread; a device attaches to the slice of the thread
// it runs on.
//
// Not thread-safe, by design: every call runs on the slice's own thread (the hub posts there),
// so the delivery path takes no lock and hands each device its frame directly
// (Peer::DeliverHere), with no post per recipient.
// The slice holds peers weakly: a peer that has gone away is skipped (its Detach follows).
// Peers may detach, close or attach while the slice delivers: the recipients of an event are
// collected before the first frame is handed over.
#ifndef PARLEY_CHAT_FANOUT_HUB_SLICE_H_
#define PARLEY_CHAT_FANOUT_HUB_SLICE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <unordered_map>
#include <vector>

#include "chat/fanout/events.h"
#include "chat/fanout/peer.h"

namespace parley::chat {

// What a slice knows of one user of an audience: no device here, devices here that are all
// away, or at least one device here that is not. The order matters: the hub merges the
// slices' answers with max().
enum class SliceReach : uint8_t { kOffline = 0, kAway = 1, kPresent = 2 };

class HubSlice {
 public:
  void Attach(int64_t user_id, int64_t device_id, const std::shared_ptr<Peer>& peer);
  // True when `peer` was attached here (and is not anymore).
  bool Detach(int64_t user_id, const Peer* peer);

  // Looks up this slice's devices of `users` (the skipped one included, in `reach` only) and
  // returns them; when `reach` is not empty (one entry per user, kOffline) it is filled in.
  std::vector<std::shared_ptr<Peer>> Find(std::span<const int64_t> users, const Peer* skip,
                                          std::span<SliceReach> reach) const;
  // Encodes `event` once per protocol among `peers` and hands each peer its frame.
  static void Deliver(const std::vector<std::shared_ptr<Peer>>& peers, const Event& event);

  // The peers of `user_id` whose device is (`matching`) or is not `device_id`.
  std::vector<std::shared_ptr<Peer>> Collect(int64_t user_id, int64_t device_id, bool matching);
  std::vector<std::shared_ptr<Peer>> CollectAll();

 private:
  struct Entry {
    int64_t device_id;
    std::weak_ptr<Peer> peer;
    const Peer* key;  // identity for Detach; never dereferenced
  };
  std::unordered_map<int64_t, std::vector<Entry>> peers_by_user_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_HUB_SLICE_H_
