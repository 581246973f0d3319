#include "auth/password.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::auth {
namespace {

constexpr PasswordOptions kCost = kMinimalPasswordCostForTests;

TEST(PasswordTest, HashThenVerify) {
  Result<std::string> hash = HashPassword("correct horse", kCost);
  ASSERT_TRUE(hash.ok()) << hash.status().message();
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horsE"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horse "));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(PasswordTest, SaltMakesEveryHashDifferent) {
  Result<std::string> a = HashPassword("same password", kCost);
  Result<std::string> b = HashPassword("same password", kCost);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyPassword(*a, "same password"));
  EXPECT_TRUE(VerifyPassword(*b, "same password"));
}

TEST(PasswordTest, BinaryAndLongPasswords) {
  using namespace std::string_literals;
  const std::string passwords[] = {
      "with\0nul"s,
      "with\0nul\0"s,
      std::string(1024, 'p'),
      std::string(64 * 1024, 'q'),
      "\xF0\x9F\x94\x91\xF0\x9F\x94\x91 emoji key",
  };
  for (const std::string& password : passwords) {
    Result<std::string> hash = HashPassword(password, kCost);
    ASSERT_TRUE(hash.ok());
    EXPECT_TRUE(VerifyPassword(*hash, password));
    // A NUL must not end the password early.
    EXPECT_FALSE(VerifyPassword(*hash, password.substr(0, password.size() - 1)));
  }
}

TEST(PasswordTest, GarbageHashesNeverVerify) {
  using namespace std::string_literals;
  Result<std::string> real = HashPassword("password", kCost);
  ASSERT_TRUE(real.ok());
  const std::string hashes[] = {
      "",
      "password",
      "$argon2id$",
      real->substr(0, real->size() - 4),
      *real + "\0"s,
      *real + "x",
      std::string(200, '$'),
  };
  for (const std::string& hash : hashes) {
    EXPECT_FALSE(VerifyPassword(hash, "password")) << hash;
  }
}

TEST(PasswordTest, RejectsCostOutsideLibsodiumLimits) {
  EXPECT_TRUE(PasswordOptionsValid(PasswordOptions{}));
  EXPECT_TRUE(PasswordOptionsValid(kCost));
  const PasswordOptions bad[] = {
      {.ops_limit = 0, .memory_kib = 8},
      {.ops_limit = 1, .memory_kib = 7},
      {.ops_limit = 1, .memory_kib = SIZE_MAX},
      {.ops_limit = 1, .memory_kib = SIZE_MAX / 1024 + 1},  // would overflow in bytes
  };
  for (const PasswordOptions& options : bad) {
    EXPECT_FALSE(PasswordOptionsValid(options));
    Result<std::string> hash = HashPassword("password", options);
    ASSERT_FALSE(hash.ok());
    EXPECT_EQ(hash.status().code(), Code::kInternal);
  }
}

TEST(PasswordTest, NeedsRehashWhenCostChanges) {
  Result<std::string> hash = HashPassword("password", kCost);
  ASSERT_TRUE(hash.ok());
  EXPECT_FALSE(PasswordNeedsRehash(*hash, kCost));
  EXPECT_TRUE(PasswordNeedsRehash(*hash, {.ops_limit = 2, .memory_kib = 8}));
  EXPECT_TRUE(PasswordNeedsRehash(*hash, {.ops_limit = 1, .memory_kib = 16}));
  EXPECT_TRUE(PasswordNeedsRehash("", kCost));
  EXPECT_TRUE(PasswordNeedsRehash("not a hash", kCost));
}

}  // namespace
}  // namespace parley::auth
