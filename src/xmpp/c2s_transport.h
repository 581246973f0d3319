// C2sTransport: what carries one client-to-server stream, so that C2sSession (negotiation,
// SASL, stanzas, routing) is written once for every transport: TCP with STARTTLS
// (tcp_transport.h, RFC 6120) and WebSocket (websocket_transport.h, RFC 7395).
//
// A transport reads what the client sends and parses it into the stream's events (each with its
// own XML reader and framing: the stream header on TCP, <open/> and <close/> on a WebSocket),
// frames this side's stream header and footer, writes one piece of output at a time and closes.
// Threading: used on the session's event loop only; at most one Read and one Write at a time.
#ifndef PARLEY_XMPP_C2S_TRANSPORT_H_
#define PARLEY_XMPP_C2S_TRANSPORT_H_

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "xmpp/xml_stream_reader.h"

namespace parley::xmpp {

class C2sTransport {
 public:
  using WriteDone = std::function<void(boost::system::error_code)>;

  virtual ~C2sTransport() = default;

  virtual boost::asio::any_io_executor executor() = 0;
  // Completes the transport's own opening (a WebSocket's handshake); false: the connection is
  // gone and the session ends without a stream.
  virtual boost::asio::awaitable<bool> Open() = 0;
  // The next input (TCP: what arrived; WebSocket: one whole message), valid until the next
  // Read; nullopt once the connection has ended.
  virtual boost::asio::awaitable<std::optional<std::string_view>> Read() = 0;
  // Parses an input Read gave: the stream's events in order, or the failure that ends it.
  // `now_ms` (a steady clock) paces the reader's rate limit.
  virtual FeedResult Parse(std::string_view input, int64_t now_ms) = 0;
  // Parsing begins a new stream (after SASL success or STARTTLS).
  virtual void RestartStream() = 0;

  // This side's stream header (with the stream `id` and the server's `domain`) and footer.
  virtual std::string StreamHeader(std::string_view id, std::string_view domain) const = 0;
  virtual std::string_view StreamFooter() const = 0;
  // Writes one piece of output (the buffers in order, as one WebSocket message on a
  // WebSocket); `done` runs on the executor.
  virtual void Write(std::array<boost::asio::const_buffer, 3> buffers, WriteDone done) = 0;

  // The connection is encrypted (TLS, STARTTLS done, or a WebSocket over HTTPS).
  virtual bool secure() const = 0;
  // STARTTLS can be offered here (TCP in the clear).
  virtual bool can_start_tls() const = 0;
  // TCP only: the same connection becomes TLS (server side of the handshake); false: failed,
  // and the connection is closed.
  virtual boost::asio::awaitable<bool> StartTls(std::shared_ptr<boost::asio::ssl::context> tls) = 0;

  // Ends the connection gracefully once everything is written (TCP: FIN; WebSocket: the
  // closing handshake); the pending Read then ends. `done` runs when that is over (it may keep
  // the caller alive until then). Only the first call does anything.
  virtual void Shutdown(WriteDone done) = 0;
  // Closes the connection now.
  virtual void Abort() = 0;
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_C2S_TRANSPORT_H_
