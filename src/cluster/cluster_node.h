// ClusterNode: this parleyd's part in a cluster of nodes that share one PostgreSQL database and
// one Redis pub/sub channel (docs/architecture.md, "Several nodes: the bus").
//
// It is the EventSink the domain publishes to (in front of the node's own chat::Hub):
// - every event but presence goes to the local hub AND, encoded once (cluster/bus_message.h), on
//   the bus, where every other node hands it to its own hub: a message sent on node A reaches the
//   recipient's devices on node B at once. A node skips its own messages coming back;
// - the Reach (who was online, for push) counts users online on other nodes as reached, so push
//   tells only who is offline everywhere;
// - presence: the node reports its own statuses (chat::PresenceTracker's local changes) and keeps
//   the other nodes' (cluster/node_directory.h); each node tells its own devices when a combined
//   status changes, so PresenceChanged never crosses the bus;
// - CloseDevice / CloseOtherDevices (a revoked device, a password change) close the device's
//   sessions on every node.
// A heartbeat every `heartbeat_interval` keeps the node known; a node silent for `node_timeout`
// is forgotten with its users' statuses. A missed message of another node (a counter gap, or a
// reconnect to Redis) makes this node ask for that node's presence snapshot. Missed EVENTS are
// not resent: the store has every message, and devices fetch what a live seq gap shows them
// (docs/protocol.md); the bus carries nothing that is not also in the store but presence, typing
// and session closes.
//
// Thread-safety: Publish, Reply and the Close calls from any thread; bus messages are handled on
// the bus's subscriber thread. Start once; Stop (or the destructor)
// before the hub and the tracker go.
#ifndef PARLEY_CLUSTER_CLUSTER_NODE_H_
#define PARLEY_CLUSTER_CLUSTER_NODE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>

#include "base/status.h"
#include "chat/fanout/event_sink.h"
#include "chat/fanout/hub.h"
#include "chat/fanout/presence.h"
#include "cluster/bus_message.h"
#include "cluster/node_directory.h"
#include "cluster/redis_bus.h"

namespace parley::cluster {

struct ClusterOptions {
  RedisBusOptions bus;
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds node_timeout{5000};  // several heartbeats
};

class ClusterNode : public chat::EventSink {
 public:
  // `hub` must outlive the node.
  ClusterNode(chat::Hub& hub, ClusterOptions options);
  ~ClusterNode() override;
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  // Joins `presence` (outlives the node), connects to Redis and announces this node. After the
  // hub's UseSlices (other nodes' events go to the hub from here on), before devices connect.
  // kUnavailable (or the bus's error) when Redis cannot be reached: a node told to join a
  // cluster does not start alone. Events published before Start reach this node's hub only.
  Status Start(chat::PresenceTracker& presence);
  void Stop();

  using EventSink::Publish;
  void Publish(const chat::Audience& audience, chat::Event event,
               chat::ReachHandler on_reach) override;
  void Reply(const std::weak_ptr<chat::Peer>& device, chat::Event event) override {
    hub_.Reply(device, std::move(event));
  }
  void CloseDevice(int64_t user_id, int64_t device_id, chat::CloseReason reason);
  void CloseOtherDevices(int64_t user_id, int64_t keep_device_id, chat::CloseReason reason);

  uint64_t node_id() const { return node_id_; }
  struct Stats {
    RedisBus::Stats bus;
    uint64_t gaps = 0;       // other nodes' messages found missed (snapshots asked for)
    uint64_t malformed = 0;  // bus messages that did not decode (dropped)
    uint64_t oversized = 0;  // messages of ours too large for the bus (not sent)
    size_t nodes = 0;        // other nodes known alive
    bool connected = false;
  };
  Stats stats() const;

 private:
  // Stamps `body` with this node's next counter and publishes it.
  void Send(BusBody body);
  // Publishes encode(header with this node's next counter); the counter moves only if sent.
  template <typename EncodeFn>
  void SendEncoded(EncodeFn&& encode);
  void SendSnapshot();
  void OnBusMessage(std::string_view payload);
  void OnBusConnected();
  void Settle(const std::vector<int64_t>& users);
  void Beat();

  chat::Hub& hub_;
  chat::PresenceTracker* presence_ = nullptr;  // set by Start
  const ClusterOptions options_;
  const uint64_t node_id_;  // random per start: a restarted node is a new node
  NodeDirectory directory_;
  std::unique_ptr<RedisBus> bus_;

  std::mutex send_mutex_;  // counter order = bus order
  uint64_t next_seq_ = 1;  // guarded by send_mutex_
  std::atomic<uint64_t> gaps_{0};
  std::atomic<uint64_t> malformed_{0};
  std::atomic<uint64_t> oversized_{0};

  std::mutex beat_mutex_;
  std::condition_variable beat_wake_;
  bool stopping_ = false;  // guarded by beat_mutex_
  std::thread beat_thread_;
};

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_CLUSTER_NODE_H_
