// C2sSession: one XMPP client connection (RFC 6120/6121), docs/xmpp.md, on TCP or a WebSocket
// (RFC 7395): the transport (c2s_transport.h) reads, parses, frames and writes; everything
// else is written once here.
//
// Lifecycle: the client opens a stream; the session answers with its features and runs SASL
// (SCRAM-SHA-256, or PLAIN on a TLS stream or when plain PLAIN is allowed; when the server has
// a certificate, STARTTLS comes first and is required: c2s_starttls.cc) against Parley's
// accounts (auth::AuthService: the same login limits, disabled accounts and two-step rule as
// the HTTP login: an account with two-step sign-in on cannot log in over XMPP yet). A
// successful login is a device (a login session, listed and revocable like any other, ended
// when the stream ends). After the restart it binds a resource, attaches to the Hub as a
// chat::Peer, and serves stanzas until either side closes the stream, the device is revoked or
// the server stops. Negotiation must finish within negotiation_timeout_ms.
//
// Mapping: stanzas become the same domain calls the WebSocket session makes (chat::Service,
// chat::Social), so the same rules decide; the domain's events come back through the
// XmppFrameEncoder (xmpp_frames.h), whose route lines the session completes with the JIDs it
// knows (its directory: the user's friends and direct conversations, read on demand).
//
// Threading: everything runs on the connection's event loop (one thread: the Hub slice the
// session attaches to, as a WebSocket session's); Deliver() and Close() may be called from any
// thread and post to it, and the slice hands its fan-out to DeliverHere() on the loop itself,
// with no post. Blocking calls (auth, store reads) run on worker pools. The
// session keeps itself alive while I/O is pending; the Hub holds it weakly.
// Bounds: input by the XmlStreamReader's limits (a stream error closes only this connection);
// output queues up to max_outgoing_bytes, then the session is closed (policy-violation).
#ifndef PARLEY_XMPP_C2S_SESSION_H_
#define PARLEY_XMPP_C2S_SESSION_H_

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/auth_service.h"
#include "auth/scram.h"
#include "chat/fanout/hub.h"
#include "chat/fanout/peer.h"
#include "chat/service.h"
#include "chat/social/social.h"
#include "net/connection_limiter.h"
#include "net/work_pool.h"
#include "tls/context.h"
#include "xmpp/c2s_transport.h"
#include "xmpp/jid.h"
#include "xmpp/namespaces.h"
#include "xmpp/options.h"
#include "xmpp/stream_error.h"
#include "xmpp/xml_stream_reader.h"
#include "xmpp/xmpp_frames.h"
#include "xmpp/xmpp_resources.h"

namespace parley::xmpp {

// What sessions share; owned by XmppServer, outlives every session.
struct C2sServices {
  auth::AuthService& auth;
  chat::Service& chat;
  chat::Social& social;
  chat::Hub& hub;
  boost::asio::thread_pool& workers;  // store reads, SCRAM
  net::WorkPool& hashing;             // PLAIN's argon2id
  const XmppFrameEncoder& encoder;
  const tls::ServerContext* tls;  // null: no STARTTLS
  const std::atomic<bool>& shutting_down;
  XmppResources& resources;  // the bound sessions of each user
};

class C2sSession : public chat::Peer, public std::enable_shared_from_this<C2sSession> {
 public:
  // `client_key`: the client's address limit key (login limits); `session_id`: in every log line.
  // `slot` counts the connection until the session is destroyed.
  // `slice`: the Hub slice of the event loop the stream runs on (chat/fanout/hub.h).
  C2sSession(std::unique_ptr<C2sTransport> transport, size_t slice, C2sServices& services,
             const C2sOptions& options, std::string client_key, std::string session_id,
             net::ConnectionLimiter::Slot slot);
  ~C2sSession() override;

  void Start();

  const chat::FrameEncoder& encoder() const override { return services_.encoder; }
  bool away() const override { return away_.load(std::memory_order_relaxed); }
  void Deliver(chat::SharedFrame frame) override;
  void DeliverHere(chat::SharedFrame frame) override;  // on the session's event loop only
  void Close(chat::CloseReason reason) override;

