// The server-admin routes (docs/protocol.md, "System notices and the admin role",
// "Administration"). The role is checked here, once, for every route but the setup claim (which
// is how the first admin is made); account/admin_service.h does the work and writes the audit
// log.
#include "net/api_admin.h"

#include "base/clock.h"
#include "net/blocking.h"
#include "proto/admin_bodies.h"
#include "proto/admin_requests.h"
#include "proto/server_frames.h"

namespace parley::net {
namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

constexpr int kDefaultPage = 50;

// The paging parameters of a listing: "q" (users), "after" / "before", "limit" and "state"
// (reports). Unknown keys are ignored; a number that is not one is kMalformed.
struct Paging {
  std::string q;
  std::string state = "open";
  int64_t after = 0;
  int64_t before = 0;
  int limit = kDefaultPage;
};

Result<Paging> PagingOf(const Query& query) {
  Paging paging;
  for (const auto& [key, value] : query) {
    if (key == "q") paging.q = value;
    if (key == "state") paging.state = value;
    if (key != "after" && key != "before" && key != "limit") continue;
    auto number = ParseInt(value);
    if (!number) return Status(Code::kMalformed, key + " must be an integer");
    if (key == "after") paging.after = *number;
    if (key == "before") paging.before = *number;
    // Out of int range: AdminService refuses it as out of bounds.
    if (key == "limit") paging.limit = *number < 0 || *number > INT32_MAX ? -1 : int(*number);
  }
  if (paging.state != "open" && paging.state != "all") {
    return Status(Code::kInvalidArgument, "state must be \"open\" or \"all\"");
  }
  return paging;
}

Status NoSuchUser() { return Status(Code::kNotFound, "no such user"); }

// A no-reply action on /admin/users/{id}[/...]: answered 204 when it succeeded.
template <typename Action>
awaitable<Response> UserAction(const Request& request, const std::string& id_segment,
                               Context& context, Action action) {
  auto user_id = ParseInt(id_segment);
  if (!user_id) co_return ErrorResponse(request, NoSuchUser());
  const int64_t id = *user_id;
  Status status = co_await OnWorker(context.workers, [&] { return action(id, NowMillis()); });
  co_return StatusResponse(request, status);
}

// The routes on accounts: /admin/users...
awaitable<std::optional<Response>> UserRoutes(const Request& request, const Segments& path,
                                              const auth::Principal& me, Context& context,
                                              const Query& query) {
  account::AdminService& admin = *context.admin;
  const auto method = request.method();
  const store::User& actor = me.user;
  if (method == http::verb::get && Matches(path, {"api", "v1", "admin", "users"})) {
    auto paging = PagingOf(query);
    if (!paging.ok()) co_return ErrorResponse(request, paging.status());
    auto page = co_await OnWorker(
        context.workers, [&] { return admin.ListUsers(paging->q, paging->after, paging->limit); });
    if (!page.ok()) co_return ErrorResponse(request, page.status());
    co_return JsonResponse(request, 200, proto::AdminUsersBody(page->items, page->has_more));
  }
  if (path.size() < 5 || path[3] != "users") co_return std::nullopt;
  if (method == http::verb::get && path.size() == 5) {
    auto user_id = ParseInt(path[4]);
    if (!user_id) co_return ErrorResponse(request, NoSuchUser());
    auto details =
        co_await OnWorker(context.workers, [&] { return admin.ShowUser(*user_id, NowMillis()); });
    if (!details.ok()) co_return ErrorResponse(request, details.status());
    co_return JsonResponse(
        request, 200,
        proto::AdminUserBody(details->user, details->has_password, details->sessions));
  }
  if (method == http::verb::put && path.size() == 5) {
    auto body = proto::DecodeAdminRole(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    const bool is_admin = *body;
    co_return co_await UserAction(request, path[4], context, [&](int64_t id, int64_t now) {
      return admin.SetAdmin(actor, id, is_admin, now);
    });
  }
  if (method == http::verb::delete_ && path.size() == 5) {
    co_return co_await UserAction(request, path[4], context, [&](int64_t id, int64_t now) {
      return admin.DeleteUser(actor, id, now);
    });
  }
  if (method == http::verb::delete_ &&
      Matches(path, {"api", "v1", "admin", "users", "*", "sessions"})) {
    co_return co_await UserAction(request, path[4], context, [&](int64_t id, int64_t now) {
      return admin.RevokeSessions(actor, id, now);
    });
  }
  if (method != http::verb::post || path.size() != 6) co_return std::nullopt;
  if (path[5] == "disable") {
    co_return co_await UserAction(request, path[4], context, [&](int64_t id, int64_t now) {
      return admin.Disable(actor, id, now);
    });
  }
  if (path[5] == "enable") {
    co_return co_await UserAction(request, path[4], context, [&](int64_t id, int64_t now) {
      return admin.Enable(actor, id, now);
    });
  }
  if (path[5] == "password-reset") {
    co_return co_await UserAction(request, path[4], context, [&](int64_t id, int64_t now) {
      return admin.ForcePasswordReset(actor, id, now);
    });
  }
  co_return std::nullopt;
}

// Statistics, the audit log, reports, groups and notices.
awaitable<std::optional<Response>> ServerRoutes(const Request& request, const Segments& path,
                                                const auth::Principal& me, Context& context,
                                                const Query& query) {
  account::AdminService& admin = *context.admin;
  const auto method = request.method();
  if (method == http::verb::get && Matches(path, {"api", "v1", "admin", "stats"})) {
    auto stats = co_await OnWorker(context.workers, [&] { return admin.Stats(); });
    if (!stats.ok()) co_return ErrorResponse(request, stats.status());
    co_return JsonResponse(request, 200,
                           proto::AdminStatsBody(stats->counts, stats->online_connections));
  }
  const bool audit = Matches(path, {"api", "v1", "admin", "audit"});
  const bool reports = Matches(path, {"api", "v1", "admin", "reports"});
  if (method == http::verb::get && (audit || reports)) {
    auto paging = PagingOf(query);
    if (!paging.ok()) co_return ErrorResponse(request, paging.status());
    if (audit) {
      auto page = co_await OnWorker(context.workers,
                                    [&] { return admin.AuditLog(paging->before, paging->limit); });
      if (!page.ok()) co_return ErrorResponse(request, page.status());
      co_return JsonResponse(request, 200, proto::AuditLogBody(page->items, page->has_more));
    }
    auto page = co_await OnWorker(context.workers, [&] {
      return admin.ListReports(paging->state == "open", paging->before, paging->limit);
    });
    if (!page.ok()) co_return ErrorResponse(request, page.status());
    co_return JsonResponse(request, 200, proto::ReportsBody(page->items, page->has_more));
  }
  if (method == http::verb::post &&
      Matches(path, {"api", "v1", "admin", "reports", "*", "resolve"})) {
    auto report_id = ParseInt(path[4]);
    if (!report_id) co_return ErrorResponse(request, Status(Code::kNotFound, "no such report"));
    auto resolution = proto::DecodeResolution(request.body());
    if (!resolution.ok()) co_return ErrorResponse(request, resolution.status());
    auto resolved = co_await OnWorker(context.workers, [&] {
      return admin.Resolve(me.user, *report_id, *resolution, NowMillis());
    });
    if (!resolved.ok()) co_return ErrorResponse(request, resolved.status());
    co_return JsonResponse(request, 200, proto::ReportBody(*resolved));
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "admin", "groups", "*"})) {
    auto group_id = ParseInt(path[4]);
    if (!group_id) co_return ErrorResponse(request, Status(Code::kNotFound, "no such group"));
    auto shown = co_await OnWorker(context.workers, [&] { return admin.ShowGroup(*group_id); });
    if (!shown.ok()) co_return ErrorResponse(request, shown.status());
    co_return JsonResponse(request, 200, proto::AdminGroupBody(shown->group, shown->owner_id));
  }
  if (method == http::verb::post && Matches(path, {"api", "v1", "admin", "notices"})) {
    auto body = proto::DecodeNotice(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto recipients = co_await OnWorker(
        context.workers, [&] { return admin.SendNotice(me.user, *body, NowMillis()); });
    if (!recipients.ok()) co_return ErrorResponse(request, recipients.status());
    co_return JsonResponse(request, 201, proto::NoticeSentBody(*recipients));
  }
  co_return std::nullopt;
}

}  // namespace

