#include "chat/groups.h"

#include <utility>

#include "auth/random_hex.h"
#include "base/clock.h"
#include "chat/reach.h"

namespace parley::chat {

using store::Role;

// What a task did, for delivery after its commit: the events it appended, who receives them.
struct Groups::Change {
  std::vector<store::Message> events;
  MemberIds recipients;
  store::Group group;
  store::GroupInvite invite;
};

namespace {

constexpr size_t kEventIdRandomBytes = 16;
constexpr size_t kInviteCodeRandomBytes = 16;
constexpr size_t kMaxLimitedUsers = 100'000;  // users the rate limiters remember at once

Status Banned(int64_t user) {
  return Status(Code::kForbidden, "user " + std::to_string(user) + " is banned from this group");
}

Status NoSuchGroup() { return Status(Code::kNotFound, "no such group"); }

// The rules' view of one group inside a task: the caller's membership and the helpers every
// change uses. Copies what it needs from the cache, which a change invalidates.
class Task {
 public:
  Task(store::WriteTxn& txn, ConversationCache& cache, const GroupEventFormat& format,
       int64_t group_id, int64_t actor, std::vector<store::Message>& events)
      : txn_(txn), cache_(cache), format_(format), id_(group_id), actor_(actor), events_(events) {}

  // Loads the group; kNotFound unless it is live and the actor is a member.
  Status Load() {
    auto group = txn_.FindGroup(id_);
    if (!group.ok())
      return group.status().code() == Code::kNotFound ? NoSuchGroup() : group.status();
    group_ = std::move(*group);
    auto conversation = cache_.Find(txn_, id_);
    if (!conversation.ok()) return conversation.status();
    const store::Member* me = (*conversation)->FindMember(actor_);
    if (me == nullptr) return NoSuchGroup();
    me_ = *me;
    members_ = (*conversation)->member_ids;
    return Status::Ok();
  }

  Status RequireAdmin() const {
    if (IsAdminOrOwner(me_.role)) return Status::Ok();
    return Status(Code::kForbidden, "only the owner and admins may do this");
  }
  Status RequireOwner() const {
    if (me_.role == Role::kOwner) return Status::Ok();
    return Status(Code::kForbidden, "only the owner may do this");
  }

  // A member other than the caller; kNotFound "no such member".
  Result<store::Member> Member(int64_t user) {
    auto conversation = cache_.Find(txn_, id_);
    if (!conversation.ok()) return conversation.status();
    const store::Member* member = (*conversation)->FindMember(user);
    if (member == nullptr) return Status(Code::kNotFound, "no such member");
    return *member;
  }

  // Appends `event` to the group's stream; returns its seq.
  Result<int64_t> Event(const GroupEvent& event) {
    store::Message message;
    message.conversation_id = id_;
    message.sender_id = actor_;
    message.client_id = "event:" + auth::RandomHex(kEventIdRandomBytes);
    message.text = format_.Text(event);
    message.created_at = NowMillis();
    message.kind = store::MessageKind::kEvent;
    auto stored = txn_.Append(std::move(message));
    if (!stored.ok()) return stored.status();
    // The actor has seen their own change (when they are, or still are, a member).
    auto cursor = txn_.AdvanceCursors(id_, actor_, stored->seq, stored->seq);
    if (!cursor.ok() && cursor.status().code() != Code::kNotFound) return cursor.status();
    events_.push_back(*stored);
    return stored->seq;
  }

  // The members after a change (the cache forgets the old ones).
  Result<MemberIds> Refresh() {
    cache_.Forget(id_);
    auto conversation = cache_.Find(txn_, id_);
    if (!conversation.ok()) return conversation.status();
    return (*conversation)->member_ids;
  }

  // Whether `user` is banned here.
  Result<bool> IsBanned(int64_t user) { return txn_.IsBanned(id_, user); }

  // Adds the users (none of them banned: kForbidden), answering their pending join requests.
  Status Add(const std::vector<int64_t>& users, int64_t first_seq) {
    for (int64_t user : users) {
      auto banned = IsBanned(user);
      if (!banned.ok()) return banned.status();
      if (*banned) return Banned(user);
      store::Member member;
      member.user_id = user;
      member.first_seq = first_seq;
      if (Status s = txn_.AddMember(id_, member, NowMillis()); !s.ok()) {
        if (s.code() == Code::kConflict) {
          return Status(Code::kConflict, "user " + std::to_string(user) + " is already a member");
        }
        if (s.code() == Code::kNotFound) {
          return Status(Code::kNotFound, "no such user: " + std::to_string(user));
        }
        return s;
      }
      // A pending request is answered by the join, however it happened.
      Status answered = txn_.RemoveJoinRequest(id_, user);
      if (!answered.ok() && answered.code() != Code::kNotFound) return answered;
    }
    cache_.Forget(id_);
    return Status::Ok();
  }

