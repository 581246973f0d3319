#include "net/upload_chunk.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>
#include <string>
#include <vector>

#include "net/api_routes.h"
#include "net/blocking.h"
#include "net/http_ranges.h"
#include "proto/media_bodies.h"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using ChunkWriter = chat::MediaService::ChunkWriter;

namespace {

// The chunk the header announces: Content-Range, matched by Content-Length.
Result<chat::ChunkRange> RangeOf(const HeaderParser& parser) {
  const auto& header = parser.get();
  auto field = header.find(http::field::content_range);
  if (field == header.end()) {
    return Status(Code::kInvalidArgument, "Content-Range: bytes START-END/TOTAL is required");
  }
  auto range = ParseContentRange(std::string_view(field->value().data(), field->value().size()));
  if (!range.ok()) return range.status();
  const chat::ChunkRange chunk{range->start, range->end - range->start + 1, range->total};
  if (!parser.content_length() || *parser.content_length() != static_cast<uint64_t>(chunk.length)) {
    return Status(Code::kInvalidArgument, "the body must hold exactly the bytes of Content-Range");
  }
  return chunk;
}

// The answer to a refused chunk; a conflict tells where to resume.
awaitable<Response> Refusal(const Request& head, const Status& status, const std::string& upload_id,
                            const auth::Principal& me, Context& context) {
  if (status.code() == Code::kConflict) {
    auto upload = co_await OnWorker(context.workers,
                                    [&] { return context.media.Find(me.user.id, upload_id); });
    if (upload.ok()) {
      co_return JsonResponse(head, HttpStatusOf(Code::kConflict),
                             proto::UploadConflictBody(status, upload->received));
    }
  }
  co_return ErrorResponse(head, status);
}

// The upload a PUT names; empty when the path is not /api/v1/uploads/{id}.
std::string UploadIdOf(const Request& head) {
  auto target = ParseTarget(std::string_view(head.target().data(), head.target().size()));
  if (!target.ok() || !Matches(target->segments, {"api", "v1", "uploads", "*"})) return "";
  return target->segments[3];
}

// Checks the chunk against the upload and opens it for writing.
awaitable<Result<std::unique_ptr<ChunkWriter>>> OpenChunk(const HeaderParser& parser,
                                                          const std::string& upload_id,
                                                          const auth::Principal& me,
                                                          Context& context) {
  if (upload_id.empty()) co_return Status(Code::kNotFound, "no such endpoint");
  auto range = RangeOf(parser);
  if (!range.ok()) co_return range.status();
  auto beginning = OnWorker(
      context.workers, [&] { return context.media.BeginChunk(me.user.id, upload_id, *range); });
  co_return co_await std::move(beginning);
}

// The most a chunk's body may hold.
uint64_t ChunkLimit(Context& context) {
  return static_cast<uint64_t>(context.media.options().chunk_bytes);
}

}  // namespace

awaitable<Status> PumpBody(tls::Stream& stream, beast::flat_buffer& buffer, HeaderParser& header,
                           uint64_t limit, BodyPieceWriter write, Context& context,
                           beast::error_code& ec) {
  http::request_parser<http::buffer_body> body(std::move(header));
  body.body_limit(limit);
  std::vector<char> piece(kChunkPieceBytes);
  while (!body.is_done()) {
    body.get().body().data = piece.data();
    body.get().body().size = piece.size();
    auto reading =
        http::async_read_some(stream, buffer, body, asio::redirect_error(asio::use_awaitable, ec));
    co_await std::move(reading);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return Status::Ok();
    const size_t size = piece.size() - body.get().body().size;
    if (!write || size == 0) continue;
    const std::string_view bytes(piece.data(), size);
    Status written = co_await OnWorker(context.workers, [&] { return write(bytes); });
    if (!written.ok()) co_return written;
    if (context.metrics != nullptr) context.metrics->media_bytes_received.Add(size);
  }
  co_return Status::Ok();
}

awaitable<ChunkAnswer> ReceiveUploadChunk(tls::Stream& stream, beast::flat_buffer& buffer,
                                          HeaderParser& parser, const auth::Principal& me,
                                          Context& context, beast::error_code& ec) {
  const Request head = HeadOf(parser);
  const std::string upload_id = UploadIdOf(head);
  auto opening = OpenChunk(parser, upload_id, me, context);
  Result<std::unique_ptr<ChunkWriter>> opened = co_await std::move(opening);
  const bool waits = head[http::field::expect] == "100-continue";
  if (!opened.ok()) {
    auto refusing = Refusal(head, opened.status(), upload_id, me, context);
    Response refusal = co_await std::move(refusing);
    if (waits) co_return ChunkAnswer{std::move(refusal), true};
    auto discarding =
        PumpBody(stream, buffer, parser, ChunkLimit(context), BodyPieceWriter(), context, ec);
    co_await std::move(discarding);
    co_return ChunkAnswer{std::move(refusal), false};
  }
  std::unique_ptr<ChunkWriter> writer = std::move(*opened);
  if (waits) {
    http::response<http::empty_body> proceed{http::status::continue_, head.version()};
    auto writing =
        http::async_write(stream, proceed, asio::redirect_error(asio::use_awaitable, ec));
    co_await std::move(writing);
    if (ec) co_return ChunkAnswer{Response{}, true};
  }
  auto pumping = PumpBody(
      stream, buffer, parser, ChunkLimit(context),
      [&writer](std::string_view piece) { return writer->Write(piece); }, context, ec);
  Status streamed = co_await std::move(pumping);
  if (ec) co_return ChunkAnswer{Response{}, true};
  if (!streamed.ok()) co_return ChunkAnswer{ErrorResponse(head, streamed), true};
  auto received = co_await OnWorker(context.workers, [&] { return writer->Finish(); });
  writer.reset();  // the upload is free again before the client can send its next chunk
  if (!received.ok()) co_return ChunkAnswer{ErrorResponse(head, received.status()), false};
  co_return ChunkAnswer{JsonResponse(head, 200, proto::ReceivedBody(*received)), false};
}

}  // namespace parley::net
