// The SqlStore's conversation and message reads. They run on pooled read connections and
// never wait for the writer (WAL).
#include <algorithm>
#include <unordered_map>
#include <utility>

#include "store/sql/message_extras.h"
#include "store/sql/rows.h"
#include "store/sql/sql_store.h"

namespace parley::store::sql {
namespace {

// The messages `stmt` yields (PARLEY_MESSAGE_COLUMNS) with their quotes and reactions. The
// statement is finished before the extras are read.
Result<std::vector<Message>> ReadDecorated(std::string_view op, Db& db, Statement& stmt) {
  Result<std::vector<Message>> messages = ReadAll(op, stmt, &ReadMessage);
  if (!messages.ok()) return messages;
  stmt.Reset();
  if (Status s = FillMedia(op, db, *messages); !s.ok()) return s;
  if (Status s = FillQuotesAndReactions(op, db, *messages); !s.ok()) return s;
  return messages;
}

}  // namespace

Result<std::optional<Member>> SqlStore::FindMember(int64_t conversation_id, int64_t user_id) {
  using R = std::optional<Member>;
  return WithReader("FindMember", [&](Db& db) -> Result<R> {
    Result<Statement> stmt =
        db.Prepare("SELECT " PARLEY_MEMBER_COLUMNS
                   " FROM members WHERE conversation_id = ?1 AND user_id = ?2");
    if (!stmt.ok()) return StoreFailure("FindMember", stmt.status());
    stmt->BindInt(1, conversation_id);
    stmt->BindInt(2, user_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindMember", row.status());
    if (!*row) return R();
    return R(ReadMember(*stmt));
  });
}

Result<std::vector<Message>> SqlStore::MessagesAfter(int64_t conversation_id, int64_t after_seq,
                                                     int limit) {
  if (limit <= 0) return std::vector<Message>();
  return WithReader("MessagesAfter", [&](Db& db) -> Result<std::vector<Message>> {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_MESSAGE_COLUMNS
                                        " FROM messages WHERE conversation_id = ?1 AND seq > ?2 "
                                        "ORDER BY seq LIMIT ?3");
    if (!stmt.ok()) return StoreFailure("MessagesAfter", stmt.status());
    stmt->BindInt(1, conversation_id);
    stmt->BindInt(2, after_seq);
    stmt->BindInt(3, limit);
    return ReadDecorated("MessagesAfter", db, *stmt);
  });
}

// One read transaction, so that the ranges come from one snapshot and the connection locks
// the database once, not once per range.
Result<std::vector<Message>> SqlStore::MessagesInRanges(std::span<const SeqRange> ranges,
                                                        int max_messages) {
  constexpr std::string_view kOp = "MessagesInRanges";
  return WithReader(kOp, [&](Db& db) -> Result<std::vector<Message>> {
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kRead); !s.ok()) return StoreFailure(kOp, s);
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_MESSAGE_COLUMNS
                                        " FROM messages WHERE conversation_id = ?1 AND seq > ?2 "
                                        "AND seq <= ?3 ORDER BY seq LIMIT ?4");
    if (!stmt.ok()) return StoreFailure(kOp, stmt.status());
    std::vector<Message> messages;
    for (const SeqRange& range : ranges) {
      const int64_t room = max_messages - static_cast<int64_t>(messages.size());
      if (room <= 0) break;
      stmt->Reset();
      stmt->BindInt(1, range.conversation_id);
      stmt->BindInt(2, range.after);
      stmt->BindInt(3, range.until);
      stmt->BindInt(4, room);
      for (;;) {
        Result<bool> row = stmt->Step();
        if (!row.ok()) return StoreFailure(kOp, row.status());
        if (!*row) break;
        messages.push_back(ReadMessage(*stmt, 0));
      }
    }
    stmt->Reset();
    if (Status s = FillMedia(kOp, db, messages); !s.ok()) return s;
    if (Status s = FillQuotesAndReactions(kOp, db, messages); !s.ok()) return s;
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure(kOp, s);
    return messages;
  });
}

Result<std::vector<Message>> SqlStore::MessagesBefore(int64_t conversation_id, int64_t before_seq,
                                                      int limit) {
  if (limit <= 0) return std::vector<Message>();
  return WithReader("MessagesBefore", [&](Db& db) -> Result<std::vector<Message>> {
    // Newest first to take the `limit` closest to before_seq, then flipped to ascending.
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_MESSAGE_COLUMNS
                                        " FROM messages WHERE conversation_id = ?1 AND seq < ?2 "
                                        "ORDER BY seq DESC LIMIT ?3");
    if (!stmt.ok()) return StoreFailure("MessagesBefore", stmt.status());
    stmt->BindInt(1, conversation_id);
    stmt->BindInt(2, before_seq);
    stmt->BindInt(3, limit);
    Result<std::vector<Message>> messages = ReadDecorated("MessagesBefore", db, *stmt);
    if (messages.ok()) std::reverse(messages->begin(), messages->end());
    return messages;
  });
}

