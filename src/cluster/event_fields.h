// The field lists of chat::Event's alternatives and of everything they carry, for the bus
// codec (cluster/bus_message.cc): each struct's data members in declaration order, which is
// their order on the wire.
//
// One list serves every walk over a value: `io` measures or writes a value (then
// Io::Ref<T> is const T&) or reads one (T&), and `io(a, b, ...)` handles each member by its
// type (cluster/bus_message.cc). The structured bindings name every data member, so a member
// added to one of these structs stops the codec from compiling until it is listed here (and
// kBusFormatVersion is raised). Only for cluster/bus_message.cc.
#ifndef PARLEY_CLUSTER_EVENT_FIELDS_H_
#define PARLEY_CLUSTER_EVENT_FIELDS_H_

#include <variant>

#include "chat/fanout/events.h"
#include "store/types.h"

namespace parley::cluster::fields {

// A new event needs its field list below and a new kBusFormatVersion.
static_assert(std::variant_size_v<chat::Event> == 17, "list the new event's fields");

// --- store records ---

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::User> m) {
  auto& [id, username, display_name, password_hash, created_at, avatar, status_line, language,
         time_zone, is_admin, last_seen_at, disabled_at] = m;
  io(id, username, display_name, password_hash, created_at, avatar, status_line, language,
     time_zone, is_admin, last_seen_at, disabled_at);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::Media> m) {
  auto& [id, owner_id, kind, mime, size, name, digest, thumbnail_digest, thumbnail_mime, width,
         height, duration_ms, preview, created_at, is_public, attached_at] = m;
  io(id, owner_id, kind, mime, size, name, digest, thumbnail_digest, thumbnail_mime, width, height,
     duration_ms, preview, created_at, is_public, attached_at);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::Quote> m) {
  auto& [seq, sender_id, kind, text, media_kind, deleted] = m;
  io(seq, sender_id, kind, text, media_kind, deleted);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::Reaction> m) {
  auto& [emoji, users] = m;
  io(emoji, users);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::Message> m) {
  auto& [conversation_id, seq, sender_id, client_id, text, created_at, kind, media, reply_to,
         target, on, edited_at, deleted, quote, reactions, sticker] = m;
  io(conversation_id, seq, sender_id, client_id, text, created_at, kind, media, reply_to, target,
     on, edited_at, deleted, quote, reactions, sticker);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::Member> m) {
  auto& [user_id, delivered_seq, read_seq, role, muted_until, first_seq] = m;
  io(user_id, delivered_seq, read_seq, role, muted_until, first_seq);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::FriendRequest> m) {
  auto& [from_id, to_id, note, created_at] = m;
  io(from_id, to_id, note, created_at);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::Relation> m) {
  auto& [user, since] = m;
  io(user, since);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::MomentLike> m) {
  auto& [moment_id, user_id, created_at] = m;
  io(moment_id, user_id, created_at);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<store::MomentComment> m) {
  auto& [id, moment_id, user_id, reply_to, reply_to_user_id, text, created_at] = m;
  io(id, moment_id, user_id, reply_to, reply_to_user_id, text, created_at);
}

// --- chat values ---

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::PresenceInfo> m) {
  auto& [status, last_seen_at] = m;
  io(status, last_seen_at);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::GroupEvent> m) {
  auto& [type, actor, users, user, name, topic, role, until, is_public, via] = m;
  io(type, actor, users, user, name, topic, role, until, is_public, via);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::Friend> m) {
  auto& [relation, presence] = m;
  io(relation, presence);
}

// --- events, in chat::Event's order ---

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::MessageCommitted> m) {
  auto& [message, direct_recipient_id] = m;
  io(message, direct_recipient_id);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::AckedMessage> m) {
  auto& [client_id, conversation_id, seq, created_at, kind] = m;
  io(client_id, conversation_id, seq, created_at, kind);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::Acked> m) {
  auto& [message, duplicate, changed] = m;
  io(message, duplicate, changed);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::ReceiptMoved> m) {
  auto& [conversation_id, member] = m;
  io(conversation_id, member);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::RequestFailed> m) {
  auto& [status, id, req] = m;
  io(status, id, req);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::GroupChanged> m) {
  auto& [message, change] = m;
  io(message, change);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::NoticePosted> m) {
  auto& [message] = m;
  io(message);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::FriendRequested> m) {
  auto& [request, from] = m;
  io(request, from);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::FriendRequestClosed> m) {
  auto& [request, declined] = m;
  io(request, declined);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::FriendAdded> m) {
  auto& [added] = m;
  io(added);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::FriendRemoved> m) {
  auto& [user_id] = m;
  io(user_id);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::BlockChanged> m) {
  auto& [user, blocked, since] = m;
  io(user, blocked, since);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::ProfileChanged> m) {
  auto& [user] = m;
  io(user);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::PresenceChanged> m) {
  auto& [user_id, presence] = m;
  io(user_id, presence);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::Typing> m) {
  auto& [conversation_id, user_id] = m;
  io(conversation_id, user_id);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::MomentPosted> m) {
  auto& [moment_id, author_id, created_at] = m;
  io(moment_id, author_id, created_at);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::MomentLiked> m) {
  auto& [like] = m;
  io(like);
}

template <typename Io>
void Fields(Io& io, typename Io::template Ref<chat::events::MomentCommented> m) {
  auto& [comment] = m;
  io(comment);
}

}  // namespace parley::cluster::fields

#endif  // PARLEY_CLUSTER_EVENT_FIELDS_H_
