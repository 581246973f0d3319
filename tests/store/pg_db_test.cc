// The PostgreSQL driver (store/postgres/pg_db.h) against a real PostgreSQL server (the test
// run's, tests/support/postgres_server.h; the restart tests on one of their own): parameters,
// values, errors, transactions, the statement cache, connection loss and hostile connection
// strings.
#include "store/postgres/pg_db.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/store/backends.h"
#include "tests/support/postgres_server.h"

namespace parley::store::postgres {
namespace {

using sql::Statement;
using sql::Transaction;
using sql::TransactionMode;
using testing_support::PostgresServer;

class PgDbTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = PostgresServer::Shared(&error);
    ASSERT_NE(server_, nullptr) << error;
    OpenNewDatabase();
  }

  // db_ on a new database of server_.
  void OpenNewDatabase() {
    static int databases = 0;
    Result<std::string> conninfo =
        server_->CreateDatabase("pg_db_test_" + std::to_string(++databases));
    ASSERT_TRUE(conninfo.ok()) << conninfo.status().message();
    conninfo_ = *conninfo;
    db_ = Open();
    ASSERT_NE(db_, nullptr);
  }

  std::unique_ptr<PgDb> Open() {
    Result<std::unique_ptr<PgDb>> db = PgDb::Open({conninfo_});
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(*db) : nullptr;
  }

  void Exec(const std::string& sql, PgDb* db = nullptr) {
    Status status = (db != nullptr ? db : db_.get())->Exec(sql);
    ASSERT_TRUE(status.ok()) << sql << ": " << status.message();
  }

  Statement Prepare(const std::string& sql, PgDb* db = nullptr) {
    Result<sql::Statement> statement = (db != nullptr ? db : db_.get())->Prepare(sql);
    EXPECT_TRUE(statement.ok()) << sql << ": " << statement.status().message();
    return std::move(*statement);
  }

  // INSERT INTO t VALUES (id) through Statement::RunLater.
  void InsertLater(int64_t id) {
    Statement insert = Prepare("INSERT INTO t VALUES (?1)");
    insert.BindInt(1, id);
    ASSERT_TRUE(insert.RunLater().ok());
  }

  int64_t Count(const std::string& table, PgDb* db = nullptr) {
    Result<int64_t> count =
        (db != nullptr ? db : db_.get())->QueryInt("SELECT count(*) FROM " + table);
    EXPECT_TRUE(count.ok()) << count.status().message();
    return count.ok() ? *count : -1;
  }

  std::unique_ptr<PostgresServer> own_server_;  // PgDbRestartTest's
  PostgresServer* server_ = nullptr;
  std::string conninfo_;
  std::unique_ptr<PgDb> db_;
};

// For the tests that restart the server: one of the test's own, not the run's shared one.
class PgDbRestartTest : public PgDbTest {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<PostgresServer>> launched = PostgresServer::Launch();
    ASSERT_TRUE(launched.ok()) << launched.status().message();
    own_server_ = std::move(*launched);
    server_ = own_server_.get();
    OpenNewDatabase();
  }
};

TEST_F(PgDbTest, RewritesParametersOutsideLiteralsCommentsAndDollarQuotes) {
  Statement select = Prepare(
      "SELECT '?1', CAST(?1 AS TEXT), $$ ?2 $$, \"?3\" -- ?4\n"
      "FROM (SELECT 1 AS \"?3\") AS t /* ?5 */");
  select.BindText(1, "bound");
  Result<bool> row = select.Step();
  ASSERT_TRUE(row.ok()) << row.status().message();
  ASSERT_TRUE(*row);
  EXPECT_EQ(select.ColumnText(0), "?1");
  EXPECT_EQ(select.ColumnText(1), "bound");
  EXPECT_EQ(select.ColumnText(2), " ?2 ");
  EXPECT_EQ(select.ColumnInt(3), 1);
}

