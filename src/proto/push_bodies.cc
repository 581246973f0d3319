#include "proto/push_bodies.h"

#include "proto/json_reader.h"
#include "proto/json_writer.h"

namespace parley::proto {
namespace {

constexpr size_t kMaxKeyChars = 256;

void WriteTarget(JsonWriter& w, const push::Target& target, bool with_secret) {
  w.BeginObject()
      .Field("id", target.id)
      .Field("provider", push::ProviderName(target.provider))
      .Field("endpoint", target.endpoint)
      .Field("device_id", target.device_id)
      .Field("created_at", target.created_at);
  if (with_secret && !target.secret.empty()) w.Field("secret", target.secret);
  w.EndObject();
}

}  // namespace

Result<push::Registration> DecodeTargetRegistration(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto provider = RequiredString(*object, "provider");
  if (!provider.ok()) return provider.status();
  auto endpoint = RequiredString(*object, "endpoint");
  if (!endpoint.ok()) return endpoint.status();
  push::Registration registration;
  registration.endpoint = std::move(*endpoint);
  if (*provider == "webhook") {
    registration.provider = push::Provider::kWebhook;
    return registration;
  }
  if (*provider != "webpush") {
    return Status(Code::kInvalidArgument, "provider must be webpush or webhook");
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

Result<push::Preview> DecodePushSettings(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto preview = RequiredString(*object, "preview");
  if (!preview.ok()) return preview.status();
  if (*preview == "full") return push::Preview::kFull;
  if (*preview == "sender") return push::Preview::kSender;
  if (*preview == "none") return push::Preview::kNone;
  return Status(Code::kInvalidArgument, "preview must be full, sender or none");
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
      .Key("mutes")
      .BeginArray();
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
