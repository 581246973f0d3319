// C2sSession: MUC (XEP-0045) rooms as Parley groups (docs/xmpp.md, muc_rooms.h). The rooms of
// the conference component are the user's groups (Service::Conversations, the same read the
// WebSocket session makes): a member joins with available presence and gets its own presence
// (affiliation and role from its Parley role), the history it may read (Service::History,
// capped at kMucMaxHistory) and the topic as subject; anyone else is refused with
// registration-required. A groupchat message is Service::Send to the group (its id the
// idempotency key, the seq as stanza-id); the group's messages reach the session only while it
// has joined the room, its own sends reflected once acked.
#include <algorithm>
#include <cstdlib>
#include <unordered_map>

#include "base/random_hex.h"
#include "chat/groups/group_rules.h"
#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/muc_rooms.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"
#include "xmpp/xml_writer.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

// Groupchat sends remembered for their reflection, at most.
constexpr size_t kMaxReflections = 256;

Result<std::vector<store::ConversationSummary>> GroupsOf(chat::Service& chat, int64_t user) {
  Result<std::vector<store::ConversationSummary>> all = chat.ConversationStates(user);
  if (!all.ok()) return all.status();
  std::vector<store::ConversationSummary> groups;
  for (store::ConversationSummary& summary : *all) {
    if (summary.kind == store::ConversationKind::kGroup) groups.push_back(std::move(summary));
  }
  return groups;
}

XmlElement Feature(std::string_view var) {
  XmlElement feature(std::string(kDiscoInfoNs), "feature");
  feature.Set("var", std::string(var));
  return feature;
}

XmlElement GroupchatMessage(const std::string& from, const std::string& id, const std::string& text,
                            int64_t seq, const std::string& room) {
  XmlElement message(std::string(kClientNs), "message");
  message.Set("from", from).Set("type", "groupchat");
  if (!id.empty()) message.Set("id", id);
  message.AddText(std::string(kClientNs), "body", text);
  message.Add(XmlElement(std::string(kStanzaIdNs), "stanza-id"))
      .Set("id", std::to_string(seq))
      .Set("by", room);
  return message;
}

}  // namespace

awaitable<void> C2sSession::HandleMucIq(const XmlElement& iq, const Jid& to) {
  const XmlElement& payload = iq.children.front();
  const bool info = payload.ns == kDiscoInfoNs, items = payload.ns == kDiscoItemsNs;
  if (iq.Attr("type") != "get" || (!info && !items) || !to.resource.empty()) {
    SendStanza(ErrorReply(iq, {"cancel", "service-unavailable"}, ""));
    co_return;
  }
  std::optional<int64_t> room;
  if (!to.local.empty()) {
    room = RoomIdOf(to.local);
    if (!room) {
      SendStanza(ErrorReply(iq, {"cancel", "item-not-found"}, "no such room"));
      co_return;
    }
  }
  auto reading =
      net::OnWorker(services_.workers, [this] { return GroupsOf(services_.chat, user_id_); });
  Result<std::vector<store::ConversationSummary>> groups = co_await std::move(reading);
  if (!groups.ok()) {
    ReplyError(iq, groups.status());
    co_return;
  }
  XmlElement query(std::string(payload.ns), "query");
  if (!room) {  // the component
    if (info) {
      query.Add(XmlElement(std::string(kDiscoInfoNs), "identity"))
          .Set("category", "conference")
          .Set("type", "text")
          .Set("name", "Parley groups");
      query.Add(Feature(kDiscoInfoNs));
      query.Add(Feature(kDiscoItemsNs));
      query.Add(Feature(kMucNs));
    } else {
      for (const store::ConversationSummary& group : *groups) {
        query.Add(XmlElement(std::string(kDiscoItemsNs), "item"))
            .Set("jid", RoomJid(group.id, options_.domain))
            .Set("name", group.name);
      }
    }
    Reply(iq, std::move(query));
    co_return;
  }
  auto group = std::find_if(groups->begin(), groups->end(),
                            [&](const store::ConversationSummary& g) { return g.id == *room; });
  if (group == groups->end()) {
    SendStanza(ErrorReply(iq, {"cancel", "item-not-found"}, "no such room"));
    co_return;
  }
  if (info) {
    query.Add(XmlElement(std::string(kDiscoInfoNs), "identity"))
        .Set("category", "conference")
        .Set("type", "text")
        .Set("name", group->name);
    for (std::string_view var :
         {kDiscoInfoNs, kMucNs, std::string_view("muc_membersonly"),
          std::string_view("muc_persistent"), std::string_view("muc_nonanonymous"), kStanzaIdNs}) {
      query.Add(Feature(var));
    }
  }
  Reply(iq, std::move(query));  // a room's items (its occupants): none listed
}

