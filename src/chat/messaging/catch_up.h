// CatchUp: what one device missed since its cursors (docs/protocol.md, "hello"), planned once
// and then read from the store a page at a time, as fast as the device takes it. A session
// holds the plan (a seq range per conversation), never the missed messages themselves, so a
// device that stops reading costs a page of memory, not its whole backlog.
//
// The plan is made after the device is attached to the Hub: everything committed later reaches
// it live, everything before is in the plan's ranges (a message can come both ways; clients
// deduplicate by (conversation_id, seq)). Per conversation the range is (after, until], where
// `after` is the device's cursor (0 when not listed; never before the member's first_seq) and
// `until` is at most `sync_limit` messages further; `complete` says whether that reached the
// conversation's last seq. A cursor inside the range the retention policy removed
// (ConversationSummary::pruned_through) starts after it instead, and `pruned` names what the
// device missed there for good.
//
// Sync deltas: `since` is the token of the device's last `synced` (sync_token.h). When it is
// this user's and the store accepts its point, conversations() lists only those whose state
// changed after it, or that have something to replay or a pruned range; otherwise (no token,
// a malformed, foreign or future one) every conversation, and delta() is false. Either way
// removed() names the cursors' conversations the user is no longer in, and since() is the
// token for the next hello: the point of the snapshot the list was read from, so a change
// committed during the sync is after it and listed again next time (besides reaching the
// device live).
//
// Thread-safety: none. Plan and NextPage block on the store: call them from a worker thread,
// one call at a time; the plan may move between threads between calls.
#ifndef PARLEY_CHAT_MESSAGING_CATCH_UP_H_
#define PARLEY_CHAT_MESSAGING_CATCH_UP_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "store/store.h"
#include "store/types.h"

namespace parley::chat {

struct Cursor {
  int64_t conversation_id = 0;
  int64_t seq = 0;
};

// Messages from..through (seqs, inclusive) that the retention policy removed.
struct PrunedRange {
  int64_t from = 1;
  int64_t through = 0;
};

class CatchUp {
 public:
  // Lists the user's conversations (those changed since `since`, when it is accepted; empty:
  // no token) and plans what to replay of each.
  static Result<CatchUp> Plan(store::Store& store, int64_t user_id, std::span<const Cursor> cursors,
                              std::string_view since, int sync_limit);

  // The conversations for `synced` (cursors and counts, no last messages), in the list's order
  // (most recent activity first): every one, or with delta() only those changed since the
  // device's token.
  const std::vector<store::ConversationSummary>& conversations() const { return conversations_; }
  // Whether the replay of `conversation_id` reaches its last seq (false: more were missed than
  // sync_limit).
  bool complete(int64_t conversation_id) const;
  // The removed messages between the device's cursor and what remains, if there were any.
  std::optional<PrunedRange> pruned(int64_t conversation_id) const;
  bool delta() const { return delta_; }
  // The cursors' conversations the user is not in (left, removed, deleted; never was), ascending.
  const std::vector<int64_t>& removed() const { return removed_; }
  // The token for the device's next hello.
  const std::string& since() const { return since_; }
  // Drops the summaries once `synced` is encoded: the ranges are all a session keeps.
  void ReleaseConversations() {
    std::vector<store::ConversationSummary>().swap(conversations_);
    std::vector<int64_t>().swap(removed_);
    std::string().swap(since_);
  }

  bool done() const { return next_range_ == ranges_.size(); }
  // Up to `max_messages` missed messages, conversation by conversation, ascending seq within
  // each, read in one store call; empty once done().
  Result<std::vector<store::Message>> NextPage(store::Store& store, int max_messages);

 private:
  // Plans the replay of one membership from the device's cursor into `ranges` (and pruned_,
  // incomplete_); whether the device missed anything there.
  bool PlanReplay(const store::MembershipState& state, int64_t cursor, int sync_limit,
                  std::unordered_map<int64_t, store::SeqRange>& ranges);

  std::vector<store::ConversationSummary> conversations_;
  bool delta_ = false;
  std::vector<int64_t> removed_;
  std::string since_;
  std::vector<int64_t> incomplete_;  // sorted ids of conversations cut at sync_limit
  std::unordered_map<int64_t, PrunedRange> pruned_;  // conversations whose cursor was pruned
  std::vector<store::SeqRange> ranges_;              // only conversations with something to replay
  size_t next_range_ = 0;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MESSAGING_CATCH_UP_H_
