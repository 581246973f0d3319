#include "store/sql/sql_write_txn.h"

#include <algorithm>
#include <utility>

#include "base/clock.h"
#include "store/sql/message_extras.h"
#include "store/sql/rows.h"

namespace parley::store::sql {

Status SqlWriteTxn::RunSql(std::string_view sql) {
  Result<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->Run();
}

Status SqlWriteTxn::RunSqlLater(std::string_view sql) {
  Result<Statement> stmt = db_.Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->RunLater();
}

// --- the rules clock ---

Result<int64_t> SqlWriteTxn::LockRules(RulesLock mode) {
  return Guarded<int64_t>([&]() -> Result<int64_t> {
    const sql::RowLock lock =
        mode == RulesLock::kShared ? sql::RowLock::kShared : sql::RowLock::kExclusive;
    const std::string query =
        "SELECT version FROM rules_clock WHERE id = 1" + std::string(db_.RowLockClause(lock));
    Result<int64_t> version = db_.QueryInt(query);
    if (!version.ok()) return StoreFailure("LockRules", version.status());
    return *version;
  });
}

Status SqlWriteTxn::BumpRules() {
  Result<bool> bumped = Guarded<bool>([&]() -> Result<bool> {
    Result<Statement> bump =
        db_.Prepare("UPDATE rules_clock SET version = version + 1 WHERE id = 1 RETURNING 1");
    if (!bump.ok()) return StoreFailure("BumpRules", bump.status());
    Result<bool> row = bump->Step();
    if (!row.ok()) return StoreFailure("BumpRules", row.status());
    if (!*row) return StoreFailure("BumpRules", Status(Code::kInternal, "no rules clock"));
    if (Status s = bump->Run(); !s.ok()) return StoreFailure("BumpRules", s);
    return true;
  });
  return bumped.status();
}

// --- direct conversations ---

Result<int64_t> SqlWriteTxn::DirectConversation(int64_t user_a, int64_t user_b) {
  return Guarded<int64_t>([&]() -> Result<int64_t> {
    if (user_a == user_b) {
      return Status(Code::kInvalidArgument, "a direct conversation needs two distinct users");
    }
    // Plain variables, not a structured binding: clang 14 cannot capture one in a lambda.
    const int64_t low = std::min(user_a, user_b);
    const int64_t high = std::max(user_a, user_b);
    const std::string key = std::to_string(low) + ":" + std::to_string(high);
    return FindOrCreateKeyed("DirectConversation", ConversationKind::kDirect, key, {low, high});
  });
}

Result<int64_t> SqlWriteTxn::FindOrCreateKeyed(std::string_view op, ConversationKind kind,
                                               const std::string& key,
                                               std::initializer_list<int64_t> members) {
  Result<int64_t> existing = FindKeyed(key);
  if (existing.ok() || existing.status().code() != Code::kNotFound) return existing;
  Result<int64_t> created =
      InSavepoint<int64_t>(op, [&] { return CreateKeyed(op, kind, key, members); });
  // kConflict: a writer on another node created it since; its commit is visible now.
  if (!created.ok() && created.status().code() == Code::kConflict) return FindKeyed(key);
  return created;
}

Result<int64_t> SqlWriteTxn::FindKeyed(const std::string& key) {
  Result<Statement> stmt = db_.Prepare("SELECT id FROM conversations WHERE direct_key = ?1");
  if (!stmt.ok()) return StoreFailure("FindConversation", stmt.status());
  stmt->BindText(1, key);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure("FindConversation", row.status());
  if (!*row) return Status(Code::kNotFound, "no direct conversation yet");
  return stmt->ColumnInt(0);
}

// Creates a conversation of `kind` under the unique `key` with `members` (one or two users).
Result<int64_t> SqlWriteTxn::CreateKeyed(std::string_view op, ConversationKind kind,
                                         const std::string& key,
                                         std::initializer_list<int64_t> members) {
  const int64_t now = NowMillis();
  Result<Statement> insert = db_.Prepare(
      "INSERT INTO conversations (kind, direct_key, created_at, last_activity_at) "
      "VALUES (?1, ?2, ?3, ?3) RETURNING id");
  if (!insert.ok()) return StoreFailure(op, insert.status());
  insert->BindInt(1, static_cast<int64_t>(kind));
  insert->BindText(2, key);
  insert->BindInt(3, now);
  Result<bool> row = insert->Step();
  if (!row.ok()) {
    if (insert->IsUniqueViolation()) return Status(Code::kConflict, "conversation exists");
    return StoreFailure(op, row.status());
  }
  if (!*row) return StoreFailure(op, Status(Code::kInternal, "no id returned"));
  const int64_t id = insert->ColumnInt(0);
  if (Status s = insert->Run(); !s.ok()) return StoreFailure(op, s);

  for (int64_t user_id : members) {
    Result<Statement> member = db_.Prepare(
        "INSERT INTO members (conversation_id, user_id, joined_at) VALUES (?1, ?2, ?3)");
    if (!member.ok()) return StoreFailure(op, member.status());
    member->BindInt(1, id);
    member->BindInt(2, user_id);
    member->BindInt(3, now);
    if (Status s = member->Run(); !s.ok()) {
      if (member->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such user");
      return StoreFailure(op, s);
    }
  }
  return id;
}

// --- members and messages ---

Result<bool> SqlWriteTxn::ConversationExists(std::string_view op, int64_t conversation_id) {
  Result<Statement> stmt = db_.Prepare("SELECT 1 FROM conversations WHERE id = ?1");
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, conversation_id);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  return *row;
}

Result<std::vector<Member>> SqlWriteTxn::Members(int64_t conversation_id) {
  return Guarded<std::vector<Member>>([&]() -> Result<std::vector<Member>> {
    Result<Statement> stmt = db_.Prepare("SELECT " PARLEY_MEMBER_COLUMNS
                                         " FROM members WHERE conversation_id = ?1 "
                                         "ORDER BY user_id");
    if (!stmt.ok()) return StoreFailure("Members", stmt.status());
    stmt->BindInt(1, conversation_id);
    Result<std::vector<Member>> members = ReadAll("Members", *stmt, &ReadMember);
    if (!members.ok() || !members->empty()) return members;
    // No members: tell a memberless conversation from a missing one.
    Result<bool> exists = ConversationExists("Members", conversation_id);
    if (!exists.ok()) return exists.status();
    if (!*exists) return Status(Code::kNotFound, "no such conversation");
    return members;
  });
}

Result<std::optional<Message>> SqlWriteTxn::FindByClientId(int64_t sender_id,
                                                           std::string_view client_id) {
  using R = std::optional<Message>;
  return Guarded<R>([&]() -> Result<R> {
    Result<Statement> stmt = db_.Prepare("SELECT " PARLEY_MESSAGE_COLUMNS
                                         " FROM messages WHERE sender_id = ?1 AND client_id = ?2");
    if (!stmt.ok()) return StoreFailure("FindByClientId", stmt.status());
    stmt->BindInt(1, sender_id);
    stmt->BindText(2, client_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("FindByClientId", row.status());
    if (!*row) return R();
    Message message = ReadMessage(*stmt);
    if (Status s = FillMedia("FindByClientId", db_, message); !s.ok()) return s;
    return R(std::move(message));
  });
}

Result<Message> SqlWriteTxn::Append(Message message) {
  return Guarded<Message>([&] {
    return InSavepoint<Message>("Append", [&] { return AppendRow(std::move(message)); });
  });
}

// Takes the conversation's next seq and stores the message under it. The caller's savepoint
// undoes the seq bump if the insert fails, which keeps seq dense. Ops take a seq but leave the
// content counters and the conversation's activity time alone.
Result<Message> SqlWriteTxn::AppendRow(Message message) {
  constexpr std::string_view kOp = "Append";
  const bool content = IsContentKind(message.kind);
  Result<int64_t> stamp = SyncStamp(kOp);
  if (!stamp.ok()) return stamp.status();
  Result<Statement> bump = db_.Prepare(
      "UPDATE conversations SET last_seq = last_seq + 1, content_count = content_count + ?3, "
      "last_content_seq = CASE WHEN ?3 = 1 THEN last_seq + 1 ELSE last_content_seq END, "
      "last_activity_at = CASE WHEN ?3 = 1 AND ?2 > last_activity_at THEN ?2 "
      "ELSE last_activity_at END, "
      "changed = ?4 WHERE id = ?1 RETURNING last_seq, content_count");
  if (!bump.ok()) return StoreFailure(kOp, bump.status());
  bump->BindInt(1, message.conversation_id);
  bump->BindInt(2, message.created_at);
  bump->BindInt(3, content ? 1 : 0);
  bump->BindInt(4, *stamp);
  Result<bool> row = bump->Step();
  if (!row.ok()) return StoreFailure(kOp, row.status());
  if (!*row) return Status(Code::kNotFound, "no such conversation");
  message.seq = bump->ColumnInt(0);
  const int64_t content_count = bump->ColumnInt(1);
  if (Status s = bump->Run(); !s.ok()) return StoreFailure(kOp, s);

  Result<Statement> insert = db_.Prepare(
      "INSERT INTO messages (" PARLEY_MESSAGE_COLUMNS
      ", content_count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?15, ?14)");
  if (!insert.ok()) return StoreFailure(kOp, insert.status());
  insert->BindInt(1, message.conversation_id);
  insert->BindInt(2, message.seq);
  insert->BindInt(3, message.sender_id);
  insert->BindText(4, message.client_id);
  insert->BindText(5, message.text);
  insert->BindInt(6, message.created_at);
  insert->BindInt(7, static_cast<int64_t>(message.kind));
  insert->BindText(8, message.media ? message.media->id : "");
  insert->BindInt(9, message.reply_to);
  insert->BindInt(10, message.target);
  insert->BindInt(11, message.on ? 1 : 0);
  insert->BindInt(12, message.edited_at);
  insert->BindInt(13, message.deleted ? 1 : 0);
  insert->BindInt(14, content_count);
  insert->BindInt(15, message.sticker);
  if (Status s = insert->Run(); !s.ok()) {
    if (insert->IsUniqueViolation()) {
      return Status(Code::kConflict, "client id already used by this sender");
    }
    if (insert->IsForeignKeyViolation()) return Status(Code::kNotFound, "no such sender");
    return StoreFailure(kOp, s);
  }
  if (message.kind == MessageKind::kText || message.kind == MessageKind::kSticker) {
    if (Status s = QueueForSearch(kOp, message.conversation_id, message.seq); !s.ok()) return s;
  }
  if (message.reply_to != 0) {
    Result<Quote> quote = ReadQuote(kOp, db_, message.conversation_id, message.reply_to);
    if (!quote.ok()) return quote.status();
    message.quote = std::move(*quote);
  }
  return message;
}

Result<int64_t> SqlWriteTxn::SyncStamp(std::string_view op) {
  if (sync_stamp_ != 0) return sync_stamp_;
  Result<Statement> bump =
      db_.Prepare("UPDATE sync_clock SET version = version + 1 RETURNING version");
  if (!bump.ok()) return StoreFailure(op, bump.status());
  Result<bool> row = bump->Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  if (!*row) return StoreFailure(op, Status(Code::kInternal, "no sync clock"));
  const int64_t stamp = bump->ColumnInt(0);
  if (Status s = bump->Run(); !s.ok()) return StoreFailure(op, s);
  sync_stamp_ = stamp;
  return stamp;
}

// --- cursors ---

// The Append of `seq` stamped the conversation with this transaction's sync count already
// (AppendRow), which is all the other members need to see of it.
Status SqlWriteTxn::SenderRead(int64_t conversation_id, int64_t user_id, int64_t seq) {
  return Guarded<bool>([&]() -> Result<bool> {
           Result<int64_t> stamp = SyncStamp("SenderRead");
           if (!stamp.ok()) return stamp.status();
           Result<Statement> update = db_.Prepare(
               "UPDATE members SET delivered_seq = CASE WHEN delivered_seq < ?3 THEN ?3 "
               "ELSE delivered_seq END, read_seq = CASE WHEN read_seq < ?3 THEN ?3 ELSE read_seq "
               "END, "
               "changed = ?4 WHERE conversation_id = ?1 AND user_id = ?2");
           if (!update.ok()) return StoreFailure("SenderRead", update.status());
           update->BindInt(1, conversation_id);
           update->BindInt(2, user_id);
           update->BindInt(3, seq);
           update->BindInt(4, *stamp);
           if (Status s = update->RunLater(); !s.ok()) return StoreFailure("SenderRead", s);
           return true;
         })
      .status();
}

Result<CursorAdvance> SqlWriteTxn::AdvanceCursors(int64_t conversation_id, int64_t user_id,
                                                  int64_t delivered_seq, int64_t read_seq) {
  return Guarded<CursorAdvance>([&]() -> Result<CursorAdvance> {
    Result<Statement> current =
        db_.Prepare("SELECT " PARLEY_MEMBER_COLUMNS
                    ", (SELECT last_seq FROM conversations WHERE id = ?1), "
                    "(SELECT kind FROM conversations WHERE id = ?1), "
                    "(SELECT changed FROM conversations WHERE id = ?1) "
                    "FROM members WHERE conversation_id = ?1 AND user_id = ?2");
    if (!current.ok()) return StoreFailure("AdvanceCursors", current.status());
    current->BindInt(1, conversation_id);
    current->BindInt(2, user_id);
    Result<bool> row = current->Step();
    if (!row.ok()) return StoreFailure("AdvanceCursors", row.status());
    if (!*row) return Status(Code::kNotFound, "not a member of this conversation");
    CursorAdvance advance{ReadMember(*current), false};
    const int64_t last_seq = current->ColumnInt(kMemberColumnCount);
    const bool group = current->ColumnInt(kMemberColumnCount + 1) ==
                       static_cast<int64_t>(ConversationKind::kGroup);
    const int64_t conversation_stamp = current->ColumnInt(kMemberColumnCount + 2);
    if (Status s = current->Run(); !s.ok()) return StoreFailure("AdvanceCursors", s);

    Member& member = advance.member;
    const int64_t read = std::max(member.read_seq, std::min(read_seq, last_seq));
    // Reading implies delivery.
    const int64_t delivered =
        std::max(member.delivered_seq, std::min(std::max(delivered_seq, read_seq), last_seq));
    if (read == member.read_seq && delivered == member.delivered_seq) return advance;

    Result<int64_t> stamp = SyncStamp("AdvanceCursors");
    if (!stamp.ok()) return stamp.status();
    Result<Statement> update = db_.Prepare(
        "UPDATE members SET delivered_seq = ?3, read_seq = ?4, changed = ?5 "
        "WHERE conversation_id = ?1 AND user_id = ?2");
    if (!update.ok()) return StoreFailure("AdvanceCursors", update.status());
    update->BindInt(1, conversation_id);
    update->BindInt(2, user_id);
    update->BindInt(3, delivered);
    update->BindInt(4, read);
    update->BindInt(5, *stamp);
    if (Status s = update->RunLater(); !s.ok()) return StoreFailure("AdvanceCursors", s);
    // What the other members see of it: a direct member's cursors, a group member reaching
    // last_seq (read_by). A message of this transaction may have stamped it already.
    const bool seen_by_others = !group || (member.read_seq < last_seq && read >= last_seq);
    if (seen_by_others && conversation_stamp != *stamp) {
      Result<Statement> seen = db_.Prepare("UPDATE conversations SET changed = ?2 WHERE id = ?1");
      if (!seen.ok()) return StoreFailure("AdvanceCursors", seen.status());
      seen->BindInt(1, conversation_id);
      seen->BindInt(2, *stamp);
      if (Status s = seen->RunLater(); !s.ok()) return StoreFailure("AdvanceCursors", s);
    }
    member.delivered_seq = delivered;
    member.read_seq = read;
    advance.moved = true;
    return advance;
  });
}

}  // namespace parley::store::sql

namespace parley::store::sql {

// --- composite operations and rule lookups ---

Status SqlWriteTxn::Atomically(const std::function<Status()>& body) {
  Result<bool> done = Guarded<bool>([&]() -> Result<bool> {
    return InSavepoint<bool>("Atomically", [&]() -> Result<bool> {
      Status status = body();
      if (!status.ok()) return status;
      return true;
    });
  });
  return done.ok() ? Status::Ok() : done.status();
}

Result<bool> SqlWriteTxn::Exists(std::string_view op, std::string_view sql, int64_t first,
                                 int64_t second) {
  return Guarded<bool>([&]() -> Result<bool> {
    Result<Statement> stmt = db_.Prepare(sql);
    if (!stmt.ok()) return StoreFailure(op, stmt.status());
    stmt->BindInt(1, first);
    stmt->BindInt(2, second);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(op, row.status());
    return *row;
  });
}

Result<ConversationKind> SqlWriteTxn::KindOf(int64_t conversation_id) {
  return Guarded<ConversationKind>([&]() -> Result<ConversationKind> {
    Result<Statement> stmt =
        db_.Prepare("SELECT kind FROM conversations WHERE id = ?1 AND deleted = 0");
    if (!stmt.ok()) return StoreFailure("KindOf", stmt.status());
    stmt->BindInt(1, conversation_id);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure("KindOf", row.status());
    if (!*row) return Status(Code::kNotFound, "no such conversation");
    return static_cast<ConversationKind>(stmt->ColumnInt(0));
  });
}

Result<bool> SqlWriteTxn::AreFriends(int64_t user_a, int64_t user_b) {
  return Exists("AreFriends", "SELECT 1 FROM friendships WHERE user_id = ?1 AND friend_id = ?2",
                user_a, user_b);
}

Result<bool> SqlWriteTxn::HasBlocked(int64_t blocker, int64_t blocked) {
  return Exists("HasBlocked", "SELECT 1 FROM blocks WHERE blocker_id = ?1 AND blocked_id = ?2",
                blocker, blocked);
}

Result<std::vector<int64_t>> SqlWriteTxn::BlockPeers(int64_t user_id) {
  return Guarded<std::vector<int64_t>>([&]() -> Result<std::vector<int64_t>> {
    Result<Statement> stmt = db_.Prepare(
        "SELECT blocked_id FROM blocks WHERE blocker_id = ?1 UNION "
        "SELECT blocker_id FROM blocks WHERE blocked_id = ?1 ORDER BY 1");
    if (!stmt.ok()) return StoreFailure("BlockPeers", stmt.status());
    stmt->BindInt(1, user_id);
    std::vector<int64_t> ids;
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row.ok()) return StoreFailure("BlockPeers", row.status());
      if (!*row) return ids;
      ids.push_back(stmt->ColumnInt(0));
    }
  });
}

// --- system conversations ---

Result<int64_t> SqlWriteTxn::SystemConversation(int64_t user_id) {
  return Guarded<int64_t>([&]() -> Result<int64_t> {
    const std::string key = "system:" + std::to_string(user_id);
    return FindOrCreateKeyed("SystemConversation", ConversationKind::kSystem, key, {user_id});
  });
}

}  // namespace parley::store::sql
