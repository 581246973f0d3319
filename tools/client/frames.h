// Builders for the client-to-server WebSocket frames of docs/protocol.md, and frame parsing.
//
// Every builder returns the serialized JSON text of one frame, ready to send. Both WebSocket
// front-ends (blocking WsClient, asynchronous WsConnection users) build frames only here.
// Builders never throw: text that is not valid UTF-8 is sent with U+FFFD replacements (send raw
// bytes through WsClient::SendRaw to test the server's rejection). Stateless; thread-safe.
#ifndef PARLEY_TOOLS_CLIENT_FRAMES_H_
#define PARLEY_TOOLS_CLIENT_FRAMES_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace parley::client {

inline constexpr int kProtocolVersion = 1;

// The highest seq a device has in one conversation (hello "cursors").
struct Cursor {
  int64_t conversation_id = 0;
  int64_t seq = 0;
};

struct HistoryQuery {
  int64_t conversation_id = 0;
  std::optional<int64_t> before;  // at most one of before/after
  std::optional<int64_t> after;
  std::optional<int> limit;  // 1..200; server default 50
  std::string req;           // echoed in the reply; empty = not sent
};

// `batch`: the client accepts several newline-separated objects in one frame (ForEachObject).
// `since`: the token of this device's last `synced` (sent only when not empty), so that the
// next `synced` lists only what changed since (docs/protocol.md, "hello").
// One hello holding every cursor (a frame too large for the server when there are thousands).
std::string HelloFrame(std::string_view token, std::span<const Cursor> cursors,
                       int protocol = kProtocolVersion, bool batch = false,
                       std::string_view since = {});
// A hello and, when there are more than kCursorsPerFrame cursors, the `cursors` frames that
// carry the rest (docs/protocol.md, "hello"): send them in this order.
inline constexpr size_t kCursorsPerFrame = 1000;
std::vector<std::string> HelloFrames(std::string_view token, std::span<const Cursor> cursors,
                                     int protocol = kProtocolVersion, bool batch = false,
                                     std::string_view since = {});
// Calls `fn` for each newline-separated JSON object text of a frame (one, unless batched).
template <typename Fn>
void ForEachObject(std::string_view frame, Fn&& fn) {
  while (!frame.empty()) {
    const size_t newline = frame.find('\n');
    fn(frame.substr(0, newline));
    if (newline == std::string_view::npos) break;
    frame.remove_prefix(newline + 1);
  }
}
std::string SendToUserFrame(std::string_view id, int64_t to_user_id, std::string_view text);
std::string SendToConversationFrame(std::string_view id, int64_t conversation_id,
                                    std::string_view text);
// A reply: a send into a conversation quoting message `reply_to`.
std::string ReplyFrame(std::string_view id, int64_t conversation_id, int64_t reply_to,
                       std::string_view text);
// Operations on message `seq` of a conversation.
std::string EditFrame(std::string_view id, int64_t conversation_id, int64_t seq,
                      std::string_view text);
std::string DeleteFrame(std::string_view id, int64_t conversation_id, int64_t seq);
std::string ReactFrame(std::string_view id, int64_t conversation_id, int64_t seq,
                       std::string_view emoji, bool on);
std::string DeliveredFrame(int64_t conversation_id, int64_t seq);
std::string ReadFrame(int64_t conversation_id, int64_t seq);
std::string HistoryFrame(const HistoryQuery& query);
std::string PingFrame(std::string_view req);

// Serializes any JSON value the way the builders do (compact, never throws).
std::string Serialize(const nlohmann::json& frame);

// Parses one server frame; kMalformed unless it is a JSON object with a string "type".
Result<nlohmann::json> ParseFrame(std::string_view text);

// frame["type"] == type, false for frames without a string type.
bool IsType(const nlohmann::json& frame, std::string_view type);

// A fresh random client message id: prefix followed by 16 hex digits.
std::string NewClientId(std::string_view prefix = "c-");

}  // namespace parley::client

#endif  // PARLEY_TOOLS_CLIENT_FRAMES_H_
