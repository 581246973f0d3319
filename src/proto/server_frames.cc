#include "proto/server_frames.h"

#include "base/json_writer.h"
#include "base/log.h"
#include "proto/group_bodies.h"
#include "proto/kind_names.h"
#include "proto/media_bodies.h"
#include "proto/social_frames.h"

namespace parley::proto {
namespace {

void WriteQuote(JsonWriter& w, const store::Quote& quote) {
  w.Key("reply_to")
      .BeginObject()
      .Field("seq", quote.seq)
      .Field("sender_id", quote.sender_id)
      .Field("kind", MessageKindName(quote.kind));
  if (!quote.deleted) w.Field("text", quote.text);
  if (!quote.media_kind.empty()) w.Field("media_kind", quote.media_kind);
  w.Field("deleted", quote.deleted).EndObject();
}

void WriteReactions(JsonWriter& w, const std::vector<store::Reaction>& reactions) {
  w.Key("reactions").BeginArray();
  for (const store::Reaction& reaction : reactions) {
    w.BeginObject()
        .Field("emoji", reaction.emoji)
        .Field("count", static_cast<int64_t>(reaction.users.size()))
        .Key("users")
        .BeginArray();
    for (int64_t user : reaction.users) w.Int(user);
    w.EndArray().EndObject();
  }
  w.EndArray();
}

// What a content message carries beyond its text: a tombstone carries only `deleted`.
void WriteContentState(JsonWriter& w, const store::Message& m) {
  if (m.deleted) {
    w.Field("deleted", true);
    return;
  }
  if (m.quote) WriteQuote(w, *m.quote);
  if (m.edited_at != 0) w.Field("edited_at", m.edited_at);
  if (!m.reactions.empty()) WriteReactions(w, m.reactions);
}

// An event carries its description as an object under "event" (stored as JSON the server
// wrote); text and notices carry "text"; ops carry their target and what they change.
void WriteMessageFields(JsonWriter& w, const store::Message& m) {
  w.Field("conversation_id", m.conversation_id)
      .Field("seq", m.seq)
      .Field("sender_id", m.sender_id)
      .Field("id", m.client_id)
      .Field("kind", MessageKindName(m.kind));
  switch (m.kind) {
    case store::MessageKind::kEvent:
      w.Key("event").Raw(m.text);
      break;
    case store::MessageKind::kEdit:
      w.Field("target", m.target).Field("text", m.text).Field("edited_at", m.edited_at);
      break;
    case store::MessageKind::kDelete:
      w.Field("target", m.target);
      break;
    case store::MessageKind::kReaction:
      w.Field("target", m.target).Field("emoji", m.text).Field("on", m.on);
      break;
    case store::MessageKind::kSticker:
      // Its keywords, and the sticker: the built-in pack's (no media) are /stickers/<id>.png.
      w.Field("text", m.text).Field("sticker", m.sticker);
      break;
    default:
      w.Field("text", m.text);
  }
  w.Field("created_at", m.created_at);
  // A tombstone keeps no attachment.
  if (m.media && !m.deleted) WriteMediaDescriptor(w.Key("media"), *m.media);
  if (store::IsContentKind(m.kind)) WriteContentState(w, m);
}

void WriteMessage(JsonWriter& w, const store::Message& m) {
  w.BeginObject();
  WriteMessageFields(w, m);
  w.EndObject();
}

void WritePruned(JsonWriter& w, const chat::PrunedRange& range) {
  w.Key("pruned")
      .BeginObject()
      .Field("from", range.from)
      .Field("through", range.through)
      .EndObject();
}

// A history page's messages, cut short when their JSON passes kMaxHistoryBytes: a page of
// messages full of escaped characters could otherwise pass the session's outgoing queue
// limit in one frame. The cut drops the far end (the oldest when reading backwards) and says
// so with has_more; at least one message is always kept.
void WriteHistory(JsonWriter& w, const chat::HistoryPage& page) {
  const size_t count = page.messages.size();
  std::vector<std::string> encoded(count);
  for (size_t i = 0; i < count; ++i) {
    JsonWriter one(&encoded[i]);
    WriteMessage(one, page.messages[i]);
  }
  // Keep messages from the near end (the newest when reading backwards) while they fit.
  size_t kept = 0;
  size_t bytes = 0;
  while (kept < count) {
    const size_t next = page.backwards ? count - 1 - kept : kept;
    if (kept > 0 && bytes + encoded[next].size() > kMaxHistoryBytes) break;
    bytes += encoded[next].size();
    ++kept;
  }
  const size_t first = page.backwards ? count - kept : 0;
  w.Key("messages").BeginArray();
  for (size_t i = first; i < first + kept; ++i) w.Raw(encoded[i]);
  w.EndArray();
  w.Field("has_more", page.has_more || kept < count);
  // Cut short backwards, the page no longer reaches the removed range.
  if (page.pruned && !(page.backwards && kept < count)) WritePruned(w, *page.pruned);
}

void WriteUser(JsonWriter& w, const store::User& user) {
  w.Key("user").BeginObject();
  WritePublicProfile(w, user);
  w.Field("is_admin", user.is_admin).EndObject();
}

void WriteMember(JsonWriter& w, const store::Member& member) {
  w.BeginObject()
      .Field("user_id", member.user_id)
      .Field("delivered_seq", member.delivered_seq)
      .Field("read_seq", member.read_seq)
      .EndObject();
}

void WriteCursors(JsonWriter& w, const store::ConversationSummary& c) {
  w.Key("self");
  WriteMember(w, c.self);
  w.Key("members").BeginArray();
  for (const store::Member& member : c.others) WriteMember(w, member);
  w.EndArray();
}

}  // namespace

std::string MessageFrame(const store::Message& message) {
  std::string out;
  out.reserve(160 + message.text.size());
  JsonWriter w(&out);
  w.BeginObject().Field("type", "message");
  WriteMessageFields(w, message);
  w.EndObject();
  return out;
}

std::string MessageObject(const store::Message& message) {
  std::string out;
  JsonWriter w(&out);
  WriteMessage(w, message);
  return out;
}

std::string AckFrame(const chat::events::AckedMessage& message, bool duplicate, bool changed) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("type", "ack")
      .Field("id", message.client_id)
      .Field("conversation_id", message.conversation_id)
      .Field("seq", message.seq)
      .Field("created_at", message.created_at)
      .Field("duplicate", duplicate);
  // Ops say whether they changed anything (a reaction already as asked does not).
  if (!store::IsContentKind(message.kind)) w.Field("changed", changed);
  w.EndObject();
  return out;
}

