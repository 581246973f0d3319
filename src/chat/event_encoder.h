// EventEncoder: turns domain events into wire frames. The chat domain decides who receives
// what; the encoder (proto/, JSON) decides the bytes. Implementations must be thread-safe
// (stateless is simplest): the message writer thread calls them.
#ifndef PARLEY_CHAT_EVENT_ENCODER_H_
#define PARLEY_CHAT_EVENT_ENCODER_H_

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "chat/peer.h"
#include "store/types.h"

namespace parley::chat {

class EventEncoder {
 public:
  virtual ~EventEncoder() = default;
  // A message as delivered to members' devices.
  virtual SharedFrame Message(const store::Message& message) = 0;
  // The sender's acknowledgement of a durably stored message. changed == false: a reaction
  // that already was as asked (nothing stored; message.seq is the target's).
  virtual SharedFrame Ack(const store::Message& message, bool duplicate, bool changed) = 0;
  // A member's delivery/read cursors moved.
  virtual SharedFrame Receipt(int64_t conversation_id, const store::Member& member) = 0;
  // A failed client frame; `id` is the client message id it carried (may be empty), `req` its
  // request tag (may be empty).
  virtual SharedFrame Error(const Status& status, std::string_view id, std::string_view req) = 0;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_EVENT_ENCODER_H_
