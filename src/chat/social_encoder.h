// SocialEncoder: turns social events (friend requests, friendships, profiles, presence,
// typing) into wire frames. The chat domain decides who receives what; proto/ decides the
// bytes. Implementations must be thread-safe (stateless is simplest): the message writer
// thread and worker threads call them.
#ifndef PARLEY_CHAT_SOCIAL_ENCODER_H_
#define PARLEY_CHAT_SOCIAL_ENCODER_H_

#include <cstdint>

#include "chat/peer.h"
#include "chat/presence.h"
#include "store/types.h"

namespace parley::chat {

struct PresenceInfo {
  PresenceStatus status = PresenceStatus::kOffline;
  int64_t last_seen_at = 0;  // when the user was last online (now while online); 0: never
};

// A friend as listed to a user: who, since when, and their presence.
struct Friend {
  store::Relation relation;
  PresenceInfo presence;
};

class SocialEncoder {
 public:
  virtual ~SocialEncoder() = default;
  // To the recipient of a new request; `from` is the sender's public profile.
  virtual SharedFrame FriendRequest(const store::FriendRequest& request,
                                    const store::User& from) = 0;
  // A request ended without a friendship (`declined`: by its recipient, else cancelled by its
  // sender or dropped by a block).
  virtual SharedFrame FriendRequestClosed(const store::FriendRequest& request, bool declined) = 0;
  // To each side of a new friendship, describing the other side.
  virtual SharedFrame FriendAdded(const Friend& added) = 0;
  // To each side of an ended friendship; `user_id` is the other side.
  virtual SharedFrame FriendRemoved(int64_t user_id) = 0;
  // A user's public profile changed.
  virtual SharedFrame Profile(const store::User& user) = 0;
  virtual SharedFrame Presence(int64_t user_id, const PresenceInfo& presence) = 0;
  virtual SharedFrame Typing(int64_t conversation_id, int64_t user_id) = 0;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_SOCIAL_ENCODER_H_