  // One write: text of this session's, then a shared frame's bytes from `offset` (if any),
  // then more text of this session's: whole elements (a WebSocket message each).
  struct Outgoing {
    std::string head;
    chat::SharedFrame frame;  // may be null
    size_t offset = 0;
    std::string tail;
  };

 private:
  enum class Phase { kSasl, kBind, kBound };

  // --- the connection (c2s_session.cc) ---
  boost::asio::awaitable<void> Run();
  boost::asio::awaitable<void> HandleEvent(XmlEvent& event);
  boost::asio::awaitable<void> End();
  void Send(std::string text);
  void Queue(Outgoing out);
  void WriteNext();
  // Sends the stream error and ends the stream; `drop_queued`: what is queued but not being
  // written is dropped first (a client that does not read, or may no longer).
  void Fail(StreamFailure failure, bool drop_queued = false);
  void CloseNow(chat::CloseReason reason);
  // Once the queue is written: FIN, then the connection is closed when the client closes its
  // side or after a grace period; what the client still sends meanwhile is read and dropped,
  // so the stream error is not lost to a reset.
  void Shutdown();
  void DrainInbox();

  // --- negotiation (c2s_negotiation.cc) ---
  void OpenStream(const XmlElement& header);
  std::string StreamHeader();  // this side's stream header, with a fresh stream id
  boost::asio::awaitable<void> HandleNegotiation(const XmlElement& element);
  boost::asio::awaitable<void> HandleAuth(const XmlElement& auth);
  boost::asio::awaitable<void> HandleScramResponse(const XmlElement& response);
  void SaslFailure(std::string_view condition, std::string_view text);
  // A login's result: success (and the restart), or the failure that says why.
  void LoginDone(Result<auth::LoginResult> login, std::string success_data);
  boost::asio::awaitable<void> HandleBind(const XmlElement& iq);

  // --- STARTTLS, RFC 6120 section 5 (c2s_starttls.cc) ---
  bool TlsRequired() const;  // the server has a certificate and this stream is not TLS yet
  void HandleStartTls();
  // After <proceed/>: writes what is queued in the clear, then the TLS handshake; on failure
  // the connection is closed.
  boost::asio::awaitable<void> UpgradeToTls();

  // --- stanzas (c2s_stanzas.cc) ---
  boost::asio::awaitable<void> HandleStanza(const XmlElement& stanza);
  boost::asio::awaitable<void> HandleIq(const XmlElement& iq);
  boost::asio::awaitable<void> HandleRoster(const XmlElement& iq);
  boost::asio::awaitable<void> HandleMessage(const XmlElement& message);
  boost::asio::awaitable<void> HandlePresence(const XmlElement& presence);
  boost::asio::awaitable<std::optional<int64_t>> UserIdOf(const std::string& username);
  void SendStanza(const XmlElement& stanza);
  void Reply(const XmlElement& iq, std::optional<XmlElement> payload = std::nullopt);
  void ReplyError(const XmlElement& stanza, const Status& status);

  // --- subscriptions as friend requests (c2s_subscriptions.cc) ---
  boost::asio::awaitable<void> HandleSubscription(const XmlElement& presence);
  boost::asio::awaitable<void> HandleRosterSet(const XmlElement& iq);
  // Appends the pending requests to a roster result (ask='subscribe' / subscription none).
  boost::asio::awaitable<void> AddRequestItems(XmlElement& query);
  // Redelivers the pending incoming requests as subscribe presences (RFC 6121 3.1.3).
  boost::asio::awaitable<void> SendPendingSubscribes();

  // --- XEP-0191 blocking (c2s_blocking.cc) ---
  boost::asio::awaitable<void> HandleBlocking(const XmlElement& iq);

