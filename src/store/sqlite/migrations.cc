#include "store/sqlite/migrations.h"

#include <iterator>
#include <string>

namespace parley::store::sqlite {
namespace {

// Migration N is kMigrations[N - 1]. Tables are STRICT (SQLite >= 3.37) so a value of the
// wrong type is an error instead of being stored silently.
//
// Messages are stored once per conversation, keyed by (conversation_id, seq); per-member state
// is only the two cursors in `members`. conversations.last_seq is the seq counter and, with the
// primary key, finds a conversation's last message without scanning messages.
constexpr const char* kMigrations[] = {
    // 1: users, devices, direct conversations, members with cursors, messages.
    R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name  TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE devices (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id),
  name         TEXT NOT NULL,
  token_hash   BLOB NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked      INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX devices_by_user ON devices (user_id);

CREATE TABLE conversations (
  id               INTEGER PRIMARY KEY,
  kind             INTEGER NOT NULL,
  direct_key       TEXT UNIQUE,  -- "<smaller user id>:<larger user id>"; NULL unless direct
  last_seq         INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL
) STRICT;

CREATE TABLE members (
  conversation_id INTEGER NOT NULL REFERENCES conversations (id),
  user_id         INTEGER NOT NULL REFERENCES users (id),
  delivered_seq   INTEGER NOT NULL DEFAULT 0,
  read_seq        INTEGER NOT NULL DEFAULT 0,
  joined_at       INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX members_by_user ON members (user_id);

CREATE TABLE messages (
  conversation_id INTEGER NOT NULL REFERENCES conversations (id),
  seq             INTEGER NOT NULL,
  sender_id       INTEGER NOT NULL REFERENCES users (id),
  client_id       TEXT NOT NULL,
  text            TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, seq)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX messages_by_client_id ON messages (sender_id, client_id);
)sql",
};

Status Failed(int64_t version, const Status& cause) {
  return Status(Code::kInternal,
                "store: migration " + std::to_string(version) + ": " + cause.message());
}

// Applies migration `version` unless a concurrent opener did it first.
Status ApplyOne(Db& db, int64_t version) {
  Transaction txn(db);
  if (Status s = txn.Begin(Transaction::Mode::kImmediate); !s.ok()) return Failed(version, s);
  // Re-read under the write lock: another process may have migrated since we looked.
  Result<int64_t> current = SchemaVersion(db);
  if (!current.ok()) return Failed(version, current.status());
  if (*current >= version) return Status::Ok();
  if (Status s = db.Exec(kMigrations[version - 1]); !s.ok()) return Failed(version, s);
  // user_version lives in the database header, so it commits (or not) with the schema.
  if (Status s = db.Exec("PRAGMA user_version = " + std::to_string(version)); !s.ok()) {
    return Failed(version, s);
  }
  if (Status s = txn.Commit(); !s.ok()) return Failed(version, s);
  return Status::Ok();
}

}  // namespace

int64_t LatestSchemaVersion() { return static_cast<int64_t>(std::size(kMigrations)); }

Result<int64_t> SchemaVersion(Db& db) { return db.QueryInt("PRAGMA user_version"); }

Status ApplyMigrations(Db& db) {
  Result<int64_t> current = SchemaVersion(db);
  if (!current.ok()) return Failed(0, current.status());
  if (*current > LatestSchemaVersion()) {
    return Status(Code::kInternal, "store: database schema version " + std::to_string(*current) +
                                       " is newer than this binary (" +
                                       std::to_string(LatestSchemaVersion()) + ")");
  }
  for (int64_t version = *current + 1; version <= LatestSchemaVersion(); ++version) {
    if (Status s = ApplyOne(db, version); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace parley::store::sqlite
