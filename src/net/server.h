// Server: parleyd's network front. One TCP listener serves the HTTP API (/api/v1/...), the
// health check and the WebSocket endpoint (/ws) on the same port.
//
// Threads: `io_threads` run the event loop (each connection on its own strand); blocking work
// (password hashing, store reads) runs on a separate worker pool, so no I/O thread ever blocks.
// Lifetime: Start() binds; Run() blocks until Stop() (thread-safe, idempotent; also wired to
// SIGINT/SIGTERM by the app) has closed every connection. The Server borrows the services it
// is given; they must outlive it.
#ifndef PARLEY_NET_SERVER_H_
#define PARLEY_NET_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "auth/auth_service.h"
#include "base/status.h"
#include "chat/groups.h"
#include "chat/hub.h"
#include "chat/media_service.h"
#include "chat/notices.h"
#include "chat/service.h"
#include "chat/social.h"
#include "net/client_address.h"

namespace parley::net {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                         // 0: an ephemeral port (see Start())
  int io_threads = 1;                           // event-loop threads
  int worker_threads = 2;                       // blocking work: hashing, store reads
  size_t max_body_bytes = 64 * 1024;            // HTTP request body
  size_t max_frame_bytes = 64 * 1024;           // one WebSocket frame from a client
  size_t max_outgoing_bytes = 4 * 1024 * 1024;  // queued to one WebSocket before it is closed
  double frames_per_second = 100;               // sustained client frames per session
  double frame_burst = 200;                     // bucket size above the sustained rate
  int hello_timeout_ms = 10'000;                // time to send `hello` after connecting
  int http_timeout_ms = 30'000;                 // time to send one HTTP request
  std::string web_root;                         // the built web app; empty: none served
  ProxyTrust proxy_trust;                       // whose forwarding headers name the client;
                                                // none by default (the TCP peer is the client)
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
};

class Server {
 public:
  Server(ServerOptions options, const Services& services);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the bound port (the chosen one when options.port is 0).
  Result<uint16_t> Start();
  // Serves until Stop(); returns when every thread has finished.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace parley::net

#endif  // PARLEY_NET_SERVER_H_
