// The SSRF guard of push/http_client.h: which addresses a push endpoint may not reach by
// default, and that a refused address fails the request before any byte is sent.
#include "push/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <string>

namespace parley::push {
namespace {

bool Private(const std::string& text) {
  sockaddr_storage storage{};
  if (text.find(':') == std::string::npos) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    EXPECT_EQ(inet_pton(AF_INET, text.c_str(), &v4->sin_addr), 1) << text;
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    EXPECT_EQ(inet_pton(AF_INET6, text.c_str(), &v6->sin6_addr), 1) << text;
  }
  return IsPrivateAddress(reinterpret_cast<sockaddr*>(&storage));
}

TEST(HttpClient, RefusesInwardAddresses) {
  for (const char* inward : {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                             "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
                             "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
                             "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"}) {
    EXPECT_TRUE(Private(inward)) << inward;
  }
  for (const char* outward : {"8.8.8.8", "1.1.1.1", "172.32.0.1", "192.169.0.1", "100.128.0.1",
                              "2001:4860:4860::8888", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(Private(outward)) << outward;
  }
}

TEST(HttpClient, ARefusedAddressFailsWithoutConnecting) {
  HttpClient strict(HttpClientOptions{});
  // Plain http is refused outright, and so is https to loopback (at connect time).
  auto http = strict.Post(HttpPost{"http://127.0.0.1:9/x", {}, "{}"});
  EXPECT_EQ(http.status().code(), Code::kUnavailable);
  auto loopback = strict.Post(HttpPost{"https://127.0.0.1:9/x", {}, "{}"});
  EXPECT_EQ(loopback.status().code(), Code::kUnavailable);
  EXPECT_NE(loopback.status().message().find("push: "), std::string::npos);
}

}  // namespace
}  // namespace parley::push
