// WebPushSender: delivers a job to a browser's push service (RFC 8030): the payload JSON
// encrypted for the subscription (RFC 8291, aes128gcm), a VAPID Authorization header (RFC 8292,
// an ES256 JWT for the endpoint's origin, valid 12 hours), `TTL`, `Urgency` and a `Topic` (the
// job's collapse key), so a repeated or superseded notification replaces the earlier one.
//
// Thread-safe (the key and client are shared read-only).
#ifndef PARLEY_PUSH_WEB_PUSH_SENDER_H_
#define PARLEY_PUSH_WEB_PUSH_SENDER_H_

#include <string>

#include "push/sender.h"
#include "push/web_push_crypto.h"

namespace parley::push {

class WebPushSender : public Sender {
 public:
  // `subject` is the VAPID contact (a mailto: or https: URL); `key` and `http` must outlive
  // the sender.
  WebPushSender(const VapidKey& key, const HttpClient& http, std::string subject, int ttl_seconds);
  SendResult Send(const Job& job, const Target& target, int64_t now_ms) override;

 private:
  const VapidKey& key_;
  const HttpClient& http_;
  const std::string subject_;
  const int ttl_seconds_;
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_WEB_PUSH_SENDER_H_