  store::WriteTxn& txn() { return txn_; }
  ConversationCache& cache() { return cache_; }
  const store::Group& group() const { return group_; }
  const store::Member& me() const { return me_; }
  const MemberIds& members() const { return members_; }  // as loaded, before any change
  int64_t actor() const { return actor_; }
  int64_t id() const { return id_; }

 private:
  store::WriteTxn& txn_;
  ConversationCache& cache_;
  const GroupEventFormat& format_;
  const int64_t id_;
  const int64_t actor_;
  std::vector<store::Message>& events_;
  store::Group group_;
  store::Member me_;
  MemberIds members_;
};

GroupEvent MakeEvent(std::string type, int64_t actor) {
  GroupEvent event;
  event.type = std::move(type);
  event.actor = actor;
  return event;
}

}  // namespace

Groups::Groups(store::Store& store, Hub& hub, MessageWriter& writer, EventEncoder& encoder,
               const GroupEventFormat& format, GroupsOptions options)
    : store_(store),
      hub_(hub),
      writer_(writer),
      encoder_(encoder),
      format_(format),
      options_(options),
      creations_(options.creations, kMaxLimitedUsers),
      adds_(options.adds, kMaxLimitedUsers) {}

Status Groups::RequireAdminNow(int64_t actor, int64_t group_id) {
  auto member = store_.FindMember(group_id, actor);
  if (!member.ok()) return member.status();
  if (!member->has_value()) return NoSuchGroup();
  if (!IsAdminOrOwner((*member)->role)) {
    return Status(Code::kForbidden, "only the owner and admins may do this");
  }
  return Status::Ok();
}

Status Groups::Commit(const Apply& apply, Change& change) {
  return writer_.Run(
      [&](store::WriteTxn& txn, ConversationCache& cache) {
        change.events.clear();
        return apply(txn, cache, change);
      },
      [&] {
        if (!change.recipients) return;
        for (const store::Message& event : change.events) {
          hub_.Deliver(*change.recipients, encoder_.Message(event));
        }
      });
}

Result<store::Group> Groups::Create(int64_t actor, NewGroup request) {
  auto name = NormalizeGroupName(request.name);
  if (!name.ok()) return name.status();
  if (Status s = ValidateGroupTopic(request.topic); !s.ok()) return s;
  if (!request.members.empty()) {
    if (Status s = ValidateUserList(request.members); !s.ok()) return s;
  }
  for (int64_t user : request.members) {
    if (user == actor) return Status(Code::kConflict, "the creator is a member already");
  }
  if (!creations_.Allow(std::to_string(actor), NowMillis())) {
    return Status(Code::kRateLimited, "too many groups created; retry later");
  }
  const ReachOptions reach = writer_.reach();
  Change change;
  Status status = Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        store::Group group;
        group.name = *name;
        group.topic = request.topic;
        group.is_public = request.is_public;
        group.created_at = NowMillis();
        auto id = txn.CreateGroup(group);
        if (!id.ok()) return id.status();
        store::Member owner;
        owner.user_id = actor;
        owner.role = Role::kOwner;
        if (Status s = txn.AddMember(*id, owner, group.created_at); !s.ok()) return s;
        for (int64_t user : request.members) {
          if (Status s = CheckContact(txn, reach, Contact::kGroupAdd, actor, user); !s.ok()) {
            return s;
          }
        }
        Task task(txn, cache, format_, *id, actor, out.events);
        if (Status s = task.Add(request.members, 1); !s.ok()) return s;
        GroupEvent event = MakeEvent("group_created", actor);
        event.name = group.name;
        event.users = request.members;
        if (auto seq = task.Event(event); !seq.ok()) return seq.status();
        auto members = task.Refresh();
        if (!members.ok()) return members.status();
        out.recipients = *members;
        auto created = txn.FindGroup(*id);
        if (!created.ok()) return created.status();
        out.group = std::move(*created);
        return Status::Ok();
      },
      change);
  if (!status.ok()) return status;
  return change.group;
}

