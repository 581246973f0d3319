#include "xmpp/c2s_session.h"

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "base/clock.h"
#include "base/log.h"
#include "net/blocking.h"

namespace parley::xmpp {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;

namespace {

constexpr size_t kReadBytes = 4096;
constexpr std::chrono::seconds kCloseGrace{10};  // to write what is queued
constexpr std::chrono::seconds kLingerGrace{2};  // for the client to close after our FIN

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

size_t SizeOf(const C2sSession::Outgoing& out) {
  return out.head.size() + (out.frame ? out.frame->size() - out.offset : 0);
}

StreamFailure FailureOf(chat::CloseReason reason) {
  switch (reason) {
    case chat::CloseReason::kShutdown:
      return {StreamCondition::kSystemShutdown, "the server is stopping"};
    case chat::CloseReason::kProtocolError:
      return {StreamCondition::kBadFormat, "protocol error"};
    case chat::CloseReason::kUnauthenticated:
      return {StreamCondition::kNotAuthorized, "this session was signed out"};
    case chat::CloseReason::kSlowConsumer:
      return {StreamCondition::kPolicyViolation, "the client does not read fast enough"};
    case chat::CloseReason::kRateLimited:
      return {StreamCondition::kPolicyViolation, "too many stanzas"};
  }
  return {StreamCondition::kBadFormat, "closed"};
}

}  // namespace

C2sSession::C2sSession(tls::Stream stream, size_t slice, C2sServices& services,
                       const C2sOptions& options, std::string client_key, std::string session_id,
                       net::ConnectionLimiter::Slot slot)
    : executor_(stream.get_executor()),
      stream_(std::move(stream)),
      slot_(std::move(slot)),
      slice_(slice),
      services_(services),
      options_(options),
      client_key_(std::move(client_key)),
      session_id_(std::move(session_id)),
      reader_(options.xml),
      deadline_(executor_),
      written_(executor_),
      sm_timer_(executor_) {}

C2sSession::~C2sSession() {
  Log(LogLevel::kInfo, "xmpp_closed",
      {{"session", session_id_}, {"user_id", std::to_string(user_id_)}});
}

void C2sSession::Start() {
  asio::co_spawn(
      executor_, [self = shared_from_this()] { return self->Run(); }, asio::detached);
}

awaitable<void> C2sSession::Run() {
  deadline_.expires_after(std::chrono::milliseconds(options_.negotiation_timeout_ms));
  deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock(); self && self->phase_ != Phase::kBound) {
      self->Fail({StreamCondition::kConnectionTimeout, "negotiation took too long"});
    }
  });
  co_await Serve();
}

awaitable<void> C2sSession::Serve() {
  std::array<char, kReadBytes> buffer;
  while (!handed_over_) {
    beast::error_code ec;
    const size_t n = co_await ReadSome(asio::buffer(buffer), ec);
    if (ec) break;
    if (closing_) continue;  // read and dropped until the connection closes
    FeedResult result = reader_.Feed(std::string_view(buffer.data(), n), SteadyMillis());
    if (auto* failure = std::get_if<StreamFailure>(&result)) {
      Fail(*failure);
      continue;
    }
    for (XmlEvent& event : std::get<std::vector<XmlEvent>>(result)) {
      co_await HandleEvent(event);
      if (closing_) break;
      if (restart_) {
        // Anything the client sent after the element that restarts the stream is dropped
        // (RFC 6120 forbids sending it before the restart).
        restart_ = false;
        reader_.Restart();
        break;
      }
    }
    if (starttls_) {
      starttls_ = false;
      co_await UpgradeToTls();
    }
  }
  if (co_await WaitDetached()) co_return;  // resumed: the new connection's Serve goes on
  co_await End();
}

// A resumed session's stream may run on another loop than the session: the read is started
// there and the coroutine resumes here.
awaitable<size_t> C2sSession::ReadSome(asio::mutable_buffer buffer, beast::error_code& ec) {
  if (stream_.get_executor() == executor_) {
    co_return co_await stream_.async_read_some(buffer,
                                               asio::redirect_error(asio::use_awaitable, ec));
  }
  co_return co_await asio::co_spawn(
      stream_.get_executor(),
      [this, buffer, &ec]() -> awaitable<size_t> {
        co_return co_await stream_.async_read_some(buffer,
                                                   asio::redirect_error(asio::use_awaitable, ec));
      },
      asio::use_awaitable);
}

void C2sSession::CloseSocket() {
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_).socket().close(ignored);
  });
}

awaitable<void> C2sSession::HandleEvent(XmlEvent& event) {
  if (auto* opened = std::get_if<xml_events::StreamOpened>(&event)) {
    OpenStream(opened->header);
  } else if (std::holds_alternative<xml_events::StreamClosed>(event)) {
    Send("</stream:stream>");
    closing_ = true;
    Shutdown();
  } else if (auto* stanza = std::get_if<xml_events::Stanza>(&event)) {
    if (phase_ == Phase::kBound && stanza->element.ns == kSmNs) {
      HandleSm(stanza->element);  // XEP-0198's elements are no stanzas
    } else if (phase_ == Phase::kBound) {
      co_await HandleStanza(stanza->element);
      if (sm_) sm_->Handled();
    } else {
      co_await HandleNegotiation(stanza->element);
    }
  }
}

// The session's end, whatever caused it: out of the Hub, offline, and the device signed out.
awaitable<void> C2sSession::End() {
  LeaveRooms();
  if (attached_) {
    services_.hub.Detach(slice_, user_id_, this);
    attached_ = false;
  }
  if (available_) {
    services_.social.DeviceDisconnected(user_id_, away_);
    available_ = false;
  }
  if (principal_) {
    if (!sm_id_.empty()) services_.sm_sessions.Remove(user_id_, sm_id_);
    auto signing_out =
        net::OnWorker(services_.workers, [this] { return services_.auth.Logout(*principal_); });
    (void)co_await std::move(signing_out);
    principal_.reset();
  }
}