TEST_F(PgDbTest, RejectsABareQuestionMark) {
  Result<Statement> bare = db_->Prepare("SELECT a FROM b WHERE c = ?");
  ASSERT_FALSE(bare.ok());
  EXPECT_EQ(bare.status().code(), Code::kInternal);
  EXPECT_NE(bare.status().message().find("bare \"?\""), std::string::npos);
}

TEST_F(PgDbTest, RoundTripsIntegersTextAndBlobs) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, data BYTEA)");
  std::string blob("\0a\0\xff\x01\\x00'\"", 10);
  std::string big(1 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 + i / 256);
  const std::string text =
      "中文 and emoji 😀👩‍👩‍👧 and 'quotes' \"double\" \\ backslash";
  struct Row {
    int64_t id;
    std::string name;
    std::string data;
  };
  const Row rows[] = {{INT64_MAX, text, blob}, {INT64_MIN, "", big}, {0, "\\x41", ""}};
  for (const Row& row : rows) {
    Statement insert = Prepare("INSERT INTO t (id, name, data) VALUES (?1, ?2, ?3)");
    insert.BindInt(1, row.id);
    insert.BindText(2, row.name);
    insert.BindBlob(3, row.data);
    Status inserted = insert.Run();
    ASSERT_TRUE(inserted.ok()) << inserted.message();
  }
  for (const Row& row : rows) {
    Statement select = Prepare("SELECT id, name, data, length(data) FROM t WHERE id = ?1");
    select.BindInt(1, row.id);
    Result<bool> found = select.Step();
    ASSERT_TRUE(found.ok()) << found.status().message();
    ASSERT_TRUE(*found);
    EXPECT_EQ(select.ColumnInt(0), row.id);
    EXPECT_EQ(select.ColumnText(1), row.name);
    EXPECT_TRUE(select.ColumnText(2) == row.data) << "blob of " << row.data.size() << " bytes";
    EXPECT_EQ(select.ColumnInt(3), static_cast<int64_t>(row.data.size()));
    Result<bool> more = select.Step();
    ASSERT_TRUE(more.ok());
    EXPECT_FALSE(*more);
  }
}

TEST_F(PgDbTest, ReadsNullsBooleansAndNumericSums) {
  Exec("CREATE TABLE t (id BIGINT, name TEXT, flag BOOLEAN)");
  Exec("INSERT INTO t VALUES (4000000000, 'a', true), (4000000001, NULL, false)");
  Statement insert = Prepare("INSERT INTO t (id, name) VALUES (?1, ?2)");
  insert.BindInt(1, 7);  // ?2 left unbound: NULL
  ASSERT_TRUE(insert.Run().ok());

  Statement select = Prepare("SELECT name, flag, id FROM t WHERE id = ?1");
  select.BindInt(1, 7);
  ASSERT_TRUE(*select.Step());
  EXPECT_TRUE(select.ColumnIsNull(0));
  EXPECT_EQ(select.ColumnText(0), "");
  EXPECT_TRUE(select.ColumnIsNull(1));
  EXPECT_EQ(select.ColumnInt(1), 0);
  EXPECT_FALSE(select.ColumnIsNull(2));

  Statement flags = Prepare("SELECT flag FROM t WHERE flag IS NOT NULL ORDER BY id");
  ASSERT_TRUE(*flags.Step());
  EXPECT_EQ(flags.ColumnInt(0), 1);
  ASSERT_TRUE(*flags.Step());
  EXPECT_EQ(flags.ColumnInt(0), 0);

  Result<int64_t> sum = db_->QueryInt("SELECT SUM(id) FROM t");  // NUMERIC
  ASSERT_TRUE(sum.ok()) << sum.status().message();
  EXPECT_EQ(*sum, 8000000008);
}

TEST_F(PgDbTest, ReturnsRowsFromReturning) {
  Exec("CREATE TABLE t (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name TEXT)");
  for (int64_t expected = 1; expected <= 3; ++expected) {
    Statement insert = Prepare("INSERT INTO t (name) VALUES (?1) RETURNING id, name");
    insert.BindText(1, "n" + std::to_string(expected));
    Result<bool> row = insert.Step();
    ASSERT_TRUE(row.ok()) << row.status().message();
    ASSERT_TRUE(*row);
    EXPECT_EQ(insert.ColumnInt(0), expected);
    EXPECT_EQ(insert.ColumnText(1), "n" + std::to_string(expected));
  }
}

