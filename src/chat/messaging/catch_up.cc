#include "chat/messaging/catch_up.h"

#include <algorithm>
#include <unordered_map>

namespace parley::chat {

Result<CatchUp> CatchUp::Plan(store::Store& store, int64_t user_id, std::span<const Cursor> cursors,
                              int sync_limit) {
  auto summaries = store.ListConversationStates(user_id);
  if (!summaries.ok()) return summaries.status();
  std::unordered_map<int64_t, int64_t> seen;
  seen.reserve(cursors.size());
  for (const Cursor& cursor : cursors) seen[cursor.conversation_id] = cursor.seq;

  CatchUp plan;
  plan.conversations_ = std::move(*summaries);
  for (const store::ConversationSummary& summary : plan.conversations_) {
    const auto it = seen.find(summary.id);
    // A member who joined late replays from their join on, never what came before.
    int64_t after = std::max(it == seen.end() ? 0 : it->second, summary.self.first_seq - 1);
    if (summary.pruned_through > after) {
      plan.pruned_.emplace(summary.id, PrunedRange{after + 1, summary.pruned_through});
      after = summary.pruned_through;
    }
    if (summary.last_seq <= after) continue;
    const int64_t until = std::min<int64_t>(summary.last_seq, after + sync_limit);
    if (until != summary.last_seq) plan.incomplete_.push_back(summary.id);
    plan.ranges_.push_back(store::SeqRange{summary.id, after, until});
  }
  std::sort(plan.incomplete_.begin(), plan.incomplete_.end());
  return plan;
}

bool CatchUp::complete(int64_t conversation_id) const {
  return !std::binary_search(incomplete_.begin(), incomplete_.end(), conversation_id);
}

std::optional<PrunedRange> CatchUp::pruned(int64_t conversation_id) const {
  const auto it = pruned_.find(conversation_id);
  if (it == pruned_.end()) return std::nullopt;
  return it->second;
}

Result<std::vector<store::Message>> CatchUp::NextPage(store::Store& store, int max_messages) {
  if (done() || max_messages <= 0) return std::vector<store::Message>();
  // Every range not pruned yields at least one message, so a page never needs more ranges than
  // messages.
  const size_t end = std::min(ranges_.size(), next_range_ + static_cast<size_t>(max_messages));
  const std::span<const store::SeqRange> asked(ranges_.data() + next_range_, end - next_range_);
  auto page = store.MessagesInRanges(asked, max_messages);
  if (!page.ok()) return page.status();
  // The store reads each range to its end before the next, so the page is a prefix of them.
  size_t at = next_range_;
  for (const store::Message& message : *page) {
    while (at < end && ranges_[at].conversation_id != message.conversation_id) ++at;
    if (at == end) return Status(Code::kInternal, "catch-up: a message outside the ranges asked");
    ranges_[at].after = message.seq;
  }
  if (static_cast<int>(page->size()) < max_messages) {
    next_range_ = end;  // every asked range was read to its end (pruned ones hold fewer)
  } else {
    next_range_ = ranges_[at].after >= ranges_[at].until ? at + 1 : at;
  }
  return page;
}

}  // namespace parley::chat
