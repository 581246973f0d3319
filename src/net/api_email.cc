// The HTTP routes of the account's e-mail address and password reset (docs/protocol.md,
// "E-mail and password reset"):
//   GET  /api/v1/account/email                 the caller's address and whether it is verified
//   PUT  /api/v1/account/email                 {"email", "password"}: set, change or remove
//   POST /api/v1/account/email/verify          {"token"}            (no login needed)
//   POST /api/v1/password-reset                {"account"}          (no login needed)
//   POST /api/v1/password-reset/confirm        {"token", "new_password"} (no login needed)
#include <boost/asio/post.hpp>

#include "base/clock.h"
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/account_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;

namespace {

Response EmailResponse(const Request& request, const account::EmailState& state) {
  return JsonResponse(request, 200, proto::EmailBody(state.address, state.verified));
}

boost::asio::awaitable<Response> RequestReset(const Request& request, Context& context,
                                              const std::string& client_address) {
  auto identifier = proto::DecodeResetRequest(request.body());
  if (!identifier.ok()) co_return ErrorResponse(request, identifier.status());
  const int64_t now = NowMillis();
  // In-memory checks only, then the answer: whether the account exists is looked up after it.
  Status admitted = context.email.RequestPasswordReset(*identifier, client_address, now);
  if (!admitted.ok()) co_return ErrorResponse(request, admitted);
  boost::asio::post(context.workers, [&email = context.email, name = std::move(*identifier), now] {
    email.SendResetMail(name, now);
  });
  co_return JsonResponse(request, 202,
                         R"({"status":"sent if the account has a verified address"})");
}

}  // namespace

bool IsPublicEmailRoute(const Segments& path) {
  return Matches(path, {"api", "v1", "account", "email", "verify"}) ||
         Matches(path, {"api", "v1", "password-reset"}) ||
         Matches(path, {"api", "v1", "password-reset", "confirm"});
}

RouteResult HandlePublicEmailApi(const Request& request, const Segments& path, Context& context,
                                 const std::string& client_address) {
  if (request.method() != http::verb::post || !IsPublicEmailRoute(path)) co_return std::nullopt;
  account::EmailService& email = context.email;
  if (Matches(path, {"api", "v1", "password-reset"})) {
    auto requesting = RequestReset(request, context, client_address);
    co_return co_await std::move(requesting);
  }
  if (Matches(path, {"api", "v1", "account", "email", "verify"})) {
    auto token = proto::DecodeVerifyEmail(request.body());
    if (!token.ok()) co_return ErrorResponse(request, token.status());
    Status status = co_await OnWorker(
        context.workers, [&] { return email.VerifyEmail(*token, client_address, NowMillis()); });
    co_return StatusResponse(request, status);
  }
  auto body = proto::DecodeResetConfirm(request.body());
  if (!body.ok()) co_return ErrorResponse(request, body.status());
  auto resetting = OnPool(context.hashing, [&] {
    return email.ResetPassword(body->token, body->new_password, client_address, NowMillis());
  });
  Status status = co_await std::move(resetting);
  co_return StatusResponse(request, status);
}

RouteResult HandleEmailApi(const Request& request, const Segments& path, const auth::Principal& me,
                           Context& context) {
  if (!Matches(path, {"api", "v1", "account", "email"})) co_return std::nullopt;
  account::EmailService& email = context.email;
  if (request.method() == http::verb::get) {
    auto state = co_await OnWorker(context.workers, [&] { return email.GetEmail(me); });
    if (!state.ok()) co_return ErrorResponse(request, state.status());
    co_return EmailResponse(request, *state);
  }
  if (request.method() != http::verb::put) co_return std::nullopt;
  auto body = proto::DecodeSetEmail(request.body());
  if (!body.ok()) co_return ErrorResponse(request, body.status());
  // The password check costs an argon2id hash: one in flight per user, as for a change.
  auto slot = context.password_changes.TryEnter(me.user.id);
  if (!slot) {
    co_return ErrorResponse(
        request, Status(Code::kRateLimited, "a password check of yours is already running"));
  }
  auto setting = OnPool(context.hashing, [&] {
    return email.SetEmail(me, body->email, body->password, NowMillis());
  });
  auto state = co_await std::move(setting);
  if (!state.ok()) co_return ErrorResponse(request, state.status());
  co_return EmailResponse(request, *state);
}

}  // namespace parley::net
