// RedisAddress: where a Redis server is and how to log in, parsed from a URL:
//
//   redis://[[user]:password@]host[:port][/db]      e.g. redis://:secret@10.0.0.5:6380/2
//   redis://[::1]:6380                               (an IPv6 address in brackets)
//
// The port is 6379 and the database 0 when not given. The user and the password may be
// percent-encoded (%40 for '@', %2F for '/', %3A for ':'); an empty user means Redis's default
// user (AUTH <password>). Only plain TCP: `rediss://` (TLS), Unix sockets and query parameters
// are refused. Errors are kInvalidArgument and say what is wrong without quoting the URL, so
// a password never appears in a message or a log.
//
// Plain values; thread-safe as any value.
#ifndef PARLEY_CLUSTER_REDIS_ADDRESS_H_
#define PARLEY_CLUSTER_REDIS_ADDRESS_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::cluster {

struct RedisAddress {
  std::string host;  // a name, an IPv4 address or an IPv6 address (without brackets)
  int port = 6379;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  int db = 0;            // SELECT <db> when not 0

  bool operator==(const RedisAddress&) const = default;
};

Result<RedisAddress> ParseRedisAddress(std::string_view url);

// "host:port" ("[::1]:6380" for IPv6), and "/db" when db is not 0: for logs, never a secret.
std::string RedisEndpoint(const RedisAddress& address);

}  // namespace parley::cluster

#endif  // PARLEY_CLUSTER_REDIS_ADDRESS_H_
