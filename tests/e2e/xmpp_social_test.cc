// XMPP subscriptions as Parley friend requests (RFC 6121 section 3), XEP-0191 blocking and
// groups as MUC rooms (XEP-0045), against a real parleyd: @xmpp/client
// (tests/peers/xmpp_social.mjs) writes the stanzas and reports every stanza whole; the other
// side is a native user on a WebSocket and the HTTP API (docs/xmpp.md). Hostile and malformed
// requests get a typed error and the session goes on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/xmpp_friends_fixture.h"

namespace parley::e2e {
namespace {

using json = nlohmann::json;

class XmppSocialTest : public XmppFriendsFixture {
 protected:
  void SetUp() override {
    StartWithUsers({.extra_args = {"--xmpp-domain", "localhost"}});
    if (HasFatalFailure()) return;
    alice_api_ = ApiFor(*server_, &alice_);
    bob_api_ = ApiFor(*server_, &bob_);
  }

  // An XMPP client of `user`, bound and with its initial presence sent.
  std::unique_ptr<PeerProcess> Connect(const TestUser& user, std::string resource = "phone") {
    auto peer =
        PeerProcess::Start({PARLEY_NODE_PATH, "xmpp_social.mjs", std::to_string(xmpp_port_),
                            "localhost", user.username, std::string(kTestPassword), resource},
                           PARLEY_PEERS_DIR);
    EXPECT_TRUE(IsOk(peer));
    if (!peer.ok()) return nullptr;
    json online = (*peer)->WaitForLine([](const json& l) { return l["event"] == "online"; });
    EXPECT_FALSE(online.is_null()) << server_->output();
    Write(**peer, "<presence/>");
    return std::move(*peer);
  }

  static void Write(PeerProcess& peer, const std::string& xml) {
    peer.WriteLine(json{{"op", "raw"}, {"xml", xml}}.dump());
  }

  // How many stanzas the peer has received so far: later waits look only after it.
  static size_t Mark(PeerProcess& peer) {
    return peer.Lines([](const json& l) { return l["event"] == "stanza"; }).size();
  }

  static bool Matches(const json& line, size_t after, const std::vector<std::string>& parts) {
    if (line.value("event", "") != "stanza" || line.value("n", size_t{0}) <= after) return false;
    const std::string xml = line.value("xml", "");
    for (const std::string& part : parts) {
      if (xml.find(part) == std::string::npos) return false;
    }
    return true;
  }

  // The first stanza after `after` that contains every one of `parts`; empty if none came.
  static std::string WaitStanza(PeerProcess& peer, size_t after, std::vector<std::string> parts) {
    json line = peer.WaitForLine([&](const json& l) { return Matches(l, after, parts); });
    return line.is_null() ? "" : line["xml"].get<std::string>();
  }

  // The stanzas after `after` so far that contain every one of `parts` (no waiting).
  static std::vector<json> ArrivedSoFar(PeerProcess& peer, size_t after,
                                        const std::vector<std::string>& parts) {
    return peer.Lines([&](const json& l) { return Matches(l, after, parts); });
  }

  // Sends a stanza with this id and waits for the answer that carries it (result or error).
  static std::string Iq(PeerProcess& peer, const std::string& id, const std::string& xml) {
    const size_t mark = Mark(peer);
    Write(peer, xml);
    return WaitStanza(peer, mark, {"id=\"" + id + "\""});
  }

  static bool Has(const std::string& xml, std::string_view part) {
    return xml.find(part) != std::string::npos;
  }

  std::unique_ptr<client::HttpApi> alice_api_, bob_api_;
};

TEST_F(XmppSocialTest, SubscriptionsAreFriendRequestsBothWays) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto alice = Connect(alice_);
  ASSERT_TRUE(alice);

