#include "push/push_store.h"

#include <algorithm>
#include <functional>

#include "push/sealed_field.h"
#include "store/sqlite/sqlite_db.h"

namespace parley::push {
namespace {

using store::sql::Db;
using store::sql::Statement;
using store::sql::Transaction;
using store::sql::TransactionMode;
using store::sqlite::SqliteDb;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS targets (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: a late outcome of a removed
                                                 -- target must not touch a newer one
  user_id    INTEGER NOT NULL,
  device_id  INTEGER NOT NULL,
  provider   INTEGER NOT NULL,
  endpoint   TEXT NOT NULL,
  p256dh     BLOB NOT NULL,
  auth       BLOB NOT NULL,
  secret     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, endpoint)
) STRICT;
CREATE INDEX IF NOT EXISTS targets_by_device ON targets (device_id);
CREATE TABLE IF NOT EXISTS settings (
  user_id INTEGER PRIMARY KEY,
  preview INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS quiet_hours (  -- do-not-disturb, in the user's time zone
  user_id      INTEGER PRIMARY KEY,
  start_minute INTEGER NOT NULL,  -- after local midnight
  end_minute   INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS mutes (
  user_id         INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL,
  until           INTEGER NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS jobs (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  target_id       INTEGER NOT NULL REFERENCES targets (id) ON DELETE CASCADE,
  collapse_key    TEXT NOT NULL,
  kind            INTEGER NOT NULL,
  conversation_id INTEGER NOT NULL,
  seq             INTEGER NOT NULL,
  sender_id       INTEGER NOT NULL,
  title           TEXT NOT NULL,
  body            TEXT NOT NULL,
  count           INTEGER NOT NULL,
  version         INTEGER NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_at         INTEGER NOT NULL,
  leased          INTEGER NOT NULL DEFAULT 0,
  dead            INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  UNIQUE (target_id, collapse_key)
) STRICT;
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (dead, leased, next_at);
CREATE INDEX IF NOT EXISTS jobs_by_target ON jobs (target_id);
)sql";

constexpr const char* kTargetColumns =
    "id, user_id, device_id, provider, endpoint, p256dh, auth, secret, created_at";

// The seal context of a target's secret: its user and endpoint (unique together), so a sealed
// value copied to another target does not open.
std::string SealContext(std::string_view field, int64_t user_id, std::string_view endpoint) {
  return "push target " + std::string(field) + " " + std::to_string(user_id) + " " +
         std::string(endpoint);
}

Status Internal(const Status& cause) {
  return Status(Code::kInternal, "push store: " + cause.message());
}

}  // namespace

Result<std::unique_ptr<Db>> OpenPushDb(const std::string& path, bool fsync_full,
                                       const char* schema) {
  store::sqlite::DbOptions options;
  options.create = true;
  options.writer = true;
  options.synchronous_full = fsync_full;
  auto db = SqliteDb::Open(path, options);
  if (!db.ok()) return db.status();
  if (Status s = (*db)->Exec(schema); !s.ok()) return s;
  return std::unique_ptr<Db>(std::move(*db));
}

bool MutedAt(const std::vector<Mute>& mutes, int64_t conversation_id, int64_t now) {
  return std::any_of(mutes.begin(), mutes.end(), [&](const Mute& mute) {
    return mute.conversation_id == conversation_id && (mute.until == 0 || mute.until > now);
  });
}

PushStore::PushStore(std::unique_ptr<Db> db, const auth::SecretBox& box)
    : db_(std::move(db)), box_(box) {}
PushStore::~PushStore() = default;

Result<std::unique_ptr<PushStore>> PushStore::Open(const std::string& path, bool fsync_full,
                                                   const auth::SecretBox& box) {
  auto db = OpenPushDb(path, fsync_full, kSchema);
  if (!db.ok()) return Internal(db.status());
  if (Status s = (*db)->Exec("PRAGMA foreign_keys = ON; UPDATE jobs SET leased = 0 WHERE leased");
      !s.ok()) {
    return Internal(s);
  }
  std::unique_ptr<PushStore> store(new PushStore(std::move(*db), box));
  // Servers from before sealing stored the secrets in the clear: seal them here, at every
  // open, rather than in a one-off migration. The check is one pass over a small table (a
  // few targets per user), it needs the key (which a schema migration does not have), and it
  // also catches a clear row restored later from an old backup. Only under a key that opens
  // the rows sealed already: a wrong key file must not seal anything (CheckKey reports it).
  Result<int64_t> sealed = int64_t{0};
  if (store->CheckKeyLocked().ok()) {
    sealed = store->RewriteSecretsLocked(
        [&box](const std::string& stored,
               const std::string& context) -> Result<std::optional<std::string>> {
          if (stored.empty() || IsSealedField(stored)) return std::optional<std::string>();
          return std::optional<std::string>(SealField(box, stored, context));
        });
  }
  if (!sealed.ok()) return Internal(sealed.status());
  auto users = store->db_->Prepare("SELECT DISTINCT user_id FROM targets");
  if (!users.ok()) return Internal(users.status());
  for (;;) {
    auto row = users->Step();
    if (!row.ok()) return Internal(row.status());
    if (!*row) break;
    store->users_with_targets_.insert(users->ColumnInt(0));
  }
  users->Reset();
  return store;
}

Result<Target> PushStore::ReadTargetLocked(const Statement& row, int first) {
  Target t;
  t.id = row.ColumnInt(first);
  t.user_id = row.ColumnInt(first + 1);
  t.device_id = row.ColumnInt(first + 2);
  t.provider = static_cast<Provider>(row.ColumnInt(first + 3));
  t.endpoint = row.ColumnText(first + 4);
  t.p256dh = row.ColumnText(first + 5);
  auto auth =
      OpenField(box_, row.ColumnText(first + 6), SealContext("auth", t.user_id, t.endpoint));
  if (!auth.ok()) return auth.status();
  t.auth = std::move(*auth);
  auto secret =
      OpenField(box_, row.ColumnText(first + 7), SealContext("secret", t.user_id, t.endpoint));
  if (!secret.ok()) return secret.status();
  t.secret = std::move(*secret);
  t.created_at = row.ColumnInt(first + 8);
  return t;
}

Result<int64_t> PushStore::RewriteSecretsLocked(const Rewrite& rewrite) {
  struct Row {
    int64_t id;
    std::string auth;
    std::string secret;
  };
  Transaction txn(*db_);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return s;
  auto select = db_->Prepare("SELECT id, user_id, endpoint, auth, secret FROM targets ORDER BY id");
  if (!select.ok()) return select.status();
  std::vector<Row> changed;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    const int64_t id = select->ColumnInt(0);
    const int64_t user_id = select->ColumnInt(1);
    const std::string endpoint = select->ColumnText(2);
    Row out{id, select->ColumnText(3), select->ColumnText(4)};
    auto auth = rewrite(out.auth, SealContext("auth", user_id, endpoint));
    auto secret = rewrite(out.secret, SealContext("secret", user_id, endpoint));
    for (const auto* result : {&auth, &secret}) {
      if (!result->ok()) {
        return Status(Code::kInternal, "push target " + std::to_string(id) +
                                           "'s secret: " + result->status().message());
      }
    }
    if (!auth->has_value() && !secret->has_value()) continue;
    if (auth->has_value()) out.auth = std::move(**auth);
    if (secret->has_value()) out.secret = std::move(**secret);
    changed.push_back(std::move(out));
  }
  select->Reset();
  auto update = db_->Prepare("UPDATE targets SET auth = ?2, secret = ?3 WHERE id = ?1");
  if (!update.ok()) return update.status();
  for (const Row& row : changed) {
    update->BindInt(1, row.id);
    update->BindBlob(2, row.auth);
    update->BindText(3, row.secret);
    if (Status s = update->Run(); !s.ok()) return s;
    update->Reset();
  }
  if (Status s = txn.Commit(); !s.ok()) return s;
  return static_cast<int64_t>(changed.size());
}

Status PushStore::CheckKey() {
  std::lock_guard lock(mutex_);
  return CheckKeyLocked();
}

Status PushStore::CheckKeyLocked() {
  auto select = db_->Prepare(std::string("SELECT ") + kTargetColumns +
                             " FROM targets WHERE CAST(auth AS TEXT) LIKE ?1 OR secret LIKE ?1 "
                             "LIMIT 1");
  if (!select.ok()) return Internal(select.status());
  select->BindText(1, std::string(kSealedPrefix) + "%");
  auto row = select->Step();
  if (!row.ok()) return Internal(row.status());
  if (!*row) return Status::Ok();
  auto target = ReadTargetLocked(*select, 0);
  if (!target.ok()) {
    return Status(Code::kInternal, "the secret key file does not open the stored push secrets: " +
                                       target.status().message());
  }
  return Status::Ok();
}

Result<int64_t> PushStore::ResealSecrets(const auth::SecretBox& new_key) {
  std::lock_guard lock(mutex_);
  const auth::SecretBox& old_key = box_;
  auto resealed = RewriteSecretsLocked(
      [&old_key, &new_key](const std::string& stored,
                           const std::string& context) -> Result<std::optional<std::string>> {
        if (stored.empty() || OpenField(new_key, stored, context).ok()) {
          return std::optional<std::string>();  // nothing to seal, or moved already
        }
        // A clear value (left by an open under a key that did not fit) is sealed as it is.
        auto secret = IsSealedField(stored) ? OpenField(old_key, stored, context)
                                            : Result<std::string>(stored);
        if (!secret.ok()) return secret.status();
        return std::optional<std::string>(SealField(new_key, *secret, context));
      });
  if (!resealed.ok()) return Internal(resealed.status());
  return resealed;
}

bool PushStore::HasTargets(int64_t user_id) {
  std::lock_guard lock(mutex_);
  return users_with_targets_.count(user_id) > 0;
}

Status PushStore::RefreshUserLocked(int64_t user_id) {
  auto select = db_->Prepare("SELECT EXISTS (SELECT 1 FROM targets WHERE user_id = ?1)");
  if (!select.ok()) return select.status();
  select->BindInt(1, user_id);
  auto row = select->Step();
  if (!row.ok()) return row.status();
  if (*row && select->ColumnInt(0) != 0) {
    users_with_targets_.insert(user_id);
  } else {
    users_with_targets_.erase(user_id);
  }
  return Status::Ok();
}

Result<Target> PushStore::AddTarget(Target target, int max_per_user) {
  std::lock_guard lock(mutex_);
  Transaction txn(*db_);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return Internal(s);
  auto replace = db_->Prepare(
      "DELETE FROM targets WHERE user_id = ?1 AND ((device_id = ?2 AND provider = ?3) OR "
      "endpoint = ?4)");
  if (!replace.ok()) return Internal(replace.status());
  replace->BindInt(1, target.user_id);
  replace->BindInt(2, target.device_id);
  replace->BindInt(3, static_cast<int64_t>(target.provider));
  replace->BindText(4, target.endpoint);
  if (Status s = replace->Run(); !s.ok()) return Internal(s);
  auto count = db_->Prepare("SELECT COUNT(*) FROM targets WHERE user_id = ?1");
  if (!count.ok()) return Internal(count.status());
  count->BindInt(1, target.user_id);
  auto row = count->Step();
  if (!row.ok()) return Internal(row.status());
  if (count->ColumnInt(0) >= max_per_user) {
    return Status(Code::kQuotaExceeded,
                  "at most " + std::to_string(max_per_user) + " push targets per user");
  }
  count->Reset();
  auto insert = db_->Prepare(
      "INSERT INTO targets (user_id, device_id, provider, endpoint, p256dh, auth, secret, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert.ok()) return Internal(insert.status());
  insert->BindInt(1, target.user_id);
  insert->BindInt(2, target.device_id);
  insert->BindInt(3, static_cast<int64_t>(target.provider));
  insert->BindText(4, target.endpoint);
  insert->BindBlob(5, target.p256dh);
  insert->BindBlob(
      6, SealField(box_, target.auth, SealContext("auth", target.user_id, target.endpoint)));
  insert->BindText(
      7, SealField(box_, target.secret, SealContext("secret", target.user_id, target.endpoint)));
  insert->BindInt(8, target.created_at);
  if (Status s = insert->Run(); !s.ok()) return Internal(s);
  auto id = db_->QueryInt("SELECT last_insert_rowid()");
  if (!id.ok()) return Internal(id.status());
  target.id = *id;
  if (Status s = txn.Commit(); !s.ok()) return Internal(s);
  users_with_targets_.insert(target.user_id);
  return target;
}

Result<std::vector<Target>> PushStore::TargetsOf(int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare(std::string("SELECT ") + kTargetColumns +
                             " FROM targets WHERE user_id = ?1 ORDER BY id");
  if (!select.ok()) return Internal(select.status());
  select->BindInt(1, user_id);
  std::vector<Target> targets;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return Internal(row.status());
    if (!*row) break;
    auto target = ReadTargetLocked(*select, 0);
    if (!target.ok()) return Internal(target.status());
    targets.push_back(std::move(*target));
  }
  return targets;
}

Result<bool> PushStore::RemoveTarget(int64_t user_id, int64_t target_id) {
  std::lock_guard lock(mutex_);
  if (Status s =
          RunLocked("DELETE FROM targets WHERE id = ?1 AND user_id = ?2", target_id, user_id);
      !s.ok()) {
    return Internal(s);
  }
  auto changed = db_->QueryInt("SELECT changes()");
  if (!changed.ok()) return Internal(changed.status());
  if (Status s = RefreshUserLocked(user_id); !s.ok()) return Internal(s);
  return *changed > 0;
}

Status PushStore::RunLocked(const char* sql, int64_t a, int64_t b) {
  auto statement = db_->Prepare(sql);
  if (!statement.ok()) return statement.status();
  statement->BindInt(1, a);
  statement->BindInt(2, b);
  return statement->Run();
}

Status PushStore::RemoveDeviceTargets(int64_t device_id) {
  std::lock_guard lock(mutex_);
  auto owner = db_->Prepare("SELECT DISTINCT user_id FROM targets WHERE device_id = ?1");
  if (!owner.ok()) return Internal(owner.status());
  owner->BindInt(1, device_id);
  std::vector<int64_t> users;
  for (;;) {
    auto row = owner->Step();
    if (!row.ok()) return Internal(row.status());
    if (!*row) break;
    users.push_back(owner->ColumnInt(0));
  }
  owner->Reset();
  if (users.empty()) return Status::Ok();
  if (Status s = RunLocked("DELETE FROM targets WHERE device_id = ?1 AND ?2 = 0", device_id, 0);
      !s.ok()) {
    return Internal(s);
  }
  for (int64_t user : users) {
    if (Status s = RefreshUserLocked(user); !s.ok()) return Internal(s);
  }
  return Status::Ok();
}

Status PushStore::RemoveOtherDeviceTargets(int64_t user_id, int64_t keep_device_id) {
  std::lock_guard lock(mutex_);
  if (Status s = RunLocked("DELETE FROM targets WHERE user_id = ?1 AND device_id != ?2", user_id,
                           keep_device_id);
      !s.ok()) {
    return Internal(s);
  }
  if (Status s = RefreshUserLocked(user_id); !s.ok()) return Internal(s);
  return Status::Ok();
}

Status PushStore::ForgetUser(int64_t user_id) {
  std::lock_guard lock(mutex_);
  for (const char* sql :
       {"DELETE FROM targets WHERE user_id = ?1", "DELETE FROM settings WHERE user_id = ?1",
        "DELETE FROM quiet_hours WHERE user_id = ?1", "DELETE FROM mutes WHERE user_id = ?1"}) {
    auto statement = db_->Prepare(sql);
    if (!statement.ok()) return Internal(statement.status());
    statement->BindInt(1, user_id);
    if (Status s = statement->Run(); !s.ok()) return Internal(s);
  }
  if (Status s = RefreshUserLocked(user_id); !s.ok()) return Internal(s);
  return Status::Ok();
}

Result<Preview> PushStore::PreviewOf(int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare("SELECT preview FROM settings WHERE user_id = ?1");
  if (!select.ok()) return Internal(select.status());
  select->BindInt(1, user_id);
  auto row = select->Step();
  if (!row.ok()) return Internal(row.status());
  return *row ? static_cast<Preview>(std::clamp<int64_t>(select->ColumnInt(0), 0, 2))
              : Preview::kFull;
}

Status PushStore::SetPreview(int64_t user_id, Preview preview) {
  std::lock_guard lock(mutex_);
  auto upsert = db_->Prepare(
      "INSERT INTO settings (user_id, preview) VALUES (?1, ?2) "
      "ON CONFLICT (user_id) DO UPDATE SET preview = excluded.preview");
  if (!upsert.ok()) return Internal(upsert.status());
  upsert->BindInt(1, user_id);
  upsert->BindInt(2, static_cast<int64_t>(preview));
  if (Status s = upsert->Run(); !s.ok()) return Internal(s);
  return Status::Ok();
}

Result<std::optional<QuietHours>> PushStore::QuietHoursOf(int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare("SELECT start_minute, end_minute FROM quiet_hours WHERE user_id = ?1");
  if (!select.ok()) return Internal(select.status());
  select->BindInt(1, user_id);
  auto row = select->Step();
  if (!row.ok()) return Internal(row.status());
  if (!*row) return std::optional<QuietHours>();
  return std::optional<QuietHours>(
      QuietHours{static_cast<int>(select->ColumnInt(0)), static_cast<int>(select->ColumnInt(1))});
}

Status PushStore::SetQuietHours(int64_t user_id, std::optional<QuietHours> hours) {
  std::lock_guard lock(mutex_);
  auto statement = db_->Prepare(
      hours ? "INSERT INTO quiet_hours (user_id, start_minute, end_minute) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (user_id) DO UPDATE SET start_minute = excluded.start_minute, "
              "end_minute = excluded.end_minute"
            : "DELETE FROM quiet_hours WHERE user_id = ?1");
  if (!statement.ok()) return Internal(statement.status());
  statement->BindInt(1, user_id);
  if (hours) {
    statement->BindInt(2, hours->start_minute);
    statement->BindInt(3, hours->end_minute);
  }
  if (Status s = statement->Run(); !s.ok()) return Internal(s);
  return Status::Ok();
}

Result<std::vector<Mute>> PushStore::MutesOf(int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare(
      "SELECT conversation_id, until FROM mutes WHERE user_id = ?1 ORDER BY conversation_id");
  if (!select.ok()) return Internal(select.status());
  select->BindInt(1, user_id);
  std::vector<Mute> mutes;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return Internal(row.status());
    if (!*row) break;
    mutes.push_back(Mute{select->ColumnInt(0), select->ColumnInt(1)});
  }
  return mutes;
}

