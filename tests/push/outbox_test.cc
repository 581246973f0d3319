// PushStore and Outbox with a scripted sender: coalescing, leases across a restart, retries
// with backoff and dead letters, gone targets, the per-user cap, a slow target that does not
// hold up another, and a full intake; on SQLite and on PostgreSQL (push_backends.h).
#include "push/outbox.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "base/clock.h"
#include "push/delivery_store.h"
#include "push/push_store.h"
#include "tests/push/push_backends.h"
#include "tests/support/temp_dir.h"

namespace parley::push {
namespace {

using Kind = PushStore::Outcome::Kind;

// `n` lease slots for webhooks, none for the other providers.
PushStore::LeaseSlots WebhookSlots(int n) {
  PushStore::LeaseSlots slots{};
  slots[static_cast<size_t>(Provider::kWebhook)] = n;
  return slots;
}

class PushStoreTest : public ::testing::TestWithParam<PushBackend> {
 protected:
  void SetUp() override {
    auto where = GetParam().where(dir_.path());
    ASSERT_TRUE(where.ok()) << where.status().message();
    where_ = *where;
    auto store = PushStore::Open(where_, *box_);
    ASSERT_TRUE(store.ok()) << store.status().message();
    store_ = std::move(*store);
  }
  Target AddWebhook(int64_t user, int64_t device, std::string url) {
    Target t;
    t.user_id = user;
    t.device_id = device;
    t.provider = Provider::kWebhook;
    t.endpoint = std::move(url);
    t.secret = "s";
    auto added = store_->AddTarget(t, 10);
    EXPECT_TRUE(added.ok());
    return *added;
  }

  testing_support::TempDir dir_;
  std::unique_ptr<auth::SecretBox> box_ =
      std::move(*auth::SecretBox::FromKey(std::string(32, 'k')));
  PushDbOptions where_;
  std::unique_ptr<PushStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, PushStoreTest, AllPushBackends(), PushBackendName);

TEST_P(PushStoreTest, TargetsAreReplacedPerDeviceCappedAndRemovedWithTheirDevice) {
  Target a = AddWebhook(1, 10, "https://a/1");
  Target b = AddWebhook(1, 10, "https://a/2");  // same device, same provider: replaces a
  EXPECT_NE(a.id, b.id);
  ASSERT_EQ(store_->TargetsOf(1)->size(), 1u);
  AddWebhook(1, 11, "https://a/3");
  Target capped;
  capped.user_id = 1;
  capped.device_id = 12;
  capped.endpoint = "https://a/4";
  EXPECT_EQ(store_->AddTarget(capped, 2).status().code(), Code::kQuotaExceeded);
  ASSERT_TRUE(store_->RemoveDeviceTargets(10).ok());
  ASSERT_EQ(store_->TargetsOf(1)->size(), 1u);
  ASSERT_TRUE(store_->RemoveOtherDeviceTargets(1, 99).ok());
  EXPECT_TRUE(store_->TargetsOf(1)->empty());
  EXPECT_FALSE(*store_->RemoveTarget(1, a.id));
}

TEST_P(PushStoreTest, BurstsCoalesceAndLeasesOutliveNoHolder) {
  Target t = AddWebhook(1, 10, "https://a/1");
  ASSERT_TRUE(store_->Enqueue({JobFor(t, 5, 1), JobFor(t, 5, 2), JobFor(t, 6, 1)}, 0).ok());
  ASSERT_TRUE(store_->Enqueue({JobFor(t, 5, 3)}, 0).ok());
  EXPECT_EQ(store_->Counts()->pending, 2);
  auto due = store_->LeaseDue(0, WebhookSlots(10), {});
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);  // one job per target at a time
  EXPECT_EQ((*due)[0].first.count, 3);
  EXPECT_EQ((*due)[0].first.seq, 3);
  EXPECT_EQ((*due)[0].first.body, "m3");
  EXPECT_TRUE(store_->LeaseDue(0, WebhookSlots(10), {t.id})->empty());  // the target is busy

