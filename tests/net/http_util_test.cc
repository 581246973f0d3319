#include "net/http_util.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace parley::net {
namespace {

TEST(HttpUtilTest, ParsesPathSegmentsAndQuery) {
  auto target = ParseTarget("/api/v1/conversations/3/messages?before=10&limit=5&x=a%20b&flag");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(target->segments,
            (std::vector<std::string>{"api", "v1", "conversations", "3", "messages"}));
  EXPECT_EQ(target->query.at("before"), "10");
  EXPECT_EQ(target->query.at("limit"), "5");
  EXPECT_EQ(target->query.at("x"), "a b");
  EXPECT_EQ(target->query.at("flag"), "");
  auto slashes = ParseTarget("//api//v1/");
  ASSERT_TRUE(slashes.ok());
  EXPECT_EQ(slashes->segments, (std::vector<std::string>{"api", "v1"}));
}

TEST(HttpUtilTest, RejectsBadTargets) {
  for (const char* bad : {"", "api/v1", "http://host/x", "/a%", "/a%2", "/a%zz", "/?q=%g1"}) {
    auto target = ParseTarget(bad);
    ASSERT_FALSE(target.ok()) << bad;
    EXPECT_EQ(target.status().code(), Code::kMalformed);
  }
}

TEST(HttpUtilTest, ParseIntIsStrict) {
  EXPECT_EQ(ParseInt("42").value(), 42);
  EXPECT_EQ(ParseInt("-7").value(), -7);
  for (const char* bad : {"", " 1", "1 ", "1x", "0x10", "99999999999999999999", "+"}) {
    EXPECT_FALSE(ParseInt(bad).has_value()) << bad;
  }
}

TEST(HttpUtilTest, BearerToken) {
  Request request;
  EXPECT_EQ(BearerToken(request), "");
  request.set(boost::beast::http::field::authorization, "Bearer pt_abc");
  EXPECT_EQ(BearerToken(request), "pt_abc");
  request.set(boost::beast::http::field::authorization, "Basic abc");
  EXPECT_EQ(BearerToken(request), "");
  request.set(boost::beast::http::field::authorization, "Bearer ");
  EXPECT_EQ(BearerToken(request), "");
}

TEST(HttpUtilTest, RandomTargetsNeverCrash) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = 0; i < 20000; ++i) {
    std::string target = "/";
    const int length = std::uniform_int_distribution<int>(0, 40)(rng);
    for (int j = 0; j < length; ++j) target.push_back(static_cast<char>(byte(rng)));
    auto parsed = ParseTarget(target);
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), Code::kMalformed);
    }
  }
}

// The WebSocket origins in connect-src come from the Host header only when it cannot change
// the policy's meaning.
TEST(HttpUtilTest, WebAppPolicyNamesOnlyPlainHosts) {
  struct Case {
    const char* host;
    const char* connect;
  };
  const Case cases[] = {
      {"localhost", "'self' ws://localhost wss://localhost"},
      {"127.0.0.1:8080", "'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080"},
      {"chat.example-1.org", "'self' ws://chat.example-1.org wss://chat.example-1.org"},
      {"[::1]", "'self' ws://[::1] wss://[::1]"},
      {"[2001:db8::7]:443", "'self' ws://[2001:db8::7]:443 wss://[2001:db8::7]:443"},
      {"", "'self'"},
      {"a b", "'self'"},
      {"x; script-src *", "'self'"},
      {"x,y", "'self'"},
      {"x:", "'self'"},
      {"x:80:80", "'self'"},
      {"x:123456", "'self'"},
      {":80", "'self'"},
      {"[::1", "'self'"},
      {"[]", "'self'"},
      {"[::1]x", "'self'"},
      {"[x]", "'self'"},
      {"x/y", "'self'"},
      {"'self'", "'self'"},
      {"*", "'self'"},
  };
  for (const Case& test : cases) {
    const std::string policy = WebAppPolicy(test.host);
    EXPECT_NE(policy.find(std::string("; connect-src ") + test.connect + "; "), std::string::npos)
        << test.host << " -> " << policy;
  }
  EXPECT_EQ(WebAppPolicy(std::string(300, 'a')).find("ws://"), std::string::npos);
}

// The bucket media downloads redirect to is one more origin the app may fetch from, and only
// fetch: scripts, images and the rest stay this origin's.
TEST(HttpUtilTest, WebAppPolicyAdmitsTheMediaBucketForFetchesOnly) {
  const std::string policy = WebAppPolicy("chat.example.org", "https://media.s3.example.com");
  EXPECT_NE(policy.find("; connect-src 'self' ws://chat.example.org wss://chat.example.org "
                        "https://media.s3.example.com; "),
            std::string::npos)
      << policy;
  EXPECT_EQ(policy.find("media.s3"), policy.rfind("media.s3")) << policy;
}

}  // namespace
}  // namespace parley::net
