#include "push/push_store.h"

#include <algorithm>
#include <functional>
#include <tuple>
#include <vector>

#include "push/sealed_field.h"
#include "store/sql/sql_db.h"

namespace parley::push {
namespace {

using store::sql::Db;
using store::sql::DbFailure;
using store::sql::Statement;
using store::sql::Transaction;
using store::sql::TransactionMode;

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
  leased          INTEGER NOT NULL DEFAULT 0,  -- the lease's expiry (ms); 0: not leased
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

}  // namespace

bool MutedAt(const std::vector<Mute>& mutes, int64_t conversation_id, int64_t now) {
  return std::any_of(mutes.begin(), mutes.end(), [&](const Mute& mute) {
    return mute.conversation_id == conversation_id && (mute.until == 0 || mute.until > now);
  });
}

PushStore::PushStore(std::unique_ptr<Db> db, const auth::SecretBox& box, bool shared)
    : db_(std::move(db)), box_(box), shared_(shared) {}
PushStore::~PushStore() = default;

Result<std::unique_ptr<PushStore>> PushStore::Open(const PushDbOptions& where,
                                                   const auth::SecretBox& box) {
  auto db = OpenPushDb(where, kSchema);
  if (!db.ok()) return DbFailure("push store", db.status());
  // One process per SQLite file: every lease there is a previous process's. On a shared
  // database the leases of live nodes stay; a dead node's expire.
  if (!where.shared()) {
    if (Status s = (*db)->Exec("UPDATE jobs SET leased = 0 WHERE leased != 0"); !s.ok()) {
      return DbFailure("push store", s);
    }
  }
  std::unique_ptr<PushStore> store(new PushStore(std::move(*db), box, where.shared()));
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
  if (!sealed.ok()) return DbFailure("push store", sealed.status());
  if (store->shared_) return store;
  auto users = store->db_->Prepare("SELECT DISTINCT user_id FROM targets");
  if (!users.ok()) return DbFailure("push store", users.status());
  for (;;) {
    auto row = users->Step();
    if (!row.ok()) return DbFailure("push store", row.status());
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
  // substr() compares bytes on both databases (auth is a BLOB/BYTEA, secret text).
  auto select = db_->Prepare(std::string("SELECT ") + kTargetColumns +
                             " FROM targets WHERE substr(auth, 1, ?1) = ?2 OR "
                             "substr(secret, 1, ?1) = ?3 LIMIT 1");
  if (!select.ok()) return DbFailure("push store", select.status());
  select->BindInt(1, static_cast<int64_t>(kSealedPrefix.size()));
  select->BindBlob(2, kSealedPrefix);
  select->BindText(3, kSealedPrefix);
  auto row = select->Step();
  if (!row.ok()) return DbFailure("push store", row.status());
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
  if (!resealed.ok()) return DbFailure("push store", resealed.status());
  return resealed;
}

Result<std::unordered_set<int64_t>> PushStore::WithTargets(const std::vector<int64_t>& users) {
  std::lock_guard lock(mutex_);
  if (shared_) {
    auto found = SelectUsersAmong(*db_, "SELECT DISTINCT user_id FROM targets WHERE", users);
    if (!found.ok()) return DbFailure("push store", found.status());
    return found;
  }
  std::unordered_set<int64_t> found;
  for (int64_t user : users) {
    if (users_with_targets_.count(user) > 0) found.insert(user);
  }
  return found;
}

Status PushStore::RefreshUserLocked(int64_t user_id) {
  if (shared_) return Status::Ok();
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
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return DbFailure("push store", s);
  auto replace = db_->Prepare(
      "DELETE FROM targets WHERE user_id = ?1 AND ((device_id = ?2 AND provider = ?3) OR "
      "endpoint = ?4)");
  if (!replace.ok()) return DbFailure("push store", replace.status());
  replace->BindInt(1, target.user_id);
  replace->BindInt(2, target.device_id);
  replace->BindInt(3, static_cast<int64_t>(target.provider));
  replace->BindText(4, target.endpoint);
  if (Status s = replace->Run(); !s.ok()) return DbFailure("push store", s);
  auto count = db_->Prepare("SELECT COUNT(*) FROM targets WHERE user_id = ?1");
  if (!count.ok()) return DbFailure("push store", count.status());
  count->BindInt(1, target.user_id);
  auto row = count->Step();
  if (!row.ok()) return DbFailure("push store", row.status());
  if (count->ColumnInt(0) >= max_per_user) {
    return Status(Code::kQuotaExceeded,
                  "at most " + std::to_string(max_per_user) + " push targets per user");
  }
  count->Reset();
  auto insert = db_->Prepare(
      "INSERT INTO targets (user_id, device_id, provider, endpoint, p256dh, auth, secret, "
      "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id");
  if (!insert.ok()) return DbFailure("push store", insert.status());
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
  auto inserted = insert->Step();
  if (!inserted.ok()) return DbFailure("push store", inserted.status());
  if (!*inserted) return Status(Code::kInternal, "push store: no id for the new target");
  target.id = insert->ColumnInt(0);
  insert->Reset();
  if (Status s = txn.Commit(); !s.ok()) return DbFailure("push store", s);
  users_with_targets_.insert(target.user_id);
  return target;
}

Result<std::vector<Target>> PushStore::TargetsOf(int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare(std::string("SELECT ") + kTargetColumns +
                             " FROM targets WHERE user_id = ?1 ORDER BY id");
  if (!select.ok()) return DbFailure("push store", select.status());
  select->BindInt(1, user_id);
  std::vector<Target> targets;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return DbFailure("push store", row.status());
    if (!*row) break;
    auto target = ReadTargetLocked(*select, 0);
    if (!target.ok()) return DbFailure("push store", target.status());
    targets.push_back(std::move(*target));
  }
  return targets;
}

Result<bool> PushStore::RemoveTarget(int64_t user_id, int64_t target_id) {
  std::lock_guard lock(mutex_);
  auto remove = db_->Prepare("DELETE FROM targets WHERE id = ?1 AND user_id = ?2 RETURNING id");
  if (!remove.ok()) return DbFailure("push store", remove.status());
  remove->BindInt(1, target_id);
  remove->BindInt(2, user_id);
  auto removed = remove->Step();
  if (!removed.ok()) return DbFailure("push store", removed.status());
  const bool had = *removed;
  remove->Reset();
  if (Status s = RefreshUserLocked(user_id); !s.ok()) return DbFailure("push store", s);
  return had;
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
  if (!owner.ok()) return DbFailure("push store", owner.status());
  owner->BindInt(1, device_id);
  std::vector<int64_t> users;
  for (;;) {
    auto row = owner->Step();
    if (!row.ok()) return DbFailure("push store", row.status());
    if (!*row) break;
    users.push_back(owner->ColumnInt(0));
  }
  owner->Reset();
  if (users.empty()) return Status::Ok();
  if (Status s = RunLocked("DELETE FROM targets WHERE device_id = ?1 AND ?2 = 0", device_id, 0);
      !s.ok()) {
    return DbFailure("push store", s);
  }
  for (int64_t user : users) {
    if (Status s = RefreshUserLocked(user); !s.ok()) return DbFailure("push store", s);
  }
  return Status::Ok();
}

Status PushStore::RemoveOtherDeviceTargets(int64_t user_id, int64_t keep_device_id) {
  std::lock_guard lock(mutex_);
  if (Status s = RunLocked("DELETE FROM targets WHERE user_id = ?1 AND device_id != ?2", user_id,
                           keep_device_id);
      !s.ok()) {
    return DbFailure("push store", s);
  }
  if (Status s = RefreshUserLocked(user_id); !s.ok()) return DbFailure("push store", s);
  return Status::Ok();
}

Status PushStore::ForgetUser(int64_t user_id) {
  std::lock_guard lock(mutex_);
  for (const char* sql :
       {"DELETE FROM targets WHERE user_id = ?1", "DELETE FROM settings WHERE user_id = ?1",
        "DELETE FROM quiet_hours WHERE user_id = ?1", "DELETE FROM mutes WHERE user_id = ?1"}) {
    auto statement = db_->Prepare(sql);
    if (!statement.ok()) return DbFailure("push store", statement.status());
    statement->BindInt(1, user_id);
    if (Status s = statement->Run(); !s.ok()) return DbFailure("push store", s);
  }
  if (Status s = RefreshUserLocked(user_id); !s.ok()) return DbFailure("push store", s);
  return Status::Ok();
}

Result<Preview> PushStore::PreviewOf(int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare("SELECT preview FROM settings WHERE user_id = ?1");
  if (!select.ok()) return DbFailure("push store", select.status());
  select->BindInt(1, user_id);
  auto row = select->Step();
  if (!row.ok()) return DbFailure("push store", row.status());
  return *row ? static_cast<Preview>(std::clamp<int64_t>(select->ColumnInt(0), 0, 2))
              : Preview::kFull;
}

Status PushStore::SetPreview(int64_t user_id, Preview preview) {
  std::lock_guard lock(mutex_);
  auto upsert = db_->Prepare(
      "INSERT INTO settings (user_id, preview) VALUES (?1, ?2) "
      "ON CONFLICT (user_id) DO UPDATE SET preview = excluded.preview");
  if (!upsert.ok()) return DbFailure("push store", upsert.status());
  upsert->BindInt(1, user_id);
  upsert->BindInt(2, static_cast<int64_t>(preview));
  if (Status s = upsert->Run(); !s.ok()) return DbFailure("push store", s);
  return Status::Ok();
}

Result<std::optional<QuietHours>> PushStore::QuietHoursOf(int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare("SELECT start_minute, end_minute FROM quiet_hours WHERE user_id = ?1");
  if (!select.ok()) return DbFailure("push store", select.status());
  select->BindInt(1, user_id);
  auto row = select->Step();
  if (!row.ok()) return DbFailure("push store", row.status());
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
  if (!statement.ok()) return DbFailure("push store", statement.status());
  statement->BindInt(1, user_id);
  if (hours) {
    statement->BindInt(2, hours->start_minute);
    statement->BindInt(3, hours->end_minute);
  }
  if (Status s = statement->Run(); !s.ok()) return DbFailure("push store", s);
  return Status::Ok();
}

Result<std::vector<Mute>> PushStore::MutesOf(int64_t user_id) {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare(
      "SELECT conversation_id, until FROM mutes WHERE user_id = ?1 ORDER BY conversation_id");
  if (!select.ok()) return DbFailure("push store", select.status());
  select->BindInt(1, user_id);
  std::vector<Mute> mutes;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return DbFailure("push store", row.status());
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
  if (!upsert.ok()) return DbFailure("push store", upsert.status());
  upsert->BindInt(1, user_id);
  upsert->BindInt(2, mute.conversation_id);
  upsert->BindInt(3, mute.until);
  if (Status s = upsert->Run(); !s.ok()) return DbFailure("push store", s);
  return Status::Ok();
}

Status PushStore::RemoveMute(int64_t user_id, int64_t conversation_id) {
  std::lock_guard lock(mutex_);
  Status s = RunLocked("DELETE FROM mutes WHERE user_id = ?1 AND conversation_id = ?2", user_id,
                       conversation_id);
  return s.ok() ? s : DbFailure("push store", s);
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
  if (!select.ok()) return DbFailure("push store", select.status());
  select->BindInt(1, user_id);
  select->BindInt(2, conversation_id);
  Recipient recipient;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return DbFailure("push store", row.status());
    if (!*row) break;
    auto target = ReadTargetLocked(*select, 0);
    if (!target.ok()) return DbFailure("push store", target.status());
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
  // Rows are locked in one order everywhere, (target, collapse key), so that outboxes of two
  // nodes wait for each other's row locks instead of deadlocking (PostgreSQL); LeaseDue and
  // Apply keep the same order.
  std::vector<const NewJob*> ordered;
  for (const NewJob& entry : jobs) ordered.push_back(&entry);
  std::sort(ordered.begin(), ordered.end(), [](const NewJob* a, const NewJob* b) {
    return std::tie(a->target_id, a->job.collapse_key) <
           std::tie(b->target_id, b->job.collapse_key);
  });
  std::lock_guard lock(mutex_);
  Transaction txn(*db_);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return DbFailure("push store", s);
  for (const NewJob* entry : ordered) {
    const Job& job = entry->job;
    // Selected from targets: a target that went away since it was read (a logout) gets no job,
    // without a foreign key failure (which would abort the whole transaction on PostgreSQL).
    auto upsert = db_->Prepare(
        "INSERT INTO jobs (target_id, collapse_key, kind, conversation_id, seq, sender_id, title, "
        "body, count, version, next_at) SELECT id, CAST(?2 AS TEXT), CAST(?3 AS BIGINT), "
        "CAST(?4 AS BIGINT), CAST(?5 AS BIGINT), CAST(?6 AS BIGINT), CAST(?7 AS TEXT), "
        "CAST(?8 AS TEXT), 1, 1, CAST(?9 AS BIGINT) FROM targets WHERE id = ?1 "
        "ON CONFLICT (target_id, collapse_key) DO UPDATE SET kind = excluded.kind, "
        "seq = CASE WHEN excluded.seq > jobs.seq THEN excluded.seq ELSE jobs.seq END, "
        "sender_id = excluded.sender_id, title = excluded.title, body = excluded.body, "
        "count = CASE WHEN jobs.dead != 0 THEN 1 ELSE jobs.count + 1 END, "
        "version = jobs.version + 1, "
        "attempts = CASE WHEN jobs.dead != 0 THEN 0 ELSE jobs.attempts END, "
        "next_at = CASE WHEN jobs.dead != 0 THEN excluded.next_at ELSE jobs.next_at END, "
        "dead = 0");
    if (!upsert.ok()) return DbFailure("push store", upsert.status());
    upsert->BindInt(1, entry->target_id);
    upsert->BindText(2, job.collapse_key);
    upsert->BindInt(3, static_cast<int64_t>(job.kind));
    upsert->BindInt(4, job.conversation_id);
    upsert->BindInt(5, job.seq);
    upsert->BindInt(6, job.sender_id);
    upsert->BindText(7, job.title);
    upsert->BindText(8, job.body);
    upsert->BindInt(9, now);
    if (Status s = upsert->Run(); !s.ok()) return DbFailure("push store", s);
  }
  if (Status s = txn.Commit(); !s.ok()) return DbFailure("push store", s);
  return Status::Ok();
}

Result<std::vector<std::pair<Job, Target>>> PushStore::LeaseDue(
    int64_t now, LeaseSlots slots, const std::vector<int64_t>& busy_targets, int64_t lease_ms) {
  int limit = 0;
  for (int free : slots) limit += std::max(free, 0);
  if (limit == 0) return std::vector<std::pair<Job, Target>>();
  std::lock_guard lock(mutex_);
  Transaction txn(*db_);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return DbFailure("push store", s);
  // Candidates, read without locks: the claim below decides. A target with a job leased by
  // any outbox has one in flight already.
  auto select = db_->Prepare(
      "SELECT j.id, t.id, t.user_id, t.device_id, t.provider, t.endpoint, t.p256dh, t.auth, "
      "t.secret, t.created_at FROM jobs AS j JOIN targets AS t ON t.id = j.target_id "
      "WHERE j.dead = 0 AND j.leased <= ?1 AND j.next_at <= ?1 AND NOT EXISTS (SELECT 1 FROM "
      "jobs AS o WHERE o.target_id = j.target_id AND o.leased > ?1) ORDER BY j.next_at, j.id "
      "LIMIT ?2");
  if (!select.ok()) return DbFailure("push store", select.status());
  select->BindInt(1, now);
  // Read beyond the limit so that jobs of busy targets and full providers do not starve the
  // others.
  select->BindInt(2, static_cast<int64_t>(limit) * 4 + static_cast<int64_t>(busy_targets.size()));
  std::vector<int64_t> busy = busy_targets;
  std::vector<std::pair<int64_t, Target>> candidates;
  while (static_cast<int>(candidates.size()) < limit) {
    auto row = select->Step();
    if (!row.ok()) return DbFailure("push store", row.status());
    if (!*row) break;
    auto read = ReadTargetLocked(*select, 1);
    if (!read.ok()) return DbFailure("push store", read.status());
    Target target = std::move(*read);
    if (std::find(busy.begin(), busy.end(), target.id) != busy.end()) continue;
    const auto provider = static_cast<size_t>(target.provider);
    if (provider >= slots.size() || slots[provider] <= 0) continue;
    --slots[provider];
    busy.push_back(target.id);  // one job per target in flight
    candidates.emplace_back(select->ColumnInt(0), std::move(target));
  }
  select->Reset();
  std::sort(candidates.begin(), candidates.end(),
            [](const auto& a, const auto& b) { return a.second.id < b.second.id; });
  // The claim: takes the lease only if it is still free (or expired) and the job still due,
  // atomically (PostgreSQL re-checks the condition after waiting for a concurrent claim's row
  // lock; SQLite has one writer), and reads the job as it is now (a coalesce since the
  // candidates were read counts).
  auto claim = db_->Prepare(
      "UPDATE jobs SET leased = ?2 WHERE id = ?1 AND dead = 0 AND leased <= ?3 AND next_at <= ?3 "
      "RETURNING collapse_key, kind, conversation_id, seq, sender_id, title, body, count, "
      "version, attempts, next_at");
  if (!claim.ok()) return DbFailure("push store", claim.status());
  std::vector<std::pair<Job, Target>> due;
  for (auto& [job_id, target] : candidates) {
    claim->BindInt(1, job_id);
    claim->BindInt(2, now + lease_ms);
    claim->BindInt(3, now);
    auto row = claim->Step();
    if (!row.ok()) return DbFailure("push store", row.status());
    if (*row) {
      Job job;
      job.id = job_id;
      job.target_id = target.id;
      job.collapse_key = claim->ColumnText(0);
      job.kind = static_cast<Notification::Kind>(claim->ColumnInt(1));
      job.conversation_id = claim->ColumnInt(2);
      job.seq = claim->ColumnInt(3);
      job.sender_id = claim->ColumnInt(4);
      job.title = claim->ColumnText(5);
      job.body = claim->ColumnText(6);
      job.count = claim->ColumnInt(7);
      job.version = claim->ColumnInt(8);
      job.attempts = claim->ColumnInt(9);
      job.next_at = claim->ColumnInt(10);
      due.emplace_back(std::move(job), std::move(target));
    }
    claim->Reset();
  }
  if (Status s = txn.Commit(); !s.ok()) return DbFailure("push store", s);
  return due;
}

Result<std::optional<int64_t>> PushStore::NextDue() {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare(
      "SELECT MIN(CASE WHEN leased > next_at THEN leased ELSE next_at END) FROM jobs "
      "WHERE dead = 0");
  if (!select.ok()) return DbFailure("push store", select.status());
  auto row = select->Step();
  if (!row.ok()) return DbFailure("push store", row.status());
  if (!*row || select->ColumnIsNull(0)) return std::optional<int64_t>();
  return std::optional<int64_t>(select->ColumnInt(0));
}

Status PushStore::Apply(const std::vector<Outcome>& outcomes, int64_t now, int max_attempts) {
  if (outcomes.empty()) return Status::Ok();
  std::lock_guard lock(mutex_);
  Transaction txn(*db_);
  if (Status s = txn.Begin(TransactionMode::kWrite); !s.ok()) return DbFailure("push store", s);
  auto run = [this](const char* sql, const std::function<void(Statement&)>& bind) -> Status {
    auto statement = db_->Prepare(sql);
    if (!statement.ok()) return statement.status();
    bind(*statement);
    return statement->Run();
  };
  std::vector<int64_t> gone_users;
  // In Enqueue's lock order (one leased job per target).
  std::vector<const Outcome*> ordered;
  for (const Outcome& o : outcomes) ordered.push_back(&o);
  std::sort(ordered.begin(), ordered.end(),
            [](const Outcome* a, const Outcome* b) { return a->target_id < b->target_id; });
  for (const Outcome* outcome : ordered) {
    const Outcome& o = *outcome;
    Status s;
    switch (o.kind) {
      case Outcome::Kind::kDelivered:
        // The job as sent goes. One coalesced while in flight (a newer version) stays, due
        // now, counting only what came after the send. The DELETE first: a coalesce that
        // commits between the two statements (another node's, on PostgreSQL) then only makes
        // the UPDATE match, as versions only grow.
        s = run("DELETE FROM jobs WHERE id = ?1 AND version = ?2", [&](Statement& st) {
          st.BindInt(1, o.job_id);
          st.BindInt(2, o.version);
        });
        if (s.ok()) {
          s =
              run("UPDATE jobs SET leased = 0, attempts = 0, next_at = ?3, last_error = '', "
                  "count = CASE WHEN count - ?4 > 1 THEN count - ?4 ELSE 1 END "
                  "WHERE id = ?1 AND version != ?2",
                  [&](Statement& st) {
                    st.BindInt(1, o.job_id);
                    st.BindInt(2, o.version);
                    st.BindInt(3, now);
                    st.BindInt(4, o.count);
                  });
        }
        break;
      case Outcome::Kind::kGone: {
        auto owner = db_->Prepare("SELECT user_id FROM targets WHERE id = ?1");
        if (!owner.ok()) return DbFailure("push store", owner.status());
        owner->BindInt(1, o.target_id);
        auto row = owner->Step();
        if (!row.ok()) return DbFailure("push store", row.status());
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
                "last_error = ?3, dead = CASE WHEN ?4 != 0 OR attempts + 1 >= ?5 THEN 1 ELSE 0 END "
                "WHERE id = ?1",
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
    if (!s.ok()) return DbFailure("push store", s);
  }
  if (Status s = txn.Commit(); !s.ok()) return DbFailure("push store", s);
  for (int64_t user : gone_users) {
    if (Status s = RefreshUserLocked(user); !s.ok()) return DbFailure("push store", s);
  }
  return Status::Ok();
}

Result<JobCounts> PushStore::Counts() {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare(
      "SELECT COALESCE(SUM(CASE WHEN dead = 0 THEN 1 ELSE 0 END), 0), "
      "COALESCE(SUM(dead), 0) FROM jobs");
  if (!select.ok()) return DbFailure("push store", select.status());
  auto row = select->Step();
  if (!row.ok()) return DbFailure("push store", row.status());
  return JobCounts{select->ColumnInt(0), select->ColumnInt(1)};
}

}  // namespace parley::push
