#include "chat/catch_up.h"

#include <algorithm>
#include <unordered_map>

namespace parley::chat {

Result<CatchUp> CatchUp::Plan(store::Store& store, int64_t user_id, std::span<const Cursor> cursors,
                              int sync_limit) {
  auto summaries = store.ListConversations(user_id);
  if (!summaries.ok()) return summaries.status();
  std::unordered_map<int64_t, int64_t> seen;
  for (const Cursor& cursor : cursors) seen[cursor.conversation_id] = cursor.seq;

  CatchUp plan;
  plan.conversations_.reserve(summaries->size());
  for (store::ConversationSummary& summary : *summaries) {
    const auto it = seen.find(summary.id);
    // A member who joined late replays from their join on, never what came before.
    const int64_t after = std::max(it == seen.end() ? 0 : it->second, summary.self.first_seq - 1);
    ConversationSync sync;
    if (summary.last_seq > after) {
      const int64_t until = std::min<int64_t>(summary.last_seq, after + sync_limit);
      sync.complete = until == summary.last_seq;
      plan.ranges_.push_back(Range{summary.id, after, until});
    }
    sync.summary = std::move(summary);
    plan.conversations_.push_back(std::move(sync));
  }
  return plan;
}

Result<std::vector<store::Message>> CatchUp::NextPage(store::Store& store, int max_messages) {
  std::vector<store::Message> page;
  while (!done() && static_cast<int>(page.size()) < max_messages) {
    Range& range = ranges_[next_range_];
    const int64_t wanted =
        std::min<int64_t>(range.until - range.after, max_messages - static_cast<int>(page.size()));
    auto messages =
        store.MessagesAfter(range.conversation_id, range.after, static_cast<int>(wanted));
    if (!messages.ok()) return messages.status();
    for (store::Message& message : *messages) {
      if (message.seq > range.until) break;
      range.after = message.seq;
      page.push_back(std::move(message));
    }
    // Fewer than asked means the range holds no more (pruned or never there).
    if (range.after >= range.until || static_cast<int64_t>(messages->size()) < wanted) {
      ++next_range_;
    }
  }
  return page;
}

}  // namespace parley::chat
