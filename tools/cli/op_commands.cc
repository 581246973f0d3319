// parley reply | edit | delete | react | find: replies, operations on earlier messages and
// message search. WHERE is a USER (the direct conversation with them) or #ID (a conversation).
#include <functional>
#include <iostream>
#include <vector>

#include "client/frames.h"
#include "client/http_api.h"
#include "client/ws_client.h"
#include "tools/cli/cli_context.h"
#include "tools/cli/format.h"

namespace parley::cli {
namespace {

using nlohmann::json;

// Connects, sends `frame` (built for client id `id` in conversation of `where`) and prints the
// ack. `build` gets the id and the conversation.
int SendOp(const CliContext& context, const std::string& where, std::string_view what,
           const std::function<std::string(const std::string&, int64_t)>& build) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<int64_t> conversation = ResolveConversation(**api, where);
  if (!conversation.ok()) return Fail(conversation.status(), where);
  client::WsClient ws;
  if (Status connected = ws.Connect(context.endpoint); !connected.ok()) {
    return Fail(connected, "connect");
  }
  std::vector<client::Cursor> cursors = ToCursorList(LoadCursors(context));
  Result<json> welcome = ws.Hello((*api)->token(), cursors);
  if (!welcome.ok()) return Fail(welcome.status(), "hello");
  const std::string id = client::NewClientId("cli-");
  Result<json> ack = ws.SendAndAwaitAck(id, build(id, *conversation), std::chrono::seconds(10));
  if (!ack.ok()) return Fail(ack.status(), what);
  std::cout << what << ": conversation " << *conversation << " seq "
            << ack->value("seq", int64_t{0});
  if (!ack->value("changed", true)) std::cout << " (no change)";
  std::cout << "\n";
  ws.Close();
  return kExitOk;
}

}  // namespace

int RunReply(const CliContext& context, const std::string& where, int64_t seq,
             const std::string& text) {
  return SendOp(context, where, "replied", [&](const std::string& id, int64_t conversation) {
    return client::ReplyFrame(id, conversation, seq, text);
  });
}

int RunEdit(const CliContext& context, const std::string& where, int64_t seq,
            const std::string& text) {
  return SendOp(context, where, "edited", [&](const std::string& id, int64_t conversation) {
    return client::EditFrame(id, conversation, seq, text);
  });
}

int RunDelete(const CliContext& context, const std::string& where, int64_t seq) {
  return SendOp(context, where, "deleted", [&](const std::string& id, int64_t conversation) {
    return client::DeleteFrame(id, conversation, seq);
  });
}

int RunReact(const CliContext& context, const std::string& where, int64_t seq,
             const std::string& emoji, bool off) {
  return SendOp(context, where, off ? "unreacted" : "reacted",
                [&](const std::string& id, int64_t conversation) {
                  return client::ReactFrame(id, conversation, seq, emoji, !off);
                });
}

int RunFind(const CliContext& context, const std::string& query, const std::string& in,
            const std::string& before, std::optional<int> limit) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  int64_t conversation = 0;
  if (!in.empty()) {
    Result<int64_t> resolved = ResolveConversation(**api, in);
    if (!resolved.ok()) return Fail(resolved.status(), in);
    conversation = *resolved;
  }
  Result<json> page = (*api)->SearchMessages(query, conversation, before, limit.value_or(20));
  if (!page.ok()) return Fail(page.status(), "find");
  UserNames names;
  for (const json& result : (*page)["results"]) {
    const json& message = result["message"];
    std::string snippet = result.value("snippet", std::string());
    // The match marks (U+E000, U+E001) become brackets on a terminal.
    for (auto [mark, shown] : {std::pair{"\xEE\x80\x80", "["}, {"\xEE\x80\x81", "]"}}) {
      for (size_t at = snippet.find(mark); at != std::string::npos; at = snippet.find(mark, at)) {
        snippet.replace(at, 3, shown);
      }
    }
    std::cout << "#" << message.value("conversation_id", int64_t{0}) << "/"
              << message.value("seq", int64_t{0}) << " "
              << FormatDateTime(message.value("created_at", int64_t{0})) << " "
              << names.NameOf(message.value("sender_id", int64_t{0})) << ": " << snippet << "\n";
  }
  if (page->contains("next"))
    std::cout << "(more: --before " << (*page)["next"].get<std::string>() << ")\n";
  return kExitOk;
}

}  // namespace parley::cli
