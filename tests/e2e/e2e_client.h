// Helpers for end-to-end tests: users, HTTP clients and connected WebSocket clients against a
// ServerProcess, plus gtest assertions on Status/Result.
//
//   auto server = ServerProcess::Start();                 // ASSERT_TRUE(IsOk(server));
//   Result<TestUser> alice = CreateUser(**server, "alice");
//   Result<std::unique_ptr<client::WsClient>> ws = ConnectUser(**server, *alice);
//   Result<json> ack = (*ws)->SendToUser(bob->id, "hi");
//
// Every helper is a free function returning a value; nothing is shared between calls.
// Thread-safety: as the client classes they return (one thread per object).
#ifndef PARLEY_TESTS_E2E_E2E_CLIENT_H_
#define PARLEY_TESTS_E2E_E2E_CLIENT_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "client/frames.h"
#include "client/http_api.h"
#include "client/wire_codes.h"
#include "client/ws_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {

inline constexpr std::string_view kTestPassword = "correct horse battery";

struct TestUser {
  int64_t id = 0;
  std::string username;
  std::string password;
  std::string token;  // of the device logged in by CreateUser/LoginDevice
  int64_t device_id = 0;
};

// Registers `username` with kTestPassword and logs in one device.
Result<TestUser> CreateUser(const ServerProcess& server, std::string_view username,
                            std::string_view device = "e2e");
// Logs in one more device of an existing user; the result carries that device's token.
Result<TestUser> LoginDevice(const ServerProcess& server, const TestUser& user,
                             std::string_view device = "e2e-2");

// The one-time admin setup token `server` printed at start (it has no admin yet); kNotFound if
// it printed none.
Result<std::string> AdminSetupToken(const ServerProcess& server);
// Makes `user` the server's admin with that token (POST /api/v1/admin/setup).
Status ClaimAdminSetup(const ServerProcess& server, const TestUser& user);

// An HTTP client for the server, authenticated as `user` (unauthenticated when null).
std::unique_ptr<client::HttpApi> ApiFor(const ServerProcess& server,
                                        const TestUser* user = nullptr);

// A WebSocket connected as `user`: hello sent, welcome and replay read up to `synced`.
// When `sync` is given, it receives welcome, the replayed messages and synced.
Result<std::unique_ptr<client::WsClient>> ConnectUser(const ServerProcess& server,
                                                      const TestUser& user,
                                                      std::span<const client::Cursor> cursors = {},
                                                      client::SyncResult* sync = nullptr);

// Every frame queued to `ws` before the reply to a ping sent now: a session handles its frames
// in order, so anything the server queued to it earlier is in the result.
std::vector<nlohmann::json> DrainUntilPong(client::WsClient& ws);
// The frames of `type` among `frames`.
std::vector<nlohmann::json> OfType(const std::vector<nlohmann::json>& frames,
                                   std::string_view type);

// Every message of `conversation_id` after seq `after`, ascending, as `user` reads them on
// `server` (GET .../messages?after=, page after page); the first failing page's error.
Result<std::vector<nlohmann::json>> HistoryAfter(const ServerProcess& server, const TestUser& user,
                                                 int64_t conversation_id, int64_t after = 0);

// gtest: ASSERT_TRUE(IsOk(status_or_result)) prints "not_found: no such user" on failure.
::testing::AssertionResult IsOk(const Status& status);
template <typename T>
::testing::AssertionResult IsOk(const Result<T>& result) {
  return IsOk(result.ok() ? Status::Ok() : result.status());
}

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_E2E_CLIENT_H_
