// Hub sliced across real threads, as parleyd runs it: each slice is a thread running posted
// tasks in order (the role an io_context plays in net/), devices attach on their slice's
// thread, and the tests publish from their own thread (the writer's role). Under TSan these
// also check that the delivery path shares nothing unguarded.
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "chat/fanout/hub.h"
#include "tests/chat/chat_test_support.h"

namespace parley::chat {
namespace {

const Event kTyping = events::Typing{7, 1};

// A thread that runs posted tasks in order until destroyed (after running what was posted).
class TestLoop {
 public:
  TestLoop() : thread_([this] { Run(); }) {}
  ~TestLoop() {
    Post({});  // the empty task ends the loop
    thread_.join();
  }
  void Post(std::function<void()> task) {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    ready_.notify_one();
  }
  // Runs `fn` on the loop after everything posted before, and waits for it.
  template <typename F>
  auto Call(F fn) {
    std::packaged_task<std::invoke_result_t<F>()> task(std::move(fn));
    auto result = task.get_future();
    auto shared = std::make_shared<decltype(task)>(std::move(task));
    Post([shared] { (*shared)(); });
    return result.get();
  }
  std::thread::id id() const { return thread_.get_id(); }

 private:
  void Run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return !tasks_.empty(); });
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      if (!task) return;
      task();
    }
  }
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;  // guarded by mutex_
  std::thread thread_;
};

// A device that records on which thread the hub handed it each frame, and can run a hook there
// (to detach, close or drop peers in the middle of a fan-out).
class ThreadDevice : public TestDevice {
 public:
  using TestDevice::TestDevice;
  void DeliverHere(SharedFrame frame) override {
    {
      std::lock_guard lock(mutex_);
      threads_.push_back(std::this_thread::get_id());
    }
    Deliver(std::move(frame));
    if (on_frame) on_frame();
  }
  std::vector<std::thread::id> threads() {
    std::lock_guard lock(mutex_);
    return threads_;
  }
  std::function<void()> on_frame;  // set before attaching; runs on the slice's thread

 private:
  std::mutex mutex_;
  std::vector<std::thread::id> threads_;  // guarded by mutex_
};

