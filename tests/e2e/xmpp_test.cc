// The XMPP front door against clients no one here wrote: @xmpp/client (tests/peers/
// xmpp_peer.mjs) logs in to a real parleyd with SCRAM-SHA-256 and chats both ways with a
// native Parley user on a WebSocket; raw TCP connections send what no client would, and only
// their own connection ends (docs/xmpp.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/xmpp_friends_fixture.h"

namespace parley::e2e {
namespace {

using json = nlohmann::json;
using client::WsClient;

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";

class XmppTest : public XmppFriendsFixture {
 protected:
  void SetUp() override { StartWithFriends({.extra_args = {"--xmpp-domain", "localhost"}}); }

  std::unique_ptr<PeerProcess> StartXmppPeer(const TestUser& user, std::string_view password,
                                             std::string resource = "interop") {
    auto peer = PeerProcess::Start({PARLEY_NODE_PATH, "xmpp_peer.mjs", std::to_string(xmpp_port_),
                                    "localhost", user.username, std::string(password), resource},
                                   PARLEY_PEERS_DIR);
    EXPECT_TRUE(IsOk(peer));
    return peer.ok() ? std::move(*peer) : nullptr;
  }

  static json WaitEvent(PeerProcess& peer, std::string_view event,
                        const std::function<bool(const json&)>& also = nullptr) {
    return peer.WaitForLine([&](const json& line) {
      return line.value("event", "") == event && (!also || also(line));
    });
  }

  static json Run(PeerProcess& peer, const json& command) {
    peer.WriteLine(command.dump());
    return WaitEvent(peer, "result", [&](const json& line) { return line["op"] == command["op"]; });
  }
};

TEST_F(XmppTest, ScramLoginRosterAndChatBothWaysWithAWebSocketUser) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto alice = StartXmppPeer(alice_, kTestPassword);
  ASSERT_TRUE(alice);
  ASSERT_FALSE(WaitEvent(*alice, "scram_vector_ok").is_null());
  json online = WaitEvent(*alice, "online");
  ASSERT_FALSE(online.is_null()) << server_->output();
  EXPECT_EQ(online["jid"], "alice@localhost/interop");

  // The roster is the friends list.
  json roster = Run(*alice, {{"op", "roster"}});
  ASSERT_TRUE(roster.value("ok", false)) << roster.dump();
  ASSERT_EQ(roster["items"].size(), 1u);
  EXPECT_EQ(roster["items"][0]["jid"], "bob@localhost");
  EXPECT_EQ(roster["items"][0]["subscription"], "both");

  // Initial presence: alice is online for bob, and she hears that bob is online.
  ASSERT_TRUE(Run(*alice, {{"op", "presence"}}).value("ok", false));
  json bob_presence = WaitEvent(*alice, "presence",
                                [](const json& line) { return line["from"] == "bob@localhost"; });
  ASSERT_FALSE(bob_presence.is_null());
  EXPECT_TRUE(bob_presence["type"].is_null());
  auto online_frame = (*bob_ws)->WaitFor([&](const json& frame) {
    return frame.value("type", "") == "presence" && frame.value("user_id", 0) == alice_.id;
  });
  ASSERT_TRUE(IsOk(online_frame));
  EXPECT_EQ((*online_frame)["status"], "online");

  // XMPP to WebSocket: the stanza's id is the client id of the message bob receives.
  ASSERT_TRUE(Run(*alice, {{"op", "send"},
                           {"to", "bob@localhost"},
                           {"body", "hi bob, from xmpp <3"},
                           {"id", "x-1"}})
                  .value("ok", false));
  auto to_bob = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(to_bob)) << server_->output();
  EXPECT_EQ((*to_bob)["text"], "hi bob, from xmpp <3");
  EXPECT_EQ((*to_bob)["sender_id"], alice_.id);
  EXPECT_EQ((*to_bob)["id"], "x-1");
  const int64_t conversation = (*to_bob)["conversation_id"];

  // WebSocket to XMPP: from bob's JID, the client id as the stanza id, the seq as stanza-id.
  auto ack = (*bob_ws)->SendToUser(alice_.id, "hello alice & co", "w-1");
  ASSERT_TRUE(IsOk(ack));
  json to_alice =
      WaitEvent(*alice, "message", [](const json& line) { return !line["body"].is_null(); });
  ASSERT_FALSE(to_alice.is_null()) << server_->output();
  EXPECT_EQ(to_alice["from"], "bob@localhost");
  EXPECT_EQ(to_alice["type"], "chat");
  EXPECT_EQ(to_alice["body"], "hello alice & co");
  EXPECT_EQ(to_alice["id"], "w-1");
  EXPECT_EQ(to_alice["stanza_id"], std::to_string((*ack)["seq"].get<int64_t>()));
  EXPECT_EQ((*ack)["conversation_id"], conversation);

