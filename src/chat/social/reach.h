// Reach: the one place that decides whether something one user does may reach another user
// (docs/security.md, "Relationship rules and groups"). Every rule between two users goes
// through here: direct messages and operations on them, putting someone into a group, and the
// live frames a user causes (typing, receipts).
//
// - kDirect (a direct message or op): kNotFound when the other user does not exist, kBlocked
//   when they blocked the actor, kForbidden when the actor blocked them or, if
//   direct_requires_friendship, when the two are not friends.
// - kGroupAdd (creating a group with someone, adding them): the same, with
//   group_adds_require_friendship. Someone who is not a friend joins only by their own consent
//   (an invite code, a join request), never because an admin listed them.
// - kRequest (a friend request): the block rules only.
// - Live frames of a conversation (LiveAudience): in a direct conversation the other member
//   gets them only while kDirect passes; in a group, members with a block either way with the
//   sender get none; the sender's own devices always do. Group messages, events and ops are
//   not filtered: every member sees the group's one dense seq stream.
//
// Runs on the writer thread inside its transaction (reads through the WriteTxn and the
// ConversationCache, whose block peers and direct_allowed flags social tasks clear), so a
// check cannot race the block or unfriending that would change it. Pure otherwise; no state.
#ifndef PARLEY_CHAT_SOCIAL_REACH_H_
#define PARLEY_CHAT_SOCIAL_REACH_H_

#include <cstdint>

#include "base/status.h"
#include "chat/messaging/conversation_cache.h"
#include "store/store.h"

namespace parley::chat {

struct ReachOptions {
  bool direct_requires_friendship = true;     // direct messages only between friends
  bool group_adds_require_friendship = true;  // admins add only their friends to groups
};

enum class Contact {
  kDirect,    // a direct message or an operation in a direct conversation
  kGroupAdd,  // putting the other user into a group (create, add)
  kRequest,   // a friend request: blocks apply, friendship is what it asks for
};

// Whether `actor` may reach `other` this way (errors as above).
Status CheckContact(store::WriteTxn& txn, const ReachOptions& options, Contact contact,
                    int64_t actor, int64_t other);

// Who receives `sender`'s live frames in conversation `conversation_id` (the sender included;
// callers drop them where their own devices need nothing). kNotFound "no such conversation"
// unless the sender is a member. A direct conversation found allowed is marked so in the cache.
Result<MemberIds> LiveAudience(store::WriteTxn& txn, ConversationCache& cache,
                               const ReachOptions& options, int64_t sender,
                               int64_t conversation_id);

}  // namespace parley::chat

#endif  // PARLEY_CHAT_SOCIAL_REACH_H_
