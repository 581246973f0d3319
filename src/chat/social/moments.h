// Moments: the friends-only feed of the chat domain (docs/protocol.md, "Moments"). Posting,
// changing the audience, deleting; the feed and one author's page; likes and comments with
// replies. Who sees what is decided by chat/social/moment_rules.h alone; this class applies it to
// every read and write, and answers kNotFound "no such moment" alike for a moment that does
// not exist and one the caller may not see, so ids reveal nothing.
//
// Writes run as MessageWriter tasks (they serialize with friendship changes, so a write never
// acts on a friendship that just ended) and publish their events (chat/fanout/events.h) in commit
// order: MomentPosted to the friends who may see a new moment, MomentLiked and
// MomentCommented to a moment's author, and MomentCommented to the writer of the comment a
// reply answers (when they still see the moment and the replier).
//
// Thread-safety: all methods are thread-safe and blocking: call them from worker threads.
// Ownership: borrows everything given to the constructor; all must outlive it.
#ifndef PARLEY_CHAT_SOCIAL_MOMENTS_H_
#define PARLEY_CHAT_SOCIAL_MOMENTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/rate_limiter.h"
#include "base/status.h"
#include "chat/fanout/event_sink.h"
#include "chat/messaging/message_writer.h"
#include "store/store.h"

namespace parley::chat {

inline constexpr int kMaxMomentPageLimit = 50;

// A moment as one viewer sees it: only the likes and comments they may see, and the audience
// only when it is theirs (`mine`).
struct MomentView {
  store::Moment moment;
  std::vector<store::MomentLike> likes;
  std::vector<store::MomentComment> comments;
  bool mine = false;
};

struct MomentPageQuery {
  int64_t before = 0;  // a moment id: the page holds older moments only; 0: the newest
  int limit = 20;      // 1..50
};

struct MomentPage {
  std::vector<MomentView> moments;  // newest first
  int64_t next_before = 0;          // the `before` of the next page; 0: no more
};

struct MomentsOptions {
  // Per user; every attempt counts, refused or not.
  RateLimit posts{60, 3600 * 1000};          // moments posted: 60 an hour
  RateLimit interactions{600, 3600 * 1000};  // likes, unlikes and comments: 600 an hour
};

class Moments {
 public:
  Moments(store::Store& store, EventSink& events, MessageWriter& writer,
          const MomentsOptions& options = {});

  // In a cluster: this service's rate limits hold across the nodes (base/rate_limiter.h,
  // Share). Called once while wiring, before requests are served; `shared` outlives the service.
  void ShareLimits(SharedBuckets* shared);

  // Every write but deletions answers kRateLimited past MomentsOptions.
  // Posts `draft` (author, created_at and id are set here; draft.media holds media ids only).
  // The rules of moment_rules.h; each media must be one `me` uploaded (kNotFound "no such
  // media"), all images or one video (kUnsupportedMedia).
  Result<MomentView> Post(int64_t me, store::Moment draft);
  // The author only (anyone else: kNotFound).
  Result<MomentView> SetAudience(int64_t me, int64_t moment_id, store::MomentAudience audience,
                                 std::vector<int64_t> users);
  Status Delete(int64_t me, int64_t moment_id);

  // The moments `me` may see from their friends and themselves. kInvalidArgument for a limit
  // outside 1..50. A page may hold fewer than `limit` moments and still have a next one.
  Result<MomentPage> Feed(int64_t me, const MomentPageQuery& query);
  // The moments of `author_id` that `me` may see (all of them when it is `me`).
  Result<MomentPage> ByAuthor(int64_t me, int64_t author_id, const MomentPageQuery& query);
  Result<MomentView> Get(int64_t me, int64_t moment_id);

  // Likes (on) or unlikes a moment `me` sees; liking twice is fine.
  Status Like(int64_t me, int64_t moment_id, bool on);
  // A comment on a moment `me` sees, optionally answering one of its comments that `me` sees
  // (reply_to; else kNotFound "no such comment").
  Result<store::MomentComment> Comment(int64_t me, int64_t moment_id, std::string text,
                                       int64_t reply_to);
  // The comment's writer or the moment's author; kForbidden for another viewer who sees it.
  Status DeleteComment(int64_t me, int64_t moment_id, int64_t comment_id);

 private:
  // Reads a page of candidates with `read(before, limit)` and keeps what `me` may see.
  template <typename ReadFn>
  Result<MomentPage> Page(int64_t me, const MomentPageQuery& query, ReadFn&& read);
  // The visible likes and comments of `views`, filled in.
  Status FillInteractions(int64_t me, const std::vector<int64_t>& friends,
                          std::vector<MomentView>& views);
  Result<std::vector<int64_t>> FriendIds(int64_t user_id);

  store::Store& store_;
  EventSink& events_;
  MessageWriter& writer_;
  RateLimiter posts_;         // keyed by user id
  RateLimiter interactions_;  // keyed by user id
};

// Whether `user_id` sees a moment that carries the media (for media downloads: media_rules.h).
Result<bool> MomentMediaReadable(store::Store& store, int64_t user_id, std::string_view media_id);

}  // namespace parley::chat

#endif  // PARLEY_CHAT_SOCIAL_MOMENTS_H_
