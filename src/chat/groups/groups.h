// Groups: the group domain (docs/protocol.md, "Groups"). Creating groups, membership, roles,
// mutes, names and topics, invitation links and join requests.
//
// Every change runs as ONE MessageWriter task: the rule checks, the change and the kEvent
// message that records it commit together, in the same seq stream as text messages. After the
// commit, each is published (events::GroupChanged) with every member as its audience (a removed
// or leaving member gets that event, then nothing more).
//
// Who may be put into a group (chat/social/reach.h, Contact::kGroupAdd): the creator or an admin
// adds only users who exist (kNotFound), have not blocked them (kBlocked), are not blocked by them
// (kForbidden) and, by default, are their friends (kForbidden); anyone else joins only by their
// own consent, with an invite code or an approved join request. A banned user gets in by no
// way at all (kForbidden) until unbanned. Creating groups and adding members are rate-limited
// per user (kRateLimited).
//
// Who may do what (each failure a typed Status):
// - non-members learn nothing: any call about a group they are not in is kNotFound;
// - owner and admins add and remove members, rename, set the topic and visibility, mute and
//   unmute, make, list and revoke invites, ban and unban, and answer join requests; admins
//   cannot remove, ban or mute the owner or other admins (kForbidden);
// - only the owner changes roles, transfers ownership and deletes the group (kForbidden);
// - a member may leave; the owner must transfer first unless they are the last member, in
//   which case leaving deletes the group;
// - a server admin, member or not, may make a group private or delete it (ModerateAsAdmin).
//
// Thread-safety: all methods are thread-safe and BLOCK (a change waits for its commit; reads
// hit the store): call them from worker threads, never from an I/O thread.
// Ownership: borrows everything given to the constructor; all must outlive it, and the writer
// must be stopped before the Groups is destroyed.
#ifndef PARLEY_CHAT_GROUPS_GROUPS_H_
#define PARLEY_CHAT_GROUPS_GROUPS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/rate_limiter.h"
#include "base/status.h"
#include "chat/fanout/event_sink.h"
#include "chat/groups/group_rules.h"
#include "chat/messaging/message_writer.h"
#include "store/store.h"

namespace parley::chat {

struct GroupsOptions {
  int64_t default_invite_ttl_ms = 7LL * 24 * 3600 * 1000;  // an invite link lives a week
  int64_t max_invite_ttl_ms = 30LL * 24 * 3600 * 1000;     // and at most 30 days
  int max_members_page = 1000;                             // members per info/members page
  int64_t max_invite_uses = 1'000'000;                     // the highest use limit of an invite
  RateLimit creations{20, 3600 * 1000};                    // groups one user creates: 20 an hour
  RateLimit adds{60, 3600 * 1000};  // add requests one user makes: 60 an hour
};

// A new invitation link; 0 means the default.
struct NewInvite {
  int64_t ttl_ms = 0;    // the default: GroupsOptions::default_invite_ttl_ms
  int64_t max_uses = 0;  // 0: any number of joins
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

// The owner of live group `group_id`, read from the store; kNotFound "no such group" if there
// is none. Blocking.
Result<int64_t> GroupOwner(store::Store& store, int64_t group_id);

class Groups {
 public:
  Groups(store::Store& store, EventSink& events, MessageWriter& writer, GroupsOptions options);

  // In a cluster: this service's rate limits hold across the nodes (base/rate_limiter.h,
  // Share). Called once while wiring, before requests are served; `shared` outlives the service.
  void ShareLimits(SharedBuckets* shared);

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

  // --- a server admin's moderation (account/admin_service.h: the caller checked the role) ---
  // The admin need not be a member. kMakePrivate takes the group out of the public directory
  // (a visibility_changed event); kDeleteGroup deletes it as its owner would (group_deleted).
  // Both events' actor is the admin. kNotFound "no such group" for a group that is not live.
  enum class ServerAdminAction { kMakePrivate, kDeleteGroup };
  Status ModerateAsAdmin(int64_t admin, int64_t group_id, ServerAdminAction action);

  // --- invites and join requests ---
  // No event (an invite is not a change of the group). kInvalidArgument for a ttl outside
  // 1 ms..max_invite_ttl_ms or a use limit outside 0..max_invite_uses.
  Result<store::GroupInvite> CreateInvite(int64_t actor, int64_t group_id, NewInvite invite);
  // The invites that still work, oldest first; owner and admins only.
  Result<std::vector<store::GroupInvite>> Invites(int64_t actor, int64_t group_id);
  // Revokes an invite of the group: the code stops working at once. kNotFound if none.
  Status RevokeInvite(int64_t actor, int64_t group_id, const std::string& code);
  // Joins the group of a live invite; returns the group. kNotFound for an unknown, expired or
  // used-up code, kForbidden when banned, kConflict if already a member.
  Result<store::Group> JoinByCode(int64_t actor, const std::string& code);
  // Asks to join a public group (kNotFound for private groups and unknown ids; kForbidden when
  // banned).
  Status RequestJoin(int64_t actor, int64_t group_id);
  Status AnswerJoinRequest(int64_t actor, int64_t group_id, int64_t user, bool approve);

  // --- bans ---
  // Bans `user` (a member or not; kNotFound if no such user): a member is removed (event
  // member_removed), a pending join request dropped. Owner and admins, within CanManage for a
  // member; banning oneself is kInvalidArgument. Banning twice is fine.
  Status Ban(int64_t actor, int64_t group_id, int64_t user);
  // kNotFound if `user` was not banned.
  Status Unban(int64_t actor, int64_t group_id, int64_t user);
  // Owner and admins only; oldest first.
  Result<std::vector<store::GroupBan>> Bans(int64_t actor, int64_t group_id);

  // --- reads ---
  // The group, the caller's membership and one page of members (user_id > after).
  Result<GroupInfo> Info(int64_t actor, int64_t group_id, int64_t after, int limit);
  // Pending join requests; owner and admins only.
  Result<std::vector<store::JoinRequest>> JoinRequests(int64_t actor, int64_t group_id);
  // The directory of public groups (anyone logged in; those the actor is banned from left
  // out): names or topics containing `query` (0 to 64 bytes; empty: all), id > after,
  // ascending, 1 to 100 of them (kInvalidArgument otherwise).
  Result<std::vector<store::PublicGroup>> Directory(int64_t actor, std::string_view query,
                                                    int64_t after, int limit);

  const GroupsOptions& options() const { return options_; }

 private:
  struct Change;
  using Apply = std::function<Status(store::WriteTxn&, ConversationCache&, Change&)>;
  // Runs `apply` as a writer task, waits for its commit, then publishes its events.
  Status Commit(const Apply& apply, Change& change);
  // kNotFound unless the actor is a member; kForbidden unless an owner or admin.
  Status RequireAdminNow(int64_t actor, int64_t group_id);

  store::Store& store_;
  EventSink& events_;
  MessageWriter& writer_;
  const GroupsOptions options_;
  RateLimiter creations_;  // keyed by user id
  RateLimiter adds_;       // keyed by user id
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_GROUPS_GROUPS_H_
