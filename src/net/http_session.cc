#include "net/http_session.h"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include "net/api.h"
#include "net/api_media.h"
#include "net/client_address.h"
#include "net/ws_session.h"
#include "proto/server_frames.h"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;

namespace {

// A response for a request that could not be read at all (no request to mirror).
Response BareError(const Status& status) {
  Request request;
  request.version(11);
  request.keep_alive(false);
  return ErrorResponse(request, status);
}

Status StatusOfReadError(const beast::error_code& ec) {
  if (ec == http::error::body_limit) return Status(Code::kTooLarge, "request body too large");
  if (ec == http::error::header_limit) return Status(Code::kTooLarge, "request header too large");
  return Status(Code::kMalformed, "malformed HTTP request");
}

}  // namespace

awaitable<void> ServeHttp(asio::ip::tcp::socket socket, Context& context) {
  beast::error_code ec;
  std::optional<IpAddress> peer;
  if (auto endpoint = socket.remote_endpoint(ec); !ec) peer = endpoint.address();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    // The parser checks a Content-Length against the limit as soon as the header is read, so
    // the header is read under the larger of the two limits and the route's limit applied
    // right after it.
    const uint64_t max_body = context.options.max_body_bytes;
    const uint64_t chunk_bytes = static_cast<uint64_t>(context.media.options().chunk_bytes);
    parser.body_limit(std::max(max_body, chunk_bytes));
    stream.expires_after(std::chrono::milliseconds(context.options.http_timeout_ms));
    co_await http::async_read_header(stream, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
      // An upload chunk's body may be as large as the chunk size; every other body keeps the
      // ordinary limit.
      const auto& header = parser.get();
      const uint64_t limit =
          IsUploadChunk(header.method(),
                        std::string_view(header.target().data(), header.target().size()))
              ? chunk_bytes
              : max_body;
      parser.body_limit(limit);
      if (parser.content_length() && *parser.content_length() > limit) {
        ec = http::error::body_limit;
      } else if (header[http::field::expect] == "100-continue") {
        http::response<http::empty_body> proceed{http::status::continue_, header.version()};
        co_await http::async_write(stream, proceed, asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    if (!ec) {
      co_await http::async_read(stream, buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
    }
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
        ec == beast::error::timeout || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      break;
    }
    if (ec) {
      Response response = BareError(StatusOfReadError(ec));
      co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
      break;
    }
    Request request = parser.release();
    if (beast::websocket::is_upgrade(request)) {
      if (request.target() != "/ws") {
        Response response = ErrorResponse(request, Status(Code::kNotFound, "no such path"));
        co_await http::async_write(stream, response, asio::redirect_error(asio::use_awaitable, ec));
        break;
      }
      stream.expires_never();
      std::make_shared<WsSession>(std::move(stream), context)->Start(std::move(request));
      co_return;
    }
    const std::string client_address = RequestClientKey(peer, request, context.options.proxy_trust);
    auto handling = HandleApi(request, context, client_address);
    ApiResponse response = co_await std::move(handling);
    bool keep_alive = false;
    if (auto* whole = std::get_if<Response>(&response)) {
      keep_alive = whole->keep_alive();
      co_await http::async_write(stream, *whole, asio::redirect_error(asio::use_awaitable, ec));
    } else {
      FileReply& file = std::get<FileReply>(response);
      keep_alive = file.keep_alive;
      const std::chrono::milliseconds piece_timeout(context.options.http_timeout_ms);
      auto writing = WriteFileReply(stream, file, piece_timeout, ec);
      co_await std::move(writing);
    }
    if (ec || !keep_alive) break;
  }
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace parley::net
