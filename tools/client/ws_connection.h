// WsConnection: one asynchronous client WebSocket to a Parley server's /ws, on an EventLoop.
//
// The load tool runs thousands of these on one loop; WsClient wraps one into a blocking API.
// It moves text frames only and knows nothing about their meaning: build frames with frames.h.
//
// Lifecycle: Create(), then Open(). Exactly one of these follows on the loop thread: on_open (the
// handshake succeeded) and, later, exactly one on_close; or on_close alone (connect or handshake
// failed). After on_close no handler is called again. Detach() clears the handlers for owners
// that go away before the connection does.
//
// Thread-safety: none. Call every method on the loop thread (or before the loop runs). Pending
// I/O keeps the object alive (shared_ptr); handlers must not outlive what they capture, so owners
// that die first call Detach().
#ifndef PARLEY_TOOLS_CLIENT_WS_CONNECTION_H_
#define PARLEY_TOOLS_CLIENT_WS_CONNECTION_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "client/endpoint.h"
#include "client/event_loop.h"

namespace parley::client {

class WsConnection {
 public:
  struct Handlers {
    std::function<void()> on_open;
    // One complete text (or binary) frame. The view is valid only during the call.
    std::function<void(std::string_view frame)> on_frame;
    // `why` is OK for a 1000/1001 close; close_code is the peer's code, 1006 when the TCP
    // connection ended without a close frame, 0 when it never opened.
    std::function<void(const Status& why, int close_code)> on_close;
  };

  struct Options {
    std::string path = "/ws";
    std::chrono::milliseconds connect_timeout{10000};  // resolve + TCP connect + handshake
    size_t max_queued_bytes = 8u << 20;                // Send() fails beyond this backlog
    size_t max_frame_bytes = 16u << 20;                // larger incoming frames close the socket
  };

  static std::shared_ptr<WsConnection> Create(EventLoop& loop, Handlers handlers, Options options);
  static std::shared_ptr<WsConnection> Create(EventLoop& loop, Handlers handlers) {
    return Create(loop, std::move(handlers), Options());
  }

  virtual ~WsConnection() = default;

  virtual void Open(const Endpoint& endpoint) = 0;
  // Queues one text frame. kUnavailable when not open (or closing), or when the backlog of
  // unsent bytes would pass max_queued_bytes.
  virtual Status Send(std::string frame) = 0;
  // Starts the closing handshake; on_close follows.
  virtual void Close(int code = 1000) = 0;
  // Closes the TCP socket at once; on_close follows with close code 1006.
  virtual void Abort() = 0;
  virtual void Detach() = 0;

  virtual bool is_open() const = 0;
  virtual size_t queued_bytes() const = 0;
};

}  // namespace parley::client

#endif  // PARLEY_TOOLS_CLIENT_WS_CONNECTION_H_
