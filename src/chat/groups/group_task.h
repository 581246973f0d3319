// Internal to chat/groups*.cc: what a group task records for delivery (Groups::Change) and
// the rules' view of one group inside a writer task (group_task::Task), shared by the changes
// of membership and settings (groups.cc) and the ways in and out (groups_access.cc).
// Used only on the writer thread, inside a task; not part of the chat module's interface.
#ifndef PARLEY_CHAT_GROUPS_GROUP_TASK_H_
#define PARLEY_CHAT_GROUPS_GROUP_TASK_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/random_hex.h"
#include "chat/groups/group_event_text.h"
#include "chat/groups/groups.h"

namespace parley::chat {

// What a task did, for publishing after its commit: the events it appended, who is told.
struct Groups::Change {
  std::vector<chat::events::GroupChanged> events;
  MemberIds recipients;
  store::Group group;
  store::GroupInvite invite;
};

namespace group_task {

using store::Role;

inline constexpr size_t kEventIdRandomBytes = 16;
inline constexpr size_t kInviteCodeRandomBytes = 16;

inline Status Banned(int64_t user) {
  return Status(Code::kForbidden, "user " + std::to_string(user) + " is banned from this group");
}

inline Status NoSuchGroup() { return Status(Code::kNotFound, "no such group"); }

// The rules' view of one group inside a task: the caller's membership and the helpers every
// change uses. Copies what it needs from the cache, which a change invalidates.
class Task {
 public:
  Task(store::WriteTxn& txn, ConversationCache& cache, int64_t group_id, int64_t actor,
       std::vector<events::GroupChanged>& events)
      : txn_(txn), cache_(cache), id_(group_id), actor_(actor), events_(events) {}

  // Loads the group; kNotFound unless it is live and the actor is a member.
  Status Load() {
    auto conversation = LoadGroup();
    if (!conversation.ok()) return conversation.status();
    const store::Member* me = (*conversation)->FindMember(actor_);
    if (me == nullptr) return NoSuchGroup();
    me_ = *me;
    return Status::Ok();
  }

  // Loads the group for a server admin, who need not be a member (Groups::ModerateAsAdmin);
  // kNotFound unless it is live.
  Status LoadForServerAdmin() { return LoadGroup().status(); }

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
    message.client_id = "event:" + RandomHex(kEventIdRandomBytes);
    message.text = GroupEventText(event);
    message.created_at = NowMillis();
    message.kind = store::MessageKind::kEvent;
    auto stored = txn_.Append(std::move(message));
    if (!stored.ok()) return stored.status();
    // The actor has seen their own change (when they are, or still are, a member).
    if (Status s = txn_.SenderRead(id_, actor_, stored->seq); !s.ok()) return s;
    const int64_t seq = stored->seq;
    events_.push_back(events::GroupChanged{std::move(*stored), event});
    return seq;
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
  // Loads the group and its members; kNotFound unless it is live. The conversation, for the
  // caller's checks.
  Result<CachedConversation*> LoadGroup() {
    auto group = txn_.FindGroup(id_);
    if (!group.ok())
      return group.status().code() == Code::kNotFound ? NoSuchGroup() : group.status();
    group_ = std::move(*group);
    auto conversation = cache_.Find(txn_, id_);
    if (!conversation.ok()) return conversation.status();
    members_ = (*conversation)->member_ids;
    return conversation;
  }

  store::WriteTxn& txn_;
  ConversationCache& cache_;
  const int64_t id_;
  const int64_t actor_;
  std::vector<events::GroupChanged>& events_;
  store::Group group_;
  store::Member me_;
  MemberIds members_;
};

inline GroupEvent MakeEvent(std::string type, int64_t actor) {
  GroupEvent event;
  event.type = std::move(type);
  event.actor = actor;
  return event;
}

}  // namespace group_task
}  // namespace parley::chat

#endif  // PARLEY_CHAT_GROUPS_GROUP_TASK_H_
