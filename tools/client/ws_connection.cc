#include "client/ws_connection.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <optional>

#include "client/event_loop_impl.h"
#include "client/wire_codes.h"
#include "tls/stream.h"

namespace parley::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr int kAbnormalClose = 1006;

class WsConnectionImpl final : public WsConnection,
                               public std::enable_shared_from_this<WsConnectionImpl> {
 public:
  WsConnectionImpl(asio::io_context& io, Handlers handlers, Options options)
      : io_(io), resolver_(io), handlers_(std::move(handlers)), options_(std::move(options)) {}

  void Open(const Endpoint& endpoint) override {
    if (state_ != State::kNew) return;
    state_ = State::kConnecting;
    host_header_ = endpoint.HostHeader();
    if (endpoint.tls) {
      auto context = endpoint.TlsContext();
      if (!context.ok()) return FailWith(context.status());
      ws_.emplace(beast::tcp_stream(io_), std::move(*context));
      if (Status s = ws_->next_layer().ExpectServerName(endpoint.host); !s.ok()) {
        return FailWith(s);
      }
    } else {
      ws_.emplace(beast::tcp_stream(io_));
    }
    beast::get_lowest_layer(*ws_).expires_after(options_.connect_timeout);
    resolver_.async_resolve(
        endpoint.host, std::to_string(endpoint.port),
        [self = shared_from_this()](error_code ec, tcp::resolver::results_type results) {
          self->OnResolve(ec, std::move(results));
        });
  }

  Status Send(std::string frame) override {
    if (state_ != State::kOpen) return Status(Code::kUnavailable, "websocket is not open");
    if (queued_bytes_ + frame.size() > options_.max_queued_bytes) {
      return Status(Code::kUnavailable, "websocket send queue is full");
    }
    queued_bytes_ += frame.size();
    queue_.push_back(std::move(frame));
    if (!writing_) WriteNext();
    return Status::Ok();
  }

  void Close(int code) override {
    if (state_ != State::kOpen) {
      if (state_ == State::kConnecting) Abort();
      return;
    }
    state_ = State::kClosing;
    ws_->async_close(websocket::close_reason(static_cast<uint16_t>(code)),
                     [self = shared_from_this()](error_code ec) {
                       // The pending read sees the peer's close frame and finishes the connection.
                       if (ec) self->Fail(ec);
                     });
  }

  void Abort() override {
    if (state_ == State::kClosed) return;
    error_code ignored;
    resolver_.cancel();
    if (ws_) beast::get_lowest_layer(*ws_).socket().close(ignored);
  }

  void Detach() override { handlers_ = Handlers(); }
  bool is_open() const override { return state_ == State::kOpen; }
  size_t queued_bytes() const override { return queued_bytes_; }

 private:
  enum class State { kNew, kConnecting, kOpen, kClosing, kClosed };

  void OnResolve(error_code ec, tcp::resolver::results_type results) {
    if (ec) return Fail(ec);
    beast::get_lowest_layer(*ws_).async_connect(
        results,
        [self = shared_from_this()](error_code ec, const tcp::endpoint&) { self->OnConnect(ec); });
  }

  void OnConnect(error_code ec) {
    if (ec) return Fail(ec);
    beast::get_lowest_layer(*ws_).socket().set_option(tcp::no_delay(true), ec);
    // Within the connect timeout still (a no-op on a plain connection).
    ws_->next_layer().async_handshake(
        tls::Side::kClient,
        [self = shared_from_this()](error_code ec, size_t) { self->OnSecured(ec); });
  }

  void OnSecured(error_code ec) {
    if (ec) return Fail(ec);
    auto& stream = beast::get_lowest_layer(*ws_);
    stream.expires_never();  // the websocket timeout option takes over from here
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.connect_timeout;
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_->set_option(timeouts);
    ws_->read_message_max(options_.max_frame_bytes);
    ws_->auto_fragment(false);
    ws_->async_handshake(host_header_, options_.path,
                         [self = shared_from_this()](error_code ec) { self->OnHandshake(ec); });
  }

  void OnHandshake(error_code ec) {
    if (ec) return Fail(ec);
    if (state_ != State::kConnecting) return Fail(asio::error::operation_aborted);
    state_ = State::kOpen;
    ws_->text(true);
    ReadNext();
    if (handlers_.on_open) handlers_.on_open();
  }

  void ReadNext() {
    ws_->async_read(buffer_,
                    [self = shared_from_this()](error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(error_code ec) {
    if (ec) return Fail(ec);
    auto data = buffer_.cdata();
    std::string_view frame(static_cast<const char*>(data.data()), data.size());
    if (handlers_.on_frame && state_ != State::kClosed) handlers_.on_frame(frame);
    buffer_.consume(buffer_.size());
    if (state_ == State::kOpen || state_ == State::kClosing) ReadNext();
  }

  void WriteNext() {
    writing_ = true;
    ws_->async_write(asio::buffer(queue_.front()),
                     [self = shared_from_this()](error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(error_code ec) {
    writing_ = false;
    if (ec) return Fail(ec);
    if (state_ == State::kClosed) return;
    queued_bytes_ -= queue_.front().size();
    queue_.pop_front();
    if (!queue_.empty() && state_ == State::kOpen) WriteNext();
  }

  // A connection that could not even start (a bad CA file, a bad server name).
  // Reported from the loop, like every other outcome, never from inside Open().
  void FailWith(const Status& why) {
    state_ = State::kClosed;
    asio::post(io_, [self = shared_from_this(), why] {
      Handlers handlers = std::move(self->handlers_);
      self->handlers_ = Handlers();
      if (handlers.on_close) handlers.on_close(why, 0);
    });
  }

  // The single place a connection ends: reports once, then stops every further callback.
  void Fail(error_code ec) {
    if (state_ == State::kClosed) return;
    bool was_open = state_ == State::kOpen || state_ == State::kClosing;
    state_ = State::kClosed;
    error_code ignored;
    beast::get_lowest_layer(*ws_).socket().close(ignored);
    queue_.clear();
    queued_bytes_ = 0;
    Handlers handlers = std::move(handlers_);
    handlers_ = Handlers();
    if (!handlers.on_close) return;
    if (ec == websocket::error::closed) {
      int code = ws_->reason().code;
      std::string_view reason(ws_->reason().reason.data(), ws_->reason().reason.size());
      handlers.on_close(StatusFromClose(code, reason), code);
    } else if (was_open) {
      handlers.on_close(Status(Code::kUnavailable, "connection lost: " + ec.message()),
                        kAbnormalClose);
    } else {
      handlers.on_close(Status(Code::kUnavailable, "cannot connect: " + ec.message()), 0);
    }
  }

  asio::io_context& io_;
  tcp::resolver resolver_;
  std::optional<websocket::stream<tls::Stream>> ws_;  // made by Open(): plain or TLS
  beast::flat_buffer buffer_;
  Handlers handlers_;
  Options options_;
  std::string host_header_;
  State state_ = State::kNew;
  std::deque<std::string> queue_;  // front() is being written while writing_
  size_t queued_bytes_ = 0;
  bool writing_ = false;
};

}  // namespace

std::shared_ptr<WsConnection> WsConnection::Create(EventLoop& loop, Handlers handlers,
                                                   Options options) {
  return std::make_shared<WsConnectionImpl>(loop.impl().io, std::move(handlers),
                                            std::move(options));
}

}  // namespace parley::client
