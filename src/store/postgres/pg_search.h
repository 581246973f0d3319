// Message search on PostgreSQL: Store::IndexQueuedForSearch and Store::SearchMessages (the
// contract in store/store.h), finding what the SQLite store finds.
//
// - Sends, edits and deletions append the message's key ((conversation_id << 32) | seq) to
//   search_queue in their own transaction, as on SQLite. IndexQueuedMessages takes the oldest
//   entries out of the queue and rewrites their rows of message_search from the messages'
//   current text, in one transaction: a crash loses nothing, and indexers on several nodes are
//   serialized by an advisory lock, so an older text never overwrites a newer one.
// - message_search.terms holds a message's terms (store/search_terms.h: Latin words whole,
//   every CJK character a term of its own) folded with lower(unaccent()), at their positions.
//   A query's whitespace-separated words are phrases of adjacent terms (tsquery `<->`), all of
//   which must match: "世界" finds "你好世界", "cafe" finds "Café". Folded terms are built
//   into tsvector/tsquery text in C++ with every lexeme quoted, and bound: user text is never
//   SQL and never tsquery syntax.
// - Snippets are cut in C++ (store/search_snippet.h) as the SQLite store's FTS5 cuts them.
//
// Thread-safety: each function uses only the Db it is given (one thread at a time, as every Db).
#ifndef PARLEY_STORE_POSTGRES_PG_SEARCH_H_
#define PARLEY_STORE_POSTGRES_PG_SEARCH_H_

#include "base/status.h"
#include "store/sql/sql_db.h"
#include "store/types.h"

namespace parley::store::postgres {

// Indexes up to `limit` queued messages on `writer` (in its own transaction; no transaction
// may be open on it); returns how many queue entries it read (none for a limit below 1).
Result<int> IndexQueuedMessages(sql::Db& writer, int limit);

// query.text's matches that query.user_id may read, newest first (the Store contract):
// kInvalidArgument for a limit below 1 or a query without any word to search for.
Result<SearchPage> SearchMessages(sql::Db& reader, const SearchQuery& query);

}  // namespace parley::store::postgres

#endif  // PARLEY_STORE_POSTGRES_PG_SEARCH_H_
