#include "push/outbox.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "base/clock.h"
#include "base/log.h"
#include "push/payload.h"

namespace parley::push {
namespace {

// The outcome label of parley_push_outcomes_total.
std::string OutcomeName(PushStore::Outcome::Kind kind) {
  switch (kind) {
    case PushStore::Outcome::Kind::kDelivered:
      return "delivered";
    case PushStore::Outcome::Kind::kRetry:
      return "retry";
    case PushStore::Outcome::Kind::kGone:
      return "gone";
    case PushStore::Outcome::Kind::kFailed:
      return "failed";
  }
  return "failed";
}

// Requests queued to senders at most, beyond those in flight.
constexpr int kWorkPerSender = 2;

}  // namespace

Outbox::Outbox(PushStore& store, std::map<Provider, Sender*> senders, NameOf name_of,
               OutboxOptions options, ZoneOf zone_of, GroupNameOf group_name_of)
    : store_(store),
      senders_(std::move(senders)),
      name_of_(std::move(name_of)),
      zone_of_(std::move(zone_of)),
      group_name_of_(std::move(group_name_of)),
      options_(options) {
  for (Provider provider :
       {Provider::kWebPush, Provider::kWebhook, Provider::kFcm, Provider::kApns}) {
    auto lane = std::make_unique<Lane>();
    lane->provider = provider;
    if (auto found = senders_.find(provider); found != senders_.end()) lane->sender = found->second;
    const int threads = lane->sender != nullptr ? std::max(1, options_.senders) : 1;
    lane->capacity = threads * kWorkPerSender;
    for (int i = 0; i < threads; ++i) {
      lane->threads.emplace_back([this, lane = lane.get()] { SendLoop(*lane); });
    }
    lanes_.push_back(std::move(lane));
  }
  dispatcher_ = std::thread([this] { Dispatch(); });
}

Outbox::~Outbox() { Stop(); }

int64_t Outbox::LeaseMsFor(int64_t http_timeout_ms) {
  return 3 * kWorkPerSender * 2 * http_timeout_ms;
}

void Outbox::Notify(Notification what, std::vector<int64_t> offline, std::vector<int64_t> away) {
  if (away.empty() && offline.empty()) return;
  const size_t asked = offline.size() + away.size();
  size_t dropped = 0;
  {
    std::lock_guard lock(mutex_);
    size_t room = options_.max_intake - std::min(options_.max_intake, intake_users_);
    for (std::vector<int64_t>* users : {&offline, &away}) {
      if (users->size() > room) {
        dropped += users->size() - room;
        users->resize(room);
      }
      room -= users->size();
      intake_users_ += users->size();
    }
    if (!offline.empty() || !away.empty()) {
      intake_.push_back(Pending{std::move(what), std::move(offline), std::move(away)});
    }
  }
  counters_.notified += asked - dropped;
  if (dropped > 0) {
    // Counted, and logged without any content.
    if (counters_.dropped.fetch_add(dropped) == 0) {
      Log(LogLevel::kWarning, "push_intake_full", {{"dropped", std::to_string(dropped)}});
    }
  }
  dispatcher_wake_.notify_one();
}

void Outbox::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && senders_done_ && !dispatcher_.joinable()) return;
    stopping_ = true;
  }
  dispatcher_wake_.notify_all();
  for (auto& lane : lanes_) {
    lane->wake.notify_all();
    for (std::thread& thread : lane->threads) {
      if (thread.joinable()) thread.join();
    }
    lane->threads.clear();
  }
  {
    std::lock_guard lock(mutex_);
    senders_done_ = true;
  }
  dispatcher_wake_.notify_all();
  if (dispatcher_.joinable()) dispatcher_.join();
}

Outbox::Stats Outbox::stats() const {
  return Stats{counters_.notified, counters_.dropped, counters_.sent,  counters_.delivered,
               counters_.retried,  counters_.gone,    counters_.failed};
}

int64_t Outbox::Backoff(int64_t attempts, int64_t retry_after_ms) {
  // Exponential with "equal jitter": half the step fixed, half random, so retries of many
  // targets after one outage spread out but never come back at once.
  const int64_t step = std::min(options_.backoff_max_ms,
                                options_.backoff_base_ms << std::min<int64_t>(attempts, 30));
  thread_local std::mt19937_64 random(std::random_device{}());
  const int64_t delay =
      step / 2 + std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(step / 2, 0))(random);
  return std::max(delay, std::min(retry_after_ms, options_.backoff_max_ms));
}

