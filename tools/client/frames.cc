#include "client/frames.h"

#include <algorithm>
#include <cstdio>
#include <random>

namespace parley::client {

using nlohmann::json;

std::string Serialize(const json& frame) {
  return frame.dump(-1, ' ', false, json::error_handler_t::replace);
}

namespace {

json CursorList(std::span<const Cursor> cursors) {
  json list = json::array();
  for (const Cursor& cursor : cursors) {
    list.push_back({{"conversation_id", cursor.conversation_id}, {"seq", cursor.seq}});
  }
  return list;
}

json HelloObject(std::string_view token, std::span<const Cursor> cursors, int protocol, bool batch,
                 std::string_view since) {
  json hello = {{"type", "hello"},
                {"protocol", protocol},
                {"token", token},
                {"cursors", CursorList(cursors)}};
  if (batch) hello["batch"] = true;
  if (!since.empty()) hello["since"] = since;
  return hello;
}

}  // namespace

std::string HelloFrame(std::string_view token, std::span<const Cursor> cursors, int protocol,
                       bool batch, std::string_view since) {
  return Serialize(HelloObject(token, cursors, protocol, batch, since));
}

std::vector<std::string> HelloFrames(std::string_view token, std::span<const Cursor> cursors,
                                     int protocol, bool batch, std::string_view since) {
  const size_t first = std::min(cursors.size(), kCursorsPerFrame);
  json hello = HelloObject(token, cursors.first(first), protocol, batch, since);
  if (first < cursors.size()) hello["more_cursors"] = true;
  std::vector<std::string> frames{Serialize(hello)};
  for (size_t at = first; at < cursors.size(); at += kCursorsPerFrame) {
    const size_t count = std::min(kCursorsPerFrame, cursors.size() - at);
    frames.push_back(Serialize({{"type", "cursors"},
                                {"cursors", CursorList(cursors.subspan(at, count))},
                                {"more", at + count < cursors.size()}}));
  }
  return frames;
}

std::string SendToUserFrame(std::string_view id, int64_t to_user_id, std::string_view text) {
  return Serialize({{"type", "send"}, {"id", id}, {"to", to_user_id}, {"text", text}});
}

std::string SendToConversationFrame(std::string_view id, int64_t conversation_id,
                                    std::string_view text) {
  return Serialize(
      {{"type", "send"}, {"id", id}, {"conversation_id", conversation_id}, {"text", text}});
}

std::string ReplyFrame(std::string_view id, int64_t conversation_id, int64_t reply_to,
                       std::string_view text) {
  return Serialize({{"type", "send"},
                    {"id", id},
                    {"conversation_id", conversation_id},
                    {"text", text},
                    {"reply_to", reply_to}});
}

std::string EditFrame(std::string_view id, int64_t conversation_id, int64_t seq,
                      std::string_view text) {
  return Serialize({{"type", "edit"},
                    {"id", id},
                    {"conversation_id", conversation_id},
                    {"seq", seq},
                    {"text", text}});
}

std::string DeleteFrame(std::string_view id, int64_t conversation_id, int64_t seq) {
  return Serialize(
      {{"type", "delete"}, {"id", id}, {"conversation_id", conversation_id}, {"seq", seq}});
}

std::string ReactFrame(std::string_view id, int64_t conversation_id, int64_t seq,
                       std::string_view emoji, bool on) {
  return Serialize({{"type", "react"},
                    {"id", id},
                    {"conversation_id", conversation_id},
                    {"seq", seq},
                    {"emoji", emoji},
                    {"on", on}});
}

std::string DeliveredFrame(int64_t conversation_id, int64_t seq) {
  return Serialize({{"type", "delivered"}, {"conversation_id", conversation_id}, {"seq", seq}});
}

std::string ReadFrame(int64_t conversation_id, int64_t seq) {
  return Serialize({{"type", "read"}, {"conversation_id", conversation_id}, {"seq", seq}});
}

std::string HistoryFrame(const HistoryQuery& query) {
  json frame = {{"type", "history"}, {"conversation_id", query.conversation_id}};
  if (!query.req.empty()) frame["req"] = query.req;
  if (query.before) frame["before"] = *query.before;
  if (query.after) frame["after"] = *query.after;
  if (query.limit) frame["limit"] = *query.limit;
  return Serialize(frame);
}

std::string PingFrame(std::string_view req) { return Serialize({{"type", "ping"}, {"req", req}}); }

Result<json> ParseFrame(std::string_view text) {
  json frame = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded() || !frame.is_object()) {
    return Status(Code::kMalformed, "server frame is not a JSON object");
  }
  auto type = frame.find("type");
  if (type == frame.end() || !type->is_string()) {
    return Status(Code::kMalformed, "server frame has no string type");
  }
  return frame;
}

bool IsType(const json& frame, std::string_view type) {
  if (!frame.is_object()) return false;
  auto it = frame.find("type");
  return it != frame.end() && it->is_string() && it->get_ref<const std::string&>() == type;
}

std::string NewClientId(std::string_view prefix) {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(rng()));
  return std::string(prefix) + hex;
}

}  // namespace parley::client
