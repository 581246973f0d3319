#include "chat/messaging/search_indexer.h"

#include <algorithm>

#include "base/clock.h"
#include "base/log.h"

namespace parley::chat {
namespace {

constexpr int kBatch = 2000;

}  // namespace

Status IndexQueuedMessages(store::Store& store) {
  for (;;) {
    Result<int> indexed = store.IndexQueuedForSearch(kBatch);
    if (!indexed.ok()) return indexed.status();
    if (*indexed < kBatch) return Status::Ok();
  }
}

SearchIndexer::SearchIndexer(store::Store& store, std::chrono::milliseconds period)
    : store_(store), periodic_(period, [this] { Pass(); }) {}

std::chrono::milliseconds SearchIndexer::lag() const {
  const int64_t caught_up = caught_up_at_ms_.load(std::memory_order_relaxed);
  if (caught_up == 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(std::max<int64_t>(NowMillis() - caught_up, 0));
}

void SearchIndexer::Pass() {
  const int64_t started = NowMillis();
  Status status = IndexQueuedMessages(store_);
  // The queue was empty at some point after `started`: nothing older is waiting.
  if (status.ok()) caught_up_at_ms_.store(started, std::memory_order_relaxed);
  if (!status.ok()) {
    Log(LogLevel::kWarning, "search_indexing_failed", {{"reason", status.message()}});
  }
}

}  // namespace parley::chat