void C2sSession::Deliver(chat::SharedFrame frame) {
  bool first;
  {
    std::lock_guard lock(inbox_mutex_);
    first = inbox_.empty();
    inbox_.push_back(std::move(frame));
  }
  if (first) asio::post(executor_, [self = shared_from_this()] { self->DrainInbox(); });
}

// The Hub slice's fast path: on this session's own loop, so no post; frames handed over by
// Deliver earlier and not yet drained go first.
void C2sSession::DeliverHere(chat::SharedFrame frame) {
  {
    std::lock_guard lock(inbox_mutex_);
    if (!inbox_.empty()) {
      inbox_.push_back(std::move(frame));
      return;
    }
  }
  if (!closing_) RouteFrame(std::move(frame));
}

void C2sSession::DrainInbox() {
  std::vector<chat::SharedFrame> frames;
  {
    std::lock_guard lock(inbox_mutex_);
    frames.swap(inbox_);
  }
  for (chat::SharedFrame& frame : frames) {
    if (closing_) return;
    RouteFrame(std::move(frame));
  }
}

void C2sSession::Close(chat::CloseReason reason) {
  asio::post(executor_, [self = shared_from_this(), reason] { self->CloseNow(reason); });
}

void C2sSession::CloseNow(chat::CloseReason reason) {
  Fail(FailureOf(reason),
       reason == chat::CloseReason::kSlowConsumer || reason == chat::CloseReason::kUnauthenticated);
}

void C2sSession::Fail(StreamFailure failure, bool drop_queued) {
  if (closing_ || handed_over_) return;
  if (tls_pending_) {  // no stream to write the error on until the handshake ends
    closing_ = true;
    CloseSocket();
    return;
  }
  if (failure.condition != StreamCondition::kSystemShutdown) {
    Log(LogLevel::kInfo, "xmpp_stream_error",
        {{"session", session_id_},
         {"user_id", std::to_string(user_id_)},
         {"condition", std::string(ConditionName(failure.condition))},
         {"reason", failure.text}});
  }
  if (drop_queued) {
    while (outgoing_.size() > (writing_ ? 1u : 0u)) {
      queued_bytes_ -= SizeOf(outgoing_.back());
      outgoing_.pop_back();
    }
  }
  // A stream error needs an open stream: a header first when none was sent yet.
  Send((header_sent_ ? "" : StreamHeader()) + StreamErrorXml(failure));
  closing_ = true;
  if (detached_) {  // no connection: the waiting session ends now
    sm_timer_.cancel();
    return;
  }
  Shutdown();
}

void C2sSession::Send(std::string text) { Queue(Outgoing{std::move(text), nullptr, 0}); }

void C2sSession::Queue(Outgoing out, bool replay) {
  if (closing_) return;
  const SmKeep kept = sm_ && !replay ? SmRecord(out) : SmKeep::kKept;
  if (kept == SmKeep::kOverBound) {
    Fail({StreamCondition::kPolicyViolation, "the client does not acknowledge what it gets"}, true);
    return;
  }
  if (detached_) return;  // kept for the resume
  queued_bytes_ += SizeOf(out);
  if (queued_bytes_ > options_.max_outgoing_bytes) {
    queued_bytes_ -= SizeOf(out);
    Fail({StreamCondition::kPolicyViolation, "the client does not read fast enough"}, true);
    return;
  }
  outgoing_.push_back(std::move(out));
  if (!writing_ && !tls_pending_) WriteNext();
  if (kept == SmKeep::kRequestAck) Send("<r xmlns='urn:xmpp:sm:3'/>");
}

void C2sSession::WriteNext() {
  writing_ = true;
  const Outgoing& out = outgoing_.front();
  std::array<asio::const_buffer, 2> buffers{
      asio::buffer(out.head),
      out.frame ? asio::buffer(out.frame->data() + out.offset, out.frame->size() - out.offset)
                : asio::const_buffer()};
  // Started on the stream's loop; completes on the session's (the same loop but after a
  // resume of a session from another loop).
  asio::dispatch(stream_.get_executor(), [self = shared_from_this(), buffers] {
    asio::async_write(self->stream_, buffers, [self](beast::error_code ec, size_t) {
      asio::dispatch(self->executor_, [self, ec] { self->Written(ec); });
    });
  });
}

void C2sSession::Written(beast::error_code ec) {
  writing_ = false;
  written_.cancel();
  const Outgoing& done = outgoing_.front();
  queued_bytes_ -= SizeOf(done);
  outgoing_.pop_front();
  if (ec) {
    closing_ = closing_ || !Resumable();  // a resumable session waits for its client instead
    outgoing_.clear();
    queued_bytes_ = 0;
    CloseSocket();
    return;
  }
  if (tls_pending_ && outgoing_.empty()) return;  // UpgradeToTls goes on
  if (!outgoing_.empty()) {
    WriteNext();
  } else if (closing_) {
    Shutdown();
  }
}

// Once the queue is written: the TCP connection is shut down (the reader then ends), or at
// the latest after kCloseGrace.
void C2sSession::Shutdown() {
  if (writing_ || !outgoing_.empty()) {
    deadline_.expires_after(kCloseGrace);
    deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->CloseSocket();
    });
    return;
  }
  asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    beast::get_lowest_layer(self->stream_)
        .socket()
        .shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  });
  deadline_.expires_after(kLingerGrace);
  deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->CloseSocket();
  });
}

}  // namespace parley::xmpp
