#include "xmpp/xmpp_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "base/log.h"
#include "base/random_hex.h"
#include "net/client_address.h"
#include "net/connection_limiter.h"
#include "net/work_pool.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// XEP-0198: the sessions of one user that wait detached for a resume at most.
constexpr size_t kMaxDetachedPerUser = 4;

struct XmppServer::Impl {
  Impl(XmppOptions opts, XmppServices svc)
      : options(std::move(opts)),
        services(svc),
        encoder(options.c2s.domain),
        workers(static_cast<size_t>(std::max(1, options.worker_threads))),
        hashing(std::max(1, options.hashing_threads), options.hashing_queue),
        c2s{services.auth, services.chat, services.social, services.hub,
            workers,       hashing,       encoder,         services.tls,
            shutting_down, services.groups, occupancy,     sm_sessions},
        connections(options.max_connections, options.max_connections_per_address),
        acceptor(*services.loops.front()) {}

  asio::awaitable<void> Accept();
  void Serve(tcp::socket socket, size_t slice);

  const XmppOptions options;
  XmppServices services;
  const XmppFrameEncoder encoder;
  std::atomic<bool> shutting_down{false};
  MucOccupancy occupancy;
  SmRegistry sm_sessions{kMaxDetachedPerUser};
  asio::thread_pool workers;
  net::WorkPool hashing;
  C2sServices c2s;
  net::ConnectionLimiter connections;
  std::mutex sessions_mutex;
  std::vector<std::weak_ptr<C2sSession>> sessions;  // guarded by sessions_mutex
  tcp::acceptor acceptor;                           // on the first loop
  bool started = false;
  bool stopped = false;
};

// Each accepted stream goes to the next event loop in turn, and lives there.
asio::awaitable<void> XmppServer::Impl::Accept() {
  for (size_t next = 0;; ++next) {
    const size_t slice = next % services.loops.size();
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor.async_accept(
        *services.loops[slice], asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec) continue;
    Serve(std::move(socket), slice);
  }
}

void XmppServer::Impl::Serve(tcp::socket socket, size_t slice) {
  boost::system::error_code ec;
  const auto peer = socket.remote_endpoint(ec);
  if (ec) return;
  std::optional<net::ConnectionLimiter::Slot> slot = connections.TryAdmit(peer.address());
  if (!slot) return;  // closed by the socket's destructor
  socket.set_option(tcp::no_delay(true), ec);
  auto session = std::make_shared<C2sSession>(
      tls::Stream(boost::beast::tcp_stream(std::move(socket))), slice, c2s, options.c2s,
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
  asio::co_spawn(*impl_->services.loops.front(), impl_->Accept(), asio::detached);
  impl_->started = true;
  return impl_->acceptor.local_endpoint().port();
}

size_t XmppServer::open_connections() const { return impl_->connections.open(); }

void XmppServer::Stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->shutting_down = true;
  if (!impl_->started) return;
  asio::post(*impl_->services.loops.front(), [impl = impl_.get()] {
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
  impl_->workers.join();
  impl_->hashing.Join();
}

}  // namespace parley::xmpp