RouteResult HandleAdminApi(const Request& request, const Segments& path, const auth::Principal& me,
                           Context& context, const Query& query) {
  if (request.method() == http::verb::post && Matches(path, {"api", "v1", "admin", "setup"})) {
    auto token = proto::DecodeAdminSetup(request.body());
    if (!token.ok()) co_return ErrorResponse(request, token.status());
    Status status = co_await OnWorker(context.workers, [&]() -> Status {
      const int64_t now = NowMillis();
      if (Status s = context.auth.admin_setup().Claim(me.user.id, *token, now); !s.ok()) return s;
      return context.admin ? context.admin->RecordSetupClaimed(me.user, now) : Status::Ok();
    });
    if (!status.ok()) co_return ErrorResponse(request, status);
    co_return EmptyResponse(request, 204);
  }
  // The one role check of every other admin route.
  if (!me.user.is_admin) {
    co_return ErrorResponse(request, Status(Code::kForbidden, "only server admins may do this"));
  }
  if (context.admin == nullptr) {
    co_return ErrorResponse(request, Status(Code::kUnavailable, "administration is unavailable"));
  }
  auto users = UserRoutes(request, path, me, context, query);
  if (auto response = co_await std::move(users)) co_return std::move(*response);
  auto server = ServerRoutes(request, path, me, context, query);
  if (auto response = co_await std::move(server)) co_return std::move(*response);
  co_return std::nullopt;
}

}  // namespace parley::net
