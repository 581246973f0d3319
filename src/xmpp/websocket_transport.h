// WebSocketTransport: a client-to-server stream over a WebSocket (RFC 7395) on parleyd's HTTP
// listener (plain or TLS, as the listener is), taken over from the HTTP session at
// /xmpp-websocket with the `xmpp` subprotocol. Open() completes the WebSocket handshake
// (answering Sec-WebSocket-Protocol: xmpp) within 10 s. Each text message is one element
// (websocket_framing.h); a binary message is bad-format. A message above twice the stanza
// size limit is refused by the WebSocket layer itself (close 1009, "message too big"); a
// smaller one above the limit gets the reader's policy-violation. Output leaves one element per
// message. Idle connections are pinged; a peer that stops answering is closed (Beast's
// suggested server timeouts). No STARTTLS: the WebSocket is TLS or not as the listener is.
#ifndef PARLEY_XMPP_WEBSOCKET_TRANSPORT_H_
#define PARLEY_XMPP_WEBSOCKET_TRANSPORT_H_

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "net/connection_limiter.h"
#include "net/http_util.h"
#include "tls/stream.h"
#include "xmpp/c2s_transport.h"
#include "xmpp/websocket_framing.h"

namespace parley::xmpp {

class WebSocketTransport final : public C2sTransport {
 public:
  // The request asks for the `xmpp` subprotocol (Sec-WebSocket-Protocol, a list of tokens).
  static bool AsksForXmpp(const net::Request& upgrade);

  // `upgrade`: the handshake request; `http_slot`: the HTTP server's count of the connection,
  // held as long as the transport.
  WebSocketTransport(tls::Stream stream, net::Request upgrade,
                     net::ConnectionLimiter::Slot http_slot, const XmlLimits& limits);

  boost::asio::any_io_executor executor() override { return ws_.get_executor(); }
  boost::asio::awaitable<bool> Open() override;
  boost::asio::awaitable<std::optional<std::string_view>> Read() override;
  FeedResult Parse(std::string_view input, int64_t now_ms) override;
  void RestartStream() override { reader_.Restart(); }
  std::string StreamHeader(std::string_view id, std::string_view domain) const override;
  std::string_view StreamFooter() const override { return kFramedClose; }
  void Write(std::array<boost::asio::const_buffer, 3> buffers, WriteDone done) override;
  bool secure() const override { return secure_; }
  bool can_start_tls() const override { return false; }
  boost::asio::awaitable<bool> StartTls(std::shared_ptr<boost::asio::ssl::context>) override;
  void Shutdown(WriteDone done) override;
  void Abort() override;

 private:
  boost::asio::awaitable<boost::system::error_code> WriteMessages(std::string out);

  boost::beast::websocket::stream<tls::Stream> ws_;
  const bool secure_;
  std::optional<net::Request> upgrade_;  // until the handshake
  net::ConnectionLimiter::Slot http_slot_;
  const size_t max_message_bytes_;
  FramedXmlReader reader_;
  boost::beast::flat_buffer buffer_;
  bool binary_ = false;   // the last message read
  bool closing_ = false;  // the closing handshake began
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_WEBSOCKET_TRANSPORT_H_