// A hub of `count` slices, each on its own TestLoop. A fan-out may still run on a slice after
// a test's last Publish returned (the Reach comes before the frames): tests declare their
// encoder before the SlicedHub, so that it outlives the loops.
struct SlicedHub {
  explicit SlicedHub(size_t count) {
    std::vector<SlicePoster> posters;
    for (size_t i = 0; i < count; ++i) {
      loops.push_back(std::make_unique<TestLoop>());
      posters.push_back(
          [loop = loops.back().get()](std::function<void()> task) { loop->Post(std::move(task)); });
    }
    hub.UseSlices(std::move(posters));
  }
  // Attaches on the slice's own thread, as a session does.
  bool Attach(size_t slice, int64_t user, int64_t device, std::shared_ptr<Peer> peer,
              size_t max = SIZE_MAX) {
    return loops[slice]->Call([&] { return hub.Attach(slice, user, device, peer, max); });
  }
  void Detach(size_t slice, int64_t user, const Peer* peer) {
    loops[slice]->Call([&] { hub.Detach(slice, user, peer); });
  }
  // Publishes from the test's thread and waits for the Reach.
  Reach Publish(const Audience& audience, const Event& event) {
    std::promise<Reach> reached;
    auto answer = reached.get_future();
    hub.Publish(audience, event, [&reached](Reach reach) { reached.set_value(std::move(reach)); });
    EXPECT_EQ(answer.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    return answer.get();
  }
  // Waits until every slice ran what was posted to it so far.
  void Settle() {
    for (auto& loop : loops) loop->Call([] {});
  }

  Hub hub;  // declared first: destroyed after the loops have run their last tasks
  std::vector<std::unique_ptr<TestLoop>> loops;
};

TEST(HubSlicesTest, EachDeviceGetsTheEventOnItsOwnSlicesThreadAndReachMergesTheSlices) {
  CountingEncoder encoder;
  SlicedHub sliced(3);
  std::vector<std::shared_ptr<ThreadDevice>> devices;
  std::vector<size_t> slice_of;
  auto connect = [&](size_t slice, int64_t user, int64_t device) {
    devices.push_back(std::make_shared<ThreadDevice>(encoder));
    slice_of.push_back(slice);
    EXPECT_TRUE(sliced.Attach(slice, user, device, devices.back()));
    return devices.back();
  };
  // User 1 on every slice; 2 on slice 1 only; 3 on slices 0 and 2, both away; 4 away on one
  // slice, present on another; 5 nowhere.
  connect(0, 1, 10);
  connect(1, 1, 11);
  connect(2, 1, 12);
  connect(1, 2, 20);
  connect(0, 3, 30)->set_away(true);
  connect(2, 3, 31)->set_away(true);
  connect(0, 4, 40)->set_away(true);
  connect(2, 4, 41);
  EXPECT_EQ(sliced.hub.online_peer_count(), 8u);

  const int64_t audience[] = {1, 2, 3, 4, 5};
  const Reach reach = sliced.Publish(Audience{audience}, kTyping);
  EXPECT_EQ(reach.reached, (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(reach.unreached, (std::vector<int64_t>{5}));
  EXPECT_EQ(reach.away, (std::vector<int64_t>{3})) << "4 has a device that is not away";
  sliced.Settle();
  for (size_t i = 0; i < devices.size(); ++i) {
    ASSERT_EQ(devices[i]->frames().size(), 1u) << "device " << i;
    EXPECT_EQ(devices[i]->threads().at(0), sliced.loops[slice_of[i]]->id()) << "device " << i;
  }
  EXPECT_EQ(encoder.calls, 3) << "once per protocol per slice";
  // Devices of one slice share the one frame.
  EXPECT_EQ(devices[0]->frames()[0], devices[4]->frames()[0]);
}

TEST(HubSlicesTest, TheSessionCapCountsEverySlice) {
  CountingEncoder encoder;
  SlicedHub sliced(2);
  auto a = std::make_shared<TestDevice>(encoder);
  auto b = std::make_shared<TestDevice>(encoder);
  auto c = std::make_shared<TestDevice>(encoder);
  EXPECT_TRUE(sliced.Attach(0, 1, 1, a, 2));
  EXPECT_TRUE(sliced.Attach(1, 1, 2, b, 2));
  EXPECT_FALSE(sliced.Attach(0, 1, 3, c, 2)) << "two sessions already, on two slices";
  sliced.Detach(1, 1, b.get());
  EXPECT_TRUE(sliced.Attach(0, 1, 3, c, 2));
  sliced.Detach(1, 1, c.get());  // not attached there: changes nothing
  EXPECT_EQ(sliced.hub.online_peer_count(), 2u);
}

TEST(HubSlicesTest, ClosesReachTheDevicesOnWhicheverSliceTheyLive) {
  CountingEncoder encoder;
  SlicedHub sliced(2);
  auto phone = std::make_shared<TestDevice>(encoder);
  auto laptop = std::make_shared<TestDevice>(encoder);
  auto tablet = std::make_shared<TestDevice>(encoder);
  auto other_user = std::make_shared<TestDevice>(encoder);
  sliced.Attach(0, 1, 1, phone);
  sliced.Attach(1, 1, 2, laptop);
  sliced.Attach(1, 1, 3, tablet);
  sliced.Attach(0, 2, 4, other_user);
  sliced.hub.CloseDevice(1, 2, CloseReason::kUnauthenticated);
  sliced.Settle();
  EXPECT_EQ(laptop->closed(), CloseReason::kUnauthenticated);
  EXPECT_FALSE(phone->closed());
  sliced.hub.CloseOtherDevices(1, 1, CloseReason::kUnauthenticated);
  sliced.Settle();
  EXPECT_FALSE(phone->closed());
  EXPECT_EQ(tablet->closed(), CloseReason::kUnauthenticated);
  sliced.hub.CloseAll(CloseReason::kShutdown);
  sliced.Settle();
  EXPECT_EQ(phone->closed(), CloseReason::kShutdown);
  EXPECT_EQ(other_user->closed(), CloseReason::kShutdown);
}

// A device that detaches itself and a neighbour while the slice is handing out one event: both
// already collected still get it (once), later events skip them and the reach says so.
TEST(HubSlicesTest, DetachingDuringAFanOutIsSafeAndTakesEffectForTheNextEvent) {
  CountingEncoder encoder;
  SlicedHub sliced(2);
  auto quitter = std::make_shared<ThreadDevice>(encoder);
  auto neighbour = std::make_shared<ThreadDevice>(encoder);
  auto stayer = std::make_shared<ThreadDevice>(encoder);
  Hub& hub = sliced.hub;
  quitter->on_frame = [&hub, q = quitter.get(), n = neighbour.get()] {
    hub.Detach(0, 1, q);
    hub.Detach(0, 2, n);
  };
  sliced.Attach(0, 1, 1, quitter);
  sliced.Attach(0, 2, 2, neighbour);
  sliced.Attach(1, 3, 3, stayer);
  const int64_t audience[] = {1, 2, 3};
  Reach reach = sliced.Publish(Audience{audience}, kTyping);
  EXPECT_EQ(reach.reached, (std::vector<int64_t>{1, 2, 3}));
  sliced.Settle();
  EXPECT_EQ(quitter->frames().size(), 1u);
  EXPECT_EQ(neighbour->frames().size(), 1u);
  EXPECT_EQ(hub.online_peer_count(), 1u);

  reach = sliced.Publish(Audience{audience}, kTyping);
  EXPECT_EQ(reach.reached, (std::vector<int64_t>{3}));
  EXPECT_EQ(reach.unreached, (std::vector<int64_t>{1, 2}));
  sliced.Settle();
  EXPECT_EQ(quitter->frames().size(), 1u);
  EXPECT_EQ(neighbour->frames().size(), 1u);
  EXPECT_EQ(stayer->frames().size(), 2u);
}

// A peer that goes away (its last owner lets go) in the middle of a fan-out: the slice holds it
// until its frame is handed over; the next event finds it gone and its user unreached, before
// it ever detached.
TEST(HubSlicesTest, APeerClosingMidFanOutIsHandedItsFrameThenSkipped) {
  CountingEncoder encoder;
  SlicedHub sliced(1);
  auto first = std::make_shared<ThreadDevice>(encoder);
  auto closing = std::make_shared<ThreadDevice>(encoder);
  std::weak_ptr<ThreadDevice> watch = closing;
  std::shared_ptr<ThreadDevice> owner = closing;  // the session's own reference
  closing.reset();
  sliced.Attach(0, 1, 1, first);
  sliced.Attach(0, 2, 2, owner);
  first->on_frame = [&owner] { owner.reset(); };  // on the slice's thread, mid fan-out
  const int64_t audience[] = {1, 2};
  sliced.Publish(Audience{audience}, kTyping);
  sliced.Settle();
  EXPECT_TRUE(watch.expired()) << "released once its frame was handed over";
  first->on_frame = nullptr;
  const Reach reach = sliced.Publish(Audience{audience}, kTyping);
  EXPECT_EQ(reach.reached, (std::vector<int64_t>{1}));
  EXPECT_EQ(reach.unreached, (std::vector<int64_t>{2}));
}

// A device that stops reading closes itself once its budget is spent (as a WebSocket session
// does at max_outgoing_bytes, then detaches): the other devices of its slice and of the other
// slices keep getting every event, and nobody waits for it.
TEST(HubSlicesTest, ASlowConsumerClosingItselfHoldsUpNoOne) {
  CountingEncoder encoder;
  SlicedHub sliced(2);
  Hub& hub = sliced.hub;
  auto slow = std::make_shared<ThreadDevice>(encoder);
  slow->on_frame = [&hub, s = slow.get()] {
    if (s->frames().size() == 3) {
      s->Close(CloseReason::kSlowConsumer);
      hub.Detach(0, 1, s);
    }
  };
  std::vector<std::shared_ptr<ThreadDevice>> readers;
  for (int64_t user = 2; user <= 9; ++user) {
    readers.push_back(std::make_shared<ThreadDevice>(encoder));
    sliced.Attach(static_cast<size_t>(user % 2), user, user, readers.back());
  }
  sliced.Attach(0, 1, 1, slow);
  const std::vector<int64_t> audience = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  constexpr int kEvents = 50;
  for (int i = 0; i < kEvents; ++i) sliced.hub.Publish(Audience{audience}, kTyping);
  sliced.Settle();
  EXPECT_EQ(slow->frames().size(), 3u);
  EXPECT_EQ(slow->closed(), CloseReason::kSlowConsumer);
  for (const auto& reader : readers) EXPECT_EQ(reader->frames().size(), size_t{kEvents});
}

// Publishing from two threads while devices come and go on every slice: every event reaches
// the devices that stay, every reach is answered, and TSan sees no race.
TEST(HubSlicesTest, PublishersAndAttachesOnEveryThreadAtOnce) {
  CountingEncoder encoder;
  SlicedHub sliced(2);
  std::vector<std::shared_ptr<TestDevice>> stayers;
  for (int64_t user = 1; user <= 4; ++user) {
    stayers.push_back(std::make_shared<TestDevice>(encoder));
    sliced.Attach(static_cast<size_t>(user % 2), user, user, stayers.back());
  }
  const std::vector<int64_t> audience = {1, 2, 3, 4, 5};
  constexpr int kEvents = 200;
  std::atomic<int> reached{0};
  auto publish = [&](int64_t conversation) {
    for (int i = 0; i < kEvents; ++i) {
      sliced.hub.Publish(Audience{audience}, events::Typing{conversation, int64_t{i}},
                         [&reached](const Reach&) { ++reached; });
    }
  };
  std::thread writer(publish, 1);
  std::thread worker(publish, 2);
  // User 5 connects and leaves again and again on both slices meanwhile.
  for (int round = 0; round < 100; ++round) {
    const size_t slice = static_cast<size_t>(round % 2);
    auto visitor = std::make_shared<TestDevice>(encoder);
    sliced.Attach(slice, 5, 50 + round, visitor);
    sliced.Detach(slice, 5, visitor.get());
  }
  writer.join();
  worker.join();
  sliced.Settle();
  EXPECT_EQ(reached.load(), 2 * kEvents);
  for (const auto& device : stayers) EXPECT_EQ(device->frames().size(), size_t{2 * kEvents});
  EXPECT_EQ(sliced.hub.online_peer_count(), 4u);
}

}  // namespace
}  // namespace parley::chat
