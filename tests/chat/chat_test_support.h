// Test support for chat/: a temporary SQLite store, an EventSink that records every typed event
// the domain publishes (with its audience) or replies, devices that are only identities, and a
// wired domain (real store and writer; Service, Social and Groups publishing to the recorder).
#ifndef PARLEY_TESTS_CHAT_CHAT_TEST_SUPPORT_H_
#define PARLEY_TESTS_CHAT_CHAT_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "chat/fanout/event_sink.h"
#include "chat/groups/groups.h"
#include "chat/messaging/message_writer.h"
#include "chat/service.h"
#include "chat/social/social.h"
#include "proto/group_bodies.h"
#include "store/store.h"
#include "tests/support/temp_dir.h"

namespace parley::chat {

// One publish as the sink saw it.
struct Published {
  std::vector<int64_t> users;  // the audience, as given
  const Peer* skip = nullptr;
  Event event;

  std::vector<int64_t> SortedUsers() const {
    std::vector<int64_t> sorted = users;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }
};

// One reply: `device` is null when the device had gone.
struct Replied {
  const Peer* device = nullptr;
  Event event;
};

// Records what the domain publishes; reaches nobody (every user is reported unreached, at once).
class RecordingSink : public EventSink {
 public:
  using EventSink::Publish;
  void Publish(const Audience& audience, Event event, ReachHandler on_reach) override {
    {
      std::lock_guard lock(mutex_);
      published_.push_back(Published{
          {audience.users.begin(), audience.users.end()}, audience.skip, std::move(event)});
      changed_.notify_all();
    }
    if (on_reach) on_reach(Reach{{}, {audience.users.begin(), audience.users.end()}});
  }
  void Reply(const std::weak_ptr<Peer>& device, Event event) override {
    std::lock_guard lock(mutex_);
    replied_.push_back(Replied{device.lock().get(), std::move(event)});
    changed_.notify_all();
  }

  // Wait (up to 10 s) until at least `count` publishes (replies) were recorded; copies of all.
  std::vector<Published> WaitForPublished(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return published_.size() >= count; });
    return published_;
  }
  std::vector<Replied> WaitForReplies(size_t count) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return replied_.size() >= count; });
    return replied_;
  }
  std::vector<Published> AllPublished() {
    std::lock_guard lock(mutex_);
    return published_;
  }
  std::vector<Replied> AllReplies() {
    std::lock_guard lock(mutex_);
    return replied_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Published> published_;  // guarded by mutex_
  std::vector<Replied> replied_;      // guarded by mutex_
};

// The event of type T in `event`; fails the test (and returns null) if it is another kind.
template <typename T>
const T* As(const Event& event) {
  const T* found = std::get_if<T>(&event);
  EXPECT_NE(found, nullptr) << "event index " << event.index();
  return found;
}

// An encoder that writes the kind of each event and counts its calls (tests of the hub).
class CountingEncoder : public FrameEncoder {
 public:
  SharedFrame Encode(const Event& event) const override {
    ++calls;
    return MakeFrame("event " + std::to_string(event.index()));
  }
  mutable std::atomic<int> calls{0};  // the hub's slices encode on their own threads
};

// A device: an identity for the domain (an origin to reply to) and a recorder for the hub.
class TestDevice : public Peer {
 public:
  explicit TestDevice(const FrameEncoder& encoder) : encoder_(encoder) {}
  const FrameEncoder& encoder() const override { return encoder_; }
  void Deliver(SharedFrame frame) override {
    std::lock_guard lock(mutex_);
    frames_.push_back(std::move(frame));
  }
  void Close(CloseReason reason) override {
    std::lock_guard lock(mutex_);
    closed_ = reason;
  }
  std::vector<SharedFrame> frames() {
    std::lock_guard lock(mutex_);
    return frames_;
  }
  std::optional<CloseReason> closed() {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  bool away() const override { return away_; }
  void set_away(bool away) { away_ = away; }

 private:
  std::atomic<bool> away_{false};
  const FrameEncoder& encoder_;
  std::mutex mutex_;
  std::vector<SharedFrame> frames_;    // guarded by mutex_
  std::optional<CloseReason> closed_;  // guarded by mutex_
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
    service = std::make_unique<Service>(*store, events, *writer, options);
    social = std::make_unique<Social>(*store, events, *writer);
    groups = std::make_unique<Groups>(*store, events, *writer, GroupsOptions{});
  }

  // The writer's callbacks use the domain and the sink: stop it before they go.
  ~ChatFixture() { writer->Stop(); }

  int64_t AddUser(const std::string& name) {
    auto user = store->CreateUser(store::NewUser{name, name, "hash", 1});
    EXPECT_TRUE(user.ok());
    return user->id;
  }

  // A connected device, as far as the domain can tell: something to reply to.
  std::shared_ptr<TestDevice> NewDevice() { return std::make_shared<TestDevice>(encoder); }

  TempDir dir;
  std::unique_ptr<store::Store> store;
  RecordingSink events;
  CountingEncoder encoder;
  std::unique_ptr<MessageWriter> writer;
  std::unique_ptr<Service> service;
  std::unique_ptr<Social> social;
  std::unique_ptr<Groups> groups;
};

}  // namespace parley::chat

#endif  // PARLEY_TESTS_CHAT_CHAT_TEST_SUPPORT_H_
