// WebhookSender: delivers a job to an integration's URL as a signed JSON POST:
//   X-Parley-Timestamp: <unix seconds>
//   X-Parley-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//   X-Parley-Delivery: <job id>.<version> (the same on a repeat: receivers deduplicate by it)
// The receiver recomputes the signature with the secret it was given at registration and
// refuses timestamps older than a few minutes (replay).
//
// Thread-safe.
#ifndef PARLEY_PUSH_WEBHOOK_SENDER_H_
#define PARLEY_PUSH_WEBHOOK_SENDER_H_

#include <string>
#include <string_view>

#include "push/sender.h"

namespace parley::push {

class WebhookSender : public Sender {
 public:
  explicit WebhookSender(const HttpClient& http) : http_(http) {}
  SendResult Send(const Job& job, const Target& target, int64_t now_ms) override;

 private:
  const HttpClient& http_;
};

// "v1=" + hex HMAC-SHA256(secret, timestamp + "." + body).
std::string WebhookSignature(std::string_view secret, int64_t timestamp_s, std::string_view body);

}  // namespace parley::push

#endif  // PARLEY_PUSH_WEBHOOK_SENDER_H_
