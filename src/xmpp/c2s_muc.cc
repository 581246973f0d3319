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
#include "xmpp/muc_frames.h"
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

// Member pages read to find the occupants' roles, at most (kMucMemberPages * the groups'
// max_members_page members).
constexpr int kMucMemberPages = 10;

// Who the joining user sees in the room (docs/xmpp.md, "MUC occupants"): the members who are
// its friends (present when online or away: the presence Parley shows it) and the room's XMPP
// occupants on this node (present), with their Parley roles. Blocking.
void ReadOccupants(C2sServices& services, int64_t user_id, int64_t room, MucRoomMembers& members,
                   std::unordered_map<int64_t, chat::PresenceStatus>& presence) {
  std::unordered_map<int64_t, MucMember> wanted;
  if (Result<std::vector<chat::Friend>> friends = services.social.Friends(user_id); friends.ok()) {
    for (const chat::Friend& f : *friends) {
      const bool present = f.presence.status != chat::PresenceStatus::kOffline;
      wanted[f.relation.user.id] = {f.relation.user.username, store::Role::kMember, present};
      if (present) presence[f.relation.user.id] = f.presence.status;
    }
  }
  for (const MucOccupancy::Occupant& occupant :
       services.occupancy.Occupants(room, kMucMaxOccupants + 1)) {
    if (occupant.user_id == user_id) continue;
    MucMember& member = wanted[occupant.user_id];
    member.username = occupant.username;
    member.present = true;
    presence.try_emplace(occupant.user_id, chat::PresenceStatus::kOnline);
  }
  int64_t after = 0;
  for (int page = 0; page < kMucMemberPages && members.size() < wanted.size(); ++page) {
    Result<chat::GroupInfo> info =
        services.groups.Info(user_id, room, after, services.groups.options().max_members_page);
    if (!info.ok()) break;
    for (const store::Member& member : info->members) {
      auto found = wanted.find(member.user_id);
      if (found == wanted.end()) continue;
      found->second.role = member.role;
      members.emplace(member.user_id, std::move(found->second));
    }
    if (!info->has_more || info->members.empty()) break;
    after = info->members.back().user_id;
  }
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
  const bool admin = payload.ns == kMucAdminNs, archive = payload.ns == kMamNs;
  if ((admin || archive) && payload.name == "query" && to.resource.empty()) {
    if (std::optional<int64_t> room = RoomIdOf(to.local)) {
      if (admin) {
        co_await HandleMucAdmin(iq, *room);
      } else {
        co_await HandleRoomMam(iq, *room);
      }
      co_return;
    }
  }
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
    for (std::string_view var : {kDiscoInfoNs, kMucNs, std::string_view("muc_membersonly"),
                                 std::string_view("muc_persistent"),
                                 std::string_view("muc_nonanonymous"), kStanzaIdNs, kMamNs}) {
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
    auto joined = joined_rooms_.find(*room);
    if (joined == joined_rooms_.end()) co_return;
    SendStanza(OccupantPresence(room_jid, username_, options_.domain,
                                {.role = joined->second, .status = chat::PresenceStatus::kOffline},
                                {"110"}));
    LeaveRoom(*room);
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
    MucRoomMembers members;  // the friends who are members and the room's XMPP occupants
    std::unordered_map<int64_t, chat::PresenceStatus> presence;  // of those present
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
        ReadOccupants(services_, user_id_, group_id, joined.members, joined.presence);
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

  // The occupants first, then the user's own presence (XEP-0045 7.2.2 and 7.2.3).
  size_t listed = 0;
  for (const auto& [user, member] : joined->members) {
    if (!member.present || listed == kMucMaxOccupants) continue;
    ++listed;
    SendStanza(OccupantPresence(room_jid, member.username, options_.domain,
                                {.role = member.role, .status = joined->presence.at(user)}));
  }
  room_members_[*room] = std::move(joined->members);
  if (services_.occupancy.Join(*room, {user_id_, username_}, shared_from_this())) {
    services_.occupancy.Deliver(*room, this, OccupantFrame(*room, user_id_, username_, role, true));
  }

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
  if (body == nullptr) {
    if (const XmlElement* subject = message.Child("subject", kClientNs)) {
      co_await HandleSubject(message, *room, *subject);
    }
    co_return;  // chat states: not mapped
  }
  if (services_.shutting_down) {
    ReplyError(message, Status(Code::kUnavailable, "the server is shutting down"));
    co_return;
  }
  std::string client_id(message.Attr("id"));
  if (client_id.empty()) client_id = "xmpp-" + RandomHex(8);
  if (reflections_.size() >= kMaxReflections) reflections_.clear();  // acks that never came
  reflections_[client_id] = {*room, body->text};
  chat::SendCommand command{user_id_, std::move(client_id), 0, *room, body->text};
  co_await AttachOwnUpload(message, command);  // XEP-0363 (c2s_upload.cc)
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
