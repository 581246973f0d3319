#include "tests/cluster/bus_samples.h"

#include <limits>
#include <string>
#include <utility>

namespace parley::cluster::testing {
namespace {

// Distinct numbers, alternating in sign, so no two fields of a sample hold the same value.
int64_t Next() {
  static int64_t counter = 1000;
  counter += 7;
  return counter % 2 == 0 ? counter : -counter;
}

std::string Text(const char* field) { return std::string(field) + "-" + std::to_string(Next()); }

store::Media FullMedia() {
  return store::Media{.id = Text("id"),
                      .owner_id = Next(),
                      .kind = Text("kind"),
                      .mime = Text("mime"),
                      .size = std::numeric_limits<int64_t>::max(),
                      .name = Text("name"),
                      .digest = Text("digest"),
                      .thumbnail_digest = Text("thumbnail_digest"),
                      .thumbnail_mime = Text("thumbnail_mime"),
                      .width = Next(),
                      .height = Next(),
                      .duration_ms = Next(),
                      .preview = Text("preview"),
                      .created_at = Next(),
                      .is_public = true,
                      .attached_at = Next()};
}

store::Member FullMember() {
  return store::Member{.user_id = Next(),
                       .delivered_seq = Next(),
                       .read_seq = Next(),
                       .role = store::Role::kOwner,
                       .muted_until = Next(),
                       .first_seq = Next()};
}

store::FriendRequest FullFriendRequest() {
  return store::FriendRequest{
      .from_id = Next(), .to_id = Next(), .note = Text("note"), .created_at = Next()};
}

chat::GroupEvent FullGroupEvent() {
  return chat::GroupEvent{.type = Text("type"),
                          .actor = Next(),
                          .users = {Next(), Next(), Next()},
                          .user = Next(),
                          .name = Text("name"),
                          .topic = Text("topic"),
                          .role = Text("role"),
                          .until = Next(),
                          .is_public = false,  // set, to a value that is not absent
                          .via = Text("via")};
}

}  // namespace

store::User FullUser() {
  return store::User{.id = Next(),
                     .username = Text("username"),
                     .display_name = Text("display_name"),
                     .password_hash = Text("password_hash"),
                     .created_at = Next(),
                     .avatar = Text("avatar"),
                     .status_line =
                         "\xe2\x80\x9c"
                         "at the gym"
                         "\xe2\x80\x9d",
                     .language = Text("language"),
                     .time_zone = Text("time_zone"),
                     .is_admin = true,
                     .last_seen_at = Next(),
                     .disabled_at = Next()};
}

store::Message FullMessage(store::MessageKind kind) {
  return store::Message{
      .conversation_id = Next(),
      .seq = Next(),
      .sender_id = Next(),
      .client_id = Text("client_id"),
      .text = std::string("text with a NUL \0 inside", 24),
      .created_at = Next(),
      .kind = kind,
      .media = FullMedia(),
      .reply_to = Next(),
      .target = Next(),
      .on = true,
      .edited_at = Next(),
      .deleted = true,
      .quote = store::Quote{.seq = Next(),
                            .sender_id = Next(),
                            .kind = store::MessageKind::kSticker,
                            .text = Text("quote_text"),
                            .media_kind = Text("media_kind"),
                            .deleted = true},
      .reactions = {store::Reaction{.emoji = "\xf0\x9f\x91\x8d", .users = {Next(), Next()}},
                    store::Reaction{.emoji = Text("emoji"), .users = {Next()}}},
      .sticker = std::numeric_limits<int64_t>::min()};
}

std::vector<chat::Event> EveryEvent() {
  namespace ev = chat::events;
  ev::AckedMessage acked;
  acked.client_id = Text("client_id");
  acked.conversation_id = Next();
  acked.seq = Next();
  acked.created_at = Next();
  acked.kind = store::MessageKind::kReaction;
  return {
      ev::MessageCommitted{FullMessage(store::MessageKind::kText), Next()},
      ev::Acked{acked, true, false},
      ev::ReceiptMoved{Next(), FullMember()},
      ev::RequestFailed{Status(Code::kAccountDisabled, Text("status")), Text("id"), Text("req")},
      ev::GroupChanged{FullMessage(store::MessageKind::kEvent), FullGroupEvent()},
      ev::NoticePosted{FullMessage(store::MessageKind::kNotice)},
      ev::FriendRequested{FullFriendRequest(), FullUser()},
      ev::FriendRequestClosed{FullFriendRequest(), true},
      ev::FriendAdded{chat::Friend{store::Relation{FullUser(), Next()},
                                   chat::PresenceInfo{chat::PresenceStatus::kAway, Next()}}},
      ev::FriendRemoved{Next()},
      ev::BlockChanged{FullUser(), true, Next()},
      ev::ProfileChanged{FullUser()},
      ev::PresenceChanged{Next(), chat::PresenceInfo{chat::PresenceStatus::kOnline, Next()}},
      ev::Typing{Next(), Next()},
      ev::MomentPosted{Next(), Next(), Next()},
      ev::MomentLiked{store::MomentLike{Next(), Next(), Next()}},
      ev::MomentCommented{
          store::MomentComment{Next(), Next(), Next(), Next(), Next(), Text("text"), Next()}},
  };
}

std::vector<BusBody> EveryControlBody() {
  return {
      bus::PresenceReport{{{Next(), chat::PresenceStatus::kOnline},
                           {Next(), chat::PresenceStatus::kAway},
                           {Next(), chat::PresenceStatus::kOffline}},
                          true},
      bus::Heartbeat{},
      bus::SnapshotRequest{std::numeric_limits<uint64_t>::max()},
      bus::CloseDevice{Next(), Next(), chat::CloseReason::kRateLimited},
      bus::CloseOtherDevices{Next(), Next(), chat::CloseReason::kUnauthenticated},
  };
}

BusMessage PublishedMessage(chat::Event event, std::vector<int64_t> audience) {
  return BusMessage{BusHeader{0x9e3779b97f4a7c15, 42},
                    bus::Published{std::move(audience), std::move(event)}};
}

BusMessage TypicalTextMessage() {
  store::Message message{.conversation_id = 5123,
                         .seq = 1874,
                         .sender_id = 2051,
                         .client_id = "c-lw3k9x2a-7f3b9e1d",
                         .text = "see you at 7 tonight",
                         .created_at = 1765000000123,
                         .kind = store::MessageKind::kText};
  return BusMessage{BusHeader{0x9e3779b97f4a7c15, 1000123},
                    bus::Published{{2051, 2052, 3107}, chat::events::MessageCommitted{message, 0}}};
}

std::vector<BusMessage> EveryMessage() {
  std::vector<BusMessage> messages;
  for (chat::Event& event : EveryEvent()) {
    messages.push_back(PublishedMessage(std::move(event), {Next(), Next(), Next()}));
  }
  uint64_t seq = 1;
  for (BusBody& body : EveryControlBody()) {
    messages.push_back(BusMessage{BusHeader{0x0123456789abcdef, seq++}, std::move(body)});
  }
  return messages;
}

}  // namespace parley::cluster::testing
