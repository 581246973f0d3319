// WsClient: a blocking WebSocket client of the Parley protocol, for the CLI and the end-to-end
// tests. Each call runs a private EventLoop until its result is in or its timeout passes.
//
// Incoming frames are kept in arrival order. Next() takes the oldest; WaitFor() takes the oldest
// frame matching a predicate and leaves the others queued, so waiting for an ack never loses a
// `message` that arrived before it. Server pings are answered while a call is running.
//
// Thread-safety: none; use one WsClient from one thread at a time. Owns its connection and loop.
#ifndef PARLEY_TOOLS_CLIENT_WS_CLIENT_H_
#define PARLEY_TOOLS_CLIENT_WS_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "client/endpoint.h"
#include "client/event_loop.h"
#include "client/frames.h"
#include "client/ws_connection.h"

namespace parley::client {

inline constexpr std::chrono::milliseconds kDefaultTimeout{5000};

// What the server sent in answer to hello: welcome, the replayed messages, synced.
struct SyncResult {
  nlohmann::json welcome;
  std::vector<nlohmann::json> messages;  // replayed `message` frames, in arrival order
  nlohmann::json synced;
};

class WsClient {
 public:
  using Predicate = std::function<bool(const nlohmann::json& frame)>;

  WsClient();
  ~WsClient();
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  // Opens the WebSocket to endpoint's /ws. kUnavailable when it cannot.
  Status Connect(const Endpoint& endpoint, std::chrono::milliseconds timeout = kDefaultTimeout);

  // Sends hello and waits for welcome, which it returns. An `error` frame in reply becomes its
  // Status (unauthenticated, unsupported_version, ...).
  // `since`: the token of the device's last synced (synced["since"]); empty: a full sync.
  Result<nlohmann::json> Hello(std::string_view token, std::span<const Cursor> cursors = {},
                               std::chrono::milliseconds timeout = kDefaultTimeout,
                               std::string_view since = {});
  // Hello, then collects the replay up to and including synced.
  Result<SyncResult> HelloAndSync(std::string_view token, std::span<const Cursor> cursors = {},
                                  std::chrono::milliseconds timeout = kDefaultTimeout,
                                  std::string_view since = {});

  // Sends one frame and waits until it is written to the socket.
  Status SendRaw(std::string text, std::chrono::milliseconds timeout = kDefaultTimeout);
  Status Send(const nlohmann::json& frame, std::chrono::milliseconds timeout = kDefaultTimeout) {
    return SendRaw(Serialize(frame), timeout);
  }

  // Sends a message (to a user, or into a conversation) and waits for its ack, which it returns;
  // an `error` frame carrying the same id becomes its Status. An empty id picks a random one.
  Result<nlohmann::json> SendToUser(int64_t to_user_id, std::string_view text, std::string id = "",
                                    std::chrono::milliseconds timeout = kDefaultTimeout);
  Result<nlohmann::json> SendToConversation(int64_t conversation_id, std::string_view text,
                                            std::string id = "",
                                            std::chrono::milliseconds timeout = kDefaultTimeout);
  // A send frame with the given fields ({"conversation_id" or "to", "text"?, "media"?, ...});
  // "type" is set to "send" and a random "id" added when absent. Waits for the ack as above.
  Result<nlohmann::json> SendFields(nlohmann::json fields,
                                    std::chrono::milliseconds timeout = kDefaultTimeout);

  // Sends a frame carrying client id `id` (a send or a message operation: edit, delete,
  // react) and waits for its ack, as above.
  Result<nlohmann::json> SendAndAwaitAck(std::string id, std::string frame,
                                         std::chrono::milliseconds timeout = kDefaultTimeout);

  // The oldest queued frame, waiting up to timeout for one. Fails with kUnavailable on timeout
  // (closed() false) or when the connection is closed and the queue empty (closed() true), and
  // with kMalformed for a frame that is not a JSON object with a type.
  Result<nlohmann::json> Next(std::chrono::milliseconds timeout = kDefaultTimeout);
  // The oldest frame matching `match`; other frames stay queued, in order.
  Result<nlohmann::json> WaitFor(const Predicate& match,
                                 std::chrono::milliseconds timeout = kDefaultTimeout);
  Result<nlohmann::json> WaitForType(std::string_view type,
                                     std::chrono::milliseconds timeout = kDefaultTimeout);
  // Waits until the server closes the connection; returns its close code (0 on timeout).
  int WaitForClose(std::chrono::milliseconds timeout = kDefaultTimeout);

  // Closing handshake with `code`, waiting up to timeout for it to finish.
  void Close(int code = 1000, std::chrono::milliseconds timeout = kDefaultTimeout);

  bool closed() const { return closed_; }
  int close_code() const { return close_code_; }  // 1006 lost, 0 never opened
  const Status& close_status() const { return close_status_; }
  size_t queued_frames() const { return inbox_.size(); }

 private:
  Result<nlohmann::json> TakeFrame(size_t index);

  EventLoop loop_;  // declared first: destroyed last, after the connection
  std::shared_ptr<WsConnection> connection_;
  // Frames in arrival order; one that did not parse is kept as {"type": kInvalidFrame, "raw"}.
  std::deque<nlohmann::json> inbox_;
  bool opened_ = false;
  bool closed_ = false;
  int close_code_ = 0;
  Status close_status_;
};

}  // namespace parley::client

#endif  // PARLEY_TOOLS_CLIENT_WS_CLIENT_H_
