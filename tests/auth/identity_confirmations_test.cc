// IdentityConfirmations: a proof is for one device and its user, used once, and lasts
// kLifetimeMs; the table stays bounded.
#include "auth/identity_confirmations.h"

#include <gtest/gtest.h>

namespace parley::auth {
namespace {

constexpr int64_t kNow = 1'000'000;

TEST(IdentityConfirmations, AProofIsUsedOnceByItsDeviceAndUser) {
  IdentityConfirmations proofs(16);
  EXPECT_FALSE(proofs.Take(1, 10, kNow));  // none yet
  proofs.Record(1, 10, kNow);
  EXPECT_FALSE(proofs.Take(1, 11, kNow));  // another device
  EXPECT_TRUE(proofs.Take(1, 10, kNow + 1));
  EXPECT_FALSE(proofs.Take(1, 10, kNow + 2));  // used up
  proofs.Record(1, 10, kNow);
  EXPECT_FALSE(proofs.Take(2, 10, kNow));  // another user (a reused device id) ...
  EXPECT_FALSE(proofs.Take(1, 10, kNow));  // ... spends it too
}

TEST(IdentityConfirmations, AProofExpires) {
  IdentityConfirmations proofs(16);
  proofs.Record(1, 10, kNow);
  proofs.Record(1, 11, kNow);
  EXPECT_TRUE(proofs.Take(1, 10, kNow + IdentityConfirmations::kLifetimeMs - 1));
  EXPECT_FALSE(proofs.Take(1, 11, kNow + IdentityConfirmations::kLifetimeMs));
}

TEST(IdentityConfirmations, TheTableIsBoundedOldestFirst) {
  IdentityConfirmations proofs(4);
  for (int64_t device = 1; device <= 5; ++device) proofs.Record(7, device, kNow);
  EXPECT_FALSE(proofs.Take(7, 1, kNow));  // pushed out by the fifth
  for (int64_t device = 2; device <= 5; ++device) EXPECT_TRUE(proofs.Take(7, device, kNow));
}

}  // namespace
}  // namespace parley::auth