  // A resend with the same id is the same message: bob gets nothing new (idempotency key).
  ASSERT_TRUE(Run(*alice, {{"op", "send"},
                           {"to", "bob@localhost"},
                           {"body", "hi bob, from xmpp <3"},
                           {"id", "x-1"}})
                  .value("ok", false));
  ASSERT_TRUE(
      Run(*alice, {{"op", "send"}, {"to", "bob@localhost"}, {"body", "second"}, {"id", "x-2"}})
          .value("ok", false));
  auto second = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(second));
  EXPECT_EQ((*second)["text"], "second");

  // Typing both ways: XEP-0085 composing is Parley's typing.
  ASSERT_TRUE(Run(*alice, {{"op", "composing"}, {"to", "bob@localhost"}}).value("ok", false));
  EXPECT_TRUE(IsOk((*bob_ws)->WaitForType("typing")));

  // Ping and disco (XEP-0199, XEP-0030).
  EXPECT_TRUE(Run(*alice, {{"op", "ping"}}).value("ok", false));
  json disco = Run(*alice, {{"op", "disco"}});
  ASSERT_TRUE(disco.value("ok", false));
  EXPECT_NE(std::find(disco["features"].begin(), disco["features"].end(), "urn:xmpp:ping"),
            disco["features"].end());

  // Away and back, as bob sees it.
  ASSERT_TRUE(Run(*alice, {{"op", "presence"}, {"show", "away"}}).value("ok", false));
  auto away = (*bob_ws)->WaitFor([&](const json& frame) {
    return frame.value("type", "") == "presence" && frame.value("status", "") == "away";
  });
  EXPECT_TRUE(IsOk(away));

  // A message to nobody is an error stanza, not a lost message.
  ASSERT_TRUE(
      Run(*alice, {{"op", "send"}, {"to", "nobody@localhost"}, {"body", "?"}, {"id", "x-3"}})
          .value("ok", false));
  json error = WaitEvent(*alice, "message", [](const json& line) { return line["id"] == "x-3"; });
  EXPECT_EQ(error["type"], "error");
  EXPECT_EQ(error["error"], "item-not-found");

  // Leaving: bob sees alice go offline, and her XMPP device is signed out.
  alice.reset();
  auto offline = (*bob_ws)->WaitFor([&](const json& frame) {
    return frame.value("type", "") == "presence" && frame.value("status", "") == "offline";
  });
  EXPECT_TRUE(IsOk(offline));
}