TEST_F(PgDbTest, TellsConstraintViolationsApartWithoutBoundValues) {
  Exec("CREATE TABLE users (id BIGINT PRIMARY KEY, name TEXT UNIQUE)");
  Exec("CREATE TABLE posts (id BIGINT PRIMARY KEY, author BIGINT REFERENCES users (id))");
  const std::string secret = "alice-secret-name";
  for (int attempt = 0; attempt < 2; ++attempt) {
    Statement insert = Prepare("INSERT INTO users (id, name) VALUES (?1, ?2)");
    insert.BindInt(1, 100 + attempt);
    insert.BindText(2, secret);
    Status status = insert.Run();
    if (attempt == 0) {
      ASSERT_TRUE(status.ok()) << status.message();
      continue;
    }
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), Code::kInternal);
    EXPECT_TRUE(insert.IsUniqueViolation());
    EXPECT_FALSE(insert.IsForeignKeyViolation());
    EXPECT_FALSE(insert.IsRetryable());
    EXPECT_TRUE(status.message().starts_with("postgres: duplicate key")) << status.message();
    EXPECT_EQ(status.message().find(secret), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find("101"), std::string::npos) << status.message();
    // Reset clears the error with the bindings.
    insert.Reset();
    EXPECT_FALSE(insert.IsUniqueViolation());
  }

  Statement post = Prepare("INSERT INTO posts (id, author) VALUES (?1, ?2)");
  post.BindInt(1, 1);
  post.BindInt(2, 987654321);
  Status status = post.Run();
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(post.IsForeignKeyViolation());
  EXPECT_FALSE(post.IsUniqueViolation());
  EXPECT_EQ(status.message().find("987654321"), std::string::npos) << status.message();
}

TEST_F(PgDbTest, BadValuesFailWithoutQuotingThem) {
  Statement cast = Prepare("SELECT CAST(?1 AS BIGINT)");
  cast.BindText(1, "not-a-number-secret");
  Result<bool> row = cast.Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), Code::kInternal);
  EXPECT_EQ(row.status().message(), "postgres: invalid value (SQLSTATE 22P02)");

  Statement text = Prepare("SELECT CAST(?1 AS TEXT)");
  text.BindText(1, std::string("a\0b", 3));
  row = text.Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), Code::kInvalidArgument);
  text.Reset();

  text.BindText(1, "\xc3\x28 invalid utf-8");
  row = text.Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().message().find("invalid utf-8"), std::string::npos);
  text.Reset();

  text.BindText(7, "no such parameter");
  row = text.Step();
  ASSERT_FALSE(row.ok());
  EXPECT_NE(row.status().message().find("parameter index 7"), std::string::npos);
  text.Reset();

  // Binding again without Reset() after a run is an error, as in SQLite.
  text.BindText(1, "first");
  ASSERT_TRUE(*text.Step());
  text.BindText(1, "second");
  row = text.Step();
  ASSERT_FALSE(row.ok());
  EXPECT_NE(row.status().message().find("bound after the statement ran"), std::string::npos);
  text.Reset();

  // The statement still works after each failure.
  text.BindText(1, "fine");
  row = text.Step();
  ASSERT_TRUE(row.ok()) << row.status().message();
  EXPECT_EQ(text.ColumnText(0), "fine");
}

TEST_F(PgDbTest, SqlErrorsNameTheProblem) {
  Result<Statement> missing = db_->Prepare("SELECT * FROM no_such_table");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "postgres: relation \"no_such_table\" does not exist");
  Status exec = db_->Exec("CREATE TABLE a (x INT); SELEC 1");
  EXPECT_FALSE(exec.ok());
  EXPECT_TRUE(exec.message().starts_with("postgres: syntax error")) << exec.message();
  EXPECT_FALSE(db_->InTransaction());
}

