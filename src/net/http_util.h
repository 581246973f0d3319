// Small helpers for HTTP handling in net/: splitting a request target into path segments and
// query parameters, strict integer parsing, JSON response building, and the security headers
// every response carries (SetSecurityHeaders: the one place that sets them). Pure functions.
#ifndef PARLEY_NET_HTTP_UTIL_H_
#define PARLEY_NET_HTTP_UTIL_H_

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace parley::net {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct Target {
  std::vector<std::string> segments;  // "/api/v1/users/bob" -> {"api", "v1", "users", "bob"}
  std::map<std::string, std::string> query;
};

// kMalformed for targets that are not origin-form or carry bad percent-encoding.
Result<Target> ParseTarget(std::string_view target);

// A decimal int64 with nothing else around it.
std::optional<int64_t> ParseInt(std::string_view text);

// The token of an "Authorization: Bearer <token>" header; empty if absent or another scheme.
std::string BearerToken(const Request& request);

// Which Content-Security-Policy a response gets.
enum class Policy {
  // The web app's own files: scripts, styles, fonts and fetches from this origin only (plus the
  // WebSocket on it), images also from blob: and data:, media also from blob:; no inline script
  // or style, no eval, no plugins, no <base>, never framed.
  kWebApp,
  // Everything else (JSON, errors, people's media): nothing may load or run, and the document
  // is sandboxed, so a body opened in a tab is inert.
  kInert,
};

// The web app's policy. `host` is the request's Host header: when it is a plain host[:port]
// (base/plain_host.h), connect-src names ws://host and wss://host, for browsers whose 'self'
// does not cover WebSocket schemes; otherwise only 'self'. `media_origin`, when not empty, is
// one more origin connect-src admits: the bucket media downloads are redirected to (checked
// by the config: "http(s)://" and a plain host).
std::string WebAppPolicy(std::string_view host, std::string_view media_origin = {});

// Sets on `headers`: Content-Security-Policy (as `policy` says; `host` and `media_origin` are
// used by kWebApp only, as WebAppPolicy says), X-Content-Type-Options: nosniff, Referrer-Policy:
// no-referrer and X-Frame-Options: DENY (for browsers without frame-ancestors). Every response
// parleyd writes passes through here: JsonResponse, EmptyResponse and ErrorResponse call it, and so
// do static files, media downloads and the WebSocket handshake's answers.
void SetSecurityHeaders(boost::beast::http::fields& headers, Policy policy,
                        std::string_view host = {}, std::string_view media_origin = {});

Response JsonResponse(const Request& request, unsigned status, std::string body);
Response EmptyResponse(const Request& request, unsigned status);
Response ErrorResponse(const Request& request, const Status& status);
// 204 No Content when `status` is ok, else ErrorResponse.
Response StatusResponse(const Request& request, const Status& status);

}  // namespace parley::net

#endif  // PARLEY_NET_HTTP_UTIL_H_