std::string ReceiptFrame(int64_t conversation_id, const store::Member& member) {
  std::string out;
  JsonWriter(&out)
      .BeginObject()
      .Field("type", "receipt")
      .Field("conversation_id", conversation_id)
      .Field("user_id", member.user_id)
      .Field("delivered_seq", member.delivered_seq)
      .Field("read_seq", member.read_seq)
      .EndObject();
  return out;
}

std::string_view PublicMessage(const Status& status) {
  if (status.code() != Code::kInternal) return status.message();
  Log(LogLevel::kError, "internal_error", {{"reason", status.message()}});
  return "internal error; the request had no effect";
}

std::string ErrorFrame(const Status& status, std::string_view id, std::string_view req) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("type", "error")
      .Field("code", CodeName(status.code()))
      .Field("message", PublicMessage(status));
  if (!id.empty()) w.Field("id", id);
  if (!req.empty()) w.Field("req", req);
  w.EndObject();
  return out;
}

std::string RateLimitedFrame(std::string_view id, std::string_view req, int64_t dropped) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("type", "error")
      .Field("code", CodeName(Code::kRateLimited))
      .Field("message", "too many frames; slow down");
  if (!id.empty()) w.Field("id", id);
  if (!req.empty()) w.Field("req", req);
  if (dropped > 0) w.Field("dropped", dropped);
  w.EndObject();
  return out;
}

std::string WelcomeFrame(const store::User& user, int64_t device_id, const Limits& limits) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("type", "welcome").Field("protocol", 1);
  WriteUser(w, user);
  w.Field("device_id", device_id)
      .Key("limits")
      .BeginObject()
      .Field("max_frame_bytes", static_cast<int64_t>(limits.max_frame_bytes))
      .Field("max_text_bytes", static_cast<int64_t>(limits.max_text_bytes))
      .Field("max_upload_bytes", limits.max_upload_bytes)
      .EndObject()
      .EndObject();
  return out;
}

