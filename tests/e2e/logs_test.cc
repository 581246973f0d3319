// Structured logs (--log-format json) over a whole session of a real parleyd: every log line is
// one JSON object with a time, a level and an event; every HTTP request has a request id,
// echoed as X-Request-Id; every WebSocket session logs its id; and no password, token, message
// text, search query or uploaded byte ever reaches the log.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

// A value no server would make up, so finding it in the log means the server wrote it there.
std::string Secret(const std::string& what) {
  static std::mt19937_64 random(std::random_device{}());
  return what + "-" + std::to_string(random());
}

// The log lines: parleyd's stdout carries a few notices for the operator ("parleyd listening
// on ..."), which are not log lines; everything else must be one JSON object.
std::vector<json> LogLines(const std::string& output, std::vector<std::string>* failures) {
  std::vector<json> lines;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("parleyd ", 0) == 0) continue;
    json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("ts") ||
        !parsed.contains("level") || !parsed.contains("event")) {
      failures->push_back(line);
      continue;
    }
    lines.push_back(std::move(parsed));
  }
  return lines;
}

TEST(LogsTest, AFullSessionLogsJsonWithIdsAndNoSecrets) {
  ServerProcess::Options options;
  options.extra_args = {"--log-format", "json"};
  auto server = ServerProcess::Start(options);
  ASSERT_TRUE(IsOk(server));
  std::vector<std::string> secrets;

  // Register and log in with known passwords.
  const std::string password = Secret("first-password");
  const std::string new_password = Secret("second-password");
  secrets.insert(secrets.end(), {password, new_password});
  auto api = ApiFor(**server);
  ASSERT_TRUE(IsOk(api->Register("carol", password)));
  auto login = api->Login("carol", password, "laptop");
  ASSERT_TRUE(IsOk(login));
  secrets.push_back(login->token);
  Result<TestUser> dave = CreateUser(**server, "dave");
  ASSERT_TRUE(IsOk(dave));
  secrets.push_back(dave->token);
  secrets.push_back(std::string(kTestPassword));

  // Messages with known texts, both ways, a search for one, and an upload with known bytes.
  TestUser carol{login->user.id, "carol", password, login->token, login->device_id};
  auto carol_ws = ConnectUser(**server, carol);
  ASSERT_TRUE(IsOk(carol_ws));
  auto dave_ws = ConnectUser(**server, *dave);
  ASSERT_TRUE(IsOk(dave_ws));
  for (int i = 0; i < 3; ++i) {
    const std::string text = Secret("message text " + std::to_string(i));
    secrets.push_back(text);
    ASSERT_TRUE(IsOk((*carol_ws)->SendToUser(dave->id, text, "c-" + std::to_string(i))));
    const std::string reply = Secret("reply text " + std::to_string(i));
    secrets.push_back(reply);
    ASSERT_TRUE(IsOk((*dave_ws)->SendToUser(carol.id, reply, "d-" + std::to_string(i))));
  }
  const std::string query = Secret("searchword");
  secrets.push_back(query);
  ASSERT_TRUE(IsOk(api->SearchMessages(query)));
  const std::string content = Secret("uploaded file bytes");
  secrets.push_back(content);
  ASSERT_TRUE(IsOk(api->Upload("notes.txt", "file", content)));

  // A password change, then a failed login with the old password.
  ASSERT_TRUE(IsOk(api->ChangePassword(password, new_password)));
  auto stale = ApiFor(**server)->Login("carol", password, "phone");
  ASSERT_FALSE(stale.ok());

  // The request id comes back in X-Request-Id and names the request's log line.
  auto raw = RawHttpExchange((*server)->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(IsOk(raw));
  std::string lower = raw->head;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t at = lower.find("\r\nx-request-id: ");
  ASSERT_NE(at, std::string::npos) << raw->head;
  const std::string request_id = raw->head.substr(at + 16, 16);

  carol_ws->reset();
  dave_ws->reset();
  ASSERT_EQ((*server)->Stop(), 0);
  const std::string output = (*server)->output();

  std::vector<std::string> not_json;
  const std::vector<json> lines = LogLines(output, &not_json);
  EXPECT_TRUE(not_json.empty()) << "not a JSON log line: " << not_json.front();
  for (const std::string& secret : secrets) {
    EXPECT_EQ(output.find(secret), std::string::npos) << "the log holds a secret: " << secret;
  }

  int http_requests = 0;
  bool found_request = false;
  std::vector<std::string> opened, closed;
  for (const json& line : lines) {
    const std::string event = line["event"];
    if (event == "http_request") {
      ++http_requests;
      EXPECT_EQ(line.value("request_id", "").size(), 16u) << line.dump();
      EXPECT_TRUE(line.contains("status") && line.contains("path") && line.contains("ms"))
          << line.dump();
      if (line.value("request_id", "") == request_id) {
        found_request = true;
        EXPECT_EQ(line["path"], "/healthz");
        EXPECT_EQ(line["status"], "200");
      }
    }
    if (event == "ws_opened") opened.push_back(line.value("session", ""));
    if (event == "ws_closed") closed.push_back(line.value("session", ""));
  }
  EXPECT_GE(http_requests, 8);  // registers, logins, search, upload, password change, ...
  EXPECT_TRUE(found_request) << "no http_request line with id " << request_id;
  ASSERT_EQ(opened.size(), 2u);
  EXPECT_NE(opened[0], opened[1]);
  for (const std::string& session : opened) {
    EXPECT_EQ(session.size(), 16u);
    EXPECT_NE(std::find(closed.begin(), closed.end(), session), closed.end()) << session;
  }
}

}  // namespace
}  // namespace parley::e2e
