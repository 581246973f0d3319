// E-mail digests: one mail per quiet period telling a user who opted in what they missed while
// offline (docs/protocol.md, "Push notifications"; docs/operations.md, "E-mail").
//
//   Outbox (a notification for an offline subscriber) --> DeliveryStore::NoteMissed
//   DigestMailer (its own thread, every `check_period`) --> DecideDigest for each pending row
//     --> DigestSource::Read (address, language, unread conversations) --> ComposeDigest
//     --> mail::Mailer::Send
//
// Rules (DecideDigest): a digest goes out `after_ms` after the first miss of a quiet period if
// the user has not been online since; at most one per quiet period; a user back online after
// every miss gets none (they saw the app); one back after the first miss but gone again with
// later misses starts a new period from when they were last seen. The content is read when
// the mail is made, from the store: the conversations with unread messages, so a digest never
// lists what the user already read, nor a conversation they muted. What it shows follows the user's
// preview level (and the server's): texts, names only, or counts only. No verified address: no
// mail.
//
// Thread-safety: the mailer's thread is the only caller of the source and of Pass; Stop
// (idempotent; the destructor calls it) joins it. Ownership: borrows everything it is given.
#ifndef PARLEY_PUSH_DIGEST_H_
#define PARLEY_PUSH_DIGEST_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/periodic.h"
#include "base/status.h"
#include "mail/mail.h"
#include "push/delivery_store.h"
#include "push/notification.h"
#include "push/push_store.h"

namespace parley::push {

// One conversation with unread messages, as the digest may show it.
struct MissedConversation {
  int64_t conversation_id = 0;
  bool is_group = false;
  std::string title;  // the group's name, or the other person's name
  int64_t unread = 0;
  std::string last_sender;  // the newest message's sender (a group's member), may be empty
  std::string last_text;    // the newest message's text (first bytes); empty for media
  std::string media_kind;   // "image", "voice", "file" when the newest message is media
};

// What the store knows for a user's digest.
struct DigestContent {
  std::string address;                            // the verified address; empty: none, no mail
  std::string language;                           // the profile's BCP 47 tag ("" for English)
  std::string name;                               // the user's display name or username
  std::vector<MissedConversation> conversations;  // unread > 0, most recent first
};

class DigestSource {
 public:
  virtual ~DigestSource() = default;
  // When the user was last online: now while a device is connected; 0 if never.
  virtual int64_t SeenAt(int64_t user_id) = 0;
  virtual Result<DigestContent> Read(int64_t user_id) = 0;
};

enum class DigestStep { kWait, kSend, kDrop, kRestart };
DigestStep DecideDigest(const PendingDigest& digest, int64_t seen_at, int64_t now,
                        int64_t after_ms);

// The mail for `content` at `preview` (kNone: counts only), in the content's language (English,
// Chinese or French; English for any other). `public_url` ("https://chat.example.org", may be
// empty) is where the mail says to open Parley.
mail::Mail ComposeDigest(const DigestContent& content, Preview preview,
                         const std::string& public_url);

struct DigestOptions {
  int64_t after_ms = 30 * 60 * 1000;  // offline this long with misses before a digest
  std::chrono::milliseconds check_period{30'000};
  Preview server_preview = Preview::kFull;
  std::string public_url;
};

class DigestMailer {
 public:
  DigestMailer(DeliveryStore& deliveries, PushStore& settings, DigestSource& source,
               mail::Mailer& mailer, DigestOptions options);
  void Stop() { periodic_.Stop(); }

  // One pass over the pending digests at `now` (the thread calls it; tests call it directly).
  void Pass(int64_t now);
  uint64_t sent() const { return sent_.load(); }

 private:
  // Removes the conversations the user has muted at `now` from `content`.
  Status WithoutMuted(int64_t user_id, int64_t now, DigestContent& content);

  DeliveryStore& deliveries_;
  PushStore& settings_;
  DigestSource& source_;
  mail::Mailer& mailer_;
  const DigestOptions options_;
  std::atomic<uint64_t> sent_{0};  // mails handed to the mailer
  Periodic periodic_;              // last: its thread starts after everything above is set
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_DIGEST_H_
