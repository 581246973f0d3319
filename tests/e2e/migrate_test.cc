// `parleyd migrate-to-postgres` (app/migrate_command.h) as an operator runs it: a real parleyd
// on SQLite gets accounts and messages over the API and stops; the command copies its data dir
// into a PostgreSQL database (tests/support/postgres_server.h); parleyd started again with
// --postgres on it serves the same accounts and history. Bad usage and a bad conninfo fail
// with their exit codes, never printing the conninfo.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/parleyd_tool.h"
#include "tests/e2e/server_process.h"
#include "tests/support/postgres_server.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

// seq -> text of the conversation's first page as `user` sees it.
std::map<int64_t, std::string> History(const ServerProcess& server, const TestUser& user,
                                       int64_t conversation_id) {
  std::map<int64_t, std::string> history;
  Result<json> reply = ApiFor(server, &user)->History(conversation_id, client::HistoryPage{});
  EXPECT_TRUE(IsOk(reply));
  if (!reply.ok()) return history;
  for (const json& message : (*reply)["messages"]) {
    history[message["seq"].get<int64_t>()] = message["text"].get<std::string>();
  }
  return history;
}

TEST(MigrateTest, ADataDirMovesToPostgresWithItsHistory) {
  std::string error;
  testing_support::PostgresServer* postgres = testing_support::PostgresServer::Shared(&error);
  ASSERT_NE(postgres, nullptr) << error;
  Result<std::string> conninfo = postgres->CreateDatabase("migrated");
  ASSERT_TRUE(IsOk(conninfo));

  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  Result<TestUser> alice = CreateUser(**server, "alice");
  ASSERT_TRUE(IsOk(alice));
  Result<TestUser> bob = CreateUser(**server, "bob");
  ASSERT_TRUE(IsOk(bob));
  int64_t conversation = 0;
  {
    Result<std::unique_ptr<client::WsClient>> ws = ConnectUser(**server, *alice);
    ASSERT_TRUE(IsOk(ws));
    for (int n = 0; n < 5; ++n) {
      Result<json> ack = (*ws)->SendToUser(bob->id, "before the move " + std::to_string(n));
      ASSERT_TRUE(IsOk(ack));
      conversation = (*ack)["conversation_id"].get<int64_t>();
    }
  }
  const std::map<int64_t, std::string> before = History(**server, *bob, conversation);
  ASSERT_EQ(before.size(), 5u);
  ASSERT_EQ((*server)->Stop(), 0);

  // The SQLite deployment's settings (scheduled backups among them) come along.
  ToolRun run = Parleyd({"migrate-to-postgres", "--data-dir", (*server)->data_dir(), "--backup-dir",
                         (*server)->data_dir() + "/backups", "--postgres", *conninfo});
  ASSERT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("users: 2 rows, checksum ok"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("parleyd migrate-to-postgres done:"), std::string::npos);

  ASSERT_TRUE(IsOk((*server)->Restart({"--postgres", *conninfo})));
  EXPECT_EQ(History(**server, *bob, conversation), before);
  // The devices came along: alice's token still works, and she can send on.
  Result<std::unique_ptr<client::WsClient>> ws = ConnectUser(**server, *alice);
  ASSERT_TRUE(IsOk(ws));
  Result<json> ack = (*ws)->SendToUser(bob->id, "after the move");
  ASSERT_TRUE(IsOk(ack));
  EXPECT_EQ((*ack)["seq"].get<int64_t>(), 6);
}

TEST(MigrateTest, BadUsageAndABadConninfoFailWithoutShowingIt) {
  ToolRun usage = Parleyd({"migrate-to-postgres", "--data-dir", "/nonexistent"});
  EXPECT_EQ(usage.exit_code, 2) << usage.output;
  EXPECT_NE(usage.output.find("--postgres"), std::string::npos) << usage.output;

  ToolRun missing = Parleyd({"migrate-to-postgres", "--data-dir", "/nonexistent", "--postgres",
                             "host=127.0.0.1 port=1 password=sekrit"});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_EQ(missing.output.find("sekrit"), std::string::npos) << missing.output;

  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  ASSERT_EQ((*server)->Stop(), 0);
  ToolRun unreachable =
      Parleyd({"migrate-to-postgres", "--data-dir", (*server)->data_dir(), "--postgres",
               "host=127.0.0.1 port=1 dbname=x password=sekrit connect_timeout=2"});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable.output;
  EXPECT_EQ(unreachable.output.find("sekrit"), std::string::npos) << unreachable.output;
}

}  // namespace
}  // namespace parley::e2e