Result<std::vector<ConversationSummary>> SqlStore::ListConversations(int64_t user_id) {
  return ReadConversationList(user_id, /*with_last_messages=*/true);
}

Result<std::vector<ConversationSummary>> SqlStore::ListConversationStates(int64_t user_id) {
  return ReadConversationList(user_id, /*with_last_messages=*/false);
}

Result<std::vector<ConversationSummary>> SqlStore::ReadConversationList(int64_t user_id,
                                                                        bool with_last_messages) {
  return WithReader("ListConversations", [&](Db& db) -> Result<std::vector<ConversationSummary>> {
    // One read transaction: the summaries and the other members' cursors come from the same
    // snapshot.
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kRead); !s.ok()) {
      return StoreFailure("ListConversations", s);
    }
    Result<std::vector<ConversationSummary>> summaries =
        ListConversationsOn(db, user_id, with_last_messages);
    if (!summaries.ok()) return summaries;
    if (Status s = FillOthers(db, user_id, *summaries); !s.ok()) return s;
    if (Status s = FillGroupCounts(db, user_id, *summaries); !s.ok()) return s;
    if (with_last_messages) {
      if (Status s = FillLastMessageExtras(db, user_id, *summaries); !s.ok()) return s;
    }
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure("ListConversations", s);
    return summaries;
  });
}

// The user's memberships (index members_by_user), each joined to its conversation by primary
// key and, `with_last_messages`, to its last content message by primary key
// (conversation_id, last_content_seq) and to the message at the read cursor by primary key (its
// content_count gives unread by one subtraction; a cursor inside the pruned range counts from
// pruned_content_count, the last pruned message's): no scan of messages, cost proportional to
// the number of the user's conversations.
Result<std::vector<ConversationSummary>> SqlStore::ListConversationsOn(Db& db, int64_t user_id,
                                                                       bool with_last_messages) {
  constexpr const char* kStates =
      "SELECT " PARLEY_SUMMARY_STATE_COLUMNS
      " FROM members AS m JOIN conversations AS c ON c.id = m.conversation_id "
      "WHERE m.user_id = ?1 "
      "ORDER BY c.last_activity_at DESC, c.id DESC";
  constexpr const char* kWithLastMessages =
      "SELECT " PARLEY_SUMMARY_STATE_COLUMNS
      ", c.content_count - CASE WHEN coalesce(r.content_count, 0) > c.pruned_content_count "
      "THEN coalesce(r.content_count, 0) ELSE c.pruned_content_count END, "
      "msg.conversation_id, msg.seq, msg.sender_id, msg.client_id, msg.text, msg.created_at, "
      "msg.kind, msg.media, msg.reply_to, msg.target, msg.reaction_on, msg.edited_at, "
      "msg.deleted, msg.sticker "
      "FROM members AS m "
      "JOIN conversations AS c ON c.id = m.conversation_id "
      "LEFT JOIN messages AS msg ON msg.conversation_id = c.id AND msg.seq = c.last_content_seq "
      "LEFT JOIN messages AS r ON r.conversation_id = c.id AND r.seq = m.read_seq "
      "WHERE m.user_id = ?1 "
      "ORDER BY c.last_activity_at DESC, c.id DESC";
  Result<Statement> stmt = db.Prepare(with_last_messages ? kWithLastMessages : kStates);
  if (!stmt.ok()) return StoreFailure("ListConversations", stmt.status());
  stmt->BindInt(1, user_id);
  // Summaries are large: counted first, so that thousands are built in place, never moved.
  Result<Statement> count = db.Prepare("SELECT count(*) FROM members WHERE user_id = ?1");
  if (!count.ok()) return StoreFailure("ListConversations", count.status());
  count->BindInt(1, user_id);
  Result<bool> counted = count->Step();
  if (!counted.ok()) return StoreFailure("ListConversations", counted.status());
  std::vector<ConversationSummary> summaries;
  summaries.reserve(*counted ? static_cast<size_t>(count->ColumnInt(0)) : 0);
  count->Reset();
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("ListConversations", row.status());
    if (!*row) return summaries;
    ConversationSummary& summary = summaries.emplace_back();
    ReadSummaryState(*stmt, user_id, summary);
    if (!with_last_messages) continue;
    constexpr int kUnread = kSummaryStateColumnCount;
    summary.unread = stmt->ColumnInt(kUnread);
    // A member who joined late sees no last message from before their join.
    if (!stmt->ColumnIsNull(kUnread + 1) &&
        stmt->ColumnInt(kUnread + 2) >= summary.self.first_seq) {
      summary.last_message = ReadMessage(*stmt, kUnread + 1);
    }
  }
}

