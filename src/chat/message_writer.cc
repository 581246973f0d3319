#include "chat/message_writer.h"

#include <algorithm>

#include "base/clock.h"

namespace parley::chat {
namespace {

// Caches grow with the number of conversations written to; past this they start over.
constexpr size_t kMaxCachedConversations = 1 << 20;

}  // namespace

MessageWriter::MessageWriter(store::Store& store, WriterOptions options)
    : store_(store), options_(options), thread_([this] { Run(); }) {}

MessageWriter::~MessageWriter() { Stop(); }

Status MessageWriter::Submit(SendCommand command, SendDone done) {
  return Enqueue(SendOp{std::move(command), std::move(done)});
}

Status MessageWriter::Submit(CursorCommand command, CursorDone done) {
  return Enqueue(CursorOp{std::move(command), std::move(done)});
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

void MessageWriter::ApplyBatch(std::vector<Op>& batch) {
  std::vector<OpResult> results;
  results.reserve(batch.size());
  Status committed = store_.Write([&](store::WriteTxn& txn) -> Status {
    results.clear();
    for (Op& op : batch) {
      if (auto* send = std::get_if<SendOp>(&op)) {
        auto result = ApplySend(txn, send->command);
        if (!result.ok() && result.status().code() == Code::kInternal) return result.status();
        results.emplace_back(std::move(result));
      } else {
        auto result = ApplyCursor(txn, std::get<CursorOp>(op).command);
        if (!result.ok() && result.status().code() == Code::kInternal) return result.status();
        results.emplace_back(std::move(result));
      }
    }
    return Status::Ok();
  });
  if (!committed.ok()) {
    members_by_conversation_.clear();
    direct_by_pair_.clear();
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    if (auto* send = std::get_if<SendOp>(&batch[i])) {
      send->done(committed.ok() ? std::get<Result<SendOutcome>>(std::move(results[i]))
                                : Result<SendOutcome>(committed));
    } else {
      auto& cursor = std::get<CursorOp>(batch[i]);
      cursor.done(committed.ok() ? std::get<Result<CursorOutcome>>(std::move(results[i]))
                                 : Result<CursorOutcome>(committed));
    }
  }
}

// The usual send is new: it is inserted at once, and the unique (sender, client id) index
// catches a resend, which then answers with the original. So the common case pays no lookup.
Result<SendOutcome> MessageWriter::ApplySend(store::WriteTxn& txn, const SendCommand& command) {
  auto conversation_id = ResolveConversation(txn, command);
  if (!conversation_id.ok()) return EarlierOr(txn, command, conversation_id.status());
  auto members = MemberIds(txn, *conversation_id);
  if (!members.ok()) return EarlierOr(txn, command, members.status());
  if (std::find(members->begin(), members->end(), command.sender_id) == members->end()) {
    return EarlierOr(txn, command, Status(Code::kNotFound, "no such conversation"));
  }
  store::Message message;
  message.conversation_id = *conversation_id;
  message.sender_id = command.sender_id;
  message.client_id = command.client_id;
  message.text = command.text;
  message.created_at = NowMillis();
  auto stored = txn.Append(std::move(message));
  if (!stored.ok()) return EarlierOr(txn, command, stored.status());
  // Sending implies having read everything up to one's own message.
  auto cursor =
      txn.AdvanceCursors(stored->conversation_id, command.sender_id, stored->seq, stored->seq);
  if (!cursor.ok()) return cursor.status();
  return SendOutcome{std::move(*stored), false, std::move(*members)};
}

// A send that could not be stored may be a resend: then it gets the original's outcome,
// whatever it names now. Otherwise `failure` stands.
Result<SendOutcome> MessageWriter::EarlierOr(store::WriteTxn& txn, const SendCommand& command,
                                             Status failure) {
  if (failure.code() == Code::kInternal) return failure;
  auto earlier = txn.FindByClientId(command.sender_id, command.client_id);
  if (!earlier.ok()) return earlier.status();
  if (!earlier->has_value()) return failure;
  const store::Message& original = **earlier;
  auto members = MemberIds(txn, original.conversation_id);
  if (!members.ok()) return members.status();
  return SendOutcome{original, true, std::move(*members)};
}

Result<int64_t> MessageWriter::ResolveConversation(store::WriteTxn& txn,
                                                   const SendCommand& command) {
  if (command.conversation_id != 0) return command.conversation_id;
  const auto pair = std::minmax(command.sender_id, command.to_user_id);
  const std::pair<int64_t, int64_t> key(pair.first, pair.second);
  if (auto it = direct_by_pair_.find(key); it != direct_by_pair_.end()) return it->second;
  auto recipient = store_.FindUserById(command.to_user_id);
  if (!recipient.ok()) {
    if (recipient.status().code() == Code::kNotFound) {
      return Status(Code::kNotFound, "no such user");
    }
    return recipient.status();
  }
  auto id = txn.DirectConversation(key.first, key.second);
  if (!id.ok()) return id.status();
  if (direct_by_pair_.size() >= kMaxCachedConversations) direct_by_pair_.clear();
  direct_by_pair_.emplace(key, *id);
  return *id;
}

Result<std::vector<int64_t>> MessageWriter::MemberIds(store::WriteTxn& txn,
                                                      int64_t conversation_id) {
  if (auto it = members_by_conversation_.find(conversation_id);
      it != members_by_conversation_.end()) {
    return it->second;
  }
  auto members = txn.Members(conversation_id);
  if (!members.ok()) {
    if (members.status().code() == Code::kNotFound) {
      return Status(Code::kNotFound, "no such conversation");
    }
    return members.status();
  }
  std::vector<int64_t> ids;
  ids.reserve(members->size());
  for (const store::Member& member : *members) ids.push_back(member.user_id);
  if (members_by_conversation_.size() >= kMaxCachedConversations) {
    members_by_conversation_.clear();
  }
  members_by_conversation_.emplace(conversation_id, ids);
  return ids;
}

Result<CursorOutcome> MessageWriter::ApplyCursor(store::WriteTxn& txn,
                                                 const CursorCommand& command) {
  auto members = MemberIds(txn, command.conversation_id);
  if (!members.ok()) return members.status();
  if (std::find(members->begin(), members->end(), command.user_id) == members->end()) {
    return Status(Code::kNotFound, "no such conversation");
  }
  const int64_t read_seq = command.read ? command.seq : 0;
  auto advance =
      txn.AdvanceCursors(command.conversation_id, command.user_id, command.seq, read_seq);
  if (!advance.ok()) return advance.status();
  return CursorOutcome{command.conversation_id, advance->moved, advance->member,
                       std::move(*members)};
}

}  // namespace parley::chat
