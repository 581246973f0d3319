// Endpoint: where a Parley server listens, parsed from a URL such as "http://127.0.0.1:8080" or
// "https://chat.example.org", and the CAs a TLS connection to it trusts.
//
// Plain value type (the TLS context is shared, immutable once made); thread-compatible.
#ifndef PARLEY_TOOLS_CLIENT_ENDPOINT_H_
#define PARLEY_TOOLS_CLIENT_ENDPOINT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace boost::asio::ssl {
class context;
}  // namespace boost::asio::ssl

namespace parley::client {

struct Endpoint {
  std::string host;    // name or address, without brackets
  uint16_t port = 80;  // TCP port
  bool tls = false;    // https:// or wss://: the server's certificate is checked for `host`
  // The CAs trusted for TLS (UseCaFile); null: the system's, loaded when first needed.
  std::shared_ptr<boost::asio::ssl::context> tls_context;

  // "host:port", the value of the HTTP Host header.
  std::string HostHeader() const;
  // The TLS client context to connect with (tls_context, or the system's CAs).
  Result<std::shared_ptr<boost::asio::ssl::context>> TlsContext() const;
  // Trusts only the PEM CAs of `ca_file` (an empty name: the system's) for this endpoint.
  Status UseCaFile(const std::string& ca_file);
};

// Parses "http://HOST[:PORT][/]", "https://HOST[:PORT][/]", "ws://...", "wss://..." or a bare
// "HOST:PORT" (plain). The port defaults to 80, or 443 with TLS.
// Fails with kInvalidArgument on anything else (other schemes, paths, a bad port).
Result<Endpoint> ParseServerUrl(std::string_view url);

}  // namespace parley::client

#endif  // PARLEY_TOOLS_CLIENT_ENDPOINT_H_
