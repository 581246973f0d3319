#include "tests/e2e/e2e_client.h"

namespace parley::e2e {

Result<TestUser> CreateUser(const ServerProcess& server, std::string_view username,
                            std::string_view device) {
  client::HttpApi api(server.endpoint());
  Result<client::User> registered = api.Register(username, kTestPassword);
  if (!registered.ok()) return registered.status();
  TestUser user;
  user.id = registered->id;
  user.username = registered->username;
  user.password = std::string(kTestPassword);
  return LoginDevice(server, user, device);
}

Result<TestUser> LoginDevice(const ServerProcess& server, const TestUser& user,
                             std::string_view device) {
  client::HttpApi api(server.endpoint());
  Result<client::LoginResult> login = api.Login(user.username, user.password, device);
  if (!login.ok()) return login.status();
  TestUser result = user;
  result.id = login->user.id;
  result.token = login->token;
  result.device_id = login->device_id;
  return result;
}

Result<std::string> AdminSetupToken(const ServerProcess& server) {
  constexpr std::string_view kLine = "parleyd admin setup token: ";
  const std::string output = server.output();
  const size_t at = output.rfind(kLine);  // the latest start's token
  if (at == std::string::npos) return Status(Code::kNotFound, "no admin setup token printed");
  const size_t start = at + kLine.size();
  return output.substr(start, output.find(' ', start) - start);
}

Status ClaimAdminSetup(const ServerProcess& server, const TestUser& user) {
  Result<std::string> token = AdminSetupToken(server);
  if (!token.ok()) return token.status();
  return ApiFor(server, &user)->ClaimAdminSetup(*token);
}

std::unique_ptr<client::HttpApi> ApiFor(const ServerProcess& server, const TestUser* user) {
  auto api = std::make_unique<client::HttpApi>(server.endpoint());
  if (user != nullptr) api->set_token(user->token);
  return api;
}

Result<std::unique_ptr<client::WsClient>> ConnectUser(const ServerProcess& server,
                                                      const TestUser& user,
                                                      std::span<const client::Cursor> cursors,
                                                      client::SyncResult* sync) {
  auto ws = std::make_unique<client::WsClient>();
  if (Status connected = ws->Connect(server.endpoint()); !connected.ok()) return connected;
  Result<client::SyncResult> synced = ws->HelloAndSync(user.token, cursors);
  if (!synced.ok()) return synced.status();
  if (sync != nullptr) *sync = std::move(synced).value();
  return ws;
}

::testing::AssertionResult IsOk(const Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << client::FormatStatus(status);
}

std::vector<nlohmann::json> DrainUntilPong(client::WsClient& ws) {
  std::vector<nlohmann::json> frames;
  const std::string req = client::NewClientId("ping-");
  Status sent = ws.SendRaw(client::PingFrame(req));
  EXPECT_TRUE(IsOk(sent));
  if (!sent.ok()) return frames;
  for (;;) {
    Result<nlohmann::json> frame = ws.Next();
    EXPECT_TRUE(IsOk(frame)) << "no pong for " << req;
    if (!frame.ok()) return frames;
    if (client::IsType(*frame, "pong") && frame->value("req", "") == req) return frames;
    frames.push_back(std::move(frame).value());
  }
}

std::vector<nlohmann::json> OfType(const std::vector<nlohmann::json>& frames,
                                   std::string_view type) {
  std::vector<nlohmann::json> result;
  for (const nlohmann::json& frame : frames) {
    if (client::IsType(frame, type)) result.push_back(frame);
  }
  return result;
}

Result<std::vector<nlohmann::json>> HistoryAfter(const ServerProcess& server, const TestUser& user,
                                                 int64_t conversation_id, int64_t after) {
  std::unique_ptr<client::HttpApi> api = ApiFor(server, &user);
  std::vector<nlohmann::json> messages;
  for (;;) {
    client::HistoryPage page;
    page.after = after;
    page.limit = 100;
    Result<nlohmann::json> reply = api->History(conversation_id, page);
    if (!reply.ok()) return reply.status();
    for (nlohmann::json& message : (*reply)["messages"]) {
      after = message["seq"].get<int64_t>();
      messages.push_back(std::move(message));
    }
    if ((*reply)["messages"].empty() || !(*reply)["has_more"].get<bool>()) return messages;
  }
}

}  // namespace parley::e2e
