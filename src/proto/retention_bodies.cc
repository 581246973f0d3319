#include "proto/retention_bodies.h"

#include "base/json_writer.h"
#include "proto/json_reader.h"

namespace parley::proto {
namespace {

void WritePolicy(JsonWriter& w, std::string_view key, const store::RetentionPolicy& policy) {
  w.Key(key)
      .BeginObject()
      .Field("days", policy.days)
      .Field("max_messages", policy.max_messages)
      .EndObject();
}

}  // namespace

Result<store::RetentionPolicy> DecodeRetentionPolicy(std::string_view body) {
  auto object = ParseObject(body);
  if (!object.ok()) return object.status();
  auto days = OptionalInt(*object, "days");
  if (!days.ok()) return days.status();
  auto max_messages = OptionalInt(*object, "max_messages");
  if (!max_messages.ok()) return max_messages.status();
  store::RetentionPolicy policy{days->value_or(0), max_messages->value_or(0)};
  if (Status s = chat::ValidatePolicy(policy); !s.ok()) return s;
  return policy;
}

std::string RetentionBody(const chat::RetentionView& view) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WritePolicy(w, "conversation", view.conversation);
  WritePolicy(w, "effective", view.effective);
  w.Field("media_days", view.media_days)
      .Field("pruned_through", view.pruned_through)
      .Field("can_change", view.can_change)
      .EndObject();
  return out;
}

}  // namespace parley::proto
