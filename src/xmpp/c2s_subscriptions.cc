// C2sSession: RFC 6121 subscriptions as Parley friend requests (docs/xmpp.md). Parley
// friendship is mutual, so a subscription is the whole friendship:
//   subscribe to a user     chat::Social::SendRequest (accepts theirs if they asked first)
//   subscribed              Accept
//   unsubscribed            Decline, or RemoveFriend when there is no request to decline
//   unsubscribe             Cancel my request, or RemoveFriend when there is none
//   roster set 'remove'     Cancel, Decline and RemoveFriend, whichever apply
// The rules (rate of requests, blocks, who exists) are Social's; its events come back as
// presence and roster pushes (subscription_frames.h). Pending requests are roster items with
// subscription none (ask='subscribe' for the user's own).
#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/jid.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

// Pending requests listed in a roster or redelivered at login, at most, each way.
constexpr size_t kMaxPendingListed = 500;

struct PendingRequest {
  store::User user;  // the other side
  bool outgoing = false;
  std::string note;
};

// The user's pending requests with the other sides' profiles (blocking: a worker).
Result<std::vector<PendingRequest>> ReadPending(chat::Social& social, int64_t me) {
  Result<store::FriendRequests> requests = social.Requests(me);
  if (!requests.ok()) return requests.status();
  std::vector<PendingRequest> pending;
  for (bool outgoing : {false, true}) {
    const auto& list = outgoing ? requests->outgoing : requests->incoming;
    for (size_t i = 0; i < list.size() && i < kMaxPendingListed; ++i) {
      const int64_t other = outgoing ? list[i].to_id : list[i].from_id;
      Result<store::User> user = social.Profile(other);
      if (!user.ok()) continue;  // gone meanwhile
      pending.push_back({std::move(*user), outgoing, list[i].note});
    }
  }
  return pending;
}

bool IsNotFound(const Status& status) { return status.code() == Code::kNotFound; }

}  // namespace

awaitable<void> C2sSession::HandleSubscription(const XmlElement& presence) {
  const std::string type(presence.Attr("type"));
  std::optional<Jid> to = ParseJid(presence.Attr("to"));
  if (!to || to->local.empty()) {
    SendStanza(ErrorReply(presence, {"modify", "jid-malformed"},
                          "a subscription is addressed to user@" + options_.domain));
    co_return;
  }
  if (to->domain != options_.domain) {
    SendStanza(ErrorReply(presence, {"cancel", "remote-server-not-found"},
                          "this server does not federate"));
    co_return;
  }
  std::optional<int64_t> peer = co_await UserIdOf(to->local);
  if (!peer) {
    if (type == "subscribe") ReplyError(presence, Status(Code::kNotFound, "no such user"));
    co_return;  // RFC 6121: the others, to no one, are ignored
  }
  const int64_t me = user_id_, other = *peer;
  auto applying = net::OnWorker(services_.workers, [this, &type, me, other]() -> Result<bool> {
    chat::Social& social = services_.social;
    if (type == "subscribe") {
      Result<chat::RequestOutcome> outcome = social.SendRequest(me, other, "");
      if (!outcome.ok()) return outcome.status();
      return !outcome->became_friends;  // pending: this session shows the ask
    }
    Status status;
    if (type == "subscribed") {
      status = social.Accept(me, other).status();
    } else if (type == "unsubscribed") {
      status = social.Decline(me, other);
      if (IsNotFound(status)) status = social.RemoveFriend(me, other);
    } else {  // unsubscribe
      status = social.Cancel(me, other);
      if (IsNotFound(status)) status = social.RemoveFriend(me, other);
    }
    if (!status.ok()) return status;
    return false;
  });
  Result<bool> applied = co_await std::move(applying);
  if (closing_) co_return;
  if (!applied.ok()) {
    // Already friends or already asked: the roster says so already; nothing to undo.
    const Code code = applied.status().code();
    if (code == Code::kConflict || code == Code::kNotFound) co_return;
    ReplyError(presence, applied.status());
    co_return;
  }
  if (*applied) {
    XmlElement push(std::string(kClientNs), "iq");
    push.Set("type", "set").Set("id", "roster-" + std::to_string(++next_id_));
    push.Add(XmlElement(std::string(kRosterNs), "query"))
        .Add(XmlElement(std::string(kRosterNs), "item"))
        .Set("jid", to->Bare())
        .Set("subscription", "none")
        .Set("ask", "subscribe");
    SendStanza(push);
  }
}

