#include "cluster/redis_address.h"

#include <gtest/gtest.h>

#include <string>

namespace parley::cluster {
namespace {

struct Good {
  const char* url;
  RedisAddress expected;
};

TEST(RedisAddressTest, ParsesGoodUrls) {
  const Good cases[] = {
      {"redis://localhost", {"localhost", 6379, "", "", 0}},
      {"redis://127.0.0.1:6380", {"127.0.0.1", 6380, "", "", 0}},
      {"redis://redis.internal:7000/3", {"redis.internal", 7000, "", "", 3}},
      {"redis://host/", {"host", 6379, "", "", 0}},
      {"redis://host/0", {"host", 6379, "", "", 0}},
      {"redis://:secret@host", {"host", 6379, "", "secret", 0}},
      {"redis://bus:secret@host:1/15", {"host", 1, "bus", "secret", 15}},
      {"redis://[::1]:6380", {"::1", 6380, "", "", 0}},
      {"redis://[::1]", {"::1", 6379, "", "", 0}},
      {"redis://:pw@[fe80::1:2]:65535/2", {"fe80::1:2", 65535, "", "pw", 2}},
      {"redis://[::ffff:10.0.0.1]:6379", {"::ffff:10.0.0.1", 6379, "", "", 0}},
      // Percent-escapes in credentials; ':' after the first belongs to the password; the last
      // '@' ends the credentials.
      {"redis://u%40x:p%2F%3a%25@h", {"h", 6379, "u@x", "p/:%", 0}},
      {"redis://:a:b@h", {"h", 6379, "", "a:b", 0}},
      {"redis://:a@b@h", {"h", 6379, "", "a@b", 0}},
      {"redis://my_host-1.example:6379", {"my_host-1.example", 6379, "", "", 0}},
  };
  for (const Good& c : cases) {
    SCOPED_TRACE(c.url);
    Result<RedisAddress> address = ParseRedisAddress(c.url);
    ASSERT_TRUE(address.ok()) << address.status().message();
    EXPECT_EQ(address->host, c.expected.host);
    EXPECT_EQ(address->port, c.expected.port);
    EXPECT_EQ(address->user, c.expected.user);
    EXPECT_EQ(address->password, c.expected.password);
    EXPECT_EQ(address->db, c.expected.db);
  }
}

TEST(RedisAddressTest, RefusesBadUrlsWithoutQuotingThem) {
  // The secret "hunter2" is in several: no message may contain it.
  const std::string bad[] = {
      "",
      "localhost:6379",
      "http://host",
      "rediss://:hunter2@host",
      "redis://",
      "redis://:6379",
      "redis://host:",
      "redis://host:0",
      "redis://host:65536",
      "redis://host:-1",
      "redis://host:12ab",
      "redis://host:99999999999999999999",
      "redis://host/x",
      "redis://host/-1",
      "redis://host/1/2",
      "redis://host/99999999999",
      "redis://host?db=1",
      "redis://host#x",
      "redis://hunter2@host",
      "redis://user:@host",
      "redis://:hunter2%@host",
      "redis://:hunter2%4@host",
      "redis://:hunter2%zz@host",
      "redis://:hunter2@",
      "redis://:hun/ter2@host",
      "redis://::1:6379",
      "redis://[::1",
      "redis://[]:6379",
      "redis://[127.0.0.1]",
      "redis://[::1]x",
      "redis://[::1]:",
      "redis://[::1%eth0]",
      "redis://ho st",
      "redis://host\n",
      std::string("redis://:hunter2\0@host", 22),
      "redis://h\xc3\xa9st",
      "redis://host,other",
      "redis:///tmp/redis.sock",
  };
  for (const std::string& url : bad) {
    SCOPED_TRACE(url);
    Result<RedisAddress> address = ParseRedisAddress(url);
    ASSERT_FALSE(address.ok());
    EXPECT_EQ(address.status().code(), Code::kInvalidArgument);
    EXPECT_TRUE(address.status().message().starts_with("redis address: "));
    EXPECT_EQ(address.status().message().find("hunter2"), std::string::npos);
  }
}

TEST(RedisAddressTest, EndpointNamesNoSecret) {
  Result<RedisAddress> v4 = ParseRedisAddress("redis://u:hunter2@10.0.0.5:6380/2");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(RedisEndpoint(*v4), "10.0.0.5:6380/2");
  Result<RedisAddress> v6 = ParseRedisAddress("redis://[::1]");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(RedisEndpoint(*v6), "[::1]:6379");
}

}  // namespace
}  // namespace parley::cluster
