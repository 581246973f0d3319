// What one account's WebSockets may cost the server (docs/security.md, "WebSocket sessions"):
// - a catch-up is read page by page as the device takes it: ten sessions that say hello with a
//   large backlog and never read hold a few pages each, not the backlog;
// - a catch-up that makes no progress is closed (4008) after the stall timeout;
// - an account holds at most --max-sessions-per-user sessions; one more is refused (4029).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::WsClient;
using nlohmann::json;

// A raw WebSocket that said hello and will not read: its socket buffers are small.
Result<RawWebSocket> HelloAndStopReading(const ServerProcess& server, const TestUser& user) {
  Result<RawWebSocket> ws = RawWebSocket::Open(server.port(), "/ws", /*receive_buffer=*/4096);
  if (!ws.ok()) return ws.status();
  if (ws->status() != 101) return Status(Code::kUnavailable, "upgrade refused");
  if (!ws->SendText(client::HelloFrame(user.token, {}))) {
    return Status(Code::kUnavailable, "hello not sent");
  }
  return ws;
}

class SessionLimitsTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args) {
    args.insert(args.end(), {"--fsync", "normal", "--max-frames-per-second", "100000",
                             "--frame-burst", "100000"});
    ServerProcess::Options options;
    options.extra_args = std::move(args);
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
  }

  // `senders` users each send `count` messages of `bytes` copies of `fill` to `to`.
  void Backlog(const TestUser& to, int senders, int count, size_t bytes, char fill = 'b') {
    const std::string text(bytes, fill);
    for (int s = 0; s < senders; ++s) {
      Result<TestUser> sender = CreateUser(*server_, "sender" + std::to_string(s));
      ASSERT_TRUE(IsOk(sender));
      Result<std::unique_ptr<WsClient>> ws = ConnectUser(*server_, *sender);
      ASSERT_TRUE(IsOk(ws));
      for (int i = 0; i < count; ++i) {
        ASSERT_TRUE(
            IsOk((*ws)->SendRaw(client::SendToUserFrame("m" + std::to_string(i), to.id, text))));
      }
      for (int i = 0; i < count; ++i) ASSERT_TRUE(IsOk((*ws)->WaitForType("ack")));
    }
  }

  std::unique_ptr<ServerProcess> server_;
};

TEST_F(SessionLimitsTest, NonReadingSessionsHoldPagesNotTheirBacklog) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  Result<TestUser> away = CreateUser(*server_, "away");
  ASSERT_TRUE(IsOk(away));
  // 6 conversations x 200 messages x 16 KB: a 19 MB catch-up for every session.
  ASSERT_NO_FATAL_FAILURE(Backlog(*away, 6, 200, 16000));
  const double before = server_->ResidentMiB();

  std::vector<RawWebSocket> stalled;
  for (int i = 0; i < 10; ++i) {
    Result<RawWebSocket> ws = HelloAndStopReading(*server_, *away);
    ASSERT_TRUE(IsOk(ws));
    stalled.push_back(std::move(*ws));
  }
  // Every session has filled what the socket takes and its queue's low-water mark; another
  // user's request is answered meanwhile.
  Result<TestUser> other = CreateUser(*server_, "other");
  ASSERT_TRUE(IsOk(other));
  Result<std::unique_ptr<WsClient>> other_ws = ConnectUser(*server_, *other);
  ASSERT_TRUE(IsOk(other_ws));
  ASSERT_TRUE(IsOk((*other_ws)->Send(json{{"type", "ping"}, {"req", "p"}})));
  ASSERT_TRUE(IsOk((*other_ws)->WaitForType("pong")));
  const double after = server_->ResidentMiB();
  std::printf("[ sessions ] server RSS %.1f MiB -> %.1f MiB with 10 stalled catch-ups of 19 MB\n",
              before, after);
  // Each session: at most a quarter of its 4 MiB queue plus one page (64 x 16 KB) in flight.
  EXPECT_LT(after - before, 64 + kSanitizerSlackMiB) << "MiB";

  // Reading again, a session gets its whole catch-up in order, then synced.
  RawWebSocket& reader = stalled.front();
  int messages = 0;
  for (;;) {
    Result<json> frame = reader.ReadJson(std::chrono::seconds(20));
    ASSERT_TRUE(IsOk(frame)) << messages << " messages read";
    if (client::IsType(*frame, "message")) ++messages;
    if (client::IsType(*frame, "synced")) break;
  }
  EXPECT_EQ(messages, 6 * 200);
}

