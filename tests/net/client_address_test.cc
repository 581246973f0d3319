// Client addresses behind trusted proxies (net/client_address.h): CIDR parsing, the two
// forwarding-header parsers on well-formed, malformed and hostile values, the right-to-left walk,
// and the /64 grouping of IPv6 limit keys.
#include "net/client_address.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace parley::net {
namespace {

IpAddress Ip(const std::string& text) { return boost::asio::ip::make_address(text); }

// "-" for a hop that is not an address, else the address.
std::vector<std::string> Show(const Hops& hops) {
  std::vector<std::string> shown;
  for (const auto& hop : hops) shown.push_back(hop ? hop->to_string() : "-");
  return shown;
}

ProxyTrust Trust(std::vector<std::string> ranges,
                 ForwardedHeader header = ForwardedHeader::kXForwardedFor) {
  ProxyTrust trust;
  trust.header = header;
  for (const std::string& range : ranges) {
    auto parsed = ParseCidr(range);
    EXPECT_TRUE(parsed.ok()) << range;
    if (parsed.ok()) trust.proxies.push_back(*parsed);
  }
  return trust;
}

TEST(ClientAddressTest, ParsesCidrs) {
  struct Case {
    std::string text;
    std::string network;  // empty: refused
    int prefix;
  };
  const std::vector<Case> cases = {
      {"10.0.0.0/8", "10.0.0.0", 8},
      {"10.1.2.3/8", "10.0.0.0", 8},  // host bits are cleared
      {"192.0.2.7", "192.0.2.7", 32},
      {"0.0.0.0/0", "0.0.0.0", 0},
      {"2001:db8::/32", "2001:db8::", 32},
      {"2001:db8:1:2:3:4:5:6/64", "2001:db8:1:2::", 64},
      {"::1", "::1", 128},
      {"::ffff:192.0.2.1", "192.0.2.1", 32},  // mapped IPv4 is IPv4
      {"", "", 0},
      {"/8", "", 0},
      {"10.0.0.0/", "", 0},
      {"10.0.0.0/33", "", 0},
      {"10.0.0.0/-1", "", 0},
      {"10.0.0.0/8x", "", 0},
      {"10.0.0.0/0008", "", 0},
      {"2001:db8::/129", "", 0},
      {"10.0.0", "", 0},
      {"010.0.0.1", "", 0},
      {"fe80::1%eth0", "", 0},
      {"proxy.example/32", "", 0},
      {"10.0.0.0/8/8", "", 0},
  };
  for (const Case& c : cases) {
    auto range = ParseCidr(c.text);
    if (c.network.empty()) {
      EXPECT_FALSE(range.ok()) << c.text;
      continue;
    }
    ASSERT_TRUE(range.ok()) << c.text << ": " << range.status().message();
    EXPECT_EQ(range->network.to_string(), c.network) << c.text;
    EXPECT_EQ(range->prefix_length, c.prefix) << c.text;
  }
}

TEST(ClientAddressTest, CidrContains) {
  struct Case {
    std::string range, address;
    bool inside;
  };
  const std::vector<Case> cases = {
      {"10.0.0.0/8", "10.255.1.2", true},      {"10.0.0.0/8", "11.0.0.1", false},
      {"192.0.2.7", "192.0.2.7", true},        {"192.0.2.7", "192.0.2.8", false},
      {"0.0.0.0/0", "203.0.113.9", true},      {"0.0.0.0/0", "2001:db8::1", false},
      {"10.0.0.0/8", "::ffff:10.0.0.1", true}, {"2001:db8::/32", "2001:db8:ffff::1", true},
      {"2001:db8::/32", "2001:db9::1", false}, {"::/0", "10.0.0.1", false},
      {"fd00::/8", "fdff::1", true},           {"2001:db8::/33", "2001:db8:8000::", false},
  };
  for (const Case& c : cases) {
    auto range = ParseCidr(c.range);
    ASSERT_TRUE(range.ok()) << c.range;
    EXPECT_EQ(CidrContains(*range, Ip(c.address)), c.inside) << c.range << " " << c.address;
  }
}

TEST(ClientAddressTest, ParsesXForwardedFor) {
  struct Case {
    std::string header;
    std::vector<std::string> hops;
  };
  const std::vector<Case> cases = {
      {"203.0.113.7", {"203.0.113.7"}},
      {"203.0.113.7, 198.51.100.2", {"203.0.113.7", "198.51.100.2"}},
      {"203.0.113.7,198.51.100.2", {"203.0.113.7", "198.51.100.2"}},
      {"  2001:db8::1 ,\t203.0.113.7  ", {"2001:db8::1", "203.0.113.7"}},
      {"[2001:db8::1]:443", {"2001:db8::1"}},
      {"[2001:db8::1]", {"2001:db8::1"}},
      {"203.0.113.7:8080", {"203.0.113.7"}},
      {"", {"-"}},
      {",", {"-", "-"}},
      {"unknown, 203.0.113.7", {"-", "203.0.113.7"}},
      {"203.0.113.7:", {"-"}},
      {"203.0.113.7:99999", {"-"}},
      {"203.0.113.7:80:80", {"-"}},
      {"[2001:db8::1", {"-"}},
      {"[203.0.113.7]", {"-"}},
      {"[2001:db8::1]x", {"-"}},
      {"203.0.113", {"-"}},
      {"203.0.113.7.1", {"-"}},
      {"0x7f.0.0.1", {"-"}},
      {"fe80::1%eth0", {"-"}},
      {"203.0.113.7 198.51.100.2", {"-"}},
      {"\"203.0.113.7\"", {"-"}},
      {"for=203.0.113.7", {"-"}},
      {std::string("203.0.113.7\0", 12), {"-"}},
      {"évil, 203.0.113.7", {"-", "203.0.113.7"}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Show(ParseXForwardedFor(c.header)), c.hops) << c.header;
  }
}

TEST(ClientAddressTest, ParsesForwarded) {
  struct Case {
    std::string header;
    std::vector<std::string> hops;
  };
  const std::vector<Case> cases = {
      {"for=192.0.2.60;proto=http;by=203.0.113.43", {"192.0.2.60"}},
      {"For=\"[2001:db8:cafe::17]:4711\"", {"2001:db8:cafe::17"}},
      {"for=192.0.2.43, for=198.51.100.17", {"192.0.2.43", "198.51.100.17"}},
      {"proto=https; for=192.0.2.43 ;by=10.0.0.1", {"192.0.2.43"}},
      {"for=\"192.0.2.43:8080\"", {"192.0.2.43"}},
      {"for=\"[2001:db8::1]:_port\"", {"2001:db8::1"}},
      {"for=\"\\[2001:db8::1\\]\"", {"2001:db8::1"}},  // quoted-pair escapes are undone
      {"for=unknown", {"-"}},
      {"for=_hidden, for=192.0.2.1", {"-", "192.0.2.1"}},
      {"for=2001:db8::1", {"-"}},  // IPv6 must be bracketed
      {"proto=http", {"-"}},
      {"for=192.0.2.1;for=192.0.2.2", {"-"}},  // two `for` in one element
      {"for=\"192.0.2.1", {"-"}},
      {"for=\"192.0.2.1\"x\"", {"-"}},
      {"for=\"\\\"", {"-"}},
      {"for=", {"-"}},
      {"=192.0.2.1", {"-"}},
      {"", {"-"}},
      // A client's open quote cannot swallow what the proxy appends after it.
      {"for=\"evil, for=198.51.100.17", {"-", "198.51.100.17"}},
      {"for=\"1.2.3.4,for=5.6.7.8\", for=198.51.100.17", {"-", "-", "198.51.100.17"}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Show(ParseForwarded(c.header)), c.hops) << c.header;
  }
}

TEST(ClientAddressTest, KeepsOnlyTheRightmostHops) {
  std::string header;
  for (int i = 0; i < 1000; ++i) header += "10.0.0." + std::to_string(i % 250) + ", ";
  header += "203.0.113.7";
  Hops hops = ParseXForwardedFor(header);
  ASSERT_EQ(hops.size(), kMaxHops);
  ASSERT_TRUE(hops.back().has_value());
  EXPECT_EQ(hops.back()->to_string(), "203.0.113.7");
}

TEST(ClientAddressTest, WalksFromTheRightPastTrustedProxies) {
  const ProxyTrust proxies = Trust({"10.0.0.0/8", "2001:db8:ffff::/48"});
  struct Case {
    std::string peer;
    std::vector<std::string_view> fields;
    std::string client;
  };
  const std::vector<Case> cases = {
      // No header, or an untrusted peer: the peer, whatever it claims.
      {"10.0.0.1", {}, "10.0.0.1"},
      {"203.0.113.9", {"198.51.100.1"}, "203.0.113.9"},
      {"::ffff:203.0.113.9", {"198.51.100.1"}, "203.0.113.9"},
      // One proxy.
      {"10.0.0.1", {"198.51.100.1"}, "198.51.100.1"},
      {"::ffff:10.0.0.1", {"198.51.100.1"}, "198.51.100.1"},
      // What the client wrote sits left of what the proxy appended: never reached.
      {"10.0.0.1", {"1.2.3.4, 198.51.100.1"}, "198.51.100.1"},
      {"10.0.0.1", {"garbage, 198.51.100.1"}, "198.51.100.1"},
      // A chain of trusted proxies, in one field or across several.
      {"10.0.0.1", {"198.51.100.1, 10.0.0.2, 10.9.9.9"}, "198.51.100.1"},
      {"10.0.0.1", {"1.2.3.4, 198.51.100.1", "10.0.0.2"}, "198.51.100.1"},
      {"2001:db8:ffff::1", {"2001:db8:1::5, 2001:db8:ffff:1::1"}, "2001:db8:1::5"},
      // The proxy does not know the client: the proxy is the client.
      {"10.0.0.1", {"unknown"}, "10.0.0.1"},
      {"10.0.0.1", {"198.51.100.1, 10.0.0.2, garbage"}, "10.0.0.1"},
      {"10.0.0.1", {"198.51.100.1, garbage, 10.0.0.2"}, "10.0.0.2"},
      {"10.0.0.1", {""}, "10.0.0.1"},
      // Every hop trusted: the leftmost one.
      {"10.0.0.1", {"10.0.0.3, 10.0.0.2"}, "10.0.0.3"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ClientAddress(Ip(c.peer), c.fields, proxies).to_string(), c.client)
        << c.peer << " " << (c.fields.empty() ? "" : c.fields.back());
  }
  // Nothing trusted: headers are ignored even from loopback.
  EXPECT_EQ(ClientAddress(Ip("127.0.0.1"), {"198.51.100.1"}, ProxyTrust()).to_string(),
            "127.0.0.1");
}

TEST(ClientAddressTest, ReadsOnlyTheConfiguredHeader) {
  const ProxyTrust forwarded = Trust({"127.0.0.0/8"}, ForwardedHeader::kForwarded);
  EXPECT_EQ(ClientAddress(Ip("127.0.0.1"), {"for=198.51.100.1;proto=https"}, forwarded).to_string(),
            "198.51.100.1");
  // An X-Forwarded-For value read as Forwarded is no address: the proxy stays the client.
  EXPECT_EQ(ClientAddress(Ip("127.0.0.1"), {"198.51.100.1"}, forwarded).to_string(), "127.0.0.1");

  Request request;
  request.set("X-Forwarded-For", "203.0.113.1");
  request.set("Forwarded", "for=198.51.100.1");
  const ProxyTrust xff = Trust({"127.0.0.0/8"});
  EXPECT_EQ(RequestClientKey(Ip("127.0.0.1"), request, xff), "203.0.113.1");
  EXPECT_EQ(RequestClientKey(Ip("127.0.0.1"), request, forwarded), "198.51.100.1");
  EXPECT_EQ(RequestClientKey(std::nullopt, request, xff), "");
  // Repeated header lines are one list, in the order received.
  Request repeated;
  repeated.insert("X-Forwarded-For", "1.2.3.4");
  repeated.insert("X-Forwarded-For", "203.0.113.2");
  EXPECT_EQ(RequestClientKey(Ip("127.0.0.1"), repeated, xff), "203.0.113.2");
}

TEST(ClientAddressTest, LimitKeysGroupIpv6By64) {
  struct Case {
    std::string address, key;
  };
  const std::vector<Case> cases = {
      {"203.0.113.7", "203.0.113.7"},
      {"::ffff:203.0.113.7", "203.0.113.7"},
      {"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
      {"2001:db8:1:2::ffff", "2001:db8:1:2::/64"},
      {"2001:db8:1:3::1", "2001:db8:1:3::/64"},
      {"::1", "::/64"},
  };
  for (const Case& c : cases) EXPECT_EQ(AddressLimitKey(Ip(c.address)), c.key) << c.address;
}

}  // namespace
}  // namespace parley::net
