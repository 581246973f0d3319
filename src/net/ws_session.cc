#include "net/ws_session.h"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>
#include <cassert>

#include "base/clock.h"
#include "base/log.h"
#include "net/blocking.h"
#include "proto/server_frames.h"

namespace parley::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::awaitable;

namespace {

websocket::close_reason CloseReasonOf(chat::CloseReason reason) {
  switch (reason) {
    case chat::CloseReason::kShutdown:
      return websocket::close_reason(websocket::close_code::going_away, "shutdown");
    case chat::CloseReason::kProtocolError:
      return websocket::close_reason(static_cast<websocket::close_code>(4000), "protocol_error");
    case chat::CloseReason::kUnauthenticated:
      return websocket::close_reason(static_cast<websocket::close_code>(4001), "unauthenticated");
    case chat::CloseReason::kSlowConsumer:
      return websocket::close_reason(static_cast<websocket::close_code>(4008), "slow_consumer");
    case chat::CloseReason::kRateLimited:
      return websocket::close_reason(static_cast<websocket::close_code>(4029), "rate_limited");
  }
  return websocket::close_reason(websocket::close_code::internal_error, "internal");
}

// The hub slice of the event loop `executor` runs on (net/context.h).
size_t SliceOf(const Context& context, const tls::Stream::executor_type& executor) {
  const asio::execution_context* loop = &asio::query(executor, asio::execution::context);
  for (size_t i = 0; i < context.loops.size(); ++i) {
    if (context.loops[i] == loop) return i;
  }
  assert(false && "a WebSocket session outside the server's event loops");
  return 0;
}

}  // namespace

WsSession::WsSession(tls::Stream stream, Context& context, std::string session_id)
    : ws_(std::move(stream)),
      context_(context),
      deadline_(ws_.get_executor()),
      expiry_timer_(ws_.get_executor()),
      session_id_(std::move(session_id)),
      admission_(context.options.frames_per_second, context.options.frame_burst) {}

WsSession::~WsSession() {
  if (replaying_ != nullptr) replaying_->Add(-1);
  Log(LogLevel::kInfo, "ws_closed",
      {{"session", session_id_},
       {"user_id", std::to_string(user_id_)},
       {"device_id", std::to_string(device_id_)}});
}

void WsSession::Start(Request upgrade) {
  asio::co_spawn(
      ws_.get_executor(),
      [self = shared_from_this(), upgrade = std::move(upgrade)]() mutable {
        return self->Run(std::move(upgrade));
      },
      asio::detached);
}

awaitable<void> WsSession::Run(Request upgrade) {
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set("Server", "parleyd");
    SetSecurityHeaders(response, Policy::kInert);  // also on a refused handshake's answer
  }));
  websocket::stream_base::timeout handshake_timeouts{};
  handshake_timeouts.handshake_timeout = std::chrono::seconds(10);
  handshake_timeouts.idle_timeout = websocket::stream_base::none();
  handshake_timeouts.keep_alive_pings = false;
  ws_.set_option(handshake_timeouts);
  ws_.read_message_max(context_.options.max_frame_bytes);
  // Every message leaves as one unfragmented frame, written straight from its shared buffer;
  // Beast's write buffer then only serves masking and compression, which a server without
  // permessage-deflate never does, so the smallest one saves 4 KiB per connection.
  ws_.auto_fragment(false);
  ws_.write_buffer_bytes(8);

  beast::error_code ec;
  co_await ws_.async_accept(upgrade, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  { Request released = std::move(upgrade); }  // this frame lives as long as the session
  if (co_await Handshake()) co_await Serve();
  if (attached_) {
    context_.hub.Detach(slice_, user_id_, this);
    context_.social.DeviceDisconnected(user_id_, away_);
  }
}

