// Two nodes' push stores on one PostgreSQL database (push/push_db.h): what one node stores the
// other sees at once (targets, preferences); a job is claimed by one outbox at a time; a lease
// whose holder died is taken over when it expires (times come from the caller: no sleeps);
// coalescing and claiming stay right with both nodes working at once (threads).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "push/delivery_store.h"
#include "push/push_store.h"
#include "tests/push/push_backends.h"
#include "tests/support/temp_dir.h"

namespace parley::push {
namespace {

PushStore::LeaseSlots WebhookSlots(int n) {
  PushStore::LeaseSlots slots{};
  slots[static_cast<size_t>(Provider::kWebhook)] = n;
  return slots;
}

class PushClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto where = PostgresPushDb(dir_.path());
    ASSERT_TRUE(where.ok()) << where.status().message();
    where_ = *where;
    node_a_ = OpenNode();
    node_b_ = OpenNode();
    ASSERT_TRUE(node_a_ && node_b_);
  }

  std::unique_ptr<PushStore> OpenNode() {
    auto store = PushStore::Open(where_, *box_);
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  Target AddWebhook(PushStore& node, int64_t user, const std::string& url) {
    Target t;
    t.user_id = user;
    t.device_id = user * 10;
    t.provider = Provider::kWebhook;
    t.endpoint = url;
    t.secret = "s";
    auto added = node.AddTarget(t, 10);
    EXPECT_TRUE(added.ok()) << added.status().message();
    return added.ok() ? *added : t;
  }


  testing_support::TempDir dir_;
  PushDbOptions where_;
  std::unique_ptr<auth::SecretBox> box_ =
      std::move(*auth::SecretBox::FromKey(std::string(32, 'k')));
  std::unique_ptr<PushStore> node_a_;
  std::unique_ptr<PushStore> node_b_;
};

TEST_F(PushClusterTest, WhatOneNodeStoresTheOtherSees) {
  // Opened before the target existed: nothing cached may hide it.
  EXPECT_TRUE(node_b_->WithTargets({1})->empty());
  Target t = AddWebhook(*node_a_, 1, "https://hooks.example/1");
  EXPECT_EQ(node_b_->WithTargets({1, 2})->count(1), 1u);
  auto recipient = node_b_->RecipientOf(1, 5, 0);
  ASSERT_TRUE(recipient.ok()) << recipient.status().message();
  ASSERT_EQ(recipient->targets.size(), 1u);
  EXPECT_EQ(recipient->targets[0].secret, "s");  // sealed by A, opened by B (the same key)
  ASSERT_TRUE(node_b_->RemoveDeviceTargets(t.device_id).ok());
  EXPECT_TRUE(node_a_->WithTargets({1})->empty());

  auto prefs_a = DeliveryStore::Open(where_);
  auto prefs_b = DeliveryStore::Open(where_);
  ASSERT_TRUE(prefs_a.ok() && prefs_b.ok());
  EXPECT_FALSE((*prefs_b)->WantsWhenAway(7));
  ASSERT_TRUE((*prefs_a)->SetPrefs(7, DeliveryPrefs{true, true}).ok());
  EXPECT_TRUE((*prefs_b)->WantsWhenAway(7));
  EXPECT_EQ((*prefs_b)->WantingDigests({6, 7, 8})->size(), 1u);
  EXPECT_TRUE((*prefs_b)->PrefsOf(7)->email_digest);
  ASSERT_TRUE((*prefs_b)->SetPrefs(7, DeliveryPrefs{}).ok());
  EXPECT_TRUE((*prefs_a)->WantingDigests({7})->empty());
}

TEST_F(PushClusterTest, AJobIsClaimedByOneNodeAndTakenOverWhenItsHolderDied) {
  Target t = AddWebhook(*node_a_, 1, "https://hooks.example/1");
  ASSERT_TRUE(node_b_->Enqueue({JobFor(t, 5, 1)}, 0).ok());
  auto claimed = node_a_->LeaseDue(0, WebhookSlots(4), {});
  ASSERT_TRUE(claimed.ok()) << claimed.status().message();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_TRUE(node_b_->LeaseDue(0, WebhookSlots(4), {})->empty());
  // Another job of the same target waits too: one in flight per target, across nodes.
  ASSERT_TRUE(node_b_->Enqueue({JobFor(t, 6, 1)}, 0).ok());
  EXPECT_TRUE(node_b_->LeaseDue(PushStore::kLeaseMs - 1, WebhookSlots(4), {})->empty());

  // A dies holding the lease (never applies an outcome); B takes the job over at expiry.
  node_a_.reset();
  auto taken = node_b_->LeaseDue(PushStore::kLeaseMs, WebhookSlots(4), {});
  ASSERT_TRUE(taken.ok()) << taken.status().message();
  ASSERT_EQ(taken->size(), 1u);
  const Job& job = (*taken)[0].first;
  EXPECT_EQ((*taken)[0].second.endpoint, "https://hooks.example/1");
  ASSERT_TRUE(
      node_b_
          ->Apply({{PushStore::Outcome::Kind::kDelivered, job.id, job.version, t.id, job.count}},
                  PushStore::kLeaseMs, 3)
          .ok());
  EXPECT_EQ(node_b_->Counts()->pending, 1);  // the other conversation's job
}

TEST_F(PushClusterTest, NextDueCountsAnExpiringLease) {
  Target t = AddWebhook(*node_a_, 1, "https://hooks.example/1");
  ASSERT_TRUE(node_a_->Enqueue({JobFor(t, 5, 1)}, 100).ok());
  ASSERT_EQ(node_a_->LeaseDue(100, WebhookSlots(1), {})->size(), 1u);
  auto next = node_b_->NextDue();
  ASSERT_TRUE(next.ok()) << next.status().message();
  EXPECT_EQ(next->value_or(-1), 100 + PushStore::kLeaseMs);
}

TEST_F(PushClusterTest, ConcurrentQueueingFromBothNodesCoalescesIntoOneJob) {
  Target t = AddWebhook(*node_a_, 1, "https://hooks.example/1");
  Target u = AddWebhook(*node_a_, 2, "https://hooks.example/2");
  constexpr int kPerNode = 60;
  // Each call upserts two jobs, in opposite orders on the two nodes: a deadlock would fail it.
  auto queue = [&](PushStore& node, bool reversed) {
    for (int i = 1; i <= kPerNode; ++i) {
      std::vector<PushStore::NewJob> jobs = {JobFor(t, 5, i), JobFor(u, 5, i)};
      if (reversed) std::reverse(jobs.begin(), jobs.end());
      Status s = node.Enqueue(jobs, 0);
      EXPECT_TRUE(s.ok()) << s.message();
    }
  };
  std::thread a([&] { queue(*node_a_, false); });
  std::thread b([&] { queue(*node_b_, true); });
  a.join();
  b.join();
  EXPECT_EQ(node_a_->Counts()->pending, 2);
  auto due = node_b_->LeaseDue(0, WebhookSlots(4), {});
  ASSERT_TRUE(due.ok()) << due.status().message();
  ASSERT_EQ(due->size(), 2u);
  for (const auto& [job, target] : *due) {
    EXPECT_EQ(job.count, 2 * kPerNode) << target.endpoint;
    EXPECT_EQ(job.seq, kPerNode);
  }
}

// One node queues bursts for many targets while the other claims and delivers them: every
// call succeeds (no deadlock between their row locks), and every notification is accounted
// for once, delivered or still pending.
TEST_F(PushClusterTest, QueueingOnOneNodeWhileTheOtherDeliversNeverDeadlocks) {
  constexpr int kTargets = 20;
  constexpr int kRounds = 30;
  std::vector<Target> targets;
  for (int user = 1; user <= kTargets; ++user) {
    targets.push_back(AddWebhook(*node_a_, user, "https://h/" + std::to_string(user)));
  }
  int64_t delivered = 0;
  std::thread queueing([&] {
    for (int round = 1; round <= kRounds; ++round) {
      std::vector<PushStore::NewJob> jobs;
      for (auto it = targets.rbegin(); it != targets.rend(); ++it) {
        jobs.push_back(JobFor(*it, 5, round));
        jobs.push_back(JobFor(*it, 6, round));
      }
      Status s = node_a_->Enqueue(jobs, 0);
      ASSERT_TRUE(s.ok()) << s.message();
    }
  });
  std::thread delivering([&] {
    for (int round = 0; round < 3 * kRounds; ++round) {
      auto due = node_b_->LeaseDue(0, WebhookSlots(kTargets), {});
      ASSERT_TRUE(due.ok()) << due.status().message();
      std::vector<PushStore::Outcome> outcomes;
      for (const auto& [job, target] : *due) {
        outcomes.push_back(
            {PushStore::Outcome::Kind::kDelivered, job.id, job.version, target.id, job.count});
        delivered += job.count;
      }
      Status s = node_b_->Apply(outcomes, 0, 3);
      ASSERT_TRUE(s.ok()) << s.message();
    }
  });
  queueing.join();
  delivering.join();
  // What is left pending, delivered now, completes the count.
  for (;;) {
    auto due = node_a_->LeaseDue(0, WebhookSlots(kTargets), {});
    ASSERT_TRUE(due.ok());
    if (due->empty()) break;
    std::vector<PushStore::Outcome> outcomes;
    for (const auto& [job, target] : *due) {
      outcomes.push_back(
          {PushStore::Outcome::Kind::kDelivered, job.id, job.version, target.id, job.count});
      delivered += job.count;
    }
    ASSERT_TRUE(node_a_->Apply(outcomes, 0, 3).ok());
  }
  EXPECT_EQ(delivered, int64_t{2} * kTargets * kRounds);
  EXPECT_EQ(node_a_->Counts()->pending, 0);
}

TEST_F(PushClusterTest, ConcurrentClaimsNeverLeaseAJobTwice) {
  constexpr int kTargets = 40;
  std::vector<PushStore::NewJob> jobs;
  for (int user = 1; user <= kTargets; ++user) {
    jobs.push_back(JobFor(AddWebhook(*node_a_, user, "https://h/" + std::to_string(user)), 5, 1));
  }
  ASSERT_TRUE(node_a_->Enqueue(jobs, 0).ok());
  std::vector<int64_t> got_a, got_b;
  auto claim = [](PushStore& node, std::vector<int64_t>& got) {
    for (int round = 0; round < kTargets; ++round) {
      auto due = node.LeaseDue(0, WebhookSlots(2), {});
      ASSERT_TRUE(due.ok()) << due.status().message();
      for (const auto& [job, target] : *due) got.push_back(job.id);
    }
  };
  std::thread a([&] { claim(*node_a_, got_a); });
  std::thread b([&] { claim(*node_b_, got_b); });
  a.join();
  b.join();
  std::set<int64_t> all(got_a.begin(), got_a.end());
  all.insert(got_b.begin(), got_b.end());
  EXPECT_EQ(got_a.size() + got_b.size(), static_cast<size_t>(kTargets));  // none twice
  EXPECT_EQ(all.size(), static_cast<size_t>(kTargets));                   // none left
}

}  // namespace
}  // namespace parley::push
