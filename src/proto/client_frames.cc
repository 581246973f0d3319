#include "proto/client_frames.h"

#include "proto/json_reader.h"

namespace parley::proto {
namespace {

using nlohmann::json;

constexpr size_t kMaxEchoBytes = 64;

// A string field echoed back in replies; anything else (or oversized) is not echoed.
std::string EchoField(const json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  const auto& value = it->get_ref<const std::string&>();
  return value.size() <= kMaxEchoBytes ? value : "";
}

// Appends the optional `cursors` array of a hello or cursors frame to `cursors`.
Status AppendCursors(const json& object, std::vector<chat::Cursor>& cursors) {
  auto it = object.find("cursors");
  if (it == object.end() || it->is_null()) return Status::Ok();
  if (!it->is_array()) return Status(Code::kMalformed, "field 'cursors' must be an array");
  if (it->size() > kMaxHelloCursors) return Status(Code::kTooLarge, "too many cursors");
  cursors.reserve(it->size());
  for (const json& entry : *it) {
    if (!entry.is_object()) return Status(Code::kMalformed, "each cursor must be an object");
    auto conversation = RequiredInt(entry, "conversation_id");
    if (!conversation.ok()) return conversation.status();
    auto seq = RequiredInt(entry, "seq");
    if (!seq.ok()) return seq.status();
    cursors.push_back(chat::Cursor{*conversation, *seq});
  }
  return Status::Ok();
}

Result<ClientFrame> DecodeHello(const json& object) {
  HelloFrame hello;
  auto protocol = RequiredInt(object, "protocol");
  if (!protocol.ok()) return protocol.status();
  hello.protocol = *protocol;
  auto token = RequiredString(object, "token");
  if (!token.ok()) return token.status();
  hello.token = std::move(*token);
  auto batch = OptionalBool(object, "batch");
  if (!batch.ok()) return batch.status();
  hello.batch = batch->value_or(false);
  auto more = OptionalBool(object, "more_cursors");
  if (!more.ok()) return more.status();
  hello.more_cursors = more->value_or(false);
  // Any string is taken: one that is no valid token only means a full sync (catch_up.h).
  auto since = OptionalString(object, "since");
  if (!since.ok()) return since.status();
  hello.since = since->value_or("");
  if (Status appended = AppendCursors(object, hello.cursors); !appended.ok()) return appended;
  return ClientFrame(std::move(hello));
}

Result<ClientFrame> DecodeCursors(const json& object) {
  CursorsFrame frame;
  auto more = OptionalBool(object, "more");
  if (!more.ok()) return more.status();
  frame.more = more->value_or(false);
  if (Status appended = AppendCursors(object, frame.cursors); !appended.ok()) return appended;
  return ClientFrame(std::move(frame));
}

Result<ClientFrame> DecodeSend(const json& object) {
  SendFrame send;
  auto id = RequiredString(object, "id");
  if (!id.ok()) return id.status();
  send.client_id = std::move(*id);
  auto to = OptionalInt(object, "to");
  if (!to.ok()) return to.status();
  send.to_user_id = to->value_or(0);
  auto conversation = OptionalInt(object, "conversation_id");
  if (!conversation.ok()) return conversation.status();
  send.conversation_id = conversation->value_or(0);
  auto media = OptionalString(object, "media");
  if (!media.ok()) return media.status();
  send.media = media->value_or("");
  auto sticker = OptionalInt(object, "sticker");
  if (!sticker.ok()) return sticker.status();
  send.sticker = sticker->value_or(0);
  if (send.sticker != 0) {
    // A sticker is the whole message: no text or media beside it.
    if (send.sticker < 0) return Status(Code::kInvalidArgument, "sticker must be a sticker id");
    if (object.contains("text") || !send.media.empty()) {
      return Status(Code::kInvalidArgument, "a sticker is sent without text or media");
    }
  } else if (send.media.empty()) {
    auto text = RequiredString(object, "text");
    if (!text.ok()) return text.status();
    send.text = std::move(*text);
  } else {
    // With media, the text is a caption and may be left out.
    auto text = OptionalString(object, "text");
    if (!text.ok()) return text.status();
    send.text = text->value_or("");
  }
  auto reply_to = OptionalInt(object, "reply_to");
  if (!reply_to.ok()) return reply_to.status();
  send.reply_to = reply_to->value_or(0);
  return ClientFrame(std::move(send));
}

Result<ClientFrame> DecodeMessageOp(const json& object, store::MessageKind kind) {
  MessageOpFrame op;
  op.kind = kind;
  auto id = RequiredString(object, "id");
  if (!id.ok()) return id.status();
  op.client_id = std::move(*id);
  // An absent conversation is the domain's to refuse (invalid_argument, as documented for
  // ops); a wrong type is malformed.
  auto conversation = OptionalInt(object, "conversation_id");
  if (!conversation.ok()) return conversation.status();
  op.conversation_id = conversation->value_or(0);
  auto seq = RequiredInt(object, "seq");
  if (!seq.ok()) return seq.status();
  op.seq = *seq;
  if (kind == store::MessageKind::kEdit) {
    auto text = RequiredString(object, "text");
    if (!text.ok()) return text.status();
    op.text = std::move(*text);
  } else if (kind == store::MessageKind::kReaction) {
    auto emoji = RequiredString(object, "emoji");
    if (!emoji.ok()) return emoji.status();
    op.text = std::move(*emoji);
    auto on = OptionalBool(object, "on");  // absent: add
    if (!on.ok()) return on.status();
    op.on = on->value_or(true);
  }
  return ClientFrame(std::move(op));
}

Result<ClientFrame> DecodeCursor(const json& object, bool read) {
  CursorFrame cursor;
  cursor.read = read;
  auto conversation = RequiredInt(object, "conversation_id");
  if (!conversation.ok()) return conversation.status();
  cursor.conversation_id = *conversation;
  auto seq = RequiredInt(object, "seq");
  if (!seq.ok()) return seq.status();
  cursor.seq = *seq;
  return ClientFrame(cursor);
}

Result<ClientFrame> DecodeHistory(const json& object) {
  HistoryFrame history;
  auto conversation = RequiredInt(object, "conversation_id");
  if (!conversation.ok()) return conversation.status();
  history.conversation_id = *conversation;
  auto before = OptionalInt(object, "before");
  if (!before.ok()) return before.status();
  history.query.before = *before;
  auto after = OptionalInt(object, "after");
  if (!after.ok()) return after.status();
  history.query.after = *after;
  auto limit = OptionalInt(object, "limit");
  if (!limit.ok()) return limit.status();
  // Out-of-range limits are judged by the domain; clamp only what cannot fit an int.
  const int64_t wanted = limit->value_or(50);
  history.query.limit = wanted < 0 || wanted > INT32_MAX ? -1 : static_cast<int>(wanted);
  return ClientFrame(std::move(history));
}

Result<ClientFrame> DecodeTyping(const json& object) {
  auto conversation = RequiredInt(object, "conversation_id");
  if (!conversation.ok()) return conversation.status();
  return ClientFrame(TypingFrame{*conversation});
}

Result<ClientFrame> DecodePresence(const json& object) {
  auto status = RequiredString(object, "status");
  if (!status.ok()) return status.status();
  if (*status != "away" && *status != "online") {
    return Status(Code::kInvalidArgument, "status must be \"away\" or \"online\"");
  }
  return ClientFrame(PresenceFrame{*status == "away"});
}

Result<ClientFrame> DecodeByType(const json& object, std::string_view type) {
  if (type == "send") return DecodeSend(object);
  if (type == "edit") return DecodeMessageOp(object, store::MessageKind::kEdit);
  if (type == "delete") return DecodeMessageOp(object, store::MessageKind::kDelete);
  if (type == "react") return DecodeMessageOp(object, store::MessageKind::kReaction);
  if (type == "delivered") return DecodeCursor(object, /*read=*/false);
  if (type == "read") return DecodeCursor(object, /*read=*/true);
  if (type == "history") return DecodeHistory(object);
  if (type == "ping") return ClientFrame(PingFrame{});
  if (type == "typing") return DecodeTyping(object);
  if (type == "presence") return DecodePresence(object);
  if (type == "hello") return DecodeHello(object);
  if (type == "cursors") return DecodeCursors(object);
  return Status(Code::kUnknownType, "unknown frame type '" + std::string(type.substr(0, 32)) + "'");
}

}  // namespace

DecodedFrame DecodeClientFrame(std::string_view text) {
  ParsedObject parsed = ParseObjectKeepingShallowFields(text);
  if (parsed.object.is_null()) return DecodedFrame{"", "", parsed.status};
  const json& object = parsed.object;
  DecodedFrame decoded{EchoField(object, "req"), EchoField(object, "id"),
                       Status(Code::kInternal, "not decoded")};
  if (!parsed.status.ok()) {
    decoded.frame = parsed.status;
    return decoded;
  }
  // req is optional, but when given it must be a string.
  if (auto req = OptionalString(object, "req"); !req.ok()) {
    decoded.frame = req.status();
    return decoded;
  }
  auto type = RequiredString(object, "type");
  decoded.frame = type.ok() ? DecodeByType(object, *type) : Result<ClientFrame>(type.status());
  return decoded;
}

}  // namespace parley::proto
