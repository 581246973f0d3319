// Search indexing off the send path. A send, edit or deletion only queues its message for the
// search index (store::WriteTxn::IndexQueuedForSearch); the index catches up in batches, as
// writer tasks, so its cost is paid once per batch rather than inside every send's commit:
// - SearchIndexer indexes the queue every `period` on a thread of its own;
// - IndexQueuedMessages runs before every search, so a search sees every message committed
//   before it.
//
// Thread-safety: IndexQueuedMessages blocks (writer commits): call it from a worker thread.
// SearchIndexer's constructor starts its thread; Stop() (idempotent; the destructor calls it)
// joins it. Ownership: both borrow the writer, which must outlive them.
#ifndef PARLEY_CHAT_SEARCH_INDEXER_H_
#define PARLEY_CHAT_SEARCH_INDEXER_H_

#include <atomic>
#include <chrono>

#include "base/periodic.h"
#include "base/status.h"
#include "chat/message_writer.h"

namespace parley::chat {

// Indexes queued messages until none is left, in writer tasks of at most 2,000 messages.
Status IndexQueuedMessages(MessageWriter& writer);

class SearchIndexer {
 public:
  SearchIndexer(MessageWriter& writer, std::chrono::milliseconds period);
  void Stop() { periodic_.Stop(); }
  // How far the index is behind: the time since a pass last left the queue empty (the search
  // index lag metric); 0 until the first pass ends. Thread-safe.
  std::chrono::milliseconds lag() const;

 private:
  void Pass();

  MessageWriter& writer_;
  std::atomic<int64_t> caught_up_at_ms_{0};  // NowMillis() at the end of the last good pass
  Periodic periodic_;                        // last: its thread starts after writer_ is set
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_SEARCH_INDEXER_H_
