#include "net/api.h"

#include "base/clock.h"
#include "net/api_admin.h"
#include "net/api_groups.h"
#include "net/api_media.h"
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/http_requests.h"
#include "proto/server_frames.h"
#include "proto/two_factor_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;
using boost::asio::awaitable;

namespace {

awaitable<Response> Register(const Request& request, Context& context, const std::string& address) {
  auto body = proto::DecodeRegister(request.body());
  if (!body.ok()) co_return ErrorResponse(request, body.status());
  if (body->display_name && body->display_name->empty()) {
    co_return ErrorResponse(
        request, Status(Code::kInvalidArgument, "display_name must be 1 to 64 characters"));
  }
  auto registering = OnPool(context.hashing, [&context, fields = std::move(*body), address] {
    return context.auth.Register(fields.username, fields.password, fields.display_name.value_or(""),
                                 address, NowMillis());
  });
  auto user = co_await std::move(registering);
  if (!user.ok()) co_return ErrorResponse(request, user.status());
  co_return JsonResponse(request, 201, proto::UserBody(*user));
}

awaitable<Response> Login(const Request& request, Context& context, const std::string& address) {
  auto body = proto::DecodeLogin(request.body());
  if (!body.ok()) co_return ErrorResponse(request, body.status());
  auto logging_in = OnPool(context.hashing, [&context, fields = std::move(*body), address] {
    return context.auth.Login(fields.username, fields.password, fields.device, address,
                              NowMillis());
  });
  auto login = co_await std::move(logging_in);
  if (!login.ok()) co_return ErrorResponse(request, login.status());
  if (login->second_factor) {
    co_return JsonResponse(request, 202,
                           proto::SecondFactorChallengeBody(login->second_factor->token,
                                                            login->second_factor->expires_at));
  }
  co_return JsonResponse(request, 201, proto::LoginBody(login->token, login->device, login->user));
}

// Handlers that need a logged-in caller.
awaitable<Response> Authenticated(const Request& request, const Segments& path,
                                  const auth::Principal& me, Context& context, const Query& query,
                                  const std::string& client_address) {
  const auto method = request.method();
  auth::AuthService& auth = context.auth;
  if (method == http::verb::delete_ && Matches(path, {"api", "v1", "sessions", "current"})) {
    Status status = co_await OnWorker(context.workers, [&] { return auth.Logout(me); });
    co_return StatusResponse(request, status);
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "sessions"})) {
    auto devices =
        co_await OnWorker(context.workers, [&] { return auth.ListDevices(me, NowMillis()); });
    if (!devices.ok()) co_return ErrorResponse(request, devices.status());
    co_return JsonResponse(request, 200, proto::DevicesBody(*devices, me.device_id));
  }
  if (method == http::verb::delete_ && Matches(path, {"api", "v1", "sessions", "*"})) {
    auto id = ParseInt(path[3]);
    if (!id) co_return ErrorResponse(request, Status(Code::kNotFound, "no such session"));
    Status status = co_await OnWorker(context.workers, [&] { return auth.RevokeDevice(me, *id); });
    co_return StatusResponse(request, status);
  }
  if (method == http::verb::put && Matches(path, {"api", "v1", "account", "password"})) {
    auto body = proto::DecodePassword(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto slot = context.password_changes.TryEnter(me.user.id);
    if (!slot) {
      co_return ErrorResponse(
          request, Status(Code::kRateLimited, "a password change of yours is already running"));
    }
    auto changing = OnPool(context.hashing, [&] {
      return auth.ChangePassword(me, body->old_password, body->new_password, NowMillis());
    });
    Status status = co_await std::move(changing);
    co_return StatusResponse(request, status);
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "account"})) {
    auto has_password =
        co_await OnWorker(context.workers, [&] { return auth.HasPassword(me.user.id); });
    if (!has_password.ok()) co_return ErrorResponse(request, has_password.status());
    co_return JsonResponse(request, 200, proto::AccountBody(me.user, me.device_id, *has_password));
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "users", "*"})) {
    auto user = co_await OnWorker(context.workers, [&] { return context.chat.FindUser(path[3]); });
    if (!user.ok()) co_return ErrorResponse(request, user.status());
    co_return JsonResponse(request, 200, proto::UserBody(*user));
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "conversations"})) {
    auto list =
        co_await OnWorker(context.workers, [&] { return context.chat.Conversations(me.user.id); });
    if (!list.ok()) co_return ErrorResponse(request, list.status());
    co_return JsonResponse(request, 200, proto::ConversationsBody(*list));
  }
  if (method == http::verb::get && Matches(path, {"api", "v1", "conversations", "*", "messages"})) {
    auto conversation = ParseInt(path[3]);
    if (!conversation) {
      co_return ErrorResponse(request, Status(Code::kNotFound, "no such conversation"));
    }
    chat::HistoryQuery history;
    for (const auto& [key, value] : query) {
      auto number = ParseInt(value);
      if (!number) {
        co_return ErrorResponse(request, Status(Code::kMalformed, key + " must be an integer"));
      }
      if (key == "before") history.before = *number;
      if (key == "after") history.after = *number;
      if (key == "limit") {
        history.limit = *number < 0 || *number > INT32_MAX ? -1 : static_cast<int>(*number);
      }
    }
    auto page = co_await OnWorker(
        context.workers, [&] { return context.chat.History(me.user.id, *conversation, history); });
    if (!page.ok()) co_return ErrorResponse(request, page.status());
    co_return JsonResponse(request, 200, proto::HistoryBody(*page));
  }
  if (path.size() >= 3 && path[2] == "admin") {
    auto admin = HandleAdminApi(request, path, me, context, query);
    if (auto response = co_await std::move(admin)) co_return std::move(*response);
  }
  if (path.size() == 3 && path[2] == "reports") {
    auto reporting = HandleReportApi(request, path, me, context);
    if (auto response = co_await std::move(reporting)) co_return std::move(*response);
  }
  if (path.size() >= 3 && path[2] == "uploads") {
    auto uploads = HandleUploadApi(request, path, me, context);
    if (std::optional<Response> answered = co_await std::move(uploads)) {
      co_return std::move(*answered);
    }
  }
  auto groups = HandleGroupApi(request, path, me, context, query);
  if (std::optional<Response> answered = co_await std::move(groups)) co_return std::move(*answered);
  auto two_factor = HandleTwoFactorApi(request, path, me, context, client_address);
  if (auto response = co_await std::move(two_factor)) co_return std::move(*response);
  auto emailing = HandleEmailApi(request, path, me, context);
  if (auto response = co_await std::move(emailing)) co_return std::move(*response);
  auto identities = HandleOidcApi(request, path, me, context);
  if (auto response = co_await std::move(identities)) co_return std::move(*response);
  auto pushing = HandlePushApi(request, path, me, context);
  if (auto response = co_await std::move(pushing)) co_return std::move(*response);
  auto retention = HandleRetentionApi(request, path, me, context);
  if (auto response = co_await std::move(retention)) co_return std::move(*response);
  auto search = HandleSearchApi(request, path, me, context, query);
  if (auto response = co_await std::move(search)) co_return std::move(*response);
  if (path.size() >= 3 && path[2] == "stickers") {
    auto stickers = HandleStickersApi(request, path, me, context);
    if (auto response = co_await std::move(stickers)) co_return std::move(*response);
  }
  if (path.size() >= 3 && path[2] == "moments") {
    auto moments = HandleMomentsApi(request, path, me, context, query);
    if (auto response = co_await std::move(moments)) co_return std::move(*response);
  }
  auto social = HandleSocialApi(request, path, me, context, query);
  if (auto response = co_await std::move(social)) co_return std::move(*response);
  co_return ErrorResponse(request, Status(Code::kNotFound, "no such endpoint"));
}

}  // namespace

