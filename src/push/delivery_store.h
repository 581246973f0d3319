// DeliveryStore: how a user wants to be reached beyond their push targets, and the state of
// their e-mail digests, beside the outbox (push/push_db.h: push.db or PostgreSQL's `push`
// schema; its own connection; the database serializes the two writers):
// - prefs: "notify me also while every device of mine is away" (when_away) and "e-mail me a
//   digest of what I missed" (email_digest);
// - digests: one row per subscribed user who missed something while offline: when the misses
//   began (`since`), the last one, how many, and when this quiet period's digest went out.
//
// Who wants what is also kept in memory, so the outbox asks it for every unreached user
// without a query (most users want neither); not on a shared database (another node changes
// the preferences), where each question is one query.
//
// Thread-safe: one connection behind a mutex; every method is one short transaction.
// Blocking: call from worker or outbox threads, never an I/O thread.
#ifndef PARLEY_PUSH_DELIVERY_STORE_H_
#define PARLEY_PUSH_DELIVERY_STORE_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "push/push_db.h"

namespace parley::store::sql {
class Db;
}

namespace parley::push {

struct DeliveryPrefs {
  bool when_away = false;     // push also when every connected device says it is away
  bool email_digest = false;  // mail a digest after a while offline with missed messages
};

// A subscribed user's misses since they were last online (times in ms since the epoch).
struct PendingDigest {
  int64_t user_id = 0;
  int64_t since = 0;        // the first miss of this quiet period
  int64_t last_missed = 0;  // the latest miss
  int64_t missed = 0;       // notifications missed in this quiet period
  int64_t sent_at = 0;      // when this period's digest went out; 0: not yet
};

class DeliveryStore {
 public:
  // Opens (creating its tables in) the push database.
  static Result<std::unique_ptr<DeliveryStore>> Open(const PushDbOptions& where);
  ~DeliveryStore();

  Result<DeliveryPrefs> PrefsOf(int64_t user_id);  // both false when never set
  // Turning the digest off forgets its pending state.
  Status SetPrefs(int64_t user_id, const DeliveryPrefs& prefs);
  // From memory, no query (on a shared database one query; false if that fails).
  bool WantsWhenAway(int64_t user_id);
  // Which of `users` want digests: from memory, or on a shared database one query per
  // kUsersPerQuery users (push_db.h).
  Result<std::unordered_set<int64_t>> WantingDigests(const std::vector<int64_t>& users);

  // Counts one miss for each user (who must want digests) at `now`, starting a quiet period
  // for those without one.
  Status NoteMissed(const std::vector<int64_t>& users, int64_t now);
  // Every pending digest, oldest first (one row per subscribed user who missed something).
  Result<std::vector<PendingDigest>> Pending();
  // A new quiet period began at `since` (the user came back after its first miss, then left
  // and missed more): its digest is due again.
  Status Restart(int64_t user_id, int64_t since);
  Status MarkSent(int64_t user_id, int64_t at);
  // Forgets the user's pending digest unless a miss later than `last_missed` was noted since
  // it was read (that one starts the next period).
  Status Drop(int64_t user_id, int64_t last_missed);
  // Removes the user's preferences and pending digest (account deletion).
  Status ForgetUser(int64_t user_id);

 private:
  DeliveryStore(std::unique_ptr<store::sql::Db> db, bool shared);
  Status Run(const char* sql, int64_t a, int64_t b);  // one statement, two parameters
  // The user's stored preferences; needs mutex_.
  Result<DeliveryPrefs> ReadPrefsLocked(int64_t user_id);

  std::mutex mutex_;
  std::unique_ptr<store::sql::Db> db_;        // guarded by mutex_
  const bool shared_;                         // other processes write the database
  std::unordered_set<int64_t> when_away_;     // guarded by mutex_; unused when shared_
  std::unordered_set<int64_t> email_digest_;  // guarded by mutex_; unused when shared_
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_DELIVERY_STORE_H_
