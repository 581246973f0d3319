// Health checks for load balancers, without authentication and without secrets:
//   GET /healthz  200 {"status":"ok"} while the process serves HTTP at all (also while it stops);
//   GET /readyz   200 {"status":"ready"} when it takes traffic; 503 with the error body
//                 (code "unavailable", the reason as message) while shutting down or when the
//                 readiness check (Services::readiness) fails.
// They are answered before the shutdown check of net/http_session.cc, so a stopping server says
// so on /readyz instead of refusing every request alike. Runs on a connection's event loop; the
// readiness check runs on the worker pool.
#ifndef PARLEY_NET_HEALTH_H_
#define PARLEY_NET_HEALTH_H_

#include <boost/asio/awaitable.hpp>
#include <optional>

#include "net/context.h"
#include "net/http_util.h"

namespace parley::net {

// Whether `head` asks for /healthz or /readyz (any method; only GET and HEAD are answered 200).
bool IsHealthRequest(const Request& head);

// The answer to a request for which IsHealthRequest holds.
boost::asio::awaitable<Response> AnswerHealth(const Request& head, Context& context);

}  // namespace parley::net

#endif  // PARLEY_NET_HEALTH_H_