Status PushStore::SetMute(int64_t user_id, const Mute& mute) {
  std::lock_guard lock(mutex_);
  auto upsert = db_->Prepare(
      "INSERT INTO mutes (user_id, conversation_id, until) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (user_id, conversation_id) DO UPDATE SET until = excluded.until");
  if (!upsert.ok()) return Internal(upsert.status());
  upsert->BindInt(1, user_id);
  upsert->BindInt(2, mute.conversation_id);
  upsert->BindInt(3, mute.until);
  if (Status s = upsert->Run(); !s.ok()) return Internal(s);
  return Status::Ok();
}

Status PushStore::RemoveMute(int64_t user_id, int64_t conversation_id) {
  std::lock_guard lock(mutex_);
  Status s = RunLocked("DELETE FROM mutes WHERE user_id = ?1 AND conversation_id = ?2", user_id,
                       conversation_id);
  return s.ok() ? s : Internal(s);
}

Result<PushStore::Recipient> PushStore::RecipientOf(int64_t user_id, int64_t conversation_id,
                                                    int64_t now) {
  // One query: each target of the user with the user's settings beside it.
  std::lock_guard lock(mutex_);
  auto select =
      db_->Prepare(std::string("SELECT ") + kTargetColumns +
                   ", (SELECT preview FROM settings WHERE user_id = ?1), "
                   "(SELECT start_minute FROM quiet_hours WHERE user_id = ?1), "
                   "(SELECT end_minute FROM quiet_hours WHERE user_id = ?1), "
                   "(SELECT until FROM mutes WHERE user_id = ?1 AND conversation_id = ?2) "
                   "FROM targets WHERE user_id = ?1 ORDER BY id");
  if (!select.ok()) return Internal(select.status());
  select->BindInt(1, user_id);
  select->BindInt(2, conversation_id);
  Recipient recipient;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return Internal(row.status());
    if (!*row) break;
    auto target = ReadTargetLocked(*select, 0);
    if (!target.ok()) return Internal(target.status());
    recipient.targets.push_back(std::move(*target));
    if (recipient.targets.size() > 1) continue;  // the settings are the same on every row
    constexpr int kSettings = 9;                 // the first column after the target's
    if (!select->ColumnIsNull(kSettings)) {
      recipient.preview =
          static_cast<Preview>(std::clamp<int64_t>(select->ColumnInt(kSettings), 0, 2));
    }
    if (!select->ColumnIsNull(kSettings + 1)) {
      recipient.quiet = QuietHours{static_cast<int>(select->ColumnInt(kSettings + 1)),
                                   static_cast<int>(select->ColumnInt(kSettings + 2))};
    }
    if (conversation_id != 0 && !select->ColumnIsNull(kSettings + 3)) {
      const int64_t until = select->ColumnInt(kSettings + 3);
      recipient.muted = until == 0 || until > now;
    }
  }
  return recipient;
}

