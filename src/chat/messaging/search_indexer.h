// Search indexing off the send path. A send, edit or deletion only queues its message for the
// search index; the index catches up in batches (store::Store::IndexQueuedForSearch), on a
// thread and a database file of its own, so its cost is paid neither inside a send's commit
// nor on the message writer's thread:
// - SearchIndexer indexes the queue every `period` on a thread of its own;
// - IndexQueuedMessages runs before every search, so a search sees every message committed
//   before it.
//
// Thread-safety: IndexQueuedMessages blocks (index commits): call it from a worker thread.
// SearchIndexer's constructor starts its thread; Stop() (idempotent; the destructor calls it)
// joins it. Ownership: both borrow the store, which must outlive them.
#ifndef PARLEY_CHAT_MESSAGING_SEARCH_INDEXER_H_
#define PARLEY_CHAT_MESSAGING_SEARCH_INDEXER_H_

#include <atomic>
#include <chrono>

#include "base/periodic.h"
#include "base/status.h"
#include "store/store.h"

namespace parley::chat {

// Indexes queued messages until none is left, in batches of at most 2,000 messages.
Status IndexQueuedMessages(store::Store& store);

class SearchIndexer {
 public:
  SearchIndexer(store::Store& store, std::chrono::milliseconds period);
  void Stop() { periodic_.Stop(); }
  // How far the index is behind: the time since a pass last left the queue empty (the search
  // index lag metric); 0 until the first pass ends. Thread-safe.
  std::chrono::milliseconds lag() const;

 private:
  void Pass();

  store::Store& store_;
  std::atomic<int64_t> caught_up_at_ms_{0};  // NowMillis() at the end of the last good pass
  Periodic periodic_;                        // last: its thread starts after store_ is set
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MESSAGING_SEARCH_INDEXER_H_
