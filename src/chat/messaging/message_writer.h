// MessageWriter: the single writer of messages and cursors. It owns one thread that takes
// queued commands in batches and applies each batch in ONE store transaction (group commit),
// so durability (an fsync per commit) is paid once per batch, not once per message.
//
// Contract
// - Submit() is thread-safe and never blocks: it queues the command, or fails at once with
//   kUnavailable when the queue is full (max_queue) or the writer is stopping.
// - Each callback runs exactly once, on the writer thread, after the batch holding its command
//   committed (with the outcome) or failed (with the error). Callbacks must not block; they
//   typically encode a frame and hand it to the Hub.
// - Per-conversation order: seq is assigned inside the transaction, so it is dense and matches
//   commit order. Commands from one device are applied in submission order.
// - Stop() applies everything already queued, then joins the thread. The destructor stops.
//
// The domain rules of sending (who may send where, idempotency) are applied here, inside the
// transaction, so a check and the write it guards can never race:
// - a direct send needs the recipient to exist (kNotFound), the pair unblocked both ways
//   (kBlocked when the recipient blocked the sender, kForbidden when the sender blocked the
//   recipient) and, if direct_requires_friendship, the two to be friends (kForbidden): the
//   rules of chat/social/reach.h, which also decide who gets a receipt;
// - a group send needs the sender to be a member (kNotFound otherwise, so non-members learn
//   nothing) and not muted (kForbidden); nobody sends into a system conversation (kForbidden);
// - a send with media needs a media the sender uploaded (kNotFound otherwise; media_rules.h);
//   the message then holds it (media_refs), so the conversation's members may fetch it.
//
// Operations on messages (SendCommand kinds kEdit, kDelete, kReaction) and replies follow the
// rules of chat/messaging/message_ops.cc, in the same transaction.
//
// Tasks carry the rest of the domain's writes (friendships, groups, notices) through the same
// single writer, so they serialize with sends and keep the ConversationCache true.
//
// Several nodes (writers on one PostgreSQL database) never authorize from rules another node
// changed: every batch first locks the store's rules clock (store.h WriteTxn::LockRules),
// exclusively if it holds a task, else shared, and clears the cache when the clock moved since
// the cache was filled; a batch whose tasks Forget or Clear anything moves the clock before it
// commits. A batch authorizing under the shared lock commits before any rules change can; a
// rules change makes every other node's next batch wait for it, then see the new version.
#ifndef PARLEY_CHAT_MESSAGING_MESSAGE_WRITER_H_
#define PARLEY_CHAT_MESSAGING_MESSAGE_WRITER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"
#include "chat/commands.h"
#include "chat/messaging/conversation_cache.h"
#include "chat/social/reach.h"
#include "metrics/server_metrics.h"
#include "store/store.h"

namespace parley::chat {

struct WriterOptions {
  size_t max_batch = 1024;   // commands per transaction at most
  size_t max_queue = 65536;  // commands waiting at most; beyond, Submit fails kUnavailable
  // Under load (the previous batch held more than one command) the writer waits this long
  // for more commands before committing, so each commit carries more of them.
  std::chrono::microseconds batch_delay{200};
  bool direct_requires_friendship = true;     // direct messages only between friends
  bool group_adds_require_friendship = true;  // admins add only their friends to groups
  // Where commit latency, batch size and fan-out lag are recorded (set by app/, not a config
  // key); null: nowhere.
  metrics::ServerMetrics* metrics = nullptr;
};

class MessageWriter {
 public:
  using SendDone = std::function<void(Result<SendOutcome>)>;
  using CursorDone = std::function<void(Result<CursorOutcome>)>;
  // A task's work: runs on the writer thread inside the batch transaction, atomically (an
  // error undoes this task's writes only). It must Forget/Clear what it changes in the cache.
  using TaskApply = std::function<Status(store::WriteTxn&, ConversationCache&)>;
  // Runs after the batch: with apply's status if it committed, else with the commit's error.
  using TaskDone = std::function<void(Status)>;

