#include "chat/messaging/catch_up.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "chat/messaging/sync_token.h"

namespace parley::chat {

Result<CatchUp> CatchUp::Plan(store::Store& store, int64_t user_id, std::span<const Cursor> cursors,
                              std::string_view since, int sync_limit) {
  std::unordered_map<int64_t, int64_t> seen;
  seen.reserve(cursors.size());
  for (const Cursor& cursor : cursors) seen[cursor.conversation_id] = cursor.seq;
  std::optional<store::SyncPoint> point;
  // Another user's token says nothing about this user's list.
  if (std::optional<SyncToken> token = DecodeSyncToken(since); token && token->user_id == user_id) {
    point = std::move(token->point);
  }

  CatchUp plan;
  std::unordered_map<int64_t, store::SeqRange> ranges;
  // Listed: what changed, and what has something to replay.
  auto select = [&](const store::MembershipState& state) {
    const auto it = seen.find(state.conversation_id);
    const bool missed =
        plan.PlanReplay(state, it == seen.end() ? 0 : it->second, sync_limit, ranges);
    return state.changed || missed;
  };
  auto states = store.ReadSyncStates(user_id, point, select);
  if (!states.ok()) return states.status();

  plan.conversations_ = std::move(states->summaries);
  plan.delta_ = states->since_accepted;
  plan.since_ = EncodeSyncToken(SyncToken{user_id, std::move(states->point)});
  // The replay follows the list's order; every conversation with a range is listed.
  plan.ranges_.reserve(ranges.size());
  for (const store::ConversationSummary& summary : plan.conversations_) {
    if (auto it = ranges.find(summary.id); it != ranges.end()) plan.ranges_.push_back(it->second);
  }
  std::unordered_set<int64_t> member_of;
  member_of.reserve(states->memberships.size());
  for (const store::MembershipState& state : states->memberships) {
    member_of.insert(state.conversation_id);
  }
  for (const auto& [conversation_id, seq] : seen) {
    if (!member_of.contains(conversation_id)) plan.removed_.push_back(conversation_id);
  }
  std::sort(plan.removed_.begin(), plan.removed_.end());
  std::sort(plan.incomplete_.begin(), plan.incomplete_.end());
  return plan;
}

bool CatchUp::PlanReplay(const store::MembershipState& state, int64_t cursor, int sync_limit,
                         std::unordered_map<int64_t, store::SeqRange>& ranges) {
  // A member who joined late replays from their join on, never what came before.
  int64_t after = std::max(cursor, state.first_seq - 1);
  bool missed = false;
  if (state.pruned_through > after) {
    pruned_.emplace(state.conversation_id, PrunedRange{after + 1, state.pruned_through});
    after = state.pruned_through;
    missed = true;
  }
  if (state.last_seq > after) {
    const int64_t until = std::min<int64_t>(state.last_seq, after + sync_limit);
    if (until != state.last_seq) incomplete_.push_back(state.conversation_id);
    ranges.emplace(state.conversation_id, store::SeqRange{state.conversation_id, after, until});
    missed = true;
  }
  return missed;
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
