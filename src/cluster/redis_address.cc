#include "cluster/redis_address.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>

namespace parley::cluster {
namespace {

constexpr std::string_view kScheme = "redis://";

Status Invalid(std::string_view what) {
  return Status(Code::kInvalidArgument, "redis address: " + std::string(what));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// `text` with its %XX escapes decoded; nullopt when an escape is malformed.
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string decoded;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    decoded += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return decoded;
}

// Decimal digits only (no sign, no spaces), within [min, max].
std::optional<int> ParseNumber(std::string_view text, int min, int max) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  long long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return std::nullopt;
  return static_cast<int>(value);
}

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool IsIpv6Char(char c) { return HexValue(c) >= 0 || c == ':' || c == '.'; }

// "[user]:password" (what precedes the last '@'), percent-decoded.
Status ParseCredentials(std::string_view credentials, RedisAddress* address) {
  const size_t colon = credentials.find(':');
  if (colon == std::string_view::npos) {
    return Invalid("credentials need a password: user:password@host or :password@host");
  }
  std::optional<std::string> user = PercentDecode(credentials.substr(0, colon));
  std::optional<std::string> password = PercentDecode(credentials.substr(colon + 1));
  if (!user || !password) return Invalid("malformed %-escape in the user or the password");
  if (password->empty()) return Invalid("the password is empty");
  address->user = std::move(*user);
  address->password = std::move(*password);
  return Status::Ok();
}

// "host", "host:port", "[v6]" or "[v6]:port".
Status ParseHostAndPort(std::string_view authority, RedisAddress* address) {
  std::string_view host;
  std::string_view rest;  // ":port" or nothing
  if (authority.starts_with('[')) {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Invalid("'[' without ']' around an IPv6 host");
    host = authority.substr(1, close - 1);
    rest = authority.substr(close + 1);
    if (host.find(':') == std::string_view::npos ||
        !std::all_of(host.begin(), host.end(), IsIpv6Char)) {
      return Invalid("malformed IPv6 host between [ and ]");
    }
    if (!rest.empty() && rest[0] != ':') return Invalid("unexpected text after the IPv6 host");
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
    if (host.empty()) {
      return Invalid("no host (a '/' or '@' in a password must be written %2F or %40)");
    }
    if (!std::all_of(host.begin(), host.end(), IsHostNameChar)) {
      return Invalid("the host is not a name or an address (IPv6 addresses go in [ ])");
    }
  }
  address->host = std::string(host);
  if (rest.empty()) return Status::Ok();
  std::optional<int> port = ParseNumber(rest.substr(1), 1, 65535);
  if (!port) return Invalid("the port must be a number from 1 to 65535");
  address->port = *port;
  return Status::Ok();
}

}  // namespace

Result<RedisAddress> ParseRedisAddress(std::string_view url) {
  if (std::any_of(url.begin(), url.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
    return Invalid("spaces and control characters are not allowed");
  }
  if (url.starts_with("rediss://")) return Invalid("TLS (rediss://) is not supported");
  if (!url.starts_with(kScheme)) return Invalid("must start with redis://");
  const std::string_view rest = url.substr(kScheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Invalid("query parameters and fragments are not supported");
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);

  RedisAddress address;
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    if (Status s = ParseCredentials(authority.substr(0, at), &address); !s.ok()) return s;
    authority = authority.substr(at + 1);
  }
  if (Status s = ParseHostAndPort(authority, &address); !s.ok()) return s;
  if (!path.empty()) {
    std::optional<int> db = ParseNumber(path, 0, std::numeric_limits<int>::max());
    if (!db) return Invalid("the database must be a number (redis://host:6379/2)");
    address.db = *db;
  }
  return address;
}

std::string RedisEndpoint(const RedisAddress& address) {
  const bool ipv6 = address.host.find(':') != std::string::npos;
  std::string endpoint = ipv6 ? "[" + address.host + "]" : address.host;
  endpoint += ":" + std::to_string(address.port);
  if (address.db != 0) endpoint += "/" + std::to_string(address.db);
  return endpoint;
}

}  // namespace parley::cluster
