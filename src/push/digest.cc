#include "push/digest.h"

#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "push/payload.h"

namespace parley::push {

DigestStep DecideDigest(const PendingDigest& digest, int64_t seen_at, int64_t now,
                        int64_t after_ms) {
  if (seen_at >= digest.last_missed) return DigestStep::kDrop;  // online after every miss
  if (seen_at > digest.since) return DigestStep::kRestart;      // back between misses
  if (digest.sent_at != 0) return DigestStep::kWait;            // one per quiet period
  return now - digest.since >= after_ms ? DigestStep::kSend : DigestStep::kWait;
}

DigestMailer::DigestMailer(DeliveryStore& deliveries, PushStore& settings, DigestSource& source,
                           mail::Mailer& mailer, DigestOptions options)
    : deliveries_(deliveries),
      settings_(settings),
      source_(source),
      mailer_(mailer),
      options_(std::move(options)),
      periodic_(options_.check_period, [this] { Pass(NowMillis()); }) {}

Status DigestMailer::WithoutMuted(int64_t user_id, int64_t now, DigestContent& content) {
  auto mutes = settings_.MutesOf(user_id);
  if (!mutes.ok()) return mutes.status();
  std::erase_if(content.conversations, [&](const MissedConversation& c) {
    return MutedAt(*mutes, c.conversation_id, now);
  });
  return Status::Ok();
}

void DigestMailer::Pass(int64_t now) {
  auto pending = deliveries_.Pending();
  if (!pending.ok()) {
    Log(LogLevel::kError, "digest_store_failed", {{"reason", pending.status().message()}});
    return;
  }
  for (const PendingDigest& digest : *pending) {
    const int64_t seen_at = source_.SeenAt(digest.user_id);
    Status status;
    switch (DecideDigest(digest, seen_at, now, options_.after_ms)) {
      case DigestStep::kWait:
        continue;
      case DigestStep::kDrop:
        status = deliveries_.Drop(digest.user_id, digest.last_missed);
        break;
      case DigestStep::kRestart:
        status = deliveries_.Restart(digest.user_id, seen_at);
        break;
      case DigestStep::kSend: {
        // Marked first: a crash between the two loses this digest rather than sending it twice.
        status = deliveries_.MarkSent(digest.user_id, now);
        if (!status.ok()) break;
        auto content = source_.Read(digest.user_id);
        if (!content.ok()) {
          status = content.status();
          break;
        }
        if (Status s = WithoutMuted(digest.user_id, now, *content); !s.ok()) {
          status = s;
          break;
        }
        if (content->address.empty() || content->conversations.empty()) break;
        auto preview = settings_.PreviewOf(digest.user_id);
        const Preview level =
            Stricter(options_.server_preview, preview.ok() ? *preview : Preview::kNone);
        status = mailer_.Send(ComposeDigest(*content, level, options_.public_url));
        if (status.ok()) ++sent_;
        break;
      }
    }
    if (!status.ok()) {
      // Logged without the address or any content.
      Log(LogLevel::kWarning, "digest_failed",
          {{"user_id", std::to_string(digest.user_id)}, {"reason", status.message()}});
    }
  }
}

}  // namespace parley::push
