// Wire encoding of moments (docs/protocol.md, "Moments"): the HTTP request bodies decoded, the
// response bodies and the WebSocket frames of moment events encoded. Decoding fails only with
// kMalformed (shape and types); value rules belong to chat/social/moment_rules.h. Pure functions,
// thread-safe.
#ifndef PARLEY_PROTO_MOMENT_BODIES_H_
#define PARLEY_PROTO_MOMENT_BODIES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "chat/fanout/events.h"
#include "chat/social/moments.h"
#include "store/types.h"

namespace parley::proto {

struct AudienceRequest {
  store::MomentAudience audience = store::MomentAudience::kAllFriends;
  std::vector<int64_t> users;
};

struct CommentRequest {
  std::string text;
  int64_t reply_to = 0;
};

// {"text"?, "media"?: ["m_..."], "location"?, "audience"?: {"mode", "users"?}} as a draft
// (media descriptors hold ids only).
Result<store::Moment> DecodeMomentPost(std::string_view body);
// {"mode": "friends" | "only" | "except", "users"?: [ids]}.
Result<AudienceRequest> DecodeAudience(std::string_view body);
// {"text", "reply_to"?}.
Result<CommentRequest> DecodeComment(std::string_view body);

std::string MomentBody(const chat::MomentView& view);          // {"moment": {...}}
std::string MomentPageBody(const chat::MomentPage& page);      // {"moments": [...], "next"?}
std::string CommentBody(const store::MomentComment& comment);  // {"comment": {...}}

// Frames: "moment_posted", "moment_liked", "moment_commented".
std::string MomentPostedFrame(const chat::events::MomentPosted& event);
std::string MomentLikedFrame(const chat::events::MomentLiked& event);
std::string MomentCommentedFrame(const chat::events::MomentCommented& event);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_MOMENT_BODIES_H_
