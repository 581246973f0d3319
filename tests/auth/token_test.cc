#include "auth/token.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace parley::auth {
namespace {

TEST(TokenTest, ShapeIsPrefixAndBase64Url) {
  for (int i = 0; i < 100; ++i) {
    const std::string token = NewToken();
    EXPECT_EQ(token.size(), kTokenLength);
    EXPECT_TRUE(token.starts_with("pt_"));
    EXPECT_TRUE(IsWellFormedToken(token)) << token;
    EXPECT_EQ(token.find('='), std::string::npos);
    EXPECT_EQ(token.find('+'), std::string::npos);
    EXPECT_EQ(token.find('/'), std::string::npos);
  }
}

TEST(TokenTest, TokensAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(NewToken()).second);
}

TEST(TokenTest, HashIsRawSha256) {
  // SHA-256("abc"), FIPS 180-2 test vector.
  const unsigned char expected[32] = {
      0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
      0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
      0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
  };
  EXPECT_EQ(TokenHash("abc"), std::string(reinterpret_cast<const char*>(expected), 32));
  const std::string token = NewToken();
  EXPECT_EQ(TokenHash(token).size(), 32u);
  EXPECT_EQ(TokenHash(token), TokenHash(token));
  EXPECT_NE(TokenHash(token), TokenHash(NewToken()));
}

TEST(TokenTest, RejectsMalformedTokens) {
  const std::string good = NewToken();
  const std::string bad[] = {
      "",
      "pt_",
      good.substr(0, good.size() - 1),
      good + "A",
      "xx_" + good.substr(3),
      "PT_" + good.substr(3),
      good.substr(0, 10) + "=" + good.substr(11),
      good.substr(0, 10) + "/" + good.substr(11),
      good.substr(0, 10) + std::string(1, '\0') + good.substr(11),
      good.substr(0, 10) + "\xC3" + good.substr(11),
      std::string(10 * 1024, 'a'),
  };
  for (const std::string& token : bad) EXPECT_FALSE(IsWellFormedToken(token)) << token;
}

}  // namespace
}  // namespace parley::auth
