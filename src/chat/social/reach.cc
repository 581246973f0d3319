#include "chat/social/reach.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <vector>

namespace parley::chat {

Status CheckContact(store::WriteTxn& txn, const ReachOptions& options, Contact contact,
                    int64_t actor, int64_t other) {
  // Checked first: a user who does not exist has no blocks and no friends, and must not be
  // reported as a relationship refusal.
  if (auto user = txn.FindUser(other); !user.ok()) {
    if (user.status().code() == Code::kNotFound) {
      return Status(Code::kNotFound, "no such user: " + std::to_string(other));
    }
    return user.status();
  }
  auto blocked_by_other = txn.HasBlocked(other, actor);
  if (!blocked_by_other.ok()) return blocked_by_other.status();
  if (*blocked_by_other) return Status(Code::kBlocked, "this user has blocked you");
  auto blocked_other = txn.HasBlocked(actor, other);
  if (!blocked_other.ok()) return blocked_other.status();
  if (*blocked_other) return Status(Code::kForbidden, "you have blocked this user; unblock first");
  const bool needs_friendship =
      (contact == Contact::kDirect && options.direct_requires_friendship) ||
      (contact == Contact::kGroupAdd && options.group_adds_require_friendship);
  if (!needs_friendship) return Status::Ok();
  auto friends = txn.AreFriends(actor, other);
  if (!friends.ok()) return friends.status();
  if (*friends) return Status::Ok();
  return Status(Code::kForbidden, contact == Contact::kDirect
                                      ? "direct messages need friendship"
                                      : "you can add only your friends; share an invite code");
}

Result<MemberIds> LiveAudience(store::WriteTxn& txn, ConversationCache& cache,
                               const ReachOptions& options, int64_t sender,
                               int64_t conversation_id) {
  auto found = cache.Find(txn, conversation_id);
  if (!found.ok()) return found.status();
  CachedConversation& conversation = **found;
  if (conversation.FindMember(sender) == nullptr) {
    return Status(Code::kNotFound, "no such conversation");
  }
  auto only_sender = [sender] { return std::make_shared<const std::vector<int64_t>>(1, sender); };
  switch (conversation.kind) {
    case store::ConversationKind::kSystem:
      return MemberIds(only_sender());
    case store::ConversationKind::kDirect: {
      if (conversation.direct_allowed) return conversation.member_ids;
      int64_t other = 0;
      for (const store::Member& member : conversation.members) {
        if (member.user_id != sender) other = member.user_id;
      }
      Status allowed = CheckContact(txn, options, Contact::kDirect, sender, other);
      if (IsServerFailure(allowed.code())) return allowed;
      if (!allowed.ok()) return MemberIds(only_sender());
      conversation.direct_allowed = true;
      return conversation.member_ids;
    }
    case store::ConversationKind::kGroup:
      break;
  }
  const MemberIds members = conversation.member_ids;
  auto peers = cache.BlockPeers(txn, sender);
  if (!peers.ok()) return peers.status();
  if ((*peers)->empty()) return members;
  auto kept = std::make_shared<std::vector<int64_t>>();
  kept->reserve(members->size());
  // Both lists ascend: one merge pass.
  std::set_difference(members->begin(), members->end(), (*peers)->begin(), (*peers)->end(),
                      std::back_inserter(*kept));
  return MemberIds(std::move(kept));
}

}  // namespace parley::chat
