#include "chat/notices/moderation.h"

#include <optional>
#include <utility>

#include "base/clock.h"
#include "chat/fanout/events.h"

namespace parley::chat {

Moderation::Moderation(MessageWriter& writer, EventSink& events)
    : writer_(writer), events_(events) {}

Status Moderation::DeleteMessage(int64_t admin_id, int64_t conversation_id, int64_t seq,
                                 const std::string& client_id) {
  std::optional<store::Message> stored;
  MemberIds audience;
  auto apply = [&](store::WriteTxn& txn, ConversationCache& cache) -> Status {
    stored.reset();
    auto earlier = txn.FindByClientId(admin_id, client_id);
    if (!earlier.ok()) return earlier.status();
    if (earlier->has_value()) return Status::Ok();  // done before: nothing new to tell
    auto conversation = cache.Find(txn, conversation_id);
    if (!conversation.ok()) return Status(Code::kNotFound, "no such message");
    auto original = txn.FindMessage(conversation_id, seq);
    if (!original.ok()) return original.status();
    if (!original->has_value()) return Status(Code::kNotFound, "no such message");
    if ((*original)->kind != store::MessageKind::kText) {
      return Status(Code::kInvalidArgument, "only text messages can be deleted");
    }
    if ((*original)->deleted) return Status(Code::kGone, "the message was already deleted");
    store::Message op;
    op.conversation_id = conversation_id;
    op.sender_id = admin_id;
    op.client_id = client_id;
    op.created_at = NowMillis();
    op.kind = store::MessageKind::kDelete;
    op.target = seq;
    // The tombstone and the op stand or fall together.
    return txn.Atomically([&]() -> Status {
      if (Status s = txn.DeleteMessage(conversation_id, seq); !s.ok()) return s;
      auto appended = txn.Append(std::move(op));
      if (!appended.ok()) return appended.status();
      stored = std::move(*appended);
      audience = (*conversation)->member_ids;
      return Status::Ok();
    });
  };
  // Published on the writer thread as the task commits, so members see it in commit order.
  auto publish = [&] {
    if (stored && audience) {
      events_.Publish(Audience{*audience}, events::MessageCommitted{std::move(*stored)});
    }
  };
  return writer_.Run(apply, publish);
}

}  // namespace parley::chat
