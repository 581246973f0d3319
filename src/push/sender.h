// Sender: one provider's way of delivering a job to a target (Web Push, webhook), and the one
// table that turns an HTTP answer into what the outbox does next.
//
// Thread-safety: Send is called from several outbox sender threads at once.
#ifndef PARLEY_PUSH_SENDER_H_
#define PARLEY_PUSH_SENDER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "base/status.h"
#include "push/http_client.h"
#include "push/push_store.h"

namespace parley::push {

struct SendResult {
  PushStore::Outcome::Kind kind = PushStore::Outcome::Kind::kDelivered;
  std::string error;           // "http 503", a transport reason; never content
  int64_t retry_after_ms = 0;  // from Retry-After, when the provider gave one
};

// A user's unread count for the app icon's badge (APNs aps.badge, FCM notification_count),
// read when the notification is sent; may block on the store. Null: no badge.
using BadgeOf = std::function<int64_t(int64_t user_id)>;

class Sender {
 public:
  virtual ~Sender() = default;
  virtual SendResult Send(const Job& job, const Target& target, int64_t now_ms) = 0;
};

// 2xx delivered; 404 and 410 gone (the target is removed); 408, 425, 429 and 5xx retried
// (Retry-After in seconds honoured); any other status failed (dead-lettered: a request the
// provider will never take, such as 400, 401, 403 or 413); a transport failure retried.
SendResult Classify(const Result<HttpReply>& reply);

}  // namespace parley::push

#endif  // PARLEY_PUSH_SENDER_H_
