// The e-mail and password-reset bodies (proto/account_bodies.h): decoding, the shape errors
// (kMalformed) and the response body.
#include "proto/account_bodies.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::proto {
namespace {

TEST(AccountBodiesTest, DecodesBodies) {
  auto set = DecodeSetEmail(R"({"email":"a@example.org","password":"pw"})");
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->email, "a@example.org");
  EXPECT_EQ(set->password, "pw");
  EXPECT_EQ(DecodeSetEmail(R"({"email":null,"password":"pw"})")->email, "");
  EXPECT_EQ(DecodeSetEmail(R"({"email":"","password":"pw"})")->email, "");
  EXPECT_EQ(*DecodeVerifyEmail(R"({"token":"pt_x"})"), "pt_x");
  EXPECT_EQ(*DecodeResetRequest(R"({"account":"alice"})"), "alice");
  auto confirm = DecodeResetConfirm(R"({"token":"pt_x","new_password":"battery staple"})");
  ASSERT_TRUE(confirm.ok());
  EXPECT_EQ(confirm->token, "pt_x");
  EXPECT_EQ(confirm->new_password, "battery staple");
}

TEST(AccountBodiesTest, RejectsMalformedBodies) {
  for (const char* body : {"", "[]", "{}", R"({"password":"pw"})", R"({"email":1,"password":"pw"})",
                           R"({"email":"a@b.org"})", R"({"email":"a@b.org","password":null})",
                           "{\"email\":\"\xff@b.org\",\"password\":\"pw\"}"}) {
    EXPECT_EQ(DecodeSetEmail(body).status().code(), Code::kMalformed) << body;
  }
  for (const char* body : {"", "nope", R"({"token":7})", R"({"token":null})", R"({"tok":"x"})"}) {
    EXPECT_EQ(DecodeVerifyEmail(body).status().code(), Code::kMalformed) << body;
  }
  for (const char* body : {"", R"({"account":["a"]})", R"({"account":{}})", R"({})"}) {
    EXPECT_EQ(DecodeResetRequest(body).status().code(), Code::kMalformed) << body;
  }
  for (const char* body : {R"({"token":"x"})", R"({"new_password":"x"})",
                           R"({"token":"x","new_password":1})"}) {
    EXPECT_EQ(DecodeResetConfirm(body).status().code(), Code::kMalformed) << body;
  }
}

TEST(AccountBodiesTest, EmailBody) {
  EXPECT_EQ(EmailBody("a@example.org", true), R"({"email":"a@example.org","verified":true})");
  EXPECT_EQ(EmailBody("", false), R"({"email":null,"verified":false})");
}

}  // namespace
}  // namespace parley::proto