  // --- MUC rooms = groups (c2s_muc.cc) ---
  boost::asio::awaitable<void> HandleMucIq(const XmlElement& iq, const Jid& to);
  boost::asio::awaitable<void> HandleMucPresence(const XmlElement& presence, const Jid& to);
  boost::asio::awaitable<void> HandleGroupchat(const XmlElement& message, const Jid& to);
  void WriteGroupchat(const Route& route, const chat::SharedFrame& frame);  // 'm', joined room
  void Reflect(const Route& route);  // 'a': a groupchat send of this session's, acked

  // --- XEP-0313 archive queries (c2s_mam.cc) ---
  boost::asio::awaitable<void> HandleMam(const XmlElement& iq);

  // --- XEP-0280 carbons (c2s_carbons.cc) ---
  void HandleCarbons(const XmlElement& iq);
  void WriteCarbon(const Route& route, const chat::SharedFrame& frame);

  // --- routing the domain's frames (c2s_routing.cc) ---
  void RouteFrame(chat::SharedFrame frame);
  enum class Decision { kWrite, kDrop, kResolve };
  Decision Decide(const Route& route) const;
  int64_t OtherSide(const Route& route) const;  // the user a frame is about
  void Write(const Route& route, const chat::SharedFrame& frame);
  boost::asio::awaitable<void> Resolve();
  void Remember(int64_t user_id, const std::string& username);

  std::unique_ptr<C2sTransport> transport_;
  net::ConnectionLimiter::Slot slot_;
  const size_t slice_;
  C2sServices& services_;
  const C2sOptions& options_;
  const std::string client_key_;
  const std::string session_id_;
  boost::asio::steady_timer deadline_;  // negotiation, then the closing grace

  Phase phase_ = Phase::kSasl;
  bool restart_ = false;      // the element just handled restarts the stream
  bool header_sent_ = false;  // this side's header of the current stream
  bool starttls_ = false;     // <proceed/> was just queued: the TLS handshake comes next
  bool tls_pending_ = false;  // from <proceed/> to the handshake's end: nothing else is written
  boost::asio::steady_timer written_;  // wakes UpgradeToTls when a write ends
  std::optional<auth::AuthService::ScramLookup> scram_lookup_;
  std::optional<auth::ScramServer> scram_;
  std::string username_;
  int64_t user_id_ = 0;
  std::optional<auth::Principal> principal_;  // the device this login made
  std::string token_;  // its token (re-checked after attaching; never logged)
  std::string resource_;
  bool attached_ = false;
  bool available_ = false;  // initial presence sent; the user counts as connected
  std::atomic<bool> away_{false};
  bool carbons_ = false;  // XEP-0280 enabled: the user's own messages are copied here
  uint64_t next_id_ = 0;  // for ids this session makes

  // Output (strand only).
  std::deque<Outgoing> outgoing_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  bool closing_ = false;  // nothing more is queued; the connection ends after the queue

  // Frames from other threads, waiting for the strand.
  std::mutex inbox_mutex_;
  std::vector<chat::SharedFrame> inbox_;  // guarded by inbox_mutex_

  // Directory (strand only): who the JIDs are.
  std::unordered_map<int64_t, std::string> usernames_;  // user id -> username
  std::unordered_map<std::string, int64_t> user_ids_;   // lowercased username -> user id
  std::unordered_map<int64_t, int64_t> direct_peer_;    // conversation -> the other user (0: a
                                                        // group or unknown to this user)
  std::unordered_map<int64_t, int64_t> direct_with_;    // other user -> direct conversation
  std::deque<chat::SharedFrame> pending_;               // frames waiting for a Resolve, in order
  bool resolving_ = false;
  std::unordered_map<int64_t, std::chrono::steady_clock::time_point> typing_sent_;
  // MUC (strand only): joined rooms (group id -> the user's role) and groupchat sends waiting
  // for their ack, to be reflected (client id -> group id, text).
  std::unordered_map<int64_t, store::Role> joined_rooms_;
  std::unordered_map<std::string, std::pair<int64_t, std::string>> reflections_;
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_C2S_SESSION_H_
