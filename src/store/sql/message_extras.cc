#include "store/sql/message_extras.h"

#include <algorithm>
#include <map>
#include <utility>

#include "base/utf8.h"
#include "store/sql/rows.h"

namespace parley::store::sql {
namespace {

constexpr size_t kQuoteCodePoints = 200;

// The first `count` code points of valid UTF-8 `text`.
std::string Prefix(const std::string& text, size_t count) {
  size_t pos = 0;
  for (size_t i = 0; i < count && pos < text.size(); ++i) {
    std::optional<DecodedCodePoint> decoded = DecodeUtf8At(text, pos);
    pos += decoded ? decoded->length : 1;
  }
  return text.substr(0, pos);
}

bool Decorated(const Message& m) { return IsContentKind(m.kind) && !m.deleted; }

Status FillReactions(std::string_view op, Db& db, int64_t conversation_id, int64_t low,
                     int64_t high, std::map<int64_t, Message*>& by_seq) {
  Result<Statement> stmt = db.Prepare(
      "SELECT seq, emoji, user_id FROM reactions "
      "WHERE conversation_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq, created_at, user_id");
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, conversation_id);
  stmt->BindInt(2, low);
  stmt->BindInt(3, high);
  for (;;) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(op, row.status());
    if (!*row) return Status::Ok();
    auto it = by_seq.find(stmt->ColumnInt(0));
    if (it == by_seq.end()) continue;  // a message of the range the caller did not ask for
    AddReaction(*it->second, stmt->ColumnText(1), stmt->ColumnInt(2));
  }
}

}  // namespace

void AddReaction(Message& message, std::string emoji, int64_t user_id) {
  std::vector<Reaction>& reactions = message.reactions;
  auto same = std::find_if(reactions.begin(), reactions.end(),
                           [&](const Reaction& r) { return r.emoji == emoji; });
  if (same == reactions.end()) {
    reactions.push_back(Reaction{std::move(emoji), {}});
    same = reactions.end() - 1;
  }
  same->users.push_back(user_id);
}

Result<Quote> ReadQuote(std::string_view op, Db& db, int64_t conversation_id, int64_t seq) {
  Result<Statement> stmt = db.Prepare(
      "SELECT msg.sender_id, msg.kind, msg.text, msg.deleted, coalesce(media.kind, '') "
      "FROM messages AS msg LEFT JOIN media ON media.id = msg.media "
      "WHERE msg.conversation_id = ?1 AND msg.seq = ?2");
  if (!stmt.ok()) return StoreFailure(op, stmt.status());
  stmt->BindInt(1, conversation_id);
  stmt->BindInt(2, seq);
  Result<bool> row = stmt->Step();
  if (!row.ok()) return StoreFailure(op, row.status());
  if (!*row) return Status(Code::kNotFound, "no such message");
  Quote quote;
  quote.seq = seq;
  quote.sender_id = stmt->ColumnInt(0);
  quote.kind = static_cast<MessageKind>(stmt->ColumnInt(1));
  quote.deleted = stmt->ColumnInt(3) != 0;
  if (!quote.deleted) {
    quote.text = Prefix(stmt->ColumnText(2), kQuoteCodePoints);
    quote.media_kind = stmt->ColumnText(4);
  }
  return quote;
}

Status FillQuotes(std::string_view op, Db& db, std::vector<Message>& messages) {
  for (Message& m : messages) {
    if (!Decorated(m) || m.reply_to == 0) continue;
    Result<Quote> quote = ReadQuote(op, db, m.conversation_id, m.reply_to);
    if (quote.ok()) {
      m.quote = std::move(*quote);
    } else if (quote.status().code() != Code::kNotFound) {
      return quote.status();
    }
  }
  return Status::Ok();
}

Status FillQuotesAndReactions(std::string_view op, Db& db, std::vector<Message>& messages) {
  if (Status s = FillQuotes(op, db, messages); !s.ok()) return s;
  // conversation -> (seq -> message): the reactions of each conversation come in one range.
  std::map<int64_t, std::map<int64_t, Message*>> wanted;
  for (Message& m : messages) {
    if (Decorated(m)) wanted[m.conversation_id][m.seq] = &m;
  }
  for (auto& [conversation_id, by_seq] : wanted) {
    Status s = FillReactions(op, db, conversation_id, by_seq.begin()->first, by_seq.rbegin()->first,
                             by_seq);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Result<std::vector<Message>> ReadHitMessages(std::string_view op, Db& db,
                                             std::span<const SearchPosition> positions) {
  std::vector<Message> messages;
  messages.reserve(positions.size());
  for (const SearchPosition& position : positions) {
    Result<Statement> stmt = db.Prepare("SELECT " PARLEY_MESSAGE_COLUMNS
                                        " FROM messages WHERE conversation_id = ?1 AND seq = ?2");
    if (!stmt.ok()) return StoreFailure(op, stmt.status());
    stmt->BindInt(1, position.conversation_id);
    stmt->BindInt(2, position.seq);
    Result<bool> row = stmt->Step();
    if (!row.ok()) return StoreFailure(op, row.status());
    if (!*row) return StoreFailure(op, Status(Code::kInternal, "indexed message missing"));
    messages.push_back(ReadMessage(*stmt));
  }
  if (Status s = FillMedia(op, db, messages); !s.ok()) return s;
  if (Status s = FillQuotesAndReactions(op, db, messages); !s.ok()) return s;
  return messages;
}

}  // namespace parley::store::sql
