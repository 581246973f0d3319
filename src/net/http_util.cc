#include "net/http_util.h"

#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <cctype>
#include <charconv>

#include "base/plain_host.h"
#include "proto/server_frames.h"

namespace parley::net {
namespace http = boost::beast::http;
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] != '%') {
      out.push_back(text[i]);
    } else {
      if (i + 2 >= text.size()) {
        return Status(Code::kMalformed, "bad percent-encoding");
      }
      const int high = HexValue(text[i + 1]);
      const int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return Status(Code::kMalformed, "bad percent-encoding");
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    }
  }
  return out;
}

constexpr std::string_view kInertPolicy =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

}  // namespace

Result<Target> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return Status(Code::kMalformed, "request target must start with '/'");
  }
  Target parsed;
  const size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  size_t start = 1;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    if (end > start) {
      auto segment = PercentDecode(path.substr(start, end - start));
      if (!segment.ok()) return segment.status();
      parsed.segments.push_back(std::move(*segment));
    }
    start = end + 1;
  }
  if (question == std::string_view::npos) return parsed;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!key.ok()) return key.status();
    if (!value.ok()) return value.status();
    parsed.query[std::move(*key)] = std::move(*value);
  }
  return parsed;
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

std::string BearerToken(const Request& request) {
  auto it = request.find(http::field::authorization);
  if (it == request.end()) return "";
  std::string_view value(it->value().data(), it->value().size());
  constexpr std::string_view kScheme = "Bearer ";
  if (value.size() <= kScheme.size() || value.substr(0, kScheme.size()) != kScheme) return "";
  return std::string(value.substr(kScheme.size()));
}

std::string WebAppPolicy(std::string_view host, std::string_view media_origin) {
  std::string connect = "'self'";
  if (IsPlainHost(host)) {
    connect += " ws://" + std::string(host) + " wss://" + std::string(host);
  }
  if (!media_origin.empty()) connect += " " + std::string(media_origin);
  return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
         "media-src 'self' blob:; connect-src " +
         connect +
         "; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
}

void SetSecurityHeaders(http::fields& headers, Policy policy, std::string_view host,
                        std::string_view media_origin) {
  if (policy == Policy::kWebApp) {
    headers.set("Content-Security-Policy", WebAppPolicy(host, media_origin));
  } else {
    headers.set("Content-Security-Policy",
                boost::beast::string_view(kInertPolicy.data(), kInertPolicy.size()));
  }
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "no-referrer");
  headers.set(http::field::x_frame_options, "DENY");
}

Response JsonResponse(const Request& request, unsigned status, std::string body) {
  Response response{static_cast<http::status>(status), request.version()};
  response.set(http::field::server, "parleyd");
  SetSecurityHeaders(response, Policy::kInert);
  response.set(http::field::content_type, "application/json");
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(request.keep_alive());
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response EmptyResponse(const Request& request, unsigned status) {
  Response response{static_cast<http::status>(status), request.version()};
  response.set(http::field::server, "parleyd");
  SetSecurityHeaders(response, Policy::kInert);
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

Response ErrorResponse(const Request& request, const Status& status) {
  return JsonResponse(request, HttpStatusOf(status.code()), proto::ErrorBody(status));
}

Response StatusResponse(const Request& request, const Status& status) {
  return status.ok() ? EmptyResponse(request, 204) : ErrorResponse(request, status);
}

}  // namespace parley::net