  // subscribe = a friend request; the pending request is in alice's roster with ask.
  size_t mark = Mark(*alice);
  Write(*alice, "<presence to='bob@localhost' type='subscribe'/>");
  auto request = (*bob_ws)->WaitForType("friend_request");
  ASSERT_TRUE(IsOk(request)) << server_->output();
  EXPECT_FALSE(
      WaitStanza(*alice, mark,
                 {"<iq", "jid=\"bob@localhost\"", "subscription=\"none\"", "ask=\"subscribe\""})
          .empty());
  std::string roster =
      Iq(*alice, "r1", "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
  EXPECT_TRUE(Has(roster, "type=\"result\"") && Has(roster, "jid=\"bob@localhost\"") &&
              Has(roster, "ask=\"subscribe\""))
      << roster;

  // Bob accepts natively: subscribed, then the roster push, and bob's presence (online).
  mark = Mark(*alice);
  ASSERT_TRUE(IsOk(bob_api_->AcceptFriendRequest(alice_.id)));
  EXPECT_FALSE(
      WaitStanza(*alice, mark, {"<presence", "from=\"bob@localhost\"", "type=\"subscribed\""})
          .empty());
  EXPECT_FALSE(
      WaitStanza(*alice, mark, {"<iq", "jid=\"bob@localhost\"", "subscription=\"both\""}).empty());
  EXPECT_TRUE(IsOk((*bob_ws)->WaitForType("friend_added")));

  // unsubscribe = remove the friend.
  mark = Mark(*alice);
  Write(*alice, "<presence to='bob@localhost' type='unsubscribe'/>");
  EXPECT_TRUE(IsOk((*bob_ws)->WaitForType("friend_removed")));
  EXPECT_FALSE(WaitStanza(*alice, mark, {"<iq", "jid=\"bob@localhost\"", "subscription=\"remove\""})
                   .empty());
  auto friends = alice_api_->Friends();
  ASSERT_TRUE(IsOk(friends));
  EXPECT_TRUE(friends->empty());

  // A native request arrives as subscribe (its note as status); subscribed = accept.
  mark = Mark(*alice);
  ASSERT_TRUE(IsOk(bob_api_->SendFriendRequest(alice_.id, "it's bob <3")));
  EXPECT_FALSE(WaitStanza(*alice, mark,
                          {"<presence", "from=\"bob@localhost\"", "type=\"subscribe\"", "<status>",
                           "bob &lt;3"})
                   .empty());
  Write(*alice, "<presence to='bob@localhost' type='subscribed'/>");
  EXPECT_TRUE(IsOk((*bob_ws)->WaitForType("friend_added")));
  friends = bob_api_->Friends();
  ASSERT_TRUE(IsOk(friends));
  EXPECT_EQ(friends->size(), 1u);

  // A roster set with subscription='remove' = remove the friend.
  std::string removed = Iq(*alice, "rm1",
                           "<iq type='set' id='rm1'><query xmlns='jabber:iq:roster'>"
                           "<item jid='bob@localhost' subscription='remove'/></query></iq>");
  EXPECT_TRUE(Has(removed, "type=\"result\"")) << removed;
  EXPECT_TRUE(IsOk((*bob_ws)->WaitForType("friend_removed")));

  // unsubscribed = decline.
  mark = Mark(*alice);
  ASSERT_TRUE(IsOk(bob_api_->SendFriendRequest(alice_.id)));
  ASSERT_FALSE(WaitStanza(*alice, mark, {"from=\"bob@localhost\"", "type=\"subscribe\""}).empty());
  Write(*alice, "<presence to='bob@localhost' type='unsubscribed'/>");
  EXPECT_TRUE(IsOk((*bob_ws)->WaitForType("friend_request_declined")));

  // Bob declines alice's request natively: unsubscribed and the pending item leaves the roster.
  mark = Mark(*alice);
  Write(*alice, "<presence to='bob@localhost' type='subscribe'/>");
  ASSERT_FALSE(WaitStanza(*alice, mark, {"ask=\"subscribe\""}).empty());
  ASSERT_TRUE(IsOk(bob_api_->DeclineFriendRequest(alice_.id)));
  EXPECT_FALSE(
      WaitStanza(*alice, mark, {"<presence", "from=\"bob@localhost\"", "type=\"unsubscribed\""})
          .empty());
  EXPECT_FALSE(
      WaitStanza(*alice, mark, {"jid=\"bob@localhost\"", "subscription=\"remove\""}).empty());

  // Bob cancels his own request: alice hears unsubscribe.
  mark = Mark(*alice);
  ASSERT_TRUE(IsOk(bob_api_->SendFriendRequest(alice_.id)));
  ASSERT_FALSE(WaitStanza(*alice, mark, {"type=\"subscribe\""}).empty());
  ASSERT_TRUE(IsOk(bob_api_->CancelFriendRequest(alice_.id)));
  EXPECT_FALSE(
      WaitStanza(*alice, mark, {"<presence", "from=\"bob@localhost\"", "type=\"unsubscribe\""})
          .empty());

  // Subscribing to someone who asked first accepts their request.
  mark = Mark(*alice);
  ASSERT_TRUE(IsOk(bob_api_->SendFriendRequest(alice_.id)));
  ASSERT_FALSE(WaitStanza(*alice, mark, {"type=\"subscribe\""}).empty());
  Write(*alice, "<presence to='bob@localhost' type='subscribe'/>");
  EXPECT_TRUE(IsOk((*bob_ws)->WaitForType("friend_added")));
  EXPECT_FALSE(WaitStanza(*alice, mark, {"subscription=\"both\""}).empty());
}

TEST_F(XmppSocialTest, PendingRequestsAreRedeliveredAtLogin) {
  ASSERT_TRUE(IsOk(bob_api_->SendFriendRequest(alice_.id, "hello")));
  auto alice = Connect(alice_);
  ASSERT_TRUE(alice);
  EXPECT_FALSE(
      WaitStanza(*alice, 0, {"<presence", "from=\"bob@localhost\"", "type=\"subscribe\""}).empty());
  std::string roster =
      Iq(*alice, "r1", "<iq type='get' id='r1'><query xmlns='jabber:iq:roster'/></iq>");
  EXPECT_TRUE(Has(roster, "jid=\"bob@localhost\"") && Has(roster, "subscription=\"none\"") &&
              !Has(roster, "ask="))
      << roster;
}

TEST_F(XmppSocialTest, BlockingIsParleyBlocks) {
  auto alice = Connect(alice_);
  ASSERT_TRUE(alice);
  std::string disco = Iq(*alice, "d1",
                         "<iq type='get' id='d1' to='localhost'>"
                         "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  EXPECT_TRUE(Has(disco, "var=\"urn:xmpp:blocking\"")) << disco;

