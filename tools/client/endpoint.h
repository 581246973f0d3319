// Endpoint: where a Parley server listens, parsed from a URL such as "http://127.0.0.1:8080".
//
// Only plain http:// (and ws://) URLs are accepted for now; TLS is not implemented in the client.
// Plain value type; thread-compatible.
#ifndef PARLEY_TOOLS_CLIENT_ENDPOINT_H_
#define PARLEY_TOOLS_CLIENT_ENDPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::client {

struct Endpoint {
  std::string host;    // name or address, without brackets
  uint16_t port = 80;  // TCP port

  // "host:port", the value of the HTTP Host header.
  std::string HostHeader() const;
};

// Parses "http://HOST[:PORT][/]", "ws://HOST[:PORT]" or a bare "HOST:PORT".
// Fails with kInvalidArgument on anything else (https, paths, a bad port).
Result<Endpoint> ParseServerUrl(std::string_view url);

}  // namespace parley::client

#endif  // PARLEY_TOOLS_CLIENT_ENDPOINT_H_
