// WsSession: one WebSocket connection of one device (docs/protocol.md, "WebSocket").
//
// Lifecycle: Start() accepts the upgrade; the first frame must be `hello` (within
// hello_timeout_ms) with a valid token; the session then attaches to the Hub, checks the token
// again (a revocation may have landed before the attach), reads the hello's `cursors` frames
// when it announced more than fit in it (again within hello_timeout_ms), replays what the
// device missed, sends `synced`, and serves frames until either side closes or the token expires
// (close 4001).
//
// Threading: everything runs on the connection's event loop, which one I/O thread runs (so no
// strand is needed); the session attaches to that loop's hub slice. DeliverHere() is called by
// the hub slice on that thread; Deliver() and Close() may be called from any thread and post to
// the loop. The session keeps itself alive (shared_ptr) while I/O is pending; the Hub holds it
// weakly.
//
// Bounds: outgoing frames queue up to max_outgoing_bytes, then the session is closed as a slow
// consumer (4008); client frames are admitted by a FrameAdmission (rate_limited errors, then
// close 4029 when flooding continues). The catch-up replay is paced by the socket: a page of
// missed messages is read from the store (chat::CatchUp) only while the queue is below a
// quarter of the bound, so a large catch-up never looks like a slow consumer and a device that
// stops reading holds at most a page; a catch-up that makes no progress for sync_stall_ms is
// closed as a slow consumer. A user may have max_sessions_per_user sessions at once; hello on
// one more is refused (`rate_limited`, close 4029). `typing` frames are coalesced: at most one
// per conversation per kTypingInterval is forwarded, the rest are dropped silently.
//
// Closing: once closing, the session queues nothing more; the frames already queued (an ack,
// the error that explains the close) are written first, then the close frame. A slow consumer
// or a revoked device loses the queued frames instead, and only the write under way finishes
// before the close frame. Whatever the reason, a close not finished within kCloseGrace closes
// the TCP connection.
//
// Presence: the session tells chat::Social when its device connects (after hello), says it is
// away or back (`presence` frames), and disconnects.
#ifndef PARLEY_NET_WS_SESSION_H_
#define PARLEY_NET_WS_SESSION_H_

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "chat/fanout/peer.h"
#include "chat/messaging/catch_up.h"
#include "net/context.h"
#include "net/frame_admission.h"
#include "net/http_util.h"
#include "proto/client_frames.h"
#include "store/types.h"
#include "tls/stream.h"

namespace parley::net {

class WsSession : public chat::Peer, public std::enable_shared_from_this<WsSession> {
 public:
  // `session_id`: the request id of the upgrade, on every line this session logs.
  WsSession(tls::Stream stream, Context& context, std::string session_id);
  ~WsSession() override;

  // Completes the WebSocket handshake for `upgrade` and starts serving.
  void Start(Request upgrade);

  const chat::FrameEncoder& encoder() const override { return context_.json_frames; }
  bool away() const override { return away_.load(std::memory_order_relaxed); }
  void Deliver(chat::SharedFrame frame) override;
  void DeliverHere(chat::SharedFrame frame) override;
  void Close(chat::CloseReason reason) override;

 private:
  boost::asio::awaitable<void> Run(Request upgrade);
  boost::asio::awaitable<bool> Handshake();
  boost::asio::awaitable<bool> ReadMoreCursors(std::vector<chat::Cursor>& cursors);
  boost::asio::awaitable<std::optional<proto::DecodedFrame>> ReadFrame();
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
  boost::asio::awaitable<void> FetchReplayPage();
  void WatchSyncProgress();
  void CloseAtExpiry(int64_t expires_at);  // loop only

  void Send(chat::SharedFrame frame);  // loop only
  void Send(std::string text) { Send(chat::MakeFrame(std::move(text))); }
  // An error frame, counted in parley_errors_total (loop only).
  void SendError(const Status& status, std::string_view id, std::string_view req);
  void WriteNext();
  void OnWritten(boost::beast::error_code ec);
  void CloseNow(chat::CloseReason reason);
  void StartClosingHandshake();
  void FinishSync();

  boost::beast::websocket::stream<tls::Stream> ws_;
  Context& context_;
  boost::beast::flat_buffer read_buffer_;
  // The hello deadline until the handshake is done, then the sync-stall watch and the closing
  // deadline.
  boost::asio::steady_timer deadline_;
  boost::asio::steady_timer expiry_timer_;  // closes the session when its token expires

  const std::string session_id_;  // the upgrade's request id, in every log line
  // Identity, set once by Handshake().
  int64_t user_id_ = 0;
  int64_t device_id_ = 0;
  size_t slice_ = 0;  // the hub slice of this session's event loop
  bool attached_ = false;
  bool reading_cursors_ = false;  // the hello's `cursors` frames are being read

  // Outgoing path (loop only).
  std::deque<chat::SharedFrame> outgoing_;
  size_t queued_bytes_ = 0;  // bytes in outgoing_
  bool writing_ = false;
  size_t in_flight_ = 0;      // frames of outgoing_ in the write under way
  bool batch_ = false;        // the client accepts several objects per frame (hello "batch")
  std::string batch_buffer_;  // the bytes of a batched write, alive until it completes
  // The replay gauge this session counts itself in while it replays; null otherwise.
  metrics::Gauge* replaying_ = nullptr;
  bool closing_ = false;  // no more frames are queued; the close frame follows the queue
  std::optional<chat::CloseReason> close_after_write_;  // until the close frame is written
  static constexpr std::chrono::seconds kCloseGrace{10};
  // While replaying missed messages, live frames wait here so they follow the replay.
  bool syncing_ = true;
  std::vector<chat::SharedFrame> held_;
  size_t held_bytes_ = 0;
  std::optional<chat::CatchUp> catch_up_;  // the replay still to read; reset once done
  bool fetching_page_ = false;             // a worker reads the next page
  // The page read last, queued one frame at a time as the queue drains (a message may encode
  // to far more than its text: one page must not fill the queue at once).
  std::vector<store::Message> page_;
  size_t page_next_ = 0;
  std::chrono::steady_clock::time_point sync_progress_;  // the last write while syncing
  std::string synced_frame_;                             // sent once the replay is done

  // Presence and typing (loop only).
  // This device said it is away: written on the session's loop, read by its hub slice (and
  // publishers).
  std::atomic<bool> away_{false};
  static constexpr std::chrono::seconds kTypingInterval{2};
  // conversation id -> when a typing frame was last forwarded for it
  std::unordered_map<int64_t, std::chrono::steady_clock::time_point> typing_forwarded_;

  FrameAdmission admission_;
};

}  // namespace parley::net

#endif  // PARLEY_NET_WS_SESSION_H_
