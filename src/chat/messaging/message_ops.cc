// MessageWriter: replies and the operations on earlier messages (edit, delete, react). Each
// operation is a message of its own in the conversation's stream (kinds kEdit, kDelete,
// kReaction, pointing at `target`) and is also applied to the target row, in the same
// transaction as its rules are checked. Idempotent by client id, like a send.
#include <optional>
#include <utility>

#include "base/clock.h"
#include "chat/messaging/message_rules.h"
#include "chat/messaging/message_writer.h"

namespace parley::chat {

Status MessageWriter::CheckReply(store::WriteTxn& txn, const Target& target,
                                 const SendCommand& command) {
  auto quoted = txn.FindMessage(target.conversation_id, command.reply_to);
  if (!quoted.ok()) return quoted.status();
  const store::Member* sender = target.conversation->FindMember(command.sender_id);
  // Before the sender's join, an op, or nothing at all: the sender cannot see it.
  if (!quoted->has_value() || command.reply_to < sender->first_seq ||
      !store::IsContentKind((*quoted)->kind)) {
    return Status(Code::kNotFound, "no such message to reply to");
  }
  if ((*quoted)->deleted) return Status(Code::kGone, "the message replied to was deleted");
  return Status::Ok();
}

Result<SendOutcome> MessageWriter::ApplyOp(store::WriteTxn& txn, const SendCommand& command) {
  // A resend answers with the original first: checked afterwards, a reaction already made would
  // look like a no-op and a deletion like a second one.
  auto earlier = txn.FindByClientId(command.sender_id, command.client_id);
  if (!earlier.ok()) return earlier.status();
  if (earlier->has_value()) {
    auto conversation = cache_.Find(txn, (*earlier)->conversation_id);
    if (!conversation.ok()) return conversation.status();
    return SendOutcome{std::move(**earlier), true, (*conversation)->member_ids};
  }
  auto target = Destination(txn, command);
  if (!target.ok()) return target.status();
  auto original = txn.FindMessage(target->conversation_id, command.target);
  if (!original.ok()) return original.status();
  const store::Member* sender = target->conversation->FindMember(command.sender_id);
  if (!original->has_value() || command.target < sender->first_seq) {
    return Status(Code::kNotFound, "no such message");
  }
  // The target's change and the op's own row stand or fall together.
  std::optional<Result<SendOutcome>> outcome;
  Status applied = txn.Atomically([&]() -> Status {
    outcome.emplace(ApplyOpTo(txn, command, *target, **original));
    return outcome->ok() ? Status::Ok() : outcome->status();
  });
  if (!applied.ok()) return applied;
  return std::move(*outcome);
}

Result<SendOutcome> MessageWriter::ApplyOpTo(store::WriteTxn& txn, const SendCommand& command,
                                             const Target& target, const store::Message& original) {
  const int64_t now = NowMillis();
  const CachedConversation& conversation = *target.conversation;
  store::Message op;
  op.conversation_id = target.conversation_id;
  op.sender_id = command.sender_id;
  op.client_id = command.client_id;
  op.created_at = now;
  op.kind = command.kind;
  op.target = command.target;
  switch (command.kind) {
    case store::MessageKind::kEdit: {
      if (original.sender_id != command.sender_id || original.kind != store::MessageKind::kText) {
        return Status(Code::kForbidden, "only your own text messages can be edited");
      }
      if (original.deleted) return Status(Code::kGone, "the message was deleted");
      Status s = txn.EditMessage(target.conversation_id, command.target, command.text, now);
      if (!s.ok()) return s;
      op.text = command.text;
      op.edited_at = now;
      break;
    }
    case store::MessageKind::kDelete: {
      if (original.kind != store::MessageKind::kText &&
          original.kind != store::MessageKind::kSticker) {
        return Status(Code::kInvalidArgument, "only text and sticker messages can be deleted");
      }
      if (original.sender_id != command.sender_id) {
        const store::Member* author = conversation.FindMember(original.sender_id);
        std::optional<store::Role> author_role;
        if (author != nullptr) author_role = author->role;
        const store::Role actor = conversation.FindMember(command.sender_id)->role;
        if (!MayDeleteOthers(conversation.kind, actor, author_role)) {
          return Status(Code::kForbidden, "you may delete only your own messages");
        }
      }
      if (original.deleted) return Status(Code::kGone, "the message was already deleted");
      if (Status s = txn.DeleteMessage(target.conversation_id, command.target); !s.ok()) return s;
      break;
    }
    case store::MessageKind::kReaction: {
      if (original.kind != store::MessageKind::kText &&
          original.kind != store::MessageKind::kSticker) {
        return Status(Code::kInvalidArgument, "only text and sticker messages take reactions");
      }
      if (original.deleted) return Status(Code::kGone, "the message was deleted");
      auto before = txn.ReactionCount(target.conversation_id, command.target, command.sender_id);
      if (!before.ok()) return before.status();
      auto changed = txn.SetReaction(target.conversation_id, command.target, command.sender_id,
                                     command.text, command.on, now);
      if (!changed.ok()) return changed.status();
      op.text = command.text;
      op.on = command.on;
      if (!*changed) {
        op.seq = command.target;
        return SendOutcome{std::move(op), false, conversation.member_ids, false};
      }
      if (command.on && *before >= kMaxReactionsPerUser) {
        return Status(Code::kInvalidArgument, "at most 20 different reactions per message");
      }
      break;
    }
    default:
      return Status(Code::kInvalidArgument, "not a message operation");
  }
  auto stored = txn.Append(std::move(op));
  if (!stored.ok()) return stored.status();
  const int64_t recipient = conversation.DirectRecipient(command.sender_id);
  return SendOutcome{std::move(*stored), false, conversation.member_ids, true, recipient};
}

}  // namespace parley::chat