awaitable<void> C2sSession::HandleMucPresence(const XmlElement& presence, const Jid& to) {
  const std::string_view type = presence.Attr("type");
  std::optional<int64_t> room = RoomIdOf(to.local);
  if (!room) {
    SendStanza(ErrorReply(presence, {"cancel", "item-not-found"}, "no such room"));
    co_return;
  }
  const std::string room_jid = RoomJid(*room, options_.domain);
  const std::string occupant = room_jid + "/" + username_;
  if (type == "unavailable") {
    if (joined_rooms_.erase(*room) == 0) co_return;
    XmlElement out(std::string(kClientNs), "presence");
    out.Set("from", occupant).Set("type", "unavailable");
    XmlElement& x = out.Add(XmlElement(std::string(kMucUserNs), "x"));
    x.Add(XmlElement(std::string(kMucUserNs), "item"))
        .Set("affiliation", "member")
        .Set("role", "none");
    x.Add(XmlElement(std::string(kMucUserNs), "status")).Set("code", "110");
    SendStanza(out);
    co_return;
  }
  if (!type.empty() || joined_rooms_.contains(*room)) co_return;  // errors, updates: no-ops
  if (to.resource.empty()) {
    SendStanza(ErrorReply(presence, {"modify", "jid-malformed"}, "join as room/nick"));
    co_return;
  }
  int history = kMucDefaultHistory;
  if (const XmlElement* x = presence.Child("x", kMucNs)) {
    if (const XmlElement* asked = x->Child("history", kMucNs);
        asked && asked->HasAttr("maxstanzas")) {
      history =
          std::clamp(std::atoi(std::string(asked->Attr("maxstanzas")).c_str()), 0, kMucMaxHistory);
    }
  }
  struct Joined {
    store::ConversationSummary group;
    std::vector<store::Message> history;
    std::vector<store::User> senders;
  };
  auto reading =
      net::OnWorker(services_.workers, [this, group_id = *room, history]() -> Result<Joined> {
        Result<std::vector<store::ConversationSummary>> groups = GroupsOf(services_.chat, user_id_);
        if (!groups.ok()) return groups.status();
        Joined joined;
        auto found =
            std::find_if(groups->begin(), groups->end(),
                         [&](const store::ConversationSummary& g) { return g.id == group_id; });
        if (found == groups->end()) return Status(Code::kNotFound, "not a member of this group");
        joined.group = std::move(*found);
        if (history > 0) {
          chat::HistoryQuery query;
          query.limit = history;
          Result<chat::HistoryPage> page = services_.chat.History(user_id_, group_id, query);
          if (!page.ok()) return page.status();
          joined.history = std::move(page->messages);
        }
        std::unordered_map<int64_t, bool> seen;
        for (const store::Message& message : joined.history) {
          if (!seen.emplace(message.sender_id, true).second) continue;
          if (Result<store::User> user = services_.social.Profile(message.sender_id); user.ok()) {
            joined.senders.push_back(std::move(*user));
          }
        }
        return joined;
      });
  Result<Joined> joined = co_await std::move(reading);
  if (closing_) co_return;
  if (!joined.ok()) {
    if (joined.status().code() == Code::kNotFound) {
      SendStanza(ErrorReply(presence, {"auth", "registration-required"},
                            "only the group's members can join its room"));
    } else {
      ReplyError(presence, joined.status());
    }
    co_return;
  }
  const store::Role role = joined->group.self.role;
  joined_rooms_[*room] = role;
  Remember(user_id_, username_);
  for (const store::User& user : joined->senders) Remember(user.id, user.username);

  XmlElement self(std::string(kClientNs), "presence");
  self.Set("from", occupant);
  XmlElement& x = self.Add(XmlElement(std::string(kMucUserNs), "x"));
  x.Add(XmlElement(std::string(kMucUserNs), "item"))
      .Set("affiliation", std::string(chat::RoleName(role)))  // the same three names
      .Set("role", std::string(MucRoleOf(role)))
      .Set("jid", username_ + "@" + options_.domain + "/" + resource_);
  for (std::string_view code : {"100", "110"}) {  // not anonymous; this is you
    x.Add(XmlElement(std::string(kMucUserNs), "status")).Set("code", std::string(code));
  }
  if (to.resource != username_) {
    x.Add(XmlElement(std::string(kMucUserNs), "status")).Set("code", "210");  // nick assigned
  }
  SendStanza(self);
  for (const store::Message& message : joined->history) {
    if (message.kind != store::MessageKind::kText || message.text.empty() || message.deleted) {
      continue;
    }
    auto sender = usernames_.find(message.sender_id);
    if (sender == usernames_.end()) continue;
    XmlElement out = GroupchatMessage(room_jid + "/" + sender->second, message.client_id,
                                      message.text, message.seq, room_jid);
    out.Add(XmlElement(std::string(kDelayNs), "delay"))
        .Set("from", room_jid)
        .Set("stamp", XmppTimestamp(message.created_at));
    SendStanza(out);
  }
  XmlElement subject(std::string(kClientNs), "message");
  subject.Set("from", room_jid).Set("type", "groupchat");
  subject.AddText(std::string(kClientNs), "subject", joined->group.topic);
  SendStanza(subject);
}