TEST_F(PgDbTest, TransactionsCommitRollBackAndReportState) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  {
    Transaction txn(*db_);
    ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
    EXPECT_TRUE(db_->InTransaction());
    Exec("INSERT INTO t VALUES (1)");
  }  // rolled back
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(Count("t"), 0);
  {
    Transaction txn(*db_);
    ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
    Exec("INSERT INTO t VALUES (2)");
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(Count("t"), 1);

  // A failed statement aborts the transaction; the rollback still ends it.
  {
    Transaction txn(*db_);
    ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
    EXPECT_FALSE(db_->Exec("INSERT INTO t VALUES (2)").ok());
    EXPECT_TRUE(db_->InTransaction());
    EXPECT_FALSE(db_->Exec("INSERT INTO t VALUES (3)").ok());  // aborted: ignored
  }
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(Count("t"), 1);

  // kRead transactions are read-only.
  Transaction read(*db_);
  ASSERT_TRUE(read.Begin(TransactionMode::kRead).ok());
  EXPECT_FALSE(db_->Exec("INSERT INTO t VALUES (4)").ok());
}

// Statement::RunLater inside a transaction: sent at once, its outcome read with the next
// statement (pg_connection.h, "Pipelining").
TEST_F(PgDbTest, RunLaterPipelinesInsideATransactionAndRunsAtOnceOutside) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  Statement outside = Prepare("INSERT INTO t VALUES (?1)");
  outside.BindInt(1, 1);
  ASSERT_TRUE(outside.RunLater().ok());
  outside.Reset();
  std::unique_ptr<PgDb> other = Open();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(Count("t", other.get()), 1);  // outside a transaction: ran (and committed) at once

  Transaction txn(*db_);
  ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
  for (int64_t id = 2; id <= 4; ++id) {
    InsertLater(id);
  }
  // The next statement goes out behind them and sees what they did.
  EXPECT_EQ(Count("t"), 4);
  Statement update = Prepare("UPDATE t SET id = id + 10 WHERE id = ?1");
  update.BindInt(1, 4);
  ASSERT_TRUE(update.RunLater().ok());
  update.Reset();
  ASSERT_TRUE(txn.Commit().ok());  // COMMIT goes out behind the UPDATE
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(*other->QueryInt("SELECT max(id) FROM t"), 14);
  EXPECT_EQ(Count("t", other.get()), 4);
}

TEST_F(PgDbTest, APendingFailureFailsTheNextStatementAndTheCommit) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  Exec("INSERT INTO t VALUES (1)");
  {
    Transaction txn(*db_);
    ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
    InsertLater(1);  // taken: fails on the server, unseen yet
    Result<int64_t> next = db_->QueryInt("SELECT count(*) FROM t");
    ASSERT_FALSE(next.ok());
    EXPECT_EQ(next.status().code(), Code::kInternal);
    EXPECT_NE(next.status().message().find("duplicate key"), std::string::npos)
        << next.status().message();
    Status commit = txn.Commit();  // PostgreSQL rolls back; the driver says so
    EXPECT_EQ(commit.code(), Code::kInternal);
    EXPECT_NE(commit.message().find("rolled back"), std::string::npos) << commit.message();
    EXPECT_FALSE(db_->InTransaction());
  }
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(Count("t"), 1);

  // The same failure met by the COMMIT itself; a ROLLBACK with one pending; a statement
  // prepared for the first time with one pending.
  {
    Transaction txn(*db_);
    ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
    InsertLater(1);
    EXPECT_FALSE(txn.Commit().ok());
  }
  {
    Transaction txn(*db_);
    ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
    InsertLater(5);
    txn.Rollback();
  }
  EXPECT_EQ(Count("t"), 1);
  {
    Transaction txn(*db_);
    ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
    InsertLater(6);
    Result<Statement> fresh = db_->Prepare("SELECT id FROM t WHERE id = ?1");
    ASSERT_TRUE(fresh.ok()) << fresh.status().message();
    fresh->BindInt(1, 6);
    Result<bool> row = fresh->Step();
    ASSERT_TRUE(row.ok() && *row) << row.status().message();
    fresh->Reset();
    ASSERT_TRUE(txn.Commit().ok());
  }
  EXPECT_EQ(Count("t"), 2);
}

