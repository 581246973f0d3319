// RedisConnection against a real redis-server and against a scripted odd one (FakeRedis).
#include "cluster/redis_connection.h"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "tests/cluster/fake_redis.h"
#include "tests/support/redis_server.h"

namespace parley::cluster {
namespace {

using testing_support::FakeRedis;
using testing_support::RedisServer;
using Clock = std::chrono::steady_clock;

RedisAddress AddressOf(const std::string& url) {
  Result<RedisAddress> address = ParseRedisAddress(url);
  EXPECT_TRUE(address.ok()) << address.status().message();
  return address.ok() ? *address : RedisAddress{};
}

Status ConnectTo(const std::string& url, RedisConnectionOptions options = {}) {
  Result<std::unique_ptr<RedisConnection>> connection =
      RedisConnection::Connect(AddressOf(url), options);
  return connection.ok() ? Status::Ok() : connection.status();
}

TEST(RedisConnectionTest, SelectsTheDatabaseAndRunsCommands) {
  std::string error;
  RedisServer* server = RedisServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  Result<std::unique_ptr<RedisConnection>> connection =
      RedisConnection::Connect(AddressOf(server->Url() + "/5"), {});
  ASSERT_TRUE(connection.ok()) << connection.status().message();
  const std::string binary("a\0b\r\n", 5);
  Result<RedisReply> set = (*connection)->Command({"SET", "connection-test", binary});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->type, RedisReply::Type::kStatus);
  Result<RedisReply> got = (*connection)->Command({"GET", "connection-test"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->type, RedisReply::Type::kString);
  EXPECT_EQ(got->text, binary);
  Result<RedisReply> db = (*connection)->Command({"CLIENT", "INFO"});
  ASSERT_TRUE(db.ok());
  EXPECT_NE(db->text.find(" db=5 "), std::string::npos) << db->text;
  // An error reply is a reply; the connection goes on.
  Result<RedisReply> wrong = (*connection)->Command({"NO-SUCH-COMMAND"});
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->type, RedisReply::Type::kError);
  EXPECT_TRUE((*connection)->Command({"PING"}).ok());
}

TEST(RedisConnectionTest, RefusedSelectIsInvalidArgument) {
  std::string error;
  RedisServer* server = RedisServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  const Status status = ConnectTo(server->Url() + "/99");  // 16 databases by default
  EXPECT_EQ(status.code(), Code::kInvalidArgument) << status.message();
}

TEST(RedisConnectionTest, PasswordErrorsAreUnauthenticatedAndNeverQuoteThePassword) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch({.password = "right-one"});
  ASSERT_TRUE(server.ok()) << server.status().message();
  for (const char* url : {"redis://:hunter2@127.0.0.1:", "redis://someone:hunter2@127.0.0.1:",
                          "redis://127.0.0.1:"}) {
    SCOPED_TRACE(url);
    const Status status = ConnectTo(std::string(url) + std::to_string((*server)->port()));
    EXPECT_EQ(status.code(), Code::kUnauthenticated) << status.message();
    EXPECT_EQ(status.message().find("hunter2"), std::string::npos) << status.message();
  }
  EXPECT_TRUE(ConnectTo((*server)->Url()).ok());
  EXPECT_TRUE(
      ConnectTo("redis://default:right-one@127.0.0.1:" + std::to_string((*server)->port()) + "/1")
          .ok());
}

TEST(RedisConnectionTest, ClosedPortIsUnavailableAtOnce) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  const std::string url = (*server)->Url();
  (*server)->Stop();
  const Clock::time_point start = Clock::now();
  const Status status = ConnectTo(url);
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_NE(status.message().find("cannot connect to 127.0.0.1:"), std::string::npos)
      << status.message();
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(500));
}

