// Hub: the registry of online devices on this node, and the fan-out of the domain's events to
// them (the EventSink the domain publishes to).
//
// The hub is cut into slices, one per I/O thread (chat/fanout/hub_slice.h): a device attaches to, and
// detaches from, the slice of the thread it runs on, on that thread. Publish (on the writer's
// or a worker's thread) only hands the event, shared and immutable, to every slice with ONE
// post per slice; each slice then, on its own thread, finds its devices of the audience,
// encodes the event once per protocol among them and hands each device the shared frame
// directly (Peer::DeliverHere). No lock is taken on that path; the slices' answers meet in a
// counter, and the last slice to look its devices up merges them into the Reach.
//
// Thread-safety: Publish, Reply, the Close calls and online_peer_count from any thread; Attach
// and Detach only on the thread of the slice named. UseSlices before any of them.
// A hub without UseSlices has one slice that runs everything inline on the calling thread
// (tests and tools that publish and attach from one thread).
// The hub holds peers weakly: a peer that has gone away is skipped and pruned.
#ifndef PARLEY_CHAT_FANOUT_HUB_H_
#define PARLEY_CHAT_FANOUT_HUB_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "chat/fanout/event_sink.h"
#include "chat/fanout/hub_slice.h"
#include "chat/fanout/peer.h"

namespace parley::chat {

// Runs `task` on one slice's thread, later, in the order tasks were posted. Thread-safe and
// never blocks. (net/ posts to the slice's io_context.)
using SlicePoster = std::function<void(std::function<void()> task)>;

class Hub : public EventSink {
 public:
  Hub();
  // One slice per poster. Call once, before any peer attaches or anything is published; the
  // posters must accept tasks as long as anything publishes.
  void UseSlices(std::vector<SlicePoster> posters);
  size_t slice_count() const { return slices_.size(); }

  // Attaches `peer` to `slice` unless the user already has `max_per_user` peers attached, in
  // any slice (then false). On the slice's thread only.
  bool Attach(size_t slice, int64_t user_id, int64_t device_id, const std::shared_ptr<Peer>& peer,
              size_t max_per_user = SIZE_MAX);
  void Detach(size_t slice, int64_t user_id, const Peer* peer);

  // EventSink. Publish copies the audience and posts once per slice; nothing is encoded on the
  // calling thread. A peer's DeliverHere must not publish.
  using EventSink::Publish;
  void Publish(const Audience& audience, Event event, ReachHandler on_reach) override;
  // Encodes on the calling thread and hands the frame to Peer::Deliver (posted to its thread).
  void Reply(const std::weak_ptr<Peer>& device, Event event) override;

  // Closes the peers of one device, or of every device of the user but `keep_device_id`, or
  // every peer (server shutdown): each slice closes its own, on its thread, after the tasks
  // posted to it before.
  void CloseDevice(int64_t user_id, int64_t device_id, CloseReason reason);
  void CloseOtherDevices(int64_t user_id, int64_t keep_device_id, CloseReason reason);
  void CloseAll(CloseReason reason);

  size_t online_peer_count() const { return peer_count_.load(std::memory_order_relaxed); }

 private:
  struct Slice {
    HubSlice registry;  // touched only on the slice's thread
    SlicePoster post;
  };
  struct Fanout;
  void RunFanout(const std::shared_ptr<Fanout>& fanout, size_t slice);
  // Posts `task` to every slice, to run there on its registry.
  void OnEverySlice(std::function<void(HubSlice&)> task);

  std::vector<std::unique_ptr<Slice>> slices_;  // fixed once UseSlices returned

  // Only the per-user session cap needs a view across slices: Attach and Detach, never a
  // delivery, take this lock.
  std::mutex sessions_mutex_;
  std::unordered_map<int64_t, size_t> sessions_per_user_;  // guarded by sessions_mutex_
  std::atomic<size_t> peer_count_{0};
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_HUB_H_