  auto laptop = Connect(alice_, "laptop");  // another resource of alice's
  ASSERT_TRUE(laptop);
  const size_t laptop_mark = Mark(*laptop);
  size_t mark = Mark(*alice);
  std::string blocked = Iq(*alice, "b1",
                           "<iq type='set' id='b1'><block xmlns='urn:xmpp:blocking'>"
                           "<item jid='bob@localhost'/></block></iq>");
  EXPECT_TRUE(Has(blocked, "type=\"result\"")) << blocked;
  std::string push = WaitStanza(*alice, mark, {"<iq", "type=\"set\"", "<block"});
  EXPECT_TRUE(Has(push, "jid=\"bob@localhost\"")) << push;
  push = WaitStanza(*laptop, laptop_mark, {"<iq", "type=\"set\"", "<block"});
  EXPECT_TRUE(Has(push, "jid=\"bob@localhost\"")) << push;
  auto blocks = alice_api_->Blocks();
  ASSERT_TRUE(IsOk(blocks));
  EXPECT_TRUE(Has(blocks->dump(), "\"bob\"")) << blocks->dump();
  std::string list =
      Iq(*alice, "g1", "<iq type='get' id='g1'><blocklist xmlns='urn:xmpp:blocking'/></iq>");
  EXPECT_TRUE(Has(list, "<blocklist") && Has(list, "jid=\"bob@localhost\"")) << list;