bool NeedsToken(http::verb method, std::string_view target) {
  auto parsed = ParseTarget(target);
  if (!parsed.ok()) return false;  // answered as malformed without a caller
  const Segments& path = parsed->segments;
  if (path.size() < 2 || path[0] != "api" || path[1] != "v1") return false;
  const bool public_route =
      method == http::verb::post &&
      (Matches(path, {"api", "v1", "accounts"}) || Matches(path, {"api", "v1", "sessions"}) ||
       Matches(path, {"api", "v1", "sessions", "second-factor"}) || IsPublicEmailRoute(path));
  return !public_route && !IsPublicOidcRoute(method, path);
}

awaitable<Result<auth::Principal>> AuthenticateCaller(const Request& head, Context& context) {
  const std::string token = BearerToken(head);
  if (token.empty()) co_return Status(Code::kUnauthenticated, "missing bearer token");
  auto authenticating =
      OnWorker(context.workers, [&] { return context.auth.Authenticate(token, NowMillis()); });
  co_return co_await std::move(authenticating);
}

awaitable<ApiResponse> HandleApi(const Request& request, Context& context,
                                 const std::string& client_address, const auth::Principal* me) {
  auto target = ParseTarget(std::string_view(request.target().data(), request.target().size()));
  if (!target.ok()) co_return ErrorResponse(request, target.status());
  const Segments& path = target->segments;
  const auto method = request.method();

  if (method == http::verb::post && Matches(path, {"api", "v1", "accounts"})) {
    co_return co_await Register(request, context, client_address);
  }
  if (method == http::verb::post && Matches(path, {"api", "v1", "sessions"})) {
    co_return co_await Login(request, context, client_address);
  }
  if (method == http::verb::post && Matches(path, {"api", "v1", "sessions", "second-factor"})) {
    co_return co_await CompleteSecondFactor(request, context, client_address);
  }
  if (method == http::verb::post && IsPublicEmailRoute(path)) {
    auto answering = HandlePublicEmailApi(request, path, context, client_address);
    if (auto response = co_await std::move(answering)) co_return std::move(*response);
  }
  if (IsPublicOidcRoute(method, path)) {
    auto answering = HandlePublicOidcApi(request, path, context, target->query, client_address);
    if (auto response = co_await std::move(answering)) co_return std::move(*response);
  }
  if (path.empty() || path[0] != "api") {
    // Everything outside /api is the web app.
    if (method != http::verb::get && method != http::verb::head) {
      co_return ErrorResponse(request, Status(Code::kNotFound, "no such path"));
    }
    auto serving = OnWorker(context.workers, [&] { return context.web.Serve(request, path); });
    co_return co_await std::move(serving);
  }
  if (path.size() < 2 || path[1] != "v1" || me == nullptr) {
    co_return ErrorResponse(request, Status(Code::kNotFound, "no such path"));
  }
  if (path.size() >= 3 && path[2] == "media") {
    auto download = HandleMediaDownload(request, path, *me, context);
    if (std::optional<ApiResponse> answered = co_await std::move(download)) {
      co_return std::move(*answered);
    }
  }
  if (path.size() >= 4 && path[2] == "account") {
    auto own_data = HandleAccountDataApi(request, path, *me, context, client_address);
    if (std::optional<ApiResponse> answered = co_await std::move(own_data)) {
      co_return std::move(*answered);
    }
  }
  co_return co_await Authenticated(request, path, *me, context, target->query, client_address);
}

}  // namespace parley::net
