// Store conformance suite for account e-mail addresses and single-use tokens (store.h,
// "e-mail addresses and single-use tokens"). Every Store implementation must pass every TEST_P.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "store/store.h"
#include "tests/store/backends.h"

namespace parley::store {
namespace {

class AccountStoreTest : public BackendTest {
 protected:
  OneTimeToken Token(std::string hash, int64_t user_id, TokenPurpose purpose,
                     int64_t expires_at = 10'000) {
    return OneTimeToken{std::move(hash), user_id, purpose, "a@example.org", 1000, expires_at};
  }
};

TEST_P(AccountStoreTest, EmailIsSetUnverifiedThenVerifiedThenRemoved) {
  const int64_t alice = AddUser("alice");
  EXPECT_FALSE(store_->FindEmail(alice)->has_value());
  ASSERT_TRUE(store_->SetEmail(alice, "Alice@Example.org", 2000).ok());
  auto email = store_->FindEmail(alice);
  ASSERT_TRUE(email.ok() && email->has_value());
  EXPECT_EQ((*email)->address, "Alice@Example.org");
  EXPECT_FALSE((*email)->verified);
  EXPECT_EQ((*email)->changed_at, 2000);
  EXPECT_FALSE(store_->UserWithVerifiedEmail("alice@example.org")->has_value());

  EXPECT_FALSE(*store_->MarkEmailVerified(alice, "other@example.org"));
  EXPECT_FALSE(*store_->MarkEmailVerified(alice, "alice@example.org"));  // exact spelling only
  EXPECT_TRUE(*store_->MarkEmailVerified(alice, "Alice@Example.org"));
  EXPECT_TRUE((*store_->FindEmail(alice))->verified);
  EXPECT_EQ(store_->UserWithVerifiedEmail("ALICE@example.ORG")->value_or(0), alice);

  ASSERT_TRUE(store_->SetEmail(alice, "new@example.org", 3000).ok());
  EXPECT_FALSE((*store_->FindEmail(alice))->verified);  // a new address starts unverified
  EXPECT_FALSE(store_->UserWithVerifiedEmail("alice@example.org")->has_value());
  ASSERT_TRUE(store_->SetEmail(alice, "", 4000).ok());
  EXPECT_FALSE(store_->FindEmail(alice)->has_value());
  EXPECT_EQ(store_->SetEmail(9999, "x@example.org", 1).code(), Code::kNotFound);
}

TEST_P(AccountStoreTest, ScramCredentialsAreStoredReplacedAndDroppedWithThePassword) {
  const int64_t alice = AddUser("alice");
  EXPECT_FALSE(store_->FindScramCredentials(alice)->has_value());
  const ScramCredentials first{std::string("salt\0\xFF", 6), 4096, std::string(32, '\x01'),
                               std::string(32, '\x02')};
  ASSERT_TRUE(store_->SetScramCredentials(alice, first).ok());
  auto found = store_->FindScramCredentials(alice);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->salt, first.salt);  // bytes, NUL included
  EXPECT_EQ((*found)->iterations, 4096);
  EXPECT_EQ((*found)->stored_key, first.stored_key);
  EXPECT_EQ((*found)->server_key, first.server_key);
  ScramCredentials second = first;
  second.iterations = 8192;
  ASSERT_TRUE(store_->SetScramCredentials(alice, second).ok());
  EXPECT_EQ((*store_->FindScramCredentials(alice))->iterations, 8192);
  EXPECT_EQ(store_->SetScramCredentials(9999, first).code(), Code::kNotFound);
  // A new password hash makes them stale: they go with it.
  ASSERT_TRUE(store_->SetPasswordHash(alice, "new hash").ok());
  EXPECT_FALSE(store_->FindScramCredentials(alice)->has_value());
}

TEST_P(AccountStoreTest, OnlyOneAccountHoldsAnAddressVerified) {
  const int64_t alice = AddUser("alice"), bob = AddUser("bob");
  ASSERT_TRUE(store_->SetEmail(alice, "shared@example.org", 1).ok());
  ASSERT_TRUE(store_->SetEmail(bob, "shared@example.org", 1).ok());  // unverified: allowed
  EXPECT_TRUE(*store_->MarkEmailVerified(alice, "shared@example.org"));
  EXPECT_EQ(store_->MarkEmailVerified(bob, "shared@example.org").status().code(), Code::kConflict);
  EXPECT_EQ(store_->UserWithVerifiedEmail("shared@example.org")->value_or(0), alice);
}

TEST_P(AccountStoreTest, TokenIsTakenOnceAndOnlyForItsPurposeBeforeExpiry) {
  const int64_t alice = AddUser("alice");
  ASSERT_TRUE(store_->AddToken(Token("h1", alice, TokenPurpose::kResetPassword)).ok());
  EXPECT_EQ(store_->AddToken(Token("h1", alice, TokenPurpose::kResetPassword)).code(),
            Code::kConflict);
  EXPECT_FALSE(store_->TakeToken("h1", TokenPurpose::kVerifyEmail, 2000)->has_value());
  auto taken = store_->TakeToken("h1", TokenPurpose::kResetPassword, 2000);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ((*taken)->user_id, alice);
  EXPECT_EQ((*taken)->address, "a@example.org");
  EXPECT_EQ((*taken)->expires_at, 10'000);
  EXPECT_FALSE(store_->TakeToken("h1", TokenPurpose::kResetPassword, 2000)->has_value());

  ASSERT_TRUE(store_->AddToken(Token("h2", alice, TokenPurpose::kResetPassword, 5000)).ok());
  EXPECT_FALSE(store_->TakeToken("h2", TokenPurpose::kResetPassword, 5000)->has_value());
  EXPECT_FALSE(store_->TakeToken("h2", TokenPurpose::kResetPassword, 1000)->has_value())
      << "an expired token is gone even for an earlier clock";
  EXPECT_EQ(store_->AddToken(Token("h3", 9999, TokenPurpose::kResetPassword)).code(),
            Code::kNotFound);
}

TEST_P(AccountStoreTest, RemovingTokensAndChangingTheAddressDropTheirTokens) {
  const int64_t alice = AddUser("alice"), bob = AddUser("bob");
  ASSERT_TRUE(store_->AddToken(Token("r1", alice, TokenPurpose::kResetPassword)).ok());
  ASSERT_TRUE(store_->AddToken(Token("r2", bob, TokenPurpose::kResetPassword)).ok());
  ASSERT_TRUE(store_->AddToken(Token("v1", alice, TokenPurpose::kVerifyEmail)).ok());
  ASSERT_TRUE(store_->RemoveTokens(alice, TokenPurpose::kResetPassword).ok());
  EXPECT_FALSE(store_->TakeToken("r1", TokenPurpose::kResetPassword, 2000)->has_value());
  EXPECT_TRUE(store_->TakeToken("r2", TokenPurpose::kResetPassword, 2000)->has_value());
  ASSERT_TRUE(store_->SetEmail(alice, "b@example.org", 2000).ok());
  EXPECT_FALSE(store_->TakeToken("v1", TokenPurpose::kVerifyEmail, 2000)->has_value());
}

TEST_P(AccountStoreTest, AddingATokenDropsTheUsersExpiredOnes) {
  const int64_t alice = AddUser("alice");
  ASSERT_TRUE(store_->AddToken(Token("old", alice, TokenPurpose::kResetPassword, 1500)).ok());
  OneTimeToken fresh = Token("new", alice, TokenPurpose::kResetPassword, 9000);
  fresh.created_at = 2000;
  ASSERT_TRUE(store_->AddToken(fresh).ok());
  // Taken with a clock before its expiry, "old" would still answer, had it not been dropped.
  EXPECT_FALSE(store_->TakeToken("old", TokenPurpose::kResetPassword, 1000)->has_value());
  EXPECT_TRUE(store_->TakeToken("new", TokenPurpose::kResetPassword, 2000)->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountStoreTest, AllBackends(), BackendName);

}  // namespace
}  // namespace parley::store
