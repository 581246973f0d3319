// Moderation: a server admin deletes a reported message (account/admin_service.h). The result is
// the tombstone a sender's own delete leaves: the message loses its content (store.h
// WriteTxn::DeleteMessage) and a kDelete op, whose sender is the admin, goes into the
// conversation's stream, so every member's devices, online or catching up later, apply it.
//
// Thread-safety: thread-safe. DeleteMessage blocks on the writer: call it from worker threads.
// Ownership: borrows the writer and the sink; both must outlive it.
#ifndef PARLEY_CHAT_NOTICES_MODERATION_H_
#define PARLEY_CHAT_NOTICES_MODERATION_H_

#include <cstdint>
#include <string>

#include "base/status.h"
#include "chat/fanout/event_sink.h"
#include "chat/messaging/message_writer.h"

namespace parley::chat {

class Moderation {
 public:
  Moderation(MessageWriter& writer, EventSink& events);

  // Tombstones text message (conversation_id, seq) on behalf of admin `admin_id`. `client_id`
  // names the operation (a repeat with the same one is a no-op). kNotFound for no such message
  // (or conversation), kGone if it was deleted already, kInvalidArgument if it is not a text
  // message.
  Status DeleteMessage(int64_t admin_id, int64_t conversation_id, int64_t seq,
                       const std::string& client_id);

 private:
  MessageWriter& writer_;
  EventSink& events_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_NOTICES_MODERATION_H_
