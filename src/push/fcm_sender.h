// FcmSender: delivers a job to an Android device through FCM HTTP v1
// (POST {base}/v1/projects/{project}/messages:send, Authorization: Bearer <FcmAuth token>):
//   {"message": {"token": ..., "notification": {"title", "body"},
//                "data": {the payload's fields as strings},
//                "android": {"collapse_key": ..., "priority": "HIGH", "ttl": "<ttl>s",
//                            "notification": {"tag": <collapse key>,
//                                             "notification_count": <unread count>}}}}
// (the unread count also as data "badge").
// Answers: 2xx delivered; 404 or an error status "UNREGISTERED" gone (the target is removed);
// 401 the access token is dropped and the job retried; otherwise as Classify (429 and 5xx
// retried with Retry-After, other 4xx dead-lettered).
//
// Thread-safe.
#ifndef PARLEY_PUSH_FCM_SENDER_H_
#define PARLEY_PUSH_FCM_SENDER_H_

#include <string>

#include "push/fcm_auth.h"
#include "push/sender.h"

namespace parley::push {

class FcmSender : public Sender {
 public:
  // `base_url`: "https://fcm.googleapis.com" (a loopback peer in tests). `auth` and `http`
  // must outlive the sender.
  FcmSender(FcmAuth& auth, const HttpClient& http, std::string base_url, std::string project_id,
            int ttl_seconds, BadgeOf badge_of = nullptr);
  SendResult Send(const Job& job, const Target& target, int64_t now_ms) override;

  // The request body for `job` to device `token` (tests read it).
  // `badge` < 0: none.
  std::string MessageJson(const Job& job, std::string_view token, int64_t badge = -1) const;

 private:
  FcmAuth& auth_;
  const HttpClient& http_;
  const std::string url_;
  const int ttl_seconds_;
  const BadgeOf badge_of_;
};

}  // namespace parley::push

#endif  // PARLEY_PUSH_FCM_SENDER_H_