  // A crash with one leased: the next process sends it again, at once on SQLite (a lease there
  // is always a previous process's), after the lease expired on a shared database (it could
  // be another live node's).
  store_.reset();
  auto reopened = PushStore::Open(where_, *box_);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  if (where_.shared()) {
    EXPECT_TRUE(store_->LeaseDue(PushStore::kLeaseMs - 1, WebhookSlots(10), {})->empty());
    EXPECT_EQ(store_->LeaseDue(PushStore::kLeaseMs, WebhookSlots(10), {})->size(), 1u);
  } else {
    EXPECT_EQ(store_->LeaseDue(0, WebhookSlots(10), {})->size(), 1u);
  }
}

TEST_P(PushStoreTest, OutcomesDeliverRetryDeadLetterAndForgetGoneTargets) {
  Target t = AddWebhook(1, 10, "https://a/1");
  ASSERT_TRUE(store_->Enqueue({JobFor(t, 5, 1)}, 0).ok());
  auto due = store_->LeaseDue(0, WebhookSlots(10), {});
  const Job job = (*due)[0].first;
  // Coalesced while in flight: delivered removes only what was sent.
  ASSERT_TRUE(store_->Enqueue({JobFor(t, 5, 2)}, 0).ok());
  ASSERT_TRUE(store_->Apply({{Kind::kDelivered, job.id, job.version, t.id, job.count}}, 5, 3).ok());
  due = store_->LeaseDue(5, WebhookSlots(10), {});
  ASSERT_EQ(due->size(), 1u);
  Job second = (*due)[0].first;
  EXPECT_EQ(second.count, 1);
  EXPECT_EQ(second.seq, 2);
  // Retries until the third attempt dead-letters it.
  for (int attempt = 0; attempt < 3; ++attempt) {
    PushStore::Outcome retry{Kind::kRetry, second.id, second.version, t.id, second.count};
    retry.retry_at = 100 * (attempt + 1);
    retry.error = "http 503";
    ASSERT_TRUE(store_->Apply({retry}, 0, 3).ok());
    EXPECT_TRUE(store_->LeaseDue(retry.retry_at - 1, WebhookSlots(10), {})->empty());
    due = store_->LeaseDue(retry.retry_at, WebhookSlots(10), {});
    if (attempt < 2) ASSERT_EQ(due->size(), 1u);
  }
  EXPECT_TRUE(due->empty());
  EXPECT_EQ(store_->Counts()->dead, 1);
  // A new notification revives a dead job.
  ASSERT_TRUE(store_->Enqueue({JobFor(t, 5, 3)}, 1000).ok());
  EXPECT_EQ(store_->Counts()->dead, 0);
  due = store_->LeaseDue(1000, WebhookSlots(10), {});
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(store_->Apply({{Kind::kGone, (*due)[0].first.id, 0, t.id, 0}}, 0, 3).ok());
  EXPECT_TRUE(store_->TargetsOf(1)->empty());
  EXPECT_EQ(store_->Counts()->pending, 0);
}

// The users with targets among many: across the queries' chunks (push_db.h), a short last
// chunk, repeats and none at all.
TEST_P(PushStoreTest, WithTargetsFindsTheUsersWithTargetsAmongMany) {
  std::vector<int64_t> users;
  std::unordered_set<int64_t> expected;
  for (int64_t user = 1; user <= 2 * kUsersPerQuery + 7; ++user) {
    users.push_back(user);
    if (user % 9 == 0 || user == kUsersPerQuery || user == 2 * kUsersPerQuery + 7) {
      AddWebhook(user, user, "https://h/" + std::to_string(user));
      expected.insert(user);
    }
  }
  users.push_back(9);  // a repeat
  auto found = store_->WithTargets(users);
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(*found, expected);
  EXPECT_TRUE(store_->WithTargets({})->empty());
  EXPECT_TRUE(store_->WithTargets({1, 2, -5})->empty());
}

TEST(OutboxLease, OutlastsTwoSendsWithTokenFetchesThreeTimesOver) {
  EXPECT_EQ(Outbox::LeaseMsFor(10'000), PushStore::kLeaseMs);
  EXPECT_EQ(Outbox::LeaseMsFor(1'000), 12'000);
}

TEST_P(PushStoreTest, MutesAndPreview) {
  AddWebhook(1, 10, "https://a/1");
  ASSERT_TRUE(store_->SetMute(1, Mute{5, 0}).ok());
  ASSERT_TRUE(store_->SetMute(1, Mute{6, 1000}).ok());
  ASSERT_TRUE(store_->SetPreview(1, Preview::kNone).ok());
  EXPECT_TRUE(store_->RecipientOf(1, 5, 2000)->muted);
  EXPECT_TRUE(store_->RecipientOf(1, 6, 999)->muted);
  EXPECT_FALSE(store_->RecipientOf(1, 6, 1000)->muted);
  EXPECT_EQ(store_->RecipientOf(1, 7, 0)->preview, Preview::kNone);
  ASSERT_TRUE(store_->RemoveMute(1, 5).ok());
  EXPECT_FALSE(store_->RecipientOf(1, 5, 0)->muted);
}

// A sender whose answers the test scripts per endpoint.
class ScriptedSender : public Sender {
 public:
  using Script = std::function<SendResult(const Job&, const Target&)>;
  explicit ScriptedSender(Script script) : script_(std::move(script)) {}
  // Records the request when it starts, then answers as scripted.
  SendResult Send(const Job& job, const Target& target, int64_t) override {
    {
      std::lock_guard lock(mutex_);
      sent_.push_back({target.endpoint, job});
    }
    return script_(job, target);
  }
  size_t CountFor(const std::string& endpoint) {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& entry : sent_) n += entry.first == endpoint;
    return n;
  }

 private:
  Script script_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, Job>> sent_;
};

Notification Message(int64_t conversation, int64_t seq) {
  Notification n;
  n.conversation_id = conversation;
  n.seq = seq;
  n.sender_id = 99;
  n.text = "hello " + std::to_string(seq);
  return n;
}

OutboxOptions FastOptions() {
  OutboxOptions options;
  options.senders = 2;
  options.backoff_base_ms = 5;
  options.max_attempts = 3;
  return options;
}

// `limit` bounds a hung test; it is never a performance threshold.
bool WaitUntil(const std::function<bool()>& condition,
               std::chrono::seconds limit = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

TEST_P(PushStoreTest, OutboxDeliversRetriesAndRemovesGoneTargets) {
  AddWebhook(1, 10, "https://ok");
  AddWebhook(2, 20, "https://flaky");
  AddWebhook(3, 30, "https://gone");
  std::atomic<int> flaky_calls{0};
  ScriptedSender sender([&](const Job&, const Target& target) {
    if (target.endpoint == "https://gone") return SendResult{Kind::kGone, "http 410", 0};
    if (target.endpoint == "https://flaky" && flaky_calls++ < 2) {
      return SendResult{Kind::kRetry, "http 503", 0};
    }
    return SendResult{Kind::kDelivered, "", 0};
  });
  Outbox outbox(
      *store_, {{Provider::kWebhook, &sender}}, [](int64_t) { return std::string("Zed"); },
      FastOptions());
  outbox.Notify(Message(5, 1), {1, 2, 3, 4}, {});
  ASSERT_TRUE(WaitUntil([&] { return outbox.stats().delivered == 2 && outbox.stats().gone == 1; }));
  EXPECT_EQ(sender.CountFor("https://flaky"), 3u);
  EXPECT_EQ(outbox.stats().retried, 2u);
  ASSERT_TRUE(WaitUntil([&] { return store_->TargetsOf(3)->empty(); }));
  ASSERT_TRUE(WaitUntil([&] { return store_->Counts()->pending == 0; }));
  outbox.Stop();
}

TEST_P(PushStoreTest, OutboxDeadLettersAfterMaxAttempts) {
  AddWebhook(1, 10, "https://down");
  ScriptedSender sender([](const Job&, const Target&) {
    return SendResult{Kind::kRetry, "http 500", 0};
  });
  Outbox outbox(
      *store_, {{Provider::kWebhook, &sender}}, [](int64_t) { return "Zed"; }, FastOptions());
  outbox.Notify(Message(5, 1), {1}, {});
  ASSERT_TRUE(WaitUntil([&] { return store_->Counts()->dead == 1; }));
  EXPECT_EQ(sender.CountFor("https://down"), 3u);
}

TEST_P(PushStoreTest, ASlowTargetDoesNotHoldUpAnother) {
  AddWebhook(1, 10, "https://slow");
  AddWebhook(2, 20, "https://fast");
  std::atomic<bool> open{false};  // the slow endpoint answers only once the test opens it
  ScriptedSender sender([&](const Job&, const Target& target) {
    while (target.endpoint == "https://slow" && !open) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return SendResult{Kind::kDelivered, "", 0};
  });
  Outbox outbox(
      *store_, {{Provider::kWebhook, &sender}}, [](int64_t) { return "Zed"; }, FastOptions());
  outbox.Notify(Message(5, 1), {1}, {});
  ASSERT_TRUE(WaitUntil([&] { return sender.CountFor("https://slow") == 1; }));
  for (int seq = 1; seq <= 3; ++seq) {
    outbox.Notify(Message(6, seq), {2}, {});
    ASSERT_TRUE(WaitUntil([&] { return outbox.stats().delivered == static_cast<uint64_t>(seq); }));
  }
  EXPECT_EQ(sender.CountFor("https://slow"), 1u);
  open = true;
  ASSERT_TRUE(WaitUntil([&] { return outbox.stats().delivered == 4; }));
  ASSERT_TRUE(WaitUntil([&] { return store_->Counts()->pending == 0; }));
}

// Each provider has its own senders: with every FCM request stalled, webhooks still go out.
TEST_P(PushStoreTest, AStalledProviderDoesNotHoldUpAnother) {
  for (int64_t user = 1; user <= 3; ++user) {
    Target fcm;
    fcm.user_id = user;
    fcm.device_id = user;
    fcm.provider = Provider::kFcm;
    fcm.endpoint = "fcm-token-" + std::to_string(user);
    ASSERT_TRUE(store_->AddTarget(fcm, 10).ok());
  }
  for (int64_t user = 4; user <= 6; ++user) AddWebhook(user, user, "https://hook");
  std::atomic<bool> open{false};  // FCM answers only once the test opens it
  std::atomic<int> stalled{0};
  ScriptedSender fcm([&](const Job&, const Target&) {
    ++stalled;
    while (!open) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return SendResult{};
  });
  ScriptedSender webhook([](const Job&, const Target&) { return SendResult{}; });
  OutboxOptions options = FastOptions();  // 2 senders per provider
  Outbox outbox(
      *store_, {{Provider::kFcm, &fcm}, {Provider::kWebhook, &webhook}},
      [](int64_t) { return "Zed"; }, options);
  outbox.Notify(Message(5, 1), {1, 2, 3}, {});
  ASSERT_TRUE(WaitUntil([&] { return stalled == 2; })) << "both FCM senders are stuck";
  outbox.Notify(Message(6, 1), {4, 5, 6}, {});
  ASSERT_TRUE(WaitUntil([&] { return outbox.stats().delivered == 3; }));
  EXPECT_EQ(webhook.CountFor("https://hook"), 3u);
  open = true;
  ASSERT_TRUE(WaitUntil([&] { return outbox.stats().delivered == 6; }));
}

TEST_P(PushStoreTest, AFullIntakeDropsAndCounts) {
  OutboxOptions options = FastOptions();
  options.max_intake = 3;
  ScriptedSender sender([](const Job&, const Target&) { return SendResult{}; });
  Outbox outbox(
      *store_, {{Provider::kWebhook, &sender}}, [](int64_t) { return "Zed"; }, options);
  outbox.Stop();  // nothing drains the intake now
  outbox.Notify(Message(5, 1), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {});
  EXPECT_EQ(outbox.stats().notified, 3u);
  EXPECT_EQ(outbox.stats().dropped, 7u);
}

TEST_P(PushStoreTest, OutboxRespectsMutesAndSkipsUsersWithoutTargets) {
  AddWebhook(1, 10, "https://ok");
  ASSERT_TRUE(store_->SetMute(1, Mute{5, 0}).ok());
  ScriptedSender sender([](const Job&, const Target&) { return SendResult{}; });
  Outbox outbox(
      *store_, {{Provider::kWebhook, &sender}}, [](int64_t) { return "Zed"; }, FastOptions());
  outbox.Notify(Message(5, 1), {1, 2}, {});
  outbox.Notify(Message(6, 1), {1}, {});
  ASSERT_TRUE(WaitUntil([&] { return outbox.stats().delivered == 1; }));
  outbox.Stop();
  EXPECT_EQ(sender.CountFor("https://ok"), 1u);
  EXPECT_EQ(store_->Counts()->pending, 0);
}

// One group message to 10,000 offline members, each with a target, and a burst of 4 more
// coalescing behind it: every member gets the first notification, no member gets more than
// one job per conversation at a time, and the intake holds one shared copy. Prints the
// outbox's own throughput (store and dispatch; the sender answers at once).
TEST_P(PushStoreTest, TenThousandOfflineMembersOfOneGroup) {
  constexpr int64_t kMembers = 10'000;
  std::vector<int64_t> members;
  for (int64_t user = 1; user <= kMembers; ++user) {
    AddWebhook(user, user, "https://hook/" + std::to_string(user));
    members.push_back(user);
  }
  std::atomic<int64_t> messages{0};  // notifications the sent jobs stood for
  ScriptedSender sender([&](const Job& job, const Target&) {
    messages += job.count;
    return SendResult{};
  });
  OutboxOptions options = FastOptions();
  options.senders = 4;
  const auto start = std::chrono::steady_clock::now();
  Outbox outbox(
      *store_, {{Provider::kWebhook, &sender}}, [](int64_t) { return "Zed"; }, options);
  for (int64_t seq = 1; seq <= 5; ++seq) outbox.Notify(Message(5, seq), members, {});
  ASSERT_TRUE(WaitUntil([&] { return messages == 5 * kMembers; }, std::chrono::seconds(120)))
      << "notifications sent: " << messages;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  outbox.Stop();
  EXPECT_EQ(outbox.stats().notified, uint64_t{5 * kMembers});
  EXPECT_EQ(outbox.stats().dropped, 0u);
  EXPECT_LE(outbox.stats().sent, uint64_t{5 * kMembers}) << "a burst coalesces";
  EXPECT_GE(outbox.stats().delivered, uint64_t{kMembers});
  EXPECT_EQ(store_->Counts()->pending, 0);
  std::printf("outbox: %lld notifications for %lld members in %llu requests, %.2f s (%.0f/s)\n",
              static_cast<long long>(5 * kMembers), static_cast<long long>(kMembers),
              static_cast<unsigned long long>(outbox.stats().sent), seconds,
              outbox.stats().sent / seconds);
}

TEST_P(PushStoreTest, AwayUsersArePushedOnlyIfTheyAskedAndOfflineMissesFeedDigests) {
  auto deliveries = DeliveryStore::Open(where_);
  ASSERT_TRUE(deliveries.ok()) << deliveries.status().message();
  AddWebhook(1, 10, "https://asked");
  AddWebhook(2, 20, "https://did-not-ask");
  ASSERT_TRUE((*deliveries)->SetPrefs(1, DeliveryPrefs{.when_away = true}).ok());
  ASSERT_TRUE((*deliveries)->SetPrefs(3, DeliveryPrefs{.email_digest = true}).ok());
  ASSERT_TRUE((*deliveries)->SetPrefs(4, DeliveryPrefs{.email_digest = true}).ok());
  ASSERT_TRUE(store_->SetMute(4, Mute{5, 0}).ok());
  ScriptedSender sender([](const Job&, const Target&) { return SendResult{}; });
  OutboxOptions options = FastOptions();
  options.deliveries = deliveries->get();
  Outbox outbox(
      *store_, {{Provider::kWebhook, &sender}}, [](int64_t) { return "Zed"; }, options);
  // Offline: 3 and 4 (digest subscribers; 4 muted the conversation). Away: 1 and 2.
  outbox.Notify(Message(5, 1), {3, 4}, {1, 2});
  ASSERT_TRUE(WaitUntil([&] { return outbox.stats().delivered == 1; }));
  outbox.Stop();
  EXPECT_EQ(sender.CountFor("https://asked"), 1u);
  EXPECT_EQ(sender.CountFor("https://did-not-ask"), 0u);
  auto pending = (*deliveries)->Pending();
  ASSERT_TRUE(pending.ok());
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].user_id, 3);
  EXPECT_EQ((*pending)[0].missed, 1);
}

}  // namespace
}  // namespace parley::push
