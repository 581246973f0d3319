// C2sSession: XEP-0198 stream management (docs/xmpp.md, "Stream management").
//
// Enabled after bind: the session counts the client's handled stanzas (answering <r/> with
// <a h/>) and keeps every stanza it writes until the client acknowledges it (SmQueue, bounded:
// past it the session is closed as a slow consumer), asking for an acknowledgement every
// kRequestEvery stanzas. With resume, a connection lost without </stream> leaves the session
// detached for resume_timeout_s: still in the Hub, its user still connected, what arrives kept
// (within the same bounds). A new connection of the same user that authenticates and sends
// <resume previd h/> instead of binding hands its stream to the detached session (TakeOver,
// on that session's loop), which answers <resumed/>, resends what the client did not
// acknowledge and goes on; the new connection's own login is signed out. Refused (unknown or
// expired id, another user's, a session not detached, h over what was sent): <failed/>, and
// the connection goes on as a fresh session.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "base/log.h"
#include "xmpp/c2s_session.h"
#include "xmpp/namespaces.h"

namespace parley::xmpp {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::awaitable;

namespace {

constexpr uint32_t kRequestEvery = 5;  // stanzas sent between two <r/>
constexpr size_t kMaxResumeIdBytes = 64;

}  // namespace

struct C2sSession::TakeOverResult {
  std::unique_ptr<C2sTransport> refused;  // handed back when the resume is refused
  std::string_view condition;
  std::optional<uint32_t> handled;  // the detached session's count, when it was found
};

void C2sSession::SmFailed(std::string_view condition, std::optional<uint32_t> h) {
  std::string out = "<failed xmlns='urn:xmpp:sm:3'";
  if (h) out += " h='" + std::to_string(*h) + "'";
  Send(out + "><" + std::string(condition) + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>" +
       "</failed>");
}

void C2sSession::HandleSm(const XmlElement& element) {
  if (element.name == "enable") {
    if (sm_) {
      SmFailed("unexpected-request");
      return;
    }
    sm_.emplace(options_.max_unacked_stanzas, options_.max_outgoing_bytes / 2);
    std::string out = "<enabled xmlns='urn:xmpp:sm:3'";
    const std::string_view resume = element.Attr("resume");
    if ((resume == "true" || resume == "1") && options_.resume_timeout_s > 0) {
      sm_id_ = services_.sm_sessions.Register(user_id_, shared_from_this());
      out += " id='" + sm_id_ + "' resume='true' max='" +
             std::to_string(options_.resume_timeout_s) + "'";
    }
    Send(out + "/>");
    return;
  }
  if (element.name == "resume") {  // only instead of binding, on a new connection
    SmFailed("unexpected-request");
    return;
  }
  if (!sm_ || (element.name != "r" && element.name != "a")) {
    Fail({StreamCondition::kBadFormat, "unexpected stream management element"});
    return;
  }
  if (element.name == "r") {
    Send("<a xmlns='urn:xmpp:sm:3' h='" + std::to_string(sm_->handled()) + "'/>");
    return;
  }
  std::optional<uint32_t> h = ParseH(element.Attr("h"));
  if (!h) {
    Fail({StreamCondition::kBadFormat, "an <a/> has an h of 0 to 4294967295"});
  } else if (sm_->Ack(*h) == SmQueue::AckResult::kTooHigh) {
    Fail({StreamCondition::kUndefinedCondition, "handled-count-too-high: h=" + std::to_string(*h) +
                                                    ", sent=" + std::to_string(sm_->sent())});
  }
}

C2sSession::SmKeep C2sSession::SmRecord(const Outgoing& out) {
  const std::string_view shared =
      out.frame ? std::string_view(*out.frame).substr(out.offset) : std::string_view();
  const uint32_t stanzas = CountStanzas(out.head, shared, out.tail);
  if (stanzas == 0) return SmKeep::kKept;
  if (!sm_->Add({out.head, out.frame, out.offset, out.tail, stanzas})) return SmKeep::kOverBound;
  sm_unrequested_ += stanzas;
  if (sm_unrequested_ < kRequestEvery || detached_) return SmKeep::kKept;
  sm_unrequested_ = 0;
  return SmKeep::kRequestAck;
}

awaitable<bool> C2sSession::WaitDetached() {
  if (closing_ || !Resumable() || phase_ != Phase::kBound || services_.shutting_down) {
    co_return false;
  }
  detached_ = true;
  // The lost connection is closed and nothing of its is still under way when a resume
  // replaces it: no write, and no task on its loop.
  AbortConnection();
  while (writing_) {
    written_.expires_at(asio::steady_timer::time_point::max());
    beast::error_code ignored;
    co_await written_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  co_await asio::post(transport_->executor(), asio::use_awaitable);
  outgoing_.clear();
  queued_bytes_ = 0;
  if (closing_ || !services_.sm_sessions.MarkDetached(user_id_, sm_id_)) {
    detached_ = false;
    co_return false;
  }
  Log(LogLevel::kInfo, "xmpp_detached",
      {{"session", session_id_}, {"user_id", std::to_string(user_id_)}});
  const uint64_t detachment = ++detachments_;
  sm_waiting_ = true;
  sm_timer_.expires_after(std::chrono::seconds(options_.resume_timeout_s));
  beast::error_code ignored;
  co_await sm_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  if (detachment != detachments_ || !detached_) co_return true;  // resumed meanwhile
  sm_waiting_ = false;
  detached_ = false;
  co_return false;
}

awaitable<C2sSession::TakeOverResult> C2sSession::TakeOver(
    uint32_t h, std::unique_ptr<C2sTransport> transport) {
  TakeOverResult result;
  if (!sm_waiting_ || closing_) {
    result.refused = std::move(transport);
    result.condition = "item-not-found";
    co_return result;
  }
  if (sm_->Ack(h) == SmQueue::AckResult::kTooHigh) {
    result.refused = std::move(transport);
    result.condition = "undefined-condition";
    result.handled = sm_->handled();
    co_return result;
  }
  // Nothing refers to the lost connection any more (WaitDetached): the new one replaces it,
  // its reader in the middle of the stream the client restarted after SASL.
  transport_ = std::move(transport);
  detached_ = false;
  sm_waiting_ = false;
  ++detachments_;  // the waiting WaitDetached returns: the session goes on here
  sm_unrequested_ = 0;
  sm_timer_.cancel();
  services_.sm_sessions.MarkAttached(user_id_, sm_id_);
  Send("<resumed xmlns='urn:xmpp:sm:3' h='" + std::to_string(sm_->handled()) + "' previd='" +
       sm_id_ + "'/>");
  for (const SmQueue::Entry& entry : sm_->unacked()) {
    Queue(Outgoing{entry.head, entry.frame, entry.offset, entry.tail}, true);
  }
  Log(LogLevel::kInfo, "xmpp_resumed",
      {{"session", session_id_},
       {"user_id", std::to_string(user_id_)},
       {"resent", std::to_string(sm_->unacked_stanzas())}});
  asio::co_spawn(
      executor_, [self = shared_from_this()] { return self->Serve(); }, asio::detached);
  co_return result;
}

awaitable<void> C2sSession::HandleSmBeforeBind(const XmlElement& element) {
  if (element.name != "resume") {  // <enable/> comes after bind (XEP-0198 section 3)
    SmFailed("unexpected-request");
    co_return;
  }
  std::optional<uint32_t> h = ParseH(element.Attr("h"));
  const std::string_view previd = element.Attr("previd");
  if (!h || previd.empty() || previd.size() > kMaxResumeIdBytes) {
    SmFailed("bad-request");
    co_return;
  }
  std::shared_ptr<C2sSession> detached = services_.sm_sessions.Find(user_id_, previd);
  if (detached == nullptr) {
    SmFailed("item-not-found");
    co_return;
  }
  while ((writing_ || !outgoing_.empty()) && !closing_) {  // the stream changes hands idle
    written_.expires_at(asio::steady_timer::time_point::max());
    beast::error_code ignored;
    co_await written_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (closing_) co_return;
  handed_over_ = true;
  TakeOverResult taken = co_await asio::co_spawn(
      detached->executor_, detached->TakeOver(*h, std::move(transport_)), asio::use_awaitable);
  if (taken.refused == nullptr) {
    closing_ = true;  // the stream is the resumed session's: this one only signs out
    Log(LogLevel::kInfo, "xmpp_resume_handed_over",
        {{"session", session_id_}, {"resumed", detached->session_id_}});
    co_return;
  }
  transport_ = std::move(taken.refused);
  handed_over_ = false;
  SmFailed(taken.condition, taken.handled);
  if (deadline_.expiry() <= asio::steady_timer::clock_type::now()) {
    Fail({StreamCondition::kConnectionTimeout, "negotiation took too long"});
  }
}

}  // namespace parley::xmpp
