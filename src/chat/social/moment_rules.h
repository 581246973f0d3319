// The rules of moments (docs/protocol.md, "Moments"), in one place: who sees a moment, whose
// likes and comments a viewer sees, who may delete what, and the limits of what is posted.
//
// Who sees what (the WeChat rule):
// - A moment is seen by its author, and by those of the author's friends its audience lets in
//   (all friends; only the listed ones; all but the listed ones). Nobody else: not a stranger,
//   not a former friend (unfriending removes access at once), not a blocked or blocking user
//   (a block ends the friendship, and no friendship can start while it lasts:
//   chat/social/social.h).
// - A like or comment on a moment is seen by the moment's author, by its own writer, and by
//   viewers of the moment who are friends of its writer.
// Pure functions; thread-safe. A Viewer borrows nothing.
#ifndef PARLEY_CHAT_SOCIAL_MOMENT_RULES_H_
#define PARLEY_CHAT_SOCIAL_MOMENT_RULES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "store/types.h"

namespace parley::chat {

inline constexpr size_t kMaxMomentTextBytes = 4000;
inline constexpr size_t kMaxMomentLocationBytes = 200;
inline constexpr size_t kMaxMomentImages = 9;
inline constexpr size_t kMaxMomentAudienceUsers = 1000;
inline constexpr size_t kMaxCommentTextBytes = 1000;

// Who is looking: a user and their friends at the time of the read.
struct Viewer {
  int64_t user_id = 0;
  std::unordered_set<int64_t> friends;
};

Viewer MakeViewer(int64_t user_id, const std::vector<int64_t>& friend_ids);

bool CanSeeMoment(const Viewer& viewer, const store::Moment& moment);
// Whether `viewer`, who sees `moment`, sees a like or comment written by `writer_id`.
bool CanSeeInteraction(const Viewer& viewer, const store::Moment& moment, int64_t writer_id);
// The author deletes any comment on their moment; a writer deletes their own.
bool MayDeleteComment(int64_t user_id, const store::Moment& moment,
                      const store::MomentComment& comment);

// kTooLarge over 4000 bytes of text or 200 of location, kInvalidArgument for control
// characters (newlines and tabs allowed in text), an empty moment (no text and no media), more
// than one video or 9 images, images mixed with a video, or a repeated media id. (Whether the
// media exist, belong to the author and are of those kinds is checked against the store.)
Status ValidateMomentContent(const store::Moment& moment);
// The media found for a moment: all images, or one video; kUnsupportedMedia otherwise.
Status ValidateMomentMedia(const std::vector<store::Media>& media);
// At most 1000 distinct positive user ids; "only" needs at least one. Sorts and deduplicates.
Status NormalizeAudience(store::MomentAudience audience, std::vector<int64_t>& users);
// 1 to 1000 bytes, no control characters but newlines and tabs.
Status ValidateCommentText(std::string_view text);

}  // namespace parley::chat

#endif  // PARLEY_CHAT_SOCIAL_MOMENT_RULES_H_
