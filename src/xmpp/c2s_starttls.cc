// C2sSession: STARTTLS (RFC 6120 section 5). When the server has a certificate
// (C2sServices::tls) a plain stream offers only <starttls><required/></starttls>: anything
// else before it is a policy-violation. <starttls/> is answered with <proceed/>, written in the
// clear; then the same TCP connection becomes TLS (TcpTransport::StartTls), the server side of
// the handshake runs, and the client restarts the stream, whose features now offer SASL (PLAIN
// among them). A failed handshake (garbage, a client that hangs up) closes only this
// connection; a stalled one ends with the negotiation timeout. <starttls/> where it cannot be
// done (no certificate, TLS already, after SASL, on a WebSocket) is a <failure/> that ends the
// stream.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "xmpp/c2s_session.h"

namespace parley::xmpp {
namespace asio = boost::asio;
namespace beast = boost::beast;

bool C2sSession::TlsRequired() const {
  return services_.tls != nullptr && transport_->can_start_tls();
}

void C2sSession::HandleStartTls() {
  if (!TlsRequired() || phase_ != Phase::kSasl) {
    Send("<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    Send(std::string(transport_->StreamFooter()));
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
  const bool secured = co_await transport_->StartTls(services_.tls->Current());
  tls_pending_ = false;
  if (!secured || closing_) {
    Log(LogLevel::kInfo, "xmpp_tls_failed",
        {{"session", session_id_}, {"reason", secured ? "closed" : "handshake failed"}});
    closing_ = true;
    outgoing_.clear();
    queued_bytes_ = 0;
    transport_->Abort();
    co_return;
  }
  if (!outgoing_.empty()) WriteNext();  // e.g. a shutdown's stream error, queued meanwhile
}

}  // namespace parley::xmpp
