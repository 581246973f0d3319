#include "proto/http_requests.h"

#include <gtest/gtest.h>

namespace parley::proto {
namespace {

TEST(HttpRequestsTest, DecodesBodies) {
  auto reg = DecodeRegister(R"({"username":"alice","password":"correct horse"})");
  ASSERT_TRUE(reg.ok());
  EXPECT_EQ(reg->username, "alice");
  EXPECT_FALSE(reg->display_name.has_value());
  auto login = DecodeLogin(R"({"username":"a","password":"b","device":"cli"})");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->device, "cli");
  auto password = DecodePassword(R"({"old_password":"a","new_password":"b"})");
  ASSERT_TRUE(password.ok());
  EXPECT_EQ(password->new_password, "b");
}

TEST(HttpRequestsTest, RejectsMalformedBodies) {
  const char* bad[] = {
      "",
      "{}",
      "[]",
      R"({"username":"a"})",
      R"({"username":1,"password":"b"})",
      R"({"username":"a","password":"b","display_name":5})",
      "{\"username\":\"\xff\",\"password\":\"b\"}",
  };
  for (const char* body : bad) {
    auto decoded = DecodeRegister(body);
    ASSERT_FALSE(decoded.ok()) << body;
    EXPECT_EQ(decoded.status().code(), Code::kMalformed) << body;
  }
}

}  // namespace
}  // namespace parley::proto
