// tls::Stream: one TCP connection, with or without TLS, as ONE stream type, so that Beast's
// HTTP and WebSocket templates (parleyd's sessions, the client library) are instantiated once,
// not once per transport.
//
// The plain path costs nothing extra: its reads and writes go straight to the beast::tcp_stream
// with the caller's handler. The TLS path goes through a few non-template functions in
// stream.cc, with the handler type-erased (one heap allocation per operation), so OpenSSL's
// stream templates are compiled once, in one translation unit.
//
// Layers: next_layer() is the beast::tcp_stream, so beast::get_lowest_layer() finds it (its
// expires_after() bounds TLS reads and writes too, and closing its socket ends both).
// Executors: a TLS completion runs on the handler's associated executor, by default the
// socket's; parleyd and the client make their sockets on a strand or a one-thread io_context.
// Lifetime: a TLS Stream keeps its ssl::context alive (shared), so a context replaced by a
// certificate reload lives on for the connections made with it.
// Thread-safety: like a socket: one operation of each kind at a time, from its executor.
#ifndef PARLEY_TLS_STREAM_H_
#define PARLEY_TLS_STREAM_H_

#include <array>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "base/status.h"

namespace parley::tls {

// A completion handler of signature void(error_code, size_t), type-erased and move-only. It
// invokes the wrapped handler on that handler's associated executor (`fallback` if none).
class ErasedHandler {
 public:
  ErasedHandler() = default;
  template <class Handler>
  ErasedHandler(Handler handler, boost::asio::any_io_executor fallback)
      : call_(std::make_unique<Holder<Handler>>(std::move(handler), std::move(fallback))) {}

  void operator()(boost::system::error_code ec, std::size_t bytes) {
    std::unique_ptr<Base> call = std::move(call_);
    Base::Invoke(std::move(call), ec, bytes);
  }

 private:
  struct Base {
    virtual ~Base() = default;
    // Frees the holder before the handler runs (the handler may start the next operation).
    static void Invoke(std::unique_ptr<Base> self, boost::system::error_code ec, std::size_t n) {
      Base* raw = self.release();
      raw->Run(ec, n);
    }
    virtual void Run(boost::system::error_code ec, std::size_t n) = 0;  // deletes this
  };
  template <class Handler>
  struct Holder final : Base {
    Holder(Handler h, boost::asio::any_io_executor fallback)
        : handler(std::move(h)), executor(std::move(fallback)) {}
    void Run(boost::system::error_code ec, std::size_t n) override {
      auto target = boost::asio::get_associated_executor(handler, executor);
      Handler local = std::move(handler);
      delete this;
      boost::asio::dispatch(target, boost::beast::bind_front_handler(std::move(local), ec, n));
    }
    Handler handler;
    boost::asio::any_io_executor executor;
  };
  std::unique_ptr<Base> call_;
};

// A gather write's first buffers, flattened into one sequence type (TLS writes need only the
// first; beast's ssl_stream coalesces small ones).
struct ConstBuffers {
  static constexpr std::size_t kMax = 16;
  std::array<boost::asio::const_buffer, kMax> items;
  std::size_t count = 0;
  const boost::asio::const_buffer* begin() const { return items.data(); }
  const boost::asio::const_buffer* end() const { return items.data() + count; }
};

// The side of a TLS handshake.
enum class Side { kServer, kClient };

class Stream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  // A plain TCP connection.
  explicit Stream(boost::beast::tcp_stream tcp);
  // A TLS connection over `tcp` with `context`; async_handshake() must succeed before use.
  Stream(boost::beast::tcp_stream tcp, std::shared_ptr<boost::asio::ssl::context> context);
  ~Stream();
  Stream(Stream&&) noexcept;
  Stream& operator=(Stream&&) = delete;

  bool is_tls() const { return tls_ != nullptr; }
  executor_type get_executor() { return next_layer().get_executor(); }
  boost::beast::tcp_stream& next_layer();

  // Client side: names the server for SNI and checks that the certificate is for `host`.
  Status ExpectServerName(const std::string& host);

  // The TLS handshake; completes at once with success on a plain Stream.
  template <class Token>
  auto async_handshake(Side side, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this, side](auto handler) {
          if (!tls_) {
            auto ex = boost::asio::get_associated_executor(handler, get_executor());
            boost::asio::post(ex, boost::beast::bind_front_handler(std::move(handler),
                                                                   boost::system::error_code(), 0));
            return;
          }
          Handshake(side, ErasedHandler(std::move(handler), get_executor()));
        },
        token);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const MutableBuffers& buffers) {
          if (!tls_) return plain_->async_read_some(buffers, std::move(handler));
          boost::asio::mutable_buffer first;
          for (auto it = boost::asio::buffer_sequence_begin(buffers);
               it != boost::asio::buffer_sequence_end(buffers); ++it) {
            first = *it;
            if (first.size() > 0) break;
          }
          ReadSome(first, ErasedHandler(std::move(handler), get_executor()));
        },
        token, buffers);
  }

  template <class ConstBufferSequence, class Token>
  auto async_write_some(const ConstBufferSequence& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
        [this](auto handler, const ConstBufferSequence& buffers) {
          if (!tls_) return plain_->async_write_some(buffers, std::move(handler));
          ConstBuffers flat;
          for (auto it = boost::asio::buffer_sequence_begin(buffers);
               it != boost::asio::buffer_sequence_end(buffers) && flat.count < ConstBuffers::kMax;
               ++it) {
            const boost::asio::const_buffer buffer = *it;
            if (buffer.size() > 0) flat.items[flat.count++] = buffer;
          }
          WriteSome(flat, ErasedHandler(std::move(handler), get_executor()));
        },
        token, buffers);
  }

  // The end of a WebSocket (found by Beast through ADL): TLS close_notify, then the TCP close.
  template <class Handler>
  friend void async_teardown(boost::beast::role_type role, Stream& stream, Handler&& handler) {
    if (!stream.tls_) {
      using boost::beast::websocket::async_teardown;
      async_teardown(role, stream.plain_->socket(), std::forward<Handler>(handler));
      return;
    }
    stream.Teardown(
        ErasedHandler([h = std::move(handler)](boost::system::error_code ec,
                                               std::size_t) mutable { std::move(h)(ec); },
                      stream.get_executor()));
  }

 private:
  struct Tls;
  void Handshake(Side side, ErasedHandler handler);
  void ReadSome(boost::asio::mutable_buffer buffer, ErasedHandler handler);
  void WriteSome(const ConstBuffers& buffers, ErasedHandler handler);
  void Teardown(ErasedHandler handler);

  std::optional<boost::beast::tcp_stream> plain_;  // set when not TLS
  std::unique_ptr<Tls> tls_;                       // set when TLS
};

}  // namespace parley::tls

#endif  // PARLEY_TLS_STREAM_H_
