// Notices: system notifications that server admins send to every user or to chosen users, and
// the server-admin role itself.
//
// Each user's notices live in their own system conversation (ConversationKind::kSystem, created
// on first use, the user its only member, read-only to everyone): a notice is a message of kind
// kNotice there, so it has a seq, counts as unread, is replayed on reconnect and appears in
// history like any message. The sender is the admin; the text is stored once per recipient.
//
// Thread-safety: thread-safe. Send and SetAdmin block on the writer and the store: call them
// from worker threads. Ownership: borrows everything passed in; all must outlive it.
#ifndef PARLEY_CHAT_NOTICES_NOTICES_H_
#define PARLEY_CHAT_NOTICES_NOTICES_H_

#include <cstdint>
#include <span>
#include <string>

#include "base/status.h"
#include "chat/fanout/event_sink.h"
#include "chat/messaging/message_writer.h"
#include "store/store.h"

namespace parley::chat {

struct NoticeRequest {
  std::string text;
  bool everyone = false;       // every user, or only
  std::vector<int64_t> users;  // these (deduplicated; at most max_recipients)
};

class Notices {
 public:
  Notices(store::Store& store, MessageWriter& writer, EventSink& events, size_t max_text_bytes);

  // Delivers a notice from `sender` and returns how many users received it. kForbidden unless
  // the sender is a server admin; kInvalidArgument for empty text or no recipients; kTooLarge
  // for text over the limit; kNotFound (and nobody gets it) if a listed user does not exist.
  // A notice to everyone is committed in batches of users: a failure midway leaves the
  // earlier batches delivered.
  Result<int64_t> Send(const store::User& sender, const NoticeRequest& request);

  // Grants or revokes the server-admin role. kForbidden unless `caller` is an admin, or when an
  // admin would revoke their own role (the server must keep an admin); kNotFound for no user.
  Status SetAdmin(const store::User& caller, int64_t user_id, bool is_admin);

  static constexpr size_t kMaxListedRecipients = 10000;

 private:
  // Appends the notice to each user's system conversation in one writer task, then publishes
  // each copy (events::NoticePosted) to its recipient.
  Status SendBatch(const store::User& sender, const std::string& notice_id, const std::string& text,
                   std::span<const int64_t> users);

  store::Store& store_;
  MessageWriter& writer_;
  EventSink& events_;
  const size_t max_text_bytes_;
};

}  // namespace parley::chat

#endif  // PARLEY_CHAT_NOTICES_NOTICES_H_