// A guarded INSERT (its own savepoint) behind pending statements: its constraint failure is
// still its own, and the transaction goes on.
TEST_F(PgDbTest, AnInsertBehindPendingStatementsKeepsItsOwnConstraintFailure) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  Exec("INSERT INTO t VALUES (1)");
  Transaction txn(*db_);
  ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
  InsertLater(2);
  Statement duplicate = Prepare("INSERT INTO t VALUES (?1)");
  duplicate.BindInt(1, 1);
  EXPECT_FALSE(duplicate.Run().ok());
  EXPECT_TRUE(duplicate.IsUniqueViolation());
  duplicate.Reset();
  EXPECT_EQ(Count("t"), 2);
  ASSERT_TRUE(txn.Commit().ok());
  EXPECT_EQ(Count("t"), 2);
}

TEST_F(PgDbTest, ReadTransactionsSeeOneSnapshot) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  std::unique_ptr<PgDb> writer = Open();
  ASSERT_NE(writer, nullptr);
  Transaction read(*db_);
  ASSERT_TRUE(read.Begin(TransactionMode::kRead).ok());
  EXPECT_EQ(Count("t"), 0);
  Exec("INSERT INTO t VALUES (1)", writer.get());
  EXPECT_EQ(Count("t", writer.get()), 1);
  EXPECT_EQ(Count("t"), 0);  // still the snapshot of the first read
  ASSERT_TRUE(read.Commit().ok());
  EXPECT_EQ(Count("t"), 1);
}

TEST_F(PgDbTest, LendsTheSameStatementTwiceAtOnceAndDropsTheCopy) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  Exec("INSERT INTO t SELECT generate_series(1, 10)");
  const std::string sql = "SELECT id FROM t WHERE id >= ?1 ORDER BY id";
  {
    Statement first = Prepare(sql);
    Statement second = Prepare(sql);  // a private copy: `first` is borrowed
    first.BindInt(1, 3);
    second.BindInt(1, 8);
    for (int64_t expected : {3, 4}) {
      ASSERT_TRUE(*first.Step());
      EXPECT_EQ(first.ColumnInt(0), expected);
      ASSERT_TRUE(*second.Step());
      EXPECT_EQ(second.ColumnInt(0), expected + 5);
    }
  }
  // The copy's server statement is dropped at the next use; the cached one is kept and reused.
  const std::string count_sql = "SELECT count(*) FROM pg_prepared_statements";
  Result<int64_t> prepared = db_->QueryInt(count_sql);
  ASSERT_TRUE(prepared.ok()) << prepared.status().message();
  EXPECT_EQ(*prepared, 2);  // `sql` and `count_sql`
  Statement again = Prepare(sql);
  again.BindInt(1, 10);
  ASSERT_TRUE(*again.Step());
  EXPECT_EQ(again.ColumnInt(0), 10);
  EXPECT_EQ(*db_->QueryInt(count_sql), 2);
}

