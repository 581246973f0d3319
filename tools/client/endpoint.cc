#include "client/endpoint.h"

#include <charconv>

namespace parley::client {

std::string Endpoint::HostHeader() const { return host + ":" + std::to_string(port); }

Result<Endpoint> ParseServerUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return Status(Code::kInvalidArgument,
                  "bad server url '" + std::string(url) + "': " + std::string(why));
  };
  std::string_view rest = url;
  if (rest.starts_with("https://") || rest.starts_with("wss://")) {
    return bad("TLS is not supported by this client");
  }
  for (std::string_view scheme : {"http://", "ws://"}) {
    if (rest.starts_with(scheme)) rest.remove_prefix(scheme.size());
  }
  while (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty()) return bad("no host");
  if (rest.find('/') != std::string_view::npos) return bad("paths are not supported");

  Endpoint endpoint;
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    endpoint.host = std::string(rest);
    return endpoint;
  }
  std::string_view port = rest.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    return bad("bad port");
  }
  endpoint.host = std::string(rest.substr(0, colon));
  if (endpoint.host.size() >= 2 && endpoint.host.front() == '[' && endpoint.host.back() == ']') {
    endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  }
  if (endpoint.host.empty()) return bad("no host");
  endpoint.port = static_cast<uint16_t>(value);
  return endpoint;
}

}  // namespace parley::client
