// The HTTP routes of signing in with OpenID Connect (docs/protocol.md, "Signing in with OpenID
// Connect"). No login needed:
//   GET  /api/v1/auth/oidc/providers            the configured providers (the login screen)
//   GET  /api/v1/auth/oidc/NAME/start           302 to the provider; sets the browser cookie
//   GET  /api/v1/auth/oidc/NAME/callback        303 to the web app: /#oidc=TICKET, or
//                                               /#oidc-error=REASON
//   POST /api/v1/auth/oidc/finish               {"ticket", "device"?}
//   POST /api/v1/auth/oidc/accounts             {"ticket", "username", "device"?}
//   POST /api/v1/auth/oidc/link                 {"ticket", "username", "password", "device"?}
// For the caller:
//   POST   /api/v1/account/identities/confirm       {"ticket"}: a fresh proof of identity, for
//                                                 an account without a password
//   GET    /api/v1/account/identities
//   DELETE /api/v1/account/identities/PROVIDER/SUBJECT
#include "base/clock.h"
#include "net/api_routes.h"
#include "net/blocking.h"
#include "oidc/oidc_service.h"
#include "proto/oidc_bodies.h"
#include "proto/server_frames.h"
#include "proto/two_factor_bodies.h"

namespace parley::net {
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kCookie = "parley_oidc";
constexpr size_t kMaxQueryValueBytes = 4096;

// The refusal reasons the web app knows (oidc_service.h and id_token.h begin their messages
// with them); anything else is named by its code.
std::string ReasonOf(const Status& status) {
  static constexpr std::string_view kReasons[] = {
      "state",  "browser",  "code",    "ticket", "malformed", "signature", "unknown_key",
      "issuer", "audience", "expired", "issued", "nonce",     "subject"};
  const std::string_view message = status.message();
  const std::string_view head = message.substr(0, message.find(':'));
  for (std::string_view reason : kReasons) {
    if (status.code() == Code::kUnauthenticated && head == reason) return std::string(reason);
  }
  switch (status.code()) {
    case Code::kNotFound:
      return "unknown_provider";
    case Code::kRateLimited:
      return "rate_limited";
    case Code::kUnavailable:
      return "unavailable";
    default:
      return "failed";
  }
}

// The value of cookie `name` in the request, or "".
std::string CookieValue(const Request& request, std::string_view name) {
  auto header = request.find(http::field::cookie);
  if (header == request.end()) return "";
  std::string_view rest(header->value().data(), header->value().size());
  while (!rest.empty()) {
    const size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return "";
}

Response Redirect(const Request& request, unsigned status, const std::string& location) {
  Response response = EmptyResponse(request, status);
  response.set(http::field::location, location);
  response.set(http::field::cache_control, "no-store");
  return response;
}

std::string BrowserCookie(const oidc::OidcService& oidc, std::string_view value, int max_age) {
  const bool secure = oidc.WebAppUrl("").starts_with("https://");
  return std::string(kCookie) + "=" + std::string(value) +
         "; Path=/api/v1/auth/oidc; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(max_age) +
         (secure ? "; Secure" : "");
}

std::string QueryValue(const Query& query, const char* name) {
  auto it = query.find(name);
  if (it == query.end() || it->second.size() > kMaxQueryValueBytes) return "";
  return it->second;
}

RouteResult Start(const Request& request, const std::string& provider, Context& context,
                  const std::string& client_address) {
  oidc::OidcService& oidc = *context.oidc;
  auto started = co_await OnWorker(
      context.workers, [&] { return oidc.Start(provider, client_address, NowMillis()); });
  if (!started.ok()) {
    co_return Redirect(request, 303, oidc.WebAppUrl("oidc-error=" + ReasonOf(started.status())));
  }
  Response response = Redirect(request, 302, started->authorization_url);
  response.set(http::field::set_cookie, BrowserCookie(oidc, started->browser_binding, 600));
  co_return response;
}

RouteResult Callback(const Request& request, const std::string& provider, Context& context,
                     const Query& query, const std::string& client_address) {
  oidc::OidcService& oidc = *context.oidc;
  Result<std::string> ticket = Status(Code::kUnauthenticated, "code: the provider said no");
  if (QueryValue(query, "error").empty()) {
    const std::string binding = CookieValue(request, kCookie);
    ticket = co_await OnWorker(context.workers, [&] {
      return oidc.Callback(provider, QueryValue(query, "code"), QueryValue(query, "state"), binding,
                           client_address, NowMillis());
    });
  }
  Response response = Redirect(
      request, 303,
      oidc.WebAppUrl(ticket.ok() ? "oidc=" + *ticket : "oidc-error=" + ReasonOf(ticket.status())));
  response.set(http::field::set_cookie, BrowserCookie(oidc, "", 0));
  co_return response;
}

Response LoginAnswer(const Request& request, const Result<auth::LoginResult>& login) {
  if (!login.ok()) return ErrorResponse(request, login.status());
  if (login->second_factor) {
    return JsonResponse(request, 202,
                        proto::SecondFactorChallengeBody(login->second_factor->token,
                                                         login->second_factor->expires_at));
  }
  return JsonResponse(request, 201, proto::LoginBody(login->token, login->device, login->user));
}

RouteResult Step(const Request& request, const std::string& step, Context& context,
                 const std::string& client_address) {
  oidc::OidcService& oidc = *context.oidc;
  const bool link = step == "link";
  auto body = proto::DecodeOidcStep(request.body(), step != "finish", link);
  if (!body.ok()) co_return ErrorResponse(request, body.status());
  if (step == "finish") {
    auto finished = co_await OnWorker(context.workers, [&] {
      return oidc.Finish(body->ticket, body->device, client_address, NowMillis());
    });
    if (!finished.ok()) co_return ErrorResponse(request, finished.status());
    if (finished->login) co_return LoginAnswer(request, *finished->login);
    co_return JsonResponse(
        request, 200,
        proto::OidcAccountNeededBody(finished->provider_display_name, finished->suggested_username,
                                     finished->display_name, finished->expires_at));
  }
  if (step == "accounts") {
    auto created = co_await OnWorker(context.workers, [&] {
      return oidc.CreateAccount(body->ticket, body->username, body->device, client_address,
                                NowMillis());
    });
    co_return LoginAnswer(request, created);
  }
  // The password check costs an argon2id hash.
  auto linking = OnPool(context.hashing, [&] {
    return oidc.LinkAccount(body->ticket, body->username, body->password, body->device,
                            client_address, NowMillis());
  });
  co_return LoginAnswer(request, co_await std::move(linking));
}

}  // namespace

bool IsPublicOidcRoute(http::verb method, const Segments& path) {
  if (path.size() < 5 || path[2] != "auth" || path[3] != "oidc") return false;
  if (method == http::verb::get) {
    return Matches(path, {"api", "v1", "auth", "oidc", "providers"}) ||
           Matches(path, {"api", "v1", "auth", "oidc", "*", "start"}) ||
           Matches(path, {"api", "v1", "auth", "oidc", "*", "callback"});
  }
  return method == http::verb::post && path.size() == 5 &&
         (path[4] == "finish" || path[4] == "accounts" || path[4] == "link");
}

RouteResult HandlePublicOidcApi(const Request& request, const Segments& path, Context& context,
                                const Query& query, const std::string& client_address) {
  if (!IsPublicOidcRoute(request.method(), path)) co_return std::nullopt;
  if (path[4] == "providers") {
    std::vector<proto::OidcProviderEntry> entries;
    if (context.oidc != nullptr) {
      for (const oidc::ProviderInfo& provider : context.oidc->Providers()) {
        entries.push_back({provider.name, provider.display_name});
      }
    }
    co_return JsonResponse(request, 200, proto::OidcProvidersBody(entries));
  }
  if (context.oidc == nullptr) {
    co_return ErrorResponse(request, Status(Code::kNotFound, "no sign-in providers"));
  }
  if (path.size() == 6 && path[5] == "start") {
    co_return co_await Start(request, path[4], context, client_address);
  }
  if (path.size() == 6)
    co_return co_await Callback(request, path[4], context, query, client_address);
  co_return co_await Step(request, path[4], context, client_address);
}

RouteResult HandleOidcApi(const Request& request, const Segments& path, const auth::Principal& me,
                          Context& context) {
  if (path.size() < 4 || path[2] != "account" || path[3] != "identities") co_return std::nullopt;
  const auto method = request.method();
  if (context.oidc == nullptr) {
    if (method == http::verb::get && path.size() == 4) {
      co_return JsonResponse(request, 200, proto::OidcIdentitiesBody({}));
    }
    co_return ErrorResponse(request, Status(Code::kNotFound, "no such linked identity"));
  }
  oidc::OidcService& oidc = *context.oidc;
  if (method == http::verb::get && path.size() == 4) {
    auto identities = co_await OnWorker(context.workers, [&] { return oidc.Identities(me); });
    if (!identities.ok()) co_return ErrorResponse(request, identities.status());
    std::vector<proto::OidcIdentityEntry> entries;
    for (const oidc::LinkedIdentity& linked : *identities) {
      entries.push_back({linked.identity.provider, linked.provider_display_name,
                         linked.identity.subject, linked.identity.created_at});
    }
    co_return JsonResponse(request, 200, proto::OidcIdentitiesBody(entries));
  }
  if (method == http::verb::post &&
      Matches(path, {"api", "v1", "account", "identities", "confirm"})) {
    auto body = proto::DecodeOidcStep(request.body(), false, false);
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    Status status = co_await OnWorker(
        context.workers, [&] { return oidc.ConfirmIdentity(me, body->ticket, NowMillis()); });
    co_return StatusResponse(request, status);
  }
  if (method == http::verb::delete_ && path.size() == 6) {
    Status status =
        co_await OnWorker(context.workers, [&] { return oidc.Unlink(me, path[4], path[5]); });
    co_return StatusResponse(request, status);
  }
  co_return std::nullopt;
}

}  // namespace parley::net
