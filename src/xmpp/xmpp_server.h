// XmppServer: parleyd's XMPP front door (docs/xmpp.md): a TCP listener for client-to-server
// streams (C2sSession), off unless `xmpp-listen` is set, and the same streams over WebSocket
// (RFC 7395) handed over by the HTTP server (TakeWebSocket). Its streams run on the HTTP server's
// event loops (net::Server::event_loops), spread over them in turn like WebSocket sessions, so
// each attaches to the Hub slice of its loop and the domain's events reach it there; blocking
// work (store reads, SCRAM, PLAIN's argon2id) runs on worker threads of its own. The domain
// services and the loops are borrowed and must outlive it.
//
// Lifetime: Start() binds and accepts; Stop() stops accepting, closes every session
// (system-shutdown after what is queued to it) and waits for them at most
// shutdown_timeout_ms; call it while the loops still run (before net::Server::Stop). Stop is
// idempotent and also run by the destructor; call Start and Stop from one thread.
#ifndef PARLEY_XMPP_XMPP_SERVER_H_
#define PARLEY_XMPP_XMPP_SERVER_H_

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "auth/auth_service.h"
#include "base/status.h"
#include "chat/fanout/hub.h"
#include "chat/groups/groups.h"
#include "chat/media/upload_slots.h"
#include "chat/service.h"
#include "chat/social/social.h"
#include "net/websocket_handoff.h"
#include "tls/context.h"
#include "xmpp/c2s_session.h"
#include "xmpp/options.h"

namespace parley::xmpp {

struct XmppServices {
  auth::AuthService& auth;
  chat::Service& chat;
  chat::Social& social;
  chat::Groups& groups;
  chat::Hub& hub;
  // The event loops, one per I/O thread, in Hub slice order (net::Server::event_loops).
  std::vector<boost::asio::io_context*> loops;
  const tls::ServerContext* tls = nullptr;  // null: no STARTTLS (docs/xmpp.md)
  // XEP-0363 slots (their URLs begin with options.c2s.upload_base_url); null: no upload service.
  chat::UploadSlots* uploads = nullptr;
};

class XmppServer {
 public:
  XmppServer(XmppOptions options, XmppServices services);
  ~XmppServer();
  XmppServer(const XmppServer&) = delete;
  XmppServer& operator=(const XmppServer&) = delete;

  // Binds, listens and starts serving; the bound port.
  Result<uint16_t> Start();
  void Stop();
  // An upgrade at /xmpp-websocket (net::WebSocketHandoff): taken when it asks for the `xmpp`
  // subprotocol (else 400) within the XMPP connection caps (else 503), and while the server
  // runs (else 503). Called on the connection's event loop.
  Status TakeWebSocket(net::WebSocketHandoff& handoff);
  size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_XMPP_SERVER_H_
