#include "chat/groups/group_event_text.h"

#include "base/json_writer.h"

namespace parley::chat {

std::string GroupEventText(const GroupEvent& e) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("type", e.type).Field("actor", e.actor);
  if (!e.users.empty() || e.type == "group_created") {
    w.Key("users").BeginArray();
    for (int64_t user : e.users) w.Int(user);
    w.EndArray();
  }
  if (e.user) w.Field("user", *e.user);
  if (e.name) w.Field("name", *e.name);
  if (e.topic) w.Field("topic", *e.topic);
  if (e.role) w.Field("role", *e.role);
  if (e.until) w.Field("until", *e.until);
  if (e.is_public) w.Field("is_public", *e.is_public);
  if (e.via) w.Field("via", *e.via);
  w.EndObject();
  return out;
}

}  // namespace parley::chat