  // The block is Parley's: bob cannot ask alice, and alice cannot ask bob while she blocks him.
  EXPECT_FALSE(IsOk(bob_api_->SendFriendRequest(alice_.id)));
  mark = Mark(*alice);
  Write(*alice, "<presence to='bob@localhost' type='subscribe' id='s1'/>");
  std::string refused = WaitStanza(*alice, mark, {"<presence", "type=\"error\""});
  EXPECT_TRUE(Has(refused, "not-allowed") && Has(refused, "from=\"bob@localhost\"")) << refused;

  // Unblock one, then block again and unblock everyone with an empty unblock.
  std::string unblocked = Iq(*alice, "u1",
                             "<iq type='set' id='u1'><unblock xmlns='urn:xmpp:blocking'>"
                             "<item jid='bob@localhost'/></unblock></iq>");
  EXPECT_TRUE(Has(unblocked, "type=\"result\"")) << unblocked;
  blocks = alice_api_->Blocks();
  ASSERT_TRUE(IsOk(blocks));
  EXPECT_TRUE(blocks->empty());
  ASSERT_TRUE(Has(Iq(*alice, "b2",
                     "<iq type='set' id='b2'><block xmlns='urn:xmpp:blocking'>"
                     "<item jid='bob@localhost'/></block></iq>"),
                  "type=\"result\""));
  mark = Mark(*alice);
  EXPECT_TRUE(
      Has(Iq(*alice, "u2", "<iq type='set' id='u2'><unblock xmlns='urn:xmpp:blocking'/></iq>"),
          "type=\"result\""));
  EXPECT_FALSE(WaitStanza(*alice, mark, {"type=\"set\"", "<unblock"}).empty());
  blocks = alice_api_->Blocks();
  ASSERT_TRUE(IsOk(blocks));
  EXPECT_TRUE(blocks->empty());
  EXPECT_TRUE(IsOk(bob_api_->SendFriendRequest(alice_.id)));

