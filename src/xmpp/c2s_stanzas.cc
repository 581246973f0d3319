// C2sSession: the stanzas of a bound session (RFC 6121 and the XEPs of docs/xmpp.md), each
// mapped onto the same domain calls the WebSocket session makes.
#include <algorithm>

#include "base/clock.h"
#include "base/random_hex.h"
#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/jid.h"
#include "xmpp/mam_query.h"
#include "xmpp/muc_rooms.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/upload_frames.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr std::chrono::seconds kTypingInterval{2};

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return out;
}

XmlElement DiscoInfo() {
  XmlElement query(std::string(kDiscoInfoNs), "query");
  query.Add(XmlElement(std::string(kDiscoInfoNs), "identity"))
      .Set("category", "server")
      .Set("type", "im")
      .Set("name", "Parley");
  for (std::string_view feature : {kDiscoInfoNs, kPingNs, kRosterNs, kStanzaIdNs, kChatStatesNs,
                                   kBlockingNs, kMamNs, kCarbonsNs, kReceiptsNs, kChatMarkersNs}) {
    query.Add(XmlElement(std::string(kDiscoInfoNs), "feature")).Set("var", std::string(feature));
  }
  return query;
}

}  // namespace

void C2sSession::SendStanza(const XmlElement& stanza) { Send(Serialize(stanza)); }

void C2sSession::Reply(const XmlElement& iq, std::optional<XmlElement> payload) {
  XmlElement result(std::string(kClientNs), "iq");
  result.Set("type", "result").Set("id", std::string(iq.Attr("id")));
  if (iq.HasAttr("to")) result.Set("from", std::string(iq.Attr("to")));
  if (payload) result.Add(std::move(*payload));
  SendStanza(result);
}

void C2sSession::ReplyError(const XmlElement& stanza, const Status& status) {
  SendStanza(ErrorReply(stanza, StanzaErrorOf(status.code()), status.message()));
}

awaitable<void> C2sSession::HandleStanza(const XmlElement& stanza) {
  if (stanza.name == "iq") {
    co_await HandleIq(stanza);
  } else if (stanza.name == "message") {
    co_await HandleMessage(stanza);
  } else if (stanza.name == "presence") {
    co_await HandlePresence(stanza);
  } else {
    Fail({StreamCondition::kBadFormat, "unsupported stanza"});  // unsupported-stanza-type
  }
}

awaitable<void> C2sSession::HandleIq(const XmlElement& iq) {
  const std::string_view type = iq.Attr("type");
  if (type == "result" || type == "error") co_return;  // answers to the server's roster pushes
  if ((type != "get" && type != "set") || !iq.HasAttr("id") || iq.children.size() != 1) {
    ReplyError(iq, Status(Code::kMalformed, "an iq get or set has an id and one child"));
    co_return;
  }
  const XmlElement& payload = iq.children.front();
  const std::string_view to = iq.Attr("to");
  const bool to_server =
      to.empty() || to == options_.domain || to == username_ + "@" + options_.domain;
  if (payload.ns == kRosterNs && to_server) {
    co_await HandleRoster(iq);
  } else if (payload.ns == kBlockingNs && to_server) {
    co_await HandleBlocking(iq);  // XEP-0191
  } else if (payload.ns == kPingNs && type == "get" && to_server) {
    Reply(iq);  // XEP-0199
  } else if (payload.ns == kDiscoInfoNs && type == "get" && to_server) {
    Reply(iq, DiscoInfo());  // XEP-0030, minimal
  } else if (payload.ns == kMamNs && payload.name == "query" && to_server) {
    co_await HandleMam(iq);  // XEP-0313
  } else if (payload.ns == kCarbonsNs && to_server) {
    HandleCarbons(iq);  // XEP-0280
  } else if (payload.ns == kSessionNs && type == "set") {
    Reply(iq);  // RFC 3921's session establishment, a no-op since RFC 6121
  } else if (payload.ns == kDiscoItemsNs && type == "get" && to_server) {
    XmlElement items = ServerDiscoItems(options_.domain);
    if (services_.uploads != nullptr) items.Add(UploadDiscoItem(options_.domain));
    Reply(iq, std::move(items));
  } else if (services_.uploads != nullptr && to == UploadDomain(options_.domain)) {
    co_await HandleUploadIq(iq);  // XEP-0363
  } else if (std::optional<Jid> jid = ParseJid(to);
             jid && jid->domain == ConferenceDomain(options_.domain)) {
    co_await HandleMucIq(iq, *jid);  // XEP-0045
  } else {
    SendStanza(ErrorReply(iq, {"cancel", "service-unavailable"}, ""));
  }
}

// Roster get = the user's friends, each with subscription both (RFC 6121 section 2), and the
// pending friend requests (c2s_subscriptions.cc, which also has the roster sets).
awaitable<void> C2sSession::HandleRoster(const XmlElement& iq) {
  if (iq.Attr("type") != "get") {
    co_await HandleRosterSet(iq);
    co_return;
  }
  auto reading =
      net::OnWorker(services_.workers, [this] { return services_.social.Friends(user_id_); });
  Result<std::vector<chat::Friend>> friends = co_await std::move(reading);
  if (!friends.ok()) {
    ReplyError(iq, friends.status());
    co_return;
  }
  XmlElement query(std::string(kRosterNs), "query");
  for (const chat::Friend& f : *friends) {
    const store::User& user = f.relation.user;
    Remember(user.id, user.username);
    query.Add(XmlElement(std::string(kRosterNs), "item"))
        .Set("jid", user.username + "@" + options_.domain)
        .Set("name", user.display_name)
        .Set("subscription", "both");
  }
  co_await AddRequestItems(query);
  if (closing_) co_return;
  Reply(iq, std::move(query));
}

