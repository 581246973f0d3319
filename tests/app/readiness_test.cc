// Readiness (app/readiness.h) over a real SQLite store and a real MessageWriter.
#include "app/readiness.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "chat/messaging/message_writer.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"

namespace parley::app {
namespace {

using std::chrono::milliseconds;

class ReadinessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions options;
    options.path = dir_.path() + "/parley.db";
    options.synchronous_full = false;
    auto opened = store::OpenSqliteStore(options);
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    writer_ = std::make_unique<chat::MessageWriter>(*store_, chat::WriterOptions{});
  }

  testing_support::TempDir dir_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<chat::MessageWriter> writer_;
};

TEST_F(ReadinessTest, ReadyWhenTheDataDirAndTheWriterWork) {
  Readiness readiness(*writer_, dir_.path(), milliseconds(2000), milliseconds(0));
  EXPECT_TRUE(readiness.Check().ok());
  EXPECT_GE(writer_->stats().batches, 1u);  // the probe went through a real commit
}

TEST_F(ReadinessTest, UnwritableDataDirIsNotReadyAndRecovers) {
  // The probe file's path taken by a directory: the write fails, even for root.
  const std::string probe = dir_.path() + "/.readyz-probe";
  std::filesystem::create_directory(probe);
  Readiness readiness(*writer_, dir_.path(), milliseconds(2000), milliseconds(0));
  const Status refused = readiness.Check();
  EXPECT_EQ(refused.code(), Code::kUnavailable);
  EXPECT_NE(refused.message().find("data dir not writable"), std::string::npos)
      << refused.message();
  std::filesystem::remove(probe);
  EXPECT_TRUE(readiness.Check().ok());
}

TEST_F(ReadinessTest, StoppedWriterIsNotReady) {
  writer_->Stop();
  Readiness readiness(*writer_, dir_.path(), milliseconds(2000), milliseconds(0));
  const Status refused = readiness.Check();
  EXPECT_EQ(refused.code(), Code::kUnavailable);
  EXPECT_NE(refused.message().find("writer refused work"), std::string::npos) << refused.message();
}

TEST_F(ReadinessTest, ManyChecksShareOneProbe) {
  // A flood of /readyz costs one writer commit per reuse period, not one per request.
  Readiness readiness(*writer_, dir_.path(), milliseconds(2000), milliseconds(60'000));
  const uint64_t before = writer_->stats().batches;
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(readiness.Check().ok());
  EXPECT_EQ(writer_->stats().batches - before, 1u);
}

}  // namespace
}  // namespace parley::app
