#include "chat/social/social.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "base/clock.h"
#include "chat/media/media_rules.h"
#include "chat/social/reach.h"
#include "chat/social/social_rules.h"

namespace parley::chat {
namespace {

store::User Public(store::User user) {
  user.password_hash.clear();
  return user;
}

// Store lookups say "no such user" for any missing row; callers name what was missing.
Status NotFoundAs(const Status& status, std::string_view what) {
  if (status.code() != Code::kNotFound) return status;
  return Status(Code::kNotFound, std::string(what));
}

}  // namespace

Social::Social(store::Store& store, EventSink& events, MessageWriter& writer,
               const SocialOptions& options)
    : store_(store),
      events_(events),
      writer_(writer),
      friend_requests_(options.friend_requests, kMaxLimitedUsers),
      presence_(
          [this](int64_t user_id, PresenceStatus status) { PublishPresence(user_id, status); }) {}

void Social::ShareLimits(SharedBuckets* shared) {
  friend_requests_.Share(shared, "social.friend_requests");
}

Status Social::Commit(MessageWriter::TaskApply apply, std::function<void()> deliver) {
  return writer_.Run(std::move(apply), deliver);
}

void Social::PublishTo(int64_t user_id, Event event) {
  const int64_t users[] = {user_id};
  events_.Publish(Audience{users}, std::move(event));
}

PresenceInfo Social::PresenceOf(const store::User& user) const {
  const PresenceStatus status = presence_.StatusOf(user.id);
  return PresenceInfo{status, status == PresenceStatus::kOffline ? user.last_seen_at : NowMillis()};
}

Friend Social::FriendOf(store::User user, int64_t since) const {
  Friend result{store::Relation{Public(std::move(user)), since}, {}};
  result.presence = PresenceOf(result.relation.user);
  return result;
}

// --- reads ---

Result<std::vector<store::User>> Social::Search(std::string_view query, int64_t after_id,
                                                int limit) {
  if (query.empty() || query.size() > kMaxSearchQueryBytes) {
    return Status(Code::kInvalidArgument, "q must be 1 to 64 bytes");
  }
  if (limit < 1 || limit > kMaxSearchLimit) {
    return Status(Code::kInvalidArgument, "limit must be 1 to 100");
  }
  return store_.SearchUsers(query, after_id, limit);
}

Result<store::User> Social::Profile(int64_t user_id) {
  auto user = store_.FindUserById(user_id);
  if (!user.ok()) return NotFoundAs(user.status(), "no such user");
  return Public(std::move(*user));
}

Result<std::vector<Friend>> Social::Friends(int64_t user_id) {
  auto relations = store_.ListFriends(user_id);
  if (!relations.ok()) return relations.status();
  std::vector<Friend> friends;
  friends.reserve(relations->size());
  for (store::Relation& relation : *relations) {
    friends.push_back(FriendOf(std::move(relation.user), relation.since));
  }
  return friends;
}

Result<store::FriendRequests> Social::Requests(int64_t user_id) {
  return store_.ListFriendRequests(user_id);
}

Result<std::vector<store::Relation>> Social::Blocks(int64_t user_id) {
  return store_.ListBlocks(user_id);
}

// --- writes ---

Result<RequestOutcome> Social::SendRequest(int64_t me, int64_t to, std::string note) {
  if (me == to) return Status(Code::kInvalidArgument, "cannot send a friend request to oneself");
  if (Status s = ValidateNote(note); !s.ok()) return s;
  if (!friend_requests_.Allow(std::to_string(me), NowMillis())) {
    return Status(Code::kRateLimited, "too many friend requests; retry later");
  }
  RequestOutcome outcome;
  store::User sender, recipient;
  auto apply = [&](store::WriteTxn& txn, ConversationCache& cache) -> Status {
    auto other = txn.FindUser(to);
    if (!other.ok()) return NotFoundAs(other.status(), "no such user");
    recipient = std::move(*other);
    auto self = txn.FindUser(me);
    if (!self.ok()) return self.status();
    sender = std::move(*self);
    if (Status s = CheckContact(txn, writer_.reach(), Contact::kRequest, me, to); !s.ok()) {
      return s;
    }
    auto friends = txn.AreFriends(me, to);
    if (!friends.ok()) return friends.status();
    if (*friends) return Status(Code::kConflict, "already friends");
    const int64_t now = NowMillis();
    auto theirs = txn.RemoveFriendRequest(to, me);
    if (!theirs.ok()) return theirs.status();
    if (*theirs) {  // they asked first: asking back accepts
      if (Status s = txn.AddFriendship(me, to, now); !s.ok()) return s;
      cache.Clear();  // the writer caches whether a direct pair may message
      outcome.became_friends = true;
      return Status::Ok();
    }
    outcome.request = store::FriendRequest{me, to, note, now};
    return txn.AddFriendRequest(outcome.request);
  };
  auto deliver = [&] {
    if (!outcome.became_friends) {
      PublishTo(to, events::FriendRequested{outcome.request, Public(sender)});
      return;
    }
    const int64_t since = NowMillis();
    outcome.added = FriendOf(recipient, since);
    PublishTo(me, events::FriendAdded{outcome.added});
    PublishTo(to, events::FriendAdded{FriendOf(sender, since)});
  };
  if (Status s = Commit(apply, deliver); !s.ok()) return s;
  return outcome;
}

Result<Friend> Social::Accept(int64_t me, int64_t from) {
  store::User sender, self;
  int64_t since = 0;
  auto apply = [&](store::WriteTxn& txn, ConversationCache& cache) -> Status {
    auto removed = txn.RemoveFriendRequest(from, me);
    if (!removed.ok()) return removed.status();
    if (!*removed) return Status(Code::kNotFound, "no such friend request");
    auto other = txn.FindUser(from);
    if (!other.ok()) return other.status();
    sender = std::move(*other);
    auto mine = txn.FindUser(me);
    if (!mine.ok()) return mine.status();
    self = std::move(*mine);
    since = NowMillis();
    if (Status s = txn.AddFriendship(me, from, since); !s.ok()) return s;
    cache.Clear();
    return Status::Ok();
  };
  Friend added;
  auto deliver = [&] {
    added = FriendOf(sender, since);
    PublishTo(me, events::FriendAdded{added});
    PublishTo(from, events::FriendAdded{FriendOf(self, since)});
  };
  if (Status s = Commit(apply, deliver); !s.ok()) return s;
  return added;
}

Status Social::Decline(int64_t me, int64_t from) {
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto removed = txn.RemoveFriendRequest(from, me);
    if (!removed.ok()) return removed.status();
    return *removed ? Status::Ok() : Status(Code::kNotFound, "no such friend request");
  };
  auto deliver = [&] {
    const int64_t both[] = {from, me};
    events_.Publish(Audience{both},
                    events::FriendRequestClosed{store::FriendRequest{from, me}, true});
  };
  return Commit(apply, deliver);
}

