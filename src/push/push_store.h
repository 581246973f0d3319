// PushStore: the durable state of push notifications, in a SQLite file of its own
// (<data-dir>/push.db), so the outbox's commits never take the message writer's lock, or in
// the PostgreSQL database's `push` schema, shared by every node (push/push_db.h):
// - targets: each device's push target (Web Push subscription or webhook URL);
// - settings, quiet_hours and mutes: the user's preview level, do-not-disturb hours and
//   per-conversation mutes;
// - jobs: the outbox. One row per (target, collapse key): a burst of messages in one
//   conversation coalesces into one pending job whose `count` grows (an upsert, so outboxes
//   of several nodes queueing at once still leave one job). A job is leased while a sender
//   works on it: claimed atomically (an UPDATE that takes only a free or expired lease), by
//   one outbox at a time, until it expires (Outbox::LeaseMsFor). A lease whose holder died is taken
//   over when it expires; on SQLite (one process per file) Open clears them instead. Either way a
//   job whose send was in flight is sent again: at most one repeat per target, which the providers'
//   collapse keys (Web Push `Topic`) make harmless. A late outcome of an expired lease still
//   applies (at worst a repeat, as above).
//
// Secrets at rest: a target's Web Push auth secret and webhook signing secret are stored
// sealed (push/sealed_field.h) under the SecretBox given to Open, with the user id and the
// endpoint as context; the methods take and return them in the clear.
//
// Methods that write several jobs lock their rows in one order, (target, collapse key), so the
// outboxes of two nodes wait for each other rather than deadlock (PostgreSQL).
//
// On a shared database nothing in memory stands for what is stored (another node adds
// targets): WithTargets queries.
//
// Thread-safe: one connection behind a mutex; every method is one short transaction.
// Blocking: call from worker or outbox threads, never an I/O thread.
#ifndef PARLEY_PUSH_PUSH_STORE_H_
#define PARLEY_PUSH_PUSH_STORE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "auth/secret_box.h"
#include "base/status.h"
#include "push/notification.h"
#include "push/push_db.h"
#include "push/time_zone.h"

namespace parley::store::sql {
class Db;
class Statement;
}  // namespace parley::store::sql

namespace parley::push {

// A notification waiting for one target: what it shows (privacy applied when it was queued).
struct Job {
  int64_t id = 0;
  int64_t target_id = 0;
  std::string collapse_key;  // "c<conversation id>", "f<user id>" ...
  Notification::Kind kind = Notification::Kind::kMessage;
  int64_t conversation_id = 0;
  int64_t seq = 0;
  int64_t sender_id = 0;  // 0 when the preview level hides the sender
  std::string title;      // empty when hidden
  std::string body;       // empty when hidden
  int64_t count = 1;      // notifications coalesced into this one
  int64_t version = 0;    // bumped by every coalesce (a lease's result applies to its version)
  int64_t attempts = 0;
  int64_t next_at = 0;
  bool dead = false;
  std::string last_error;  // an HTTP status or transport reason; never content
};

struct Mute {
  int64_t conversation_id = 0;
  int64_t until = 0;  // ms since the epoch; 0: until unmuted
};

// Whether `mutes` silence the conversation at `now`.
bool MutedAt(const std::vector<Mute>& mutes, int64_t conversation_id, int64_t now);

struct JobCounts {
  int64_t pending = 0;
  int64_t dead = 0;
};

class PushStore {
 public:
  // How long a lease lasts unless the caller says: Outbox::LeaseMsFor the default 10 s HTTP
  // timeout.
  static constexpr int64_t kLeaseMs = 120'000;

  // Opens (creating) the database; on SQLite clears every lease left by a previous process.
  // Seals the secrets that servers from before sealing stored in the clear (when `box` opens
  // those sealed already). `box` must outlive the store.
  static Result<std::unique_ptr<PushStore>> Open(const PushDbOptions& where,
                                                 const auth::SecretBox& box);
  ~PushStore();

  // --- the secret key ---
  // Opens one stored secret: kInternal naming the cause ("made with another key" when the
  // key file was replaced or lost) unless the store's box opens it, so parleyd stops at
  // start-up rather than failing every delivery later.
  Status CheckKey();
  // Seals every stored secret again under `new_key` (parleyd --rotate-secret-key); secrets
  // that `new_key` opens already are left, so an interrupted rotation is finished by running
  // it again. Returns how many targets were resealed; kInternal (naming the target) at a
  // secret that opens with neither key. Afterwards this store's own box no longer opens them:
  // only for the rotation command, which exits after it.
  Result<int64_t> ResealSecrets(const auth::SecretBox& new_key);