awaitable<bool> WsSession::Handshake() {
  deadline_.expires_after(std::chrono::milliseconds(context_.options.hello_timeout_ms));
  deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock(); self && !self->attached_) {
      self->CloseNow(chat::CloseReason::kUnauthenticated);
    }
  });

  beast::error_code ec;
  co_await ws_.async_read(read_buffer_, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return false;
  const std::string text = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  read_buffer_.shrink_to_fit();  // idle sessions hold no read memory
  proto::DecodedFrame decoded = ws_.got_text()
                                    ? proto::DecodeClientFrame(text)
                                    : proto::DecodedFrame{"", "", Status(Code::kMalformed, "")};
  const auto* hello =
      decoded.frame.ok() ? std::get_if<proto::HelloFrame>(&*decoded.frame) : nullptr;
  if (hello == nullptr) {
    // Whatever else it is (binary, unknown type, not JSON), a first frame that is not a hello
    // text frame is `malformed`.
    const Status& failure = decoded.frame.status();
    const bool explained =
        !decoded.frame.ok() && failure.code() == Code::kMalformed && !failure.message().empty();
    Status status(Code::kMalformed,
                  explained ? failure.message() : "the first frame must be a hello text frame");
    SendError(status, "", decoded.req);
    CloseNow(chat::CloseReason::kProtocolError);
    co_return false;
  }
  if (hello->protocol != proto::kProtocolVersion) {
    SendError(Status(Code::kUnsupportedVersion, "this server speaks protocol 1"), "", decoded.req);
    CloseNow(chat::CloseReason::kProtocolError);
    co_return false;
  }
  auto authenticating = OnWorker(context_.workers, [this, token = hello->token] {
    return context_.auth.Authenticate(token, NowMillis());
  });
  auto principal = co_await std::move(authenticating);
  if (closing_) co_return false;  // the hello deadline passed while authenticating
  if (!principal.ok()) {
    SendError(principal.status(), "", decoded.req);
    CloseNow(chat::CloseReason::kUnauthenticated);
    co_return false;
  }
  if (context_.shutting_down) {
    CloseNow(chat::CloseReason::kShutdown);
    co_return false;
  }
  deadline_.cancel();
  user_id_ = principal->user.id;
  device_id_ = principal->device_id;
  batch_ = hello->batch;
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));

  slice_ = SliceOf(context_, ws_.get_executor());
  if (!context_.hub.Attach(slice_, user_id_, device_id_, shared_from_this(),
                           context_.options.max_sessions_per_user)) {
    SendError(Status(Code::kRateLimited, "this account has too many open sessions"), "",
              decoded.req);
    CloseNow(chat::CloseReason::kRateLimited);
    co_return false;
  }
  attached_ = true;
  Log(LogLevel::kInfo, "ws_opened",
      {{"session", session_id_},
       {"user_id", std::to_string(user_id_)},
       {"device_id", std::to_string(device_id_)}});
  const proto::Limits limits{context_.options.max_frame_bytes,
                             context_.chat.options().max_text_bytes,
                             context_.media.options().max_upload_bytes};
  Send(proto::WelcomeFrame(principal->user, device_id_, limits));
  context_.social.DeviceConnected(user_id_);
  // A revocation committed between the token check above and Attach found no session to close.
  // Checked again now: a revocation before this read is seen here, and one after it is
  // committed after Attach, so its hub close finds this session.
  auto rechecking = OnWorker(context_.workers, [this, token = hello->token] {
    return context_.auth.Authenticate(token, NowMillis());
  });
  auto still_valid = co_await std::move(rechecking);
  if (closing_) co_return false;
  if (!still_valid.ok()) {
    SendError(still_valid.status(), "", decoded.req);
    CloseNow(still_valid.status().code() == Code::kUnauthenticated
                 ? chat::CloseReason::kUnauthenticated
                 : chat::CloseReason::kShutdown);
    co_return false;
  }
  CloseAtExpiry(principal->expires_at);

  std::vector<chat::Cursor> cursors = std::move(hello->cursors);
  if (hello->more_cursors && !co_await ReadMoreCursors(cursors)) co_return false;
  auto planning = OnWorker(context_.workers,
                           [this, cursors = std::move(cursors), since = std::move(hello->since)] {
                             return context_.chat.PlanCatchUp(user_id_, cursors, since);
                           });
  auto plan = co_await std::move(planning);
  if (!plan.ok()) {
    SendError(plan.status(), "", decoded.req);
    CloseNow(chat::CloseReason::kShutdown);
    co_return false;
  }
  synced_frame_ = proto::SyncedFrame(*plan);
  plan->ReleaseConversations();
  catch_up_ = std::move(*plan);
  if (context_.metrics != nullptr) {
    replaying_ = &context_.metrics->sessions_syncing;
    replaying_->Add(1);
  }
  sync_progress_ = std::chrono::steady_clock::now();
  WatchSyncProgress();
  PumpReplay();
  co_return true;
}

