#include "push/web_push_sender.h"

#include "push/payload.h"
#include "push/target_rules.h"

namespace parley::push {

WebPushSender::WebPushSender(const VapidKey& key, const HttpClient& http, std::string subject,
                             int ttl_seconds)
    : key_(key), http_(http), subject_(std::move(subject)), ttl_seconds_(ttl_seconds) {}

SendResult WebPushSender::Send(const Job& job, const Target& target, int64_t now_ms) {
  using Kind = PushStore::Outcome::Kind;
  auto url = ParseEndpoint(target.endpoint, /*allow_http=*/true);  // checked at registration
  if (!url.ok()) return SendResult{Kind::kGone, "bad endpoint", 0};
  auto body = EncryptWebPush(PayloadJson(job), target.p256dh, target.auth);
  if (!body.ok()) return SendResult{Kind::kFailed, body.status().message(), 0};
  auto authorization = key_.AuthorizationHeader(url->origin, subject_, now_ms / 1000 + 12 * 3600);
  if (!authorization.ok()) return SendResult{Kind::kRetry, authorization.status().message(), 0};
  HttpPost post;
  post.url = target.endpoint;
  post.body = std::move(*body);
  post.headers = {"Content-Type: application/octet-stream",
                  "Content-Encoding: aes128gcm",
                  "TTL: " + std::to_string(ttl_seconds_),
                  "Urgency: high",
                  "Topic: " + job.collapse_key,
                  "Authorization: " + *authorization};
  return Classify(http_.Post(post));
}

}  // namespace parley::push
