// Groups: the ways into and out of a group besides an admin's add and remove (groups.cc):
// invite links (make, list, revoke, join, with use limits), join requests, and bans, which
// every way in checks; and the directory of public groups, where join requests start.
#include <utility>

#include "base/clock.h"
#include "chat/groups/group_task.h"
#include "chat/groups/groups.h"
#include "chat/social/social_rules.h"

namespace parley::chat {

using group_task::kInviteCodeRandomBytes;
using group_task::MakeEvent;
using group_task::NoSuchGroup;
using group_task::Task;

Result<store::GroupInvite> Groups::CreateInvite(int64_t actor, int64_t group_id,
                                                NewInvite request) {
  const int64_t ttl_ms = request.ttl_ms == 0 ? options_.default_invite_ttl_ms : request.ttl_ms;
  if (ttl_ms < 0 || ttl_ms > options_.max_invite_ttl_ms) {
    return Status(Code::kInvalidArgument, "ttl_ms must be 1 ms to 30 days");
  }
  if (request.max_uses < 0 || request.max_uses > options_.max_invite_uses) {
    return Status(Code::kInvalidArgument,
                  "max_uses must be 0 (no limit) to " + std::to_string(options_.max_invite_uses));
  }
  Change change;
  Status status = Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireAdmin(); !s.ok()) return s;
        store::GroupInvite invite;
        invite.code = RandomHex(kInviteCodeRandomBytes);
        invite.conversation_id = group_id;
        invite.created_by = actor;
        invite.created_at = NowMillis();
        invite.expires_at = invite.created_at + ttl_ms;
        invite.max_uses = request.max_uses;
        if (Status s = txn.CreateInvite(invite); !s.ok()) return s;
        out.invite = std::move(invite);
        return Status::Ok();
      },
      change);
  if (!status.ok()) return status;
  return change.invite;
}

Result<store::Group> Groups::JoinByCode(int64_t actor, const std::string& code) {
  Change change;
  Status status = Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        const Status invalid(Code::kNotFound, "invalid or expired invite code");
        auto invite = txn.FindInvite(code);
        if (!invite.ok())
          return invite.status().code() == Code::kNotFound ? invalid : invite.status();
        if (invite->expires_at <= NowMillis()) return invalid;
        if (invite->max_uses != 0 && invite->uses >= invite->max_uses) return invalid;
        auto group = txn.FindGroup(invite->conversation_id);
        if (!group.ok()) return group.status().code() == Code::kNotFound ? invalid : group.status();
        Task task(txn, cache, group->id, actor, out.events);
        auto banned = task.IsBanned(actor);
        if (!banned.ok()) return banned.status();
        if (*banned) return Status(Code::kForbidden, "you are banned from this group");
        if (Status s = txn.UseInvite(code); !s.ok()) return s;
        GroupEvent event = MakeEvent("member_added", actor);
        event.users = {actor};
        event.via = "invite";
        auto seq = task.Event(event);
        if (!seq.ok()) return seq.status();
        if (Status s = task.Add({actor}, *seq); !s.ok()) return s;
        auto members = task.Refresh();
        if (!members.ok()) return members.status();
        out.recipients = *members;
        out.group = std::move(*group);
        ++out.group.member_count;
        out.group.last_seq = *seq;
        return Status::Ok();
      },
      change);
  if (!status.ok()) return status;
  return change.group;
}

Status Groups::RequestJoin(int64_t actor, int64_t group_id) {
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change&) -> Status {
        auto group = txn.FindGroup(group_id);
        if (!group.ok())
          return group.status().code() == Code::kNotFound ? NoSuchGroup() : group.status();
        if (!group->is_public) return NoSuchGroup();
        auto conversation = cache.Find(txn, group_id);
        if (!conversation.ok()) return conversation.status();
        if ((*conversation)->FindMember(actor) != nullptr) {
          return Status(Code::kConflict, "you are a member already");
        }
        auto banned = txn.IsBanned(group_id, actor);
        if (!banned.ok()) return banned.status();
        if (*banned) return Status(Code::kForbidden, "you are banned from this group");
        return txn.AddJoinRequest(store::JoinRequest{group_id, actor, NowMillis()});
      },
      change);
}

