// GET /metrics: the Registry's Prometheus text exposition (metrics/metrics.h), on the main
// listener and, when configured, on a listener of its own (--metrics-listen) that serves
// nothing else.
//
// Who may read it (docs/operations.md, "Metrics"):
// - on the main listener, only with --metrics-token set, and only with
//   `Authorization: Bearer <that token>` (401 otherwise); without a token it is 404, as if
//   absent, so a server never exposes its metrics by default;
// - on the metrics listener, anyone who can reach that address, and with --metrics-token set,
//   only with the token as well.
// The token is compared in constant time (SHA-256 of both, then CRYPTO_memcmp). The
// exposition is rendered on a worker thread (function gauges take short locks).
#ifndef PARLEY_NET_METRICS_ENDPOINT_H_
#define PARLEY_NET_METRICS_ENDPOINT_H_

// clang-format off
#include <utility>  // before Boost 1.74's awaitable.hpp, which uses std::exchange
#include <boost/asio/awaitable.hpp>
// clang-format on
#include <boost/asio/ip/tcp.hpp>

#include "net/connection_limiter.h"
#include "net/context.h"
#include "net/http_util.h"

namespace parley::net {

// Whether `head` asks for /metrics (any method; only GET and HEAD are answered 200).
bool IsMetricsRequest(const Request& head);

// The answer to a request for which IsMetricsRequest holds; `dedicated`: it came to the
// metrics listener.
boost::asio::awaitable<Response> AnswerMetrics(const Request& head, Context& context,
                                               bool dedicated);

// Serves one connection of the metrics listener: one request (8 KiB of header within
// --header-timeout-ms, no body), answered by AnswerMetrics for /metrics and 404 otherwise,
// then the connection is closed. Holds its connection slot until it returns.
boost::asio::awaitable<void> ServeMetricsConnection(boost::asio::ip::tcp::socket socket,
                                                    Context& context, ConnectionLimiter::Slot slot);

}  // namespace parley::net

#endif  // PARLEY_NET_METRICS_ENDPOINT_H_
