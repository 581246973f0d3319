// WsSession: one WebSocket connection of one device (docs/protocol.md, "WebSocket").
//
// Lifecycle: Start() accepts the upgrade; the first frame must be `hello` (within
// hello_timeout_ms) with a valid token; the session then attaches to the Hub, checks the token
// again (a revocation may have landed before the attach), replays what the device missed, sends
// `synced`, and serves frames until either side closes or the token expires (close 4001).
//
// Threading: everything runs on the connection's strand. Deliver() and Close() may be called
// from any thread; they post to the strand. The session keeps itself alive (shared_ptr) while
// I/O is pending; the Hub holds it weakly.
//
// Bounds: outgoing frames queue up to max_outgoing_bytes, then the session is closed as a slow
// consumer (4008); client frames are rate-limited by a token bucket (error per dropped frame,
// close 4029 when flooding continues). The catch-up replay is paced by the socket: missed
// messages are encoded and queued only while the queue is below a quarter of the bound, so a
// large catch-up never looks like a slow consumer. `typing` frames are coalesced: at most one
// per conversation per kTypingInterval is forwarded, the rest are dropped silently.
//
// Presence: the session tells chat::Social when its device connects (after hello), says it is
// away or back (`presence` frames), and disconnects.
#ifndef PARLEY_NET_WS_SESSION_H_
#define PARLEY_NET_WS_SESSION_H_

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/peer.h"
#include "net/context.h"
#include "net/http_util.h"
#include "net/token_bucket.h"
#include "proto/client_frames.h"
#include "store/types.h"

namespace parley::net {

class WsSession : public chat::Peer, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(boost::beast::tcp_stream stream, Context& context);
  ~WsSession() override;

  // Completes the WebSocket handshake for `upgrade` and starts serving.
  void Start(Request upgrade);

  void Deliver(chat::SharedFrame frame) override;
  void Close(chat::CloseReason reason) override;

 private:
  boost::asio::awaitable<void> Run(Request upgrade);
  boost::asio::awaitable<bool> Handshake();
  boost::asio::awaitable<void> Serve();
  // Coroutines take arguments by reference (see the rule in net/api.h).
  boost::asio::awaitable<void> Handle(proto::DecodedFrame& decoded);
  boost::asio::awaitable<void> HandleHistory(const proto::HistoryFrame& frame,
                                             const std::string& req);
  boost::asio::awaitable<void> HandleTyping(const proto::TypingFrame& frame,
                                            const std::string& req);
  void HandlePresence(const proto::PresenceFrame& frame);
  bool AdmitFrame(const proto::DecodedFrame& decoded);
  void PumpReplay();
  void CloseAtExpiry(int64_t expires_at);  // strand only

  void DrainInbox();                   // strand only
  void Send(chat::SharedFrame frame);  // strand only
  void Send(std::string text) { Send(chat::MakeFrame(std::move(text))); }
  void WriteNext();
  void OnWritten(boost::beast::error_code ec);
  void CloseNow(chat::CloseReason reason);
  void FinishSync();

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  Context& context_;
  boost::beast::flat_buffer read_buffer_;
  boost::asio::steady_timer hello_timer_;
  boost::asio::steady_timer expiry_timer_;  // closes the session when its token expires

  // Identity, set once by Handshake().
  int64_t user_id_ = 0;
  int64_t device_id_ = 0;
  bool attached_ = false;

  // Outgoing path (strand only).
  std::deque<chat::SharedFrame> outgoing_;
  size_t queued_bytes_ = 0;  // bytes in outgoing_
  bool writing_ = false;
  size_t in_flight_ = 0;      // frames of outgoing_ in the write under way
  bool batch_ = false;        // the client accepts several objects per frame (hello "batch")
  std::string batch_buffer_;  // the bytes of a batched write, alive until it completes
  bool closing_ = false;
  std::optional<chat::CloseReason> close_after_write_;
  // While replaying missed messages, live frames wait here so they follow the replay.
  bool syncing_ = true;
  std::vector<chat::SharedFrame> held_;
  size_t held_bytes_ = 0;
  std::vector<store::Message> replay_;  // missed messages; those before replay_next_ are queued
  size_t replay_next_ = 0;
  std::string synced_frame_;  // sent once replay_ is empty

  // Frames delivered from other threads, waiting for the strand.
  std::mutex inbox_mutex_;
  std::vector<chat::SharedFrame> inbox_;  // guarded by inbox_mutex_

  // Presence and typing (strand only).
  bool away_ = false;  // this device said it is away
  static constexpr std::chrono::seconds kTypingInterval{2};
  // conversation id -> when a typing frame was last forwarded for it
  std::unordered_map<int64_t, std::chrono::steady_clock::time_point> typing_forwarded_;

  TokenBucket frame_budget_;
  int rejected_in_a_row_ = 0;
};

}  // namespace parley::net

#endif  // PARLEY_NET_WS_SESSION_H_
