// FrameEncoder: one wire protocol's bytes for the domain's events (chat/fanout/events.h). Each
// connected device (chat::Peer) carries the encoder of the protocol it speaks; the Hub encodes
// an event once per protocol among its recipients and shares the frame. Today the one protocol
// is the JSON WebSocket protocol (proto/json_frames.h, docs/protocol.md).
//
// Implementations must be thread-safe (stateless is simplest): the hub encodes on whichever
// thread publishes. An encoder outlives every peer that carries it.
#ifndef PARLEY_CHAT_FANOUT_FRAME_ENCODER_H_
#define PARLEY_CHAT_FANOUT_FRAME_ENCODER_H_

#include <memory>
#include <string>

#include "chat/fanout/events.h"

namespace parley::chat {

// Bytes encoded once and shared, read-only, by every device that sends them.
using SharedFrame = std::shared_ptr<const std::string>;

inline SharedFrame MakeFrame(std::string text) {
  return std::make_shared<const std::string>(std::move(text));
}

class FrameEncoder {
 public:
  virtual ~FrameEncoder() = default;
  virtual SharedFrame Encode(const Event& event) const = 0;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_FRAME_ENCODER_H_
