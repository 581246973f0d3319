// Reports: a user reports a message they can read, a group they can see, or another user, with
// a reason, for the server admins to look at (docs/protocol.md, "Reports"). Resolving a report
// is an admin action (account/admin_service.h).
//
// Contract
// - A message report names (conversation_id, seq) of a text message the reporter can read: a
//   member, at a seq from their first_seq on. Anything else, a deleted message included, is
//   kNotFound "no such message", the same answer whether or not it exists. The message's sender
//   is the reported user; reporting one's own message or oneself is kInvalidArgument.
// - A group report names a live group the reporter can see: a member, or anyone for a public
//   group they are not banned from (as the directory shows it). Anything else is kNotFound
//   "no such group", whether or not it exists. The owner is the reported user; the owner
//   reporting their own group is kInvalidArgument.
// - The report keeps a snapshot (store::ReportSnapshot) of what the reporter saw: the
//   message's kind and text, or the group's name, topic, visibility, member count (and owner).
//   Admins are not members; the reporter's act shares it with them.
// - A user report names an existing user: kNotFound "no such user" otherwise.
// - The reason is 1 to max_reason_bytes bytes of UTF-8 (kInvalidArgument when empty,
//   kTooLarge when longer).
// - Each user files at most `per_user` reports per window (kRateLimited); refused reports do
//   not count.
// - Thread-safe; blocking (store reads and a write): call from worker threads.
// - Ownership: borrows the store, which must outlive it.
#ifndef PARLEY_CHAT_NOTICES_REPORTS_H_
#define PARLEY_CHAT_NOTICES_REPORTS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/rate_limiter.h"
#include "base/status.h"
#include "store/store.h"

namespace parley::chat {

struct ReportOptions {
  size_t max_reason_bytes = 1000;
  // Reports filed per user: 20 per hour.
  RateLimit per_user{.max_events = 20, .window_ms = 60 * 60 * 1000};
  size_t max_tracked_users = 100'000;  // keys the rate limiter remembers
};

// What a user reports, exactly one of: a message (conversation_id and seq set), a group
// (group_id set) or a user (user_id set).
struct ReportRequest {
  int64_t conversation_id = 0;
  int64_t seq = 0;
  int64_t user_id = 0;
  std::string reason;
  int64_t group_id = 0;
};

// How a server admin resolves a report (account/admin_service.h).
// kMakePrivate and kDeleteGroup apply to reports of groups, kDeleteMessage to reports of
// messages; kDisableUser disables the report's user (a group's owner as reported).
enum class Resolution { kDismiss, kDeleteMessage, kDisableUser, kMakePrivate, kDeleteGroup };
// "dismiss", "delete_message", "disable_user", "make_private", "delete_group": the wire and
// stored names.
std::string_view ResolutionName(Resolution resolution);
// The resolution named `name`; nullopt for any other name.
std::optional<Resolution> ResolutionNamed(std::string_view name);

class Reports {
 public:
  explicit Reports(store::Store& store, ReportOptions options = {});

  // In a cluster: this service's rate limits hold across the nodes (base/rate_limiter.h,
  // Share). Called once while wiring, before requests are served; `shared` outlives the service.
  void ShareLimits(SharedBuckets* shared);

  // Stores the report and returns it with its id.
  Result<store::Report> File(int64_t reporter_id, const ReportRequest& request, int64_t now);

 private:
  // Fills the report from the message the reporter can read; kNotFound otherwise.
  Status OfMessage(int64_t reporter_id, int64_t conversation_id, int64_t seq,
                   store::Report& report);
  // Fills the report from the group the reporter can see; kNotFound otherwise.
  Status OfGroup(int64_t reporter_id, int64_t group_id, store::Report& report);

  store::Store& store_;
  const ReportOptions options_;
  RateLimiter filed_;  // keyed by reporter id
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_NOTICES_REPORTS_H_