void Outbox::SendLoop(Lane& lane) {
  std::unique_lock lock(mutex_);
  for (;;) {
    lane.wake.wait(lock, [this, &lane] { return stopping_ || !lane.work.empty(); });
    if (stopping_) return;  // leased work left behind is leased again by the next start
    Work work = std::move(lane.work.front());
    lane.work.pop_front();
    lock.unlock();
    const int64_t now = NowMillis();
    SendResult result;
    if (lane.sender == nullptr) {
      result = SendResult{PushStore::Outcome::Kind::kFailed, "provider not configured", 0};
    } else {
      ++counters_.sent;
      result = lane.sender->Send(work.job, work.target, now);
    }
    PushStore::Outcome outcome;
    outcome.kind = result.kind;
    outcome.job_id = work.job.id;
    outcome.version = work.job.version;
    outcome.target_id = work.target.id;
    outcome.count = work.job.count;
    outcome.error = result.error;
    switch (result.kind) {
      case PushStore::Outcome::Kind::kDelivered:
        ++counters_.delivered;
        break;
      case PushStore::Outcome::Kind::kRetry:
        ++counters_.retried;
        outcome.retry_at = now + Backoff(work.job.attempts, result.retry_after_ms);
        break;
      case PushStore::Outcome::Kind::kGone:
        ++counters_.gone;
        Log(LogLevel::kInfo, "push_target_gone",
            {{"target", std::to_string(work.target.id)}, {"reason", result.error}});
        break;
      case PushStore::Outcome::Kind::kFailed:
        ++counters_.failed;
        Log(LogLevel::kWarning, "push_failed",
            {{"target", std::to_string(work.target.id)}, {"reason", result.error}});
        break;
    }
    if (options_.metrics != nullptr) {
      options_.metrics->push_outcomes
          .With({std::string(ProviderName(work.target.provider)), OutcomeName(result.kind)})
          .Add();
    }
    lock.lock();
    outcomes_.push_back(std::move(outcome));
    dispatcher_wake_.notify_one();
  }
}

bool Outbox::InQuietHours(int64_t user, const QuietHours& quiet, int64_t now_ms) {
  const int64_t now_s = now_ms / 1000;
  const std::string zone = zone_of_ ? zone_of_(user) : std::string();
  const int64_t local_s = now_s + time_zones_.OffsetAt(zone, now_s);
  const int minute = static_cast<int>(((local_s / 60) % 1440 + 1440) % 1440);
  return quiet.Contains(minute);
}

void Outbox::WriteJobs(const std::vector<Pending>& pending, int64_t now) {
  if (pending.empty()) return;
  std::vector<PushStore::NewJob> jobs;
  std::unordered_map<int64_t, std::string> names;        // per pass: a group burst looks up once
  std::unordered_map<int64_t, std::string> group_names;  // the same, by conversation
  std::map<std::pair<int64_t, int64_t>, PushStore::Recipient> recipients;  // by user, conversation
  std::vector<int64_t> missed;  // offline digest subscribers
  DeliveryStore* const deliveries = options_.deliveries;
  for (const Pending& entry : pending) {
    const Notification& n = entry.what;
    if (deliveries != nullptr) {
      auto subscribers = deliveries->WantingDigests(entry.offline);
      if (!subscribers.ok()) {
        Log(LogLevel::kError, "push_store_failed", {{"reason", subscribers.status().message()}});
        subscribers = std::unordered_set<int64_t>();
      }
      for (int64_t user : entry.offline) {
        if (subscribers->count(user) == 0) continue;
        // A muted conversation never starts a digest (nor shows in one: DigestMailer).
        auto mutes = store_.MutesOf(user);
        if (mutes.ok() && !MutedAt(*mutes, n.conversation_id, now)) missed.push_back(user);
      }
    }
    // Most users have no target: no RecipientOf query for them.
    std::vector<int64_t> unreached = entry.offline;
    for (int64_t user : entry.away) {
      if (deliveries != nullptr && deliveries->WantsWhenAway(user)) unreached.push_back(user);
    }
    auto with_targets = store_.WithTargets(unreached);
    if (!with_targets.ok()) {
      Log(LogLevel::kError, "push_store_failed", {{"reason", with_targets.status().message()}});
      continue;  // the messages are durable: the users see them at their next connect
    }
    // The jobs of `n` for one user: per target, privacy applied.
    const auto add_jobs = [&](int64_t user) {
      if (with_targets->count(user) == 0) return;
      // A burst in one conversation reads each recipient once per pass.
      auto [cached, added] = recipients.try_emplace({user, n.conversation_id});
      if (added) {
        auto read = store_.RecipientOf(user, n.conversation_id, now);
        if (!read.ok()) {
          Log(LogLevel::kError, "push_store_failed", {{"reason", read.status().message()}});
          recipients.erase(cached);
          return;
        }
        cached->second = std::move(*read);
      }
      const PushStore::Recipient* recipient = &cached->second;
      if (recipient->targets.empty() || recipient->muted) return;
      if (recipient->quiet && InQuietHours(user, *recipient->quiet, now)) return;
      const Preview preview = Stricter(options_.server_preview, recipient->preview);
      std::string name;
      if (n.sender_id != 0 && preview != Preview::kNone) {
        auto [it, added] = names.try_emplace(n.sender_id);
        if (added) it->second = name_of_(n.sender_id);
        name = it->second;
      }
      std::string group;
      if (n.conversation_id != 0 && preview != Preview::kNone && group_name_of_ &&
          (n.kind == Notification::Kind::kMessage || n.kind == Notification::Kind::kAddedToGroup)) {
        auto [it, added] = group_names.try_emplace(n.conversation_id);
        if (added) it->second = group_name_of_(n.conversation_id);
        group = it->second;
      }
      const Job job = MakeJob(n, preview, name, group);
      for (const Target& target : recipient->targets) {
        jobs.push_back(PushStore::NewJob{target.id, job});
      }
    };
    for (int64_t user : unreached) add_jobs(user);
  }
  if (Status s = store_.Enqueue(jobs, now); !s.ok()) {
    Log(LogLevel::kError, "push_store_failed", {{"reason", s.message()}});
  }
  if (deliveries != nullptr) {
    if (Status s = deliveries->NoteMissed(missed, now); !s.ok()) {
      Log(LogLevel::kError, "push_store_failed", {{"reason", s.message()}});
    }
  }
}