Status PushStore::Enqueue(const std::vector<NewJob>& jobs, int64_t now) {
  if (jobs.empty()) return Status::Ok();
  std::lock_guard lock(mutex_);
  Transaction txn(*db_);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return Internal(s);
  for (const NewJob& entry : jobs) {
    const Job& job = entry.job;
    auto upsert = db_->Prepare(
        "INSERT INTO jobs (target_id, collapse_key, kind, conversation_id, seq, sender_id, title, "
        "body, count, version, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, 1, ?9) "
        "ON CONFLICT (target_id, collapse_key) DO UPDATE SET kind = excluded.kind, "
        "seq = MAX(seq, excluded.seq), sender_id = excluded.sender_id, title = excluded.title, "
        "body = excluded.body, count = CASE WHEN dead THEN 1 ELSE count + 1 END, "
        "version = version + 1, attempts = CASE WHEN dead THEN 0 ELSE attempts END, "
        "next_at = CASE WHEN dead THEN excluded.next_at ELSE next_at END, dead = 0");
    if (!upsert.ok()) return Internal(upsert.status());
    upsert->BindInt(1, entry.target_id);
    upsert->BindText(2, job.collapse_key);
    upsert->BindInt(3, static_cast<int64_t>(job.kind));
    upsert->BindInt(4, job.conversation_id);
    upsert->BindInt(5, job.seq);
    upsert->BindInt(6, job.sender_id);
    upsert->BindText(7, job.title);
    upsert->BindText(8, job.body);
    upsert->BindInt(9, now);
    if (Status s = upsert->Run(); !s.ok()) {
      // The target went away since it was read (a logout): nothing to deliver to.
      if (upsert->IsForeignKeyViolation()) continue;
      return Internal(s);
    }
  }
  if (Status s = txn.Commit(); !s.ok()) return Internal(s);
  return Status::Ok();
}

