// TOTP and HOTP against the test vectors of RFC 6238 (Appendix B) and RFC 4226 (Appendix D),
// the ±1 step window, and base32 (RFC 4648 section 10).
#include "auth/totp.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::auth {
namespace {

const std::string kSha1Key = "12345678901234567890";
const std::string kSha256Key = "12345678901234567890123456789012";
const std::string kSha512Key = "1234567890123456789012345678901234567890123456789012345678901234";

TEST(TotpTest, Rfc4226HotpVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(HotpCode(kSha1Key, counter), expected[counter]) << counter;
  }
}

TEST(TotpTest, Rfc6238Vectors) {
  struct Vector {
    int64_t time;
    const char* sha1;
    const char* sha256;
    const char* sha512;
  };
  const Vector vectors[] = {
      {59, "94287082", "46119246", "90693936"},
      {1111111109, "07081804", "68084774", "25091201"},
      {1111111111, "14050471", "67062674", "99943326"},
      {1234567890, "89005924", "91819424", "93441116"},
      {2000000000, "69279037", "90698825", "38618901"},
      {20000000000, "65353130", "77737706", "47863826"},
  };
  for (const Vector& v : vectors) {
    EXPECT_EQ(TotpCode(kSha1Key, v.time, 8, TotpHash::kSha1), v.sha1) << v.time;
    EXPECT_EQ(TotpCode(kSha256Key, v.time, 8, TotpHash::kSha256), v.sha256) << v.time;
    EXPECT_EQ(TotpCode(kSha512Key, v.time, 8, TotpHash::kSha512), v.sha512) << v.time;
  }
}

TEST(TotpTest, MatchAcceptsOneStepEitherWayAndSaysWhich) {
  const int64_t now = 1111111111;  // step 37037037
  const int64_t step = TotpStep(now);
  EXPECT_EQ(step, 37037037);
  EXPECT_EQ(MatchTotp(kSha1Key, TotpCode(kSha1Key, now), now), step);
  EXPECT_EQ(MatchTotp(kSha1Key, TotpCode(kSha1Key, now - 30), now), step - 1);
  EXPECT_EQ(MatchTotp(kSha1Key, TotpCode(kSha1Key, now + 30), now), step + 1);
  EXPECT_FALSE(MatchTotp(kSha1Key, TotpCode(kSha1Key, now - 60), now));
  EXPECT_FALSE(MatchTotp(kSha1Key, TotpCode(kSha1Key, now + 60), now));
  for (const char* bad : {"", "12345", "1234567", "abcdef", "12345\n"}) {
    EXPECT_FALSE(MatchTotp(kSha1Key, bad, now)) << bad;
  }
  EXPECT_FALSE(MatchTotp("another key of twenty", TotpCode(kSha1Key, now), now));
}

TEST(TotpTest, Base32RoundTripsAndRefusesOtherCharacters) {
  // RFC 4648 section 10, without padding.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "MY"},
                                                         {"fo", "MZXQ"},
                                                         {"foo", "MZXW6"},
                                                         {"foob", "MZXW6YQ"},
                                                         {"fooba", "MZXW6YTB"},
                                                         {"foobar", "MZXW6YTBOI"}};
  for (const auto& [raw, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(raw), encoded);
    EXPECT_EQ(*Base32Decode(encoded), raw);
  }
  EXPECT_EQ(*Base32Decode("mzxw 6ytb oi======"), "foobar");
  for (const char* bad : {"MZXW1", "MZ-W6", "MZ\nXW"}) {
    EXPECT_EQ(Base32Decode(bad).status().code(), Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace parley::auth
