// The messages parleyd nodes exchange on the cluster bus (docs: issue 17), and their binary
// codec (base/wire.h). Every node publishes what its own chat domain published (a
// chat::Event with the user ids it was for) and a few control messages; every other node
// decodes them and hands the events to its own Hub.
//
// Format: a version byte (kBusFormatVersion), the header (node id, seq), the body's tag (its
// index in BusBody) and its fields, each struct's fields in declaration order. Every node of a
// cluster runs the same format version: a change to any message or event struct, or to the
// order of a variant's alternatives, is a new version. A message of another version is
// refused.
//
// Encode and Decode are pure functions; thread-safe.
#ifndef PARLEY_CLUSTER_BUS_MESSAGE_H_
#define PARLEY_CLUSTER_BUS_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"
#include "chat/fanout/events.h"
#include "chat/fanout/peer.h"

namespace parley::cluster {

inline constexpr uint8_t kBusFormatVersion = 1;
inline constexpr size_t kMaxBusMessageBytes = size_t{16} << 20;  // 16 MiB
inline constexpr size_t kMaxAudience = 1'000'000;                // user ids in one Published

struct BusHeader {
  uint64_t node_id = 0;  // the sender (random per boot)
  uint64_t seq = 0;      // the sender's message counter: a gap is a lost message
  friend bool operator==(const BusHeader&, const BusHeader&) = default;
};

namespace bus {

// An event the sender's domain published, and the users it was for.
struct Published {
  std::vector<int64_t> audience;
  chat::Event event;
  friend bool operator==(const Published&, const Published&) = default;
};

// Presence statuses of users connected to the sender; `snapshot`: the sender's full list (any
// user not in it is offline there), else only changes.
struct PresenceReport {
  std::vector<std::pair<int64_t, chat::PresenceStatus>> users;
  bool snapshot = false;
  friend bool operator==(const PresenceReport&, const PresenceReport&) = default;
};

// "I am alive"; its header's seq shows gaps even when nothing else is sent.
struct Heartbeat {
  friend bool operator==(const Heartbeat&, const Heartbeat&) = default;
};

// "Node `node_id`, send your full presence" (a PresenceReport snapshot).
struct SnapshotRequest {
  uint64_t node_id = 0;
  friend bool operator==(const SnapshotRequest&, const SnapshotRequest&) = default;
};

// Close one device of a user wherever it is connected.
struct CloseDevice {
  int64_t user_id = 0;
  int64_t device_id = 0;
  chat::CloseReason reason = chat::CloseReason::kShutdown;
  friend bool operator==(const CloseDevice&, const CloseDevice&) = default;
};

// Close every device of a user but `keep_device_id`.
struct CloseOtherDevices {
  int64_t user_id = 0;
  int64_t keep_device_id = 0;
  chat::CloseReason reason = chat::CloseReason::kShutdown;
  friend bool operator==(const CloseOtherDevices&, const CloseOtherDevices&) = default;
};

}  // namespace bus

using BusBody = std::variant<bus::Published, bus::PresenceReport, bus::Heartbeat,
                             bus::SnapshotRequest, bus::CloseDevice, bus::CloseOtherDevices>;

struct BusMessage {
  BusHeader header;
  BusBody body;
  friend bool operator==(const BusMessage&, const BusMessage&) = default;
};

// The message's bytes, allocated once. Encode checks no limit: bytes over kMaxBusMessageBytes
// or an audience over kMaxAudience encode to bytes that Decode refuses, so a sender checks
// both before publishing (or splits the audience).
std::string Encode(const BusMessage& message);

// The bytes of BusMessage{header, bus::Published{audience, event}}, from the event as the domain
// published it: nothing is copied first (the sender's path, once per published event). The same
// limits as Encode apply.
std::string EncodePublished(const BusHeader& header, std::span<const int64_t> audience,
                            const chat::Event& event);

// The message `bytes` hold: kTooLarge over kMaxBusMessageBytes; kMalformed for anything else
// Encode does not produce (another format version, a truncated or over-long field, a length
// or count over its limit or past the end, an enum value out of range, bytes left over).
// Decode accepts one spelling of each message: what it accepts encodes back to `bytes`.
Result<BusMessage> Decode(std::string_view bytes);

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_BUS_MESSAGE_H_
