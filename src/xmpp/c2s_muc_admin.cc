// C2sSession: XEP-0045 moderation and administration (sections 8 to 10) of a room, each item
// mapped to the chat::Groups call the web app's group requests make, so the same rules decide
// (chat/groups/groups.h: owner and admins remove, ban and add; only the owner changes roles
// and transfers ownership; non-members learn nothing):
//   role none (kick)          Groups::RemoveMember
//   affiliation outcast       Groups::Ban;  none: RemoveMember, or Unban when not a member
//   affiliation member        Groups::AddMembers; an existing member: SetRole(member)
//   affiliation admin         Groups::SetRole(admin);  owner: Groups::Transfer
//   other role changes        feature-not-implemented (Parley has no visitors or voice)
// An iq get with one item of an affiliation lists that affiliation's members (or bans), at
// most kMucMaxListed. A subject change is Groups::Update of the topic. The changes reach every
// joined occupant through the group's events (c2s_muc_events.cc), this session included.
#include <algorithm>

#include "net/blocking.h"
#include "xmpp/c2s_session.h"
#include "xmpp/muc_frames.h"
#include "xmpp/muc_rooms.h"
#include "xmpp/namespaces.h"
#include "xmpp/stanza_error.h"

namespace parley::xmpp {
namespace asio = boost::asio;
using asio::awaitable;

namespace {

constexpr size_t kMucMaxListed = 200;  // items in one affiliation list
constexpr int kMucListPages = 10;      // member pages read for one list, at most

// XEP-0045's conditions for the groups domain's refusals.
StanzaErrorKind MucErrorOf(Code code) {
  switch (code) {
    case Code::kForbidden:
      return {"auth", "forbidden"};
    case Code::kInvalidArgument:
    case Code::kBlocked:
      return {"cancel", "not-allowed"};
    default:
      return StanzaErrorOf(code);
  }
}

struct Listed {
  std::string username;
  store::Role role = store::Role::kMember;
};

// One affiliation's list (blocking): members of that role, or the bans for outcast.
Result<std::vector<Listed>> ReadAffiliation(C2sServices& services, int64_t user_id, int64_t room,
                                            std::string_view affiliation) {
  std::vector<int64_t> users;
  std::vector<store::Role> roles;
  if (affiliation == "outcast") {
    Result<std::vector<store::GroupBan>> bans = services.groups.Bans(user_id, room);
    if (!bans.ok()) return bans.status();
    for (const store::GroupBan& ban : *bans) {
      if (users.size() == kMucMaxListed) break;
      users.push_back(ban.user_id);
    }
  } else {
    const std::optional<store::Role> wanted = RoleNamed(affiliation);
    int64_t after = 0;
    for (int page = 0; page < kMucListPages && users.size() < kMucMaxListed; ++page) {
      Result<chat::GroupInfo> info =
          services.groups.Info(user_id, room, after, services.groups.options().max_members_page);
      if (!info.ok()) return info.status();
      for (const store::Member& member : info->members) {
        if (member.role != *wanted || users.size() == kMucMaxListed) continue;
        users.push_back(member.user_id);
        roles.push_back(member.role);
      }
      if (!info->has_more || info->members.empty()) break;
      after = info->members.back().user_id;
    }
  }
  std::vector<Listed> listed;
  for (size_t i = 0; i < users.size(); ++i) {
    Result<store::User> user = services.social.Profile(users[i]);
    if (!user.ok()) continue;
    listed.push_back({user->username, roles.empty() ? store::Role::kMember : roles[i]});
  }
  return listed;
}

// The change an item asks for, as one Groups call (blocking).
Status ApplyItem(chat::Groups& groups, int64_t actor, int64_t room, int64_t target,
                 std::string_view affiliation) {
  if (affiliation.empty()) return groups.RemoveMember(actor, room, target);  // role none
  if (affiliation == "outcast") return groups.Ban(actor, room, target);
  if (affiliation == "none") {
    Status removed = groups.RemoveMember(actor, room, target);
    if (removed.code() != Code::kNotFound) return removed;
    return groups.Unban(actor, room, target);
  }
  if (affiliation == "member") {
    Status added = groups.AddMembers(actor, room, {target});
    if (added.code() != Code::kConflict) return added;
    return groups.SetRole(actor, room, target, store::Role::kMember);
  }
  if (affiliation == "admin") return groups.SetRole(actor, room, target, store::Role::kAdmin);
  return groups.Transfer(actor, room, target);  // owner
}

bool IsAffiliation(std::string_view name) {
  return name == "owner" || name == "admin" || name == "member" || name == "none" ||
         name == "outcast";
}

}  // namespace

awaitable<void> C2sSession::HandleMucAdmin(const XmlElement& iq, int64_t room) {
  const XmlElement& query = iq.children.front();
  if (query.children.size() != 1 || query.children.front().name != "item" ||
      query.children.front().ns != kMucAdminNs) {
    SendStanza(ErrorReply(iq, {"modify", "bad-request"}, "one item per request"));
    co_return;
  }
  const XmlElement& item = query.children.front();
  const std::string affiliation(item.Attr("affiliation"));
  const std::string role(item.Attr("role"));
  const std::string room_jid = RoomJid(room, options_.domain);

  if (iq.Attr("type") == "get") {
    if (!item.HasAttr("affiliation") || affiliation == "none" || !IsAffiliation(affiliation)) {
      SendStanza(ErrorReply(iq, {"modify", "bad-request"},
                            "ask for the owner, admin, member or outcast list"));
      co_return;
    }
    auto reading = net::OnWorker(services_.workers, [this, room, &affiliation] {
      return ReadAffiliation(services_, user_id_, room, affiliation);
    });
    Result<std::vector<Listed>> listed = co_await std::move(reading);
    if (closing_) co_return;
    if (!listed.ok()) {
      SendStanza(ErrorReply(iq, MucErrorOf(listed.status().code()), listed.status().message()));
      co_return;
    }
    XmlElement answer(std::string(kMucAdminNs), "query");
    for (const Listed& user : *listed) {
      XmlElement& out = answer.Add(XmlElement(std::string(kMucAdminNs), "item"));
      out.Set("affiliation", affiliation)
          .Set("jid", user.username + "@" + options_.domain)
          .Set("nick", user.username);
      if (affiliation != "outcast") out.Set("role", std::string(MucRoleOf(user.role)));
    }
    Reply(iq, std::move(answer));
    co_return;
  }

  // A set: a kick (role none, by nick) or an affiliation change (by jid or nick).
  const bool kick = item.HasAttr("role") && !item.HasAttr("affiliation");
  if (kick && role != "none") {
    SendStanza(ErrorReply(iq, {"cancel", "feature-not-implemented"},
                          "Parley groups have no voice or visitors: only role none (a kick)"));
    co_return;
  }
  if (!kick && (!item.HasAttr("affiliation") || !IsAffiliation(affiliation))) {
    SendStanza(ErrorReply(iq, {"modify", "bad-request"}, "an item has a role or an affiliation"));
    co_return;
  }
  std::string target_name(item.Attr("nick"));
  if (item.HasAttr("jid")) {
    std::optional<Jid> jid = ParseJid(item.Attr("jid"));
    if (!jid || jid->local.empty()) {
      SendStanza(ErrorReply(iq, {"modify", "jid-malformed"}, "the item's jid is no user's"));
      co_return;
    }
    if (jid->domain != options_.domain) {
      SendStanza(ErrorReply(iq, {"cancel", "item-not-found"}, "no such user"));
      co_return;
    }
    target_name = jid->local;
  }
  if (target_name.empty()) {
    SendStanza(ErrorReply(iq, {"modify", "bad-request"}, "the item names a nick or a jid"));
    co_return;
  }
  std::optional<int64_t> target = co_await UserIdOf(target_name);
  if (closing_) co_return;
  if (!target) {
    SendStanza(ErrorReply(iq, {"cancel", "item-not-found"}, "no such user"));
    co_return;
  }
  auto changing =
      net::OnWorker(services_.workers, [this, room, target = *target, &affiliation, kick] {
        return ApplyItem(services_.groups, user_id_, room, target, kick ? "" : affiliation);
      });
  Status changed = co_await std::move(changing);
  if (closing_) co_return;
  if (!changed.ok()) {
    SendStanza(ErrorReply(iq, MucErrorOf(changed.code()), changed.message()));
    co_return;
  }
  Reply(iq);
}

awaitable<void> C2sSession::HandleSubject(const XmlElement& message, int64_t room,
                                          const XmlElement& subject) {
  auto changing = net::OnWorker(services_.workers, [this, room, &subject] {
    chat::GroupPatch patch;
    patch.topic = subject.text;
    return services_.groups.Update(user_id_, room, std::move(patch));
  });
  Status changed = co_await std::move(changing);
  if (closing_ || changed.ok()) co_return;  // the new subject arrives as the group's event
  SendStanza(ErrorReply(message, MucErrorOf(changed.code()), changed.message()));
}

}  // namespace parley::xmpp
