// Test support for chat/: a temporary SQLite store, a Peer that records what it is sent, and
// a fully wired Service (real store, writer, hub and JSON encoder).
#ifndef PARLEY_TESTS_CHAT_CHAT_TEST_SUPPORT_H_
#define PARLEY_TESTS_CHAT_CHAT_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chat/hub.h"
#include "chat/message_writer.h"
#include "chat/service.h"
#include "proto/server_frames.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"

namespace parley::chat {

class RecordingPeer : public Peer {
 public:
  void Deliver(SharedFrame frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(nlohmann::json::parse(*frame));
    changed_.notify_all();
  }
  void Close(CloseReason reason) override {
    std::lock_guard lock(mutex_);
    closed_ = reason;
    changed_.notify_all();
  }
  // Waits (up to 10 s) until at least `count` frames arrived; returns a copy of all of them.
  std::vector<nlohmann::json> WaitForFrames(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return frames_.size() >= count; });
    return frames_;
  }
  std::vector<nlohmann::json> Frames() {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  std::optional<CloseReason> closed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<nlohmann::json> frames_;
  std::optional<CloseReason> closed_;
};

using testing_support::TempDir;

struct ChatFixture {
  // Strangers may write each other unless a test asks for the friendship rule.
  static WriterOptions StrangersMayWrite() {
    WriterOptions options;
    options.direct_requires_friendship = false;
    return options;
  }

  explicit ChatFixture(ServiceOptions options = {},
                       WriterOptions writer_options = StrangersMayWrite()) {
    store::SqliteOptions store_options;
    store_options.path = dir.path() + "/parley.db";
    store_options.synchronous_full = false;
    auto opened = store::OpenSqliteStore(store_options);
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    store = std::move(*opened);
    writer = std::make_unique<MessageWriter>(*store, writer_options);
    service = std::make_unique<Service>(*store, hub, *writer, encoder, options);
  }

  // The writer's callbacks use the service and the hub: stop it before they go.
  ~ChatFixture() { writer->Stop(); }

  int64_t AddUser(const std::string& name) {
    auto user = store->CreateUser(store::NewUser{name, name, "hash", 1});
    EXPECT_TRUE(user.ok());
    return user->id;
  }

  std::shared_ptr<RecordingPeer> Connect(int64_t user_id, int64_t device_id) {
    auto peer = std::make_shared<RecordingPeer>();
    hub.Attach(user_id, device_id, peer);
    return peer;
  }

  TempDir dir;
  std::unique_ptr<store::Store> store;
  Hub hub;
  proto::JsonEventEncoder encoder;
  std::unique_ptr<MessageWriter> writer;
  std::unique_ptr<Service> service;
};

}  // namespace parley::chat

#endif  // PARLEY_TESTS_CHAT_CHAT_TEST_SUPPORT_H_
