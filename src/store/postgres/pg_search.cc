#include "store/postgres/pg_search.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/search_snippet.h"
#include "store/search_terms.h"
#include "store/sql/message_extras.h"
#include "store/sql/rows.h"

namespace parley::store::postgres {
namespace {

using sql::StoreFailure;

constexpr std::string_view kIndexOp = "IndexQueuedForSearch";
constexpr std::string_view kSearchOp = "SearchMessages";
// The advisory lock that serializes indexers ("parley-index" for the migrations' sibling).
constexpr int64_t kIndexLock = 0x7061726C65790002;
// PostgreSQL's limits: the bytes of one lexeme, the highest position (higher ones would be
// set to it), and a tsvector's size (1 MB; messages stay far below this cap).
constexpr size_t kMaxLexemeBytes = 2046;
constexpr size_t kMaxPosition = 16383;
constexpr size_t kMaxTermsBytes = 1 << 19;

// The folded (lower(unaccent()), combining marks removed) form of each term, in order, in one
// round trip. Terms hold no
// newline (control characters separate terms), so a newline separates them here.
Result<std::vector<std::string>> Fold(std::string_view op, sql::Db& db,
                                      const std::vector<SearchTerm>& terms) {
  std::vector<std::string> folded;
  if (terms.empty()) return folded;
  std::string joined;
  for (const SearchTerm& term : terms) {
    if (!joined.empty()) joined += '\n';
    joined += WithoutCombiningMarks(term.text);
  }
  Result<sql::Statement> stmt = db.Prepare(
      "SELECT lower(unaccent(word)) FROM unnest(string_to_array(CAST(?1 AS text), E'\\n')) "
      "WITH ORDINALITY AS words (word, n) ORDER BY n");
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindText(1, joined);
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(op, row.status());
    if (!*row) break;
    folded.push_back(stmt->ColumnText(0));
  }
  if (folded.size() != terms.size()) {
    return StoreFailure(op, Status(Code::kInternal, "folding changed the number of terms"));
  }
  return folded;
}

// A lexeme as tsvector and tsquery input read it: quoted, so nothing in it is syntax.
void AppendLexeme(std::string& out, std::string_view lexeme) {
  out += '\'';
  for (char c : lexeme) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  out += '\'';
}

// tsvector input for folded terms at their positions (1-based, as PostgreSQL counts).
std::string TermsVector(const std::vector<std::string>& folded) {
  std::string vector;
  for (size_t i = 0; i < folded.size() && vector.size() < kMaxTermsBytes; ++i) {
    if (folded[i].empty() || folded[i].size() > kMaxLexemeBytes) continue;
    if (!vector.empty()) vector += ' ';
    AppendLexeme(vector, folded[i]);
    vector += ':' + std::to_string(std::min(i + 1, kMaxPosition));
  }
  return vector;
}

// Rewrites the index row of the message `key` from its current text, or removes it.
Status Reindex(sql::Db& db, int64_t key) {
  const int64_t conversation_id = key >> 32;
  const int64_t seq = key & 0xFFFFFFFF;
  Result<sql::Statement> remove = db.Prepare("DELETE FROM message_search WHERE message_key = ?1");
  if (!remove.ok()) return StoreFailure(kIndexOp, remove.status());
  remove->BindInt(1, key);
  if (Status s = remove->Run(); !s.ok()) return StoreFailure(kIndexOp, s);

  Result<sql::Statement> read = db.Prepare(
      "SELECT text FROM messages WHERE conversation_id = ?1 AND seq = ?2 AND kind IN (0, 6) "
      "AND deleted = 0 AND text != ''");
  if (!read.ok()) return StoreFailure(kIndexOp, read.status());
  read->BindInt(1, conversation_id);
  read->BindInt(2, seq);
  Result<bool> row = read->Step();
  if (!row.ok()) return StoreFailure(kIndexOp, row.status());
  if (!*row) return Status::Ok();  // deleted, or not a text message
  const std::string text = read->ColumnText(0);
  read->Reset();

  Result<std::vector<std::string>> folded = Fold(kIndexOp, db, SplitSearchTerms(text));
  if (!folded.ok()) return folded.status();
  Result<sql::Statement> insert = db.Prepare(
      "INSERT INTO message_search (message_key, conversation_id, seq, text, terms) "
      "VALUES (?1, ?2, ?3, ?4, CAST(?5 AS tsvector))");
  if (!insert.ok()) return StoreFailure(kIndexOp, insert.status());
  insert->BindInt(1, key);
  insert->BindInt(2, conversation_id);
  insert->BindInt(3, seq);
  insert->BindText(4, text);
  insert->BindText(5, TermsVector(*folded));
  if (Status s = insert->Run(); !s.ok()) return StoreFailure(kIndexOp, s);
  return Status::Ok();
}

struct ParsedQuery {
  std::vector<std::vector<std::string>> phrases;  // folded terms of each word that has any
  std::string tsquery;                            // "" when no phrase could match anything
};

// The user's words as phrases of folded terms ANDed together, as tsquery input. Words without
// any term (punctuation, emoji) are dropped; if nothing is left, kInvalidArgument.
Result<ParsedQuery> ParseQuery(sql::Db& db, std::string_view text) {
  std::vector<std::vector<SearchTerm>> words;
  std::vector<SearchTerm> all;
  for (std::string_view word : SplitQueryWords(text)) {
    std::vector<SearchTerm> terms = SplitSearchTerms(word);
    if (terms.empty()) continue;
    all.insert(all.end(), terms.begin(), terms.end());
    words.push_back(std::move(terms));
  }
  if (words.empty()) return Status(Code::kInvalidArgument, "q holds no word to search for");
  Result<std::vector<std::string>> folded = Fold(kSearchOp, db, all);
  if (!folded.ok()) return folded.status();

  ParsedQuery query;
  bool matchable = true;
  size_t next = 0;
  for (const std::vector<SearchTerm>& word : words) {
    std::vector<std::string> phrase(folded->begin() + next, folded->begin() + next + word.size());
    next += word.size();
    std::string expression;
    int distance = 1;  // to the previous term kept: terms folded to nothing leave a gap
    for (const std::string& term : phrase) {
      if (term.empty()) {
        if (!expression.empty()) ++distance;
        continue;
      }
      if (term.size() > kMaxLexemeBytes) matchable = false;  // no message holds such a term
      if (!expression.empty()) {
        expression += distance == 1 ? " <-> " : " <" + std::to_string(distance) + "> ";
      }
      AppendLexeme(expression, term);
      distance = 1;
    }
    if (expression.empty()) continue;
    if (!query.tsquery.empty()) query.tsquery += " & ";
    query.tsquery += "(" + expression + ")";
    query.phrases.push_back(std::move(phrase));
  }
  if (query.phrases.empty()) {
    return Status(Code::kInvalidArgument, "q holds no word to search for");
  }
  if (!matchable) query.tsquery.clear();
  return query;
}

// The snippets of the hits' texts, folding every hit's terms in one round trip.
Status CutSnippets(sql::Db& db, const ParsedQuery& query, const std::vector<std::string>& texts,
                   std::vector<SearchHit>& hits) {
  std::vector<std::vector<SearchTerm>> terms;
  std::vector<SearchTerm> all;
  for (const std::string& text : texts) {
    terms.push_back(SplitSearchTerms(text));
    all.insert(all.end(), terms.back().begin(), terms.back().end());
  }
  Result<std::vector<std::string>> folded = Fold(kSearchOp, db, all);
  if (!folded.ok()) return folded.status();
  size_t next = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::vector<std::string> own(folded->begin() + next,
                                       folded->begin() + next + terms[i].size());
    next += terms[i].size();
    hits[i].snippet = CutSnippet(texts[i], terms[i], own, query.phrases);
  }
  return Status::Ok();
}

