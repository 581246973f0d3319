#include "push/webhook_sender.h"

#include "push/payload.h"
#include "push/web_push_crypto.h"

namespace parley::push {

std::string WebhookSignature(std::string_view secret, int64_t timestamp_s, std::string_view body) {
  const std::string mac = HmacSha256(secret, std::to_string(timestamp_s) + "." + std::string(body));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "v1=";
  for (unsigned char byte : mac) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 15]);
  }
  return out;
}

SendResult WebhookSender::Send(const Job& job, const Target& target, int64_t now_ms) {
  const int64_t timestamp = now_ms / 1000;
  HttpPost post;
  post.url = target.endpoint;
  post.body = PayloadJson(job);
  post.headers = {
      "Content-Type: application/json", "X-Parley-Timestamp: " + std::to_string(timestamp),
      "X-Parley-Signature: " + WebhookSignature(target.secret, timestamp, post.body),
      "X-Parley-Delivery: " + std::to_string(job.id) + "." + std::to_string(job.version)};
  return Classify(http_.Post(post));
}

}  // namespace parley::push