std::string SyncedFrame(const chat::CatchUp& plan) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("type", "synced")
      .Field("since", plan.since())
      .Field("delta", plan.delta())
      .Key("removed")
      .BeginArray();
  for (int64_t conversation_id : plan.removed()) w.Int(conversation_id);
  w.EndArray().Key("conversations").BeginArray();
  for (const store::ConversationSummary& summary : plan.conversations()) {
    w.BeginObject()
        .Field("conversation_id", summary.id)
        .Field("last_seq", summary.last_seq)
        .Field("complete", plan.complete(summary.id))
        .Field("kind", ConversationKindName(summary.kind));
    if (const std::optional<chat::PrunedRange> pruned = plan.pruned(summary.id)) {
      WritePruned(w, *pruned);
    }
    if (summary.kind == store::ConversationKind::kGroup) WriteGroupSummary(w, summary);
    WriteCursors(w, summary);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string HistoryReplyFrame(std::string_view req, int64_t conversation_id,
                              const chat::HistoryPage& page) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("type", "history");
  if (!req.empty()) w.Field("req", req);
  w.Field("conversation_id", conversation_id);
  WriteHistory(w, page);
  w.EndObject();
  return out;
}

std::string PongFrame(std::string_view req) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Field("type", "pong");
  if (!req.empty()) w.Field("req", req);
  w.EndObject();
  return out;
}

void WriteErrorMember(JsonWriter& w, const Status& status) {
  w.Key("error")
      .BeginObject()
      .Field("code", CodeName(status.code()))
      .Field("message", PublicMessage(status))
      .EndObject();
}

std::string ErrorBody(const Status& status) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteErrorMember(w, status);
  w.EndObject();
  return out;
}

std::optional<Code> ErrorCodeOfBody(std::string_view body) {
  constexpr std::string_view kPrefix = R"({"error":{"code":")";
  if (body.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  body.remove_prefix(kPrefix.size());
  const size_t end = body.find('"');
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view name = body.substr(0, end);
  for (int code = 0; code <= static_cast<int>(Code::kInternal); ++code) {
    if (CodeName(static_cast<Code>(code)) == name) return static_cast<Code>(code);
  }
  return std::nullopt;
}

std::string UserBody(const store::User& user) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteUser(w, user);
  w.EndObject();
  return out;
}

std::string AccountBody(const store::User& user, int64_t device_id, bool has_password) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  // The user's own settings join the public profile here only.
  w.Key("user").BeginObject();
  WritePublicProfile(w, user);
  w.Field("is_admin", user.is_admin)
      .Field("language", user.language)
      .Field("time_zone", user.time_zone)
      .EndObject();
  w.Field("device_id", device_id).Field("has_password", has_password).EndObject();
  return out;
}

std::string LoginBody(std::string_view token, const store::Device& device,
                      const store::User& user) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Field("token", token)
      .Field("device_id", device.id)
      .Field("expires_at", device.expires_at);
  WriteUser(w, user);
  w.EndObject();
  return out;
}

std::string DevicesBody(std::span<const store::Device> devices, int64_t current_device_id) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("sessions").BeginArray();
  for (const store::Device& d : devices) {
    w.BeginObject()
        .Field("id", d.id)
        .Field("device", d.name)
        .Field("created_at", d.created_at)
        .Field("last_seen_at", d.last_seen_at)
        .Field("expires_at", d.expires_at)
        .Field("current", d.id == current_device_id)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string ConversationsBody(std::span<const store::ConversationSummary> conversations) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("conversations").BeginArray();
  for (const store::ConversationSummary& c : conversations) {
    w.BeginObject()
        .Field("id", c.id)
        .Field("kind", ConversationKindName(c.kind))
        .Field("last_seq", c.last_seq)
        .Field("last_activity_at", c.last_activity_at)
        .Field("unread", c.unread);
    if (c.pruned_through > 0) w.Field("pruned_through", c.pruned_through);
    if (c.kind == store::ConversationKind::kGroup) WriteGroupSummary(w, c);
    w.Key("last_message");
    if (c.last_message) {
      WriteMessage(w, *c.last_message);
    } else {
      w.Null();
    }
    WriteCursors(w, c);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string HistoryBody(const chat::HistoryPage& page) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteHistory(w, page);
  w.EndObject();
  return out;
}

std::string NoticeSentBody(int64_t recipients) {
  std::string out;
  JsonWriter(&out).BeginObject().Field("recipients", recipients).EndObject();
  return out;
}

}  // namespace parley::proto
