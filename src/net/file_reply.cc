#include "net/file_reply.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

asio::awaitable<void> WriteFileReply(tls::Stream& stream, FileReply& reply,
                                     std::chrono::milliseconds piece_timeout,
                                     beast::error_code& ec) {
  http::response<http::buffer_body> response(std::move(reply.head));
  response.keep_alive(reply.keep_alive);
  response.content_length(static_cast<uint64_t>(reply.length));
  response.body().data = nullptr;
  response.body().more = true;
  http::response_serializer<http::buffer_body> serializer(response);
  stream.next_layer().expires_after(piece_timeout);
  co_await http::async_write_header(stream, serializer,
                                    asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  reply.file.seek(static_cast<uint64_t>(reply.offset), ec);
  if (ec) co_return;
  auto piece = std::make_unique<char[]>(kFilePieceBytes);
  int64_t remaining = reply.length;
  while (remaining > 0) {
    const size_t want = static_cast<size_t>(std::min<int64_t>(remaining, kFilePieceBytes));
    const size_t got = reply.file.read(piece.get(), want, ec);
    if (ec) co_return;
    if (got == 0) {
      ec = http::error::partial_message;  // the file is shorter than it was
      co_return;
    }
    remaining -= static_cast<int64_t>(got);
    response.body().data = piece.get();
    response.body().size = got;
    response.body().more = remaining > 0;
    stream.next_layer().expires_after(piece_timeout);
    co_await http::async_write(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec) co_return;
  }
  if (!serializer.is_done()) {
    response.body().data = nullptr;
    response.body().size = 0;
    response.body().more = false;
    co_await http::async_write(stream, serializer, asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace parley::net
