#include "chat/social/moment_rules.h"

#include <algorithm>
#include <set>
#include <string>

#include "base/utf8.h"

namespace parley::chat {
namespace {

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

// Controls other than newline and tab; invalid UTF-8 counts (decoded JSON never has it).
bool HasControl(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    auto decoded = DecodeUtf8At(text, pos);
    if (!decoded) return true;
    const char32_t c = decoded->code_point;
    if ((c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c <= 0x9f)) return true;
    pos += decoded->length;
  }
  return false;
}

}  // namespace

Viewer MakeViewer(int64_t user_id, const std::vector<int64_t>& friend_ids) {
  return Viewer{user_id, std::unordered_set<int64_t>(friend_ids.begin(), friend_ids.end())};
}

bool CanSeeMoment(const Viewer& viewer, const store::Moment& moment) {
  if (viewer.user_id == moment.author_id) return true;
  if (!viewer.friends.contains(moment.author_id)) return false;
  const bool listed = std::binary_search(moment.audience_users.begin(), moment.audience_users.end(),
                                         viewer.user_id);
  switch (moment.audience) {
    case store::MomentAudience::kAllFriends:
      return true;
    case store::MomentAudience::kOnly:
      return listed;
    case store::MomentAudience::kExcept:
      return !listed;
  }
  return false;
}

bool CanSeeInteraction(const Viewer& viewer, const store::Moment& moment, int64_t writer_id) {
  return viewer.user_id == moment.author_id || viewer.user_id == writer_id ||
         viewer.friends.contains(writer_id);
}

bool MayDeleteComment(int64_t user_id, const store::Moment& moment,
                      const store::MomentComment& comment) {
  return user_id == moment.author_id || user_id == comment.user_id;
}

Status ValidateMomentContent(const store::Moment& moment) {
  if (moment.text.size() > kMaxMomentTextBytes) {
    return Status(Code::kTooLarge, "text is longer than 4000 bytes");
  }
  if (moment.location.size() > kMaxMomentLocationBytes) {
    return Status(Code::kTooLarge, "location is longer than 200 bytes");
  }
  if (HasControl(moment.text)) return Invalid("text must not contain control characters");
  if (HasControl(moment.location) || moment.location.find('\n') != std::string::npos ||
      moment.location.find('\t') != std::string::npos) {
    return Invalid("location must not contain control characters");
  }
  if (moment.text.empty() && moment.media.empty()) {
    return Invalid("a moment needs text or media");
  }
  if (moment.media.size() > kMaxMomentImages) {
    return Invalid("a moment holds at most 9 images or one video");
  }
  std::set<std::string> seen;
  for (const store::Media& media : moment.media) {
    if (!seen.insert(media.id).second) return Invalid("a media id appears twice");
  }
  return Status::Ok();
}

Status ValidateMomentMedia(const std::vector<store::Media>& media) {
  const bool one_video = media.size() == 1 && media.front().kind == "video";
  const bool all_images = std::all_of(media.begin(), media.end(),
                                      [](const store::Media& m) { return m.kind == "image"; });
  if (!one_video && !all_images) {
    return Status(Code::kUnsupportedMedia, "a moment holds images or one video");
  }
  return Status::Ok();
}

Status NormalizeAudience(store::MomentAudience audience, std::vector<int64_t>& users) {
  if (users.size() > kMaxMomentAudienceUsers) {
    return Status(Code::kTooLarge, "an audience lists at most 1000 users");
  }
  for (int64_t id : users) {
    if (id <= 0) return Invalid("audience users must be user ids");
  }
  std::sort(users.begin(), users.end());
  users.erase(std::unique(users.begin(), users.end()), users.end());
  if (audience == store::MomentAudience::kAllFriends && !users.empty()) {
    return Invalid("an audience of all friends lists no users");
  }
  if (audience == store::MomentAudience::kOnly && users.empty()) {
    return Invalid("an audience of only some friends lists at least one");
  }
  return Status::Ok();
}

Status ValidateCommentText(std::string_view text) {
  if (text.size() > kMaxCommentTextBytes) {
    return Status(Code::kTooLarge, "comment is longer than 1000 bytes");
  }
  if (text.empty()) return Invalid("comment must not be empty");
  if (HasControl(text)) return Invalid("comment must not contain control characters");
  return Status::Ok();
}

}  // namespace parley::chat
