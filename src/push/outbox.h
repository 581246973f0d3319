// Outbox: the durable notification queue and its delivery workers (docs/architecture.md,
// "Push notifications").
//
//   Notify (any thread, never blocks) --bounded intake--> dispatcher thread:
//     notes misses for e-mail digests (DeliveryStore; offline users who asked for them),
//     writes jobs to PushStore for offline users and for away users who asked (targets,
//     mutes, do-not-disturb hours in the user's time zone and preview level applied; bursts per
//     conversation coalesce), leases due jobs per provider --> that provider's lane of sender
//     threads (`senders` of them per configured provider, one job per target at a time) -->
//     Sender (Web Push, webhook, FCM, APNs) --> outcomes --> dispatcher:
//     delivered (removed), gone (target removed), retry (exponential backoff with jitter, dead
//     letter after `max_attempts`), failed (dead letter).
//
// Bounds: at most `max_intake` notifications wait in memory (more are dropped and counted:
// the message itself is durable and reaches the user at their next connect); at most `senders`
// requests per provider are in flight, each bounded by the HttpClient's timeout, so a slow
// endpoint holds one sender and never the message writer or another user's target for long,
// and a slow or failing provider (FCM down) never holds up another's notifications.
//
// Thread-safety: Notify and stats are thread-safe. Stop (idempotent; the destructor calls it)
// writes what the intake still holds, waits for the requests in flight (at most the HTTP
// timeout) and joins the threads.
#ifndef PARLEY_PUSH_OUTBOX_H_
#define PARLEY_PUSH_OUTBOX_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics/server_metrics.h"
#include "push/delivery_store.h"
#include "push/notification.h"
#include "push/push_store.h"
#include "push/sender.h"
#include "push/time_zone.h"

namespace parley::push {

struct OutboxOptions {
  int senders = 4;       // sender threads: requests in flight at most
  int max_attempts = 8;  // then a job is dead-lettered
  int64_t backoff_base_ms = 1000;
  int64_t backoff_max_ms = 3600 * 1000;
  size_t max_intake = 100000;               // notifications (one per user) waiting to be written
  Preview server_preview = Preview::kFull;  // the most any user's notifications show
  // Where each send's outcome is counted by provider (set by app/, not a config key); null:
  // nowhere.
  metrics::ServerMetrics* metrics = nullptr;
  // Who wants pushes while away and e-mail digests (set by app/); null: nobody.
  DeliveryStore* deliveries = nullptr;
  // How long a leased job stays this outbox's before another may take it over (set by app/
  // from the HTTP timeout: Outbox::LeaseMsFor).
  int64_t lease_ms = PushStore::kLeaseMs;
};

class Outbox : public Notifier {
 public:
  // A user's display name (or username) for notification titles; called on the dispatcher
  // thread, may block on the store.
  using NameOf = std::function<std::string(int64_t user_id)>;

  // A user's IANA time zone ("" for UTC), for do-not-disturb hours; called on the dispatcher
  // thread for users who set such hours, may block on the store.
  using ZoneOf = std::function<std::string(int64_t user_id)>;
  // A group's name ("" for a direct conversation), for notification titles; called on the
  // dispatcher thread, may block on the store.
  using GroupNameOf = std::function<std::string(int64_t conversation_id)>;

  // `store` and the senders must outlive the outbox. A provider without a sender gets its
  // jobs dead-lettered ("provider not configured"). Without `zone_of` quiet hours are in UTC.
  Outbox(PushStore& store, std::map<Provider, Sender*> senders, NameOf name_of,
         OutboxOptions options, ZoneOf zone_of = nullptr, GroupNameOf group_name_of = nullptr);
  ~Outbox() override;
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // The lease for senders whose requests take at most `http_timeout_ms`: a leased job waits
  // in its lane behind at most one other per sender (kWorkPerSender), and a send takes at most
  // the timeout plus, for FCM, a token fetch bounded the same: 2 x 2 timeouts until the
  // outcome is applied. Three times that, so that a live outbox keeps its leases even when its
  // dispatcher lags, while a dead node's jobs wait no longer (120 s for the default 10 s).
  static int64_t LeaseMsFor(int64_t http_timeout_ms);

  void Notify(Notification what, std::vector<int64_t> offline, std::vector<int64_t> away) override;
  void Stop();

  struct Stats {
    uint64_t notified = 0;   // notifications taken in
    uint64_t dropped = 0;    // refused: intake full
    uint64_t sent = 0;       // requests made
    uint64_t delivered = 0;  // 2xx
    uint64_t retried = 0;
    uint64_t gone = 0;  // targets removed
    uint64_t failed = 0;
  };
  Stats stats() const;

 private:
  struct Work {
    Job job;
    Target target;
  };
  // One provider's sender threads and their queue of leased work.
  struct Lane {
    Provider provider = Provider::kWebPush;
    Sender* sender = nullptr;   // null: the provider is not configured (its jobs dead-letter)
    int capacity = 0;           // leased jobs at most: in flight plus queued
    std::deque<Work> work;      // guarded by mutex_
    std::vector<int64_t> busy;  // guarded by mutex_: target ids leased, outcome not applied
    std::condition_variable wake;
    std::vector<std::thread> threads;
  };
  struct Pending {
    Notification what;
    std::vector<int64_t> offline;
    std::vector<int64_t> away;
  };
  void Dispatch();            // the dispatcher thread
  void SendLoop(Lane& lane);  // a sender thread
  void WriteJobs(const std::vector<Pending>& pending, int64_t now);
  int64_t Backoff(int64_t attempts, int64_t retry_after_ms);
  // Whether `now_ms` falls in the user's quiet hours, in their time zone.
  bool InQuietHours(int64_t user, const QuietHours& quiet, int64_t now_ms);

  PushStore& store_;
  const std::map<Provider, Sender*> senders_;
  const NameOf name_of_;
  const ZoneOf zone_of_;
  const GroupNameOf group_name_of_;
  TimeZones time_zones_;  // the dispatcher's
  const OutboxOptions options_;

  std::mutex mutex_;
  std::condition_variable dispatcher_wake_;
  std::vector<Pending> intake_;               // guarded by mutex_
  size_t intake_users_ = 0;                   // guarded by mutex_: users in intake_
  std::vector<PushStore::Outcome> outcomes_;  // guarded by mutex_
  bool stopping_ = false;                     // guarded by mutex_
  bool senders_done_ = false;                 // guarded by mutex_

  struct Counters {
    std::atomic<uint64_t> notified{0}, dropped{0}, sent{0}, delivered{0}, retried{0}, gone{0},
        failed{0};
  };
  Counters counters_;
  // lanes_[p] is provider p's (by its number), fixed after construction.
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::thread dispatcher_;  // last: starts after everything above is initialised
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_OUTBOX_H_
