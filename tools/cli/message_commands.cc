// parley send (with --file: a media message) | history | conversations
#include <iostream>
#include <vector>

#include "client/frames.h"
#include "client/http_api.h"
#include "client/ws_client.h"
#include "tools/cli/cli_context.h"
#include "tools/cli/format.h"

namespace parley::cli {

using nlohmann::json;

std::vector<client::Cursor> ToCursorList(const CursorMap& cursors) {
  std::vector<client::Cursor> list;
  for (const auto& [conversation, seq] : cursors) list.push_back({conversation, seq});
  return list;
}

std::optional<int64_t> ConversationRef(const std::string& name) {
  if (name.size() < 2 || name[0] != '#') return std::nullopt;
  int64_t id = 0;
  for (char c : name.substr(1)) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

int RunSend(const CliContext& context, const std::string& username, const std::string& text,
            const std::string& file, const std::string& kind, int64_t sticker) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  std::string media_id;
  if (!file.empty()) {
    auto media = UploadPath(**api, file, kind);
    if (!media.ok()) return Fail(media.status(), "upload");
    media_id = media->value("id", "");
  }
  const std::optional<int64_t> conversation = ConversationRef(username);
  Result<client::User> peer = conversation ? Result<client::User>(client::User{0, username, ""})
                                           : (*api)->LookupUser(username);
  if (!peer.ok()) return Fail(peer.status(), "user " + username);

  client::WsClient ws;
  if (Status connected = ws.Connect(context.endpoint); !connected.ok()) {
    return Fail(connected, "connect");
  }
  // Our cursors keep the server's replay (which this command ignores) short.
  std::vector<client::Cursor> cursors = ToCursorList(LoadCursors(context));
  Result<json> welcome = ws.Hello((*api)->token(), cursors);
  if (!welcome.ok()) return Fail(welcome.status(), "hello");
  json fields = {{"id", client::NewClientId("cli-")}};
  if (sticker != 0) {
    fields["sticker"] = sticker;
  } else {
    fields["text"] = text;
  }
  if (conversation) {
    fields["conversation_id"] = *conversation;
  } else {
    fields["to"] = peer->id;
  }
  if (!media_id.empty()) fields["media"] = media_id;
  Result<json> ack = ws.SendFields(std::move(fields), std::chrono::seconds(10));
  if (!ack.ok()) return Fail(ack.status(), "send");
  std::cout << "sent to " << peer->username << ": conversation "
            << ack->value("conversation_id", int64_t{0}) << " seq " << ack->value("seq", int64_t{0})
            << "\n";
  ws.Close();
  return kExitOk;
}

int RunHistory(const CliContext& context, const std::string& username,
               std::optional<int64_t> before, std::optional<int> limit) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<client::User> peer = (*api)->LookupUser(username);
  if (!peer.ok()) return Fail(peer.status(), "user " + username);
  Result<json> me = (*api)->Account();
  if (!me.ok()) return Fail(me.status(), "whoami");
  Result<std::optional<int64_t>> conversation = FindDirectConversation(**api, peer->id);
  if (!conversation.ok()) return Fail(conversation.status(), "conversations");
  if (!conversation->has_value()) {
    std::cout << "no messages with " << peer->username << " yet\n";
    return kExitOk;
  }
  Result<json> page = (*api)->History(**conversation, client::HistoryPage{before, {}, limit});
  if (!page.ok()) return Fail(page.status(), "history");

  UserNames names;
  names.Add(peer->id, peer->username);
  names.Add((*me)["user"].value("id", int64_t{0}), (*me)["user"].value("username", std::string()));
  const json& messages = (*page)["messages"];
  if (page->value("has_more", false) && !messages.empty()) {
    std::cout << "(older messages: --before " << messages.front().value("seq", int64_t{0}) << ")\n";
  }
  for (const json& message : messages) {
    std::cout << "#" << message.value("seq", int64_t{0}) << " " << FormatMessage(message, names)
              << "\n";
  }
  return kExitOk;
}

int RunConversations(const CliContext& context) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<json> list = (*api)->Conversations();
  if (!list.ok()) return Fail(list.status(), "conversations");
  UserNames names;  // the API has no id -> name lookup: ids are shown as user#ID
  for (const json& conversation : *list) {
    std::string members;
    for (const json& member : conversation.value("members", json::array())) {
      if (!members.empty()) members += ",";
      members += names.NameOf(member.value("user_id", int64_t{0}));
    }
    if (conversation.value("kind", std::string()) == "group") {
      members = "\"" + conversation.value("name", std::string()) + "\" (" +
                std::to_string(conversation.value("member_count", int64_t{0})) + " members)";
    }
    std::cout << conversation.value("id", int64_t{0}) << "\t"
              << conversation.value("kind", std::string()) << "\twith " << members << "\tunread "
              << conversation.value("unread", int64_t{0});
    if (conversation.contains("last_message") && conversation["last_message"].is_object()) {
      std::cout << "\t" << FormatMessage(conversation["last_message"], names);
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace parley::cli
