// The HTTP API (/api/v1/...; /healthz and /readyz are net/health.h): routes one request to its
// handler and produces the response: a whole one, or a file streamed from disk (media downloads).
// Handlers run blocking service calls on the worker pools (OnWorker; OnPool for hashing and media
// processing), so this coroutine may be awaited from a connection's event loop. The chunk PUT of
// uploads is served by net/upload_chunk.h instead, as its body is streamed.
#ifndef PARLEY_NET_API_H_
#define PARLEY_NET_API_H_

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "auth/auth_service.h"
#include "net/context.h"
#include "net/file_reply.h"
#include "net/http_util.h"

namespace parley::net {

// Coroutine rule in net/ (g++ 12): a co_await expression must not create temporaries with
// destructors (they are destroyed from the stack after resumption). Build the awaitable in a
// named variable first, and take coroutine arguments by reference.
using ApiResponse = std::variant<Response, FileReply>;

// Whether the route needs a logged-in caller: every /api/v1 route except registering and
// logging in. Decided from the method and target alone, so that the token is checked before any
// body is read (net/http_session.cc).
bool NeedsToken(boost::beast::http::verb method, std::string_view target);

// The caller named by the request's Bearer token (checked on the worker pool); kUnauthenticated
// when it is missing, unknown, expired or revoked.
boost::asio::awaitable<Result<auth::Principal>> AuthenticateCaller(const Request& head,
                                                                   Context& context);

// `me` is the caller, given exactly when NeedsToken() holds for the request.
boost::asio::awaitable<ApiResponse> HandleApi(const Request& request, Context& context,
                                              const std::string& client_address,
                                              const auth::Principal* me);

}  // namespace parley::net

#endif  // PARLEY_NET_API_H_