Result<std::vector<std::pair<Job, Target>>> PushStore::LeaseDue(
    int64_t now, LeaseSlots slots, const std::vector<int64_t>& busy_targets) {
  int limit = 0;
  for (int free : slots) limit += std::max(free, 0);
  if (limit == 0) return std::vector<std::pair<Job, Target>>();
  std::lock_guard lock(mutex_);
  Transaction txn(*db_);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return Internal(s);
  auto select = db_->Prepare(
      std::string("SELECT j.id, j.collapse_key, j.kind, j.conversation_id, j.seq, j.sender_id, "
                  "j.title, j.body, j.count, j.version, j.attempts, j.next_at, ") +
      "t.id, t.user_id, t.device_id, t.provider, t.endpoint, t.p256dh, t.auth, t.secret, "
      "t.created_at FROM jobs AS j JOIN targets AS t ON t.id = j.target_id "
      "WHERE j.dead = 0 AND j.leased = 0 AND j.next_at <= ?1 ORDER BY j.next_at LIMIT ?2");
  if (!select.ok()) return Internal(select.status());
  select->BindInt(1, now);
  // Read beyond the limit so that jobs of busy targets and full providers do not starve the
  // others.
  select->BindInt(2, static_cast<int64_t>(limit) * 4 + static_cast<int64_t>(busy_targets.size()));
  std::vector<int64_t> busy = busy_targets;
  std::vector<std::pair<Job, Target>> due;
  while (static_cast<int>(due.size()) < limit) {
    auto row = select->Step();
    if (!row.ok()) return Internal(row.status());
    if (!*row) break;
    auto read = ReadTargetLocked(*select, 12);
    if (!read.ok()) return Internal(read.status());
    Target target = std::move(*read);
    if (std::find(busy.begin(), busy.end(), target.id) != busy.end()) continue;
    const auto provider = static_cast<size_t>(target.provider);
    if (provider >= slots.size() || slots[provider] <= 0) continue;
    --slots[provider];
    busy.push_back(target.id);  // one job per target in flight
    Job job;
    job.id = select->ColumnInt(0);
    job.target_id = target.id;
    job.collapse_key = select->ColumnText(1);
    job.kind = static_cast<Notification::Kind>(select->ColumnInt(2));
    job.conversation_id = select->ColumnInt(3);
    job.seq = select->ColumnInt(4);
    job.sender_id = select->ColumnInt(5);
    job.title = select->ColumnText(6);
    job.body = select->ColumnText(7);
    job.count = select->ColumnInt(8);
    job.version = select->ColumnInt(9);
    job.attempts = select->ColumnInt(10);
    job.next_at = select->ColumnInt(11);
    due.emplace_back(std::move(job), std::move(target));
  }
  select->Reset();
  for (const auto& [job, target] : due) {
    auto lease = db_->Prepare("UPDATE jobs SET leased = 1 WHERE id = ?1");
    if (!lease.ok()) return Internal(lease.status());
    lease->BindInt(1, job.id);
    if (Status s = lease->Run(); !s.ok()) return Internal(s);
  }
  if (Status s = txn.Commit(); !s.ok()) return Internal(s);
  return due;
}

