#include "push/delivery_store.h"

#include "store/sql/sql_db.h"

namespace parley::push {
namespace {

using store::sql::Db;
using store::sql::DbFailure;
using store::sql::Statement;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS delivery_prefs (
  user_id      INTEGER PRIMARY KEY,
  when_away    INTEGER NOT NULL,
  email_digest INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS digests (
  user_id     INTEGER PRIMARY KEY,
  since       INTEGER NOT NULL,
  last_missed INTEGER NOT NULL,
  missed      INTEGER NOT NULL,
  sent_at     INTEGER NOT NULL DEFAULT 0
) STRICT;
)sql";

}  // namespace

DeliveryStore::DeliveryStore(std::unique_ptr<Db> db, bool shared)
    : db_(std::move(db)), shared_(shared) {}
DeliveryStore::~DeliveryStore() = default;

Result<std::unique_ptr<DeliveryStore>> DeliveryStore::Open(const PushDbOptions& where) {
  auto db = OpenPushDb(where, kSchema);
  if (!db.ok()) return DbFailure("delivery store", db.status());
  std::unique_ptr<DeliveryStore> store(new DeliveryStore(std::move(*db), where.shared()));
  if (store->shared_) return store;
  auto prefs = store->db_->Prepare("SELECT user_id, when_away, email_digest FROM delivery_prefs");
  if (!prefs.ok()) return DbFailure("delivery store", prefs.status());
  for (;;) {
    auto row = prefs->Step();
    if (!row.ok()) return DbFailure("delivery store", row.status());
    if (!*row) break;
    if (prefs->ColumnInt(1) != 0) store->when_away_.insert(prefs->ColumnInt(0));
    if (prefs->ColumnInt(2) != 0) store->email_digest_.insert(prefs->ColumnInt(0));
  }
  prefs->Reset();
  return store;
}

Result<DeliveryPrefs> DeliveryStore::PrefsOf(int64_t user_id) {
  std::lock_guard lock(mutex_);
  if (shared_) return ReadPrefsLocked(user_id);
  return DeliveryPrefs{when_away_.count(user_id) > 0, email_digest_.count(user_id) > 0};
}

Result<DeliveryPrefs> DeliveryStore::ReadPrefsLocked(int64_t user_id) {
  auto select =
      db_->Prepare("SELECT when_away, email_digest FROM delivery_prefs WHERE user_id = ?1");
  if (!select.ok()) return DbFailure("delivery store", select.status());
  select->BindInt(1, user_id);
  auto row = select->Step();
  if (!row.ok()) return DbFailure("delivery store", row.status());
  if (!*row) return DeliveryPrefs{};
  return DeliveryPrefs{select->ColumnInt(0) != 0, select->ColumnInt(1) != 0};
}

Status DeliveryStore::SetPrefs(int64_t user_id, const DeliveryPrefs& prefs) {
  std::lock_guard lock(mutex_);
  store::sql::Transaction txn(*db_);
  if (Status s = txn.Begin(store::sql::TransactionMode::kWrite); !s.ok()) {
    return DbFailure("delivery store", s);
  }
  auto upsert = db_->Prepare(
      "INSERT INTO delivery_prefs (user_id, when_away, email_digest) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (user_id) DO UPDATE SET when_away = excluded.when_away, "
      "email_digest = excluded.email_digest");
  if (!upsert.ok()) return DbFailure("delivery store", upsert.status());
  upsert->BindInt(1, user_id);
  upsert->BindInt(2, prefs.when_away ? 1 : 0);
  upsert->BindInt(3, prefs.email_digest ? 1 : 0);
  if (Status s = upsert->Run(); !s.ok()) return DbFailure("delivery store", s);
  if (!prefs.email_digest) {
    auto forget = db_->Prepare("DELETE FROM digests WHERE user_id = ?1");
    if (!forget.ok()) return DbFailure("delivery store", forget.status());
    forget->BindInt(1, user_id);
    if (Status s = forget->Run(); !s.ok()) return DbFailure("delivery store", s);
  }
  if (Status s = txn.Commit(); !s.ok()) return DbFailure("delivery store", s);
  if (shared_) return Status::Ok();
  if (prefs.when_away) {
    when_away_.insert(user_id);
  } else {
    when_away_.erase(user_id);
  }
  if (prefs.email_digest) {
    email_digest_.insert(user_id);
  } else {
    email_digest_.erase(user_id);
  }
  return Status::Ok();
}

bool DeliveryStore::WantsWhenAway(int64_t user_id) {
  std::lock_guard lock(mutex_);
  if (!shared_) return when_away_.count(user_id) > 0;
  auto prefs = ReadPrefsLocked(user_id);
  return prefs.ok() && prefs->when_away;
}

Result<std::unordered_set<int64_t>> DeliveryStore::WantingDigests(
    const std::vector<int64_t>& users) {
  std::lock_guard lock(mutex_);
  if (shared_) {
    auto found = SelectUsersAmong(
        *db_, "SELECT user_id FROM delivery_prefs WHERE email_digest != 0 AND", users);
    if (!found.ok()) return DbFailure("delivery store", found.status());
    return found;
  }
  std::unordered_set<int64_t> found;
  for (int64_t user : users) {
    if (email_digest_.count(user) > 0) found.insert(user);
  }
  return found;
}

Status DeliveryStore::NoteMissed(const std::vector<int64_t>& users, int64_t now) {
  if (users.empty()) return Status::Ok();
  std::lock_guard lock(mutex_);
  store::sql::Transaction txn(*db_);
  if (Status s = txn.Begin(store::sql::TransactionMode::kWrite); !s.ok()) {
    return DbFailure("delivery store", s);
  }
  auto upsert = db_->Prepare(
      "INSERT INTO digests (user_id, since, last_missed, missed) VALUES (?1, ?2, ?2, 1) "
      "ON CONFLICT (user_id) DO UPDATE SET last_missed = CASE WHEN excluded.last_missed > "
      "digests.last_missed THEN excluded.last_missed ELSE digests.last_missed END, "
      "missed = digests.missed + 1");
  if (!upsert.ok()) return DbFailure("delivery store", upsert.status());
  for (int64_t user : users) {
    upsert->BindInt(1, user);
    upsert->BindInt(2, now);
    if (Status s = upsert->Run(); !s.ok()) return DbFailure("delivery store", s);
    upsert->Reset();
  }
  if (Status s = txn.Commit(); !s.ok()) return DbFailure("delivery store", s);
  return Status::Ok();
}

Result<std::vector<PendingDigest>> DeliveryStore::Pending() {
  std::lock_guard lock(mutex_);
  auto select = db_->Prepare(
      "SELECT user_id, since, last_missed, missed, sent_at FROM digests ORDER BY since");
  if (!select.ok()) return DbFailure("delivery store", select.status());
  std::vector<PendingDigest> pending;
  for (;;) {
    auto row = select->Step();
    if (!row.ok()) return DbFailure("delivery store", row.status());
    if (!*row) break;
    pending.push_back(PendingDigest{select->ColumnInt(0), select->ColumnInt(1),
                                    select->ColumnInt(2), select->ColumnInt(3),
                                    select->ColumnInt(4)});
  }
  return pending;
}

Status DeliveryStore::Run(const char* sql, int64_t a, int64_t b) {
  std::lock_guard lock(mutex_);
  auto statement = db_->Prepare(sql);
  if (!statement.ok()) return DbFailure("delivery store", statement.status());
  statement->BindInt(1, a);
  statement->BindInt(2, b);
  if (Status s = statement->Run(); !s.ok()) return DbFailure("delivery store", s);
  return Status::Ok();
}

Status DeliveryStore::Restart(int64_t user_id, int64_t since) {
  return Run("UPDATE digests SET since = ?2, sent_at = 0 WHERE user_id = ?1", user_id, since);
}

Status DeliveryStore::MarkSent(int64_t user_id, int64_t at) {
  return Run("UPDATE digests SET sent_at = ?2 WHERE user_id = ?1", user_id, at);
}

Status DeliveryStore::Drop(int64_t user_id, int64_t last_missed) {
  return Run("DELETE FROM digests WHERE user_id = ?1 AND last_missed <= ?2", user_id, last_missed);
}

Status DeliveryStore::ForgetUser(int64_t user_id) {
  std::lock_guard lock(mutex_);
  for (const char* sql : {"DELETE FROM delivery_prefs WHERE user_id = ?1",
                          "DELETE FROM digests WHERE user_id = ?1"}) {
    auto statement = db_->Prepare(sql);
    if (!statement.ok()) return DbFailure("delivery store", statement.status());
    statement->BindInt(1, user_id);
    if (Status s = statement->Run(); !s.ok()) return DbFailure("delivery store", s);
  }
  return Status::Ok();
}

}  // namespace parley::push
