// ServeHttp: serves one accepted TCP connection: HTTP/1.1 requests with keep-alive, routed to
// the API, until the peer closes, a request is malformed or oversized, a deadline passes, or the
// connection is upgraded to a WebSocket at /ws (then a WsSession owns it, and the slot with it).
// Runs on the connection's event loop.
//
// Every request is read header first, under --header-timeout-ms (which also bounds how long an
// idle connection waits for its next request); the rest of it must arrive within
// --http-timeout-ms. The route's body limit and the caller's token are checked from the header,
// before any body byte is read; an answer given without reading the body closes the connection
// (after reading what the client still sends for a short while, so that it gets the answer).
//
// RefuseConnection: answers a connection over a connection cap with `503 unavailable` and
// `Retry-After`, without reading from it, and closes it.
#ifndef PARLEY_NET_HTTP_SESSION_H_
#define PARLEY_NET_HTTP_SESSION_H_

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "net/connection_limiter.h"
#include "net/context.h"

namespace parley::net {

// Seconds a client is told to wait (Retry-After) after a 429 or 503.
inline constexpr int kRetryAfterSeconds = 1;

boost::asio::awaitable<void> ServeHttp(boost::asio::ip::tcp::socket socket, Context& context,
                                       ConnectionLimiter::Slot slot);

void RefuseConnection(boost::asio::ip::tcp::socket socket);

}  // namespace parley::net

#endif  // PARLEY_NET_HTTP_SESSION_H_
