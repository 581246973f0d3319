#include "push/fcm_sender.h"

#include <nlohmann/json.hpp>

#include "push/payload.h"

namespace parley::push {

FcmSender::FcmSender(FcmAuth& auth, const HttpClient& http, std::string base_url,
                     std::string project_id, int ttl_seconds, BadgeOf badge_of)
    : auth_(auth),
      http_(http),
      url_(base_url + "/v1/projects/" + project_id + "/messages:send"),
      ttl_seconds_(ttl_seconds),
      badge_of_(std::move(badge_of)) {}

std::string FcmSender::MessageJson(const Job& job, std::string_view token, int64_t badge) const {
  const nlohmann::json payload = nlohmann::json::parse(PayloadJson(job));
  nlohmann::json data = nlohmann::json::object();  // FCM data values are strings
  for (const auto& [key, value] : payload.items()) {
    data[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  if (badge >= 0) data["badge"] = std::to_string(badge);
  nlohmann::json message = {
      {"message",
       {{"token", token},
        {"notification", {{"title", payload["title"]}, {"body", payload["body"]}}},
        {"data", data},
        {"android",
         {{"collapse_key", job.collapse_key},
          {"priority", "HIGH"},
          {"ttl", std::to_string(ttl_seconds_) + "s"},
          {"notification", {{"tag", job.collapse_key}}}}}}}};
  if (badge >= 0) message["message"]["android"]["notification"]["notification_count"] = badge;
  return message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SendResult FcmSender::Send(const Job& job, const Target& target, int64_t now_ms) {
  using Kind = PushStore::Outcome::Kind;
  auto token = auth_.AccessToken(now_ms);
  if (!token.ok()) return SendResult{Kind::kRetry, token.status().message(), 0};
  HttpPost post;
  post.url = url_;
  post.headers = {"Content-Type: application/json; charset=UTF-8",
                  "Authorization: Bearer " + *token};
  post.body = MessageJson(job, target.endpoint, badge_of_ ? badge_of_(target.user_id) : -1);
  auto reply = http_.Post(post);
  if (reply.ok() && reply->status == 401) {
    auth_.Invalidate(*token);
    return SendResult{Kind::kRetry, "http 401 (access token refused)", 0};
  }
  if (reply.ok() && reply->body.find("\"UNREGISTERED\"") != std::string::npos) {
    return SendResult{Kind::kGone, "UNREGISTERED", 0};
  }
  return Classify(reply);
}

}  // namespace parley::push
