#include "push/apns_sender.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "push/payload.h"
#include "push/target_rules.h"

namespace parley::push {
namespace {

std::string ReasonOf(const HttpReply& reply) {
  const nlohmann::json body = nlohmann::json::parse(reply.body, nullptr, false);
  if (!body.is_object()) return "";
  auto reason = body.find("reason");
  return reason != body.end() && reason->is_string() ? reason->get<std::string>() : "";
}

}  // namespace

ApnsSender::ApnsSender(std::unique_ptr<SigningKey> key, const HttpClient& http, ApnsOptions options,
                       BadgeOf badge_of)
    : key_(std::move(key)),
      http_(http),
      options_(std::move(options)),
      badge_of_(std::move(badge_of)) {}

Result<std::string> ApnsSender::ProviderToken(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  if (!token_.empty() && now_ms - issued_at_ < kApnsTokenRefreshMs) return token_;
  auto token = key_->Sign(nlohmann::json{{"kid", options_.key_id}}.dump(),
                          nlohmann::json{{"iss", options_.team_id}, {"iat", now_ms / 1000}}.dump());
  if (!token.ok()) return token.status();
  token_ = std::move(*token);
  issued_at_ = now_ms;
  return token_;
}

void ApnsSender::Invalidate(std::string_view token) {
  std::lock_guard lock(mutex_);
  if (token_ == token) token_.clear();
}

std::string ApnsSender::NotificationJson(const Job& job, int64_t badge) {
  const nlohmann::json payload = nlohmann::json::parse(PayloadJson(job));
  nlohmann::json body = {{"aps",
                          {{"alert", {{"title", payload["title"]}, {"body", payload["body"]}}},
                           {"sound", "default"},
                           {"thread-id", job.collapse_key}}},
                         {"parley", payload}};
  if (badge >= 0) body["aps"]["badge"] = badge;
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SendResult ApnsSender::Send(const Job& job, const Target& target, int64_t now_ms) {
  using Kind = PushStore::Outcome::Kind;
  if (!CheckApnsToken(target.endpoint).ok()) return SendResult{Kind::kGone, "bad token", 0};
  auto token = ProviderToken(now_ms);
  if (!token.ok()) return SendResult{Kind::kRetry, token.status().message(), 0};
  HttpPost post;
  post.url = options_.base_url + "/3/device/" + target.endpoint;
  post.headers = {"Content-Type: application/json",
                  "authorization: bearer " + *token,
                  "apns-topic: " + options_.topic,
                  "apns-push-type: alert",
                  "apns-priority: 10",
                  "apns-collapse-id: " + job.collapse_key,
                  "apns-expiration: " + std::to_string(now_ms / 1000 + options_.ttl_seconds)};
  post.body = NotificationJson(job, badge_of_ ? badge_of_(target.user_id) : -1);
  auto reply = http_.Post(post);
  if (reply.ok() && (reply->status == 400 || reply->status == 403)) {
    const std::string reason = ReasonOf(*reply);
    if (reason == "BadDeviceToken" || reason == "DeviceTokenNotForTopic") {
      return SendResult{Kind::kGone, reason, 0};
    }
    if (reason == "ExpiredProviderToken" || reason == "InvalidProviderToken") {
      Invalidate(*token);
      return SendResult{Kind::kRetry, reason, 0};
    }
  }
  return Classify(reply);
}

}  // namespace parley::push
