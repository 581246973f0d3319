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
    // 2: profiles and the server-admin role; friends, requests and blocks; groups with roles,
    // mutes, topics, invitation links and join requests; message kinds (events, notices).
    // Friendships are stored in both directions so "my friends" is one index range.
    R"sql(
ALTER TABLE users ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN status_line TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_seen_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET is_admin = 1 WHERE id = (SELECT min(id) FROM users);
CREATE INDEX users_by_display_name ON users (display_name COLLATE NOCASE);

ALTER TABLE messages ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;

ALTER TABLE members ADD COLUMN role INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN muted_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN first_seq INTEGER NOT NULL DEFAULT 1;

ALTER TABLE conversations ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN topic TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN avatar TEXT NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN is_public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;

CREATE TABLE friend_requests (
  from_id    INTEGER NOT NULL REFERENCES users (id),
  to_id      INTEGER NOT NULL REFERENCES users (id),
  note       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (from_id, to_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX friend_requests_to ON friend_requests (to_id);

CREATE TABLE friendships (
  user_id   INTEGER NOT NULL REFERENCES users (id),
  friend_id INTEGER NOT NULL REFERENCES users (id),
  since     INTEGER NOT NULL,
  PRIMARY KEY (user_id, friend_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE blocks (
  blocker_id INTEGER NOT NULL REFERENCES users (id),
  blocked_id INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE group_invites (
  code            TEXT PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations (id),
  created_by      INTEGER NOT NULL REFERENCES users (id),
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX group_invites_by_conversation ON group_invites (conversation_id);

CREATE TABLE join_requests (
  conversation_id INTEGER NOT NULL REFERENCES conversations (id),
  user_id         INTEGER NOT NULL REFERENCES users (id),
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
) STRICT, WITHOUT ROWID;
)sql",
    // 3: media (finished uploads; the bytes live in the blob store under their digest), uploads
    // in progress (the bytes are a temporary file named after the id), and which messages hold
    // which media (access checks: members of those conversations may fetch it). messages.media
    // is the attachment's id ('' for none).
    R"sql(
CREATE TABLE media (
  id               TEXT PRIMARY KEY,
  owner_id         INTEGER NOT NULL REFERENCES users (id),
  kind             TEXT NOT NULL,
  mime             TEXT NOT NULL,
  size             INTEGER NOT NULL,
  name             TEXT NOT NULL,
  digest           TEXT NOT NULL,
  thumbnail_digest TEXT NOT NULL,
  thumbnail_mime   TEXT NOT NULL,
  width            INTEGER NOT NULL,
  height           INTEGER NOT NULL,
  duration_ms      INTEGER NOT NULL,
  preview          TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  is_public        INTEGER NOT NULL DEFAULT 0,
  attached_at      INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE INDEX media_by_owner ON media (owner_id);
CREATE INDEX media_by_digest ON media (digest);
CREATE INDEX media_by_thumbnail ON media (thumbnail_digest) WHERE thumbnail_digest != '';
CREATE INDEX media_unattached ON media (created_at) WHERE attached_at = 0;

CREATE TABLE uploads (
  id         TEXT PRIMARY KEY,
  owner_id   INTEGER NOT NULL REFERENCES users (id),
  kind       TEXT NOT NULL,
  name       TEXT NOT NULL,
  size       INTEGER NOT NULL,
  received   INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX uploads_by_owner ON uploads (owner_id);
CREATE INDEX uploads_by_expiry ON uploads (expires_at);

CREATE TABLE media_refs (
  media_id        TEXT NOT NULL REFERENCES media (id),
  conversation_id INTEGER NOT NULL REFERENCES conversations (id),
  seq             INTEGER NOT NULL,
  PRIMARY KEY (media_id, conversation_id, seq)
) STRICT, WITHOUT ROWID;

ALTER TABLE messages ADD COLUMN media TEXT NOT NULL DEFAULT '';
)sql",
    // 4: message operations and search. Edits, deletions and reactions are messages of their
    // own (kinds 3, 4, 5) pointing at `target`; their effect is also applied to the target row
    // (text/edited_at, deleted, reactions) so reads never replay ops. content_count numbers
    // the content messages (not ops) so unread is one subtraction and last_content_seq finds
    // the list's last message by primary key. message_search holds a copy of each live text
    // message's text (for snippets) under rowid (conversation_id << 32) | seq, nothing more.
    // Sends, edits and deletions only queue that rowid in search_queue (a cheap append in the
    // send's transaction); the index catches up in batches, and before every search.
    R"sql(
ALTER TABLE messages ADD COLUMN reply_to INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN target INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN reaction_on INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN edited_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN content_count INTEGER NOT NULL DEFAULT 0;
UPDATE messages SET content_count = seq;

ALTER TABLE conversations ADD COLUMN content_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN last_content_seq INTEGER NOT NULL DEFAULT 0;
UPDATE conversations SET content_count = last_seq, last_content_seq = last_seq;

CREATE TABLE reactions (
  conversation_id INTEGER NOT NULL,
  seq             INTEGER NOT NULL,
  user_id         INTEGER NOT NULL REFERENCES users (id),
  emoji           TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, seq, user_id, emoji),
  FOREIGN KEY (conversation_id, seq) REFERENCES messages (conversation_id, seq)
) STRICT, WITHOUT ROWID;

-- No per-row sizes (columnsize = 0): results are ordered by time, never by bm25.
CREATE VIRTUAL TABLE message_search USING fts5 (text, tokenize = 'parley', columnsize = 0);
INSERT INTO message_search (rowid, text)
  SELECT (conversation_id << 32) | seq, text FROM messages WHERE kind = 0;
CREATE TABLE search_queue (id INTEGER PRIMARY KEY) STRICT;
)sql",
    // 5: relationship rules and group access. Invites get an optional use limit; bans keep a
    // user out of a group by every way in. blocks_by_blocked finds who blocked a user (the
    // relationship check of every live frame). messages_by_target finds the ops of a message,
    // so deleting it clears the text of its edits too; messages deleted before this version
    // have theirs cleared here.
    R"sql(
ALTER TABLE group_invites ADD COLUMN max_uses INTEGER NOT NULL DEFAULT 0;
ALTER TABLE group_invites ADD COLUMN uses INTEGER NOT NULL DEFAULT 0;

CREATE TABLE group_bans (
  conversation_id INTEGER NOT NULL REFERENCES conversations (id),
  user_id         INTEGER NOT NULL REFERENCES users (id),
  banned_by       INTEGER NOT NULL REFERENCES users (id),
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX blocks_by_blocked ON blocks (blocked_id);
CREATE INDEX messages_by_target ON messages (conversation_id, target) WHERE target != 0;
UPDATE messages SET text = '' WHERE kind = 3 AND EXISTS (
  SELECT 1 FROM messages AS t
  WHERE t.conversation_id = messages.conversation_id AND t.seq = messages.target AND t.deleted = 1);
)sql",
    // 6: account e-mail addresses and single-use tokens (verification, password reset). An
    // address is kept apart from users so that an unverified one never looks like a contact
    // detail; the partial unique index lets only one account hold an address verified.
    // Tokens are stored as their SHA-256 only.
    R"sql(
CREATE TABLE account_emails (
  user_id    INTEGER PRIMARY KEY REFERENCES users (id),
  address    TEXT NOT NULL COLLATE NOCASE,
  verified   INTEGER NOT NULL DEFAULT 0,
  changed_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX account_emails_verified ON account_emails (address) WHERE verified;

CREATE TABLE account_tokens (
  token_hash BLOB PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  purpose    INTEGER NOT NULL,
  address    TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX account_tokens_by_user ON account_tokens (user_id, purpose);
)sql",
    // 7: two-step sign-in. The TOTP seed is stored sealed (auth::SecretBox, the user id as
    // associated data); last_step makes every code single-use. Recovery codes are stored as
    // their SHA-256 only, like device tokens.
    R"sql(
CREATE TABLE totp_secrets (
  user_id     INTEGER PRIMARY KEY REFERENCES users (id),
  sealed_seed BLOB NOT NULL,
  enabled     INTEGER NOT NULL DEFAULT 0,
  last_step   INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE recovery_codes (
  user_id   INTEGER NOT NULL REFERENCES users (id),
  code_hash BLOB NOT NULL,
  PRIMARY KEY (user_id, code_hash)
) STRICT, WITHOUT ROWID;
)sql",
    // 8: moments, a friends-only feed. A moment keeps its media ids and audience list as
    // comma-separated ids (read whole with the row, never searched); moment_media is the
    // reverse link that lets a viewer fetch a moment's media. Deleting a moment keeps the row
    // (deleted = 1, content cleared) so ids, the feed's cursors, are never reused; comment ids
    // are never reused either (AUTOINCREMENT), as replies name them.
    R"sql(
CREATE TABLE moments (
  id             INTEGER PRIMARY KEY,
  author_id      INTEGER NOT NULL REFERENCES users (id),
  text           TEXT NOT NULL,
  media          TEXT NOT NULL,
  location       TEXT NOT NULL,
  audience       INTEGER NOT NULL,
  audience_users TEXT NOT NULL,
  created_at     INTEGER NOT NULL,
  deleted        INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX moments_by_author ON moments (author_id, id) WHERE deleted = 0;

CREATE TABLE moment_media (
  media_id  TEXT NOT NULL REFERENCES media (id),
  moment_id INTEGER NOT NULL REFERENCES moments (id),
  PRIMARY KEY (media_id, moment_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE moment_likes (
  moment_id  INTEGER NOT NULL REFERENCES moments (id),
  user_id    INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (moment_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE moment_comments (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  moment_id  INTEGER NOT NULL REFERENCES moments (id),
  user_id    INTEGER NOT NULL REFERENCES users (id),
  reply_to   INTEGER NOT NULL,
  text       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX moment_comments_by_moment ON moment_comments (moment_id, id);
)sql",
    // 9: the search index moves to a file of its own (search_index.h), written by its own
    // connection. search_queue becomes a log whose positions only grow, so the index keeps
    // one number (how far it has read); search_state names the queue the index belongs to.
    // No index is named yet, so the first open queues every message again and builds the
    // new index in the background.
    R"sql(
DROP TABLE message_search;
DROP TABLE search_queue;
CREATE TABLE search_queue (
  pos         INTEGER PRIMARY KEY AUTOINCREMENT,
  message_key INTEGER NOT NULL
) STRICT;
CREATE TABLE search_state (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  index_id TEXT NOT NULL
) STRICT;
)sql",
    // 10: identities at OpenID Connect providers linked to accounts (oidc/oidc_service.h). A
    // (provider, subject) pair belongs to one account; an account may have several.
    R"sql(
CREATE TABLE oidc_identities (
  provider   TEXT NOT NULL,
  subject    TEXT NOT NULL,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (provider, subject)
) STRICT;
CREATE INDEX oidc_identities_by_user ON oidc_identities (user_id);
)sql",
    // 11: administration (docs/operations.md, "Administration"): accounts a server admin
    // disabled, the audit log of admin actions, and users' reports of messages and users.
    R"sql(
ALTER TABLE users ADD COLUMN disabled_at INTEGER NOT NULL DEFAULT 0;

CREATE TABLE audit_log (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  actor_id INTEGER NOT NULL,
  action   TEXT NOT NULL,
  target   TEXT NOT NULL,
  details  TEXT NOT NULL
) STRICT;

CREATE TABLE reports (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  reporter_id     INTEGER NOT NULL REFERENCES users (id),
  user_id         INTEGER NOT NULL REFERENCES users (id),
  conversation_id INTEGER NOT NULL,  -- 0 for a report of a user
  seq             INTEGER NOT NULL,
  reason          TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  resolved_at     INTEGER NOT NULL DEFAULT 0,
  resolved_by     INTEGER NOT NULL DEFAULT 0,
  resolution      TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX open_reports ON reports (id) WHERE resolved_at = 0;
)sql",
    // 12: retention. A conversation's own policy (0: no limit; the server's applies as well)
    // and how far it has been pruned: messages with seq <= pruned_through are gone, and
    // pruned_content_count is the content_count of the last of them, so unread stays one
    // subtraction over what remains; media_pruned_through is the same for media removed from
    // older messages that stay.
    R"sql(
ALTER TABLE conversations ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN retention_max_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN pruned_through INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN pruned_content_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN media_pruned_through INTEGER NOT NULL DEFAULT 0;
)sql",
    // 13: reports of groups, and what a reporter showed the admins (store::ReportSnapshot): the
    // reported message's kind and text, or the reported group's name, topic, visibility and
    // member count, copied at report time.
    R"sql(
ALTER TABLE reports ADD COLUMN group_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN message_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN message_text TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN group_name TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN group_topic TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN group_public INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reports ADD COLUMN group_members INTEGER NOT NULL DEFAULT 0;
)sql",
    // 14: sticker packs. A pack is shared by its slug (the link's key); the built-in pack (id
    // 1, owner 0, slug "default") is inserted here with its eight stickers, whose images are
    // the web app's static files /stickers/<id>.png. A user's collection is the ordered list
    // of packs they show (their own packs are added on creation); recent_stickers keeps each
    // user's last sent stickers server-side, so every device shows the same row. A sticker
    // message names its sticker in messages.sticker; its keywords are its text (searchable)
    // and its media link keeps the image, so it outlives its pack.
    R"sql(
CREATE TABLE sticker_packs (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  slug       TEXT NOT NULL UNIQUE,
  owner_id   INTEGER NOT NULL,  -- 0: the built-in pack
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sticker_packs_by_owner ON sticker_packs (owner_id);

CREATE TABLE stickers (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  pack_id  INTEGER NOT NULL REFERENCES sticker_packs (id) ON DELETE CASCADE,
  media_id TEXT NOT NULL,  -- '' in the built-in pack
  keywords TEXT NOT NULL,
  position INTEGER NOT NULL
) STRICT;
CREATE INDEX stickers_by_pack ON stickers (pack_id, position);

CREATE TABLE sticker_collections (
  user_id  INTEGER NOT NULL REFERENCES users (id),
  pack_id  INTEGER NOT NULL REFERENCES sticker_packs (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  PRIMARY KEY (user_id, pack_id)
) STRICT;
CREATE INDEX sticker_collections_by_pack ON sticker_collections (pack_id);

CREATE TABLE recent_stickers (
  user_id    INTEGER NOT NULL REFERENCES users (id),
  sticker_id INTEGER NOT NULL REFERENCES stickers (id) ON DELETE CASCADE,
  used_at    INTEGER NOT NULL,
  PRIMARY KEY (user_id, sticker_id)
) STRICT;
CREATE INDEX recent_stickers_by_sticker ON recent_stickers (sticker_id);

ALTER TABLE messages ADD COLUMN sticker INTEGER NOT NULL DEFAULT 0;

INSERT INTO sticker_packs (id, slug, owner_id, name, created_at) VALUES (1, 'default', 0, 'Parley', 0);
INSERT INTO stickers (id, pack_id, media_id, keywords, position) VALUES
  (1, 1, '', 'wave hello hi 你好 bonjour', 1),
  (2, 1, '', 'heart love 爱 amour', 2),
  (3, 1, '', 'laugh haha lol 哈哈 rire', 3),
  (4, 1, '', 'thumbs up ok yes 好 oui', 4),
  (5, 1, '', 'cry sad tears 哭 triste', 5),
  (6, 1, '', 'party celebrate congrats 庆祝 fête', 6),
  (7, 1, '', 'sleep tired night 困 dodo', 7),
  (8, 1, '', 'think hmm question 想 réfléchir', 8);
)sql",
    // 15: SCRAM-SHA-256 credentials for XMPP logins (store::ScramCredentials, docs/security.md):
    // derived from the password at registration, password change and reset, and at the next
    // password login for accounts older than this table. Removed with the password hash.
    R"sql(
CREATE TABLE scram_credentials (
  user_id    INTEGER PRIMARY KEY REFERENCES users (id),
  salt       BLOB NOT NULL,
  iterations INTEGER NOT NULL,
  stored_key BLOB NOT NULL,
  server_key BLOB NOT NULL
) STRICT;
)sql",
    // 16: sync deltas (docs/architecture.md, "Sync deltas"). sync_clock.version counts the
    // changes of the conversation state a `synced` frame carries; a conversation's `changed` is
    // the count at its last change seen by every member (last_seq, name, topic, pruning,
    // deletion, membership, a direct member's cursors, a group member's read cursor reaching
    // last_seq), a member's `changed` the count at the last change of that member's own row
    // (cursors, role, first_seq). The message path stamps its rows itself, in the statements it
    // runs anyway, with one count drawn per transaction (SqliteWriteTxn::SyncStamp): last_seq
    // and the cursors are written only there (AppendRow, AdvanceCursors), so the triggers below
    // watch every other column synced carries and never run on the message path. Write
    // transactions are serialized, so a count drawn in one is above every count a reader saw
    // before it commits: a reader's snapshot holds every change stamped up to the count it
    // sees, and every later change is stamped above it.
    R"sql(
CREATE TABLE sync_clock (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO sync_clock (id, version) VALUES (1, 0);
ALTER TABLE conversations ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER sync_conversation_changed
AFTER UPDATE OF name, topic, pruned_through, deleted ON conversations
WHEN OLD.name IS NOT NEW.name OR OLD.topic IS NOT NEW.topic
  OR OLD.pruned_through IS NOT NEW.pruned_through OR OLD.deleted IS NOT NEW.deleted
BEGIN
  UPDATE sync_clock SET version = version + 1;
  UPDATE conversations SET changed = (SELECT version FROM sync_clock) WHERE id = NEW.id;
END;

CREATE TRIGGER sync_member_added AFTER INSERT ON members
BEGIN
  UPDATE sync_clock SET version = version + 1;
  UPDATE members SET changed = (SELECT version FROM sync_clock)
    WHERE conversation_id = NEW.conversation_id AND user_id = NEW.user_id;
  UPDATE conversations SET changed = (SELECT version FROM sync_clock)
    WHERE id = NEW.conversation_id;
END;

CREATE TRIGGER sync_member_removed AFTER DELETE ON members
BEGIN
  UPDATE sync_clock SET version = version + 1;
  UPDATE conversations SET changed = (SELECT version FROM sync_clock)
    WHERE id = OLD.conversation_id;
END;

CREATE TRIGGER sync_member_changed AFTER UPDATE OF role, first_seq ON members
WHEN OLD.role IS NOT NEW.role OR OLD.first_seq IS NOT NEW.first_seq
BEGIN
  UPDATE sync_clock SET version = version + 1;
  UPDATE members SET changed = (SELECT version FROM sync_clock)
    WHERE conversation_id = NEW.conversation_id AND user_id = NEW.user_id;
END;
)sql",
    // 17: the rules clock (store.h WriteTxn::LockRules). rules_clock.version counts the
    // changes to the rules the message writer authorizes from (membership, roles, mutes,
    // friendships, blocks); a writer that sees another version than the one its cache was
    // filled under forgets what it cached. With one SQLite writer it never moves under anyone's
    // feet; the table is here so both stores keep one schema (and migrate-to-postgres copies it).
    R"sql(
CREATE TABLE rules_clock (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
) STRICT;
INSERT INTO rules_clock (id, version) VALUES (1, 0);
)sql",
};

Status Failed(int64_t version, const Status& cause) {
  return Status(Code::kInternal,
                "store: migration " + std::to_string(version) + ": " + cause.message());
}

// Applies migration `version` unless a concurrent opener did it first.
Status ApplyOne(Db& db, int64_t version) {
  Transaction txn(db);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return Failed(version, s);
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
