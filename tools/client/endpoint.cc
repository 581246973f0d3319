#include "client/endpoint.h"

#include <charconv>

#include "tls/context.h"

namespace parley::client {

std::string Endpoint::HostHeader() const { return host + ":" + std::to_string(port); }

Result<std::shared_ptr<boost::asio::ssl::context>> Endpoint::TlsContext() const {
  if (tls_context) return tls_context;
  return tls::MakeClientContext("");
}

Status Endpoint::UseCaFile(const std::string& ca_file) {
  auto context = tls::MakeClientContext(ca_file);
  if (!context.ok()) return context.status();
  tls_context = std::move(*context);
  return Status::Ok();
}

Result<Endpoint> ParseServerUrl(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return Status(Code::kInvalidArgument,
                  "bad server url '" + std::string(url) + "': " + std::string(why));
  };
  std::string_view rest = url;
  Endpoint endpoint;
  for (std::string_view scheme : {"https://", "wss://"}) {
    if (rest.starts_with(scheme)) {
      rest.remove_prefix(scheme.size());
      endpoint.tls = true;
      endpoint.port = 443;
    }
  }
  for (std::string_view scheme : {"http://", "ws://"}) {
    if (!endpoint.tls && rest.starts_with(scheme)) rest.remove_prefix(scheme.size());
  }
  if (rest.find("://") != std::string_view::npos) return bad("unknown scheme");
  while (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty()) return bad("no host");
  if (rest.find('/') != std::string_view::npos) return bad("paths are not supported");

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