awaitable<void> C2sSession::HandleGroupchat(const XmlElement& message, const Jid& to) {
  std::optional<int64_t> room = RoomIdOf(to.local);
  if (message.Attr("type") != "groupchat" || !to.resource.empty() || !room ||
      !joined_rooms_.contains(*room)) {
    SendStanza(ErrorReply(message, {"modify", "not-acceptable"},
                          "join the room, then send groupchat messages to it"));
    co_return;
  }
  const XmlElement* body = message.Child("body", kClientNs);
  if (body == nullptr) co_return;  // chat states, subject changes: not mapped
  if (services_.shutting_down) {
    ReplyError(message, Status(Code::kUnavailable, "the server is shutting down"));
    co_return;
  }
  std::string client_id(message.Attr("id"));
  if (client_id.empty()) client_id = "xmpp-" + RandomHex(8);
  if (reflections_.size() >= kMaxReflections) reflections_.clear();  // acks that never came
  reflections_[client_id] = {*room, body->text};
  chat::SendCommand command{user_id_, std::move(client_id), 0, *room, body->text};
  services_.chat.Send(std::move(command), weak_from_this());
}

void C2sSession::WriteGroupchat(const Route& route, const chat::SharedFrame& frame) {
  // The tail is a chat message's: "' type='chat'" + the rest, whose stanza-id is by the domain.
  constexpr std::string_view kChatType = "' type='chat'";
  std::string_view tail = route.tail;
  if (tail.substr(0, kChatType.size()) != kChatType) return;
  tail.remove_prefix(kChatType.size());
  const std::string room_jid = RoomJid(route.conversation_id, options_.domain);
  std::string out = "<message from='" + XmlEscape(room_jid + "/" + usernames_.at(route.user_id)) +
                    "' type='groupchat'" + std::string(tail);
  const std::string by = "by='" + XmlEscape(options_.domain) + "'";
  if (size_t at = out.rfind(by); at != std::string::npos) {
    out.replace(at, by.size(), "by='" + XmlEscape(room_jid) + "'");
  }
  Send(std::move(out));
}

void C2sSession::Reflect(const Route& route) {
  // Tail: the client id, a newline, the seq (the last newline: an id may hold one).
  const size_t newline = route.tail.rfind('\n');
  if (newline == std::string_view::npos) return;
  auto sent = reflections_.find(std::string(route.tail.substr(0, newline)));
  if (sent == reflections_.end() || sent->second.first != route.conversation_id) return;
  const int64_t room = sent->second.first;
  if (joined_rooms_.contains(room)) {
    const std::string room_jid = RoomJid(room, options_.domain);
    SendStanza(GroupchatMessage(room_jid + "/" + username_, sent->first, sent->second.second,
                                std::atoll(std::string(route.tail.substr(newline + 1)).c_str()),
                                room_jid));
  }
  reflections_.erase(sent);
}

}  // namespace parley::xmpp
