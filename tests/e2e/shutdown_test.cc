// Graceful shutdown end to end (docs/protocol.md, "Server shutdown"; README: "Stop it with
// Ctrl-C: it closes connections and commits everything it acknowledged before exiting").
//
// - Under load, SIGTERM makes parleyd exit 0 quickly; every WebSocket, sending or idle, gets
//   the close code 1001; every acked message is in the store after a restart, with its seq;
//   the WAL is checkpointed away.
// - While a stop waits for a peer that never finishes its closing handshake: a request on an
//   open HTTP connection gets 503; a second signal exits at once with status 1; without one,
//   --shutdown-timeout bounds the stop and the exit is still 0.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::WsClient;
using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr size_t kWindow = 8;              // unacked sends in flight per sender
constexpr int kAcksBeforeSignal = 200;     // acks in, across senders, before SIGTERM
constexpr int kMaxSendsPerSender = 20000;  // bounds a sender if the signal never comes

struct Acked {
  int64_t conversation_id = 0;
  int64_t seq = 0;
};

// What one sender saw: its acks and how its connection ended.
struct SenderLog {
  std::map<std::string, Acked> acked;  // client id -> placement
  int unavailable_errors = 0;
  int other_errors = 0;
  int close_code = 0;
};

class AckCounter {
 public:
  void Add() {
    std::lock_guard lock(mutex_);
    ++acks_;
    changed_.notify_all();
  }
  bool WaitFor(int acks, milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return acks_ >= acks; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int acks_ = 0;
};

// Sends to `to` with a window of unacked sends until the server closes the connection.
void RunSender(WsClient& ws, int64_t to, const std::string& prefix, SenderLog& log,
               AckCounter& counter) {
  std::set<std::string> pending;
  int sent = 0;
  bool draining = false;  // the server said it is shutting down: send nothing more
  while (!ws.closed()) {
    while (!draining && pending.size() < kWindow && sent < kMaxSendsPerSender) {
      const std::string id = prefix + std::to_string(sent++);
      if (!ws.SendRaw(client::SendToUserFrame(id, to, "message " + id)).ok()) break;
      pending.insert(id);
    }
    Result<json> frame = ws.Next(std::chrono::seconds(15));
    if (!frame.ok()) break;
    const std::string id = frame->value("id", "");
    if (client::IsType(*frame, "ack")) {
      log.acked[id] = {(*frame)["conversation_id"].get<int64_t>(), (*frame)["seq"].get<int64_t>()};
      pending.erase(id);
      counter.Add();
    } else if (client::IsType(*frame, "error")) {
      ++((*frame)["code"] == "unavailable" ? log.unavailable_errors : log.other_errors);
      draining = draining || (*frame)["code"] == "unavailable";
      pending.erase(id);
    }
  }
  log.close_code = ws.WaitForClose(std::chrono::seconds(15));
}

// Every message of a conversation over HTTP, oldest first.
std::vector<json> FullHistory(client::HttpApi& api, int64_t conversation_id) {
  std::vector<json> messages;
  int64_t after = 0;
  for (int page = 0; page < 1000; ++page) {
    client::HistoryPage query;
    query.after = after;
    query.limit = 200;
    Result<json> reply = api.History(conversation_id, query);
    EXPECT_TRUE(IsOk(reply));
    if (!reply.ok()) break;
    for (const json& m : (*reply)["messages"]) messages.push_back(m);
    if (!(*reply)["has_more"].get<bool>() || (*reply)["messages"].empty()) break;
    after = messages.back()["seq"].get<int64_t>();
  }
  return messages;
}

TEST(ShutdownTest, SigtermUnderLoadAcksCommitClosesWith1001AndExitsZero) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  std::vector<TestUser> senders, receivers;
  for (int i = 0; i < 3; ++i) {
    Result<TestUser> sender = CreateUser(**server, "sender" + std::to_string(i));
    Result<TestUser> receiver = CreateUser(**server, "receiver" + std::to_string(i));
    ASSERT_TRUE(IsOk(sender));
    ASSERT_TRUE(IsOk(receiver));
    senders.push_back(*sender);
    receivers.push_back(*receiver);
  }
  // Receivers stay connected and read what arrives: they are closed with 1001 too.
  std::vector<std::unique_ptr<WsClient>> receiver_ws;
  for (const TestUser& receiver : receivers) {
    Result<std::unique_ptr<WsClient>> ws = ConnectUser(**server, receiver);
    ASSERT_TRUE(IsOk(ws));
    receiver_ws.push_back(std::move(*ws));
  }
  std::vector<std::unique_ptr<WsClient>> sender_ws;
  for (const TestUser& sender : senders) {
    Result<std::unique_ptr<WsClient>> ws = ConnectUser(**server, sender);
    ASSERT_TRUE(IsOk(ws));
    sender_ws.push_back(std::move(*ws));
  }

