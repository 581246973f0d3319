// Signature V4 against the examples AWS publishes (Amazon S3 API Reference, "Signature
// Calculations for the Authorization Header" and "Authenticating Requests: Using Query
// Parameters"), so a signature s3rver does not check is still known right.
#include "media/sigv4.h"

#include <gtest/gtest.h>

namespace parley::media {
namespace {

const S3Credentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                             "us-east-1"};
constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

TEST(SigV4, GetObjectWithRangeMatchesTheAwsExample) {
  SignedRequest request{"GET",
                        "/test.txt",
                        {},
                        {{"Host", "examplebucket.s3.amazonaws.com"},
                         {"Range", "bytes=0-9"},
                         {"x-amz-content-sha256", kEmptySha256},
                         {"x-amz-date", "20130524T000000Z"}},
                        kEmptySha256};
  EXPECT_EQ(AuthorizationHeader(kExample, request, "20130524T000000Z"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, PresignedGetMatchesTheAwsExample) {
  SignedRequest request{"GET", "/test.txt", {}, {{"host", "examplebucket.s3.amazonaws.com"}}, ""};
  EXPECT_EQ(PresignedQuery(kExample, request, "20130524T000000Z", 86400),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2F"
            "us-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&"
            "X-Amz-SignedHeaders=host&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4, EncodingAndDigests) {
  EXPECT_EQ(UriEncode("a b/c~d*e", true), "a%20b/c~d%2Ae");
  EXPECT_EQ(UriEncode("a b/c", false), "a%20b%2Fc");
  EXPECT_EQ(UriEncode("\xe1\x88\xb4", true), "%E1%88%B4");
  EXPECT_EQ(Sha256Hex(""), kEmptySha256);
  EXPECT_EQ(Md5Hex(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Md5Base64(""), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(AmzDate(1369353600), "20130524T000000Z");
}

}  // namespace
}  // namespace parley::media
