#include "net/redirect.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::net {
namespace {

TEST(RedirectTest, SendsTheSameTargetToHttpsOnTheTlsPort) {
  struct Case {
    const char* host;
    const char* target;
    uint16_t port;
    const char* location;
  };
  for (const Case& c : {
           Case{"chat.example.org", "/", 443, "https://chat.example.org/"},
           Case{"chat.example.org:80", "/chat/42?x=1", 443, "https://chat.example.org/chat/42?x=1"},
           Case{"127.0.0.1:8080", "/api/v1/health", 8443, "https://127.0.0.1:8443/api/v1/health"},
           Case{"[::1]:80", "/ws", 8443, "https://[::1]:8443/ws"},
           Case{"[2001:db8::1]", "/a", 443, "https://[2001:db8::1]/a"},
       }) {
    auto location = HttpsLocation(c.host, c.target, c.port);
    ASSERT_TRUE(location.has_value()) << c.host << c.target;
    EXPECT_EQ(*location, c.location);
  }
}

TEST(RedirectTest, RefusesHostsAndTargetsThatCouldSteerTheRedirect) {
  const std::string long_host(300, 'a');
  for (const std::string host :
       {std::string(""), std::string("a b"), std::string("evil.example/path"),
        std::string("evil.example@good"), std::string("x;y"), std::string("[::1"),
        std::string("h:port"), std::string("h:123456"), std::string("\"q\""), long_host}) {
    EXPECT_FALSE(HttpsLocation(host, "/", 443).has_value()) << host;
  }
  for (const char* target :
       {"", "*", "http://evil.example/", "//evil.example", "/a b", "/a\r\nX: y"}) {
    // "//evil.example" is a path on our host: allowed only because the host is ours.
    const auto location = HttpsLocation("good.example", target, 443);
    if (std::string(target) == "//evil.example") {
      ASSERT_TRUE(location.has_value());
      EXPECT_EQ(*location, "https://good.example//evil.example");
      continue;
    }
    EXPECT_FALSE(location.has_value()) << target;
  }
}

}  // namespace
}  // namespace parley::net
