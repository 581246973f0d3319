// Context: what every connection of the server shares (options, services, the worker pool) and
// what a graceful shutdown watches. Internal to net/. Created once by the Server and outlives
// every connection.
#ifndef PARLEY_NET_CONTEXT_H_
#define PARLEY_NET_CONTEXT_H_

#include <atomic>
#include <boost/asio/thread_pool.hpp>

#include "auth/auth_service.h"
#include "chat/groups.h"
#include "chat/hub.h"
#include "chat/media_service.h"
#include "chat/notices.h"
#include "chat/service.h"
#include "chat/social.h"
#include "net/server.h"
#include "net/static_files.h"

namespace parley::net {

struct Context {
  ServerOptions options;
  auth::AuthService& auth;
  chat::Service& chat;
  chat::Groups& groups;
  chat::Hub& hub;
  chat::Notices& notices;
  chat::Social& social;
  chat::MediaService& media;
  boost::asio::thread_pool& workers;
  const StaticFiles& web;

  // Set once by Server::BeginShutdown: new HTTP requests get 503 and new sends `unavailable`.
  std::atomic<bool> shutting_down{false};
  // HTTP requests read but not yet answered: Server::Stop waits for them (and for the hub's
  // WebSockets to finish their closing handshakes) before ending the event loop.
  std::atomic<int> requests_in_flight{0};
};

}  // namespace parley::net

#endif  // PARLEY_NET_CONTEXT_H_
