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
#include "chat/groups/groups.h"
#include "chat/media/upload_slots.h"
#include "chat/service.h"
#include "chat/social/social.h"
#include "net/connection_limiter.h"
#include "net/work_pool.h"
#include "tls/context.h"
#include "xmpp/c2s_transport.h"
#include "xmpp/jid.h"
#include "xmpp/muc_occupancy.h"
#include "xmpp/muc_presence.h"
#include "xmpp/namespaces.h"
#include "xmpp/options.h"
#include "xmpp/sm_queue.h"
#include "xmpp/sm_registry.h"
#include "xmpp/stream_error.h"
#include "xmpp/xml_stream_reader.h"
#include "xmpp/xmpp_frames.h"

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
  chat::Groups& groups;     // MUC moderation (c2s_muc_admin.cc)
  MucOccupancy& occupancy;  // the rooms' XMPP occupants on this node
  SmRegistry& sm_sessions;  // the resumable sessions (XEP-0198)
  // XEP-0363 slots (c2s_upload.cc); null: no upload service.
  chat::UploadSlots* uploads = nullptr;
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
  // Reads and handles the stream until the connection ends, then ends the session, or keeps
  // it detached for a resume (XEP-0198).
  boost::asio::awaitable<void> Serve();
  // The transport's next input (C2sTransport::Read), read on the transport's loop.
  boost::asio::awaitable<std::optional<std::string_view>> ReadInput();
  void Written(boost::beast::error_code ec);
  void AbortConnection();  // on the transport's loop; nothing once the transport is handed on
  boost::asio::awaitable<void> HandleEvent(XmlEvent& event);
  boost::asio::awaitable<void> End();
  void Send(std::string text);
  // `replay`: resent after a resume, kept already for the next one (XEP-0198).
  void Queue(Outgoing out, bool replay = false);
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

  // --- XEP-0363 HTTP upload: the upload.DOMAIN service (c2s_upload.cc) ---
  boost::asio::awaitable<void> HandleUploadIq(const XmlElement& iq);
  // A message whose body (or XEP-0066 url) is the GET URL of the user's own upload sends that
  // media: `command` gets it (and no text when the body was just the URL). Anything else, a
  // link to another user's upload among them, stays text.
  boost::asio::awaitable<void> AttachOwnUpload(const XmlElement& message,
                                               chat::SendCommand& command);

  // --- MUC rooms = groups (c2s_muc.cc) ---
  boost::asio::awaitable<void> HandleMucIq(const XmlElement& iq, const Jid& to);
  boost::asio::awaitable<void> HandleMucPresence(const XmlElement& presence, const Jid& to);
  boost::asio::awaitable<void> HandleGroupchat(const XmlElement& message, const Jid& to);
  void WriteGroupchat(const Route& route, const chat::SharedFrame& frame);  // 'm', joined room
  void Reflect(const Route& route);  // 'a': a groupchat send of this session's, acked
  // Room changes and occupants ('g', 'o' frames; friends' presence) (c2s_muc_events.cc).
  void WriteRoomEvent(const Route& route);
  void ForwardPresenceToRooms(const Route& route);
  // This session leaves the room; `announce`: the user's last session leaving is announced to
  // the room's XMPP occupants (not when a group event told everyone already).
  void LeaveRoom(int64_t room, bool announce = true);
  void LeaveRooms();
  // muc#admin (kick, affiliations) and subject changes (c2s_muc_admin.cc).
  boost::asio::awaitable<void> HandleMucAdmin(const XmlElement& iq, int64_t room);
  boost::asio::awaitable<void> HandleSubject(const XmlElement& message, int64_t room,
                                             const XmlElement& subject);
  // XEP-0313 queries of a room's archive (c2s_muc_mam.cc).
  boost::asio::awaitable<void> HandleRoomMam(const XmlElement& iq, int64_t room);

  // --- XEP-0313 archive queries (c2s_mam.cc) ---
  boost::asio::awaitable<void> HandleMam(const XmlElement& iq);

  // --- XEP-0280 carbons (c2s_carbons.cc) ---
  void HandleCarbons(const XmlElement& iq);
  void WriteCarbon(const Route& route, const chat::SharedFrame& frame);

  // --- XEP-0198 stream management (c2s_stream_management.cc) ---
  struct TakeOverResult;
  bool Resumable() const { return sm_ && !sm_id_.empty(); }
  void HandleSm(const XmlElement& element);                                    // bound
  boost::asio::awaitable<void> HandleSmBeforeBind(const XmlElement& element);  // <resume/>
  void SmFailed(std::string_view condition, std::optional<uint32_t> h = std::nullopt);
  enum class SmKeep { kKept, kRequestAck, kOverBound };
  SmKeep SmRecord(const Outgoing& out);
  // After the connection is lost: waits detached for a resume; true if one took the session.
  boost::asio::awaitable<bool> WaitDetached();
  // On this session's loop: a resume of it by a new connection of the user's; adopts the
  // connection's transport unless refused (then it is handed back in the result).
  boost::asio::awaitable<TakeOverResult> TakeOver(uint32_t h,
                                                  std::unique_ptr<C2sTransport> transport);

  // --- XEP-0184 receipts and XEP-0333 chat markers as cursors (c2s_receipts.cc) ---
  static bool IsMarker(const XmlElement& message);
  boost::asio::awaitable<void> HandleMarker(const XmlElement& message, int64_t peer);
  void WriteMarkers(const Route& route);  // 'c': the contact's cursors moved

  // --- routing the domain's frames (c2s_routing.cc) ---
  void RouteFrame(chat::SharedFrame frame);
  enum class Decision { kWrite, kDrop, kResolve };
  Decision Decide(const Route& route) const;
  // A direct message's frame names both members: remembered, so no Resolve reads the
  // conversation list for it.
  void LearnDirect(const Route& route);
  int64_t OtherSide(const Route& route) const;  // the user a frame is about
  void Write(const Route& route, const chat::SharedFrame& frame);
  boost::asio::awaitable<void> Resolve();
  void Remember(int64_t user_id, const std::string& username);

  // The session's own loop. After a resume the transport may belong to another loop: its I/O
  // is started there and completes here (c2s_session.cc).
  const boost::asio::any_io_executor executor_;
  std::unique_ptr<C2sTransport> transport_;  // null once handed to a resumed session
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
  std::unordered_map<int64_t, MucRoomMembers> room_members_;  // joined room -> members known
  std::unordered_map<std::string, std::pair<int64_t, std::string>> reflections_;
  // Markers (strand only): per direct conversation, the contact's delivered and read seqs
  // this stream was told.
  std::unordered_map<int64_t, std::pair<int64_t, int64_t>> markers_told_;

  // XEP-0198 (strand only): counters and unacked stanzas once enabled; the resume id if
  // resumable; detached: the connection is lost and the session waits for a resume.
  std::optional<SmQueue> sm_;
  std::string sm_id_;
  uint32_t sm_unrequested_ = 0;  // stanzas sent since the last <r/>
  bool detached_ = false;        // nothing is written: kept for a resume
  bool sm_waiting_ = false;      // detached and idle: a resume may take the session over
  uint64_t detachments_ = 0;
  bool handed_over_ = false;  // this connection's stream went to the session it resumed
  boost::asio::steady_timer sm_timer_;
};

}  // namespace parley::xmpp

#endif  // PARLEY_XMPP_C2S_SESSION_H_
