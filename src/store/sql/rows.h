// Rows: the column lists the SQLite store selects and the functions that read them back into
// the records of store/types.h, shared by the Store and the WriteTxn implementations; plus the
// one way storage failures become Status values.
//
// Every Read* function reads the columns of its k*Columns list, in that order, starting at
// `first` (so one row can hold several records side by side). Stateless; thread-safe.
#ifndef PARLEY_STORE_SQL_ROWS_H_
#define PARLEY_STORE_SQL_ROWS_H_

#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/sql/sql_db.h"
#include "store/types.h"

namespace parley::store::sql {

#define PARLEY_USER_COLUMNS                                                                \
  "id, username, display_name, password_hash, created_at, avatar, status_line, language, " \
  "time_zone, is_admin, last_seen_at, disabled_at"
#define PARLEY_DEVICE_COLUMNS "id, user_id, name, created_at, last_seen_at, expires_at"
#define PARLEY_MESSAGE_COLUMNS                                                            \
  "conversation_id, seq, sender_id, client_id, text, created_at, kind, media, reply_to, " \
  "target, reaction_on, edited_at, deleted, sticker"
#define PARLEY_MEMBER_COLUMNS "user_id, delivered_seq, read_seq, role, muted_until, first_seq"
#define PARLEY_MEDIA_COLUMNS                                                                \
  "id, owner_id, kind, mime, size, name, digest, thumbnail_digest, thumbnail_mime, width, " \
  "height, duration_ms, preview, created_at, is_public, attached_at"
#define PARLEY_UPLOAD_COLUMNS "id, owner_id, kind, name, size, received, created_at, expires_at"
// A conversation summary's state (no last message) from `members AS m JOIN conversations AS c`.
#define PARLEY_SUMMARY_STATE_COLUMNS                                                    \
  "c.id, c.kind, c.last_seq, c.last_activity_at, m.delivered_seq, m.read_seq, m.role, " \
  "m.muted_until, m.first_seq, c.name, c.topic, c.pruned_through"
// How many columns each list has, for reading columns that follow one in a row.
inline constexpr int kUserColumnCount = 12;
inline constexpr int kMessageColumnCount = 14;
inline constexpr int kMemberColumnCount = 6;
inline constexpr int kSummaryStateColumnCount = 12;

User ReadUser(const Statement& row, int first = 0);
Device ReadDevice(const Statement& row, int first = 0);
Message ReadMessage(const Statement& row, int first = 0);
Member ReadMember(const Statement& row, int first = 0);
Media ReadMedia(const Statement& row, int first = 0);
Upload ReadUpload(const Statement& row, int first = 0);
// The PARLEY_SUMMARY_STATE_COLUMNS of `user_id`'s membership into `summary`.
void ReadSummaryState(const Statement& row, int64_t user_id, ConversationSummary& summary);

// ReadMessage leaves only the id in Message::media; these fill in the descriptor
// (sql_media.cc). A message whose media no longer exists loses it.
Status FillMedia(std::string_view op, Db& db, Message& message);
Status FillMedia(std::string_view op, Db& db, std::vector<Message>& messages);

// "store: <op>: <cause>" as kInternal, or kUnavailable while the database cannot be reached
// (sql_db.h's DbFailure). `op` names the Store operation; `cause` comes from sql_db.h and so
// never contains bound values (hashes, tokens, message text).
Status StoreFailure(std::string_view op, const Status& cause);

// Steps a "... RETURNING" write to its end: true if it touched a row. Stepping to the end (not
// just resetting) matters outside a transaction: the implicit commit, and its errors, happen
// on the last step.
Result<bool> RunReturning(std::string_view op, Statement& stmt);

// `query` as a LIKE pattern matching it anywhere, ASCII letters lowercased, with LIKE's
// wildcards escaped by '\', for `lower(column) LIKE ?n ESCAPE '\'`: ASCII case-insensitive on
// both databases (SQLite's LIKE folds ASCII case, PostgreSQL's does not).
std::string ContainsPattern(std::string_view query);

// Steps `stmt` to the end, reading each row with `read`; a failure becomes StoreFailure(op, ...).
template <typename T>
Result<std::vector<T>> ReadAll(std::string_view op, Statement& stmt,
                               T (*read)(const Statement&, int)) {
  std::vector<T> rows;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return StoreFailure(op, row.status());
    if (!*row) return rows;
    rows.push_back(read(stmt, 0));
  }
}

}  // namespace parley::store::sql

#endif  // PARLEY_STORE_SQL_ROWS_H_