TEST_F(PgDbTest, DeadlockVictimIsRetryable) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT)");
  Exec("INSERT INTO t VALUES (1, 0), (2, 0)");
  std::unique_ptr<PgDb> dbs[2] = {Open(), Open()};
  ASSERT_NE(dbs[0], nullptr);
  ASSERT_NE(dbs[1], nullptr);
  std::latch first_locks_held(2);
  std::atomic<int> retryable{0};
  std::atomic<int> committed{0};
  auto run = [&](int self) {
    PgDb& db = *dbs[self];
    Transaction txn(db);
    const bool begun = txn.Begin(TransactionMode::kWrite).ok();
    auto update = [&](int64_t id) {
      Result<Statement> statement = db.Prepare("UPDATE t SET n = n + 1 WHERE id = ?1");
      if (!statement.ok()) return false;
      statement->BindInt(1, id);
      Status status = statement->Run();
      if (!status.ok() && statement->IsRetryable()) ++retryable;
      return status.ok();
    };
    const bool locked = begun && update(self == 0 ? 1 : 2);
    first_locks_held.arrive_and_wait();  // both hold one row lock: now take them crosswise
    if (locked && update(self == 0 ? 2 : 1) && txn.Commit().ok()) ++committed;
  };
  std::thread other(run, 1);
  run(0);
  other.join();
  EXPECT_EQ(retryable.load(), 1);
  EXPECT_EQ(committed.load(), 1);
  EXPECT_EQ(*db_->QueryInt("SELECT SUM(n) FROM t"), 2);
}

TEST_F(PgDbRestartTest, ReconnectsAfterTheServerRestarts) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  const std::string insert_sql = "INSERT INTO t (id) VALUES (?1)";
  auto insert = [&](int64_t id) {
    Result<Statement> statement = db_->Prepare(insert_sql);
    if (!statement.ok()) return statement.status();
    statement->BindInt(1, id);
    return statement->Run();
  };
  ASSERT_TRUE(insert(1).ok());
  ASSERT_TRUE(server_->Restart().ok());

  // The first use may find the connection gone (kUnavailable) or reconnect at once.
  Status first = insert(2);
  if (!first.ok()) {
    EXPECT_EQ(first.code(), Code::kUnavailable) << first.message();
    EXPECT_EQ(first.message(), "postgres: connection lost");
    ASSERT_TRUE(insert(2).ok());
  }
  // The cached statement was prepared again on the new connection.
  ASSERT_TRUE(insert(3).ok());
  EXPECT_EQ(Count("t"), 3);
}

TEST_F(PgDbRestartTest, ATransactionCutOffByARestartIsNeverContinuedOutsideIt) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  {
    Transaction txn(*db_);
    ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
    Exec("INSERT INTO t VALUES (1)");
    ASSERT_TRUE(server_->Restart().ok());
    Status lost = db_->Exec("INSERT INTO t VALUES (2)");
    EXPECT_EQ(lost.code(), Code::kUnavailable) << lost.message();
    EXPECT_TRUE(db_->InTransaction());
    // What follows would run without the transaction: refused until the rollback.
    Status after = db_->Exec("INSERT INTO t VALUES (3)");
    EXPECT_EQ(after.code(), Code::kUnavailable) << after.message();
    Status commit = txn.Commit();
    EXPECT_EQ(commit.code(), Code::kUnavailable) << commit.message();
  }  // rolled back
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(Count("t"), 0);
}

TEST_F(PgDbRestartTest, PendingStatementsCutOffByARestartLoseTheTransaction) {
  Exec("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  {
    Transaction txn(*db_);
    ASSERT_TRUE(txn.Begin(TransactionMode::kWrite).ok());
    InsertLater(1);
    ASSERT_TRUE(server_->Restart().ok());
    Statement insert = Prepare("INSERT INTO t VALUES (?1)");
    insert.BindInt(1, 2);
    Status sent = insert.RunLater();  // may fail at once or be buffered
    insert.Reset();
    Status lost = txn.Commit();
    EXPECT_EQ(lost.code(), Code::kUnavailable) << lost.message() << " / " << sent.message();
    EXPECT_TRUE(db_->InTransaction());
    Status after = db_->Exec("INSERT INTO t VALUES (3)");
    EXPECT_EQ(after.code(), Code::kUnavailable) << after.message();
  }  // rolled back
  EXPECT_FALSE(db_->InTransaction());
  EXPECT_EQ(Count("t"), 0);
  Exec("INSERT INTO t VALUES (4)");  // the connection is whole again
  EXPECT_EQ(Count("t"), 1);
}