  // A block or unblock made on another device (the web app's HTTP API) is pushed too.
  mark = Mark(*laptop);
  ASSERT_TRUE(IsOk(alice_api_->Block(bob_.id)));
  EXPECT_FALSE(
      WaitStanza(*laptop, mark, {"type=\"set\"", "<block", "jid=\"bob@localhost\""}).empty());
  ASSERT_TRUE(IsOk(alice_api_->Unblock(bob_.id)));
  EXPECT_FALSE(
      WaitStanza(*laptop, mark, {"type=\"set\"", "<unblock", "jid=\"bob@localhost\""}).empty());
}

TEST_F(XmppSocialTest, HostileRequestsGetTypedErrorsAndTheSessionGoesOn) {
  auto alice = Connect(alice_);
  ASSERT_TRUE(alice);
  std::string many;
  for (int i = 0; i < 101; ++i) many += "<item jid='u" + std::to_string(i) + "@localhost'/>";
  const std::vector<std::pair<std::string, std::string>> iqs = {
      {"<block xmlns='urn:xmpp:blocking'/>", "bad-request"},
      {"<block xmlns='urn:xmpp:blocking'>" + many + "</block>", "bad-request"},
      {"<block xmlns='urn:xmpp:blocking'><item jid='@'/></block>", "jid-malformed"},
      {"<block xmlns='urn:xmpp:blocking'><item/></block>", "jid-malformed"},
      {"<block xmlns='urn:xmpp:blocking'><item jid='nobody@localhost'/></block>", "item-not-found"},
      {"<block xmlns='urn:xmpp:blocking'><item jid='bob@elsewhere'/></block>", "item-not-found"},
      {"<block xmlns='urn:xmpp:blocking'><item jid='alice@localhost'/></block>", "bad-request"},
      {"<block xmlns='urn:xmpp:blocking'><other jid='bob@localhost'/></block>", "jid-malformed"},
      {"<blocklist xmlns='urn:xmpp:blocking'/>", "bad-request"},  // as a set
      {"<query xmlns='jabber:iq:roster'><item jid='bob@localhost'/><item "
       "jid='nobody@localhost'/></query>",
       "bad-request"},
      {"<query xmlns='jabber:iq:roster'/>", "bad-request"},
      {"<query xmlns='jabber:iq:roster'><item jid='bob@localhost/res'/></query>", "jid-malformed"},
      {"<query xmlns='jabber:iq:roster'><item jid='nobody@localhost' "
       "subscription='remove'/></query>",
       "item-not-found"},
      // No relationship with bob: nothing to remove.
      {"<query xmlns='jabber:iq:roster'><item jid='bob@localhost' "
       "subscription='remove'/></query>",
       "item-not-found"},
  };
  int n = 0;
  for (const auto& [payload, condition] : iqs) {
    const std::string id = "h" + std::to_string(++n);
    std::string answer = Iq(*alice, id, "<iq type='set' id='" + id + "'>" + payload + "</iq>");
    EXPECT_TRUE(Has(answer, "type=\"error\"") && Has(answer, "<" + condition))
        << payload << " -> " << answer;
  }
  std::string get_block =
      Iq(*alice, "g", "<iq type='get' id='g'><block xmlns='urn:xmpp:blocking'/></iq>");
  EXPECT_TRUE(Has(get_block, "<bad-request")) << get_block;

  const std::vector<std::pair<std::string, std::string>> presences = {
      {"nobody@localhost", "item-not-found"},
      {"alice@localhost", "bad-request"},  // oneself
      {"bob@elsewhere", "remote-server-not-found"},
      {"@localhost", "jid-malformed"},
      {"localhost", "jid-malformed"},
  };
  for (const auto& [to, condition] : presences) {
    const size_t mark = Mark(*alice);
    Write(*alice, "<presence type='subscribe' to='" + to + "'/>");
    std::string answer = WaitStanza(*alice, mark, {"<presence", "type=\"error\""});
    EXPECT_TRUE(Has(answer, "<" + condition)) << to << " -> " << answer;
  }
  // Answers to stranger's subscriptions that do not exist are ignored; the session goes on.
  Write(*alice, "<presence type='subscribed' to='bob@localhost'/>");
  Write(*alice, "<presence type='unsubscribed' to='nobody@localhost'/>");
  std::string pong = Iq(*alice, "p", "<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>");
  EXPECT_TRUE(Has(pong, "type=\"result\"")) << pong;
  auto friends = bob_api_->Friends();
  ASSERT_TRUE(IsOk(friends));
  EXPECT_TRUE(friends->empty());
}

TEST_F(XmppSocialTest, SubscriptionsCountAgainstTheFriendRequestLimit) {
  auto alice = Connect(alice_);
  ASSERT_TRUE(alice);
  // 50 requests an hour, refused ones (here: already asked) included, as in the native flow.
  for (int i = 0; i < 50; ++i) Write(*alice, "<presence type='subscribe' to='bob@localhost'/>");
  const size_t mark = Mark(*alice);
  Write(*alice, "<presence type='subscribe' to='bob@localhost'/>");
  std::string refused = WaitStanza(*alice, mark, {"<presence", "type=\"error\""});
  EXPECT_TRUE(Has(refused, "policy-violation") && Has(refused, "type=\"wait\"")) << refused;
  // Bob still has exactly one request from alice.
  auto requests = bob_api_->FriendRequests();
  ASSERT_TRUE(IsOk(requests));
  EXPECT_EQ((*requests)["incoming"].size(), 1u);
}

TEST_F(XmppSocialTest, GroupsAreMucRooms) {
  ASSERT_TRUE(IsOk(alice_api_->SendFriendRequest(bob_.id)));
  ASSERT_TRUE(IsOk(bob_api_->AcceptFriendRequest(alice_.id)));
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto team = bob_api_->CreateGroup("Team", {alice_.id}, "plans");
  ASSERT_TRUE(IsOk(team));
  const int64_t group = (*team)["id"];
  const std::string room = std::to_string(group) + "@conference.localhost";
  auto mine = alice_api_->CreateGroup("Mine", {bob_.id});
  ASSERT_TRUE(IsOk(mine));
  const std::string my_room =
      std::to_string((*mine)["id"].get<int64_t>()) + "@conference.localhost";
  ASSERT_TRUE(IsOk((*bob_ws)->SendToConversation(group, "before alice joined", "h-1")));

  auto alice = Connect(alice_);
  ASSERT_TRUE(alice);
  std::string items = Iq(*alice, "i1",
                         "<iq type='get' id='i1' to='localhost'>"
                         "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  EXPECT_TRUE(Has(items, "jid=\"conference.localhost\"")) << items;
  std::string rooms = Iq(*alice, "i2",
                         "<iq type='get' id='i2' to='conference.localhost'>"
                         "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  EXPECT_TRUE(Has(rooms, "jid=\"" + room + "\"") && Has(rooms, "name=\"Team\"") &&
              Has(rooms, "jid=\"" + my_room + "\""))
      << rooms;
  std::string info = Iq(*alice, "i3",
                        "<iq type='get' id='i3' to='" + room +
                            "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  EXPECT_TRUE(Has(info, "var=\"muc_membersonly\"") && Has(info, "name=\"Team\"")) << info;

  // Join: own presence (member: participant; the nick is the username), history, subject.
  size_t mark = Mark(*alice);
  Write(*alice, "<presence to='" + room +
                    "/Ally'><x xmlns='http://jabber.org/protocol/muc'>"
                    "<history maxstanzas='100000'/></x></presence>");
  std::string self = WaitStanza(*alice, mark, {"<presence", "from=\"" + room + "/alice\""});
  EXPECT_TRUE(Has(self, "affiliation=\"member\"") && Has(self, "role=\"participant\"") &&
              Has(self, "code=\"110\"") && Has(self, "code=\"210\""))
      << self;
  std::string history = WaitStanza(*alice, mark, {"<message", "before alice joined"});
  EXPECT_TRUE(Has(history, "from=\"" + room + "/bob\"") && Has(history, "type=\"groupchat\"") &&
              Has(history, "urn:xmpp:delay"))
      << history;
  EXPECT_FALSE(WaitStanza(*alice, mark, {"<subject>plans</subject>"}).empty());

  // groupchat = a group message (the id its idempotency key), reflected with its seq.
  mark = Mark(*alice);
  const std::string hello =
      "<message type='groupchat' id='g-1' to='" + room + "'><body>hello team</body></message>";
  Write(*alice, hello);
  // (Bob's WebSocket also has the groups' creation events as messages: wait for the text.)
  auto text_is = [](std::string text) {
    return [text](const json& f) {
      return f.value("type", "") == "message" && f.value("text", "") == text;
    };
  };
  auto to_bob = (*bob_ws)->WaitFor(text_is("hello team"));
  ASSERT_TRUE(IsOk(to_bob)) << server_->output();
  EXPECT_EQ((*to_bob)["conversation_id"], group);
  EXPECT_EQ((*to_bob)["id"], "g-1");
  std::string reflected = WaitStanza(*alice, mark, {"from=\"" + room + "/alice\"", "id=\"g-1\""});
  EXPECT_TRUE(Has(reflected, "hello team") &&
              Has(reflected, "id=\"" + std::to_string((*to_bob)["seq"].get<int64_t>()) + "\""))
      << reflected;
  Write(*alice, hello);  // a resend is the same message
  Write(*alice,
        "<message type='groupchat' id='g-2' to='" + room + "'><body>second</body></message>");
  ASSERT_TRUE(IsOk((*bob_ws)->WaitFor(text_is("second"))));
  // Frames arrive in order: a duplicate would have come before "second".
  EXPECT_FALSE(IsOk((*bob_ws)->WaitFor(text_is("hello team"), std::chrono::milliseconds(1))));

  // The native side's group messages reach the joined room, with the seq as stanza-id.
  mark = Mark(*alice);
  auto ack = (*bob_ws)->SendToConversation(group, "hi alice", "b-1");
  ASSERT_TRUE(IsOk(ack));
  std::string from_bob = WaitStanza(*alice, mark, {"hi alice"});
  EXPECT_TRUE(Has(from_bob, "from=\"" + room + "/bob\"") && Has(from_bob, "type=\"groupchat\"") &&
              Has(from_bob, "by=\"" + room + "\"") &&
              Has(from_bob, "id=\"" + std::to_string((*ack)["seq"].get<int64_t>()) + "\""))
      << from_bob;

  // An owner is an owner and moderator.
  mark = Mark(*alice);
  Write(*alice, "<presence to='" + my_room + "/alice'/>");
  std::string owner = WaitStanza(*alice, mark, {"<presence", "from=\"" + my_room + "/alice\""});
  EXPECT_TRUE(Has(owner, "affiliation=\"owner\"") && Has(owner, "role=\"moderator\"")) << owner;

  // Leaving: the group's messages no longer reach the session (a direct message after them
  // does: the group message would have come first).
  mark = Mark(*alice);
  Write(*alice, "<presence type='unavailable' to='" + room + "/alice'/>");
  ASSERT_FALSE(
      WaitStanza(*alice, mark, {"from=\"" + room + "/alice\"", "type=\"unavailable\""}).empty());
  ASSERT_TRUE(IsOk((*bob_ws)->SendToConversation(group, "after leaving", "b-2")));
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "marker", "b-3")));
  ASSERT_FALSE(WaitStanza(*alice, mark, {"marker"}).empty());
  EXPECT_TRUE(ArrivedSoFar(*alice, mark, {"after leaving"}).empty());
  std::string not_joined =
      Iq(*alice, "m1",
         "<message type='groupchat' id='m1' to='" + room + "'><body>not joined</body></message>");
  EXPECT_TRUE(Has(not_joined, "not-acceptable")) << not_joined;
}