  AckCounter counter;
  std::vector<SenderLog> logs(senders.size());
  std::vector<std::thread> threads;
  std::vector<int> receiver_close(receivers.size(), 0);
  for (size_t i = 0; i < receivers.size(); ++i) {
    threads.emplace_back([&ws = *receiver_ws[i], &code = receiver_close[i]] {
      while (!ws.closed() && ws.Next(std::chrono::seconds(15)).ok()) {
      }
      code = ws.WaitForClose(std::chrono::seconds(15));
    });
  }
  for (size_t i = 0; i < senders.size(); ++i) {
    threads.emplace_back(RunSender, std::ref(*sender_ws[i]), receivers[i].id,
                         "s" + std::to_string(i) + "-", std::ref(logs[i]), std::ref(counter));
  }
  ASSERT_TRUE(counter.WaitFor(kAcksBeforeSignal, std::chrono::seconds(30)));

  const Clock::time_point signalled = Clock::now();
  (*server)->Signal(SIGTERM);
  const int exit_code = (*server)->WaitForExit(std::chrono::seconds(20));
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - signalled);
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(exit_code, 0) << (*server)->output();
  EXPECT_LT(took, std::chrono::seconds(5)) << "graceful stop took " << took.count() << " ms";
  const std::string output = (*server)->output();
  EXPECT_NE(output.find("stopping"), std::string::npos) << output;
  EXPECT_NE(output.find("info stopped"), std::string::npos) << output;
  size_t acked_total = 0;
  for (size_t i = 0; i < logs.size(); ++i) {
    SCOPED_TRACE("sender " + std::to_string(i));
    EXPECT_EQ(logs[i].close_code, 1001);
    EXPECT_EQ(logs[i].other_errors, 0);
    acked_total += logs[i].acked.size();
  }
  for (int code : receiver_close) EXPECT_EQ(code, 1001);
  // SQLite checkpoints the WAL into the database when the last connection closes.
  std::error_code ec;
  const auto wal = std::filesystem::path((*server)->data_dir()) / "parley.db-wal";
  EXPECT_TRUE(!std::filesystem::exists(wal, ec) || std::filesystem::file_size(wal, ec) == 0);
  std::printf("[ shutdown ] %zu acked before and during the stop; exit %d after %lld ms\n",
              acked_total, exit_code, static_cast<long long>(took.count()));

  // Every acked message is stored, at the acked place.
  ASSERT_TRUE(IsOk((*server)->Restart()));
  for (size_t i = 0; i < senders.size(); ++i) {
    SCOPED_TRACE("sender " + std::to_string(i));
    std::map<int64_t, std::map<std::string, int64_t>> stored;  // conversation -> id -> seq
    for (const auto& [id, placement] : logs[i].acked) {
      if (stored.count(placement.conversation_id) != 0) continue;
      for (const json& m : FullHistory(*ApiFor(**server, &senders[i]), placement.conversation_id)) {
        stored[placement.conversation_id][m["id"].get<std::string>()] = m["seq"].get<int64_t>();
      }
    }
    for (const auto& [id, placement] : logs[i].acked) {
      auto& in_conversation = stored[placement.conversation_id];
      auto found = in_conversation.find(id);
      ASSERT_NE(found, in_conversation.end()) << "acked message lost: " << id;
      EXPECT_EQ(found->second, placement.seq) << id;
    }
  }
}

