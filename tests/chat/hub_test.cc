// Hub as the EventSink: who gets an event, how often it is encoded, and whom it reached; first
// with the inline hub (one slice, the test's thread), then sliced across real threads
// (hub_slices_test.cc).
#include "chat/fanout/hub.h"

#include <gtest/gtest.h>

#include <optional>

#include "tests/chat/chat_test_support.h"

namespace parley::chat {
namespace {

const Event kTyping = events::Typing{7, 1};

// The inline hub answers before Publish returns.
Reach PublishNow(Hub& hub, const Audience& audience, const Event& event) {
  std::optional<Reach> reach;
  hub.Publish(audience, event, [&reach](Reach got) { reach = std::move(got); });
  EXPECT_TRUE(reach.has_value());
  return reach.value_or(Reach{});
}

TEST(HubTest, EncodesAnEventOncePerProtocolAndSharesTheFrame) {
  Hub hub;
  CountingEncoder json, other;  // two protocols
  std::vector<std::shared_ptr<TestDevice>> devices;
  auto connect = [&](int64_t user, int64_t device, const FrameEncoder& encoder) {
    devices.push_back(std::make_shared<TestDevice>(encoder));
    EXPECT_TRUE(hub.Attach(0, user, device, devices.back()));
    return devices.back();
  };
  constexpr int kUsers = 50;
  std::vector<int64_t> users;
  for (int64_t user = 1; user <= kUsers; ++user) {
    users.push_back(user);
    connect(user, user * 10, json);
    connect(user, user * 10 + 1, json);  // a second device
  }
  auto xmpp_phone = connect(1, 12, other);

  const Reach reach = PublishNow(hub, Audience{users}, kTyping);
  EXPECT_EQ(json.calls, 1);
  EXPECT_EQ(other.calls, 1);
  const SharedFrame shared = devices[0]->frames().at(0);
  for (const auto& device : devices) {
    ASSERT_EQ(device->frames().size(), 1u);
    if (device != xmpp_phone) {
      EXPECT_EQ(device->frames()[0], shared);  // the very same bytes
    }
  }
  EXPECT_NE(xmpp_phone->frames()[0], shared);
  EXPECT_EQ(reach.reached, users);
  EXPECT_TRUE(reach.unreached.empty());
}

TEST(HubTest, ReachTellsOnlineUsersFromOfflineOnes) {
  Hub hub;
  CountingEncoder encoder;
  auto alice_phone = std::make_shared<TestDevice>(encoder);
  auto alice_laptop = std::make_shared<TestDevice>(encoder);
  auto bob_phone = std::make_shared<TestDevice>(encoder);
  auto gone = std::make_shared<TestDevice>(encoder);
  hub.Attach(0, 1, 1, alice_phone);
  hub.Attach(0, 1, 2, alice_laptop);
  hub.Attach(0, 2, 3, bob_phone);
  hub.Attach(0, 4, 5, gone);  // carol (3) never connected; dave's (4) only device goes away
  gone.reset();

  const int64_t audience[] = {1, 2, 3, 4};
  Reach reach = PublishNow(hub, Audience{audience, alice_phone.get()}, kTyping);
  EXPECT_EQ(reach.reached, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(reach.unreached, (std::vector<int64_t>{3, 4}));
  EXPECT_TRUE(alice_phone->frames().empty());  // skipped
  EXPECT_EQ(alice_laptop->frames().size(), 1u);
  EXPECT_EQ(bob_phone->frames().size(), 1u);

  // A user whose only online device is the skipped one is reached (it is online), and an
  // event that reaches no device is not encoded at all.
  hub.Detach(0, 1, alice_laptop.get());
  const int calls = encoder.calls;
  const int64_t only_alice[] = {1};
  reach = PublishNow(hub, Audience{only_alice, alice_phone.get()}, kTyping);
  EXPECT_EQ(reach.reached, (std::vector<int64_t>{1}));
  EXPECT_TRUE(reach.unreached.empty());
  EXPECT_EQ(encoder.calls, calls);

  // Once detached, a user is unreached.
  hub.Detach(0, 2, bob_phone.get());
  const int64_t only_bob[] = {2};
  reach = PublishNow(hub, Audience{only_bob}, kTyping);
  EXPECT_TRUE(reach.reached.empty());
  EXPECT_EQ(reach.unreached, (std::vector<int64_t>{2}));
}

TEST(HubTest, ReachListsTheUsersWhoseEveryOnlineDeviceIsAway) {
  Hub hub;
  CountingEncoder encoder;
  auto alice_phone = std::make_shared<TestDevice>(encoder);
  auto alice_laptop = std::make_shared<TestDevice>(encoder);
  auto bob_phone = std::make_shared<TestDevice>(encoder);
  hub.Attach(0, 1, 1, alice_phone);
  hub.Attach(0, 1, 2, alice_laptop);
  hub.Attach(0, 2, 3, bob_phone);
  alice_phone->set_away(true);
  bob_phone->set_away(true);

  const int64_t audience[] = {1, 2, 3};
  Reach reach = PublishNow(hub, Audience{audience}, kTyping);
  EXPECT_EQ(reach.reached, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(reach.away, (std::vector<int64_t>{2})) << "alice's laptop is not away";
  EXPECT_EQ(reach.unreached, (std::vector<int64_t>{3}));
  EXPECT_EQ(bob_phone->frames().size(), 1u) << "an away device still gets the event";

  alice_laptop->set_away(true);
  reach = PublishNow(hub, Audience{audience, alice_laptop.get()}, kTyping);
  EXPECT_EQ(reach.away, (std::vector<int64_t>{1, 2})) << "the skipped device counts too";
}

TEST(HubTest, ReplyEncodesForTheOneDeviceAndDropsWhenItHasGone) {
  Hub hub;
  CountingEncoder encoder;
  auto phone = std::make_shared<TestDevice>(encoder);
  hub.Reply(phone, events::RequestFailed{Status(Code::kNotFound, "no"), "c-1", ""});
  ASSERT_EQ(phone->frames().size(), 1u);
  EXPECT_EQ(encoder.calls, 1);

  std::weak_ptr<Peer> gone;
  {
    auto short_lived = std::make_shared<TestDevice>(encoder);
    gone = short_lived;
  }
  hub.Reply(gone, kTyping);
  EXPECT_EQ(encoder.calls, 1);
}

}  // namespace
}  // namespace parley::chat
