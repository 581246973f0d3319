// The typed events the chat domain publishes (chat/fanout/event_sink.h): one plain struct per kind
// of thing that happened, in domain terms. Which bytes they become is a front door's business
// (chat/fanout/frame_encoder.h; proto/json_frames.h for the JSON WebSocket protocol).
//
// Plain values: copyable, movable, no behaviour. An event owns everything it carries, so a sink
// may keep or queue it.
#ifndef PARLEY_CHAT_FANOUT_EVENTS_H_
#define PARLEY_CHAT_FANOUT_EVENTS_H_

#include <cstdint>
#include <string>
#include <variant>

#include "base/status.h"
#include "chat/fanout/presence.h"
#include "chat/groups/group_rules.h"
#include "store/types.h"

namespace parley::chat {

// A friend as listed to a user: who, since when, and their presence.
struct Friend {
  store::Relation relation;
  PresenceInfo presence;
  friend bool operator==(const Friend&, const Friend&) = default;
};

namespace events {

// --- messaging ---

// A message (text, media or an op: edit, delete, reaction) was committed with its seq.
struct MessageCommitted {
  store::Message message;
  // In a direct conversation, the member who is not the sender; 0 in a group or not known.
  // Lets an encoder route a direct message without looking the conversation up (xmpp_frames.h).
  int64_t direct_recipient_id = 0;
  friend bool operator==(const MessageCommitted&, const MessageCommitted&) = default;
};

// The sender's answer to a send that was durably stored (or found stored: `duplicate`).
// changed == false: a reaction that already was as asked (nothing stored; message.seq is the
// target's).
// What an ack names of the stored message: never its text or media, so acking a send copies
// no content (the content goes out once, in MessageCommitted).
struct AckedMessage {
  AckedMessage() = default;
  AckedMessage(const store::Message& m)  // NOLINT: implicit, an ack of that message
      : client_id(m.client_id),
        conversation_id(m.conversation_id),
        seq(m.seq),
        created_at(m.created_at),
        kind(m.kind) {}
  std::string client_id;
  int64_t conversation_id = 0;
  int64_t seq = 0;
  int64_t created_at = 0;
  store::MessageKind kind = store::MessageKind::kText;
  friend bool operator==(const AckedMessage&, const AckedMessage&) = default;
};

struct Acked {
  AckedMessage message;
  bool duplicate = false;
  bool changed = true;
  friend bool operator==(const Acked&, const Acked&) = default;
};

// A member's delivery/read cursors moved.
struct ReceiptMoved {
  int64_t conversation_id = 0;
  store::Member member;
  friend bool operator==(const ReceiptMoved&, const ReceiptMoved&) = default;
};

// A device's request failed: `id` is the client message id it carried, `req` its request tag
// (either may be empty).
struct RequestFailed {
  Status status;
  std::string id;
  std::string req;
  friend bool operator==(const RequestFailed&, const RequestFailed&) = default;
};

// --- groups and notices ---

// A group changed: `change` says how; `message` is the kEvent message that records it in the
// group's seq stream.
struct GroupChanged {
  store::Message message;
  GroupEvent change;
  friend bool operator==(const GroupChanged&, const GroupChanged&) = default;
};

// A server admin's notice, committed in its recipient's system conversation.
struct NoticePosted {
  store::Message message;
  friend bool operator==(const NoticePosted&, const NoticePosted&) = default;
};

// --- the social graph ---

// A new friend request; `from` is its sender's public profile.
struct FriendRequested {
  store::FriendRequest request;
  store::User from;
  friend bool operator==(const FriendRequested&, const FriendRequested&) = default;
};

// A request ended without a friendship (`declined`: by its recipient, else cancelled by its
// sender or dropped by a block).
struct FriendRequestClosed {
  store::FriendRequest request;
  bool declined = false;
  friend bool operator==(const FriendRequestClosed&, const FriendRequestClosed&) = default;
};

// A new friendship, as seen by one side: `added` is the other side.
struct FriendAdded {
  Friend added;
  friend bool operator==(const FriendAdded&, const FriendAdded&) = default;
};

// An ended friendship, as seen by one side: `user_id` is the other side.
struct FriendRemoved {
  int64_t user_id = 0;
  friend bool operator==(const FriendRemoved&, const FriendRemoved&) = default;
};

// The user blocked (`blocked`, since `since`) or unblocked `user` (public profile): to the
// user's own devices, so every device's list of blocks follows.
struct BlockChanged {
  store::User user;
  bool blocked = false;
  int64_t since = 0;  // when blocked; 0 when unblocked
  friend bool operator==(const BlockChanged&, const BlockChanged&) = default;
};

// A user's public profile changed (password hash cleared).
struct ProfileChanged {
  store::User user;
  friend bool operator==(const ProfileChanged&, const ProfileChanged&) = default;
};

struct PresenceChanged {
  int64_t user_id = 0;
  PresenceInfo presence;
  friend bool operator==(const PresenceChanged&, const PresenceChanged&) = default;
};

struct Typing {
  int64_t conversation_id = 0;
  int64_t user_id = 0;
  friend bool operator==(const Typing&, const Typing&) = default;
};

// --- moments ---

// A friend posted a moment the user may see: the "new moments" dot.
struct MomentPosted {
  int64_t moment_id = 0;
  int64_t author_id = 0;
  int64_t created_at = 0;
  friend bool operator==(const MomentPosted&, const MomentPosted&) = default;
};

// Someone liked the user's moment.
struct MomentLiked {
  store::MomentLike like;
  friend bool operator==(const MomentLiked&, const MomentLiked&) = default;
};

// Someone commented on the user's moment, or replied to the user's comment.
struct MomentCommented {
  store::MomentComment comment;
  friend bool operator==(const MomentCommented&, const MomentCommented&) = default;
};

}  // namespace events

using Event = std::variant<events::MessageCommitted, events::Acked, events::ReceiptMoved,
                           events::RequestFailed, events::GroupChanged, events::NoticePosted,
                           events::FriendRequested, events::FriendRequestClosed,
                           events::FriendAdded, events::FriendRemoved, events::BlockChanged,
                           events::ProfileChanged, events::PresenceChanged, events::Typing,
                           events::MomentPosted, events::MomentLiked, events::MomentCommented>;

}  // namespace parley::chat

#endif  // PARLEY_CHAT_FANOUT_EVENTS_H_
