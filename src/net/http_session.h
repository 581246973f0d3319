// ServeHttp: serves one accepted TCP connection: HTTP/1.1 requests with keep-alive, routed to
// the API, until the peer closes, a request is malformed or oversized, or the connection is
// upgraded to a WebSocket at /ws (then a WsSession owns it). Runs on the connection's strand.
#ifndef PARLEY_NET_HTTP_SESSION_H_
#define PARLEY_NET_HTTP_SESSION_H_

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/context.h"

namespace parley::net {

boost::asio::awaitable<void> ServeHttp(boost::asio::ip::tcp::socket socket, Context& context);

}  // namespace parley::net

#endif  // PARLEY_NET_HTTP_SESSION_H_
