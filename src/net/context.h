// Context: what every connection of the server shares (options, services, the worker pool).
// Internal to net/. Created once by the Server and outlives every connection.
#ifndef PARLEY_NET_CONTEXT_H_
#define PARLEY_NET_CONTEXT_H_

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
};

}  // namespace parley::net

#endif  // PARLEY_NET_CONTEXT_H_