// A control character is one byte of text and six of JSON ("\u0001"): a page of such
// messages must neither fill a reading session's queue (catch-up) nor pass it in one frame
// (history).
TEST_F(SessionLimitsTest, EscapedTextFitsBothCatchUpAndHistory) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  Result<TestUser> reader = CreateUser(*server_, "reader");
  ASSERT_TRUE(IsOk(reader));
  ASSERT_NO_FATAL_FAILURE(Backlog(*reader, 1, 100, 10000, '\x01'));

  client::SyncResult sync;
  Result<std::unique_ptr<WsClient>> ws = ConnectUser(*server_, *reader, {}, &sync);
  ASSERT_TRUE(IsOk(ws));
  ASSERT_EQ(sync.messages.size(), 100u);  // 6 MB of JSON, 60 KB a message, all of it
  const int64_t conversation_id = sync.messages.back()["conversation_id"].get<int64_t>();

  client::HistoryQuery query;
  query.conversation_id = conversation_id;
  query.limit = 200;
  query.req = "h";
  ASSERT_TRUE(IsOk((*ws)->SendRaw(client::HistoryFrame(query))));
  Result<json> page = (*ws)->WaitForType("history");
  ASSERT_TRUE(IsOk(page));
  const json& messages = (*page)["messages"];
  ASSERT_FALSE(messages.empty());
  EXPECT_LT(messages.size(), 100u);  // cut at 1 MiB of JSON
  EXPECT_TRUE((*page)["has_more"].get<bool>());
  EXPECT_EQ(messages.back()["seq"], sync.messages.back()["seq"]);  // the newest are kept
  EXPECT_EQ((*ws)->close_code(), 0);
}

TEST_F(SessionLimitsTest, AStalledCatchUpIsClosedAsASlowConsumer) {
  ASSERT_NO_FATAL_FAILURE(Start({"--sync-stall-timeout-ms", "1000"}));
  Result<TestUser> away = CreateUser(*server_, "away");
  ASSERT_TRUE(IsOk(away));
  ASSERT_NO_FATAL_FAILURE(Backlog(*away, 2, 200, 16000));
  Result<RawWebSocket> stalled = HelloAndStopReading(*server_, *away);
  ASSERT_TRUE(IsOk(stalled));
  // Past the stall timeout the server closes it (and says so in its log); reading only then
  // drains what was sent, then the close frame.
  ASSERT_TRUE(server_->WaitForOutput("slow_consumer", std::chrono::seconds(10)));
  std::vector<json> seen;
  const int code = stalled->WaitForClose(std::chrono::seconds(15), &seen);
  EXPECT_EQ(code, 4008);
  bool synced = false;
  for (const json& f : seen) synced = synced || client::IsType(f, "synced");
  EXPECT_FALSE(synced);
}

TEST_F(SessionLimitsTest, OneSessionOverTheCapIsRefused4029) {
  ASSERT_NO_FATAL_FAILURE(Start({"--max-sessions-per-user", "3"}));
  Result<TestUser> user = CreateUser(*server_, "many");
  ASSERT_TRUE(IsOk(user));
  std::vector<std::unique_ptr<WsClient>> open;
  for (int i = 0; i < 3; ++i) {
    Result<std::unique_ptr<WsClient>> ws = ConnectUser(*server_, *user);
    ASSERT_TRUE(IsOk(ws)) << i;
    open.push_back(std::move(*ws));
  }
  auto extra = std::make_unique<WsClient>();
  ASSERT_TRUE(IsOk(extra->Connect(server_->endpoint())));
  Result<json> welcome = extra->Hello(user->token);
  ASSERT_FALSE(welcome.ok());
  EXPECT_EQ(welcome.status().code(), Code::kRateLimited);
  EXPECT_EQ(extra->WaitForClose(), 4029);
  // Closing one makes room again.
  open.back()->Close();
  open.pop_back();
  Result<std::unique_ptr<WsClient>> again = ConnectUser(*server_, *user);
  for (int attempt = 0; attempt < 50 && !again.ok(); ++attempt) {
    // The closed session detaches once its closing handshake is over.
    again = ConnectUser(*server_, *user);
  }
  ASSERT_TRUE(IsOk(again));
}

}  // namespace
}  // namespace parley::e2e
