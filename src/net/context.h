// Context: what every connection of the server shares (options, services, the worker pools and
// the per-user limits on expensive requests) and what a graceful shutdown watches.
// Internal to net/. Created once by the Server and outlives every connection.
#ifndef PARLEY_NET_CONTEXT_H_
#define PARLEY_NET_CONTEXT_H_

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <vector>

#include "account/account_deletion.h"
#include "account/admin_service.h"
#include "account/email_service.h"
#include "account/export_service.h"
#include "account/two_factor_service.h"
#include "auth/auth_service.h"
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
#include "net/per_user_limit.h"
#include "net/server.h"
#include "net/static_files.h"
#include "net/websocket_handoff.h"
#include "net/work_pool.h"
#include "proto/json_frames.h"
#include "push/registry.h"
#include "tls/context.h"

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
  push::Registry& push;
  boost::asio::thread_pool& workers;  // cheap blocking work: token checks, store reads, search
  WorkPool& hashing;                  // argon2id: register, login, password change
  WorkPool& media_work;               // processing a completed upload
  PerUserLimit& password_changes;     // in flight per user
  PerUserLimit& completions;          // upload completions in flight per user
  const StaticFiles& web;
  account::EmailService& email;           // the account's e-mail address and password reset
  account::TwoFactorService& two_factor;  // two-step sign-in
  chat::Moments& moments;
  // The certificate new connections use; null when the server speaks plain HTTP.
  const tls::ServerContext* tls = nullptr;
  // /readyz's check (Services::readiness); empty: always ready.
  std::function<Status()> readiness;
  // Signing in with OpenID Connect (Services::oidc); null: no providers.
  oidc::OidcService* oidc = nullptr;
  // Where errors, replays and upload bytes are counted; null: nowhere.
  metrics::ServerMetrics* metrics = nullptr;
  // What GET /metrics shows (Services::metrics_registry); null: /metrics is 404.
  const metrics::Registry* metrics_registry = nullptr;
  // The user's data export and account deletion (Services); null: unavailable.
  account::ExportService* exports = nullptr;
  account::AccountDeletion* deletion = nullptr;
  // Administration (Services::admin) and users' reports (Services::reports); null: those
  // routes answer `unavailable`.
  account::AdminService* admin = nullptr;
  chat::Reports* reports = nullptr;
  // Conversations' retention policies (Services::retention; never null once the server runs).
  chat::Retention* retention = nullptr;
  // Sticker packs (Services::stickers); null: those routes answer `unavailable`.
  chat::Stickers* stickers = nullptr;
  // XMPP over WebSocket at /xmpp-websocket (Services::xmpp_websocket); empty: that path is 404.
  WebSocketHandler xmpp_websocket;
  // Upload slots' PUT and GET at /xmpp-upload/ (Services::upload_slots); null: 404.
  chat::UploadSlots* upload_slots = nullptr;

  // The event loops, one per I/O thread, in hub slice order: a connection on loops[i] attaches
  // to the hub's slice i (set once by the Server before it runs).
  std::vector<const boost::asio::io_context*> loops;

  // Set once by Server::BeginShutdown: new HTTP requests get 503 and new sends `unavailable`.
  std::atomic<bool> shutting_down{false};
  // HTTP requests read but not yet answered: Server::Stop waits for them (and for the hub's
  // WebSockets to finish their closing handshakes) before ending the event loop.
  std::atomic<int> requests_in_flight{0};

  // The protocol every WebSocket session speaks: the hub encodes each event once with it and
  // shares the frame among the sessions it reaches.
  const proto::JsonFrameEncoder json_frames{};
};

}  // namespace parley::net

#endif  // PARLEY_NET_CONTEXT_H_
