// C2sSession: STARTTLS (RFC 6120 section 5). When the server has a certificate
// (C2sServices::tls) a plain stream offers only <starttls><required/></starttls>: anything
// else before it is a policy-violation. <starttls/> is answered with <proceed/>, written in the
// clear; then the same TCP connection becomes TLS (a TLS tls::Stream over it), the server side of
// the handshake runs, and the client restarts the stream, whose features now offer SASL (PLAIN
// among them). A failed handshake (garbage, a client that hangs up) closes only this
// connection; a stalled one ends with the negotiation timeout. <starttls/> where it cannot be
// done (no certificate, TLS already, after SASL) is a <failure/> that ends the stream.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

#include "base/log.h"
#include "xmpp/c2s_session.h"

namespace parley::xmpp {
namespace asio = boost::asio;
namespace beast = boost::beast;

bool C2sSession::TlsRequired() const { return services_.tls != nullptr && !stream_.is_tls(); }

void C2sSession::HandleStartTls() {
  if (!TlsRequired() || phase_ != Phase::kSasl) {
    Send("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:stream>");
    closing_ = true;
    Shutdown();
    return;
  }
  Send("<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  starttls_ = true;
  restart_ = true;  // the client opens a new stream over TLS
  header_sent_ = false;
}

asio::awaitable<void> C2sSession::UpgradeToTls() {
  tls_pending_ = true;
  while (writing_ && !closing_) {  // <proceed/> and whatever was queued before it
    written_.expires_at(asio::steady_timer::time_point::max());
    beast::error_code ignored;
    co_await written_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (closing_) {  // a write failed, or Fail closed the connection meanwhile
    tls_pending_ = false;
    co_return;
  }
  // The same TCP connection, now under TLS: the plain Stream gives its tcp_stream to a TLS
  // Stream made in its place (tls::Stream cannot be assigned; nothing else refers to it here:
  // no read or write is pending, and the timers were made from the same executor).
  boost::beast::tcp_stream tcp = std::move(stream_.next_layer());
  std::destroy_at(&stream_);
  std::construct_at(&stream_, std::move(tcp), services_.tls->Current());
  beast::error_code ec;
  co_await stream_.async_handshake(tls::Side::kServer,
                                   asio::redirect_error(asio::use_awaitable, ec));
  tls_pending_ = false;
  if (ec || closing_) {
    Log(LogLevel::kInfo, "xmpp_tls_failed",
        {{"session", session_id_}, {"reason", ec ? ec.message() : "closed"}});
    closing_ = true;
    outgoing_.clear();
    queued_bytes_ = 0;
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
    co_return;
  }
  if (!outgoing_.empty()) WriteNext();  // e.g. a shutdown's stream error, queued meanwhile
}

}  // namespace parley::xmpp
