// TargetRules: what a client may register as a push target. Endpoints are URLs chosen by
// clients, so they are checked here (scheme, length, no credentials, no control characters)
// and again at connect time (push/http_client.h refuses private addresses).
//
// Pure functions; thread-safe.
#ifndef PARLEY_PUSH_TARGET_RULES_H_
#define PARLEY_PUSH_TARGET_RULES_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"
#include "push/notification.h"

namespace parley::push {

inline constexpr size_t kMaxEndpointBytes = 1024;

// The parts of an endpoint URL push needs.
struct EndpointUrl {
  std::string origin;  // scheme://host[:port], the VAPID audience
  std::string host;
};

// kInvalidArgument unless `url` is an absolute https URL (http too when `allow_http`) of at
// most kMaxEndpointBytes, without user info or fragment, of printable ASCII.
Result<EndpointUrl> ParseEndpoint(std::string_view url, bool allow_http);

// Checks a Web Push subscription's keys as base64url text and returns them decoded into
// `target` (p256dh: 65 bytes, a point on P-256; auth: 16 bytes). kInvalidArgument otherwise.
Status DecodeSubscriptionKeys(std::string_view p256dh, std::string_view auth, Target& target);

// An FCM registration token: 1 to 1024 characters of letters, digits and "-_:.".
Status CheckFcmToken(std::string_view token);
// An APNs device token: 64 to 200 hex digits, an even number of them.
Status CheckApnsToken(std::string_view token);

}  // namespace parley::push

#endif  // PARLEY_PUSH_TARGET_RULES_H_
