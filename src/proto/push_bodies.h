// Push targets and settings over HTTP (docs/protocol.md, "Push notifications"): request
// decoding and response bodies. Pure functions, thread-safe.
#ifndef PARLEY_PROTO_PUSH_BODIES_H_
#define PARLEY_PROTO_PUSH_BODIES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "push/registry.h"

namespace parley::proto {

// {"provider": "webpush", "endpoint": URL, "keys": {"p256dh": B64URL, "auth": B64URL}}
// (a browser's PushSubscription.toJSON(), plus the provider) or
// {"provider": "webhook", "endpoint": URL} or {"provider": "fcm" | "apns", "token": TOKEN}.
// kMalformed for wrong shapes or types; kInvalidArgument for an unknown provider or a key over 256
// characters (the endpoint and the keys' contents are checked by push::Registry).
Result<push::Registration> DecodeTargetRegistration(std::string_view body);
// {"preview": "full" | "sender" | "none", "quiet_hours": {"start": "HH:MM", "end": "HH:MM"} |
// null, "when_away": BOOL, "email_digest": BOOL}, any of them. kMalformed for wrong shapes or
// none of the fields; kInvalidArgument for an unknown level or a time that is not a 24-hour
// HH:MM.
struct PushSettingsUpdate {
  std::optional<push::Preview> preview;
  std::optional<std::optional<push::QuietHours>> quiet_hours;  // set to none when inner empty
  std::optional<bool> when_away;
  std::optional<bool> email_digest;
};
Result<PushSettingsUpdate> DecodePushSettings(std::string_view body);
// {"until": ms since the epoch} (absent, null or 0: until unmuted)
Result<int64_t> DecodePushMute(std::string_view body);

// {"target": {...}} with "secret" inside for a webhook when `with_secret`.
std::string TargetBody(const push::Target& target, bool with_secret);
// {"targets": [...]} (never secrets or keys).
std::string TargetsBody(const std::vector<push::Target>& targets);
// {"preview": ..., "server_preview": ..., "quiet_hours": {"start", "end"} | null,
//  "when_away": BOOL, "email_digest": BOOL, "email_digest_after_ms": N (0: no digests here),
//  "mutes": [{"conversation_id", "until"}]}
std::string PushSettingsBody(const push::Registry::Settings& settings);
// {"public_key": B64URL}
std::string VapidKeyBody(std::string_view public_key);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_PUSH_BODIES_H_