// The rest of the hello's cursors: `cursors` frames until one says no more follow, each admitted
// like any other frame, all within a fresh hello deadline and kMaxHelloCursors in all. Anything
// else closes the session (4000, or 4029 when the frames come faster than admitted); false then.
awaitable<bool> WsSession::ReadMoreCursors(std::vector<chat::Cursor>& cursors) {
  reading_cursors_ = true;
  deadline_.expires_after(std::chrono::milliseconds(context_.options.hello_timeout_ms));
  deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock(); self && self->reading_cursors_) {
      self->CloseNow(chat::CloseReason::kProtocolError);
    }
  });
  for (bool more = true; more;) {
    std::optional<proto::DecodedFrame> decoded = co_await ReadFrame();
    if (!decoded) co_return false;
    if (admission_.Next() != FrameAdmission::Verdict::kAdmit) {
      CloseNow(chat::CloseReason::kRateLimited);
      co_return false;
    }
    auto* next = decoded->frame.ok() ? std::get_if<proto::CursorsFrame>(&*decoded->frame) : nullptr;
    Status refusal = Status::Ok();
    if (!decoded->frame.ok()) {
      refusal = decoded->frame.status();
    } else if (next == nullptr) {
      refusal = Status(Code::kMalformed,
                       "the hello announced more cursors: a cursors frame must come next");
    } else if (cursors.size() + next->cursors.size() > proto::kMaxHelloCursors) {
      refusal = Status(Code::kTooLarge, "too many cursors");
    }
    if (!refusal.ok()) {
      Send(proto::ErrorFrame(refusal, "", decoded->req));
      CloseNow(chat::CloseReason::kProtocolError);
      co_return false;
    }
    cursors.insert(cursors.end(), next->cursors.begin(), next->cursors.end());
    more = next->more;
  }
  reading_cursors_ = false;
  deadline_.cancel();
  co_return true;
}

// The token stops working at `expires_at`, and so does the session: close 4001.
void WsSession::CloseAtExpiry(int64_t expires_at) {
  expiry_timer_.expires_after(
      std::chrono::milliseconds(std::max<int64_t>(expires_at - NowMillis(), 0)));
  expiry_timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->CloseNow(chat::CloseReason::kUnauthenticated);
  });
}

// Reads the next page when the queue has room, or ends the sync once the plan is done.
void WsSession::PumpReplay() {
  if (closing_ || fetching_page_ || !catch_up_) return;
  const size_t room = context_.options.max_outgoing_bytes / 4;
  while (page_next_ < page_.size()) {
    if (queued_bytes_ >= room) return;  // OnWritten resumes
    Send(proto::MessageFrame(page_[page_next_++]));
    if (context_.metrics != nullptr) context_.metrics->replayed_messages.Add();
    if (closing_) return;
  }
  std::vector<store::Message>().swap(page_);
  page_next_ = 0;
  if (!catch_up_->done()) {
    if (queued_bytes_ >= room) return;  // OnWritten resumes
    fetching_page_ = true;
    asio::co_spawn(
        ws_.get_executor(), [self = shared_from_this()] { return self->FetchReplayPage(); },
        asio::detached);
    return;
  }
  catch_up_.reset();
  Send(std::move(synced_frame_));
  std::string().swap(synced_frame_);
  FinishSync();
}

