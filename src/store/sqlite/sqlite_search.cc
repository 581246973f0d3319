// SqliteStore::IndexQueuedForSearch and SearchMessages: full-text search over message_search
// (an FTS5 table using the `parley` tokenizer, see search_tokenizer.h, in the search index's
// own file: search_index.h), limited to what the user can read.
#include <chrono>
#include <utility>

#include "store/search_terms.h"
#include "store/sql/message_extras.h"
#include "store/sql/rows.h"
#include "store/sqlite/search_tokenizer.h"
#include "store/sqlite/sqlite_store.h"

namespace parley::store::sqlite {

using sql::StoreFailure;

namespace {

constexpr std::string_view kSearchOp = "SearchMessages";
// Tokens of context the snippet keeps around the hits (FTS5 allows up to 64).
constexpr int kSnippetTokens = 16;
// Indexed queue entries are deleted from search_queue by the store's writer once this many
// have gathered, or when the index has caught up and the last trim is this old: one small
// write now and then, never one per pass.
constexpr int64_t kTrimEntries = 10000;
constexpr std::chrono::seconds kTrimInterval{1};

// The user's words as an FTS5 expression that means them literally: each whitespace-separated
// term becomes a string ("..." with quotes doubled), which FTS5 tokenizes into a phrase and
// never reads as syntax (NEAR, *, ^, column filters, AND/OR/NOT). The strings are ANDed.
// Terms without any token (punctuation only) are dropped; if nothing is left, the query has
// no word to look for.
Result<std::string> MatchExpression(Db& db, std::string_view text) {
  std::string expression;
  // Words hold no control character, so no NUL (which would end the FTS5 expression early:
  // SQLite reads it as a C string).
  for (std::string_view term : SplitQueryWords(text)) {
    // The SQLite store's readers are all SqliteDb connections.
    Result<std::vector<SearchToken>> tokens =
        TokenizeForSearch(static_cast<SqliteDb&>(db).handle(), term);
    if (!tokens.ok()) return StoreFailure(kSearchOp, tokens.status());
    if (tokens->empty()) continue;
    if (!expression.empty()) expression += ' ';
    expression += '"';
    for (char c : term) {
      if (c == '"') expression += '"';
      expression += c;
    }
    expression += '"';
  }
  if (expression.empty()) return Status(Code::kInvalidArgument, "q holds no word to search for");
  return expression;
}

// Runs the search on `db` inside the caller's read transaction.
Result<SearchPage> Search(Db& db, const SearchQuery& query) {
  Result<std::string> expression = MatchExpression(db, query.text);
  if (!expression.ok()) return expression.status();
  // Newest first by (created_at, conversation_id, seq). The rowid holds conversation and seq;
  // the member join keeps only conversations the user is in, from the seq they may read on,
  // and the message row (by primary key) gives the time.
  Result<Statement> stmt = db.Prepare(
      "SELECT msg.conversation_id, msg.seq, msg.created_at, "
      "snippet(message_search, 0, ?9, ?10, '\xE2\x80\xA6', ?11) "
      "FROM search.message_search "
      "JOIN members AS m ON m.conversation_id = message_search.rowid >> 32 AND m.user_id = ?2 "
      "JOIN messages AS msg ON msg.conversation_id = message_search.rowid >> 32 "
      "AND msg.seq = (message_search.rowid & 4294967295) "
      "WHERE message_search MATCH ?1 AND message_search.rowid BETWEEN ?3 AND ?4 "
      "AND msg.seq >= m.first_seq "
      "AND (msg.created_at, msg.conversation_id, msg.seq) < (?5, ?6, ?7) "
      "ORDER BY msg.created_at DESC, msg.conversation_id DESC, msg.seq DESC LIMIT ?8");
  if (!stmt.ok()) return StoreFailure(kSearchOp, stmt.status());
  const SearchPosition before =
      query.before.value_or(SearchPosition{INT64_MAX, INT64_MAX, INT64_MAX});
  stmt->BindText(1, *expression);
  stmt->BindInt(2, query.user_id);
  stmt->BindInt(3, query.conversation_id == 0 ? 0 : query.conversation_id << 32);
  stmt->BindInt(
      4, query.conversation_id == 0 ? INT64_MAX : (query.conversation_id << 32) | 0xFFFFFFFF);
  stmt->BindInt(5, before.created_at);
  stmt->BindInt(6, before.conversation_id);
  stmt->BindInt(7, before.seq);
  stmt->BindInt(8, query.limit + 1);   // one more tells whether another page follows
  stmt->BindText(9, "\xEE\x80\x80");   // U+E000
  stmt->BindText(10, "\xEE\x80\x81");  // U+E001
  stmt->BindInt(11, kSnippetTokens);
  SearchPage page;
  std::vector<SearchPosition> positions;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(kSearchOp, row.status());
    if (!*row) break;
    positions.push_back(SearchPosition{stmt->ColumnInt(2), stmt->ColumnInt(0), stmt->ColumnInt(1)});
    page.hits.push_back(SearchHit{Message{}, stmt->ColumnText(3)});
  }
  stmt->Reset();
  if (page.hits.size() > static_cast<size_t>(query.limit)) {
    page.hits.pop_back();
    positions.pop_back();
    page.next = positions.back();
  }
  Result<std::vector<Message>> messages = sql::ReadHitMessages(kSearchOp, db, positions);
  if (!messages.ok()) return messages.status();
  for (size_t i = 0; i < messages->size(); ++i) page.hits[i].message = std::move((*messages)[i]);
  return page;
}

}  // namespace

Result<int> SqliteStore::IndexQueuedForSearch(int limit) {
  Result<IndexPass> pass = search_index_->IndexQueued(limit);
  if (!pass.ok()) return pass.status();
  const int64_t through = pass->indexed_through;
  std::lock_guard<std::mutex> lock(trim_mu_);
  const auto now = std::chrono::steady_clock::now();
  const bool caught_up = pass->indexed < limit;
  if (through - trimmed_through_ >= kTrimEntries ||
      (caught_up && through > trimmed_through_ && now - trimmed_at_ >= kTrimInterval)) {
    Status trimmed =
        WithWriter("TrimSearchQueue", [&](Db& db) { return SearchIndex::TrimQueue(db, through); });
    if (!trimmed.ok()) return trimmed;
    trimmed_through_ = through;
    trimmed_at_ = now;
  }
  return pass->indexed;
}

Result<SearchPage> SqliteStore::SearchMessages(const SearchQuery& query) {
  if (query.limit < 1) return Status(Code::kInvalidArgument, "limit must be at least 1");
  return WithReader(kSearchOp, [&](Db& db) -> Result<SearchPage> {
    // One snapshot: the index and the messages it points to agree.
    Transaction txn(db);
    if (Status s = txn.Begin(TransactionMode::kRead); !s.ok()) return StoreFailure(kSearchOp, s);
    Result<SearchPage> page = Search(db, query);
    if (!page.ok()) return page;
    if (Status s = txn.Commit(); !s.ok()) return StoreFailure(kSearchOp, s);
    return page;
  });
}

}  // namespace parley::store::sqlite
