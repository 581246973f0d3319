#include "net/api_media.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>

#include "net/blocking.h"
#include "net/http_ranges.h"
#include "proto/media_bodies.h"
#include "proto/server_frames.h"

namespace parley::net {
namespace beast = boost::beast;
namespace http = beast::http;
using boost::asio::awaitable;

namespace {

constexpr const char* kImmutable = "private, max-age=31536000, immutable";

// --- downloads ---

// Types a browser would run as a document or script are only ever downloaded.
std::string_view ServedType(std::string_view mime) {
  for (std::string_view risky : {"html", "svg", "xml", "javascript", "ecmascript"}) {
    if (mime.find(risky) != std::string_view::npos) return "application/octet-stream";
  }
  return mime.empty() ? "application/octet-stream" : mime;
}

// RFC 8187 ext-value of a UTF-8 file name: attr-chars as they are, every other byte %XX.
std::string EncodedFileName(std::string_view name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "UTF-8''";
  for (unsigned char c : name) {
    const bool attr_char =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (attr_char) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string QuotedETag(const chat::MediaFile& file) { return "\"" + file.etag + "\""; }

bool NotModified(const Request& request, const chat::MediaFile& file) {
  auto header = request.find(http::field::if_none_match);
  if (header == request.end()) return false;
  std::string_view value(header->value().data(), header->value().size());
  return value == "*" || value.find(QuotedETag(file)) != std::string_view::npos;
}

std::string Disposition(const chat::MediaFile& file, bool thumbnail) {
  if (thumbnail || file.media.kind != "file") return "inline";
  return "attachment; filename*=" + EncodedFileName(file.media.name);
}

void SetMediaHeaders(http::response_header<>& head, const Request& request,
                     const chat::MediaFile& file, bool thumbnail) {
  head.version(request.version());
  head.set(http::field::server, "parleyd");
  head.set(http::field::etag, QuotedETag(file));
  head.set(http::field::cache_control, kImmutable);
  SetSecurityHeaders(head, Policy::kInert);
  head.set(http::field::accept_ranges, "bytes");
  head.set(http::field::content_type, std::string(ServedType(file.mime)));
  head.set(http::field::content_disposition, Disposition(file, thumbnail));
}

// 302 to the presigned URL; not cached, since the URL expires soon.
ApiResponse RedirectToStore(const Request& request, const OpenedMedia& opened) {
  Response response{http::status::found, request.version()};
  response.set(http::field::server, "parleyd");
  response.set(http::field::location, opened.redirect);
  response.set(http::field::cache_control, "no-store");
  SetSecurityHeaders(response.base(), Policy::kInert);
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

}  // namespace

Result<OpenedMedia> OpenMediaFile(chat::MediaService& media, Result<chat::MediaFile> file,
                                  bool thumbnail) {
  if (!file.ok()) return file.status();
  OpenedMedia opened{std::move(*file), beast::file(), 0, ""};
  if (media.options().redirect_downloads) {
    // Issued only after the reader was checked, like a proxied download.
    auto url = media.DownloadUrl(opened.file, std::string(ServedType(opened.file.mime)),
                                 Disposition(opened.file, thumbnail));
    if (!url.ok()) return url.status();
    opened.redirect = std::move(*url);
    return opened;
  }
  beast::error_code ec;
  opened.handle.open(opened.file.path.c_str(), beast::file_mode::scan, ec);
  if (ec) return Status(Code::kNotFound, "no such media");
  const uint64_t size = opened.handle.size(ec);
  if (ec) return Status(Code::kInternal, "media: cannot read the stored file");
  opened.size = static_cast<int64_t>(size);
  return opened;
}

ApiResponse ServeOpenedMedia(const Request& request, OpenedMedia& opened, bool thumbnail) {
  if (!opened.redirect.empty()) return RedirectToStore(request, opened);
  if (NotModified(request, opened.file)) {
    Response response{http::status::not_modified, request.version()};
    SetMediaHeaders(response.base(), request, opened.file, thumbnail);
    response.erase(http::field::content_type);
    response.keep_alive(request.keep_alive());
    return response;
  }
  auto header = request.find(http::field::range);
  const ByteRange range =
      header == request.end()
          ? ByteRange{}
          : ParseRange(std::string_view(header->value().data(), header->value().size()),
                       opened.size);
  const std::string total = std::to_string(opened.size);
  if (range.kind == ByteRange::Kind::kUnsatisfiable) {
    Response response{http::status::range_not_satisfiable, request.version()};
    SetMediaHeaders(response.base(), request, opened.file, thumbnail);
    response.set(http::field::content_range, "bytes */" + total);
    response.set(http::field::content_type, "text/plain");
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    return response;
  }
  FileReply reply{http::response_header<>(), std::move(opened.handle), 0, opened.size,
                  request.keep_alive()};
  SetMediaHeaders(reply.head, request, opened.file, thumbnail);
  reply.head.result(http::status::ok);
  if (range.kind == ByteRange::Kind::kPart) {
    reply.head.result(http::status::partial_content);
    reply.offset = range.first;
    reply.length = range.last - range.first + 1;
    reply.head.set(http::field::content_range, "bytes " + std::to_string(range.first) + "-" +
                                                   std::to_string(range.last) + "/" + total);
  }
  if (request.method() == http::verb::head) {
    Response response{reply.head.result(), request.version()};
    response.base() = std::move(reply.head);
    response.keep_alive(request.keep_alive());
    response.content_length(static_cast<uint64_t>(reply.length));
    return response;
  }
  return reply;
}

bool IsUploadChunk(http::verb method, std::string_view target) {
  constexpr std::string_view kUploads = "/api/v1/uploads/";
  return method == http::verb::put && target.substr(0, kUploads.size()) == kUploads;
}

RouteResult HandleUploadApi(const Request& request, const Segments& path, const auth::Principal& me,
                            Context& context) {
  const auto method = request.method();
  chat::MediaService& media = context.media;
  if (method == http::verb::post && Matches(path, {"api", "v1", "uploads"})) {
    auto body = proto::DecodeNewUpload(request.body());
    if (!body.ok()) co_return ErrorResponse(request, body.status());
    auto created =
        co_await OnWorker(context.workers, [&] { return media.Create(me.user.id, *body); });
    if (!created.ok()) co_return ErrorResponse(request, created.status());
    co_return JsonResponse(request, 201, proto::UploadBody(*created, media.options().chunk_bytes));
  }
  if (method == http::verb::post && Matches(path, {"api", "v1", "uploads", "*", "complete"})) {
    auto slot = context.completions.TryEnter(me.user.id);
    if (!slot) {
      co_return ErrorResponse(
          request, Status(Code::kRateLimited, "too many of your uploads are being completed"));
    }
    auto completing =
        OnPool(context.media_work, [&] { return media.Complete(me.user.id, path[3]); });
    auto completed = co_await std::move(completing);
    if (!completed.ok()) co_return ErrorResponse(request, completed.status());
    co_return JsonResponse(request, 201, proto::MediaBody(*completed));
  }
  if (!Matches(path, {"api", "v1", "uploads", "*"})) co_return std::nullopt;
  if (method == http::verb::get) {
    auto upload =
        co_await OnWorker(context.workers, [&] { return media.Find(me.user.id, path[3]); });
    if (!upload.ok()) co_return ErrorResponse(request, upload.status());
    co_return JsonResponse(request, 200, proto::UploadBody(*upload, media.options().chunk_bytes));
  }
  if (method == http::verb::delete_) {
    Status status =
        co_await OnWorker(context.workers, [&] { return media.Abandon(me.user.id, path[3]); });
    co_return StatusResponse(request, status);
  }
  co_return std::nullopt;
}

awaitable<std::optional<ApiResponse>> HandleMediaDownload(const Request& request,
                                                          const Segments& path,
                                                          const auth::Principal& me,
                                                          Context& context) {
  const auto method = request.method();
  if (method != http::verb::get && method != http::verb::head) co_return std::nullopt;
  chat::MediaService& media = context.media;
  if (method == http::verb::get && Matches(path, {"api", "v1", "media", "*", "info"})) {
    auto info = co_await OnWorker(context.workers, [&] { return media.Info(me.user.id, path[3]); });
    if (!info.ok()) co_return ErrorResponse(request, info.status());
    co_return JsonResponse(request, 200, proto::MediaBody(*info));
  }
  const bool thumbnail = Matches(path, {"api", "v1", "media", "*", "thumbnail"});
  if (!thumbnail && !Matches(path, {"api", "v1", "media", "*"})) co_return std::nullopt;
  auto opened = co_await OnWorker(context.workers, [&] {
    return OpenMediaFile(media, media.Open(me.user.id, path[3], thumbnail), thumbnail);
  });
  if (!opened.ok()) co_return ErrorResponse(request, opened.status());
  co_return ServeOpenedMedia(request, *opened, thumbnail);
}

}  // namespace parley::net
