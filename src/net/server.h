// Server: parleyd's network front. One TCP listener serves the HTTP API (/api/v1/...), the
// health check and the WebSocket endpoint (/ws) on the same port, over TLS when a certificate
// is configured (then an optional second listener answers plain HTTP with redirects only).
//
// Threads: `io_threads` event loops, each run by one thread (a connection lives on one loop,
// taken in turn, and attaches to that loop's chat::Hub slice); blocking work
// runs on worker pools, so no I/O thread ever blocks: cheap work (token checks, store reads) on
// one, password hashing and media processing each on a bounded pool of its own, so expensive
// requests never delay cheap ones (docs/security.md).
// Lifetime: Start() binds; Run() blocks until Stop() has closed every connection. A graceful
// stop (the app wires it to SIGINT/SIGTERM) is two steps, so the caller can let in-flight
// writes commit in between: BeginShutdown() stops accepting, answers new HTTP requests 503 and
// new sends `unavailable`; Stop() then closes every WebSocket with 1001 after the frames
// already queued to it (acks included) and ends Run() once they and the HTTP requests in
// flight are done, or when the grace period ends. Both are thread-safe and idempotent.
// The Server borrows the services it is given; they must outlive it. It gives the hub one
// slice per event loop (chat::Hub::UseSlices) when constructed: nothing may publish to the hub
// once the Server is destroyed.
#ifndef PARLEY_NET_SERVER_H_
#define PARLEY_NET_SERVER_H_

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "account/account_deletion.h"
#include "account/admin_service.h"
#include "account/email_service.h"
#include "account/export_service.h"
#include "account/two_factor_service.h"
#include "auth/auth_service.h"
#include "base/status.h"
#include "chat/fanout/hub.h"
#include "chat/groups/groups.h"
#include "chat/media/media_service.h"
#include "chat/media/stickers.h"
#include "chat/media/upload_slots.h"
#include "chat/messaging/retention.h"
#include "chat/notices/notices.h"
#include "chat/notices/reports.h"
#include "chat/service.h"
#include "chat/social/moments.h"
#include "chat/social/social.h"
#include "metrics/server_metrics.h"
#include "net/client_address.h"
#include "net/websocket_handoff.h"
#include "push/registry.h"
#include "tls/context.h"

namespace parley::oidc {
class OidcService;
}  // namespace parley::oidc

