// The test support's PostgreSQL server itself (tests/support/postgres_server.h): database
// names on the run's shared server, no restart of it, and the fixture's detached server,
// including state files that name another process.
#include "tests/support/postgres_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "store/postgres/pg_db.h"
#include "tests/support/temp_dir.h"

namespace parley::testing_support {
namespace {

using store::postgres::PgDb;

// The name of the database `conninfo` leads to; "" (and a test failure) if it cannot connect.
std::string CurrentDatabase(const std::string& conninfo) {
  Result<std::unique_ptr<PgDb>> db = PgDb::Open({conninfo});
  EXPECT_TRUE(db.ok()) << db.status().message();
  if (!db.ok()) return "";
  Result<store::sql::Statement> query = (*db)->Prepare("SELECT current_database()");
  EXPECT_TRUE(query.ok()) << query.status().message();
  if (!query.ok() || !*query->Step()) return "";
  return query->ColumnText(0);
}

bool OnTheRunServer() { return std::getenv(PostgresServer::kStateFileEnv) != nullptr; }

TEST(PostgresServerTest, DatabaseNamesAreTheProcesssOwnOnTheRunServer) {
  std::string error;
  PostgresServer* server = PostgresServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  Result<std::string> first = server->CreateDatabase("support_names");
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(server->ConnInfo("support_names"), *first);
  const std::string suffix = OnTheRunServer() ? "_" + std::to_string(getpid()) : "";
  EXPECT_EQ(CurrentDatabase(*first), "support_names" + suffix);
  Result<std::string> again = server->CreateDatabase("support_names");
  EXPECT_EQ(again.status().code(), Code::kConflict);

  // Names that leave no room for the suffix are shortened, and stay apart.
  const std::string long_a(60, 'a'), long_b = std::string(59, 'a') + "b";
  Result<std::string> a = server->CreateDatabase(long_a);
  Result<std::string> b = server->CreateDatabase(long_b);
  ASSERT_TRUE(a.ok()) << a.status().message();
  ASSERT_TRUE(b.ok()) << b.status().message();
  const std::string name_a = CurrentDatabase(*a), name_b = CurrentDatabase(*b);
  EXPECT_NE(name_a, name_b);
  EXPECT_LE(name_a.size(), 63u);
  EXPECT_TRUE(name_a.ends_with(suffix)) << name_a;
}

TEST(PostgresServerTest, RefusesNamesThatAreNotPlain) {
  std::string error;
  PostgresServer* server = PostgresServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  for (const std::string& name :
       {std::string(), std::string(64, 'a'), std::string("a-b"), std::string("x\"; DROP x; --"),
        std::string("caf\xc3\xa9"), std::string("a\0b", 3)}) {
    EXPECT_EQ(server->CreateDatabase(name).status().code(), Code::kInvalidArgument) << name;
  }
}

TEST(PostgresServerTest, TheRunServerIsNeverRestarted) {
  if (!OnTheRunServer()) GTEST_SKIP() << "run by hand: the process's own server";
  std::string error;
  PostgresServer* server = PostgresServer::Shared(&error);
  ASSERT_NE(server, nullptr) << error;
  bool ran = false;
  EXPECT_FALSE(server->Restart([&] { ran = true; }).ok());
  EXPECT_FALSE(ran);
  Result<std::string> conninfo = server->CreateDatabase("support_still_up");
  ASSERT_TRUE(conninfo.ok()) << conninfo.status().message();
  EXPECT_FALSE(CurrentDatabase(*conninfo).empty());
}

TEST(PostgresServerTest, ADetachedServerRunsUntilStopped) {
  TempDir dir;
  const std::string state_file = dir.path() + "/state";
  ASSERT_TRUE(PostgresServer::StopDetached(state_file).ok());  // none: nothing to do
  ASSERT_TRUE(PostgresServer::StartDetached(state_file).ok());
  std::ifstream in(state_file);
  std::string port_line, pid_line, dir_line;
  ASSERT_TRUE(std::getline(in, port_line) && std::getline(in, pid_line) &&
              std::getline(in, dir_line));
  ASSERT_TRUE(port_line.starts_with("port=") && pid_line.starts_with("pid=") &&
              dir_line.starts_with("dir="));
  const std::string conninfo =
      "host=127.0.0.1 port=" + port_line.substr(5) + " dbname=postgres user=parley";
  EXPECT_EQ(CurrentDatabase(conninfo), "postgres");
  const std::string cluster = dir_line.substr(4);
  EXPECT_TRUE(std::filesystem::exists(cluster + "/data/postmaster.pid"));

  ASSERT_TRUE(PostgresServer::StopDetached(state_file).ok());
  EXPECT_FALSE(std::filesystem::exists(state_file));
  EXPECT_FALSE(std::filesystem::exists(cluster));
  EXPECT_FALSE(PgDb::Open({conninfo + " connect_timeout=2"}).ok());
}

TEST(PostgresServerTest, AStateFileNamingAnotherProcessSignalsNothing) {
  TempDir dir;
  const std::string state_file = dir.path() + "/state";
  for (const std::string& text :
       {"pid=" + std::to_string(getpid()) + "\n", "pid=" + std::to_string(getppid()) + "\n",
        std::string("pid=-1\ndir=/\n"), std::string("garbage\n\xff\xfe=\n"),
        std::string("pid=99999999999999999999\n")}) {
    ASSERT_TRUE(std::ofstream(state_file, std::ios::trunc) << text);
    EXPECT_TRUE(PostgresServer::StopDetached(state_file).ok()) << text;
    EXPECT_FALSE(std::filesystem::exists(state_file)) << text;
  }
  // A cluster directory whose lock file names this process: not a postgres, so not signalled
  // (SIGQUIT would end this test); the directory, one of the tests' temporary ones, goes.
  std::filesystem::create_directories(dir.path() + "/cluster/data");
  std::ofstream(dir.path() + "/cluster/data/postmaster.pid") << getpid() << "\n";
  std::ofstream(state_file, std::ios::trunc)
      << "pid=" << getpid() << "\ndir=" << dir.path() << "/cluster\n";
  EXPECT_TRUE(PostgresServer::StopDetached(state_file).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/cluster"));
  EXPECT_FALSE(std::filesystem::exists(state_file));
}

}  // namespace
}  // namespace parley::testing_support