// Runs the search on `db` inside the caller's read transaction.
Result<SearchPage> Search(sql::Db& db, const SearchQuery& search) {
  Result<ParsedQuery> query = ParseQuery(db, search.text);
  if (!query.ok()) return query.status();
  SearchPage page;
  if (query->tsquery.empty()) return page;
  // Newest first by (created_at, conversation_id, seq). The member join keeps only
  // conversations the user is in, from the seq they may read on; the message row gives the
  // time.
  Result<sql::Statement> stmt = db.Prepare(
      "SELECT s.conversation_id, s.seq, msg.created_at, s.text FROM message_search AS s "
      "JOIN members AS m ON m.conversation_id = s.conversation_id AND m.user_id = ?2 "
      "JOIN messages AS msg ON msg.conversation_id = s.conversation_id AND msg.seq = s.seq "
      "WHERE s.terms @@ CAST(?1 AS tsquery) AND s.message_key BETWEEN ?3 AND ?4 "
      "AND msg.seq >= m.first_seq AND (msg.created_at, msg.conversation_id, msg.seq) < "
      "(CAST(?5 AS BIGINT), CAST(?6 AS BIGINT), CAST(?7 AS BIGINT)) "
      "ORDER BY msg.created_at DESC, msg.conversation_id DESC, msg.seq DESC LIMIT ?8");
  if (!stmt.ok()) return StoreFailure(kSearchOp, stmt.status());
  const SearchPosition before =
      search.before.value_or(SearchPosition{INT64_MAX, INT64_MAX, INT64_MAX});
  stmt->BindText(1, query->tsquery);
  stmt->BindInt(2, search.user_id);
  stmt->BindInt(3, search.conversation_id == 0 ? 0 : search.conversation_id << 32);
  stmt->BindInt(
      4, search.conversation_id == 0 ? INT64_MAX : (search.conversation_id << 32) | 0xFFFFFFFF);
  stmt->BindInt(5, before.created_at);
  stmt->BindInt(6, before.conversation_id);
  stmt->BindInt(7, before.seq);
  stmt->BindInt(8, search.limit + 1);  // one more tells whether another page follows
  std::vector<SearchPosition> positions;
  std::vector<std::string> texts;
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(kSearchOp, row.status());
    if (!*row) break;
    positions.push_back(SearchPosition{stmt->ColumnInt(2), stmt->ColumnInt(0), stmt->ColumnInt(1)});
    texts.push_back(stmt->ColumnText(3));
  }
  stmt->Reset();
  if (positions.size() > static_cast<size_t>(search.limit)) {
    positions.pop_back();
    texts.pop_back();
    page.next = positions.back();
  }
  Result<std::vector<Message>> messages = sql::ReadHitMessages(kSearchOp, db, positions);
  if (!messages.ok()) return messages.status();
  for (Message& message : *messages) page.hits.push_back(SearchHit{std::move(message), ""});
  if (Status s = CutSnippets(db, *query, texts, page.hits); !s.ok()) return s;
  return page;
}

}  // namespace

