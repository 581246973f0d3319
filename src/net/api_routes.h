// What the HTTP API's route files share (api.cc dispatches; api_<feature>.cc serve a feature).
//
// A feature's handler has the signature of FeatureRoutes: it answers a request that is one of
// its routes and returns nullopt for any other, so api.cc can try each feature in turn. The
// handlers run on a connection's event loop and do blocking work on the worker pool (OnWorker);
// the coroutine rule of net/api.h applies.
#ifndef PARLEY_NET_API_ROUTES_H_
#define PARLEY_NET_API_ROUTES_H_

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/auth_service.h"
#include "net/context.h"
#include "net/file_reply.h"
#include "net/http_util.h"

namespace parley::net {

using Segments = std::vector<std::string>;
using Query = std::map<std::string, std::string>;

// Whether the path is exactly `pattern`, where "*" matches any one segment.
inline bool Matches(const Segments& segments, std::initializer_list<std::string_view> pattern) {
  if (segments.size() != pattern.size()) return false;
  size_t i = 0;
  for (std::string_view part : pattern) {
    if (part != "*" && segments[i] != part) return false;
    ++i;
  }
  return true;
}

// The query of a paged text search, ?q=TEXT&after=ID&limit=N (absent: "", 0, 20); other keys
// are ignored. kMalformed when after or limit is not an integer; a limit beyond int becomes -1,
// which the services refuse as out of range.
struct TextPage {
  std::string q;
  int64_t after = 0;
  int limit = 20;
};
inline Result<TextPage> ParseTextPage(const Query& query) {
  TextPage page;
  for (const auto& [key, value] : query) {
    if (key == "q") page.q = value;
    if (key != "after" && key != "limit") continue;
    const std::optional<int64_t> number = ParseInt(value);
    if (!number) return Status(Code::kMalformed, key + " must be an integer");
    if (key == "after") page.after = *number;
    if (key == "limit") page.limit = *number < 0 || *number > INT32_MAX ? -1 : int(*number);
  }
  return page;
}

using RouteResult = boost::asio::awaitable<std::optional<Response>>;
using ApiResponse = std::variant<Response, FileReply>;

// Friends, blocks, profiles and user search (api_social.cc).
RouteResult HandleSocialApi(const Request& request, const Segments& path, const auth::Principal& me,
                            Context& context, const Query& query);

// Sticker packs, the collection and the picker's shelf (api_stickers.cc).
RouteResult HandleStickersApi(const Request& request, const Segments& path,
                              const auth::Principal& me, Context& context);
// Moments: posts, the feed, likes and comments (api_moments.cc).
RouteResult HandleMomentsApi(const Request& request, const Segments& path,
                             const auth::Principal& me, Context& context, const Query& query);

// Push targets and settings (api_push.cc).
RouteResult HandlePushApi(const Request& request, const Segments& path, const auth::Principal& me,
                          Context& context);

// A conversation's retention policy (api_retention.cc).
RouteResult HandleRetentionApi(const Request& request, const Segments& path,
                               const auth::Principal& me, Context& context);

// Message search (api_search.cc).
RouteResult HandleSearchApi(const Request& request, const Segments& path, const auth::Principal& me,
                            Context& context, const Query& query);

// The account's e-mail address (api_email.cc): HandleEmailApi for a logged-in caller;
// HandlePublicEmailApi for the routes that need no login (IsPublicEmailRoute).
RouteResult HandleEmailApi(const Request& request, const Segments& path, const auth::Principal& me,
                           Context& context);
bool IsPublicEmailRoute(const Segments& path);
RouteResult HandlePublicEmailApi(const Request& request, const Segments& path, Context& context,
                                 const std::string& client_address);

// Two-step sign-in (api_two_factor.cc): HandleTwoFactorApi for the caller's own settings;
// CompleteSecondFactor for POST /api/v1/sessions/second-factor (no login needed).
RouteResult HandleTwoFactorApi(const Request& request, const Segments& path,
                               const auth::Principal& me, Context& context,
                               const std::string& client_address);
boost::asio::awaitable<Response> CompleteSecondFactor(const Request& request, Context& context,
                                                      const std::string& client_address);

// The user's own data (api_account_data.cc): the export (its download is a file reply, hence
// ApiResponse) and account deletion.
boost::asio::awaitable<std::optional<ApiResponse>> HandleAccountDataApi(
    const Request& request, const Segments& path, const auth::Principal& me, Context& context,
    const std::string& client_address);

// Signing in with OpenID Connect (api_oidc.cc): HandlePublicOidcApi for the sign-in routes (no
// login needed, IsPublicOidcRoute); HandleOidcApi for the caller's linked identities.
bool IsPublicOidcRoute(boost::beast::http::verb method, const Segments& path);
RouteResult HandlePublicOidcApi(const Request& request, const Segments& path, Context& context,
                                const Query& query, const std::string& client_address);
RouteResult HandleOidcApi(const Request& request, const Segments& path, const auth::Principal& me,
                          Context& context);

}  // namespace parley::net

#endif  // PARLEY_NET_API_ROUTES_H_
