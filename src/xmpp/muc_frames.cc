#include "xmpp/muc_frames.h"

#include <charconv>
#include <string>

#include "chat/groups/group_rules.h"

namespace parley::xmpp {
namespace {

std::string RouteLine(char kind, int64_t user_id, int64_t room) {
  return std::string(1, kind) + " " + std::to_string(user_id) + " " + std::to_string(room) + "\n";
}

}  // namespace

chat::SharedFrame GroupChangedFrame(const chat::events::GroupChanged& changed) {
  const chat::GroupEvent& change = changed.change;
  int64_t about = change.actor;
  std::string arg;
  if (change.type == "member_removed" && !change.users.empty()) {
    about = change.users.front();  // one member per removal (RemoveMember, Ban)
  } else if (change.type == "role_changed" && change.user && change.role) {
    about = *change.user;
    arg = *change.role;
  } else if (change.type == "ownership_transferred" && change.user) {
    about = *change.user;
  } else if (change.type == "topic_changed" && change.topic) {
    arg = *change.topic;
  } else if (change.type != "member_left" && change.type != "renamed" &&
             change.type != "group_deleted") {
    return chat::MakeFrame("");
  }
  return chat::MakeFrame(RouteLine('g', about, changed.message.conversation_id) + change.type +
                         " " + std::to_string(change.actor) + "\n" + arg);
}

chat::SharedFrame OccupantFrame(int64_t room, int64_t user_id, std::string_view username,
                                store::Role role, bool present) {
  return chat::MakeFrame(RouteLine('o', user_id, room) + std::string(chat::RoleName(role)) +
                         (present ? " 1 " : " 0 ") + std::string(username));
}

std::optional<RoomChange> ReadRoomChange(std::string_view tail) {
  const size_t space = tail.find(' ');
  const size_t newline = tail.find('\n');
  if (space == std::string_view::npos || newline == std::string_view::npos || newline < space) {
    return std::nullopt;
  }
  RoomChange change;
  change.type = tail.substr(0, space);
  auto [end, error] = std::from_chars(tail.data() + space + 1, tail.data() + newline, change.actor);
  if (error != std::errc() || end != tail.data() + newline) return std::nullopt;
  change.arg = tail.substr(newline + 1);
  return change;
}

std::optional<OccupantMove> ReadOccupantMove(std::string_view tail) {
  const size_t space = tail.find(' ');
  if (space == std::string_view::npos || tail.size() < space + 4 || tail[space + 2] != ' ') {
    return std::nullopt;
  }
  std::optional<store::Role> role = RoleNamed(tail.substr(0, space));
  if (!role) return std::nullopt;
  return OccupantMove{*role, tail[space + 1] == '1', tail.substr(space + 3)};
}

std::optional<store::Role> RoleNamed(std::string_view name) {
  for (store::Role role : {store::Role::kOwner, store::Role::kAdmin, store::Role::kMember}) {
    if (chat::RoleName(role) == name) return role;
  }
  return std::nullopt;
}

}  // namespace parley::xmpp
