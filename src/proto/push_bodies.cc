#include "proto/push_bodies.h"

#include <cstdio>

#include "base/json_writer.h"
#include "proto/json_reader.h"

namespace parley::proto {
namespace {

constexpr size_t kMaxKeyChars = 256;

void WriteTarget(JsonWriter& w, const push::Target& target, bool with_secret) {
  w.BeginObject()
      .Field("id", target.id)
      .Field("provider", push::ProviderName(target.provider))
      .Field(target.provider == push::Provider::kFcm || target.provider == push::Provider::kApns
                 ? "token"
                 : "endpoint",
             target.endpoint)
      .Field("device_id", target.device_id)
      .Field("created_at", target.created_at);
  if (with_secret && !target.secret.empty()) w.Field("secret", target.secret);
  w.EndObject();
}

// "HH:MM" (24-hour) as minutes after midnight.
std::optional<int> ParseClockTime(std::string_view text) {
  const auto digit = [&](size_t i) { return text[i] >= '0' && text[i] <= '9'; };
  if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4)) {
    return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::string ClockTime(int minute) {
  const unsigned of_day = static_cast<unsigned>(minute) % (24 * 60);
  char text[6];
  std::snprintf(text, sizeof text, "%02u:%02u", of_day / 60, of_day % 60);
  return text;
}

}  // namespace

Result<push::Registration> DecodeTargetRegistration(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto provider = RequiredString(*object, "provider");
  if (!provider.ok()) return provider.status();
  push::Registration registration;
  if (*provider == "fcm" || *provider == "apns") {
    auto token = RequiredString(*object, "token");
    if (!token.ok()) return token.status();
    registration.provider = *provider == "fcm" ? push::Provider::kFcm : push::Provider::kApns;
    registration.endpoint = std::move(*token);
    return registration;
  }
  auto endpoint = RequiredString(*object, "endpoint");
  if (!endpoint.ok()) return endpoint.status();
  registration.endpoint = std::move(*endpoint);
  if (*provider == "webhook") {
    registration.provider = push::Provider::kWebhook;
    return registration;
  }
  if (*provider != "webpush") {
    return Status(Code::kInvalidArgument, "provider must be webpush, webhook, fcm or apns");
  }
  registration.provider = push::Provider::kWebPush;
  auto keys = object->find("keys");
  if (keys == object->end() || !keys->is_object()) {
    return Status(Code::kMalformed, "field 'keys' must be an object");
  }
  auto p256dh = RequiredString(*keys, "p256dh");
  if (!p256dh.ok()) return p256dh.status();
  auto auth = RequiredString(*keys, "auth");
  if (!auth.ok()) return auth.status();
  if (p256dh->size() > kMaxKeyChars || auth->size() > kMaxKeyChars) {
    return Status(Code::kInvalidArgument, "keys are at most 256 characters");
  }
  registration.p256dh = std::move(*p256dh);
  registration.auth = std::move(*auth);
  return registration;
}

Result<PushSettingsUpdate> DecodePushSettings(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  PushSettingsUpdate update;
  auto preview = OptionalString(*object, "preview");
  if (!preview.ok()) return preview.status();
  if (*preview) {
    if (**preview == "full") {
      update.preview = push::Preview::kFull;
    } else if (**preview == "sender") {
      update.preview = push::Preview::kSender;
    } else if (**preview == "none") {
      update.preview = push::Preview::kNone;
    } else {
      return Status(Code::kInvalidArgument, "preview must be full, sender or none");
    }
  }
  if (auto quiet = object->find("quiet_hours"); quiet != object->end()) {
    if (quiet->is_null()) {
      update.quiet_hours = std::optional<push::QuietHours>();
    } else if (!quiet->is_object()) {
      return Status(Code::kMalformed, "field 'quiet_hours' must be an object or null");
    } else {
      auto start = RequiredString(*quiet, "start");
      if (!start.ok()) return start.status();
      auto end = RequiredString(*quiet, "end");
      if (!end.ok()) return end.status();
      auto start_minute = ParseClockTime(*start);
      auto end_minute = ParseClockTime(*end);
      if (!start_minute || !end_minute) {
        return Status(Code::kInvalidArgument, "quiet_hours times must be HH:MM, 00:00 to 23:59");
      }
      update.quiet_hours = push::QuietHours{*start_minute, *end_minute};
    }
  }
  auto when_away = OptionalBool(*object, "when_away");
  if (!when_away.ok()) return when_away.status();
  update.when_away = *when_away;
  auto email_digest = OptionalBool(*object, "email_digest");
  if (!email_digest.ok()) return email_digest.status();
  update.email_digest = *email_digest;
  if (!update.preview && !update.quiet_hours && !update.when_away && !update.email_digest) {
    return Status(Code::kMalformed,
                  "expected 'preview', 'quiet_hours', 'when_away' or 'email_digest'");
  }
  return update;
}

Result<int64_t> DecodePushMute(std::string_view body) {
  if (body.empty()) return int64_t{0};
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto until = OptionalInt(*object, "until");
  if (!until.ok()) return until.status();
  return until->value_or(0);
}

std::string TargetBody(const push::Target& target, bool with_secret) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("target");
  WriteTarget(w, target, with_secret);
  w.EndObject();
  return out;
}

std::string TargetsBody(const std::vector<push::Target>& targets) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("targets").BeginArray();
  for (const push::Target& target : targets) WriteTarget(w, target, false);
  w.EndArray().EndObject();
  return out;
}

std::string PushSettingsBody(const push::Registry::Settings& settings) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("preview", push::PreviewName(settings.preview))
      .Field("server_preview", push::PreviewName(settings.server_preview))
      .Key("quiet_hours");
  if (settings.quiet_hours) {
    w.BeginObject()
        .Field("start", ClockTime(settings.quiet_hours->start_minute))
        .Field("end", ClockTime(settings.quiet_hours->end_minute))
        .EndObject();
  } else {
    w.Null();
  }
  w.Field("when_away", settings.delivery.when_away)
      .Field("email_digest", settings.delivery.email_digest)
      .Field("email_digest_after_ms", settings.digest_after_ms);
  w.Key("mutes").BeginArray();
  for (const push::Mute& mute : settings.mutes) {
    w.BeginObject()
        .Field("conversation_id", mute.conversation_id)
        .Field("until", mute.until)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string VapidKeyBody(std::string_view public_key) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("public_key", public_key).EndObject();
  return out;
}

}  // namespace parley::proto
