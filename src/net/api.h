// The HTTP API (/api/v1/..., /healthz): routes one request to its handler and produces the
// response: a whole one, or a file streamed from disk (media downloads). Handlers run blocking
// service calls on the worker pool (OnWorker), so this coroutine may be awaited from a connection's
// strand.
#ifndef PARLEY_NET_API_H_
#define PARLEY_NET_API_H_

#include <boost/asio/awaitable.hpp>
#include <string>
#include <variant>

#include "net/context.h"
#include "net/file_reply.h"
#include "net/http_util.h"

namespace parley::net {

// Coroutine rule in net/ (g++ 12): a co_await expression must not create temporaries with
// destructors (they are destroyed from the stack after resumption). Build the awaitable in a
// named variable first, and take coroutine arguments by reference.
using ApiResponse = std::variant<Response, FileReply>;

boost::asio::awaitable<ApiResponse> HandleApi(const Request& request, Context& context,
                                              const std::string& client_address);

}  // namespace parley::net

#endif  // PARLEY_NET_API_H_
