// The HTTP routes of two-step sign-in (docs/protocol.md, "Two-step sign-in"):
//   GET  /api/v1/account/2fa                      the caller's state
//   POST /api/v1/account/2fa/totp                 {"password"}: start enrolment (new seed)
//   POST /api/v1/account/2fa/totp/confirm         {"code"}: turn it on; the recovery codes
//   POST /api/v1/account/2fa/disable              {"password", "code"}
//   POST /api/v1/account/2fa/recovery-codes       {"code"}: a new set of recovery codes
//   POST /api/v1/sessions/second-factor           {"challenge", "code"} (no login needed)
#include "base/clock.h"
#include "net/api_routes.h"
#include "net/blocking.h"
#include "proto/server_frames.h"
#include "proto/two_factor_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;

namespace {

Response RecoveryCodes(const Request& request, const Result<std::vector<std::string>>& codes) {
  if (!codes.ok()) return ErrorResponse(request, codes.status());
  return JsonResponse(request, 200, proto::RecoveryCodesBody(*codes));
}

Status PasswordCheckBusy() {
  return Status(Code::kRateLimited, "a password check of yours is already running");
}

}  // namespace

RouteResult HandleTwoFactorApi(const Request& request, const Segments& path,
                               const auth::Principal& me, Context& context,
                               const std::string& client_address) {
  if (path.size() < 4 || path[2] != "account" || path[3] != "2fa") co_return std::nullopt;
  account::TwoFactorService& two_factor = context.two_factor;
  const auto method = request.method();
  if (method == http::verb::get && Matches(path, {"api", "v1", "account", "2fa"})) {
    auto state = co_await OnWorker(context.workers, [&] { return two_factor.State(me); });
    if (!state.ok()) co_return ErrorResponse(request, state.status());
    co_return JsonResponse(
        request, 200,
        proto::TwoFactorStateBody(state->enabled, state->pending, state->recovery_codes_left));
  }
  if (method != http::verb::post) co_return std::nullopt;
  if (Matches(path, {"api", "v1", "account", "2fa", "totp"})) {
    auto password = proto::DecodePasswordOnly(request.body());
    if (!password.ok()) co_return ErrorResponse(request, password.status());
    // The password check costs an argon2id hash: one in flight per user.
    auto slot = context.password_changes.TryEnter(me.user.id);
    if (!slot) co_return ErrorResponse(request, PasswordCheckBusy());
    auto starting = OnPool(context.hashing,
                           [&] { return two_factor.StartEnrolment(me, *password, NowMillis()); });
    auto enrolment = co_await std::move(starting);
    if (!enrolment.ok()) co_return ErrorResponse(request, enrolment.status());
    co_return JsonResponse(request, 201,
                           proto::TotpEnrolmentBody(enrolment->secret, enrolment->uri));
  }
  if (Matches(path, {"api", "v1", "account", "2fa", "totp", "confirm"})) {
    auto code = proto::DecodeCode(request.body());
    if (!code.ok()) co_return ErrorResponse(request, code.status());
    auto codes = co_await OnWorker(context.workers, [&] {
      return two_factor.ConfirmEnrolment(me, *code, client_address, NowMillis());
    });
    co_return RecoveryCodes(request, codes);
  }
  if (Matches(path, {"api", "v1", "account", "2fa", "recovery-codes"})) {
    auto code = proto::DecodeCode(request.body());
    if (!code.ok()) co_return ErrorResponse(request, code.status());
    auto codes = co_await OnWorker(context.workers, [&] {
      return two_factor.NewRecoveryCodes(me, *code, client_address, NowMillis());
    });
    co_return RecoveryCodes(request, codes);
  }
  if (Matches(path, {"api", "v1", "account", "2fa", "disable"})) {
    auto body = proto::DecodeDisableTwoFactor(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto slot = context.password_changes.TryEnter(me.user.id);
    if (!slot) co_return ErrorResponse(request, PasswordCheckBusy());
    auto disabling = OnPool(context.hashing, [&] {
      return two_factor.Disable(me, body->password, body->code, client_address, NowMillis());
    });
    Status status = co_await std::move(disabling);
    co_return StatusResponse(request, status);
  }
  co_return std::nullopt;
}

boost::asio::awaitable<Response> CompleteSecondFactor(const Request& request, Context& context,
                                                      const std::string& client_address) {
  auto body = proto::DecodeSecondFactor(request.body());
  if (!body.ok()) co_return ErrorResponse(request, body.status());
  auto login = co_await OnWorker(context.workers, [&] {
    return context.two_factor.CompleteLogin(body->challenge, body->code, client_address,
                                            NowMillis());
  });
  if (!login.ok()) co_return ErrorResponse(request, login.status());
  co_return JsonResponse(request, 201, proto::LoginBody(login->token, login->device, login->user));
}

}  // namespace parley::net