TEST_F(XmppSocialTest, NonMembersCannotJoinAndBadRoomsAreRefused) {
  auto carol_user = CreateUser(*server_, "carol");
  ASSERT_TRUE(IsOk(carol_user));
  ASSERT_TRUE(IsOk(alice_api_->SendFriendRequest(bob_.id)));
  ASSERT_TRUE(IsOk(bob_api_->AcceptFriendRequest(alice_.id)));
  auto team = bob_api_->CreateGroup("Team", {alice_.id});
  ASSERT_TRUE(IsOk(team));
  const std::string room = std::to_string((*team)["id"].get<int64_t>()) + "@conference.localhost";
  auto carol = Connect(*carol_user);
  ASSERT_TRUE(carol);
  std::string rooms = Iq(*carol, "i1",
                         "<iq type='get' id='i1' to='conference.localhost'>"
                         "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  EXPECT_TRUE(Has(rooms, "type=\"result\"") && !Has(rooms, room)) << rooms;
  const std::vector<std::pair<std::string, std::string>> joins = {
      {room + "/carol", "registration-required"},
      {room, "jid-malformed"},  // no nick
      {"0123@conference.localhost/carol", "item-not-found"},
      {"team@conference.localhost/carol", "item-not-found"},
      {"99999999999999999999@conference.localhost/carol", "item-not-found"},
  };
  for (const auto& [to, condition] : joins) {
    const size_t mark = Mark(*carol);
    Write(*carol, "<presence to='" + to + "'/>");
    std::string answer = WaitStanza(*carol, mark, {"<presence", "type=\"error\""});
    EXPECT_TRUE(Has(answer, "<" + condition)) << to << " -> " << answer;
  }
  std::string info = Iq(*carol, "i2",
                        "<iq type='get' id='i2' to='" + room +
                            "'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  EXPECT_TRUE(Has(info, "item-not-found")) << info;
  std::string sent =
      Iq(*carol, "s1",
         "<message type='groupchat' id='s1' to='" + room + "'><body>let me in</body></message>");
  EXPECT_TRUE(Has(sent, "not-acceptable")) << sent;
  std::string set = Iq(*carol, "i3",
                       "<iq type='set' id='i3' to='conference.localhost'>"
                       "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  EXPECT_TRUE(Has(set, "service-unavailable")) << set;
  std::string pong = Iq(*carol, "p", "<iq type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq>");
  EXPECT_TRUE(Has(pong, "type=\"result\"")) << pong;
}

}  // namespace
}  // namespace parley::e2e