namespace parley::net {

// Where a plain-HTTP side listener (the HTTPS redirect, the metrics) listens.
struct SideListener {
  std::string host;
  uint16_t port = 0;  // 0: an ephemeral port (see Server::redirect_port())
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                         // 0: an ephemeral port (see Start())
  int io_threads = 1;                           // event loops, one thread and hub slice each
  int worker_threads = 2;                       // cheap blocking work: token checks, store reads
  int hashing_threads = 1;                      // argon2id: register, login, password change
  int hashing_queue = 32;                       // hashing jobs waiting at most (then 503)
  int media_threads = 1;                        // processing a completed upload
  int media_queue = 8;                          // completions waiting at most (then 503)
  size_t max_connections = 10'000;              // open connections (lowered to fit the fd limit)
  size_t max_connections_per_address = 100;     // from one IPv4 address or IPv6 /64
  size_t max_body_bytes = 64 * 1024;            // HTTP request body
  size_t max_frame_bytes = 64 * 1024;           // one WebSocket frame from a client
  size_t max_outgoing_bytes = 4 * 1024 * 1024;  // queued to one WebSocket before it is closed
  double frames_per_second = 100;               // sustained client frames per session
  double frame_burst = 200;                     // bucket size above the sustained rate
  int hello_timeout_ms = 10'000;                // time to send `hello` after connecting
  size_t max_sessions_per_user = 32;            // WebSocket sessions of one account at once
  int sync_stall_ms = 30'000;                   // a catch-up writing nothing this long is closed
  int header_timeout_ms = 5'000;                // time to send a request's header (idle included)
  int http_timeout_ms = 30'000;                 // time to send one HTTP request
  int shutdown_timeout_ms = 10'000;             // graceful stop: time for connections to close
  std::string web_root;                         // the built web app; empty: none served
  std::string media_origin;  // where media downloads redirect to (S3), for the web app's CSP
  ProxyTrust proxy_trust;    // whose forwarding headers name the client;
                             // none by default (the TCP peer is the client)
  // TLS: with both files set, the listener speaks only HTTPS and WSS (docs/security.md, "TLS").
  std::string tls_cert_file;                  // PEM chain, leaf first
  std::string tls_key_file;                   // PEM private key
  std::optional<SideListener> http_redirect;  // plain HTTP that only redirects (TLS only)
  int hsts_max_age_s = 365 * 24 * 3600;       // Strict-Transport-Security when TLS; 0: none
  // Metrics (net/metrics_endpoint.h): GET /metrics on this listener needs this bearer token
  // (empty: not served here); the metrics listener serves only /metrics, over plain HTTP.
  std::string metrics_token;
  std::optional<SideListener> metrics_listen;  // none by default
};

// The domain services the server exposes; all must outlive the Server.
struct Services {
  auth::AuthService& auth;
  chat::Service& chat;
  chat::Groups& groups;
  chat::Hub& hub;
  chat::Notices& notices;
  chat::Social& social;
  chat::MediaService& media;
  push::Registry& push;
  account::EmailService& email;
  account::TwoFactorService& two_factor;
  chat::Moments& moments;
  // /readyz: OK when the server can take writes, else kUnavailable with the reason (net/health.h).
  // Runs on a worker thread and may block briefly; empty: always ready.
  std::function<Status()> readiness = {};
  // Where errors, replays and upload bytes are counted (metrics/server_metrics.h); null: nowhere.
  metrics::ServerMetrics* metrics = nullptr;
  // What GET /metrics shows; null: /metrics is 404 everywhere.
  const metrics::Registry* metrics_registry = nullptr;
  // The user's data export and account deletion; null: those routes answer `unavailable`.
  account::ExportService* exports = nullptr;
  account::AccountDeletion* deletion = nullptr;
  // Signing in with OpenID Connect providers; null: none configured.
  oidc::OidcService* oidc = nullptr;
  // Administration and users' reports; null: those routes answer `unavailable`.
  account::AdminService* admin = nullptr;
  chat::Reports* reports = nullptr;
  // Conversations' retention policies (chat/messaging/retention.h).
  chat::Retention& retention;
  // Sticker packs (chat/media/stickers.h); null: those routes answer `unavailable`.
  chat::Stickers* stickers = nullptr;
  // Takes WebSocket upgrades at /xmpp-websocket (net/websocket_handoff.h: the XMPP front door,
  // set when XMPP is on); empty: that path is 404.
  WebSocketHandler xmpp_websocket = {};
  // XEP-0363 upload slots at /xmpp-upload/ (chat/media/upload_slots.h; set when XMPP is on);
  // null: that path is 404.
  chat::UploadSlots* upload_slots = nullptr;
};

class Server {
 public:
  Server(ServerOptions options, const Services& services);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the TLS certificate (when configured), binds and listens; returns the bound port
  // (the chosen one when options.port is 0).
  Result<uint16_t> Start();
  // The redirect listener's bound port after Start(); 0 without one.
  uint16_t redirect_port() const;
  // The metrics listener's bound port after Start(); 0 without one.
  uint16_t metrics_port() const;
  // Reads the TLS certificate and key files again (SIGHUP): new connections use them, open
  // ones keep theirs. On failure the old ones stay. Thread-safe; OK without TLS.
  Status ReloadTls();
  // The certificate new connections use, after Start(), for another front door that speaks TLS
  // with it (xmpp::XmppServer's STARTTLS; ReloadTls reloads it for both); null without TLS.
  const tls::ServerContext* tls_context() const;
  // Serves until Stop(); returns when every thread has finished.
  void Run();
  void BeginShutdown();
  // Open TCP connections (HTTP and WebSocket) now. Thread-safe.
  size_t open_connections() const;
  // Ends Run() once every connection closed, at most options.shutdown_timeout_ms from now.
  void Stop();
  // The event loops in Hub slice order, for another front door whose connections live on them
  // and attach to their slices (xmpp::XmppServer). They run between Run() and Stop().
  std::vector<boost::asio::io_context*> event_loops();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::net

#endif  // PARLEY_NET_SERVER_H_
