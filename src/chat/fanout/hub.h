// Hub: the registry of online devices on this node, and the fan-out of the domain's events to
// them (the EventSink the domain publishes to). An event is encoded once per protocol present
// among its recipients (each peer carries its protocol's encoder), and that one frame is shared
// by every recipient device of the protocol.
//
// Thread-safe (one mutex, held only to look peers up; events are encoded and frames queued to
// the peers after it is released, so a fan-out to thousands of devices does not hold it).
// The hub holds peers weakly: a peer that has gone away is skipped and pruned. Peers attach
// after authenticating and detach when they close.
#ifndef PARLEY_CHAT_FANOUT_HUB_H_
#define PARLEY_CHAT_FANOUT_HUB_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "chat/fanout/event_sink.h"
#include "chat/fanout/peer.h"

namespace parley::chat {

class Hub : public EventSink {
 public:
  // Attaches `peer` unless the user already has `max_per_user` peers attached (then false).
  bool Attach(int64_t user_id, int64_t device_id, const std::shared_ptr<Peer>& peer,
              size_t max_per_user = SIZE_MAX);
  void Detach(int64_t user_id, const Peer* peer);

  // EventSink. Publish encodes on the calling thread, outside the lock. A peer's Deliver must
  // not publish (it only queues; WsSession posts to its strand).
  Reach Publish(const Audience& audience, Event event) override;
  void Reply(const std::weak_ptr<Peer>& device, Event event) override;

  // Closes the peers of one device, or of every device of the user but `keep_device_id`.
  void CloseDevice(int64_t user_id, int64_t device_id, CloseReason reason);
  void CloseOtherDevices(int64_t user_id, int64_t keep_device_id, CloseReason reason);
  // Closes every attached peer (server shutdown).
  void CloseAll(CloseReason reason);

  size_t online_peer_count() const;

 private:
  struct Entry {
    int64_t device_id;
    std::weak_ptr<Peer> peer;
    const Peer* key;  // identity for Detach; never dereferenced
  };
  std::vector<std::shared_ptr<Peer>> Collect(int64_t user_id, int64_t device_id, bool matching);

  mutable std::mutex mutex_;
  std::unordered_map<int64_t, std::vector<Entry>> peers_by_user_;  // guarded by mutex_
  size_t peer_count_ = 0;                                          // guarded by mutex_
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_HUB_H_