// A roster set: 'remove' ends whatever relationship there is; adding or renaming an item
// changes nothing (the friends list has no names or groups of its own) and succeeds, so the
// subscribe that clients send next makes the friend request.
awaitable<void> C2sSession::HandleRosterSet(const XmlElement& iq) {
  const XmlElement& query = iq.children.front();
  if (query.children.size() != 1 || query.children.front().name != "item" ||
      query.children.front().ns != kRosterNs) {
    ReplyError(iq, Status(Code::kMalformed, "a roster set has exactly one item"));
    co_return;
  }
  const XmlElement& item = query.children.front();
  std::optional<Jid> jid = ParseJid(item.Attr("jid"));
  if (!jid || jid->local.empty() || !jid->resource.empty()) {
    SendStanza(ErrorReply(iq, {"modify", "jid-malformed"}, "an item is user@" + options_.domain));
    co_return;
  }
  if (jid->domain != options_.domain) {
    SendStanza(ErrorReply(iq, {"cancel", "item-not-found"}, "this server does not federate"));
    co_return;
  }
  std::optional<int64_t> peer = co_await UserIdOf(jid->local);
  if (!peer) {
    ReplyError(iq, Status(Code::kNotFound, "no such user"));
    co_return;
  }
  if (item.Attr("subscription") != "remove") {
    Reply(iq);
    co_return;
  }
  auto removing = net::OnWorker(services_.workers, [this, me = user_id_, other = *peer] {
    chat::Social& social = services_.social;
    bool any = false;
    for (Status status :
         {social.Cancel(me, other), social.Decline(me, other), social.RemoveFriend(me, other)}) {
      if (!status.ok() && !IsNotFound(status)) return status;
      any = any || status.ok();
    }
    return any ? Status::Ok() : Status(Code::kNotFound, "not in the roster");
  });
  Status removed = co_await std::move(removing);
  if (closing_) co_return;
  if (!removed.ok()) {
    ReplyError(iq, removed);
    co_return;
  }
  Reply(iq);
}

awaitable<void> C2sSession::AddRequestItems(XmlElement& query) {
  auto reading =
      net::OnWorker(services_.workers, [this] { return ReadPending(services_.social, user_id_); });
  Result<std::vector<PendingRequest>> pending = co_await std::move(reading);
  if (!pending.ok()) co_return;  // the friends alone are still the roster
  for (const PendingRequest& request : *pending) {
    Remember(request.user.id, request.user.username);
    XmlElement& item = query.Add(XmlElement(std::string(kRosterNs), "item"))
                           .Set("jid", request.user.username + "@" + options_.domain)
                           .Set("name", request.user.display_name)
                           .Set("subscription", "none");
    if (request.outgoing) item.Set("ask", "subscribe");
  }
}

awaitable<void> C2sSession::SendPendingSubscribes() {
  auto reading =
      net::OnWorker(services_.workers, [this] { return ReadPending(services_.social, user_id_); });
  Result<std::vector<PendingRequest>> pending = co_await std::move(reading);
  if (!pending.ok() || closing_) co_return;
  for (const PendingRequest& request : *pending) {
    if (request.outgoing) continue;
    Remember(request.user.id, request.user.username);
    XmlElement presence(std::string(kClientNs), "presence");
    presence.Set("from", request.user.username + "@" + options_.domain).Set("type", "subscribe");
    if (!request.note.empty()) presence.AddText(std::string(kClientNs), "status", request.note);
    SendStanza(presence);
  }
}

}  // namespace parley::xmpp