// A WebSocket that says hello, then never reads again, so it never answers the close frame:
// the stop has to wait for it.
class StuckPeerTest : public ::testing::Test {
 protected:
  void StartWith(std::vector<std::string> args) {
    ServerProcess::Options options;
    options.extra_args = std::move(args);
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    Result<TestUser> user = CreateUser(*server_, "stuck");
    ASSERT_TRUE(IsOk(user));
    Result<RawWebSocket> ws = RawWebSocket::Open(server_->port());
    ASSERT_TRUE(IsOk(ws));
    ASSERT_TRUE(ws->SendText(client::HelloFrame(user->token, {})));
    for (;;) {
      Result<json> frame = ws->ReadJson();
      ASSERT_TRUE(IsOk(frame));
      if (client::IsType(*frame, "synced")) break;
    }
    stuck_ = std::move(*ws);
    Result<RawSocket> http = RawSocket::Connect(server_->port());
    ASSERT_TRUE(IsOk(http));
    open_http_ = std::move(*http);
    // One answered request: the connection has been accepted (a connection still in the
    // listen queue would be reset when the listener closes) and is kept alive.
    ASSERT_TRUE(open_http_.WriteAll("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    Result<RawHttpResponse> healthy = ReadHttpResponse(open_http_);
    ASSERT_TRUE(IsOk(healthy));
    ASSERT_EQ(healthy->status, 200);
    Result<RawSocket> probe = RawSocket::Connect(server_->port());
    ASSERT_TRUE(IsOk(probe));
    open_probe_ = std::move(*probe);
    ASSERT_TRUE(open_probe_.WriteAll("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"));
    Result<RawHttpResponse> ready = ReadHttpResponse(open_probe_);
    ASSERT_TRUE(IsOk(ready));
    ASSERT_EQ(ready->status, 200);
  }

  std::unique_ptr<ServerProcess> server_;
  RawWebSocket stuck_;
  RawSocket open_http_;   // accepted, answered once and kept alive before the signal
  RawSocket open_probe_;  // the same, for a load balancer's health checks
};

TEST_F(StuckPeerTest, DuringTheStopTheServerIsAliveButNotReady) {
  ASSERT_NO_FATAL_FAILURE(StartWith({"--shutdown-timeout", "60"}));
  server_->Signal(SIGTERM);
  ASSERT_TRUE(server_->WaitForOutput("stopping", std::chrono::seconds(5))) << server_->output();
  ASSERT_TRUE(open_probe_.WriteAll("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  Result<RawHttpResponse> alive = ReadHttpResponse(open_probe_);
  ASSERT_TRUE(IsOk(alive));
  EXPECT_EQ(alive->status, 200);
  ASSERT_TRUE(open_probe_.WriteAll("GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n"));
  Result<RawHttpResponse> unready = ReadHttpResponse(open_probe_);
  ASSERT_TRUE(IsOk(unready));
  EXPECT_EQ(unready->status, 503);
  EXPECT_NE(unready->raw_body.find("shutting down"), std::string::npos) << unready->raw_body;
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->WaitForExit(std::chrono::seconds(5)), 1);
}

TEST_F(StuckPeerTest, DuringTheStopRequestsGet503AndASecondSignalExitsAtOnce) {
  ASSERT_NO_FATAL_FAILURE(StartWith({"--shutdown-timeout", "60"}));
  server_->Signal(SIGTERM);
  ASSERT_TRUE(server_->WaitForOutput("stopping", std::chrono::seconds(5))) << server_->output();

  // The listener is closed, but a connection made before the signal gets a clear answer.
  ASSERT_TRUE(open_http_.WriteAll("GET /api/v1/account HTTP/1.1\r\nHost: x\r\n\r\n"));
  Result<RawHttpResponse> answer = ReadHttpResponse(open_http_);
  ASSERT_TRUE(IsOk(answer));
  EXPECT_EQ(answer->status, 503);
  EXPECT_NE(answer->raw_body.find("unavailable"), std::string::npos) << answer->raw_body;

  const Clock::time_point second = Clock::now();
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->WaitForExit(std::chrono::seconds(5)), 1);
  EXPECT_LT(Clock::now() - second, std::chrono::seconds(2));
}

TEST_F(StuckPeerTest, ShutdownTimeoutBoundsTheStop) {
  ASSERT_NO_FATAL_FAILURE(StartWith({"--shutdown-timeout", "1"}));
  const Clock::time_point signalled = Clock::now();
  server_->Signal(SIGTERM);
  EXPECT_EQ(server_->WaitForExit(std::chrono::seconds(8)), 0) << server_->output();
  const auto took = Clock::now() - signalled;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(4));
}

}  // namespace
}  // namespace parley::e2e