awaitable<void> WsSession::FetchReplayPage() {
  auto reading =
      OnWorker(context_.workers, [this] { return context_.chat.CatchUpPage(*catch_up_); });
  auto page = co_await std::move(reading);
  fetching_page_ = false;
  if (closing_) co_return;
  if (!page.ok()) {
    SendError(page.status(), "", "");
    CloseNow(chat::CloseReason::kShutdown);
    co_return;
  }
  page_ = std::move(*page);
  page_next_ = 0;
  PumpReplay();
}

// Every half stall period while syncing: a replay that wrote nothing for sync_stall_ms is
// stalled.
void WsSession::WatchSyncProgress() {
  const std::chrono::milliseconds stall(context_.options.sync_stall_ms);
  deadline_.expires_after(stall / 2);
  deadline_.async_wait([weak = weak_from_this(), stall](beast::error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->closing_ || !self->syncing_) return;
    if (std::chrono::steady_clock::now() - self->sync_progress_ >= stall) {
      self->CloseNow(chat::CloseReason::kSlowConsumer);
      return;
    }
    self->WatchSyncProgress();
  });
}

void WsSession::FinishSync() {
  syncing_ = false;
  if (replaying_ != nullptr) replaying_->Add(-1);
  replaying_ = nullptr;
  deadline_.cancel();  // the progress watch
  held_bytes_ = 0;
  std::vector<chat::SharedFrame> held = std::move(held_);
  for (auto& frame : held) Send(std::move(frame));
}

