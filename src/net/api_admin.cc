// The server-admin routes: system notices and the admin role (docs/protocol.md, "System
// notices and the admin role"). Permission checks live in chat/notices.h.
#include "net/api_admin.h"

#include "net/blocking.h"
#include "proto/admin_requests.h"
#include "proto/server_frames.h"

namespace parley::net {
namespace http = boost::beast::http;

RouteResult HandleAdminApi(const Request& request, const Segments& path, const auth::Principal& me,
                           Context& context) {
  const auto method = request.method();
  if (method == http::verb::post && Matches(path, {"api", "v1", "admin", "notices"})) {
    auto body = proto::DecodeNotice(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto sending = OnWorker(context.workers, [&] { return context.notices.Send(me.user, *body); });
    auto recipients = co_await std::move(sending);
    if (!recipients.ok()) co_return ErrorResponse(request, recipients.status());
    co_return JsonResponse(request, 201, proto::NoticeSentBody(*recipients));
  }
  if (method == http::verb::put && Matches(path, {"api", "v1", "admin", "users", "*"})) {
    auto user_id = ParseInt(path[4]);
    if (!user_id) co_return ErrorResponse(request, Status(Code::kNotFound, "no such user"));
    auto body = proto::DecodeAdminRole(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto setting = OnWorker(context.workers,
                            [&] { return context.notices.SetAdmin(me.user, *user_id, *body); });
    Status status = co_await std::move(setting);
    if (!status.ok()) co_return ErrorResponse(request, status);
    co_return EmptyResponse(request, 204);
  }
  if (method == http::verb::post && Matches(path, {"api", "v1", "admin", "setup"})) {
    auto token = proto::DecodeAdminSetup(request.body());
    if (!token.ok()) co_return ErrorResponse(request, token.status());
    auto claiming = OnWorker(context.workers,
                             [&] { return context.auth.admin_setup().Claim(me.user.id, *token); });
    Status status = co_await std::move(claiming);
    if (!status.ok()) co_return ErrorResponse(request, status);
    co_return EmptyResponse(request, 204);
  }
  co_return std::nullopt;
}

}  // namespace parley::net
