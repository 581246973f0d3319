#include "chat/search_indexer.h"

#include "base/log.h"

namespace parley::chat {
namespace {

constexpr int kBatch = 2000;

}  // namespace

Status IndexQueuedMessages(MessageWriter& writer) {
  for (;;) {
    int indexed = 0;
    Status status = writer.Run([&](store::WriteTxn& txn, ConversationCache&) -> Status {
      auto taken = txn.IndexQueuedForSearch(kBatch);
      if (!taken.ok()) return taken.status();
      indexed = *taken;
      return Status::Ok();
    });
    if (!status.ok()) return status;
    if (indexed < kBatch) return Status::Ok();
  }
}

SearchIndexer::SearchIndexer(MessageWriter& writer, std::chrono::milliseconds period)
    : writer_(writer), periodic_(period, [this] { Pass(); }) {}

void SearchIndexer::Pass() {
  Status status = IndexQueuedMessages(writer_);
  if (!status.ok()) {
    Log(LogLevel::kWarning, "search_indexing_failed", {{"reason", status.message()}});
  }
}

}  // namespace parley::chat
