#include "xmpp/websocket_transport.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <chrono>

namespace parley::xmpp {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::awaitable;

bool WebSocketTransport::AsksForXmpp(const net::Request& upgrade) {
  for (auto field = upgrade.find(beast::http::field::sec_websocket_protocol);
       field != upgrade.end() && field->name() == beast::http::field::sec_websocket_protocol;
       ++field) {
    std::string_view list(field->value().data(), field->value().size());
    while (!list.empty()) {
      const size_t comma = list.find(',');
      std::string_view token = list.substr(0, comma);
      list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
        token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
        token.remove_suffix(1);
      if (token == "xmpp") return true;
    }
  }
  return false;
}

WebSocketTransport::WebSocketTransport(tls::Stream stream, net::Request upgrade,
                                       net::ConnectionLimiter::Slot http_slot,
                                       const XmlLimits& limits)
    : ws_(std::move(stream)),
      secure_(ws_.next_layer().is_tls()),
      upgrade_(std::move(upgrade)),
      http_slot_(std::move(http_slot)),
      max_message_bytes_(2 * limits.max_stanza_bytes),
      reader_(limits) {
  ws_.next_layer().next_layer().expires_never();  // the WebSocket's own timeouts rule now
}

awaitable<bool> WebSocketTransport::Open() {
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(beast::http::field::server, "parleyd");
    response.set(beast::http::field::sec_websocket_protocol, "xmpp");
    net::SetSecurityHeaders(response, net::Policy::kInert);
  }));
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.keep_alive_pings = true;  // an idle client is pinged, not dropped
  ws_.set_option(timeouts);
  ws_.read_message_max(max_message_bytes_);
  ws_.auto_fragment(false);
  ws_.text(true);
  beast::error_code ec;
  co_await ws_.async_accept(*upgrade_, asio::redirect_error(asio::use_awaitable, ec));
  upgrade_.reset();
  co_return !ec;
}

awaitable<std::optional<std::string_view>> WebSocketTransport::Read() {
  buffer_.consume(buffer_.size());
  beast::error_code ec;
  co_await ws_.async_read(buffer_, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  binary_ = !ws_.got_text();
  const auto data = buffer_.cdata();
  co_return std::string_view(static_cast<const char*>(data.data()), data.size());
}

FeedResult WebSocketTransport::Parse(std::string_view input, int64_t now_ms) {
  if (binary_) return StreamFailure{StreamCondition::kBadFormat, "XMPP messages are text"};
  return reader_.Feed(input, now_ms);
}

std::string WebSocketTransport::StreamHeader(std::string_view id, std::string_view domain) const {
  return FramedOpen(id, domain);
}

void WebSocketTransport::Write(std::array<asio::const_buffer, 3> buffers, WriteDone done) {
  std::string out;
  out.reserve(asio::buffer_size(buffers));
  for (const asio::const_buffer& buffer : buffers) {
    out.append(static_cast<const char*>(buffer.data()), buffer.size());
  }
  asio::co_spawn(ws_.get_executor(), WriteMessages(std::move(out)),
                 [done = std::move(done)](std::exception_ptr, beast::error_code ec) { done(ec); });
}

// One message per top-level element, in order.
awaitable<beast::error_code> WebSocketTransport::WriteMessages(std::string out) {
  beast::error_code ec;
  for (std::string_view element : SplitElements(out)) {
    co_await ws_.async_write(asio::buffer(element), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;
  }
  co_return ec;
}

awaitable<bool> WebSocketTransport::StartTls(std::shared_ptr<asio::ssl::context>) {
  co_return false;
}

void WebSocketTransport::Shutdown(WriteDone done) {
  if (closing_) return;
  closing_ = true;
  ws_.async_close(websocket::close_code::normal,
                  [done = std::move(done)](beast::error_code ec) { done(ec); });
}

void WebSocketTransport::Abort() {
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

}  // namespace parley::xmpp
