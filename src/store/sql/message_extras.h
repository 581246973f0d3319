// What a message read carries beside its own row: the quote of the message it replies to and
// its reactions, both as they are now. Shared by the Store reads and WriteTxn::Append.
// Stateless; runs on whichever connection it is given.
#ifndef PARLEY_STORE_SQL_MESSAGE_EXTRAS_H_
#define PARLEY_STORE_SQL_MESSAGE_EXTRAS_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/sql/sql_db.h"
#include "store/types.h"

namespace parley::store::sql {

// The quoted message (conversation_id, seq) as a Quote; kNotFound if there is none.
Result<Quote> ReadQuote(std::string_view op, Db& db, int64_t conversation_id, int64_t seq);

// Fills in the quote of each live reply of `messages`: one primary-key lookup each.
Status FillQuotes(std::string_view op, Db& db, std::vector<Message>& messages);

// Adds `user_id`'s reaction `emoji` to `message`: a new emoji goes last, a known one gets one
// more user. Reads that gather reactions their own way feed them in here, oldest first.
void AddReaction(Message& message, std::string emoji, int64_t user_id);

// Fills in the quote and reactions of `messages` (any conversations, any order): one
// primary-key lookup per live reply, one reactions range query per conversation. Tombstones
// and ops get neither.
Status FillQuotesAndReactions(std::string_view op, Db& db, std::vector<Message>& messages);

// The messages at `positions`, in that order, with media, quote and reactions filled in: the
// messages of a page of search hits. A position whose message is gone is kInternal (the caller
// read the positions in the same snapshot).
Result<std::vector<Message>> ReadHitMessages(std::string_view op, Db& db,
                                             std::span<const SearchPosition> positions);

}  // namespace parley::store::sql

#endif  // PARLEY_STORE_SQL_MESSAGE_EXTRAS_H_
