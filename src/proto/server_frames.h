// Encoding of everything the server sends: WebSocket frames and HTTP JSON bodies
// (docs/protocol.md). Pure functions, thread-safe. Field names live here and nowhere else.
#ifndef PARLEY_PROTO_SERVER_FRAMES_H_
#define PARLEY_PROTO_SERVER_FRAMES_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/json_writer.h"
#include "base/status.h"
#include "chat/fanout/events.h"
#include "chat/service.h"
#include "store/types.h"

namespace parley::proto {

// What the welcome frame tells a client it may send, so that it can check before sending.
struct Limits {
  size_t max_frame_bytes = 0;
  size_t max_text_bytes = 0;
  int64_t max_upload_bytes = 0;  // one file's size
};

// The `message` of an error as clients see it: the status's own message, except for kInternal,
// whose detail (a storage error, a path, a library's text) is logged here, once, and replaced
// by one generic sentence. Every error frame and error body is written through this.
std::string_view PublicMessage(const Status& status);

// --- WebSocket frames ---
std::string MessageFrame(const store::Message& message);
std::string AckFrame(const chat::events::AckedMessage& message, bool duplicate, bool changed);
std::string ReceiptFrame(int64_t conversation_id, const store::Member& member);
std::string ErrorFrame(const Status& status, std::string_view id, std::string_view req);
// A `rate_limited` error for a dropped frame; `dropped` (when > 0) counts the frames dropped
// without an error of their own since the previous one.
std::string RateLimitedFrame(std::string_view id, std::string_view req, int64_t dropped);
std::string WelcomeFrame(const store::User& user, int64_t device_id, const Limits& limits);
std::string SyncedFrame(const chat::CatchUp& plan);
// A history page (frame or body) carries at most this much message JSON: past it the oldest
// (reading backwards) or newest (reading forwards) messages are left out and has_more is true.
// One message is always sent, however large.
inline constexpr size_t kMaxHistoryBytes = 1 << 20;
std::string HistoryReplyFrame(std::string_view req, int64_t conversation_id,
                              const chat::HistoryPage& page);
std::string PongFrame(std::string_view req);

// --- HTTP bodies ---
std::string ErrorBody(const Status& status);
// The code of a body ErrorBody made; nullopt for any other body (metrics count HTTP errors by
// code from the response alone).
std::optional<Code> ErrorCodeOfBody(std::string_view body);
// The "error" member of an HTTP error body ({"code", "message"}), into an object being written,
// for bodies that carry more than the error (ErrorBody is just this).
void WriteErrorMember(JsonWriter& w, const Status& status);
std::string UserBody(const store::User& user);  // {"user": {...}}
// + device_id, and has_password: false for an account made by OpenID Connect that has none.
std::string AccountBody(const store::User& user, int64_t device_id, bool has_password);
std::string LoginBody(std::string_view token, const store::Device& device, const store::User& user);
std::string DevicesBody(std::span<const store::Device> devices, int64_t current_device_id);
std::string ConversationsBody(std::span<const store::ConversationSummary> conversations);
std::string HistoryBody(const chat::HistoryPage& page);
std::string NoticeSentBody(int64_t recipients);  // {"recipients": N}
// One message object (as in history), for bodies built elsewhere (search).
std::string MessageObject(const store::Message& message);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_SERVER_FRAMES_H_
