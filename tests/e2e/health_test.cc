// /healthz and /readyz on a real parleyd (net/health.h, app/readiness.h): no token needed,
// nothing but a status in the answer, and /readyz follows the data directory's state.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using Clock = std::chrono::steady_clock;

Result<RawHttpResponse> Get(const ServerProcess& server, const std::string& target) {
  return RawHttpExchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
}

// Asks `target` until it answers `status`, for up to 10 s; the last answer.
Result<RawHttpResponse> GetUntil(const ServerProcess& server, const std::string& target,
                                 int status) {
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  for (;;) {
    Result<RawHttpResponse> response = Get(server, target);
    if (!response.ok() || response->status == status || Clock::now() > deadline) return response;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

TEST(HealthTest, AliveAndReadyWithoutAToken) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  Result<RawHttpResponse> alive = Get(**server, "/healthz");
  ASSERT_TRUE(IsOk(alive));
  EXPECT_EQ(alive->status, 200);
  EXPECT_EQ(alive->raw_body, R"({"status":"ok"})");
  Result<RawHttpResponse> ready = Get(**server, "/readyz");
  ASSERT_TRUE(IsOk(ready));
  EXPECT_EQ(ready->status, 200);
  EXPECT_EQ(ready->raw_body, R"({"status":"ready"})");
  Result<RawHttpResponse> with_query = Get(**server, "/readyz?verbose=1");
  ASSERT_TRUE(IsOk(with_query));
  EXPECT_EQ(with_query->status, 200);
}

TEST(HealthTest, OnlyGetAndHeadAreAnswered) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  for (const char* request :
       {"POST /readyz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc",
        "DELETE /healthz HTTP/1.1\r\nHost: x\r\n\r\n", "PUT /readyz HTTP/1.1\r\nHost: x\r\n\r\n"}) {
    Result<RawHttpResponse> refused = RawHttpExchange((*server)->port(), request);
    ASSERT_TRUE(IsOk(refused)) << request;
    EXPECT_EQ(refused->status, 404) << request;
  }
  // An oversized body to a health path is refused as it is anywhere else, not read.
  Result<RawHttpResponse> big = RawHttpExchange(
      (*server)->port(), "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n");
  ASSERT_TRUE(IsOk(big));
  EXPECT_EQ(big->status, 404);
  // The server still answers.
  Result<RawHttpResponse> alive = Get(**server, "/healthz");
  ASSERT_TRUE(IsOk(alive));
  EXPECT_EQ(alive->status, 200);
}

TEST(HealthTest, NotReadyWhileTheDataDirCannotBeWritten) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  // The probe file's place taken by a directory: writing there fails (even for root).
  const std::string probe = (*server)->data_dir() + "/.readyz-probe";
  std::filesystem::remove(probe);
  std::filesystem::create_directory(probe);
  Result<RawHttpResponse> unready = GetUntil(**server, "/readyz", 503);
  ASSERT_TRUE(IsOk(unready));
  ASSERT_EQ(unready->status, 503) << unready->raw_body;
  EXPECT_EQ(unready->body["error"]["code"], "unavailable") << unready->raw_body;
  EXPECT_NE(unready->raw_body.find("data dir not writable"), std::string::npos)
      << unready->raw_body;
  // Alive all the same.
  Result<RawHttpResponse> alive = Get(**server, "/healthz");
  ASSERT_TRUE(IsOk(alive));
  EXPECT_EQ(alive->status, 200);

  std::filesystem::remove(probe);
  Result<RawHttpResponse> ready = GetUntil(**server, "/readyz", 200);
  ASSERT_TRUE(IsOk(ready));
  EXPECT_EQ(ready->status, 200) << ready->raw_body;
}

TEST(HealthTest, AFloodOfReadinessChecksLeavesSendsFast) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  Result<TestUser> alice = CreateUser(**server, "alice");
  ASSERT_TRUE(IsOk(alice));
  Result<TestUser> bob = CreateUser(**server, "bob");
  ASSERT_TRUE(IsOk(bob));
  auto ws = ConnectUser(**server, *alice);
  ASSERT_TRUE(IsOk(ws));
  std::atomic<bool> done{false};
  std::vector<std::thread> flooders;
  std::atomic<int> answered{0};
  for (int i = 0; i < 4; ++i) {
    flooders.emplace_back([&] {
      while (!done) {
        if (auto r = Get(**server, "/readyz"); r.ok() && r->status == 200) ++answered;
      }
    });
  }
  const auto started = Clock::now();
  for (int i = 0; i < 50; ++i) {
    Result<nlohmann::json> ack = (*ws)->SendToUser(bob->id, "m", "c-" + std::to_string(i));
    ASSERT_TRUE(IsOk(ack));
  }
  const auto took = Clock::now() - started;
  done = true;
  for (std::thread& t : flooders) t.join();
  EXPECT_GT(answered.load(), 0);
  EXPECT_LT(took, std::chrono::seconds(5));
}

}  // namespace
}  // namespace parley::e2e
