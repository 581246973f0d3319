// Pruner: removes what the retention policies (chat/messaging/retention.h) no longer keep, on a
// thread of its own, every RetentionOptions::interval. A pass walks every conversation and, where
// the stricter of the server's and the conversation's policy makes messages due, removes them in
// batches of at most RetentionOptions::batch, each its own short write transaction on the
// store's writer (store::Store::PruneMessages), so sends wait at most one small batch; then
// strips media older than media_days the same way (PruneMedia). Media nothing holds any more
// is left to media cleanup (chat/media/media_cleanup.h), which removes it and its blobs.
//
// Thread-safety: the constructor starts the thread; Stop() (idempotent; the destructor calls
// it) ends a pass in progress after its current batch and joins the thread. RunPass() runs one
// pass on the calling thread (tests, benchmarks); it must not overlap the thread's passes, so
// use it with an interval that never comes. stats() is thread-safe.
// Ownership: borrows the store, which must outlive it.
#ifndef PARLEY_CHAT_MESSAGING_PRUNER_H_
#define PARLEY_CHAT_MESSAGING_PRUNER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "base/periodic.h"
#include "base/status.h"
#include "chat/messaging/retention.h"
#include "store/store.h"

namespace parley::chat {

class Pruner {
 public:
  struct Stats {
    int64_t messages = 0;          // messages removed since start
    int64_t media = 0;             // attachments removed from messages since start
    int64_t batches = 0;           // write transactions that removed something
    int64_t longest_batch_us = 0;  // the longest of them, BEGIN to COMMIT as the pruner saw it
  };

  // `now` gives Unix milliseconds (the policies' clock).
  Pruner(store::Store& store, RetentionOptions options, std::function<int64_t()> now);
  void Stop();

  Status RunPass();
  Stats stats() const;

 private:
  void Pass();
  Status PruneConversation(const store::ConversationRetention& state, int64_t now);
  // Sleeps as long as the batch took (at least 1 ms): see pruner.cc.
  void GiveWayToWrites(std::chrono::microseconds took);
  void Record(const store::PruneStep& step, std::chrono::microseconds took, bool media);

  store::Store& store_;
  const RetentionOptions options_;
  const std::function<int64_t()> now_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> messages_{0};
  std::atomic<int64_t> media_{0};
  std::atomic<int64_t> batches_{0};
  std::atomic<int64_t> longest_batch_us_{0};
  Periodic periodic_;  // last: its thread starts after everything above is set
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MESSAGING_PRUNER_H_
