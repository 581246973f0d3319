#include "chat/social/moments.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "base/clock.h"
#include "chat/media/media_rules.h"
#include "chat/social/moment_rules.h"

namespace parley::chat {
namespace {

constexpr int kMaxPageRounds = 8;  // candidate batches one page reads at most

Status TooMany(std::string_view what) {
  return Status(Code::kRateLimited, "too many " + std::string(what) + "; retry later");
}

Status NoSuchMoment() { return Status(Code::kNotFound, "no such moment"); }
Status NoSuchComment() { return Status(Code::kNotFound, "no such comment"); }

// The live moment if `viewer` sees it; kNotFound alike for a missing and a hidden one.
Result<store::Moment> SeenMoment(const Result<std::optional<store::Moment>>& found,
                                 const Viewer& viewer) {
  if (!found.ok()) return found.status();
  if (!*found || !CanSeeMoment(viewer, **found)) return NoSuchMoment();
  return **found;
}

Result<Viewer> ViewerIn(store::WriteTxn& txn, int64_t user_id) {
  auto friends = txn.FriendIds(user_id);
  if (!friends.ok()) return friends.status();
  return MakeViewer(user_id, *friends);
}

MomentView BareView(int64_t me, store::Moment moment) {
  MomentView view{std::move(moment), {}, {}, false};
  view.mine = view.moment.author_id == me;
  return view;
}

}  // namespace

Moments::Moments(store::Store& store, EventSink& events, MessageWriter& writer,
                 const MomentsOptions& options)
    : store_(store),
      events_(events),
      writer_(writer),
      posts_(options.posts, kMaxLimitedUsers),
      interactions_(options.interactions, kMaxLimitedUsers) {}

void Moments::ShareLimits(SharedBuckets* shared) {
  posts_.Share(shared, "moments.posts");
  interactions_.Share(shared, "moments.interactions");
}

Result<std::vector<int64_t>> Moments::FriendIds(int64_t user_id) {
  auto relations = store_.ListFriends(user_id);
  if (!relations.ok()) return relations.status();
  std::vector<int64_t> ids;
  ids.reserve(relations->size());
  for (const store::Relation& relation : *relations) ids.push_back(relation.user.id);
  return ids;
}

// --- writes ---

Result<MomentView> Moments::Post(int64_t me, store::Moment draft) {
  draft.id = 0;
  draft.author_id = me;
  draft.created_at = NowMillis();
  if (Status s = ValidateMomentContent(draft); !s.ok()) return s;
  if (Status s = NormalizeAudience(draft.audience, draft.audience_users); !s.ok()) return s;
  if (!posts_.Allow(std::to_string(me), NowMillis())) return TooMany("moments");
  std::vector<int64_t> audience;
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    for (store::Media& media : draft.media) {
      auto owned = SendableMedia(txn, me, media.id);
      if (!owned.ok()) return owned.status();
      media = std::move(*owned);
    }
    if (Status s = ValidateMomentMedia(draft.media); !s.ok()) return s;
    auto id = txn.AddMoment(draft);
    if (!id.ok()) return id.status();
    draft.id = *id;
    auto friends = txn.FriendIds(me);
    if (!friends.ok()) return friends.status();
    for (int64_t friend_id : *friends) {
      if (CanSeeMoment(MakeViewer(friend_id, {me}), draft)) audience.push_back(friend_id);
    }
    return Status::Ok();
  };
  auto deliver = [&] {
    if (audience.empty()) return;
    events_.Publish(Audience{audience},
                    events::MomentPosted{draft.id, draft.author_id, draft.created_at});
  };
  if (Status s = writer_.Run(apply, deliver); !s.ok()) return s;
  return BareView(me, std::move(draft));
}

Result<MomentView> Moments::SetAudience(int64_t me, int64_t moment_id,
                                        store::MomentAudience audience,
                                        std::vector<int64_t> users) {
  if (Status s = NormalizeAudience(audience, users); !s.ok()) return s;
  store::Moment changed;
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto found = txn.FindMoment(moment_id);
    if (!found.ok()) return found.status();
    if (!*found || (*found)->author_id != me) return NoSuchMoment();
    if (Status s = txn.SetMomentAudience(moment_id, audience, users); !s.ok()) return s;
    changed = std::move(**found);
    changed.audience = audience;
    changed.audience_users = users;
    return Status::Ok();
  };
  if (Status s = writer_.Run(apply); !s.ok()) return s;
  return Get(me, changed.id);
}