void Outbox::Dispatch() {
  std::unique_lock lock(mutex_);
  int64_t wait_ms = 0;  // look for due jobs at once: a previous process may have left some
  for (;;) {
    dispatcher_wake_.wait_for(lock, std::chrono::milliseconds(wait_ms), [this] {
      return !intake_.empty() || !outcomes_.empty() || (stopping_ && senders_done_);
    });
    std::vector<Pending> intake;
    std::vector<PushStore::Outcome> outcomes;
    intake.swap(intake_);
    intake_users_ = 0;
    outcomes.swap(outcomes_);
    const bool finishing = stopping_ && senders_done_;
    const bool stopping = stopping_;
    lock.unlock();

    const int64_t now = NowMillis();
    if (Status s = store_.Apply(outcomes, now, options_.max_attempts); !s.ok()) {
      Log(LogLevel::kError, "push_store_failed", {{"reason", s.message()}});
    }
    WriteJobs(intake, now);
    if (finishing) return;

    PushStore::LeaseSlots slots{};
    std::vector<int64_t> busy;
    lock.lock();
    for (auto& lane : lanes_) {
      for (const PushStore::Outcome& outcome : outcomes) {
        auto it = std::find(lane->busy.begin(), lane->busy.end(), outcome.target_id);
        if (it != lane->busy.end()) lane->busy.erase(it);
      }
      slots[static_cast<size_t>(lane->provider)] =
          lane->capacity - static_cast<int>(lane->busy.size());
      busy.insert(busy.end(), lane->busy.begin(), lane->busy.end());
    }
    lock.unlock();

    if (!stopping) {
      auto due = store_.LeaseDue(now, slots, busy, options_.lease_ms);
      if (!due.ok()) {
        Log(LogLevel::kError, "push_store_failed", {{"reason", due.status().message()}});
      } else if (!due->empty()) {
        lock.lock();
        for (auto& [job, target] : *due) {
          Lane& lane = *lanes_[static_cast<size_t>(target.provider)];
          lane.busy.push_back(target.id);
          lane.work.push_back(Work{std::move(job), std::move(target)});
        }
        lock.unlock();
        for (auto& lane : lanes_) lane->wake.notify_all();
      }
    }
    auto next = store_.NextDue();
    wait_ms = 1000;  // a job due but held back (busy target, no free slot) waits for an outcome
    if (next.ok() && next->has_value() && **next > now) {
      wait_ms = std::min<int64_t>(**next - now, 1000);
    }
    lock.lock();
  }
}

}  // namespace parley::push