// The next client frame, decoded (before admission, so a rate_limited error can echo the
// frame's id and req); nullopt once the connection fails or the session is closing.
awaitable<std::optional<proto::DecodedFrame>> WsSession::ReadFrame() {
  beast::error_code ec;
  co_await ws_.async_read(read_buffer_, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return std::nullopt;
  const std::string text = beast::buffers_to_string(read_buffer_.data());
  read_buffer_.consume(read_buffer_.size());
  if (read_buffer_.capacity() > 4096) read_buffer_.shrink_to_fit();  // after a large frame
  if (closing_) co_return std::nullopt;
  if (!ws_.got_text()) {
    co_return proto::DecodedFrame{"", "",
                                  Status(Code::kMalformed, "binary frames are not supported")};
  }
  co_return proto::DecodeClientFrame(text);
}

awaitable<void> WsSession::Serve() {
  for (;;) {
    std::optional<proto::DecodedFrame> decoded = co_await ReadFrame();
    if (!decoded) co_return;
    if (!AdmitFrame(*decoded)) continue;
    co_await Handle(*decoded);
  }
}

bool WsSession::AdmitFrame(const proto::DecodedFrame& decoded) {
  switch (admission_.Next()) {
    case FrameAdmission::Verdict::kAdmit:
      return true;
    case FrameAdmission::Verdict::kRejectWithError:
      Send(proto::RateLimitedFrame(decoded.id, decoded.req, admission_.TakeSilentlyDropped()));
      return false;
    case FrameAdmission::Verdict::kRejectSilently:
      return false;
    case FrameAdmission::Verdict::kClose:
      CloseNow(chat::CloseReason::kRateLimited);
      return false;
  }
  return false;
}

awaitable<void> WsSession::Handle(proto::DecodedFrame& decoded) {
  if (!decoded.frame.ok()) {
    SendError(decoded.frame.status(), decoded.id, decoded.req);
    co_return;
  }
  proto::ClientFrame& frame = *decoded.frame;
  const bool writes = std::holds_alternative<proto::SendFrame>(frame) ||
                      std::holds_alternative<proto::MessageOpFrame>(frame) ||
                      std::holds_alternative<proto::CursorFrame>(frame);
  if (writes && context_.shutting_down) {
    // The close (1001) follows; the client resends elsewhere, with the same id.
    SendError(Status(Code::kUnavailable, "the server is shutting down"), decoded.id, decoded.req);
    co_return;
  }
  if (auto* send = std::get_if<proto::SendFrame>(&frame)) {
    chat::SendCommand command{user_id_,
                              std::move(send->client_id),
                              send->to_user_id,
                              send->conversation_id,
                              std::move(send->text),
                              std::move(send->media)};
    command.reply_to = send->reply_to;
    command.sticker = send->sticker;
    context_.chat.Send(std::move(command), weak_from_this());
  } else if (auto* op = std::get_if<proto::MessageOpFrame>(&frame)) {
    chat::SendCommand command{user_id_, std::move(op->client_id), 0, op->conversation_id,
                              std::move(op->text)};
    command.kind = op->kind;
    command.target = op->seq;
    command.on = op->on;
    context_.chat.Send(std::move(command), weak_from_this());
  } else if (auto* cursor = std::get_if<proto::CursorFrame>(&frame)) {
    chat::CursorCommand command{user_id_, cursor->conversation_id, cursor->seq, cursor->read};
    context_.chat.MarkCursor(command, weak_from_this(), decoded.req);
  } else if (auto* history = std::get_if<proto::HistoryFrame>(&frame)) {
    co_await HandleHistory(*history, decoded.req);
  } else if (auto* typing = std::get_if<proto::TypingFrame>(&frame)) {
    co_await HandleTyping(*typing, decoded.req);
  } else if (auto* presence = std::get_if<proto::PresenceFrame>(&frame)) {
    HandlePresence(*presence);
  } else if (std::holds_alternative<proto::PingFrame>(frame)) {
    Send(proto::PongFrame(decoded.req));
  } else if (std::holds_alternative<proto::CursorsFrame>(frame)) {
    Send(proto::ErrorFrame(
        Status(Code::kMalformed, "cursors frames only follow a hello that announced them"), "",
        decoded.req));
  } else {
    Send(
        proto::ErrorFrame(Status(Code::kMalformed, "hello was already received"), "", decoded.req));
  }
}

awaitable<void> WsSession::HandleHistory(const proto::HistoryFrame& frame, const std::string& req) {
  auto reading = OnWorker(context_.workers, [this, &frame] {
    return context_.chat.History(user_id_, frame.conversation_id, frame.query);
  });
  auto page = co_await std::move(reading);
  if (!page.ok()) {
    SendError(page.status(), "", req);
  } else {
    Send(proto::HistoryReplyFrame(req, frame.conversation_id, *page));
  }
}

awaitable<void> WsSession::HandleTyping(const proto::TypingFrame& frame, const std::string& req) {
  const auto now = std::chrono::steady_clock::now();
  auto last = typing_forwarded_.find(frame.conversation_id);
  if (last != typing_forwarded_.end() && now - last->second < kTypingInterval) co_return;
  auto forwarding = OnWorker(context_.workers, [this, &frame] {
    return context_.social.Typing(user_id_, frame.conversation_id);
  });
  Status status = co_await std::move(forwarding);
  if (!status.ok()) {
    SendError(status, "", req);
    co_return;
  }
  typing_forwarded_[frame.conversation_id] = now;
}

void WsSession::HandlePresence(const proto::PresenceFrame& frame) {
  if (frame.away == away_) return;
  away_ = frame.away;
  context_.social.DeviceAway(user_id_, away_);
}

// A reply (an ack, an error) from another thread: one post per frame keeps it in order with
// the hub's fan-outs posted to this loop before and after it.
void WsSession::Deliver(chat::SharedFrame frame) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), frame = std::move(frame)]() mutable {
    self->DeliverHere(std::move(frame));
  });
}

void WsSession::DeliverHere(chat::SharedFrame frame) {
  if (!syncing_) {
    Send(std::move(frame));
    return;
  }
  if (closing_) return;
  held_bytes_ += frame->size();
  held_.push_back(std::move(frame));
  if (queued_bytes_ + held_bytes_ > context_.options.max_outgoing_bytes) {
    CloseNow(chat::CloseReason::kSlowConsumer);
  }
}

void WsSession::Close(chat::CloseReason reason) {
  asio::post(ws_.get_executor(), [self = shared_from_this(), reason] { self->CloseNow(reason); });
}

