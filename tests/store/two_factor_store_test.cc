// Store conformance suite for two-step sign-in (store.h, "two-step sign-in: TOTP seeds and
// recovery codes"). Every Store implementation must pass every TEST_P.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/store/backends.h"

namespace parley::store {
namespace {

using TwoFactorStoreTest = BackendTest;

TEST_P(TwoFactorStoreTest, SeedIsPendingThenEnabledThenRemoved) {
  const int64_t alice = AddUser("alice");
  EXPECT_FALSE(store_->FindTotp(alice)->has_value());
  ASSERT_TRUE(store_->StartTotp(alice, std::string("sealed\0one", 10), 2000).ok());
  auto pending = store_->FindTotp(alice);
  ASSERT_TRUE(pending.ok() && pending->has_value());
  EXPECT_EQ((*pending)->sealed_seed, std::string("sealed\0one", 10));  // bytes, not text
  EXPECT_FALSE((*pending)->enabled);
  // A second start replaces a pending seed.
  ASSERT_TRUE(store_->StartTotp(alice, "sealed-two", 2500).ok());
  EXPECT_EQ((*store_->FindTotp(alice))->sealed_seed, "sealed-two");

  EXPECT_TRUE(*store_->EnableTotp(alice, 100, {"h1", "h2"}));
  EXPECT_FALSE(*store_->EnableTotp(alice, 101, {"h3"}));  // already on: nothing changes
  auto enabled = store_->FindTotp(alice);
  EXPECT_TRUE((*enabled)->enabled);
  EXPECT_EQ((*enabled)->last_step, 100);
  EXPECT_EQ(*store_->RecoveryCodeCount(alice), 2);
  // Enabled: a new enrolment is refused until it is turned off.
  EXPECT_EQ(store_->StartTotp(alice, "sealed-three", 3000).code(), Code::kConflict);
  EXPECT_EQ((*store_->FindTotp(alice))->sealed_seed, "sealed-two");

  ASSERT_TRUE(store_->RemoveTotp(alice).ok());
  EXPECT_FALSE(store_->FindTotp(alice)->has_value());
  EXPECT_EQ(*store_->RecoveryCodeCount(alice), 0);
  EXPECT_FALSE(*store_->EnableTotp(alice, 1, {}));  // nothing pending
}

TEST_P(TwoFactorStoreTest, StartForMissingUserIsNotFound) {
  EXPECT_EQ(store_->StartTotp(999, "sealed", 1).code(), Code::kNotFound);
}

TEST_P(TwoFactorStoreTest, StepIsAcceptedOnceAndNeverBelowTheLast) {
  const int64_t alice = AddUser("alice");
  ASSERT_TRUE(store_->StartTotp(alice, "s", 1).ok());
  ASSERT_TRUE(*store_->EnableTotp(alice, 50, {}));
  EXPECT_FALSE(*store_->AcceptTotpStep(alice, 50));  // the confirming step is spent
  EXPECT_TRUE(*store_->AcceptTotpStep(alice, 51));
  EXPECT_FALSE(*store_->AcceptTotpStep(alice, 51));
  EXPECT_FALSE(*store_->AcceptTotpStep(alice, 49));
  EXPECT_EQ((*store_->FindTotp(alice))->last_step, 51);
  EXPECT_FALSE(*store_->AcceptTotpStep(AddUser("bob"), 52));  // no seed
}

TEST_P(TwoFactorStoreTest, RecoveryCodesWorkOnceAndOnlyForTheirOwner) {
  const int64_t alice = AddUser("alice");
  const int64_t bob = AddUser("bob");
  ASSERT_TRUE(store_->StartTotp(alice, "s", 1).ok());
  ASSERT_TRUE(*store_->EnableTotp(alice, 1, {"a1", "a2", "a3"}));
  EXPECT_FALSE(*store_->TakeRecoveryCode(bob, "a1"));
  EXPECT_TRUE(*store_->TakeRecoveryCode(alice, "a1"));
  EXPECT_FALSE(*store_->TakeRecoveryCode(alice, "a1"));
  EXPECT_EQ(*store_->RecoveryCodeCount(alice), 2);
  ASSERT_TRUE(store_->ReplaceRecoveryCodes(alice, {"b1"}).ok());
  EXPECT_FALSE(*store_->TakeRecoveryCode(alice, "a2"));  // the old set is gone
  EXPECT_EQ(*store_->RecoveryCodeCount(alice), 1);
  // A new enrolment drops the codes of the old one.
  ASSERT_TRUE(store_->RemoveTotp(alice).ok());
  ASSERT_TRUE(store_->StartTotp(alice, "s2", 2).ok());
  ASSERT_TRUE(store_->ReplaceRecoveryCodes(alice, {"c1"}).ok());
  ASSERT_TRUE(store_->StartTotp(alice, "s3", 3).ok());
  EXPECT_EQ(*store_->RecoveryCodeCount(alice), 0);
}

TEST_P(TwoFactorStoreTest, ResealAndWalkSeeds) {
  const int64_t alice = AddUser("alice");
  const int64_t bob = AddUser("bob");
  const int64_t carol = AddUser("carol");
  ASSERT_TRUE(store_->StartTotp(alice, "a", 1).ok());
  ASSERT_TRUE(store_->StartTotp(carol, "c", 1).ok());
  EXPECT_EQ(*store_->TotpUserIdsAfter(0, 10), (std::vector<int64_t>{alice, carol}));
  EXPECT_EQ(*store_->TotpUserIdsAfter(alice, 1), (std::vector<int64_t>{carol}));
  ASSERT_TRUE(store_->ResealTotp(carol, "c2").ok());
  EXPECT_EQ((*store_->FindTotp(carol))->sealed_seed, "c2");
  EXPECT_EQ(store_->ResealTotp(bob, "b").code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, TwoFactorStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
