#include "proto/json_frames.h"

#include <string>
#include <variant>

#include "proto/moment_bodies.h"
#include "proto/server_frames.h"
#include "proto/social_frames.h"

namespace parley::proto {
namespace {

namespace events = chat::events;

// One overload per event; a new event that has none fails to compile here.
struct FrameOf {
  std::string operator()(const events::MessageCommitted& e) const {
    return MessageFrame(e.message);
  }
  std::string operator()(const events::Acked& e) const {
    return AckFrame(e.message, e.duplicate, e.changed);
  }
  std::string operator()(const events::ReceiptMoved& e) const {
    return ReceiptFrame(e.conversation_id, e.member);
  }
  std::string operator()(const events::RequestFailed& e) const {
    return ErrorFrame(e.status, e.id, e.req);
  }
  // A group change and a notice are messages of their conversations' streams, framed as such.
  std::string operator()(const events::GroupChanged& e) const { return MessageFrame(e.message); }
  std::string operator()(const events::NoticePosted& e) const { return MessageFrame(e.message); }
  std::string operator()(const events::FriendRequested& e) const { return FriendRequestFrame(e); }
  std::string operator()(const events::FriendRequestClosed& e) const {
    return FriendRequestClosedFrame(e);
  }
  std::string operator()(const events::FriendAdded& e) const { return FriendAddedFrame(e); }
  std::string operator()(const events::FriendRemoved& e) const { return FriendRemovedFrame(e); }
  std::string operator()(const events::BlockChanged& e) const { return BlockChangedFrame(e); }
  std::string operator()(const events::ProfileChanged& e) const { return ProfileFrame(e); }
  std::string operator()(const events::PresenceChanged& e) const { return PresenceChangedFrame(e); }
  std::string operator()(const events::Typing& e) const { return TypingEventFrame(e); }
  std::string operator()(const events::MomentPosted& e) const { return MomentPostedFrame(e); }
  std::string operator()(const events::MomentLiked& e) const { return MomentLikedFrame(e); }
  std::string operator()(const events::MomentCommented& e) const { return MomentCommentedFrame(e); }
};

}  // namespace

chat::SharedFrame JsonFrameEncoder::Encode(const chat::Event& event) const {
  return chat::MakeFrame(std::visit(FrameOf{}, event));
}

}  // namespace parley::proto