TEST(RedisConnectionTest, SilentServerTimesOutAndCancelEndsTheWaitAtOnce) {
  Result<std::unique_ptr<RedisServer>> server = RedisServer::Launch();
  ASSERT_TRUE(server.ok()) << server.status().message();
  (*server)->Pause();  // accepts connections (the kernel does), answers nothing
  RedisConnectionOptions options;
  options.timeout = std::chrono::milliseconds(200);
  Clock::time_point start = Clock::now();
  Status status = ConnectTo((*server)->Url(), options);
  EXPECT_EQ(status.code(), Code::kUnavailable) << status.message();
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(200));

  const int cancel = eventfd(0, EFD_CLOEXEC);
  ASSERT_GE(cancel, 0);
  options.timeout = std::chrono::seconds(30);
  options.cancel_fd = cancel;
  std::thread canceller([&] {
    const uint64_t one = 1;
    EXPECT_EQ(write(cancel, &one, sizeof one), 8);
  });
  start = Clock::now();
  status = ConnectTo((*server)->Url(), options);
  canceller.join();
  EXPECT_EQ(status.code(), Code::kUnavailable);
  EXPECT_NE(status.message().find("cancelled"), std::string::npos) << status.message();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  close(cancel);
  (*server)->Resume();
}

// Each answer to the first PING: never a crash, always kUnavailable, quickly.
TEST(RedisConnectionTest, OddAnswersAreProtocolErrors) {
  const std::string huge_bulk = "$1000000000\r\n" + std::string(2 << 20, 'x');
  const std::string answers[] = {
      ":1\r\n",           // an integer
      "$4\r\nPONG\r\n",   // a bulk string, not a status
      "*1\r\n+PONG\r\n",  // an array
      "+NOT-PONG\r\n",    //
      "*2147483647\r\n",  // an array too big to allocate
      "*2000\r\n",        // over max_array_elements
      "*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n",  // too deep
      "$-7\r\n",                                                             // a negative length
      "?what\r\n",                                                           // no such type
      "+PONG",                        // cut short, then silence
      huge_bulk,                      // over max_reply_bytes, still growing
      std::string("+PO\0NG\r\n", 8),  //
  };
  for (const std::string& answer : answers) {
    SCOPED_TRACE(answer.substr(0, 40));
    FakeRedis fake([&](int, const std::vector<std::string>& command) {
      return command.size() == 1 && command[0] == "PING" ? answer : std::string("-ERR no\r\n");
    });
    ASSERT_NE(fake.port(), 0);
    RedisConnectionOptions options;
    options.timeout = std::chrono::milliseconds(1000);
    options.max_reply_bytes = 1 << 20;
    const Clock::time_point start = Clock::now();
    const Status status = ConnectTo(fake.Url(), options);
    EXPECT_EQ(status.code(), Code::kUnavailable) << status.message();
    EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(1500));
  }
}

// An odd server that repeats the password in its refusal: the message does not.
TEST(RedisConnectionTest, EchoedPasswordIsNotQuoted) {
  for (const std::string password : {"hunter2", "*", "a"}) {
    SCOPED_TRACE(password);
    FakeRedis fake([&](int, const std::vector<std::string>& command) {
      return "-WRONGPASS " + command.back() + " is not " + command.back() + "\r\n";
    });
    ASSERT_NE(fake.port(), 0);
    const Status status =
        ConnectTo("redis://:" + password + "@127.0.0.1:" + std::to_string(fake.port()));
    EXPECT_EQ(status.code(), Code::kUnauthenticated);
    EXPECT_NE(status.message().find("WRONGPASS *** is not ***"), std::string::npos)
        << status.message();
  }
}

TEST(RedisConnectionTest, ServerErrorToPingIsItsOwnCode) {
  FakeRedis fake([](int, const std::vector<std::string>&) {
    return std::string("-NOPERM this user has no permissions to run the 'ping' command\r\n");
  });
  ASSERT_NE(fake.port(), 0);
  EXPECT_EQ(ConnectTo(fake.Url()).code(), Code::kForbidden);
}

}  // namespace
}  // namespace parley::cluster