void WsSession::SendError(const Status& status, std::string_view id, std::string_view req) {
  if (context_.metrics != nullptr) {
    context_.metrics->errors.With({std::string(CodeName(status.code())), "ws"}).Add();
  }
  Send(proto::ErrorFrame(status, id, req));
}

void WsSession::Send(chat::SharedFrame frame) {
  if (closing_) return;
  queued_bytes_ += frame->size();
  if (queued_bytes_ + held_bytes_ > context_.options.max_outgoing_bytes) {
    CloseNow(chat::CloseReason::kSlowConsumer);
    return;
  }
  outgoing_.push_back(std::move(frame));
  if (!writing_) WriteNext();
}

// With batching, everything queued (up to kMaxBatchBytes) leaves in one WebSocket message of
// newline-separated objects: one write and one syscall instead of one per frame.
void WsSession::WriteNext() {
  constexpr size_t kMaxBatchBytes = 64 * 1024;
  writing_ = true;
  ws_.text(true);
  asio::const_buffer bytes;
  if (!batch_ || outgoing_.size() == 1) {
    in_flight_ = 1;
    bytes = asio::buffer(*outgoing_.front());
  } else {
    batch_buffer_.clear();
    in_flight_ = 0;
    for (const chat::SharedFrame& frame : outgoing_) {
      if (in_flight_ > 0 && batch_buffer_.size() + 1 + frame->size() > kMaxBatchBytes) break;
      if (in_flight_ > 0) batch_buffer_.push_back('\n');
      batch_buffer_.append(*frame);
      ++in_flight_;
    }
    bytes = asio::buffer(batch_buffer_);
  }
  ws_.async_write(
      bytes, [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWritten(ec); });
}

void WsSession::OnWritten(beast::error_code ec) {
  writing_ = false;
  for (; in_flight_ > 0; --in_flight_) {
    queued_bytes_ -= outgoing_.front()->size();
    outgoing_.pop_front();
  }
  if (ec) {
    closing_ = true;
    outgoing_.clear();
    queued_bytes_ = 0;
    deadline_.cancel();
    return;
  }
  if (!outgoing_.empty()) {
    WriteNext();
  } else if (close_after_write_) {
    StartClosingHandshake();
    return;
  }
  if (syncing_) {
    sync_progress_ = std::chrono::steady_clock::now();
    PumpReplay();
  }
}

void WsSession::CloseNow(chat::CloseReason reason) {
  if (closing_) return;
  closing_ = true;
  if (reason == chat::CloseReason::kSlowConsumer || reason == chat::CloseReason::kRateLimited) {
    // What a misbehaving client earned is worth an operator's eye (never what it sent).
    Log(LogLevel::kWarning, "websocket_closed",
        {{"reason", reason == chat::CloseReason::kSlowConsumer ? "slow_consumer" : "rate_limited"},
         {"session", session_id_},
         {"user_id", std::to_string(user_id_)}});
  }
  held_.clear();
  held_bytes_ = 0;
  if (reason == chat::CloseReason::kSlowConsumer || reason == chat::CloseReason::kUnauthenticated) {
    // It does not read, or may no longer read: only the write under way is finished.
    outgoing_.erase(outgoing_.begin() + static_cast<std::ptrdiff_t>(in_flight_), outgoing_.end());
    queued_bytes_ = 0;
    for (const chat::SharedFrame& frame : outgoing_) queued_bytes_ += frame->size();
  }
  close_after_write_ = reason;
  deadline_.expires_after(kCloseGrace);
  deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) {
      beast::error_code ignored;
      beast::get_lowest_layer(self->ws_).socket().close(ignored);
    }
  });
  if (!writing_) {
    if (outgoing_.empty()) {
      StartClosingHandshake();
    } else {
      WriteNext();
    }
  }
}

void WsSession::StartClosingHandshake() {
  const chat::CloseReason reason = *close_after_write_;
  close_after_write_.reset();
  ws_.async_close(CloseReasonOf(reason),
                  [self = shared_from_this()](beast::error_code) { self->deadline_.cancel(); });
}

}  // namespace parley::net