Status Moments::Delete(int64_t me, int64_t moment_id) {
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto found = txn.FindMoment(moment_id);
    if (!found.ok()) return found.status();
    if (!*found || (*found)->author_id != me) return NoSuchMoment();
    return txn.DeleteMoment(moment_id);
  };
  return writer_.Run(apply);
}

Status Moments::Like(int64_t me, int64_t moment_id, bool on) {
  if (!interactions_.Allow(std::to_string(me), NowMillis())) return TooMany("likes and comments");
  store::MomentLike like{moment_id, me, NowMillis()};
  int64_t author = 0;
  bool changed = false;
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto viewer = ViewerIn(txn, me);
    if (!viewer.ok()) return viewer.status();
    auto moment = SeenMoment(txn.FindMoment(moment_id), *viewer);
    if (!moment.ok()) return moment.status();
    author = moment->author_id;
    auto set = txn.SetMomentLike(moment_id, me, on, like.created_at);
    if (!set.ok()) return set.status();
    changed = *set;
    return Status::Ok();
  };
  auto deliver = [&] {
    if (!on || !changed || author == me) return;
    const int64_t users[] = {author};
    events_.Publish(Audience{users}, events::MomentLiked{like});
  };
  return writer_.Run(apply, deliver);
}

Result<store::MomentComment> Moments::Comment(int64_t me, int64_t moment_id, std::string text,
                                              int64_t reply_to) {
  if (Status s = ValidateCommentText(text); !s.ok()) return s;
  if (!interactions_.Allow(std::to_string(me), NowMillis())) return TooMany("likes and comments");
  store::MomentComment comment{0, moment_id, me, reply_to, 0, std::move(text), NowMillis()};
  std::vector<int64_t> notified;
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto viewer = ViewerIn(txn, me);
    if (!viewer.ok()) return viewer.status();
    auto moment = SeenMoment(txn.FindMoment(moment_id), *viewer);
    if (!moment.ok()) return moment.status();
    if (moment->author_id != me) notified.push_back(moment->author_id);
    if (reply_to != 0) {
      auto answered = txn.FindMomentComment(reply_to);
      if (!answered.ok()) return answered.status();
      if (!*answered || (*answered)->moment_id != moment_id ||
          !CanSeeInteraction(*viewer, *moment, (*answered)->user_id)) {
        return NoSuchComment();
      }
      comment.reply_to_user_id = (*answered)->user_id;
      const int64_t target = comment.reply_to_user_id;
      if (target != me && target != moment->author_id) {
        auto theirs = ViewerIn(txn, target);
        if (!theirs.ok()) return theirs.status();
        if (CanSeeMoment(*theirs, *moment) && CanSeeInteraction(*theirs, *moment, me)) {
          notified.push_back(target);
        }
      }
    }
    auto id = txn.AddMomentComment(comment);
    if (!id.ok()) return id.status();
    comment.id = *id;
    return Status::Ok();
  };
  auto deliver = [&] {
    if (!notified.empty()) events_.Publish(Audience{notified}, events::MomentCommented{comment});
  };
  if (Status s = writer_.Run(apply, deliver); !s.ok()) return s;
  return comment;
}

Status Moments::DeleteComment(int64_t me, int64_t moment_id, int64_t comment_id) {
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto viewer = ViewerIn(txn, me);
    if (!viewer.ok()) return viewer.status();
    auto moment = SeenMoment(txn.FindMoment(moment_id), *viewer);
    if (!moment.ok()) return moment.status();
    auto comment = txn.FindMomentComment(comment_id);
    if (!comment.ok()) return comment.status();
    if (!*comment || (*comment)->moment_id != moment_id ||
        !CanSeeInteraction(*viewer, *moment, (*comment)->user_id)) {
      return NoSuchComment();
    }
    if (!MayDeleteComment(me, *moment, **comment)) {
      return Status(Code::kForbidden, "only its writer or the moment's author may delete it");
    }
    return txn.DeleteMomentComment(comment_id);
  };
  return writer_.Run(apply);
}

