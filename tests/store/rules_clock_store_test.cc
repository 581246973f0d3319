// The rules clock (store.h WriteTxn::LockRules, BumpRules) on every backend, and, on
// PostgreSQL, its locks between two stores on one database (two nodes).
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "store/postgres/pg_db.h"
#include "store/store.h"
#include "tests/store/backends.h"

namespace parley::store {
namespace {

using testing_support::TempDir;

// The version a write transaction sees under `mode`; -1 (and a test failure) if it fails.
int64_t VersionSeen(Store& store, RulesLock mode) {
  int64_t version = -1;
  Status s = store.Write([&](WriteTxn& txn) -> Status {
    auto locked = txn.LockRules(mode);
    if (!locked.ok()) return locked.status();
    version = *locked;
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  return version;
}

Status Bump(Store& store, Status outcome = Status::Ok()) {
  return store.Write([&](WriteTxn& txn) -> Status {
    if (auto locked = txn.LockRules(RulesLock::kExclusive); !locked.ok()) return locked.status();
    if (Status s = txn.BumpRules(); !s.ok()) return s;
    return outcome;
  });
}

class RulesClockTest : public BackendTest {};

TEST_P(RulesClockTest, StartsAtZeroInEitherMode) {
  EXPECT_EQ(VersionSeen(*store_, RulesLock::kShared), 0);
  EXPECT_EQ(VersionSeen(*store_, RulesLock::kExclusive), 0);
}

TEST_P(RulesClockTest, ABumpCountsOnceCommitted) {
  ASSERT_TRUE(Bump(*store_).ok());
  EXPECT_EQ(VersionSeen(*store_, RulesLock::kShared), 1);
  ASSERT_TRUE(Bump(*store_).ok());
  EXPECT_EQ(VersionSeen(*store_, RulesLock::kExclusive), 2);
}

TEST_P(RulesClockTest, ARolledBackBumpIsNotKept) {
  ASSERT_TRUE(Bump(*store_).ok());
  Status failed = Bump(*store_, Status(Code::kConflict, "the body changed its mind"));
  EXPECT_EQ(failed.code(), Code::kConflict);
  EXPECT_EQ(VersionSeen(*store_, RulesLock::kShared), 1);
}

TEST_P(RulesClockTest, SurvivesReopening) {
  ASSERT_TRUE(Bump(*store_).ok());
  store_.reset();
  auto reopened = GetParam().open(dir_.path());
  ASSERT_TRUE(reopened.ok()) << reopened.status().message();
  EXPECT_EQ(VersionSeen(**reopened, RulesLock::kShared), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, RulesClockTest, AllBackends(), BackendName);

// Two PgStores on one database, and a third connection that watches them wait.
class PgRulesLockTest : public testing::Test {
 protected:
  void SetUp() override {
    auto conninfo = OpenPostgresDatabase(dir_.path());
    ASSERT_TRUE(conninfo.ok()) << conninfo.status().message();
    auto a = OpenPostgresStore(PostgresOptions{*conninfo});
    ASSERT_TRUE(a.ok()) << a.status().message();
    auto b = OpenPostgresStore(PostgresOptions{*conninfo});
    ASSERT_TRUE(b.ok()) << b.status().message();
    auto watcher = postgres::PgDb::Open({*conninfo});
    ASSERT_TRUE(watcher.ok()) << watcher.status().message();
    a_ = std::move(*a);
    b_ = std::move(*b);
    watcher_ = std::move(*watcher);
  }

  // Waits (up to 10 s) until a backend of this database waits for a lock.
  bool SomeoneWaitsForALock() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto waiting = watcher_->QueryInt(
          "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
          "AND wait_event_type = 'Lock'");
      if (!waiting.ok()) return false;
      if (*waiting > 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  // Runs a Write on a_ that holds the clock in `mode` (bumping it if exclusive) until `release`
  // is set; `held` is set once it holds it.
  std::future<Status> HoldOnA(RulesLock mode, std::promise<void>& held,
                              std::shared_future<void> release) {
    return std::async(std::launch::async, [this, mode, &held, release] {
      return a_->Write([&](WriteTxn& txn) -> Status {
        if (auto locked = txn.LockRules(mode); !locked.ok()) return locked.status();
        if (mode == RulesLock::kExclusive) {
          if (Status s = txn.BumpRules(); !s.ok()) return s;
        }
        held.set_value();
        release.wait();
        return Status::Ok();
      });
    });
  }

  TempDir dir_;
  std::unique_ptr<Store> a_;
  std::unique_ptr<Store> b_;
  std::unique_ptr<postgres::PgDb> watcher_;
};

TEST_F(PgRulesLockTest, ARulesChangeMakesTheOtherNodeWaitThenSeeItsVersion) {
  std::future<Status> a;  // declared first: destroyed after `release` breaks, never blocking
  std::promise<void> held;
  std::promise<void> release;
  a = HoldOnA(RulesLock::kExclusive, held, release.get_future().share());
  ASSERT_EQ(held.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  std::future<int64_t> b =
      std::async(std::launch::async, [this] { return VersionSeen(*b_, RulesLock::kShared); });
  EXPECT_TRUE(SomeoneWaitsForALock());
  EXPECT_EQ(b.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  release.set_value();
  EXPECT_TRUE(a.get().ok());
  EXPECT_EQ(b.get(), 1);  // the version A committed, not the one before
}

TEST_F(PgRulesLockTest, ARulesChangeWaitsForTheBatchesAuthorizingUnderTheOldRules) {
  std::future<Status> a;  // declared first: destroyed after `release` breaks, never blocking
  std::promise<void> held;
  std::promise<void> release;
  a = HoldOnA(RulesLock::kShared, held, release.get_future().share());
  ASSERT_EQ(held.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  // Two shared holders do not wait for each other.
  EXPECT_EQ(VersionSeen(*b_, RulesLock::kShared), 0);
  std::future<Status> change = std::async(std::launch::async, [this] { return Bump(*b_); });
  EXPECT_TRUE(SomeoneWaitsForALock());
  EXPECT_EQ(change.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
  release.set_value();
  EXPECT_TRUE(a.get().ok());
  EXPECT_TRUE(change.get().ok());
  EXPECT_EQ(VersionSeen(*a_, RulesLock::kShared), 1);
}

}  // namespace
}  // namespace parley::store