Status Social::Cancel(int64_t me, int64_t to) {
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    auto removed = txn.RemoveFriendRequest(me, to);
    if (!removed.ok()) return removed.status();
    return *removed ? Status::Ok() : Status(Code::kNotFound, "no such friend request");
  };
  auto deliver = [&] {
    const int64_t both[] = {me, to};
    events_.Publish(Audience{both},
                    events::FriendRequestClosed{store::FriendRequest{me, to}, false});
  };
  return Commit(apply, deliver);
}

void Social::PublishRemoved(int64_t user_a, int64_t user_b) {
  PublishTo(user_a, events::FriendRemoved{user_b});
  PublishTo(user_b, events::FriendRemoved{user_a});
}

Status Social::RemoveFriend(int64_t me, int64_t other) {
  auto apply = [&](store::WriteTxn& txn, ConversationCache& cache) -> Status {
    auto removed = txn.RemoveFriendship(me, other);
    if (!removed.ok()) return removed.status();
    if (!*removed) return Status(Code::kNotFound, "not friends with this user");
    cache.Clear();
    return Status::Ok();
  };
  return Commit(apply, [&] { PublishRemoved(me, other); });
}

Status Social::Block(int64_t me, int64_t other) {
  if (me == other) return Status(Code::kInvalidArgument, "cannot block oneself");
  bool were_friends = false;
  bool new_block = false;
  std::vector<store::FriendRequest> dropped;
  store::User blocked;
  const int64_t since = NowMillis();
  auto apply = [&](store::WriteTxn& txn, ConversationCache& cache) -> Status {
    auto user = txn.FindUser(other);
    if (!user.ok()) return NotFoundAs(user.status(), "no such user");
    blocked = Public(std::move(*user));
    auto added = txn.AddBlock(me, other, since);
    if (!added.ok()) return added.status();
    new_block = *added;
    auto removed = txn.RemoveFriendship(me, other);
    if (!removed.ok()) return removed.status();
    were_friends = *removed;
    for (auto [from, to] : {std::pair{me, other}, std::pair{other, me}}) {
      auto request = txn.RemoveFriendRequest(from, to);
      if (!request.ok()) return request.status();
      if (*request) dropped.push_back(store::FriendRequest{from, to});
    }
    cache.Clear();
    return Status::Ok();
  };
  auto deliver = [&] {
    if (were_friends) PublishRemoved(me, other);
    const int64_t both[] = {me, other};
    for (const store::FriendRequest& request : dropped) {
      events_.Publish(Audience{both}, events::FriendRequestClosed{request, false});
    }
    if (new_block) PublishTo(me, events::BlockChanged{blocked, true, since});
  };
  return Commit(apply, deliver);
}

