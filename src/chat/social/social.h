// Social: the social graph of the chat domain — user search, friend requests, friendships,
// blocks, profiles, presence and typing — publishing each change as a typed event
// (chat/fanout/events.h) to the users it concerns.
//
// Every write (requests, friendships, blocks, profiles, last-seen times) runs as a
// MessageWriter task, so it serializes with message sends and clears the writer's
// ConversationCache when it changes who may message whom. Its events are published from the
// task's completion, in commit order.
//
// Thread-safety: all methods are thread-safe. Reads and writes block (writes wait for their
// commit): call them from worker threads, never an I/O thread. The presence methods
// (Device*) never block. Ownership: borrows everything given to the constructor; all must
// outlive it, and the writer must be stopped before it is destroyed.
#ifndef PARLEY_CHAT_SOCIAL_SOCIAL_H_
#define PARLEY_CHAT_SOCIAL_SOCIAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/rate_limiter.h"
#include "base/status.h"
#include "chat/fanout/event_sink.h"
#include "chat/fanout/presence.h"
#include "chat/messaging/message_writer.h"
#include "store/store.h"

namespace parley::chat {

// The answer to a friend request: pending, or friends at once (the other side had asked too).
struct RequestOutcome {
  bool became_friends = false;
  store::FriendRequest request;  // when pending
  Friend added;                  // when friends: the other user
};

struct SocialOptions {
  // Friend requests one user may send: 50 an hour. Every request counts, refused or not.
  RateLimit friend_requests{50, 3600 * 1000};
};

class Social {
 public:
  Social(store::Store& store, EventSink& events, MessageWriter& writer,
         const SocialOptions& options = {});

  // In a cluster: this service's rate limits hold across the nodes (base/rate_limiter.h,
  // Share). Called once while wiring, before requests are served; `shared` outlives the service.
  void ShareLimits(SharedBuckets* shared);

  // --- reads (blocking) ---
  // Search by username or display name (substring, ASCII case-insensitive), ascending id after
  // `after_id`. kInvalidArgument for an empty or longer than 64-byte query or a limit outside
  // 1..100.
  Result<std::vector<store::User>> Search(std::string_view query, int64_t after_id, int limit);
  // A user's public profile (password hash cleared); kNotFound "no such user".
  Result<store::User> Profile(int64_t user_id);
  Result<std::vector<Friend>> Friends(int64_t user_id);
  Result<store::FriendRequests> Requests(int64_t user_id);
  Result<std::vector<store::Relation>> Blocks(int64_t user_id);

  // --- writes (blocking until committed) ---
  // kInvalidArgument to oneself; kTooLarge/kInvalidArgument for the note (social_rules.h);
  // kNotFound unknown user; kBlocked if `to` blocked `me`; kForbidden if `me` blocked `to`;
  // kConflict if already friends or already asked; kRateLimited past
  // SocialOptions::friend_requests. If `to` had asked `me`, they become friends.
  Result<RequestOutcome> SendRequest(int64_t me, int64_t to, std::string note);
  // The request from `from` to `me`; kNotFound if there is none.
  Result<Friend> Accept(int64_t me, int64_t from);
  Status Decline(int64_t me, int64_t from);
  // My request to `to`; kNotFound if there is none.
  Status Cancel(int64_t me, int64_t to);
  // kNotFound if not friends.
  Status RemoveFriend(int64_t me, int64_t other);
  // Ends any friendship and pending requests between the two; blocking twice is fine.
  // kInvalidArgument for oneself; kNotFound unknown user.
  Status Block(int64_t me, int64_t other);
  // kNotFound if `me` had not blocked `other`.
  Status Unblock(int64_t me, int64_t other);
  // Validates (social_rules.h) and applies; the new public profile reaches the user's friends
  // and the user's own devices. Returns the whole updated user (hash cleared). A non-empty
  // avatar must be the id of an image the user uploaded (kNotFound, kUnsupportedMedia); it
  // becomes public (media_rules.h).
  Result<store::User> UpdateProfile(int64_t me, const store::ProfileUpdate& update);

  // --- presence (never blocks) and typing ---
  void DeviceConnected(int64_t user_id) { presence_.DeviceConnected(user_id); }
  void DeviceDisconnected(int64_t user_id, bool was_away) {
    presence_.DeviceDisconnected(user_id, was_away);
  }
  void DeviceAway(int64_t user_id, bool away) { presence_.DeviceAway(user_id, away); }
  // Publishes Typing to the devices of the conversation's other members that the
  // relationship rules let it reach (chat/social/reach.h: no one with a block either way; in a
  // direct conversation, only while the two may message). Blocking (a writer task that writes
  // nothing); kNotFound unless `me` is a member.
  Status Typing(int64_t me, int64_t conversation_id);

  // The user's presence (last seen: now while online). Thread-safe, no I/O.
  PresenceInfo PresenceOf(const store::User& user) const;
  // The tracker behind the presence methods, for a cluster to join (cluster/cluster_node.h).
  PresenceTracker& presence_tracker() { return presence_; }

 private:
  // Runs `apply` as a writer task and waits for its commit; `deliver` then runs (on the writer
  // thread, in commit order) only if it committed.
  Status Commit(MessageWriter::TaskApply apply, std::function<void()> deliver);
  void PublishPresence(int64_t user_id, PresenceStatus status);
  Friend FriendOf(store::User user, int64_t since) const;
  // Publishes an ended friendship to both sides.
  void PublishRemoved(int64_t user_a, int64_t user_b);
  // Publishes `event` to one user's devices.
  void PublishTo(int64_t user_id, Event event);

  store::Store& store_;
  EventSink& events_;
  MessageWriter& writer_;
  RateLimiter friend_requests_;  // keyed by user id
  PresenceTracker presence_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_SOCIAL_SOCIAL_H_