Status Groups::AddMembers(int64_t actor, int64_t group_id, std::vector<int64_t> users) {
  if (Status s = ValidateUserList(users); !s.ok()) return s;
  if (!adds_.Allow(std::to_string(actor), NowMillis())) {
    return Status(Code::kRateLimited, "too many members added; retry later");
  }
  const ReachOptions reach = writer_.reach();
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, format_, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireAdmin(); !s.ok()) return s;
        for (int64_t user : users) {
          if (Status s = CheckContact(txn, reach, Contact::kGroupAdd, actor, user); !s.ok()) {
            return s;
          }
        }
        GroupEvent event = MakeEvent("member_added", actor);
        event.users = users;
        auto seq = task.Event(event);
        if (!seq.ok()) return seq.status();
        if (Status s = task.Add(users, *seq); !s.ok()) return s;
        auto members = task.Refresh();
        if (!members.ok()) return members.status();
        out.recipients = *members;
        return Status::Ok();
      },
      change);
}

Status Groups::RemoveMember(int64_t actor, int64_t group_id, int64_t user) {
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, format_, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        // Everyone who was a member hears of it, the one leaving or removed included.
        out.recipients = task.members();
        if (user == actor) {
          if (task.me().role == Role::kOwner) {
            if (task.members()->size() > 1) {
              return Status(Code::kForbidden, "the owner must transfer ownership before leaving");
            }
            if (auto seq = task.Event(MakeEvent("group_deleted", actor)); !seq.ok()) {
              return seq.status();
            }
            cache.Forget(group_id);
            return txn.DeleteGroup(group_id);
          }
          if (auto seq = task.Event(MakeEvent("member_left", actor)); !seq.ok()) {
            return seq.status();
          }
        } else {
          if (Status s = task.RequireAdmin(); !s.ok()) return s;
          auto target = task.Member(user);
          if (!target.ok()) return target.status();
          if (!CanManage(task.me().role, target->role)) {
            return Status(Code::kForbidden, target->role == Role::kOwner
                                                ? "the owner cannot be removed"
                                                : "only the owner removes admins");
          }
          GroupEvent event = MakeEvent("member_removed", actor);
          event.users = {user};
          if (auto seq = task.Event(event); !seq.ok()) return seq.status();
        }
        cache.Forget(group_id);
        return txn.RemoveMember(group_id, user);
      },
      change);
}

Status Groups::Update(int64_t actor, int64_t group_id, GroupPatch patch) {
  if (patch.name) {
    auto name = NormalizeGroupName(*patch.name);
    if (!name.ok()) return name.status();
    patch.name = std::move(*name);
  }
  if (patch.topic) {
    if (Status s = ValidateGroupTopic(*patch.topic); !s.ok()) return s;
  }
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, format_, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireAdmin(); !s.ok()) return s;
        store::Group group = task.group();
        if (patch.name && *patch.name != group.name) {
          GroupEvent event = MakeEvent("renamed", actor);
          event.name = group.name = *patch.name;
          if (auto seq = task.Event(event); !seq.ok()) return seq.status();
        }
        if (patch.topic && *patch.topic != group.topic) {
          GroupEvent event = MakeEvent("topic_changed", actor);
          event.topic = group.topic = *patch.topic;
          if (auto seq = task.Event(event); !seq.ok()) return seq.status();
        }
        if (patch.is_public && *patch.is_public != group.is_public) {
          GroupEvent event = MakeEvent("visibility_changed", actor);
          event.is_public = group.is_public = *patch.is_public;
          if (auto seq = task.Event(event); !seq.ok()) return seq.status();
        }
        out.recipients = task.members();
        if (out.events.empty()) return Status::Ok();
        return txn.UpdateGroup(group);
      },
      change);
}

Status Groups::SetRole(int64_t actor, int64_t group_id, int64_t user, Role role) {
  if (role == Role::kOwner) {
    return Status(Code::kInvalidArgument, "role must be admin or member (use transfer)");
  }
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, format_, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireOwner(); !s.ok()) return s;
        auto target = task.Member(user);
        if (!target.ok()) return target.status();
        if (target->role == Role::kOwner) {
          return Status(Code::kInvalidArgument, "the owner's role changes only by transfer");
        }
        out.recipients = task.members();
        if (target->role == role) return Status::Ok();
        GroupEvent event = MakeEvent("role_changed", actor);
        event.user = user;
        event.role = std::string(RoleName(role));
        if (auto seq = task.Event(event); !seq.ok()) return seq.status();
        target->role = role;
        cache.Forget(group_id);
        return txn.UpdateMember(group_id, *target);
      },
      change);
}

