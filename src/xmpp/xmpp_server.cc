#include "xmpp/xmpp_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "base/random_hex.h"
#include "base/log.h"
#include "net/client_address.h"
#include "net/connection_limiter.h"
#include "net/work_pool.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct XmppServer::Impl {
  Impl(XmppOptions opts, XmppServices svc)
      : options(std::move(opts)),
        services(svc),
        encoder(options.c2s.domain),
        workers(static_cast<size_t>(std::max(1, options.worker_threads))),
        hashing(std::max(1, options.hashing_threads), options.hashing_queue),
        c2s{services.auth, services.chat, services.social, services.hub, workers,
            hashing,       encoder,       services.tls,    shutting_down},
        connections(options.max_connections, options.max_connections_per_address),
        acceptor(io) {}

  asio::awaitable<void> Accept();
  void Serve(tcp::socket socket);

  const XmppOptions options;
  XmppServices services;
  const XmppFrameEncoder encoder;
  std::atomic<bool> shutting_down{false};
  asio::thread_pool workers;
  net::WorkPool hashing;
  C2sServices c2s;
  net::ConnectionLimiter connections;
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<C2sSession>> sessions;  // guarded by sessions_mutex
  asio::io_context io;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  bool stopped = false;
};

asio::awaitable<void> XmppServer::Impl::Accept() {
  for (;;) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(
        asio::make_strand(io), asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;
    Serve(std::move(socket));
  }
}

void XmppServer::Impl::Serve(tcp::socket socket) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) return;
  std::optional<net::ConnectionLimiter::Slot> slot = connections.TryAdmit(peer.address());
  if (!slot) return;  // closed by the socket's destructor
  socket.set_option(tcp::no_delay(true), ec);
  auto session = std::make_shared<C2sSession>(
      tls::Stream(boost::beast::tcp_stream(std::move(socket))), c2s, options.c2s,
      net::AddressLimitKey(peer.address()), RandomHex(8), std::move(*slot));
  {
    std::lock_guard lock(sessions_mutex);
    std::erase_if(sessions, [](const std::weak_ptr<C2sSession>& s) { return s.expired(); });
    sessions.push_back(session);
  }
  session->Start();
}

XmppServer::XmppServer(XmppOptions options, XmppServices services)
    : impl_(std::make_unique<Impl>(std::move(options), services)) {}

XmppServer::~XmppServer() { Stop(); }

Result<uint16_t> XmppServer::Start() {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return Status(Code::kInvalidArgument, "bad xmpp-listen address " + impl_->options.host);
  const tcp::endpoint endpoint(address, impl_->options.port);
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(Code::kUnavailable,
                  "cannot listen on " + impl_->options.host + ": " + ec.message());
  }
  asio::co_spawn(impl_->io, impl_->Accept(), asio::detached);
  auto work = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
      impl_->io.get_executor());
  for (int i = 0; i < std::max(1, impl_->options.io_threads); ++i) {
    impl_->threads.emplace_back([this, work] { impl_->io.run(); });
  }
  return impl_->acceptor.local_endpoint().port();
}

size_t XmppServer::open_connections() const { return impl_->connections.open(); }

void XmppServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->shutting_down = true;
  asio::post(impl_->io, [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
  });
  {
    std::lock_guard lock(impl_->sessions_mutex);
    for (const auto& weak : impl_->sessions) {
      if (auto session = weak.lock()) session->Close(chat::CloseReason::kShutdown);
    }
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(impl_->options.shutdown_timeout_ms);
  while (impl_->connections.open() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  impl_->io.stop();
  for (std::thread& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  impl_->workers.join();
  impl_->hashing.Join();
}

}  // namespace parley::xmpp