// --- reads ---

template <typename ReadFn>
Result<MomentPage> Moments::Page(int64_t me, const MomentPageQuery& query, ReadFn&& read) {
  if (query.limit < 1 || query.limit > kMaxMomentPageLimit) {
    return Status(Code::kInvalidArgument, "limit must be 1 to 50");
  }
  auto friends = FriendIds(me);
  if (!friends.ok()) return friends.status();
  const Viewer viewer = MakeViewer(me, *friends);
  const int batch = query.limit * 2;
  MomentPage page;
  int64_t before = query.before;
  for (int round = 0; round < kMaxPageRounds; ++round) {
    auto candidates = read(before, batch);
    if (!candidates.ok()) return candidates.status();
    for (store::Moment& moment : *candidates) {
      before = moment.id;
      if (!CanSeeMoment(viewer, moment)) continue;
      page.moments.push_back(BareView(me, std::move(moment)));
      if (static_cast<int>(page.moments.size()) == query.limit) break;
    }
    const bool full = static_cast<int>(page.moments.size()) == query.limit;
    const bool exhausted = static_cast<int>(candidates->size()) < batch && !full;
    page.next_before = exhausted ? 0 : before;
    if (full || exhausted) break;
  }
  if (Status s = FillInteractions(me, *friends, page.moments); !s.ok()) return s;
  return page;
}

Status Moments::FillInteractions(int64_t me, const std::vector<int64_t>& friends,
                                 std::vector<MomentView>& views) {
  if (views.empty()) return Status::Ok();
  std::vector<int64_t> ids;
  std::map<int64_t, MomentView*> by_id;
  for (MomentView& view : views) {
    ids.push_back(view.moment.id);
    by_id[view.moment.id] = &view;
  }
  auto found = store_.MomentInteractionsOf(ids);
  if (!found.ok()) return found.status();
  const Viewer viewer = MakeViewer(me, friends);
  for (store::MomentLike& like : found->likes) {
    MomentView& view = *by_id.at(like.moment_id);
    if (CanSeeInteraction(viewer, view.moment, like.user_id)) view.likes.push_back(like);
  }
  for (store::MomentComment& comment : found->comments) {
    MomentView& view = *by_id.at(comment.moment_id);
    if (CanSeeInteraction(viewer, view.moment, comment.user_id)) {
      view.comments.push_back(std::move(comment));
    }
  }
  return Status::Ok();
}

Result<MomentPage> Moments::Feed(int64_t me, const MomentPageQuery& query) {
  return Page(me, query,
              [&](int64_t before, int limit) { return store_.FriendMoments(me, before, limit); });
}

Result<MomentPage> Moments::ByAuthor(int64_t me, int64_t author_id, const MomentPageQuery& query) {
  return Page(me, query, [&](int64_t before, int limit) {
    return store_.AuthorMoments(author_id, before, limit);
  });
}

Result<MomentView> Moments::Get(int64_t me, int64_t moment_id) {
  auto friends = FriendIds(me);
  if (!friends.ok()) return friends.status();
  auto moment = SeenMoment(store_.FindMoment(moment_id), MakeViewer(me, *friends));
  if (!moment.ok()) return moment.status();
  std::vector<MomentView> views;
  views.push_back(BareView(me, std::move(*moment)));
  if (Status s = FillInteractions(me, *friends, views); !s.ok()) return s;
  return std::move(views.front());
}

Result<bool> MomentMediaReadable(store::Store& store, int64_t user_id, std::string_view media_id) {
  auto moments = store.MomentsWithMedia(media_id);
  if (!moments.ok()) return moments.status();
  if (moments->empty()) return false;
  auto relations = store.ListFriends(user_id);
  if (!relations.ok()) return relations.status();
  std::vector<int64_t> friends;
  for (const store::Relation& relation : *relations) friends.push_back(relation.user.id);
  const Viewer viewer = MakeViewer(user_id, friends);
  for (int64_t moment_id : *moments) {
    auto moment = SeenMoment(store.FindMoment(moment_id), viewer);
    if (moment.ok()) return true;
    if (moment.status().code() != Code::kNotFound) return moment.status();
  }
  return false;
}

}  // namespace parley::chat
