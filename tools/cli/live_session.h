// LiveSession: the long-running WebSocket side of the CLI (`parley follow`, `parley chat`).
//
// Connects with this device's cursors, prints every message once ([HH:MM] alice: text) in seq
// order, fills gaps and incomplete replays from HTTP history, marks shown messages read, and
// reconnects with its cursors and the last synced's token (backing off up to 30 s) when the
// connection drops. In chat mode it also sends each stdin line as a message (resending
// unacknowledged ones after a reconnect, under the same client id) and ends at end of input.
//
// Runs on the calling thread; chat mode adds one thread that only reads stdin lines.
#ifndef PARLEY_TOOLS_CLI_LIVE_SESSION_H_
#define PARLEY_TOOLS_CLI_LIVE_SESSION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>

#include "client/http_api.h"
#include "client/ws_client.h"
#include "tools/cli/cli_context.h"
#include "tools/cli/format.h"
#include "tools/cli/line_reader.h"

namespace parley::cli {

class LiveSession {
 public:
  // `peer`: only the direct conversation with this user is shown; `conversation`: only this
  // conversation (a group). Chat mode needs one of them; with neither, everything is shown.
  LiveSession(const CliContext& context, std::unique_ptr<client::HttpApi> api,
              std::optional<client::User> peer, bool chat,
              std::optional<int64_t> conversation = std::nullopt);

  // Runs until end of input (chat), a rejected token, or forever (follow).
  int Run();

 private:
  enum class Outcome { kDisconnected, kFinished };

  Status Connect();
  Outcome Pump();  // handles frames until the connection drops or the session ends
  void OnFrame(const nlohmann::json& frame);
  void OnMessage(const nlohmann::json& message);
  void OnSynced(const nlohmann::json& synced);
  void OnAck(const nlohmann::json& ack);
  void FillGap(int64_t conversation_id);
  void Show(const nlohmann::json& message);
  void MarkRead();
  bool Wanted(int64_t conversation_id);
  void SendLine(const std::string& text);
  void SendPending();

  const CliContext& context_;
  std::unique_ptr<client::HttpApi> api_;
  std::optional<client::User> peer_;
  bool chat_;
  std::unique_ptr<client::WsClient> ws_;
  std::unique_ptr<LineReader> input_;  // chat mode only

  UserNames names_;
  int64_t self_id_ = 0;
  CursorMap cursors_;                                 // highest seq shown per conversation
  std::set<int64_t> unread_marks_;                    // conversations to mark read
  std::optional<int64_t> peer_conversation_;          // the direct conversation with peer_
  bool fixed_conversation_ = false;                   // peer_conversation_ given, not looked up
  std::map<int64_t, bool> wanted_;                    // conversation id -> shown?
  std::map<std::string, std::string> pending_sends_;  // client id -> text, until acked
  bool synced_ = false;
  std::string since_;  // the last synced's token, sent by the next reconnect's hello
};

}  // namespace parley::cli

#endif  // PARLEY_TOOLS_CLI_LIVE_SESSION_H_