TEST_F(PgDbTest, FailsUnavailableWhileTheServerIsAway) {
  // A port nothing listens on: connection refused at once.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size), 0);
  const int port = ntohs(address.sin_port);
  close(fd);

  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<PgDb>> db = PgDb::Open(
      {"host=127.0.0.1 port=" + std::to_string(port) + " dbname=x user=parley", 2, "test"});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Code::kUnavailable);
  EXPECT_TRUE(db.status().message().starts_with("postgres: cannot connect: "))
      << db.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));

  // A listener that never answers: the connection attempt gives up after connect_timeout_s.
  int silent = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(silent, 0);
  address.sin_port = 0;
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(silent, 8), 0);
  ASSERT_EQ(getsockname(silent, reinterpret_cast<sockaddr*>(&address), &size), 0);
  const auto silent_start = std::chrono::steady_clock::now();
  db = PgDb::Open(
      {"host=127.0.0.1 port=" + std::to_string(ntohs(address.sin_port)) + " dbname=x user=parley",
       2, "test"});
  const auto waited = std::chrono::steady_clock::now() - silent_start;
  close(silent);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Code::kUnavailable) << db.status().message();
  EXPECT_GE(waited, std::chrono::milliseconds(1500));
  EXPECT_LT(waited, std::chrono::seconds(5));

  // A database that does not exist: the server refuses the login.
  db = PgDb::Open({server_->ConnInfo("no_such_database")});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Code::kUnavailable);
}

TEST_F(PgDbTest, RejectsGarbageConnectionStrings) {
  const std::vector<std::string> garbage = {
      "this is = not 'a conninfo", "host=127.0.0.1 no_such_option=1", "dbname='unterminated",
      "postgres://[::1",           std::string(100000, '='),          "\xff\xfe=\x01"};
  for (const std::string& conninfo : garbage) {
    Result<std::unique_ptr<PgDb>> db = PgDb::Open({conninfo});
    ASSERT_FALSE(db.ok()) << conninfo;
    EXPECT_EQ(db.status().code(), Code::kInvalidArgument) << db.status().message();
    EXPECT_TRUE(db.status().message().starts_with("postgres: invalid connection string: "))
        << db.status().message();
  }
}

TEST_F(PgDbTest, ConnectsWithAUriAndSetsUtf8AndTheApplicationName) {
  Result<std::unique_ptr<PgDb>> db =
      PgDb::Open({"postgresql://parley@127.0.0.1:" + std::to_string(server_->port()) + "/postgres",
                  5, "pg-db-test"});
  ASSERT_TRUE(db.ok()) << db.status().message();
  Result<Statement> settings = (*db)->Prepare(
      "SELECT current_setting('client_encoding'), current_setting('application_name')");
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  ASSERT_TRUE(*settings->Step());
  EXPECT_EQ(settings->ColumnText(0), "UTF8");
  EXPECT_EQ(settings->ColumnText(1), "pg-db-test");
}

TEST(OpenPostgresDatabase, OpensTheSameDatabaseForTheSameDirectory) {
  testing_support::TempDir dir;
  Result<std::string> first = OpenPostgresDatabase(dir.path());
  ASSERT_TRUE(first.ok()) << first.status().message();
  Result<std::unique_ptr<PgDb>> db = PgDb::Open({*first});
  ASSERT_TRUE(db.ok()) << db.status().message();
  ASSERT_TRUE((*db)->Exec("CREATE TABLE kept (id BIGINT)").ok());

  Result<std::string> again = OpenPostgresDatabase(dir.path());
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(*again, *first);
  db = PgDb::Open({*again});
  ASSERT_TRUE(db.ok()) << db.status().message();
  Result<int64_t> kept = (*db)->QueryInt("SELECT count(*) FROM kept");
  EXPECT_TRUE(kept.ok()) << kept.status().message();

  testing_support::TempDir other;
  Result<std::string> fresh = OpenPostgresDatabase(other.path());
  ASSERT_TRUE(fresh.ok()) << fresh.status().message();
  EXPECT_NE(*fresh, *first);
}

}  // namespace
}  // namespace parley::store::postgres
