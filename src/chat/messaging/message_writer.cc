#include "chat/messaging/message_writer.h"

#include <algorithm>
#include <chrono>
#include <future>

#include "base/clock.h"
#include "chat/media/media_rules.h"
#include "chat/media/stickers.h"

namespace parley::chat {

MessageWriter::MessageWriter(store::Store& store, WriterOptions options)
    : store_(store), options_(options), thread_([this] { Run(); }) {}

MessageWriter::~MessageWriter() { Stop(); }

Status MessageWriter::Submit(SendCommand command, SendDone done) {
  return Enqueue(SendOp{std::move(command), std::move(done)});
}

Status MessageWriter::Submit(CursorCommand command, CursorDone done) {
  return Enqueue(CursorOp{std::move(command), std::move(done)});
}

Status MessageWriter::Submit(TaskApply apply, TaskDone done) {
  return Enqueue(TaskOp{std::move(apply), std::move(done)});
}

Status MessageWriter::Run(TaskApply apply, const std::function<void()>& on_commit) {
  std::promise<Status> outcome;
  std::future<Status> finished = outcome.get_future();
  Status queued = Submit(std::move(apply), [&outcome, &on_commit](Status status) {
    if (status.ok() && on_commit) on_commit();
    outcome.set_value(std::move(status));
  });
  if (!queued.ok()) return queued;
  return finished.get();
}

Status MessageWriter::Enqueue(Op op) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return Status(Code::kUnavailable, "server is shutting down");
    if (queue_.size() >= options_.max_queue) {
      return Status(Code::kUnavailable, "server is overloaded; retry");
    }
    queue_.push_back(std::move(op));
    if (!idle_) return Status::Ok();  // a busy writer finds it without a wake-up (a syscall)
  }
  wake_.notify_one();
  return Status::Ok();
}

MessageWriter::Stats MessageWriter::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

void MessageWriter::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void MessageWriter::Run() {
  std::vector<Op> batch;
  size_t previous_batch = 0;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      idle_ = true;
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      idle_ = false;
      if (queue_.empty()) return;  // stopping, and everything queued has been applied
      if (previous_batch > 1 && queue_.size() < options_.max_batch && !stopping_) {
        lock.unlock();
        std::this_thread::sleep_for(options_.batch_delay);
        lock.lock();
      }
      const size_t take = std::min(queue_.size(), options_.max_batch);
      for (size_t i = 0; i < take; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    previous_batch = batch.size();
    {
      std::lock_guard lock(mutex_);
      ++stats_.batches;
      stats_.commands += batch.size();
    }
    ApplyBatch(batch);
    batch.clear();
  }
}

size_t MessageWriter::queue_depth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void MessageWriter::ApplyBatch(std::vector<Op>& batch) {
  std::vector<OpResult> results;
  results.reserve(batch.size());
  const bool has_task = std::any_of(
      batch.begin(), batch.end(), [](const Op& op) { return std::holds_alternative<TaskOp>(op); });
  int64_t version = -1;
  const auto began = std::chrono::steady_clock::now();
  Status committed = store_.Write([&](store::WriteTxn& txn) -> Status {
    results.clear();
    // First, before anything is authorized: the rules other nodes changed are then visible.
    auto locked =
        txn.LockRules(has_task ? store::RulesLock::kExclusive : store::RulesLock::kShared);
    if (!locked.ok()) return locked.status();
    version = *locked;
    if (version != rules_version_) cache_.Clear();
    bool rules_changed = false;
    for (Op& op : batch) {
      if (auto* send = std::get_if<SendOp>(&op)) {
        auto result = ApplySend(txn, send->command);
        if (!result.ok() && IsServerFailure(result.status().code())) return result.status();
        results.emplace_back(std::move(result));
      } else if (auto* cursor = std::get_if<CursorOp>(&op)) {
        auto result = ApplyCursor(txn, cursor->command);
        if (!result.ok() && IsServerFailure(result.status().code())) return result.status();
        results.emplace_back(std::move(result));
      } else {
        (void)cache_.TakeForgotten();  // the writer's own clearing since is no rules change
        Status result = ApplyTask(txn, std::get<TaskOp>(op));
        if (cache_.TakeForgotten()) rules_changed = true;
        if (IsServerFailure(result.code())) return result;
        results.emplace_back(std::move(result));
      }
    }
    if (rules_changed) {
      if (Status s = txn.BumpRules(); !s.ok()) return s;
      ++version;  // the exclusive lock held since LockRules: nobody else moved it
    }
    return Status::Ok();
  });
  if (committed.ok()) {
    rules_version_ = version;
  } else {
    cache_.Clear();
    rules_version_ = -1;
  }
  const auto ended = std::chrono::steady_clock::now();
  for (size_t i = 0; i < batch.size(); ++i) {
    if (auto* send = std::get_if<SendOp>(&batch[i])) {
      send->done(committed.ok() ? std::get<Result<SendOutcome>>(std::move(results[i]))
                                : Result<SendOutcome>(committed));
    } else if (auto* cursor = std::get_if<CursorOp>(&batch[i])) {
      cursor->done(committed.ok() ? std::get<Result<CursorOutcome>>(std::move(results[i]))
                                  : Result<CursorOutcome>(committed));
    } else {
      std::get<TaskOp>(batch[i]).done(committed.ok() ? std::get<Status>(std::move(results[i]))
                                                     : committed);
    }
  }
  if (options_.metrics != nullptr) {
    const std::chrono::duration<double> commit = ended - began;
    const std::chrono::duration<double> fanout = std::chrono::steady_clock::now() - ended;
    options_.metrics->commit_latency.Observe(commit.count());
    options_.metrics->commit_batch_size.Observe(static_cast<double>(batch.size()));
    options_.metrics->fanout_lag.Observe(fanout.count());
  }
}

