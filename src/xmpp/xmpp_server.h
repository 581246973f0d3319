// XmppServer: parleyd's XMPP front door (docs/xmpp.md): a TCP listener for client-to-server
// streams (C2sSession), off unless `xmpp-listen` is set. It has its own event-loop and worker
// threads, so XMPP traffic never runs on the HTTP listener's threads; the domain services
// (accounts, chat, the Hub) are the ones the HTTP server uses, borrowed, and must outlive it.
//
// Lifetime: Start() binds and starts the threads; Stop() stops accepting, closes every session
// (system-shutdown after what is queued to it), waits for them at most shutdown_timeout_ms and
// joins the threads. Thread-safe; Stop is idempotent and also run by the destructor.
#ifndef PARLEY_XMPP_XMPP_SERVER_H_
#define PARLEY_XMPP_XMPP_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "auth/auth_service.h"
#include "base/status.h"
#include "chat/fanout/hub.h"
#include "chat/service.h"
#include "chat/social/social.h"
#include "tls/context.h"
#include "xmpp/c2s_session.h"
#include "xmpp/options.h"

namespace parley::xmpp {

struct XmppServices {
  auth::AuthService& auth;
  chat::Service& chat;
  chat::Social& social;
  chat::Hub& hub;
  const tls::ServerContext* tls = nullptr;  // STARTTLS: not offered yet (docs/xmpp.md)
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
  size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_XMPP_SERVER_H_
