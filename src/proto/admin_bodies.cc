#include "proto/admin_bodies.h"

#include "base/json_writer.h"
#include "proto/social_frames.h"

namespace parley::proto {
namespace {

void WriteAdminUser(JsonWriter& w, const store::User& user) {
  w.BeginObject();
  WritePublicProfile(w, user);
  w.Field("is_admin", user.is_admin)
      .Field("disabled", user.disabled_at != 0)
      .Field("disabled_at", user.disabled_at)
      .Field("created_at", user.created_at)
      .Field("last_seen_at", user.last_seen_at)
      .EndObject();
}

std::string_view ReportKind(const store::Report& r) {
  if (r.conversation_id != 0) return "message";
  return r.group_id != 0 ? "group" : "user";
}

// What the reporter showed: {"kind", "text"} for a message, {"name", "topic", "is_public",
// "member_count", "owner_id"} for a group; null for a user or once erased.
void WriteSnapshot(JsonWriter& w, const store::Report& r) {
  const store::ReportSnapshot& s = r.snapshot;
  w.Key("snapshot");
  if (r.conversation_id != 0 && !s.message_kind.empty()) {
    w.BeginObject().Field("kind", s.message_kind).Field("text", s.message_text).EndObject();
  } else if (r.group_id != 0 && !s.group_name.empty()) {
    w.BeginObject()
        .Field("name", s.group_name)
        .Field("topic", s.group_topic)
        .Field("is_public", s.group_public)
        .Field("member_count", s.group_members)
        .Field("owner_id", r.user_id)
        .EndObject();
  } else {
    w.Null();
  }
}

void WriteReport(JsonWriter& w, const store::Report& r) {
  w.BeginObject()
      .Field("id", r.id)
      .Field("kind", ReportKind(r))
      .Field("reporter_id", r.reporter_id)
      .Field("user_id", r.user_id)
      .Field("conversation_id", r.conversation_id)
      .Field("seq", r.seq)
      .Field("group_id", r.group_id)
      .Field("reason", r.reason)
      .Field("created_at", r.created_at)
      .Field("state", r.resolved_at != 0 ? "resolved" : "open")
      .Field("resolved_at", r.resolved_at)
      .Field("resolved_by", r.resolved_by)
      .Field("resolution", r.resolution);
  WriteSnapshot(w, r);
  w.EndObject();
}

}  // namespace

std::string AdminUsersBody(std::span<const store::User> users, bool has_more) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("users").BeginArray();
  for (const store::User& user : users) WriteAdminUser(w, user);
  w.EndArray().Field("has_more", has_more).EndObject();
  return out;
}

std::string AdminUserBody(const store::User& user, bool has_password,
                          std::span<const store::Device> sessions) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("user");
  WriteAdminUser(w, user);
  w.Field("has_password", has_password).Key("sessions").BeginArray();
  for (const store::Device& d : sessions) {
    w.BeginObject()
        .Field("id", d.id)
        .Field("device", d.name)
        .Field("created_at", d.created_at)
        .Field("last_seen_at", d.last_seen_at)
        .Field("expires_at", d.expires_at)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string AdminStatsBody(const store::ServerStats& counts, int64_t online_connections) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("users", counts.users)
      .Field("disabled_users", counts.disabled_users)
      .Field("conversations", counts.conversations)
      .Field("messages", counts.messages)
      .Field("media_bytes", counts.media_bytes)
      .Field("online_connections", online_connections)
      .EndObject();
  return out;
}

std::string AuditLogBody(std::span<const store::AuditEntry> entries, bool has_more) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("entries").BeginArray();
  for (const store::AuditEntry& e : entries) {
    w.BeginObject()
        .Field("id", e.id)
        .Field("at", e.at)
        .Field("actor_id", e.actor_id)
        .Field("action", e.action)
        .Field("target", e.target)
        .Field("details", e.details)
        .EndObject();
  }
  w.EndArray().Field("has_more", has_more).EndObject();
  return out;
}

std::string ReportsBody(std::span<const store::Report> reports, bool has_more) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("reports").BeginArray();
  for (const store::Report& r : reports) WriteReport(w, r);
  w.EndArray().Field("has_more", has_more).EndObject();
  return out;
}

std::string AdminGroupBody(const store::Group& group, int64_t owner_id) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Key("group")
      .BeginObject()
      .Field("id", group.id)
      .Field("name", group.name)
      .Field("topic", group.topic)
      .Field("is_public", group.is_public)
      .Field("member_count", group.member_count)
      .Field("owner_id", owner_id)
      .Field("created_at", group.created_at)
      .Field("last_seq", group.last_seq)
      .EndObject()
      .EndObject();
  return out;
}

std::string ReportBody(const store::Report& report) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("report");
  WriteReport(w, report);
  w.EndObject();
  return out;
}

}  // namespace parley::proto