Result<std::optional<int64_t>> PushStore::NextDue() {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare("SELECT MIN(next_at) FROM jobs WHERE dead = 0 AND leased = 0");
  if (!select.ok()) return Internal(select.status());
  auto row = select->Step();
  if (!row.ok()) return Internal(row.status());
  if (!*row || select->ColumnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(select->ColumnInt(0));
}

Status PushStore::Apply(const std::vector<Outcome>& outcomes, int64_t now, int max_attempts) {
  if (outcomes.empty()) return Status::Ok();
  std::lock_guard lock(mutex_);
  Transaction txn(*db_);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return Internal(s);
  auto run = [this](const char* sql, const std::function<void(Statement&)>& bind) -> Status {
    auto statement = db_->Prepare(sql);
    if (!statement.ok()) return statement.status();
    bind(*statement);
    return statement->Run();
  };
  std::vector<int64_t> gone_users;
  for (const Outcome& o : outcomes) {
    Status s;
    switch (o.kind) {
      case Outcome::Kind::kDelivered:
        // A job coalesced while in flight (a newer version) stays, due now, counting only what
        // came after the send.
        s =
            run("UPDATE jobs SET leased = 0, attempts = 0, next_at = ?3, last_error = '', "
                "count = MAX(count - ?4, 1) WHERE id = ?1 AND version != ?2",
                [&](Statement& st) {
                  st.BindInt(1, o.job_id);
                  st.BindInt(2, o.version);
                  st.BindInt(3, now);
                  st.BindInt(4, o.count);
                });
        if (s.ok()) {
          s = run("DELETE FROM jobs WHERE id = ?1 AND version = ?2", [&](Statement& st) {
            st.BindInt(1, o.job_id);
            st.BindInt(2, o.version);
          });
        }
        break;
      case Outcome::Kind::kGone: {
        auto owner = db_->Prepare("SELECT user_id FROM targets WHERE id = ?1");
        if (!owner.ok()) return Internal(owner.status());
        owner->BindInt(1, o.target_id);
        auto row = owner->Step();
        if (!row.ok()) return Internal(row.status());
        if (*row) gone_users.push_back(owner->ColumnInt(0));
        owner->Reset();
        s = run("DELETE FROM targets WHERE id = ?1",
                [&](Statement& st) { st.BindInt(1, o.target_id); });
        break;
      }
      case Outcome::Kind::kRetry:
      case Outcome::Kind::kFailed: {
        const bool fail = o.kind == Outcome::Kind::kFailed;
        s =
            run("UPDATE jobs SET leased = 0, attempts = attempts + 1, next_at = ?2, "
                "last_error = ?3, dead = (?4 OR attempts + 1 >= ?5) WHERE id = ?1",
                [&](Statement& st) {
                  st.BindInt(1, o.job_id);
                  st.BindInt(2, fail ? now : o.retry_at);
                  st.BindText(3, o.error.substr(0, 200));
                  st.BindInt(4, fail ? 1 : 0);
                  st.BindInt(5, max_attempts);
                });
        break;
      }
    }
    if (!s.ok()) return Internal(s);
  }
  if (Status s = txn.Commit(); !s.ok()) return Internal(s);
  for (int64_t user : gone_users) {
    if (Status s = RefreshUserLocked(user); !s.ok()) return Internal(s);
  }
  return Status::Ok();
}

Result<JobCounts> PushStore::Counts() {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare("SELECT COALESCE(SUM(dead = 0), 0), COALESCE(SUM(dead), 0) FROM jobs");
  if (!select.ok()) return Internal(select.status());
  auto row = select->Step();
  if (!row.ok()) return Internal(row.status());
  return JobCounts{select->ColumnInt(0), select->ColumnInt(1)};
}

}  // namespace parley::push
