// The plain-HTTP redirect listener's connections (--http-redirect-listen): every request is
// answered `308 Permanent Redirect` to the same target on https://, at the Host header's name
// and the TLS listener's port, and the connection is closed. Nothing else is served there: no
// API, no app, no WebSocket, so no token or password ever crosses it in the clear by Parley's
// doing. A request without a plain Host (name, IPv4 or bracketed IPv6, optional port) or with a
// target that is not origin-form gets `400` instead; one that is too large or too slow is
// closed like any other (--header-timeout-ms, 8 KiB of header). After the answer, what the
// client still sends is read and dropped for up to 2 s, so it reads the answer rather than a
// reset. Runs on the connection's event loop; holds its connection slot until it returns.
#ifndef PARLEY_NET_REDIRECT_H_
#define PARLEY_NET_REDIRECT_H_

// clang-format off
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange
#include <boost/asio/awaitable.hpp>
// clang-format on
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/connection_limiter.h"

namespace parley::net {

// The Location for `target` requested with `host`, or nothing when either is unfit.
std::optional<std::string> HttpsLocation(std::string_view host, std::string_view target,
                                         uint16_t https_port);

boost::asio::awaitable<void> ServeRedirect(boost::asio::ip::tcp::socket socket, uint16_t https_port,
                                           int header_timeout_ms, ConnectionLimiter::Slot slot);

}  // namespace parley::net

#endif  // PARLEY_NET_REDIRECT_H_
