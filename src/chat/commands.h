// Commands the chat domain accepts from a device, already decoded from the wire, and the
// outcomes the message writer reports after they are durably committed.
#ifndef PARLEY_CHAT_COMMANDS_H_
#define PARLEY_CHAT_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "chat/messaging/conversation_cache.h"
#include "store/types.h"

namespace parley::chat {

// Send a text message. Exactly one of to_user_id (a direct conversation with that user) and
// conversation_id (an existing conversation the sender is in) is non-zero. `media`, if not
// empty, is the id of a media the sender uploaded, attached to the message (text may then be
// empty: it is the caption).
// With kind kEdit, kDelete or kReaction it is an operation on message `target` of
// conversation_id instead (chat/messaging/message_ops.cc), stored as a message of its own.
struct SendCommand {
  int64_t sender_id = 0;
  std::string client_id;  // idempotency key, unique per sender
  int64_t to_user_id = 0;
  int64_t conversation_id = 0;
  std::string text;  // kEdit: the new text; kReaction: the emoji; kDelete: empty
  std::string media;
  store::MessageKind kind = store::MessageKind::kText;
  int64_t reply_to = 0;  // kText: the seq replied to (0: none)
  int64_t target = 0;    // ops: the seq they apply to
  bool on = false;       // kReaction: add (true) or remove
  // kText only: a sticker to send instead of text and media (a kSticker message); 0: none.
  int64_t sticker = 0;
};

// Raise a member's delivered (read == false) or read (read == true) cursor to `seq`.
struct CursorCommand {
  int64_t user_id = 0;
  int64_t conversation_id = 0;
  int64_t seq = 0;
  bool read = false;
};

struct SendOutcome {
  store::Message message;
  bool duplicate = false;  // an earlier send with the same client id; nothing stored
  MemberIds member_ids;    // who receives it
  // false: a reaction that already was as asked; nothing stored, nothing delivered, and
  // message.seq is the target's.
  bool changed = true;
  // In a direct conversation, the member who is not the sender; 0 in a group or not known.
  int64_t direct_recipient_id = 0;
};

struct CursorOutcome {
  int64_t conversation_id = 0;
  bool moved = false;    // false: the cursors already were at least there
  store::Member member;  // the member's cursors after the change
  MemberIds member_ids;  // who is told
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_COMMANDS_H_