Status Groups::Transfer(int64_t actor, int64_t group_id, int64_t user) {
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, format_, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireOwner(); !s.ok()) return s;
        if (user == actor) return Status(Code::kInvalidArgument, "you own this group already");
        auto target = task.Member(user);
        if (!target.ok()) return target.status();
        GroupEvent event = MakeEvent("ownership_transferred", actor);
        event.user = user;
        if (auto seq = task.Event(event); !seq.ok()) return seq.status();
        store::Member old_owner = task.me();
        old_owner.role = Role::kAdmin;
        target->role = Role::kOwner;
        target->muted_until = 0;
        cache.Forget(group_id);
        if (Status s = txn.UpdateMember(group_id, old_owner); !s.ok()) return s;
        out.recipients = task.members();
        return txn.UpdateMember(group_id, *target);
      },
      change);
}

Status Groups::Mute(int64_t actor, int64_t group_id, int64_t user, int64_t until) {
  if (until != 0 && until <= NowMillis()) {
    return Status(Code::kInvalidArgument, "until must be in the future (0 unmutes)");
  }
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, format_, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireAdmin(); !s.ok()) return s;
        auto target = task.Member(user);
        if (!target.ok()) return target.status();
        if (!CanManage(task.me().role, target->role)) {
          return Status(Code::kForbidden, "you cannot mute this member");
        }
        GroupEvent event = MakeEvent(until == 0 ? "unmuted" : "muted", actor);
        event.user = user;
        if (until != 0) event.until = until;
        if (auto seq = task.Event(event); !seq.ok()) return seq.status();
        target->muted_until = until;
        cache.Forget(group_id);
        out.recipients = task.members();
        return txn.UpdateMember(group_id, *target);
      },
      change);
}

Status Groups::Delete(int64_t actor, int64_t group_id) {
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, format_, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireOwner(); !s.ok()) return s;
        if (auto seq = task.Event(MakeEvent("group_deleted", actor)); !seq.ok()) {
          return seq.status();
        }
        out.recipients = task.members();
        cache.Forget(group_id);
        return txn.DeleteGroup(group_id);
      },
      change);
}

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
        Task task(txn, cache, format_, group_id, actor, out.events);
        if (Status s = task.Load(); !s.ok()) return s;
        if (Status s = task.RequireAdmin(); !s.ok()) return s;
        store::GroupInvite invite;
        invite.code = auth::RandomHex(kInviteCodeRandomBytes);
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
        Task task(txn, cache, format_, group->id, actor, out.events);
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
        Task task(txn, cache, format_, group_id, actor, out.events);
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

Result<GroupInfo> Groups::Info(int64_t actor, int64_t group_id, int64_t after, int limit) {
  if (limit < 1 || limit > options_.max_members_page) {
    return Status(Code::kInvalidArgument,
                  "limit must be 1 to " + std::to_string(options_.max_members_page));
  }
  auto member = store_.FindMember(group_id, actor);
  if (!member.ok()) return member.status();
  if (!member->has_value()) return NoSuchGroup();
  auto group = store_.FindGroup(group_id);
  if (!group.ok()) return group.status();
  auto members = store_.GroupMembers(group_id, after, limit + 1);
  if (!members.ok()) return members.status();
  GroupInfo info{std::move(*group), **member, std::move(*members), false};
  info.has_more = info.members.size() > static_cast<size_t>(limit);
  if (info.has_more) info.members.pop_back();
  return info;
}

Result<std::vector<store::JoinRequest>> Groups::JoinRequests(int64_t actor, int64_t group_id) {
  if (Status s = RequireAdminNow(actor, group_id); !s.ok()) return s;
  return store_.JoinRequests(group_id);
}

Result<std::vector<store::GroupInvite>> Groups::Invites(int64_t actor, int64_t group_id) {
  if (Status s = RequireAdminNow(actor, group_id); !s.ok()) return s;
  return store_.GroupInvites(group_id, NowMillis());
}

Status Groups::RevokeInvite(int64_t actor, int64_t group_id, const std::string& code) {
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, format_, group_id, actor, out.events);
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
        Task task(txn, cache, format_, group_id, actor, out.events);
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
        Task task(txn, cache, format_, group_id, actor, out.events);
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
