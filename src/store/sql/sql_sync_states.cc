// SqlStore::ReadSyncStates: a device's sync from one read transaction. The change counts
// come from migration 16 (sync_clock and the `changed` columns its triggers keep); the epoch is
// the store's own, drawn at open, so a point handed out before a restart (when a restored
// backup may have taken the counter back) is never compared with this one's counts.
#include <algorithm>
#include <unordered_set>

#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace parley::store::sql {
namespace {

constexpr std::string_view kSyncStatesOp = "SyncStates";

// Every membership of `user_id`, `changed` when its state changed after count `after`.
Result<std::vector<MembershipState>> ReadMemberships(Db& db, int64_t user_id, int64_t after) {
  Result<Statement> stmt = db.Prepare(
      "SELECT m.conversation_id, c.last_seq, m.first_seq, c.pruned_through, "
      "(c.changed > ?2 OR m.changed > ?2) "
      "FROM members AS m JOIN conversations AS c ON c.id = m.conversation_id "
      "WHERE m.user_id = ?1");
  if (!stmt.ok()) return StoreFailure(kSyncStatesOp, stmt.status());
  stmt->BindInt(1, user_id);
  stmt->BindInt(2, after);
  std::vector<MembershipState> memberships;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(kSyncStatesOp, row.status());
    if (!*row) return memberships;
    memberships.push_back(MembershipState{stmt->ColumnInt(0), stmt->ColumnInt(1),
                                          stmt->ColumnInt(2), stmt->ColumnInt(3),
                                          stmt->ColumnInt(4) != 0});
  }
}

// The summary of one membership: its state, the other member of a direct conversation, a
// group's counts. Three primary-key reads (a group's counts read its member rows).
Result<ConversationSummary> ReadOneSummary(Db& db, int64_t user_id, int64_t conversation_id) {
  Result<Statement> state =
      db.Prepare("SELECT " PARLEY_SUMMARY_STATE_COLUMNS
                 " FROM members AS m JOIN conversations AS c ON c.id = m.conversation_id "
                 "WHERE m.conversation_id = ?1 AND m.user_id = ?2");
  if (!state.ok()) return StoreFailure(kSyncStatesOp, state.status());
  state->BindInt(1, conversation_id);
  state->BindInt(2, user_id);
  Result<bool> row = state->Step();
  if (!row.ok()) return StoreFailure(kSyncStatesOp, row.status());
  if (!*row)
    return StoreFailure(kSyncStatesOp, Status(Code::kInternal, "a membership left the snapshot"));
  ConversationSummary summary;
  ReadSummaryState(*state, user_id, summary);
  state->Reset();

  const bool group = summary.kind == ConversationKind::kGroup;
  Result<Statement> others =
      group ? db.Prepare(
                  "SELECT count(*), count(*) FILTER (WHERE user_id != ?2 AND read_seq >= ?3) "
                  "FROM members WHERE conversation_id = ?1")
            : db.Prepare("SELECT " PARLEY_MEMBER_COLUMNS
                         " FROM members WHERE conversation_id = ?1 AND user_id != ?2 "
                         "ORDER BY user_id");
  if (!others.ok()) return StoreFailure(kSyncStatesOp, others.status());
  others->BindInt(1, conversation_id);
  others->BindInt(2, user_id);
  if (group) others->BindInt(3, summary.last_seq);
  for (;;) {
    Result<bool> next = others->Step();
    if (!next.ok()) return StoreFailure(kSyncStatesOp, next.status());
    if (!*next) break;
    if (group) {
      summary.member_count = others->ColumnInt(0);
      summary.read_by = others->ColumnInt(1);
    } else {
      summary.others.push_back(ReadMember(*others));
    }
  }
  others->Reset();
  return summary;
}

}  // namespace

Result<SyncStates> SqlStore::ReadSyncStates(
    int64_t user_id, const std::optional<SyncPoint>& since,
    const std::function<bool(const MembershipState&)>& select) {
  return WithReader(kSyncStatesOp, [&](Db& db) -> Result<SyncStates> {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kRead); !s.ok())
      return StoreFailure(kSyncStatesOp, s);
    SyncStates out;
    Result<int64_t> version = db.QueryInt("SELECT version FROM sync_clock");
    if (!version.ok()) return StoreFailure(kSyncStatesOp, version.status());
    out.point = SyncPoint{sync_epoch_, *version};
    out.since_accepted = since && since->epoch == sync_epoch_ && since->version <= *version;
    // Counts start at 0: after -1, everything counts as changed.
    Result<std::vector<MembershipState>> memberships =
        ReadMemberships(db, user_id, out.since_accepted ? since->version : -1);
    if (!memberships.ok()) return memberships.status();
    out.memberships = std::move(*memberships);

    std::vector<int64_t> selected;
    for (const MembershipState& membership : out.memberships) {
      if (select(membership)) selected.push_back(membership.conversation_id);
    }
    if (selected.size() * 4 >= out.memberships.size()) {
      // Most of the list: the whole-list statements cost less than one read per conversation.
      Result<std::vector<ConversationSummary>> all =
          ListConversationsOn(db, user_id, /*with_last_messages=*/false);
      if (!all.ok()) return all.status();
      if (selected.size() != out.memberships.size()) {
        const std::unordered_set<int64_t> wanted(selected.begin(), selected.end());
        std::erase_if(*all, [&](const ConversationSummary& c) { return !wanted.contains(c.id); });
      }
      out.summaries = std::move(*all);
      if (Status s = FillOthers(db, user_id, out.summaries); !s.ok()) return s;
      if (Status s = FillGroupCounts(db, user_id, out.summaries); !s.ok()) return s;
    } else {
      out.summaries.reserve(selected.size());
      for (int64_t conversation_id : selected) {
        Result<ConversationSummary> summary = ReadOneSummary(db, user_id, conversation_id);
        if (!summary.ok()) return summary.status();
        out.summaries.push_back(std::move(*summary));
      }
      std::sort(out.summaries.begin(), out.summaries.end(),
                [](const ConversationSummary& a, const ConversationSummary& b) {
                  if (a.last_activity_at != b.last_activity_at) {
                    return a.last_activity_at > b.last_activity_at;
                  }
                  return a.id > b.id;
                });
    }
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure(kSyncStatesOp, s);
    return out;
  });
}

}  // namespace parley::store::sql
