#include "cluster/cluster_node.h"

#include <cstring>
#include <string>
#include <variant>

#include "base/log.h"
#include "base/random_hex.h"

namespace parley::cluster {
namespace {

uint64_t RandomNodeId() {
  const std::string bytes = RandomBytes(sizeof(uint64_t));
  uint64_t id = 0;
  std::memcpy(&id, bytes.data(), sizeof id);
  return id == 0 ? 1 : id;  // 0 means "every node" in a SnapshotRequest
}

}  // namespace

ClusterNode::ClusterNode(chat::Hub& hub, ClusterOptions options)
    : hub_(hub),
      options_(std::move(options)),
      node_id_(RandomNodeId()),
      directory_(options_.node_timeout) {}

ClusterNode::~ClusterNode() { Stop(); }

Status ClusterNode::Start(chat::PresenceTracker& presence) {
  presence_ = &presence;
  presence_->JoinCluster(&directory_, [this](int64_t user_id, chat::PresenceStatus status) {
    Send(bus::PresenceReport{{{user_id, status}}, false});
  });
  auto bus = RedisBus::Start(
      options_.bus, [this](std::string_view payload) { OnBusMessage(payload); },
      [this] { OnBusConnected(); });
  if (!bus.ok()) return bus.status();
  {
    std::lock_guard lock(send_mutex_);
    bus_ = std::move(*bus);
  }
  OnBusConnected();  // announces this node (the bus's own call may have come before bus_ was set)
  beat_thread_ = std::thread([this] { Beat(); });
  Log(LogLevel::kInfo, "cluster_joined", {{"node", std::to_string(node_id_)}});
  return Status::Ok();
}

void ClusterNode::Stop() {
  {
    std::lock_guard lock(beat_mutex_);
    stopping_ = true;
  }
  beat_wake_.notify_all();
  if (beat_thread_.joinable()) beat_thread_.join();
  if (bus_) bus_->Stop();
}

void ClusterNode::Send(BusBody body) {
  SendEncoded([&body](const BusHeader& header) {
    return Encode(BusMessage{header, std::move(body)});
  });
}

template <typename EncodeFn>
void ClusterNode::SendEncoded(EncodeFn&& encode) {
  std::lock_guard lock(send_mutex_);
  if (!bus_) return;  // not started: presence reports before Start have nobody to reach
  std::string bytes = encode(BusHeader{node_id_, next_seq_});
  if (bytes.size() > kMaxBusMessageBytes) {
    // Past what any node decodes (a snapshot of millions of users): the others keep what they
    // have; nothing is lost that the store holds.
    oversized_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  ++next_seq_;
  (void)bus_->Publish(std::move(bytes));
}

void ClusterNode::SendSnapshot() { Send(bus::PresenceReport{presence_->LocalStatuses(), true}); }

void ClusterNode::Publish(const chat::Audience& audience, chat::Event event,
                          chat::ReachHandler on_reach) {
  if (!std::holds_alternative<chat::events::PresenceChanged>(event) &&
      audience.users.size() <= kMaxAudience) {
    SendEncoded(
        [&](const BusHeader& header) { return EncodePublished(header, audience.users, event); });
  }
  if (!on_reach) {
    hub_.Publish(audience, std::move(event));
    return;
  }
  hub_.Publish(audience, std::move(event),
               [this, on_reach = std::move(on_reach)](chat::Reach reach) {
                 on_reach(directory_.WithElsewhere(std::move(reach)));
               });
}

void ClusterNode::CloseDevice(int64_t user_id, int64_t device_id, chat::CloseReason reason) {
  hub_.CloseDevice(user_id, device_id, reason);
  Send(bus::CloseDevice{user_id, device_id, reason});
}

void ClusterNode::CloseOtherDevices(int64_t user_id, int64_t keep_device_id,
                                    chat::CloseReason reason) {
  hub_.CloseOtherDevices(user_id, keep_device_id, reason);
  Send(bus::CloseOtherDevices{user_id, keep_device_id, reason});
}

void ClusterNode::Settle(const std::vector<int64_t>& users) {
  for (int64_t user_id : users) presence_->ElsewhereChanged(user_id);
}

void ClusterNode::OnBusMessage(std::string_view payload) {
  auto message = Decode(payload);
  if (!message.ok()) {
    malformed_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const uint64_t from = message->header.node_id;
  if (from == node_id_) return;  // our own, back from Redis
  // After a gap, what we hold of the node's presence may be stale, unless this is its snapshot.
  const auto* report = std::get_if<bus::PresenceReport>(&message->body);
  if (directory_.Observe(from, message->header.seq, NodeDirectory::Clock::now()) &&
      !(report != nullptr && report->snapshot)) {
    gaps_.fetch_add(1, std::memory_order_relaxed);
    Send(bus::SnapshotRequest{from});
  }
  std::visit(
      [&](auto& body) {
        using Body = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<Body, bus::Published>) {
          hub_.Publish(chat::Audience{body.audience}, std::move(body.event));
        } else if constexpr (std::is_same_v<Body, bus::PresenceReport>) {
          Settle(directory_.ApplyPresence(from, body.users, body.snapshot));
        } else if constexpr (std::is_same_v<Body, bus::SnapshotRequest>) {
          if (body.node_id == node_id_ || body.node_id == 0) SendSnapshot();
        } else if constexpr (std::is_same_v<Body, bus::CloseDevice>) {
          hub_.CloseDevice(body.user_id, body.device_id, body.reason);
        } else if constexpr (std::is_same_v<Body, bus::CloseOtherDevices>) {
          hub_.CloseOtherDevices(body.user_id, body.keep_device_id, body.reason);
        }
        // bus::Heartbeat: Observe was all it needed.
      },
      message->body);
}

void ClusterNode::OnBusConnected() {
  // Anything may have been missed while disconnected, both ways: tell ours, ask for theirs.
  SendSnapshot();
  Send(bus::SnapshotRequest{0});
}

void ClusterNode::Beat() {
  std::unique_lock lock(beat_mutex_);
  while (!beat_wake_.wait_for(lock, options_.heartbeat_interval, [this] { return stopping_; })) {
    lock.unlock();
    Send(bus::Heartbeat{});
    Settle(directory_.Expire(NodeDirectory::Clock::now()));
    lock.lock();
  }
}

ClusterNode::Stats ClusterNode::stats() const {
  Stats stats;
  if (bus_) {
    stats.bus = bus_->stats();
    stats.connected = bus_->connected();
  }
  stats.gaps = gaps_.load(std::memory_order_relaxed);
  stats.malformed = malformed_.load(std::memory_order_relaxed);
  stats.oversized = oversized_.load(std::memory_order_relaxed);
  stats.nodes = directory_.node_count();
  return stats;
}

}  // namespace parley::cluster