Status MessageWriter::ApplyTask(store::WriteTxn& txn, const TaskOp& task) {
  Status status = txn.Atomically([&] { return task.apply(txn, cache_); });
  // A failed task may have changed cached rows before its writes were undone.
  if (!status.ok()) cache_.Clear();
  return status;
}

// The usual send is new: it is inserted at once, and the unique (sender, client id) index
// catches a resend, which then answers with the original. So the common case pays no lookup.
Result<SendOutcome> MessageWriter::ApplySend(store::WriteTxn& txn, const SendCommand& command) {
  if (command.kind != store::MessageKind::kText) return ApplyOp(txn, command);
  if (command.conversation_id == 0 &&
      !cache_.KnownDirect(command.sender_id, command.to_user_id).has_value()) {
    // This send may create a direct conversation; a resend of an id already stored, whatever
    // recipient it names now, must create nothing, so it is looked up first. Only the first
    // send to a pair since the cache last learnt of it pays for the lookup.
    auto earlier = txn.FindByClientId(command.sender_id, command.client_id);
    if (!earlier.ok()) return earlier.status();
    if (earlier->has_value()) return Resent(txn, **earlier);
  }
  store::Message message;
  message.text = command.text;
  // Checked first: a refused send must not create a direct conversation.
  if (!command.media.empty()) {
    auto media = SendableMedia(txn, command.sender_id, command.media);
    if (!media.ok()) return EarlierOr(txn, command, media.status());
    message.media = std::move(*media);
  }
  if (command.sticker != 0) {
    if (Status s = StickerMessage(txn, command, message); !s.ok()) {
      return EarlierOr(txn, command, s);
    }
  }
  Result<Target> target = Status(Code::kInternal, "no destination");
  if (command.reply_to == 0) {
    target = Destination(txn, command);
  } else {
    // A reply names a message, so its conversation exists; if the reply is refused, undo a
    // direct conversation Destination may have created, and drop what the cache learnt of it.
    Status allowed = txn.Atomically([&]() -> Status {
      target = Destination(txn, command);
      if (!target.ok()) return target.status();
      return CheckReply(txn, *target, command);
    });
    if (!allowed.ok()) {
      cache_.Clear();
      target = allowed;
    }
  }
  if (!target.ok()) return EarlierOr(txn, command, target.status());
  message.conversation_id = target->conversation_id;
  message.sender_id = command.sender_id;
  message.client_id = command.client_id;
  message.reply_to = command.reply_to;
  message.created_at = NowMillis();
  auto stored = txn.Append(std::move(message));
  if (!stored.ok()) return EarlierOr(txn, command, stored.status());
  if (stored->media) {
    Status attached = txn.AttachMedia(stored->media->id, stored->conversation_id, stored->seq,
                                      stored->created_at);
    if (!attached.ok()) return attached;
  }
  if (stored->sticker != 0) {
    Status touched = txn.TouchRecentSticker(command.sender_id, stored->sticker, stored->created_at,
                                            kRecentStickerCount);
    if (!touched.ok()) return touched;
  }
  // Sending implies having read everything up to one's own message.
  if (Status s = txn.SenderRead(stored->conversation_id, command.sender_id, stored->seq); !s.ok()) {
    return s;
  }
  const int64_t recipient = target->conversation->DirectRecipient(command.sender_id);
  return SendOutcome{std::move(*stored), false, target->conversation->member_ids, true, recipient};
}

