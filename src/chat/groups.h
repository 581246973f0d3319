// Groups: the group domain (docs/protocol.md, "Groups"). Creating groups, membership, roles,
// mutes, names and topics, invitation links and join requests.
//
// Every change runs as ONE MessageWriter task: the rule checks, the change and the kEvent
// message that records it commit together, in the same seq stream as text messages. After the
// commit, each event is encoded once and delivered through the Hub to every member's online
// devices (a removed or leaving member gets that event, then nothing more).
//
// Who may do what (each failure a typed Status):
// - non-members learn nothing: any call about a group they are not in is kNotFound;
// - owner and admins add and remove members, rename, set the topic and visibility, mute and
//   unmute, make invites and answer join requests; admins cannot remove or mute the owner or
//   other admins (kForbidden);
// - only the owner changes roles, transfers ownership and deletes the group (kForbidden);
// - a member may leave; the owner must transfer first unless they are the last member, in
//   which case leaving deletes the group.
//
// Thread-safety: all methods are thread-safe and BLOCK (a change waits for its commit; reads
// hit the store): call them from worker threads, never from an I/O thread.
// Ownership: borrows everything given to the constructor; all must outlive it, and the writer
// must be stopped before the Groups is destroyed.
#ifndef PARLEY_CHAT_GROUPS_H_
#define PARLEY_CHAT_GROUPS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "chat/event_encoder.h"
#include "chat/group_rules.h"
#include "chat/hub.h"
#include "chat/message_writer.h"
#include "store/store.h"

namespace parley::chat {

struct GroupsOptions {
  int64_t default_invite_ttl_ms = 7LL * 24 * 3600 * 1000;  // an invite link lives a week
  int64_t max_invite_ttl_ms = 30LL * 24 * 3600 * 1000;     // and at most 30 days
  int max_members_page = 1000;                             // members per info/members page
};

struct NewGroup {
  std::string name;
  std::string topic;
  bool is_public = false;
  std::vector<int64_t> members;  // besides the creator, who becomes the owner
};

// A PATCH: only the fields present change.
struct GroupPatch {
  std::optional<std::string> name;
  std::optional<std::string> topic;
  std::optional<bool> is_public;
};

struct GroupInfo {
  store::Group group;
  store::Member self;
  std::vector<store::Member> members;  // one page, ascending user id
  bool has_more = false;               // more members after the last one
};

class Groups {
 public:
  Groups(store::Store& store, Hub& hub, MessageWriter& writer, EventEncoder& encoder,
         const GroupEventFormat& format, GroupsOptions options);

  // --- changes (each appends its event) ---
  Result<store::Group> Create(int64_t actor, NewGroup group);
  Status AddMembers(int64_t actor, int64_t group_id, std::vector<int64_t> users);
  // Removes `user`; when user == actor, the actor leaves.
  Status RemoveMember(int64_t actor, int64_t group_id, int64_t user);
  Status Update(int64_t actor, int64_t group_id, GroupPatch patch);
  // `role` is kAdmin or kMember (kInvalidArgument otherwise; ownership moves by Transfer).
  Status SetRole(int64_t actor, int64_t group_id, int64_t user, store::Role role);
  // The owner hands ownership to another member and becomes an admin.
  Status Transfer(int64_t actor, int64_t group_id, int64_t user);
  // Mutes `user` until `until` (Unix ms, in the future); until == 0 unmutes.
  Status Mute(int64_t actor, int64_t group_id, int64_t user, int64_t until);
  Status Delete(int64_t actor, int64_t group_id);

  // --- invites and join requests ---
  // ttl_ms 0: the default. No event (an invite is not a change of the group).
  Result<store::GroupInvite> CreateInvite(int64_t actor, int64_t group_id, int64_t ttl_ms);
  // Joins the group of a live invite; returns the group. kNotFound for an unknown or expired
  // code, kConflict if already a member.
  Result<store::Group> JoinByCode(int64_t actor, const std::string& code);
  // Asks to join a public group (kNotFound for private groups and unknown ids).
  Status RequestJoin(int64_t actor, int64_t group_id);
  Status AnswerJoinRequest(int64_t actor, int64_t group_id, int64_t user, bool approve);

  // --- reads ---
  // The group, the caller's membership and one page of members (user_id > after).
  Result<GroupInfo> Info(int64_t actor, int64_t group_id, int64_t after, int limit);
  // Pending join requests; owner and admins only.
  Result<std::vector<store::JoinRequest>> JoinRequests(int64_t actor, int64_t group_id);

  const GroupsOptions& options() const { return options_; }

 private:
  struct Change;
  using Apply = std::function<Status(store::WriteTxn&, ConversationCache&, Change&)>;
  // Runs `apply` as a writer task, waits for its commit, then delivers its events.
  Status Commit(const Apply& apply, Change& change);

  store::Store& store_;
  Hub& hub_;
  MessageWriter& writer_;
  EventEncoder& encoder_;
  const GroupEventFormat& format_;
  const GroupsOptions options_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_GROUPS_H_