Status Social::Unblock(int64_t me, int64_t other) {
  store::User unblocked;
  auto apply = [&](store::WriteTxn& txn, ConversationCache& cache) -> Status {
    auto removed = txn.RemoveBlock(me, other);
    if (!removed.ok()) return removed.status();
    if (!*removed) return Status(Code::kNotFound, "this user is not blocked");
    auto user = txn.FindUser(other);
    if (user.ok()) {
      unblocked = Public(std::move(*user));
    } else if (user.status().code() != Code::kNotFound) {
      return user.status();
    }
    unblocked.id = other;
    cache.Clear();
    return Status::Ok();
  };
  return Commit(apply, [&] { PublishTo(me, events::BlockChanged{unblocked, false, 0}); });
}

Result<store::User> Social::UpdateProfile(int64_t me, const store::ProfileUpdate& update) {
  if (Status s = ValidateProfileUpdate(update); !s.ok()) return s;
  store::User updated;
  std::vector<int64_t> audience;
  auto apply = [&](store::WriteTxn& txn, ConversationCache&) -> Status {
    if (update.avatar && !update.avatar->empty()) {
      if (Status s = UseAsAvatar(txn, me, *update.avatar, NowMillis()); !s.ok()) return s;
    }
    auto user = txn.UpdateProfile(me, update);
    if (!user.ok()) return user.status();
    updated = Public(std::move(*user));
    auto friends = txn.FriendIds(me);
    if (!friends.ok()) return friends.status();
    audience = std::move(*friends);
    audience.push_back(me);  // the user's other devices
    return Status::Ok();
  };
  auto deliver = [&] { events_.Publish(Audience{audience}, events::ProfileChanged{updated}); };
  if (Status s = Commit(apply, deliver); !s.ok()) return s;
  return updated;
}

// --- presence and typing ---

// Runs under the tracker's lock, so one user's changes are queued to the writer in order; the
// writer persists the last-seen time and reads the friends, and delivers in that same order.
void Social::PublishPresence(int64_t user_id, PresenceStatus status) {
  struct Change {
    PresenceInfo presence;
    std::vector<int64_t> friends;
  };
  auto change = std::make_shared<Change>(Change{PresenceInfo{status, NowMillis()}, {}});
  auto apply = [user_id, change](store::WriteTxn& txn, ConversationCache&) -> Status {
    if (change->presence.status == PresenceStatus::kOffline) {
      if (Status s = txn.SetLastSeen(user_id, change->presence.last_seen_at); !s.ok()) return s;
    }
    auto friends = txn.FriendIds(user_id);
    if (!friends.ok()) return friends.status();
    change->friends = std::move(*friends);
    return Status::Ok();
  };
  auto done = [this, user_id, change](Status status) {
    if (!status.ok()) return;  // presence is best effort; the next change corrects it
    events_.Publish(Audience{change->friends}, events::PresenceChanged{user_id, change->presence});
  };
  // A full queue drops this change: presence is the first thing to give way under load.
  (void)writer_.Submit(std::move(apply), std::move(done));
}

// Read in a writer task: the audience comes from the writer's cache (members, block peers,
// checked direct pairs), decided by the same rules as sends and receipts (chat/social/reach.h).
Status Social::Typing(int64_t me, int64_t conversation_id) {
  std::vector<int64_t> audience;
  auto apply = [&](store::WriteTxn& txn, ConversationCache& cache) -> Status {
    auto members = LiveAudience(txn, cache, writer_.reach(), me, conversation_id);
    if (!members.ok()) return members.status();
    audience.reserve((*members)->size());
    for (int64_t user : **members) {
      if (user != me) audience.push_back(user);  // not the sender's own devices
    }
    return Status::Ok();
  };
  return Commit(apply, [&] {
    if (!audience.empty()) {
      events_.Publish(Audience{audience}, events::Typing{conversation_id, me});
    }
  });
}

}  // namespace parley::chat
