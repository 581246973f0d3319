#include "push/registry.h"

#include "base/log.h"
#include "base/random_hex.h"
#include "push/target_rules.h"

namespace parley::push {

Result<Target> Registry::Register(int64_t user_id, int64_t device_id,
                                  const Registration& registration, int64_t now) {
  std::string host;  // logged: where notifications go
  if (registration.provider == Provider::kFcm || registration.provider == Provider::kApns) {
    const bool fcm = registration.provider == Provider::kFcm;
    if (!(fcm ? options_.fcm_enabled : options_.apns_enabled)) {
      return Status(Code::kInvalidArgument, std::string(ProviderName(registration.provider)) +
                                                " is not configured on this server");
    }
    if (Status s =
            fcm ? CheckFcmToken(registration.endpoint) : CheckApnsToken(registration.endpoint);
        !s.ok()) {
      return s;
    }
    host = ProviderName(registration.provider);
  } else {
    auto url = ParseEndpoint(registration.endpoint, options_.allow_private);
    if (!url.ok()) return url.status();
    host = url->host;
  }
  Target target;
  target.user_id = user_id;
  target.device_id = device_id;
  target.provider = registration.provider;
  target.endpoint = registration.endpoint;
  target.created_at = now;
  if (registration.provider == Provider::kWebPush) {
    if (Status s = DecodeSubscriptionKeys(registration.p256dh, registration.auth, target);
        !s.ok()) {
      return s;
    }
  } else if (registration.provider == Provider::kWebhook) {
    target.secret = RandomHex(32);
  }
  auto added = store_.AddTarget(std::move(target), options_.max_targets_per_user);
  if (added.ok()) {
    Log(LogLevel::kInfo, "push_target_added",
        {{"user", std::to_string(user_id)},
         {"target", std::to_string(added->id)},
         {"provider", std::string(ProviderName(added->provider))},
         {"host", host}});
  }
  return added;
}

Status Registry::Remove(int64_t user_id, int64_t target_id) {
  auto removed = store_.RemoveTarget(user_id, target_id);
  if (!removed.ok()) return removed.status();
  if (!*removed) return Status(Code::kNotFound, "no such push target");
  return Status::Ok();
}

Result<Registry::Settings> Registry::SettingsOf(int64_t user_id) {
  Settings settings;
  settings.server_preview = options_.server_preview;
  auto preview = store_.PreviewOf(user_id);
  if (!preview.ok()) return preview.status();
  settings.preview = *preview;
  auto mutes = store_.MutesOf(user_id);
  if (!mutes.ok()) return mutes.status();
  settings.mutes = std::move(*mutes);
  auto quiet = store_.QuietHoursOf(user_id);
  if (!quiet.ok()) return quiet.status();
  settings.quiet_hours = *quiet;
  auto delivery = deliveries_.PrefsOf(user_id);
  if (!delivery.ok()) return delivery.status();
  settings.delivery = *delivery;
  settings.digest_after_ms = options_.digest_after_ms;
  return settings;
}

Status Registry::SetDelivery(int64_t user_id, std::optional<bool> when_away,
                             std::optional<bool> email_digest, bool has_verified_email) {
  if (email_digest.value_or(false)) {
    if (options_.digest_after_ms == 0) {
      return Status(Code::kUnavailable, "this server sends no e-mail");
    }
    if (!has_verified_email) {
      return Status(Code::kInvalidArgument, "e-mail digests need a verified e-mail address");
    }
  }
  auto prefs = deliveries_.PrefsOf(user_id);
  if (!prefs.ok()) return prefs.status();
  if (when_away) prefs->when_away = *when_away;
  if (email_digest) prefs->email_digest = *email_digest;
  return deliveries_.SetPrefs(user_id, *prefs);
}

Status Registry::SetQuietHours(int64_t user_id, std::optional<QuietHours> hours) {
  if (hours) {
    const auto in_day = [](int minute) { return minute >= 0 && minute < 24 * 60; };
    if (!in_day(hours->start_minute) || !in_day(hours->end_minute) ||
        hours->start_minute == hours->end_minute) {
      return Status(Code::kInvalidArgument,
                    "quiet_hours start and end must be different times from 00:00 to 23:59");
    }
  }
  return store_.SetQuietHours(user_id, hours);
}

Status Registry::Mute(int64_t user_id, int64_t conversation_id, int64_t until) {
  if (until < 0) return Status(Code::kInvalidArgument, "until must be 0 or a time in ms");
  if (conversation_id <= 0) return Status(Code::kNotFound, "no such conversation");
  return store_.SetMute(user_id, push::Mute{conversation_id, until});
}

void Registry::DeviceRevoked(int64_t device_id) {
  if (Status s = store_.RemoveDeviceTargets(device_id); !s.ok()) {
    Log(LogLevel::kError, "push_store_failed", {{"reason", s.message()}});
  }
}

void Registry::OtherDevicesRevoked(int64_t user_id, int64_t kept_device_id) {
  if (Status s = store_.RemoveOtherDeviceTargets(user_id, kept_device_id); !s.ok()) {
    Log(LogLevel::kError, "push_store_failed", {{"reason", s.message()}});
  }
}

}  // namespace parley::push