// The media, quotes and reactions of the summaries' last messages. The reactions come in one
// statement joined from the user's memberships (one primary-key range per conversation inside
// SQLite), not in one query per conversation.
Status SqlStore::FillLastMessageExtras(Db& db, int64_t user_id,
                                       std::vector<ConversationSummary>& summaries) {
  std::vector<Message> last;
  last.reserve(summaries.size());
  for (ConversationSummary& summary : summaries) {
    if (summary.last_message) last.push_back(std::move(*summary.last_message));
  }
  Status s = FillMedia("ListConversations", db, last);
  if (s.ok()) s = FillQuotes("ListConversations", db, last);
  auto next = last.begin();
  for (ConversationSummary& summary : summaries) {
    if (summary.last_message) summary.last_message = std::move(*next++);
  }
  if (!s.ok()) return s;

  std::unordered_map<int64_t, Message*> last_of;
  for (ConversationSummary& summary : summaries) {
    if (summary.last_message && !summary.last_message->deleted) {
      last_of.emplace(summary.id, &*summary.last_message);
    }
  }
  if (last_of.empty()) return Status::Ok();
  Result<Statement> stmt = db.Prepare(
      "SELECT r.conversation_id, r.seq, r.emoji, r.user_id "
      "FROM members AS m JOIN conversations AS c ON c.id = m.conversation_id "
      "JOIN reactions AS r ON r.conversation_id = c.id AND r.seq = c.last_content_seq "
      "WHERE m.user_id = ?1 ORDER BY r.conversation_id, r.created_at, r.user_id");
  if (!stmt.ok()) return StoreFailure("ListConversations", stmt.status());
  stmt->BindInt(1, user_id);
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("ListConversations", row.status());
    if (!*row) return Status::Ok();
    auto it = last_of.find(stmt->ColumnInt(0));
    // Not listed: a last message from before the user joined.
    if (it == last_of.end() || it->second->seq != stmt->ColumnInt(1)) continue;
    AddReaction(*it->second, stmt->ColumnText(2), stmt->ColumnInt(3));
  }
}

// The other member of each of the user's direct conversations, in one indexed query. Groups
// are left to FillGroupCounts: listing thousands of members per group would not scale.
Status SqlStore::FillOthers(Db& db, int64_t user_id, std::vector<ConversationSummary>& summaries) {
  if (summaries.empty()) return Status::Ok();
  std::unordered_map<int64_t, size_t> index_of;
  index_of.reserve(summaries.size());
  for (size_t i = 0; i < summaries.size(); ++i) index_of.emplace(summaries[i].id, i);

  Result<Statement> stmt = db.Prepare(
      "SELECT o.conversation_id, o.user_id, o.delivered_seq, o.read_seq, o.role, o.muted_until, "
      "o.first_seq "
      "FROM members AS m JOIN conversations AS c ON c.id = m.conversation_id "
      "JOIN members AS o ON o.conversation_id = m.conversation_id "
      "WHERE m.user_id = ?1 AND c.kind != 2 AND o.user_id != ?1 "
      "ORDER BY o.conversation_id, o.user_id");
  if (!stmt.ok()) return StoreFailure("ListConversations", stmt.status());
  stmt->BindInt(1, user_id);
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("ListConversations", row.status());
    if (!*row) return Status::Ok();
    auto it = index_of.find(stmt->ColumnInt(0));
    if (it == index_of.end()) continue;  // not asked for (ReadSyncStates)
    summaries[it->second].others.push_back(ReadMember(*stmt, 1));
  }
}

// Each of the user's groups: its member count and how many other members have read up to its
// last message. One aggregate query; no member rows leave SQLite.
Status SqlStore::FillGroupCounts(Db& db, int64_t user_id,
                                 std::vector<ConversationSummary>& summaries) {
  if (summaries.empty()) return Status::Ok();
  std::unordered_map<int64_t, size_t> index_of;
  for (size_t i = 0; i < summaries.size(); ++i) {
    if (summaries[i].kind == ConversationKind::kGroup) index_of.emplace(summaries[i].id, i);
  }
  if (index_of.empty()) return Status::Ok();
  Result<Statement> stmt = db.Prepare(
      "SELECT c.id, count(*), "
      "count(*) FILTER (WHERE o.user_id != ?1 AND o.read_seq >= c.last_seq) "
      "FROM members AS m JOIN conversations AS c ON c.id = m.conversation_id "
      "JOIN members AS o ON o.conversation_id = m.conversation_id "
      "WHERE m.user_id = ?1 AND c.kind = 2 GROUP BY c.id");
  if (!stmt.ok()) return StoreFailure("ListConversations", stmt.status());
  stmt->BindInt(1, user_id);
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("ListConversations", row.status());
    if (!*row) return Status::Ok();
    auto it = index_of.find(stmt->ColumnInt(0));
    if (it == index_of.end()) continue;  // not asked for (ReadSyncStates)
    ConversationSummary& summary = summaries[it->second];
    summary.member_count = stmt->ColumnInt(1);
    summary.read_by = stmt->ColumnInt(2);
  }
}

}  // namespace parley::store::sql
