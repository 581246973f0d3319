// Decoding of the WebSocket frames a client sends (docs/protocol.md, "WebSocket").
//
// DecodeClientFrame never throws and never trusts its input: any problem becomes a Status
// (kMalformed, kUnknownType) in `frame`, while `req` and `id` are still recovered when the
// frame was an object carrying them, so the error reply can echo them. Thread-safe (pure).
#ifndef PARLEY_PROTO_CLIENT_FRAMES_H_
#define PARLEY_PROTO_CLIENT_FRAMES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "chat/service.h"

namespace parley::proto {

inline constexpr int kProtocolVersion = 1;
// The most cursors one hello may state, its `cursors` frames included.
inline constexpr size_t kMaxHelloCursors = 100000;

struct HelloFrame {
  int64_t protocol = 0;
  std::string token;
  std::vector<chat::Cursor> cursors;
  bool batch = false;         // the client accepts several newline-separated objects per frame
  bool more_cursors = false;  // `cursors` frames with the rest of the cursors follow
  std::string since;          // the last `synced`'s token (chat/messaging/sync_token.h); empty: none
};

// The rest of a hello's cursors, when they do not fit one frame; `more` says another follows.
struct CursorsFrame {
  std::vector<chat::Cursor> cursors;
  bool more = false;
};

struct SendFrame {
  std::string client_id;
  int64_t to_user_id = 0;
  int64_t conversation_id = 0;
  std::string text;      // may be absent (empty) when media is given
  std::string media;     // a media id, or empty
  int64_t reply_to = 0;  // 0: not a reply
  int64_t sticker = 0;   // a sticker id instead of text and media; 0: none
};

// "edit", "delete" or "react": an operation on message `seq` of a conversation.
struct MessageOpFrame {
  std::string client_id;
  store::MessageKind kind = store::MessageKind::kEdit;  // kEdit, kDelete or kReaction
  int64_t conversation_id = 0;
  int64_t seq = 0;
  std::string text;  // edit: the new text; react: the emoji
  bool on = false;   // react
};

struct CursorFrame {  // "delivered" or "read"
  int64_t conversation_id = 0;
  int64_t seq = 0;
  bool read = false;
};

struct HistoryFrame {
  int64_t conversation_id = 0;
  chat::HistoryQuery query;
};

struct PingFrame {};

struct TypingFrame {
  int64_t conversation_id = 0;
};

struct PresenceFrame {  // "away" or "online"
  bool away = false;
};

using ClientFrame = std::variant<HelloFrame, CursorsFrame, SendFrame, CursorFrame, HistoryFrame,
                                 PingFrame, TypingFrame, PresenceFrame, MessageOpFrame>;

struct DecodedFrame {
  std::string req;  // the client's request tag, if any (truncated to 64 bytes)
  std::string id;   // the client message id of a send or op, if any (truncated to 64 bytes)
  Result<ClientFrame> frame;
};

DecodedFrame DecodeClientFrame(std::string_view text);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_CLIENT_FRAMES_H_
