// The HTTP routes of a conversation's retention policy (docs/protocol.md, "Retention"):
// GET and PUT /api/v1/conversations/{id}/retention.
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/retention_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;

RouteResult HandleRetentionApi(const Request& request, const Segments& path,
                               const auth::Principal& me, Context& context) {
  const auto method = request.method();
  if ((method != http::verb::get && method != http::verb::put) ||
      !Matches(path, {"api", "v1", "conversations", "*", "retention"})) {
    co_return std::nullopt;
  }
  auto conversation = ParseInt(path[3]);
  if (!conversation || *conversation <= 0) {
    co_return ErrorResponse(request, Status(Code::kNotFound, "no such conversation"));
  }
  if (method == http::verb::put) {
    auto policy = proto::DecodeRetentionPolicy(request.body());
    if (!policy.ok()) co_return ErrorResponse(request, policy.status());
    Status set = co_await OnWorker(context.workers, [&] {
      return context.retention->Set(me.user.id, *conversation, *policy);
    });
    if (!set.ok()) co_return ErrorResponse(request, set);
  }
  auto view = co_await OnWorker(context.workers,
                                [&] { return context.retention->Get(me.user.id, *conversation); });
  if (!view.ok()) co_return ErrorResponse(request, view.status());
  co_return JsonResponse(request, 200, proto::RetentionBody(*view));
}

}  // namespace parley::net
