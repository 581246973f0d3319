// POST /api/v1/reports: a user reports a message they can read or another user (docs/protocol.md,
// "Reports"; the rules are chat/notices/reports.h's).
#include "base/clock.h"
#include "net/api_admin.h"
#include "net/blocking.h"
#include "proto/admin_bodies.h"
#include "proto/admin_requests.h"

namespace parley::net {
namespace http = boost::beast::http;

RouteResult HandleReportApi(const Request& request, const Segments& path, const auth::Principal& me,
                            Context& context) {
  if (request.method() != http::verb::post || !Matches(path, {"api", "v1", "reports"})) {
    co_return std::nullopt;
  }
  if (context.reports == nullptr) {
    co_return ErrorResponse(request, Status(Code::kUnavailable, "reports are unavailable"));
  }
  auto body = proto::DecodeReport(request.body());
  if (!body.ok()) co_return ErrorResponse(request, body.status());
  auto filed = co_await OnWorker(
      context.workers, [&] { return context.reports->File(me.user.id, *body, NowMillis()); });
  if (!filed.ok()) co_return ErrorResponse(request, filed.status());
  co_return JsonResponse(request, 201, proto::ReportBody(*filed));
}

}  // namespace parley::net
