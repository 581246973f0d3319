#include "chat/groups/groups.h"

#include <utility>

#include "base/clock.h"
#include "chat/groups/group_task.h"
#include "chat/social/reach.h"

namespace parley::chat {

using group_task::MakeEvent;
using group_task::NoSuchGroup;
using group_task::Task;
using store::Role;

Result<int64_t> GroupOwner(store::Store& store, int64_t group_id) {
  constexpr int kPage = 1000;  // members read at once
  int64_t after = 0;
  for (;;) {
    auto members = store.GroupMembers(group_id, after, kPage);
    if (!members.ok()) return members.status();
    for (const store::Member& member : *members) {
      if (member.role == Role::kOwner) return member.user_id;
    }
    if (members->size() < static_cast<size_t>(kPage)) return NoSuchGroup();
    after = members->back().user_id;
  }
}

Groups::Groups(store::Store& store, EventSink& events, MessageWriter& writer, GroupsOptions options)
    : store_(store),
      events_(events),
      writer_(writer),
      options_(options),
      creations_(options.creations, kMaxLimitedUsers),
      adds_(options.adds, kMaxLimitedUsers) {}

void Groups::ShareLimits(SharedBuckets* shared) {
  creations_.Share(shared, "groups.creations");
  adds_.Share(shared, "groups.adds");
}

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
        for (events::GroupChanged& event : change.events) {
          events_.Publish(Audience{*change.recipients}, std::move(event));
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
        Task task(txn, cache, *id, actor, out.events);
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
        Task task(txn, cache, group_id, actor, out.events);
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
        Task task(txn, cache, group_id, actor, out.events);
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
        Task task(txn, cache, group_id, actor, out.events);
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
        Task task(txn, cache, group_id, actor, out.events);
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
        Task task(txn, cache, group_id, actor, out.events);
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
        Task task(txn, cache, group_id, actor, out.events);
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
        Task task(txn, cache, group_id, actor, out.events);
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

Status Groups::ModerateAsAdmin(int64_t admin, int64_t group_id, ServerAdminAction action) {
  Change change;
  return Commit(
      [&](store::WriteTxn& txn, ConversationCache& cache, Change& out) -> Status {
        Task task(txn, cache, group_id, admin, out.events);
        if (Status s = task.LoadForServerAdmin(); !s.ok()) return s;
        out.recipients = task.members();
        if (action == ServerAdminAction::kDeleteGroup) {
          if (auto seq = task.Event(MakeEvent("group_deleted", admin)); !seq.ok()) {
            return seq.status();
          }
          cache.Forget(group_id);
          return txn.DeleteGroup(group_id);
        }
        store::Group group = task.group();
        if (!group.is_public) return Status::Ok();
        GroupEvent event = MakeEvent("visibility_changed", admin);
        event.is_public = group.is_public = false;
        if (auto seq = task.Event(event); !seq.ok()) return seq.status();
        return txn.UpdateGroup(group);
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

}  // namespace parley::chat