  // --- targets ---
  // Stores the target, replacing the device's earlier target of the same provider and any
  // target of the user with the same endpoint. kQuotaExceeded if the user would have more
  // than `max_per_user`. Fills target.id.
  Result<Target> AddTarget(Target target, int max_per_user);
  Result<std::vector<Target>> TargetsOf(int64_t user_id);
  // Which of `users` have any target: from memory (no query) on SQLite, on a shared database
  // one query per kUsersPerQuery users (push_db.h). The outbox asks this for every unreached
  // user, and most users have none.
  Result<std::unordered_set<int64_t>> WithTargets(const std::vector<int64_t>& users);
  // Whether the user had that target (it and its jobs are gone now).
  Result<bool> RemoveTarget(int64_t user_id, int64_t target_id);
  // Removes the targets (and jobs) of a device, or of every device of the user but `keep`.
  Status RemoveDeviceTargets(int64_t device_id);
  Status RemoveOtherDeviceTargets(int64_t user_id, int64_t keep_device_id);
  // Removes everything of the user: targets (and jobs), preview, quiet hours and mutes
  // (account deletion).
  Status ForgetUser(int64_t user_id);

  // --- settings ---
  Result<Preview> PreviewOf(int64_t user_id);  // kFull when never set
  Status SetPreview(int64_t user_id, Preview preview);
  Result<std::vector<Mute>> MutesOf(int64_t user_id);
  Status SetMute(int64_t user_id, const Mute& mute);
  Status RemoveMute(int64_t user_id, int64_t conversation_id);
  Result<std::optional<QuietHours>> QuietHoursOf(int64_t user_id);         // nullopt: none set
  Status SetQuietHours(int64_t user_id, std::optional<QuietHours> hours);  // nullopt: clears

  // --- the outbox ---
  // A queued notification for one target, privacy already applied.
  struct NewJob {
    int64_t target_id = 0;
    Job job;
  };
  // What Enqueue needs to know of a recipient: their targets, preview level, do-not-disturb
  // hours and whether the conversation is muted at `now`.
  struct Recipient {
    std::vector<Target> targets;
    Preview preview = Preview::kFull;
    std::optional<QuietHours> quiet;
    bool muted = false;
  };
  Result<Recipient> RecipientOf(int64_t user_id, int64_t conversation_id, int64_t now);
  // Inserts the jobs, or coalesces each into the pending job of its (target, collapse key):
  // count + 1, the newest title/body/seq, a new version, attempts reset; in one transaction.
  Status Enqueue(const std::vector<NewJob>& jobs, int64_t now);
  // Free lease slots per provider, indexed by the provider's number.
  using LeaseSlots = std::array<int, kProviderCount>;
  // Unleased (or expired-lease) live jobs due at `now`, soonest first, at most `slots[p]` for
  // the targets of each provider p, skipping targets in `busy_targets` and targets with a job
  // leased by anyone, each with its target; leases them until now + lease_ms. A job another
  // outbox claims first is skipped.
  Result<std::vector<std::pair<Job, Target>>> LeaseDue(int64_t now, LeaseSlots slots,
                                                       const std::vector<int64_t>& busy_targets,
                                                       int64_t lease_ms = kLeaseMs);
  // When the next live job can be leased: due and unleased, or its lease expiring (nullopt:
  // none).
  Result<std::optional<int64_t>> NextDue();

  // The result of sending a leased job.
  struct Outcome {
    enum class Kind { kDelivered, kRetry, kGone, kFailed };
    Kind kind = Kind::kDelivered;
    int64_t job_id = 0;
    int64_t version = 0;
    int64_t target_id = 0;
    int64_t count = 0;     // the job's count when it was leased
    int64_t retry_at = 0;  // kRetry: when to try again
    std::string error;     // kRetry, kFailed: why (HTTP status or transport reason)
  };
  // Applies the outcomes in one transaction: delivered jobs are removed (a job coalesced while
  // in flight stays, due now); gone targets are removed with their jobs; retries are
  // rescheduled, or dead-lettered after `max_attempts`; failures are dead-lettered.
  Status Apply(const std::vector<Outcome>& outcomes, int64_t now, int max_attempts);
  Result<JobCounts> Counts();

 private:
  PushStore(std::unique_ptr<store::sql::Db> db, const auth::SecretBox& box, bool shared);
  Status CheckKeyLocked();  // needs mutex_
  // Reads a target's columns from `first` on, opening its secrets; needs mutex_.
  Result<Target> ReadTargetLocked(const store::sql::Statement& row, int first);
  // Passes each target's stored auth and secret, with their seal context, to `rewrite`, which
  // returns the value to store instead (nullopt: keep it); in one transaction. Returns how
  // many targets changed. Needs mutex_.
  using Rewrite = std::function<Result<std::optional<std::string>>(const std::string& stored,
                                                                   const std::string& context)>;
  Result<int64_t> RewriteSecretsLocked(const Rewrite& rewrite);
  Status RunLocked(const char* sql, int64_t a, int64_t b);  // needs mutex_
  // Re-reads whether the user has targets (not kept when shared); needs mutex_.
  Status RefreshUserLocked(int64_t user_id);

  std::mutex mutex_;
  std::unique_ptr<store::sql::Db> db_;  // guarded by mutex_
  const auth::SecretBox& box_;
  const bool shared_;                               // other processes write the database
  std::unordered_set<int64_t> users_with_targets_;  // guarded by mutex_; unused when shared_
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_PUSH_STORE_H_
