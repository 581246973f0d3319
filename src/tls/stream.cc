#include "tls/stream.h"

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace parley::tls {
namespace asio = boost::asio;
namespace beast = boost::beast;

// The TLS layer and the context it was made with (kept alive for as long as the connection).
struct Stream::Tls {
  Tls(beast::tcp_stream tcp, std::shared_ptr<asio::ssl::context> ctx)
      : context(std::move(ctx)), stream(std::move(tcp), *context) {}
  std::shared_ptr<asio::ssl::context> context;
  beast::ssl_stream<beast::tcp_stream> stream;
};

Stream::Stream(beast::tcp_stream tcp) : plain_(std::move(tcp)) {}

Stream::Stream(beast::tcp_stream tcp, std::shared_ptr<asio::ssl::context> context)
    : tls_(std::make_unique<Tls>(std::move(tcp), std::move(context))) {}

Stream::~Stream() = default;
Stream::Stream(Stream&&) noexcept = default;

beast::tcp_stream& Stream::next_layer() { return tls_ ? tls_->stream.next_layer() : *plain_; }

Status Stream::ExpectServerName(const std::string& host) {
  if (!tls_) return Status::Ok();
  // SNI (RFC 6066) takes a name, never an address literal.
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (ec && SSL_set_tlsext_host_name(tls_->stream.native_handle(), host.c_str()) != 1) {
    return Status(Code::kInvalidArgument, "bad TLS server name: " + host);
  }
  tls_->stream.set_verify_callback(asio::ssl::host_name_verification(host), ec);
  if (ec) return Status(Code::kInternal, "cannot check the server name: " + ec.message());
  return Status::Ok();
}

void Stream::Handshake(Side side, ErasedHandler handler) {
  const auto type =
      side == Side::kServer ? asio::ssl::stream_base::server : asio::ssl::stream_base::client;
  tls_->stream.async_handshake(type, [handler = std::move(handler)](
                                         boost::system::error_code ec) mutable { handler(ec, 0); });
}

void Stream::ReadSome(asio::mutable_buffer buffer, ErasedHandler handler) {
  tls_->stream.async_read_some(buffer, std::move(handler));
}

void Stream::WriteSome(const ConstBuffers& buffers, ErasedHandler handler) {
  tls_->stream.async_write_some(buffers, std::move(handler));
}

void Stream::Teardown(ErasedHandler handler) {
  // close_notify, then the socket closes whatever the peer answered: a peer that simply drops
  // the connection (as browsers do) is a normal end of a WebSocket.
  tls_->stream.async_shutdown(
      [this, handler = std::move(handler)](boost::system::error_code) mutable {
        boost::system::error_code ignored;
        tls_->stream.next_layer().socket().close(ignored);
        handler(boost::system::error_code(), 0);
      });
}

}  // namespace parley::tls
