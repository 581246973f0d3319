// XmppFriendsFixture: the setup the XMPP end-to-end suites share: a real parleyd with its XMPP
// listener on an ephemeral loopback port, and two users, alice and bob, who are friends (so
// they may chat directly, as the web app's users would) or, for the suites about becoming
// friends, not yet.
#ifndef PARLEY_TESTS_E2E_XMPP_FRIENDS_FIXTURE_H_
#define PARLEY_TESTS_E2E_XMPP_FRIENDS_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <utility>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/xmpp_port.h"

namespace parley::e2e {

class XmppFriendsFixture : public ::testing::Test {
 protected:
  // Starts parleyd with `options` plus `--xmpp-listen 127.0.0.1:0`, then creates alice and bob
  // and makes them friends. A failure is fatal to the test.
  void StartWithFriends(ServerProcess::Options options = {}) {
    StartWithUsers(std::move(options));
    if (HasFatalFailure()) return;
    ASSERT_TRUE(IsOk(ApiFor(*server_, &alice_)->SendFriendRequest(bob_.id)));
    ASSERT_TRUE(IsOk(ApiFor(*server_, &bob_)->AcceptFriendRequest(alice_.id)));
  }

  // The same with alice and bob strangers to each other.
  void StartWithUsers(ServerProcess::Options options = {}) {
    options.extra_args.insert(options.extra_args.begin(), {"--xmpp-listen", "127.0.0.1:0"});
    auto server = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
    xmpp_port_ = XmppPortOf(*server_);
    ASSERT_NE(xmpp_port_, 0);
    auto alice = CreateUser(*server_, "alice");
    auto bob = CreateUser(*server_, "bob");
    ASSERT_TRUE(IsOk(alice) && IsOk(bob));
    alice_ = *alice;
    bob_ = *bob;
  }

  std::unique_ptr<ServerProcess> server_;
  uint16_t xmpp_port_ = 0;
  TestUser alice_, bob_;
};

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_XMPP_FRIENDS_FIXTURE_H_
