#include "xmpp/xmpp_server.h"

#include <algorithm>
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
#include "xmpp/tcp_transport.h"
#include "xmpp/upload_frames.h"
#include "xmpp/websocket_transport.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// XEP-0198: the sessions of one user that wait detached for a resume at most.
constexpr size_t kMaxDetachedPerUser = 4;

namespace {

// Media reach XMPP clients as the GET URLs of upload slots (XEP-0363, docs/xmpp.md "HTTP
// upload"); without the upload service, not at all.
MediaUrl MediaUrlOf(const chat::UploadSlots* slots, std::string base) {
  if (slots == nullptr) return {};
  return [slots, base = std::move(base)](const store::Media& media) {
    return SlotUrl(base, slots->GetTokenOf(media.id), media.name);
  };
}

}  // namespace

struct XmppServer::Impl {
  Impl(XmppOptions opts, XmppServices svc)
      : options(std::move(opts)),
        services(svc),
        encoder(options.c2s.domain, MediaUrlOf(services.uploads, options.c2s.upload_base_url)),
        workers(static_cast<size_t>(std::max(1, options.worker_threads))),
        hashing(std::max(1, options.hashing_threads), options.hashing_queue),
        c2s{services.auth, services.chat, services.social, services.hub,  workers,
            hashing,       encoder,       services.tls,    shutting_down, services.groups,
            occupancy,     sm_sessions,   services.uploads},
        connections(options.max_connections, options.max_connections_per_address),
        acceptor(*services.loops.front()) {}

  asio::awaitable<void> Accept();
  void Serve(tcp::socket socket, size_t slice);
  // Starts a session on `transport` (on loop `slice`), known to Stop.
  void Launch(std::unique_ptr<C2sTransport> transport, size_t slice, std::string client_key,
              std::string session_id, net::ConnectionLimiter::Slot slot);

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
  Launch(std::make_unique<TcpTransport>(tls::Stream(boost::beast::tcp_stream(std::move(socket))),
                                        options.c2s.xml),
         slice, net::AddressLimitKey(peer.address()), RandomHex(8), std::move(*slot));
}

void XmppServer::Impl::Launch(std::unique_ptr<C2sTransport> transport, size_t slice,
                              std::string client_key, std::string session_id,
                              net::ConnectionLimiter::Slot slot) {
  auto session =
      std::make_shared<C2sSession>(std::move(transport), slice, c2s, options.c2s,
                                   std::move(client_key), std::move(session_id), std::move(slot));
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

Status XmppServer::TakeWebSocket(net::WebSocketHandoff& handoff) {
  if (!impl_->started || impl_->shutting_down) {
    return Status(Code::kUnavailable, "XMPP is not serving now; retry later");
  }
  if (!WebSocketTransport::AsksForXmpp(handoff.upgrade)) {
    return Status(
        Code::kMalformed,
        "XMPP over WebSocket needs the subprotocol xmpp (Sec-WebSocket-Protocol, RFC 7395)");
  }
  std::optional<net::ConnectionLimiter::Slot> slot =
      handoff.peer ? impl_->connections.TryAdmit(*handoff.peer) : std::nullopt;
  if (!slot) return Status(Code::kUnavailable, "too many XMPP connections; retry later");
  // The Hub slice of the loop the connection runs on.
  const asio::execution_context* loop =
      &asio::query(handoff.stream.get_executor(), asio::execution::context);
  const auto& loops = impl_->services.loops;
  const size_t slice =
      static_cast<size_t>(std::find(loops.begin(), loops.end(), loop) - loops.begin());
  if (slice == loops.size()) return Status(Code::kInternal, "a connection outside the event loops");
  impl_->Launch(
      std::make_unique<WebSocketTransport>(std::move(handoff.stream), std::move(handoff.upgrade),
                                           std::move(handoff.slot), impl_->options.c2s.xml),
      slice, handoff.client_key, handoff.request_id, std::move(*slot));
  return Status::Ok();
}

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