Result<int> IndexQueuedMessages(sql::Db& writer, int limit) {
  if (limit < 1) return 0;
  // The indexer polls: an empty queue costs one round trip, not a transaction's five.
  Result<int64_t> queued =
      writer.QueryInt("SELECT count(*) FROM (SELECT 1 FROM search_queue LIMIT 1) AS q");
  if (!queued.ok()) return StoreFailure(kIndexOp, queued.status());
  if (*queued == 0) return 0;
  sql::Transaction txn(writer);
  if (Status s = txn.Begin(sql::TransactionMode::kWrite); !s.ok()) return StoreFailure(kIndexOp, s);
  // Each statement sees what committed before it (after the lock: the last indexer's work).
  if (Status s = writer.Exec("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"); !s.ok()) {
    return StoreFailure(kIndexOp, s);
  }
  Result<int64_t> locked = writer.QueryInt("SELECT count(*) FROM pg_advisory_xact_lock(" +
                                           std::to_string(kIndexLock) + ")");
  if (!locked.ok()) return StoreFailure(kIndexOp, locked.status());
  Result<sql::Statement> take = writer.Prepare(
      "DELETE FROM search_queue WHERE pos IN "
      "(SELECT pos FROM search_queue ORDER BY pos LIMIT ?1) RETURNING message_key");
  if (!take.ok()) return StoreFailure(kIndexOp, take.status());
  take->BindInt(1, limit);
  int taken = 0;
  std::set<int64_t> keys;  // a message queued twice is indexed once, with its current text
  for (;;) {
    Result<bool> row = take->Step();
    if (!row.ok()) return StoreFailure(kIndexOp, row.status());
    if (!*row) break;
    ++taken;
    keys.insert(take->ColumnInt(0));
  }
  take->Reset();
  for (int64_t key : keys) {
    if (Status s = Reindex(writer, key); !s.ok()) return s;
  }
  if (Status s = txn.Commit(); !s.ok()) return StoreFailure(kIndexOp, s);
  return taken;
}

Result<SearchPage> SearchMessages(sql::Db& reader, const SearchQuery& query) {
  if (query.limit < 1) return Status(Code::kInvalidArgument, "limit must be at least 1");
  // One snapshot: the index and the messages it points to agree.
  sql::Transaction txn(reader);
  if (Status s = txn.Begin(sql::TransactionMode::kRead); !s.ok()) return StoreFailure(kSearchOp, s);
  Result<SearchPage> page = Search(reader, query);
  if (!page.ok()) return page;
  if (Status s = txn.Commit(); !s.ok()) return StoreFailure(kSearchOp, s);
  return page;
}

}  // namespace parley::store::postgres
