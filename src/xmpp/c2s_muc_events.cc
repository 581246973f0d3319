// C2sSession: what changes in a joined room reaches the session as XEP-0045 presence and
// messages (docs/xmpp.md, "MUC occupants"): group changes made anywhere (the web app or XMPP:
// 'g' frames of events::GroupChanged), other XMPP sessions entering and leaving the room on
// this node ('o' frames, muc_occupancy.h) and the presence of friends who are members (the
// only presence Parley shows a user). A member removed or gone leaves the room's occupants;
// the user removed, or the group deleted, leaves the room.
#include <vector>

#include "xmpp/c2s_session.h"
#include "xmpp/muc_frames.h"
#include "xmpp/muc_rooms.h"
#include "xmpp/namespaces.h"

namespace parley::xmpp {
namespace {

chat::PresenceStatus StatusOfTail(std::string_view tail) {  // xmpp_frames.cc's PresenceTail
  if (tail.find("unavailable") != std::string_view::npos) return chat::PresenceStatus::kOffline;
  if (tail.find("<show>away") != std::string_view::npos) return chat::PresenceStatus::kAway;
  return chat::PresenceStatus::kOnline;
}

}  // namespace

void C2sSession::LeaveRoom(int64_t room, bool announce) {
  auto joined = joined_rooms_.find(room);
  if (joined == joined_rooms_.end()) return;
  const store::Role role = joined->second;
  joined_rooms_.erase(joined);
  room_members_.erase(room);
  if (services_.occupancy.Leave(room, user_id_, this) && announce) {
    services_.occupancy.Deliver(room, this, OccupantFrame(room, user_id_, username_, role, false));
  }
}

void C2sSession::LeaveRooms() {
  std::vector<int64_t> rooms;
  for (const auto& [room, role] : joined_rooms_) rooms.push_back(room);
  for (int64_t room : rooms) LeaveRoom(room);
}

void C2sSession::ForwardPresenceToRooms(const Route& route) {
  const chat::PresenceStatus status = StatusOfTail(route.tail);
  for (auto& [room, members] : room_members_) {
    auto member = members.find(route.user_id);
    if (member == members.end()) continue;
    const bool present = status != chat::PresenceStatus::kOffline;
    if (!present && !member->second.present) continue;
    member->second.present = present;
    SendStanza(OccupantPresence(RoomJid(room, options_.domain), member->second.username,
                                options_.domain, {.role = member->second.role, .status = status}));
  }
}

void C2sSession::WriteRoomEvent(const Route& route) {
  const int64_t room = route.conversation_id;
  auto joined = joined_rooms_.find(room);
  if (joined == joined_rooms_.end()) return;
  MucRoomMembers& members = room_members_[room];
  const std::string room_jid = RoomJid(room, options_.domain);
  const chat::PresenceStatus own_status =
      away_ ? chat::PresenceStatus::kAway : chat::PresenceStatus::kOnline;

  if (route.kind == 'o') {
    std::optional<OccupantMove> move = ReadOccupantMove(route.tail);
    if (!move || route.user_id == user_id_) return;  // the user's other sessions: one occupant
    auto known = members.find(route.user_id);
    if (!move->present && (known == members.end() || !known->second.present)) return;
    MucMember& member = members[route.user_id];
    member.username = std::string(move->username);
    member.role = move->role;
    if (member.present == move->present) return;
    member.present = move->present;
    SendStanza(OccupantPresence(room_jid, member.username, options_.domain,
                                {.role = member.role,
                                 .status = move->present ? chat::PresenceStatus::kOnline
                                                         : chat::PresenceStatus::kOffline}));
    return;
  }

  std::optional<RoomChange> change = ReadRoomChange(route.tail);
  if (!change) return;
  // Sets a member's affiliation; an occupant's (or the user's own) presence says so.
  auto set_role = [&](int64_t user, store::Role role) {
    if (user == user_id_) {
      joined->second = role;
      SendStanza(OccupantPresence(room_jid, username_, options_.domain,
                                  {.role = role, .status = own_status}, {"110"}));
      return;
    }
    auto member = members.find(user);
    if (member == members.end()) return;
    member->second.role = role;
    if (member->second.present) {
      SendStanza(OccupantPresence(room_jid, member->second.username, options_.domain,
                                  {.role = role, .status = chat::PresenceStatus::kOnline}));
    }
  };

  if (change->type == "topic_changed") {
    XmlElement subject(std::string(kClientNs), "message");
    std::string from = room_jid;
    if (change->actor == user_id_) {
      from += "/" + username_;
    } else if (auto actor = members.find(change->actor); actor != members.end()) {
      from += "/" + actor->second.username;
    }
    subject.Set("from", from).Set("type", "groupchat");
    subject.AddText(std::string(kClientNs), "subject", std::string(change->arg));
    SendStanza(subject);
  } else if (change->type == "renamed") {  // the room's name: a configuration change (104)
    XmlElement notice(std::string(kClientNs), "message");
    notice.Set("from", room_jid).Set("type", "groupchat");
    notice.Add(XmlElement(std::string(kMucUserNs), "x"))
        .Add(XmlElement(std::string(kMucUserNs), "status"))
        .Set("code", "104");
    SendStanza(notice);
  } else if (change->type == "role_changed") {
    if (std::optional<store::Role> role = RoleNamed(change->arg)) set_role(route.user_id, *role);
  } else if (change->type == "ownership_transferred") {
    set_role(change->actor, store::Role::kAdmin);
    set_role(route.user_id, store::Role::kOwner);
  } else if (change->type == "member_removed" || change->type == "member_left" ||
             change->type == "group_deleted") {
    const bool deleted = change->type == "group_deleted";
    const bool kicked = change->type == "member_removed";
    if (deleted || route.user_id == user_id_) {
      OccupantState state{
          .status = chat::PresenceStatus::kOffline, .removed = true, .destroyed = deleted};
      if (kicked) {
        SendStanza(OccupantPresence(room_jid, username_, options_.domain, state, {"307", "110"}));
      } else {
        SendStanza(OccupantPresence(room_jid, username_, options_.domain, state, {"110"}));
      }
      LeaveRoom(room, /*announce=*/false);  // everyone in the room has this event
      return;
    }
    auto member = members.find(route.user_id);
    if (member == members.end()) return;
    if (member->second.present) {
      OccupantState state{.status = chat::PresenceStatus::kOffline, .removed = true};
      if (kicked) {
        SendStanza(
            OccupantPresence(room_jid, member->second.username, options_.domain, state, {"307"}));
      } else {
        SendStanza(OccupantPresence(room_jid, member->second.username, options_.domain, state));
      }
    }
    members.erase(member);
  }
}

}  // namespace parley::xmpp
