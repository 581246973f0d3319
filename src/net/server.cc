#include "net/server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "base/log.h"
#include "net/connection_limiter.h"
#include "net/context.h"
#include "net/http_session.h"
#include "net/metrics_endpoint.h"
#include "net/redirect.h"
#include "tls/context.h"

namespace parley::net {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
// How often Stop() looks whether every connection has closed.
constexpr auto kShutdownPoll = std::chrono::milliseconds(20);
// A failing accept (out of descriptors, out of memory) is retried after a pause that doubles
// from the first to the last value while it keeps failing: the listening socket stays readable,
// so retrying at once would spin a core and starve the connections already served.
constexpr auto kAcceptBackoffFirst = std::chrono::milliseconds(10);
constexpr auto kAcceptBackoffLast = std::chrono::milliseconds(500);
// Expensive requests one user may have in flight at once.
constexpr int kPasswordChangesPerUser = 1;
constexpr int kCompletionsPerUser = 2;
}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, const Services& services)
      : workers(static_cast<size_t>(options.worker_threads)),
        hashing(options.hashing_threads, options.hashing_queue),
        media_work(options.media_threads, options.media_queue),
        password_changes(kPasswordChangesPerUser),
        completions(kCompletionsPerUser),
        web(options.web_root, options.media_origin),
        context{
            options,          services.auth,       services.chat,    services.groups, services.hub,
            services.notices, services.social,     services.media,   services.push,   workers,
            hashing,          media_work,          password_changes, completions,     web,
            services.email,   services.two_factor, services.moments},
        connections(FitToDescriptorLimit(options.max_connections),
                    options.max_connections_per_address, options.proxy_trust.proxies),
        io_loops(MakeLoops(options.io_threads)),
        io(*io_loops.front()),
        acceptor(io),
        redirect_acceptor(io),
        metrics_acceptor(io),
        shutdown_timer(io) {
    context.readiness = services.readiness;
    context.oidc = services.oidc;
    context.metrics = services.metrics;
    context.metrics_registry = services.metrics_registry;
    context.exports = services.exports;
    context.deletion = services.deletion;
    context.admin = services.admin;
    context.reports = services.reports;
    context.retention = &services.retention;
    context.stickers = services.stickers;
    context.xmpp_websocket = services.xmpp_websocket;
    context.upload_slots = services.upload_slots;
    // One hub slice per event loop: a connection attaches to the slice of the loop it runs on.
    std::vector<chat::SlicePoster> posters;
    for (auto& loop : io_loops) {
      context.loops.push_back(loop.get());
      posters.push_back(
          [loop = loop.get()](std::function<void()> task) { asio::post(*loop, std::move(task)); });
      work.push_back(asio::make_work_guard(*loop));
    }
    context.hub.UseSlices(std::move(posters));
  }

  // One single-threaded event loop per I/O thread.
  static std::vector<std::unique_ptr<asio::io_context>> MakeLoops(int count) {
    std::vector<std::unique_ptr<asio::io_context>> loops;
    for (int i = 0; i < std::max(1, count); ++i)
      loops.push_back(std::make_unique<asio::io_context>(1));
    return loops;
  }

  // The loop the next accepted connection runs on, in turn.
  asio::io_context& NextLoop() { return *io_loops[next_loop++ % io_loops.size()]; }

  void StopLoops() {
    for (auto& loop : io_loops) loop->stop();
  }

  // Ends the event loop once no WebSocket is attached to the hub (each detaches when its
  // closing handshake is over) and no HTTP request is in flight, or at the deadline. Sockets
  // that never said hello are not waited for.
  void StopWhenIdle(std::chrono::steady_clock::time_point deadline) {
    const bool idle =
        context.hub.online_peer_count() == 0 && context.requests_in_flight.load() == 0;
    if (idle || std::chrono::steady_clock::now() >= deadline) {
      StopLoops();
      return;
    }
    shutdown_timer.expires_after(kShutdownPoll);
    shutdown_timer.async_wait(
        [this, deadline](boost::system::error_code) { StopWhenIdle(deadline); });
  }

  // Accepts on `from` until it closes, handing each connection to `serve`.
  template <class ServeFn>
  asio::awaitable<void> Accept(tcp::acceptor& from, ServeFn serve) {
    auto backoff = kAcceptBackoffFirst;
    for (;;) {
      boost::system::error_code ec;
      // Each loop has one thread: its connections need no strand.
      auto accepting = from.async_accept(NextLoop(), asio::redirect_error(asio::use_awaitable, ec));
      tcp::socket socket = co_await std::move(accepting);
      if (ec == asio::error::operation_aborted || !from.is_open()) co_return;
      if (ec == asio::error::connection_aborted) continue;  // the peer gave up: nothing to fix
      if (ec) {
        if (backoff == kAcceptBackoffFirst) {
          Log(LogLevel::kWarning, "accept_failing", {{"error", ec.message()}});
        }
        auto pausing = Pause(backoff);
        co_await std::move(pausing);
        backoff = std::min(backoff * 2, kAcceptBackoffLast);
        continue;
      }
      backoff = kAcceptBackoffFirst;
      serve(std::move(socket));
    }
  }

  // Listens on host:port and accepts there, handing each connection to `serve` (defined below,
  // after Listen).
  template <class ServeFn>
  Status ListenAndAccept(tcp::acceptor& acceptor, const std::string& host, uint16_t port,
                         ServeFn serve);

  // Serves an accepted connection, or refuses it when a connection cap is reached.
  void Serve(tcp::socket socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) return;  // already gone
    std::optional<ConnectionLimiter::Slot> slot = connections.TryAdmit(peer.address());
    if (!slot) {
      RefuseConnection(std::move(socket));
      return;
    }
    socket.set_option(tcp::no_delay(true), ec);
    asio::co_spawn(socket.get_executor(), ServeHttp(std::move(socket), context, std::move(*slot)),
                   asio::detached);
  }

  // Answers a connection to the redirect listener, within the same connection caps.
  void ServeRedirectConnection(tcp::socket socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) return;
    std::optional<ConnectionLimiter::Slot> slot = connections.TryAdmit(peer.address());
    if (!slot) {
      RefuseConnection(std::move(socket));
      return;
    }
    const uint16_t https_port = acceptor.local_endpoint(ec).port();
    asio::co_spawn(socket.get_executor(),
                   ServeRedirect(std::move(socket), https_port, context.options.header_timeout_ms,
                                 std::move(*slot)),
                   asio::detached);
  }

  // Answers a connection to the metrics listener, within the same connection caps.
  void ServeMetricsListener(tcp::socket socket) {
    boost::system::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) return;
    std::optional<ConnectionLimiter::Slot> slot = connections.TryAdmit(peer.address());
    if (!slot) {
      RefuseConnection(std::move(socket));
      return;
    }
    asio::co_spawn(socket.get_executor(),
                   ServeMetricsConnection(std::move(socket), context, std::move(*slot)),
                   asio::detached);
  }

  asio::awaitable<void> Pause(std::chrono::milliseconds duration) {
    asio::steady_timer timer(io, duration);
    boost::system::error_code ignored;
    auto waiting = timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    co_await std::move(waiting);
  }

  asio::thread_pool workers;
  WorkPool hashing;
  WorkPool media_work;
  PerUserLimit password_changes;
  PerUserLimit completions;
  StaticFiles web;
  Context context;
  ConnectionLimiter connections;
  // After everything a connection refers to: destroying the event loops destroys the sessions
  // still in them (a stop that timed out), and they release their slots into `connections`.
  std::vector<std::unique_ptr<asio::io_context>> io_loops;
  // Keep the loops running while they have no connection yet; Stop ends them.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  size_t next_loop = 0;  // guarded by running on `io` (every acceptor's loop)
  asio::io_context& io;  // the first loop: acceptors, timers, shutdown
  tcp::acceptor acceptor;
  tcp::acceptor redirect_acceptor;  // open only with --http-redirect-listen
  tcp::acceptor metrics_acceptor;   // open only with --metrics-listen
  std::unique_ptr<tls::ServerContext> tls;
  asio::steady_timer shutdown_timer;
  bool stopping = false;  // guarded by running on `io`
};