awaitable<std::optional<int64_t>> C2sSession::UserIdOf(const std::string& username) {
  if (auto known = user_ids_.find(Lowercase(username)); known != user_ids_.end()) {
    co_return known->second;
  }
  auto finding = net::OnWorker(services_.workers,
                               [this, &username] { return services_.chat.FindUser(username); });
  Result<store::User> user = co_await std::move(finding);
  if (!user.ok()) co_return std::nullopt;
  Remember(user->id, user->username);
  co_return user->id;
}

// A 1:1 chat message becomes a send to the direct conversation with the addressee, with the
// stanza's id as the idempotency key; a chat state (XEP-0085 composing) becomes typing.
awaitable<void> C2sSession::HandleMessage(const XmlElement& message) {
  const std::string_view type = message.Attr("type");
  if (type == "error") co_return;
  std::optional<Jid> to = ParseJid(message.Attr("to"));
  if (!to || to->local.empty()) {
    ReplyError(message,
               Status(Code::kMalformed, "a message is addressed to user@" + options_.domain));
    co_return;
  }
  if (to->domain == ConferenceDomain(options_.domain)) {
    co_await HandleGroupchat(message, *to);
    co_return;
  }
  if (to->domain != options_.domain) {
    SendStanza(ErrorReply(message, {"cancel", "remote-server-not-found"},
                          "this server does not federate"));
    co_return;
  }
  if (type == "groupchat") {
    SendStanza(ErrorReply(message, {"cancel", "feature-not-implemented"}, "groups: not yet"));
    co_return;
  }
  const XmlElement* body = message.Child("body", kClientNs);
  const bool composing = message.Child("composing", kChatStatesNs) != nullptr;
  const bool marker = body == nullptr && IsMarker(message);  // XEP-0184, XEP-0333
  if (body == nullptr && !composing && !marker) co_return;   // other chat states: not mapped
  std::optional<int64_t> peer = co_await UserIdOf(to->local);
  if (!peer) {
    ReplyError(message, Status(Code::kNotFound, "no such user"));
    co_return;
  }
  if (marker) {
    co_await HandleMarker(message, *peer);
    co_return;
  }
  if (body == nullptr) {
    auto conversation = direct_with_.find(*peer);
    const auto now = std::chrono::steady_clock::now();
    auto& last = typing_sent_[*peer];
    if (conversation == direct_with_.end() || now - last < kTypingInterval) co_return;
    last = now;
    auto forwarding = net::OnWorker(services_.workers, [this, id = conversation->second] {
      return services_.social.Typing(user_id_, id);
    });
    (void)co_await std::move(forwarding);
    co_return;
  }
  if (services_.shutting_down) {
    ReplyError(message, Status(Code::kUnavailable, "the server is shutting down"));
    co_return;
  }
  std::string client_id(message.Attr("id"));
  if (client_id.empty()) client_id = "xmpp-" + RandomHex(8);  // no resend to recognize
  chat::SendCommand command{user_id_, std::move(client_id), *peer, 0, body->text};
  co_await AttachOwnUpload(message, command);  // XEP-0363 (c2s_upload.cc)
  services_.chat.Send(std::move(command), weak_from_this());
}

// Available presence = this device is connected (and away for show away/xa/dnd); unavailable
// = disconnected. The first available presence also gets the friends' current presence.
awaitable<void> C2sSession::HandlePresence(const XmlElement& presence) {
  const std::string_view type = presence.Attr("type");
  if (type == "subscribe" || type == "subscribed" || type == "unsubscribe" ||
      type == "unsubscribed") {
    co_await HandleSubscription(presence);
    co_return;
  }
  if (std::optional<Jid> to = ParseJid(presence.Attr("to"));
      to && to->domain == ConferenceDomain(options_.domain)) {
    co_await HandleMucPresence(presence, *to);
    co_return;
  }
  if (presence.HasAttr("to")) co_return;  // other directed presence: not mapped yet
  if (type == "unavailable") {
    if (available_) services_.social.DeviceDisconnected(user_id_, away_);
    available_ = false;
    away_ = false;
    LeaveRooms();  // XEP-0045: unavailable leaves every room
    co_return;
  }
  if (!type.empty()) co_return;
  const XmlElement* show = presence.Child("show", kClientNs);
  const bool away =
      show != nullptr && (show->text == "away" || show->text == "xa" || show->text == "dnd");
  if (!available_) {
    available_ = true;
    away_ = false;
    services_.social.DeviceConnected(user_id_);
    if (away) {
      away_ = true;
      services_.social.DeviceAway(user_id_, true);
    }
    auto reading =
        net::OnWorker(services_.workers, [this] { return services_.social.Friends(user_id_); });
    Result<std::vector<chat::Friend>> friends = co_await std::move(reading);
    if (!friends.ok() || closing_) co_return;
    for (const chat::Friend& f : *friends) {
      Remember(f.relation.user.id, f.relation.user.username);
      if (f.presence.status == chat::PresenceStatus::kOffline) continue;
      XmlElement out(std::string(kClientNs), "presence");
      out.Set("from", f.relation.user.username + "@" + options_.domain);
      if (f.presence.status == chat::PresenceStatus::kAway) {
        out.AddText(std::string(kClientNs), "show", "away");
      }
      SendStanza(out);
    }
    co_await SendPendingSubscribes();
    co_return;
  }
  if (away != away_) {
    away_ = away;
    services_.social.DeviceAway(user_id_, away);
  }
}

}  // namespace parley::xmpp