  MessageWriter(store::Store& store, WriterOptions options);  // store must outlive the writer
  ~MessageWriter();
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  struct Stats {
    uint64_t batches = 0;   // transactions committed or rolled back
    uint64_t commands = 0;  // commands applied in them
  };
  Stats stats() const;
  // Commands waiting for the writer thread now.
  size_t queue_depth() const;

  Status Submit(SendCommand command, SendDone done);
  Status Submit(CursorCommand command, CursorDone done);
  Status Submit(TaskApply apply, TaskDone done);
  // Submits `apply` and waits until its batch committed; returns apply's status or the
  // commit's error. `on_commit`, if given, runs on the writer thread once the task committed
  // OK, before Run returns: deliveries made there keep commit order. Blocks: call it from a
  // worker thread, never the writer or an I/O thread.
  Status Run(TaskApply apply, const std::function<void()>& on_commit = {});
  void Stop();

  // The relationship rules this writer applies (chat/social/reach.h), for tasks that apply them
  // too.
  ReachOptions reach() const {
    return ReachOptions{options_.direct_requires_friendship,
                        options_.group_adds_require_friendship};
  }

 private:
  struct SendOp {
    SendCommand command;
    SendDone done;
  };
  struct CursorOp {
    CursorCommand command;
    CursorDone done;
  };
  struct TaskOp {
    TaskApply apply;
    TaskDone done;
  };
  using Op = std::variant<SendOp, CursorOp, TaskOp>;
  using OpResult = std::variant<Result<SendOutcome>, Result<CursorOutcome>, Status>;

  Status Enqueue(Op op);
  void Run();
  void ApplyBatch(std::vector<Op>& batch);
  Result<SendOutcome> ApplySend(store::WriteTxn& txn, const SendCommand& command);
  Status StickerMessage(store::WriteTxn& txn, const SendCommand& command, store::Message& message);
  Result<SendOutcome> EarlierOr(store::WriteTxn& txn, const SendCommand& command, Status failure);
  // The outcome of a resend: the original message, marked duplicate.
  Result<SendOutcome> Resent(store::WriteTxn& txn, const store::Message& original);
  Result<CursorOutcome> ApplyCursor(store::WriteTxn& txn, const CursorCommand& command);
  Status ApplyTask(store::WriteTxn& txn, const TaskOp& task);
  struct Target {
    int64_t conversation_id = 0;
    CachedConversation* conversation = nullptr;
  };
  // The conversation a send goes to, after the rules above allow it.
  Result<Target> Destination(store::WriteTxn& txn, const SendCommand& command);
  // message_ops.cc: a reply's quoted message must be readable, content, not deleted.
  Status CheckReply(store::WriteTxn& txn, const Target& target, const SendCommand& command);
  // message_ops.cc: edit, delete or react (command.kind), stored as a message of its own.
  Result<SendOutcome> ApplyOp(store::WriteTxn& txn, const SendCommand& command);
  Result<SendOutcome> ApplyOpTo(store::WriteTxn& txn, const SendCommand& command,
                                const Target& target, const store::Message& original);
  // The rules between two users for a direct message (chat/social/reach.h, Contact::kDirect).
  Status CheckDirectPair(store::WriteTxn& txn, int64_t sender_id, int64_t other);

  store::Store& store_;
  const WriterOptions options_;

  mutable std::mutex mutex_;
  Stats stats_;  // guarded by mutex_
  std::condition_variable wake_;
  std::deque<Op> queue_;   // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  bool idle_ = false;      // guarded by mutex_; the writer waits for work (needs a wake-up)

  // Touched only by the writer thread; cleared when a batch rolls back, since it may hold rows
  // that were never committed.
  ConversationCache cache_;
  // The rules clock's version cache_ was filled under (writer thread only); -1: unknown.
  int64_t rules_version_ = -1;

  std::thread thread_;  // last: starts after everything above is initialised
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MESSAGING_MESSAGE_WRITER_H_
