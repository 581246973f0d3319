// Retention: how long conversations keep their messages (docs/operations.md, "Retention and
// pruning"). The server's policy (config keys) and a conversation's own policy both apply: the
// stricter of the two wins, field by field. Who may set a conversation's policy: a group's
// owner and admins; either member of a direct conversation; nobody for a system conversation.
// Pruner (chat/messaging/pruner.h) does the removing.
//
// Thread-safety: all methods are thread-safe and block (store reads, a writer task): call them
// from worker threads. Ownership: borrows the store and the writer, which must outlive it.
#ifndef PARLEY_CHAT_MESSAGING_RETENTION_H_
#define PARLEY_CHAT_MESSAGING_RETENTION_H_

#include <chrono>
#include <cstdint>

#include "base/status.h"
#include "chat/messaging/message_writer.h"
#include "store/store.h"
#include "store/types.h"

namespace parley::chat {

struct RetentionOptions {
  store::RetentionPolicy server;  // retention-days, retention-max-messages (0: keep forever)
  int64_t media_days = 0;         // media-retention-days: attachments older go (0: keep)
  std::chrono::milliseconds interval{60 * 1000};  // retention-interval-s: between pruner passes
  int batch = 500;  // retention-batch: messages removed per write transaction at most
};

// The largest values a policy field takes (100 years; a billion messages).
inline constexpr int64_t kMaxRetentionDays = 36500;
inline constexpr int64_t kMaxRetentionMessages = 1000000000;

// Field by field, the smaller limit of the two (0 is no limit).
store::RetentionPolicy Stricter(const store::RetentionPolicy& a, const store::RetentionPolicy& b);

// kInvalidArgument unless both fields are within 0 and their maximum.
Status ValidatePolicy(const store::RetentionPolicy& policy);

// What a member sees of a conversation's retention.
struct RetentionView {
  store::RetentionPolicy conversation;  // the conversation's own policy
  store::RetentionPolicy effective;     // what applies: the stricter of it and the server's
  int64_t media_days = 0;               // the server's media retention
  int64_t pruned_through = 0;           // messages with seq <= this were removed
  bool can_change = false;              // whether the asking user may set the policy
};

class Retention {
 public:
  Retention(store::Store& store, MessageWriter& writer, RetentionOptions options);

  const RetentionOptions& options() const { return options_; }

  // kNotFound unless the user is a member of the conversation.
  Result<RetentionView> Get(int64_t user_id, int64_t conversation_id);
  // Sets the conversation's own policy (zeros: none). kInvalidArgument for values out of range,
  // kNotFound unless a member, kForbidden for a group member who is not owner or admin and for
  // a system conversation.
  Status Set(int64_t user_id, int64_t conversation_id, const store::RetentionPolicy& policy);

 private:
  store::Store& store_;
  MessageWriter& writer_;
  const RetentionOptions options_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MESSAGING_RETENTION_H_