Server::Server(ServerOptions options, const Services& services)
    : impl_(std::make_unique<Impl>(std::move(options), services)) {}

Server::~Server() {
  impl_->StopLoops();
  impl_->workers.join();
  impl_->hashing.Join();
  impl_->media_work.Join();
}

namespace {

Status Listen(tcp::acceptor& acceptor, const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) return Status(Code::kInvalidArgument, "bad listen address " + host + ": " + ec.message());
  const tcp::endpoint endpoint(address, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status(Code::kUnavailable, "cannot listen on " + host + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

template <class ServeFn>
Status Server::Impl::ListenAndAccept(tcp::acceptor& acceptor, const std::string& host,
                                     uint16_t port, ServeFn serve) {
  if (Status s = Listen(acceptor, host, port); !s.ok()) return s;
  asio::co_spawn(io, Accept(acceptor, std::move(serve)), asio::detached);
  return Status::Ok();
}

size_t Server::open_connections() const { return impl_->connections.open(); }

std::vector<asio::io_context*> Server::event_loops() {
  std::vector<asio::io_context*> loops;
  for (auto& loop : impl_->io_loops) loops.push_back(loop.get());
  return loops;
}

Result<uint16_t> Server::Start() {
  const ServerOptions& options = impl_->context.options;
  if (!options.tls_cert_file.empty()) {
    auto tls = tls::ServerContext::Load(options.tls_cert_file, options.tls_key_file);
    if (!tls.ok()) return tls.status();
    impl_->tls = std::move(*tls);
    impl_->context.tls = impl_->tls.get();
  }
  Impl* impl = impl_.get();
  Status listening =
      impl->ListenAndAccept(impl->acceptor, options.host, options.port,
                            [impl](tcp::socket socket) { impl->Serve(std::move(socket)); });
  if (listening.ok() && options.http_redirect) {
    listening = impl->ListenAndAccept(
        impl->redirect_acceptor, options.http_redirect->host, options.http_redirect->port,
        [impl](tcp::socket socket) { impl->ServeRedirectConnection(std::move(socket)); });
  }
  if (listening.ok() && options.metrics_listen) {
    listening = impl->ListenAndAccept(
        impl->metrics_acceptor, options.metrics_listen->host, options.metrics_listen->port,
        [impl](tcp::socket socket) { impl->ServeMetricsListener(std::move(socket)); });
  }
  if (!listening.ok()) return listening;
  return impl_->acceptor.local_endpoint().port();
}

uint16_t Server::redirect_port() const {
  boost::system::error_code ec;
  if (!impl_->redirect_acceptor.is_open()) return 0;
  return impl_->redirect_acceptor.local_endpoint(ec).port();
}

uint16_t Server::metrics_port() const {
  boost::system::error_code ec;
  if (!impl_->metrics_acceptor.is_open()) return 0;
  return impl_->metrics_acceptor.local_endpoint(ec).port();
}

const tls::ServerContext* Server::tls_context() const { return impl_->tls.get(); }

Status Server::ReloadTls() {
  if (!impl_->tls) return Status::Ok();
  Status status = impl_->tls->Reload();
  if (status.ok()) {
    Log(LogLevel::kInfo, "tls_reloaded", {{"cert", impl_->context.options.tls_cert_file}});
  } else {
    Log(LogLevel::kError, "tls_reload_failed", {{"reason", status.message()}});
  }
  return status;
}

void Server::Run() {
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl_->io_loops.size(); ++i) {
    threads.emplace_back([loop = impl_->io_loops[i].get()] { loop->run(); });
  }
  impl_->io.run();
  for (auto& thread : threads) thread.join();
}

void Server::BeginShutdown() {
  impl_->context.shutting_down = true;
  asio::post(impl_->io, [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    impl->redirect_acceptor.close(ignored);
    impl->metrics_acceptor.close(ignored);
  });
}

void Server::Stop() {
  BeginShutdown();
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(impl_->context.options.shutdown_timeout_ms);
  asio::post(impl_->io, [impl = impl_.get(), deadline] {
    if (impl->stopping) return;
    impl->stopping = true;
    impl->context.hub.CloseAll(chat::CloseReason::kShutdown);
    impl->StopWhenIdle(deadline);
  });
}

}  // namespace parley::net
