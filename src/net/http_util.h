// Small helpers for HTTP handling in net/: splitting a request target into path segments and
// query parameters, strict integer parsing, and JSON response building. Pure functions.
#ifndef PARLEY_NET_HTTP_UTIL_H_
#define PARLEY_NET_HTTP_UTIL_H_

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

Response JsonResponse(const Request& request, unsigned status, std::string body);
Response EmptyResponse(const Request& request, unsigned status);
Response ErrorResponse(const Request& request, const Status& status);

}  // namespace parley::net

#endif  // PARLEY_NET_HTTP_UTIL_H_
