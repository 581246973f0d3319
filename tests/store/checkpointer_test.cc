// Checkpointer: the background thread copies committed WAL pages into the database file while
// the writer never checkpoints itself, and Stop() ends the thread.
#include "store/sqlite/checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "store/sqlite/sqlite_db.h"
#include "tests/support/temp_dir.h"

namespace parley::store::sqlite {
namespace {

using namespace std::chrono_literals;
using testing_support::TempDir;

std::unique_ptr<Db> OpenWriter(const std::string& path) {
  DbOptions options;
  options.create = true;
  options.writer = true;
  options.synchronous_full = false;
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path, options);
  EXPECT_TRUE(db.ok()) << db.status().message();
  return db.ok() ? std::move(*db) : nullptr;
}

// Waits up to 20 s for the database file (not the WAL) to reach `bytes`.
bool WaitForFileSize(const std::string& path, uintmax_t bytes) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ignored;
    if (std::filesystem::file_size(path, ignored) >= bytes) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TEST(CheckpointerTest, CopiesCommittedPagesIntoTheDatabaseFile) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/c.db";
  std::unique_ptr<Db> writer = OpenWriter(path);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Exec("PRAGMA wal_autocheckpoint = 0").ok());
  ASSERT_TRUE(writer->Exec("CREATE TABLE t (v BLOB)").ok());
  // About 1 MiB of rows: with automatic checkpoints off it all stays in the WAL.
  for (int i = 0; i < 16; ++i) {
    ASSERT_TRUE(writer
                    ->Exec("INSERT INTO t SELECT randomblob(1024) FROM "
                           "(WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n "
                           "WHERE x < 64) SELECT x FROM n)")
                    .ok());
  }
  std::error_code ignored;
  ASSERT_LT(std::filesystem::file_size(path, ignored), 512u * 1024);

  Checkpointer checkpointer(OpenWriter(path), 10ms);
  EXPECT_TRUE(WaitForFileSize(path, 1024u * 1024));
  checkpointer.Stop();
  Result<int64_t> rows = writer->QueryInt("SELECT count(*) FROM t");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*rows, 16 * 64);
}

TEST(CheckpointerTest, StopIsIdempotentAndPrompt) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string path = dir.path() + "/c.db";
  std::unique_ptr<Db> writer = OpenWriter(path);
  ASSERT_NE(writer, nullptr);
  // An hour-long interval: Stop() must wake the thread rather than wait for the tick.
  Checkpointer checkpointer(OpenWriter(path), std::chrono::hours(1));
  checkpointer.Stop();
  checkpointer.Stop();
}

}  // namespace
}  // namespace parley::store::sqlite
