// The media routes of the HTTP API (docs/protocol.md, "Media"): resumable uploads under
// /api/v1/uploads and downloads under /api/v1/media. Each handler answers its routes and
// returns nullopt for any other path (net/api_routes.h). The service calls block, so they run
// on the worker pool; file bytes are streamed by FileReply.
#ifndef PARLEY_NET_API_MEDIA_H_
#define PARLEY_NET_API_MEDIA_H_

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/file.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/api.h"
#include "net/api_routes.h"

namespace parley::net {

// POST /api/v1/uploads, GET|DELETE /api/v1/uploads/{id}, POST /api/v1/uploads/{id}/complete
// (the chunk PUT streams its body: net/upload_chunk.h). Completing runs on the media pool, at
// most Context::completions at once per user.
RouteResult HandleUploadApi(const Request& request, const Segments& path, const auth::Principal& me,
                            Context& context);

// GET|HEAD /api/v1/media/{id}, /api/v1/media/{id}/thumbnail; GET /api/v1/media/{id}/info
boost::asio::awaitable<std::optional<ApiResponse>> HandleMediaDownload(const Request& request,
                                                                       const Segments& path,
                                                                       const auth::Principal& me,
                                                                       Context& context);

// A media file ready to serve as GET /api/v1/media/{id} serves it.
struct OpenedMedia {
  chat::MediaFile file;
  boost::beast::file handle;
  int64_t size = 0;
  std::string redirect;  // a presigned URL of the blob store (redirect_downloads)
};
// Blocking (on a worker): opens the blob of `file` (one MediaService call returned, having
// checked the reader) at once, so a later cleanup does not cut the download short; or makes the
// blob store's URL (redirect_downloads). `file`'s error is returned as it is.
Result<OpenedMedia> OpenMediaFile(chat::MediaService& media, Result<chat::MediaFile> file,
                                  bool thumbnail);
// The response: ranges, ETag/If-None-Match, HEAD, or the redirect.
ApiResponse ServeOpenedMedia(const Request& request, OpenedMedia& opened, bool thumbnail);

// Whether the request is a chunk PUT, whose body limit is the upload chunk size rather than
// the server's max_body_bytes, and whose body is streamed to the upload (net/upload_chunk.h).
bool IsUploadChunk(boost::beast::http::verb method, std::string_view target);

}  // namespace parley::net

#endif  // PARLEY_NET_API_MEDIA_H_