TEST_F(XmppTest, WrongPasswordAndPlainWithoutTlsAreRefused) {
  auto wrong = StartXmppPeer(alice_, "not the password");
  ASSERT_TRUE(wrong);
  json error = WaitEvent(*wrong, "error");
  ASSERT_FALSE(error.is_null());
  EXPECT_EQ(error["message"], "not-authorized");

  // Without TLS PLAIN is not even offered, and asking for it is refused.
  auto raw = RawSocket::Connect(xmpp_port_);
  ASSERT_TRUE(IsOk(raw));
  ASSERT_TRUE(raw->WriteAll(kHeader));
  raw->ReadUntil(
      [](const std::string& in) { return in.find("</stream:features>") != std::string::npos; });
  EXPECT_NE(raw->buffer().find("<mechanism>SCRAM-SHA-256</mechanism>"), std::string::npos);
  EXPECT_EQ(raw->buffer().find("PLAIN"), std::string::npos);
  raw->buffer().clear();
  ASSERT_TRUE(
      raw->WriteAll("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                    "AGFsaWNlAGNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==</auth>"));
  raw->ReadUntil([](const std::string& in) { return in.find("</failure>") != std::string::npos; });
  EXPECT_NE(raw->buffer().find("<invalid-mechanism/>"), std::string::npos) << raw->buffer();
}

TEST_F(XmppTest, BadXmlClosesOnlyItsOwnConnection) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto alice = StartXmppPeer(alice_, kTestPassword);
  ASSERT_TRUE(alice);
  ASSERT_FALSE(WaitEvent(*alice, "online").is_null()) << server_->output();

  struct Case {
    std::string name;
    std::string wire;
    std::string condition;
  };
  const std::vector<Case> cases = {
      {"billion laughs",
       "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'><!ENTITY lol2 "
       "'&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>]><stream:stream/>",
       "restricted-xml"},
      {"not XML", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "not-well-formed"},
      {"broken UTF-8", std::string(kHeader) + "<message to='bob@localhost'><body>\xC3\x28</body>",
       "not-well-formed"},
      {"stanza before login",
       std::string(kHeader) + "<message to='bob@localhost' type='chat'><body>x</body></message>",
       "not-authorized"},
      {"oversized stanza", std::string(kHeader) + "<message><body>" + std::string(80 * 1024, 'x'),
       "policy-violation"},
      {"wrong host",
       "<stream:stream xmlns='jabber:client' "
       "xmlns:stream='http://etherx.jabber.org/streams' to='example.org'>",
       "host-unknown"},
  };
  for (const Case& c : cases) {
    auto raw = RawSocket::Connect(xmpp_port_);
    ASSERT_TRUE(IsOk(raw)) << c.name;
    raw->WriteAll(c.wire);  // may fail midway once the server has closed: that is the point
    const ReadEnd end = raw->ReadUntil(
        [](const std::string& in) { return in.find("</stream:stream>") != std::string::npos; });
    EXPECT_NE(
        raw->buffer().find("<" + c.condition + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"),
        std::string::npos)
        << c.name << ": " << raw->buffer();
    (void)end;
    // And the server closes the connection.
    const ReadEnd closed = raw->DrainToEnd();
    EXPECT_TRUE(closed == ReadEnd::kEof || closed == ReadEnd::kReset) << c.name;
  }

  // alice's stream went on: she still chats.
  alice->WriteLine(
      json{{"op", "send"}, {"to", "bob@localhost"}, {"body", "still here"}, {"id", "s-1"}}.dump());
  auto to_bob = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(to_bob));
  EXPECT_EQ((*to_bob)["text"], "still here");
}

// With --xmpp-plain-without-tls, SASL PLAIN is the HTTP login itself: the same limits count
// both doors.
TEST(XmppPlainTest, PlainIsTheHttpLoginWithItsLimits) {
  auto server = ServerProcess::Start(
      {.extra_args = {"--xmpp-listen", "127.0.0.1:0", "--xmpp-plain-without-tls", "true"}});
  ASSERT_TRUE(IsOk(server));
  const uint16_t port = XmppPortOf(**server);
  ASSERT_NE(port, 0);
  auto alice = CreateUser(**server, "alice");
  ASSERT_TRUE(IsOk(alice));

  // One SASL PLAIN attempt on a fresh stream: what the server answers.
  auto attempt = [port](std::string_view credentials_base64) {
    auto raw = RawSocket::Connect(port);
    EXPECT_TRUE(IsOk(raw));
    if (!raw.ok()) return std::string();
    raw->WriteAll(kHeader);
    raw->ReadUntil(
        [](const std::string& in) { return in.find("</stream:features>") != std::string::npos; });
    EXPECT_NE(raw->buffer().find("<mechanism>PLAIN</mechanism>"), std::string::npos);
    raw->buffer().clear();
    raw->WriteAll("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" +
                  std::string(credentials_base64) + "</auth>");
    raw->ReadUntil([](const std::string& in) {
      return in.find("</failure>") != std::string::npos ||
             in.find("</success>") != std::string::npos || in.find("<success") != std::string::npos;
    });
    return raw->buffer();
  };
  // "\0alice\0correct horse battery"
  EXPECT_NE(attempt("AGFsaWNlAGNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==").find("<success"),
            std::string::npos);
  // "\0alice\0wrong": not-authorized, then the login limits' backoff refuses the address...
  std::string answer;
  for (int i = 0; i < 10 && answer.find("temporary-auth-failure") == std::string::npos; ++i) {
    answer = attempt("AGFsaWNlAHdyb25n");
    if (answer.find("temporary-auth-failure") == std::string::npos) {
      EXPECT_NE(answer.find("<not-authorized/>"), std::string::npos) << answer;
    }
  }
  EXPECT_NE(answer.find("temporary-auth-failure"), std::string::npos) << answer;
  // ...and the HTTP login from that address too: one limit, two doors.
  auto http = ApiFor(**server)->Login("alice", kTestPassword);
  EXPECT_EQ(http.status().code(), Code::kRateLimited);
}

}  // namespace
}  // namespace parley::e2e
