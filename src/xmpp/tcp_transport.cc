#include "xmpp/tcp_transport.h"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <memory>

#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;

TcpTransport::TcpTransport(tls::Stream stream, const XmlLimits& limits)
    : stream_(std::move(stream)), reader_(limits) {}

awaitable<bool> TcpTransport::Open() { co_return true; }

awaitable<std::optional<std::string_view>> TcpTransport::Read() {
  beast::error_code ec;
  const size_t n = co_await stream_.async_read_some(asio::buffer(buffer_),
                                                    asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  co_return std::string_view(buffer_.data(), n);
}

FeedResult TcpTransport::Parse(std::string_view input, int64_t now_ms) {
  return reader_.Feed(input, now_ms);
}

std::string TcpTransport::StreamHeader(std::string_view id, std::string_view domain) const {
  return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
         "xmlns:stream='http://etherx.jabber.org/streams' id='" +
         XmlEscape(id) + "' from='" + XmlEscape(domain) + "' version='1.0' xml:lang='en'>";
}

void TcpTransport::Write(std::array<asio::const_buffer, 3> buffers, WriteDone done) {
  asio::async_write(stream_, buffers,
                    [done = std::move(done)](beast::error_code ec, size_t) { done(ec); });
}

// The same TCP connection, now under TLS: the plain Stream gives its tcp_stream to a TLS Stream
// made in its place (tls::Stream cannot be assigned; nothing else refers to it here: no read or
// write is pending).
awaitable<bool> TcpTransport::StartTls(std::shared_ptr<asio::ssl::context> tls) {
  beast::tcp_stream tcp = std::move(stream_.next_layer());
  std::destroy_at(&stream_);
  std::construct_at(&stream_, std::move(tcp), std::move(tls));
  beast::error_code ec;
  co_await stream_.async_handshake(tls::Side::kServer,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) Abort();
  co_return !ec;
}

void TcpTransport::Shutdown(WriteDone done) {
  beast::error_code ec;
  beast::get_lowest_layer(stream_).socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  asio::post(stream_.get_executor(), [done = std::move(done), ec] { done(ec); });
}

void TcpTransport::Abort() {
  beast::error_code ignored;
  beast::get_lowest_layer(stream_).socket().close(ignored);
}

}  // namespace parley::xmpp
