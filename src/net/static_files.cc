#include "net/static_files.h"

#include <boost/beast/http.hpp>
#include <fstream>
#include <iterator>
#include <string_view>
#include <system_error>

namespace parley::net {
namespace http = boost::beast::http;
namespace fs = std::filesystem;

namespace {

constexpr uintmax_t kMaxFileBytes = 32u << 20;

std::string_view ContentTypeOf(const fs::path& file) {
  const std::string extension = file.extension().string();
  if (extension == ".html") return "text/html; charset=utf-8";
  if (extension == ".js" || extension == ".mjs") return "text/javascript; charset=utf-8";
  if (extension == ".css") return "text/css; charset=utf-8";
  if (extension == ".json" || extension == ".map") return "application/json";
  if (extension == ".webmanifest") return "application/manifest+json";
  if (extension == ".svg") return "image/svg+xml";
  if (extension == ".png") return "image/png";
  if (extension == ".jpg" || extension == ".jpeg") return "image/jpeg";
  if (extension == ".webp") return "image/webp";
  if (extension == ".ico") return "image/x-icon";
  if (extension == ".woff2") return "font/woff2";
  if (extension == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool IsSafeSegment(const std::string& segment) {
  if (segment.empty() || segment.front() == '.') return false;
  return segment.find_first_of(std::string_view("/\\\0", 3)) == std::string::npos;
}

// Whether `path` (canonical) is `root` or inside it.
bool IsInside(const fs::path& path, const fs::path& root) {
  auto mismatch = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return mismatch.first == root.end();
}

Response NotFound(const Request& request) {
  return ErrorResponse(request, Status(Code::kNotFound, "no such path"));
}

}  // namespace

StaticFiles::StaticFiles(fs::path root, std::string media_origin)
    : media_origin_(std::move(media_origin)) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  if (!ec && fs::is_directory(canonical, ec)) root_ = std::move(canonical);
}

Response StaticFiles::Serve(const Request& request,
                            const std::vector<std::string>& segments) const {
  if (root_.empty()) return NotFound(request);
  fs::path relative;
  for (const std::string& segment : segments) {
    if (!IsSafeSegment(segment)) return NotFound(request);
    relative /= segment;
  }
  std::error_code ec;
  const fs::path candidate = fs::canonical(root_ / relative, ec);
  if (!ec && IsInside(candidate, root_) && fs::is_regular_file(candidate, ec)) {
    const bool immutable = !segments.empty() && segments.front() == "assets";
    return ServeFile(request, candidate, immutable);
  }
  // Something is there (a directory, a link leading out of the root): not a route.
  if (!segments.empty() && fs::exists(fs::symlink_status(root_ / relative, ec))) {
    return NotFound(request);
  }
  const bool looks_like_route = segments.empty() || !fs::path(segments.back()).has_extension();
  if (!looks_like_route) return NotFound(request);
  const fs::path index = root_ / "index.html";
  if (!fs::is_regular_file(index, ec)) return NotFound(request);
  return ServeFile(request, index, false);
}

Response StaticFiles::ServeFile(const Request& request, const fs::path& file,
                                bool immutable) const {
  std::error_code ec;
  const uintmax_t size = fs::file_size(file, ec);
  const auto modified = fs::last_write_time(file, ec);
  if (ec || size > kMaxFileBytes) {
    return ErrorResponse(request, Status(Code::kInternal, "static file unreadable"));
  }
  const std::string etag = "\"" + std::to_string(size) + "-" +
                           std::to_string(modified.time_since_epoch().count()) + "\"";
  Response response;
  response.version(request.version());
  response.keep_alive(request.keep_alive());
  response.set(http::field::etag, etag);
  response.set(http::field::cache_control,
               immutable ? "public, max-age=31536000, immutable" : "no-cache");
  const std::string_view content_type = ContentTypeOf(file);
  response.set(http::field::content_type,
               boost::beast::string_view(content_type.data(), content_type.size()));
  const auto host = request[http::field::host];
  SetSecurityHeaders(response, Policy::kWebApp, std::string_view(host.data(), host.size()),
                     media_origin_);
  if (request[http::field::if_none_match] == etag) {
    response.result(http::status::not_modified);
    return response;
  }
  response.result(http::status::ok);
  if (request.method() == http::verb::head) {
    response.content_length(size);
    return response;
  }
  std::ifstream in(file, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return ErrorResponse(request, Status(Code::kInternal, "static file unreadable"));
  }
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

}  // namespace parley::net