// Makes `message` the sticker the send names: its keywords as text (what search finds), its
// image as media. kNotFound "no such sticker" unless the sender may use it (UsableSticker).
Status MessageWriter::StickerMessage(store::WriteTxn& txn, const SendCommand& command,
                                     store::Message& message) {
  auto sticker = txn.UsableSticker(command.sender_id, command.sticker);
  if (!sticker.ok()) return sticker.status();
  if (!sticker->has_value()) return Status(Code::kNotFound, "no such sticker");
  message.kind = store::MessageKind::kSticker;
  message.sticker = (*sticker)->id;
  message.text = (*sticker)->keywords;
  if (!(*sticker)->media_id.empty()) {
    auto media = txn.FindMedia((*sticker)->media_id);
    if (!media.ok()) return media.status();
    message.media = std::move(*media);
  }
  return Status::Ok();
}

// A send that could not be stored may be a resend: then it gets the original's outcome,
// whatever it names now. Otherwise `failure` stands.
Result<SendOutcome> MessageWriter::EarlierOr(store::WriteTxn& txn, const SendCommand& command,
                                             Status failure) {
  if (IsServerFailure(failure.code())) return failure;
  auto earlier = txn.FindByClientId(command.sender_id, command.client_id);
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return failure;
  return Resent(txn, **earlier);
}

Result<SendOutcome> MessageWriter::Resent(store::WriteTxn& txn, const store::Message& original) {
  auto conversation = cache_.Find(txn, original.conversation_id);
  if (!conversation.ok()) return conversation.status();
  return SendOutcome{original, true, (*conversation)->member_ids};
}

// A direct conversation is created by its first allowed send, never by a refused one, so a
// stranger cannot make a conversation appear in anyone's list.
Result<MessageWriter::Target> MessageWriter::Destination(store::WriteTxn& txn,
                                                         const SendCommand& command) {
  int64_t conversation_id = command.conversation_id;
  bool pair_checked = false;
  if (conversation_id == 0) {
    std::optional<int64_t> known = cache_.KnownDirect(command.sender_id, command.to_user_id);
    if (!known) {
      if (Status s = CheckDirectPair(txn, command.sender_id, command.to_user_id); !s.ok()) {
        return s;
      }
      pair_checked = true;
      auto created = cache_.Direct(txn, command.sender_id, command.to_user_id);
      if (!created.ok()) return created.status();
      known = *created;
    }
    conversation_id = *known;
  }
  auto conversation = cache_.Find(txn, conversation_id);
  if (!conversation.ok()) return conversation.status();
  CachedConversation& found = **conversation;
  const store::Member* sender = found.FindMember(command.sender_id);
  if (sender == nullptr) return Status(Code::kNotFound, "no such conversation");
  switch (found.kind) {
    case store::ConversationKind::kDirect:
      if (!found.direct_allowed && !pair_checked) {
        int64_t other = 0;
        for (const store::Member& member : found.members) {
          if (member.user_id != command.sender_id) other = member.user_id;
        }
        if (Status s = CheckDirectPair(txn, command.sender_id, other); !s.ok()) return s;
      }
      found.direct_allowed = true;
      break;
    case store::ConversationKind::kGroup:
      if (sender->muted_until > NowMillis()) {
        return Status(Code::kForbidden, "you are muted in this group");
      }
      break;
    case store::ConversationKind::kSystem:
      return Status(Code::kForbidden, "system conversations are read-only");
  }
  return Target{conversation_id, &found};
}

Status MessageWriter::CheckDirectPair(store::WriteTxn& txn, int64_t sender_id, int64_t other) {
  return CheckContact(txn, reach(), Contact::kDirect, sender_id, other);
}

Result<CursorOutcome> MessageWriter::ApplyCursor(store::WriteTxn& txn,
                                                 const CursorCommand& command) {
  auto conversation = cache_.Find(txn, command.conversation_id);
  if (!conversation.ok()) return conversation.status();
  if ((*conversation)->FindMember(command.user_id) == nullptr) {
    return Status(Code::kNotFound, "no such conversation");
  }
  const int64_t read_seq = command.read ? command.seq : 0;
  auto advance =
      txn.AdvanceCursors(command.conversation_id, command.user_id, command.seq, read_seq);
  if (!advance.ok()) return advance.status();
  // A receipt is a live frame: it reaches only whom the relationship rules let it reach.
  auto audience = LiveAudience(txn, cache_, reach(), command.user_id, command.conversation_id);
  if (!audience.ok()) return audience.status();
  return CursorOutcome{command.conversation_id, advance->moved, advance->member,
                       std::move(*audience)};
}

}  // namespace parley::chat
