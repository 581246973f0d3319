// ApnsSender: delivers a job to an Apple device through APNs over HTTP/2
// (POST {base}/3/device/<device token>), authenticated by a provider token: an ES256 JWT
// {"alg": "ES256", "kid": key id} {"iss": team id, "iat": now} signed with the .p8 key named
// in the configuration. Apple refuses tokens older than an hour and throttles new ones issued
// more often than every 20 minutes: one is made every 50 minutes, or at once when APNs says
// ExpiredProviderToken or InvalidProviderToken.
//
// Headers: authorization: bearer <token>, apns-topic (the app's bundle id), apns-push-type:
// alert, apns-priority: 10, apns-collapse-id (the job's collapse key), apns-expiration (now +
// TTL). Body: {"aps": {"alert": {"title", "body"}, "sound": "default", "thread-id": <collapse
// key>, "badge": <the user's unread count>}, "parley": <the payload>}.
// Answers: 200 delivered; 410 (Unregistered), 400 BadDeviceToken or DeviceTokenNotForTopic
// gone (the target is removed); 403 with a provider-token reason retried with a new token;
// otherwise as Classify (429 and 5xx retried, other 4xx dead-lettered).
//
// Thread-safe.
#ifndef PARLEY_PUSH_APNS_SENDER_H_
#define PARLEY_PUSH_APNS_SENDER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "push/jwt.h"
#include "push/sender.h"

namespace parley::push {

inline constexpr int64_t kApnsTokenRefreshMs = 50 * 60 * 1000;

struct ApnsOptions {
  std::string base_url = "https://api.push.apple.com";
  std::string key_id;   // the .p8 key's 10-character id
  std::string team_id;  // the developer team's 10-character id
  std::string topic;    // the app's bundle id
  int ttl_seconds = 24 * 3600;
};

class ApnsSender : public Sender {
 public:
  // `http` must outlive the sender; `key` is the .p8 key (ES256).
  ApnsSender(std::unique_ptr<SigningKey> key, const HttpClient& http, ApnsOptions options,
             BadgeOf badge_of = nullptr);
  SendResult Send(const Job& job, const Target& target, int64_t now_ms) override;

  // The provider token at `now_ms`: the cached one unless it is kApnsTokenRefreshMs old or
  // was refused.
  Result<std::string> ProviderToken(int64_t now_ms);
  // The request body for `job` (tests read it).
  // `badge` < 0: none.
  static std::string NotificationJson(const Job& job, int64_t badge = -1);

 private:
  void Invalidate(std::string_view token);

  const std::unique_ptr<SigningKey> key_;
  const HttpClient& http_;
  const ApnsOptions options_;
  const BadgeOf badge_of_;
  std::mutex mutex_;
  std::string token_;      // guarded by mutex_
  int64_t issued_at_ = 0;  // guarded by mutex_: ms
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_APNS_SENDER_H_
