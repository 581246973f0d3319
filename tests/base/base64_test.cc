// Unit tests of base64 in both forms (base/base64.h).
#include "base/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace parley {
namespace {

TEST(Base64Test, UrlRoundTripsAndRefusesOtherAlphabets) {
  for (std::string bytes : {std::string(""), std::string("f"), std::string("fo"),
                            std::string("foo"), std::string("\xff\xfe\x00\x01", 4)}) {
    EXPECT_EQ(*Base64UrlDecode(Base64UrlEncode(bytes)), bytes);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_FALSE(Base64UrlDecode("ab+/").has_value());
  EXPECT_FALSE(Base64UrlDecode("a").has_value());
  EXPECT_EQ(*Base64UrlDecode("Zm8="), "fo");  // padding tolerated
}

TEST(Base64Test, StandardIsPaddedAndStrict) {
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(*Base64Decode("Zm9v"), "foo");
  EXPECT_FALSE(Base64Decode("Zm8").has_value());    // padding required
  EXPECT_FALSE(Base64Decode("-_8=").has_value());   // the url alphabet is another form
  EXPECT_FALSE(Base64Decode("Zm9v ").has_value());  // no whitespace
}

}  // namespace
}  // namespace parley