Status Groups::AnswerJoinRequest(int64_t actor, int64_t group_id, int64_t user, bool approve) {
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireAdmin(); !s.ok()) return s;
        if (Status s = txn.RemoveJoinRequest(group_id, user); !s.ok()) return s;
        if (!approve) return Status::Ok();
        GroupEvent event = MakeEvent("member_added", actor);
        event.users = {user};
        event.via = "request";
        auto seq = task.Event(event);
        if (!seq.ok()) return seq.status();
        if (Status s = task.Add({user}, *seq); !s.ok()) return s;
        auto members = task.Refresh();
        if (!members.ok()) return members.status();
        out.recipients = *members;
        return Status::Ok();
      },
      change);
}

Result<std::vector<store::JoinRequest>> Groups::JoinRequests(int64_t actor, int64_t group_id) {
  if (Status s = RequireAdminNow(actor, group_id); !s.ok()) return s;
  return store_.JoinRequests(group_id);
}

Result<std::vector<store::PublicGroup>> Groups::Directory(int64_t actor, std::string_view query,
                                                          int64_t after, int limit) {
  if (query.size() > kMaxSearchQueryBytes) {
    return Status(Code::kInvalidArgument, "q must be at most 64 bytes");
  }
  if (limit < 1 || limit > kMaxSearchLimit) {
    return Status(Code::kInvalidArgument, "limit must be 1 to 100");
  }
  return store_.PublicGroups(actor, query, after, limit);
}

Result<std::vector<store::GroupInvite>> Groups::Invites(int64_t actor, int64_t group_id) {
  if (Status s = RequireAdminNow(actor, group_id); !s.ok()) return s;
  return store_.GroupInvites(group_id, NowMillis());
}

Status Groups::RevokeInvite(int64_t actor, int64_t group_id, const std::string& code) {
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireAdmin(); !s.ok()) return s;
        auto removed = txn.RemoveInvite(group_id, code);
        if (!removed.ok()) return removed.status();
        return *removed ? Status::Ok() : Status(Code::kNotFound, "no such invite");
      },
      change);
}

Status Groups::Ban(int64_t actor, int64_t group_id, int64_t user) {
  if (user == actor) return Status(Code::kInvalidArgument, "you cannot ban yourself");
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireAdmin(); !s.ok()) return s;
        auto target = task.Member(user);
        if (target.ok()) {
          if (!CanManage(task.me().role, target->role)) {
            return Status(Code::kForbidden, "you cannot ban this member");
          }
          GroupEvent event = MakeEvent("member_removed", actor);
          event.users = {user};
          if (auto seq = task.Event(event); !seq.ok()) return seq.status();
          cache.Forget(group_id);
          if (Status s = txn.RemoveMember(group_id, user); !s.ok()) return s;
          out.recipients = task.members();  // the banned member hears of it too
        } else if (target.status().code() != Code::kNotFound) {
          return target.status();
        }
        store::GroupBan ban{group_id, user, actor, NowMillis()};
        if (auto added = txn.AddBan(ban); !added.ok()) return added.status();
        Status answered = txn.RemoveJoinRequest(group_id, user);
        if (!answered.ok() && answered.code() != Code::kNotFound) return answered;
        return Status::Ok();
      },
      change);
}

Status Groups::Unban(int64_t actor, int64_t group_id, int64_t user) {
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireAdmin(); !s.ok()) return s;
        auto removed = txn.RemoveBan(group_id, user);
        if (!removed.ok()) return removed.status();
        return *removed ? Status::Ok() : Status(Code::kNotFound, "this user is not banned");
      },
      change);
}

Result<std::vector<store::GroupBan>> Groups::Bans(int64_t actor, int64_t group_id) {
  if (Status s = RequireAdminNow(actor, group_id); !s.ok()) return s;
  return store_.GroupBans(group_id);
}

}  // namespace parley::chat
