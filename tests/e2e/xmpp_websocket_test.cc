// XMPP over WebSocket (RFC 7395, docs/xmpp.md) at /xmpp-websocket on the HTTP listener of a
// real parleyd, driven frame by frame with the raw WebSocket client of raw_wire.h: <open/>,
// features, SASL PLAIN (allowed without TLS here), the restart with a new <open/>, binding,
// chat both ways with a native WebSocket user, <close/>. Hostile input (no subprotocol, binary
// messages, two elements or half of one in a message, oversized messages, text and garbage, a
// TCP stream header instead of <open/>, a DTD, a comment) ends only its own connection; the
// per-address cap of XMPP connections holds for WebSocket streams too.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/xmpp_friends_fixture.h"

namespace parley::e2e {
namespace {

using json = nlohmann::json;

constexpr std::string_view kOpen =
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>";
constexpr std::string_view kCloseElement = "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>";
// "\0alice\0correct horse battery" (kTestPassword)
constexpr std::string_view kAlicePlain =
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
    "AGFsaWNlAGNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==</auth>";

bool Has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// One XMPP-over-WebSocket connection, one text message at a time.
class XmppSocket {
 public:
  // The upgrade with `headers` (the xmpp subprotocol by default); status() says how it went.
  explicit XmppSocket(uint16_t port,
                      std::string_view headers = "Sec-WebSocket-Protocol: xmpp\r\n") {
    auto ws = RawWebSocket::Open(port, "/xmpp-websocket", 0, &refusal_, headers);
    if (ws.ok()) ws_.emplace(std::move(*ws));
  }

  int status() const { return ws_ ? ws_->status() : 0; }
  const RawHttpResponse& refusal() const { return refusal_; }
  RawWebSocket& ws() { return *ws_; }

  bool Send(std::string_view text) { return ws_->SendText(text); }
  // The next text message; "" when the connection closed or nothing came in 5 s.
  std::string Next() {
    for (;;) {
      auto frame = ws_->ReadFrame();
      if (!frame.ok() || frame->opcode == kClose) return "";
      if (frame->opcode == kText) return frame->payload;
    }
  }
  // Messages up to and including the first that contains `part` (all of them if none does).
  std::vector<std::string> Until(std::string_view part) {
    std::vector<std::string> seen;
    for (std::string message = Next(); !message.empty(); message = Next()) {
      seen.push_back(message);
      if (Has(message, part)) break;
    }
    return seen;
  }

  // <open/> to a bound resource as alice: every step's answer checked.
  void LogInAlice(std::string_view resource) {
    ASSERT_TRUE(Send(kOpen));
    ASSERT_TRUE(Has(Next(), "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'"));
    ASSERT_TRUE(Has(Next(), "<mechanism>PLAIN</mechanism>"));
    ASSERT_TRUE(Send(kAlicePlain));
    ASSERT_TRUE(Has(Next(), "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'"));
    ASSERT_TRUE(Send(kOpen));  // the restart
    ASSERT_TRUE(Has(Next(), "<open "));
    ASSERT_TRUE(Has(Next(), "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"));
    ASSERT_TRUE(
        Send("<iq xmlns='jabber:client' type='set' id='b1'><bind "
             "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" +
             std::string(resource) + "</resource></bind></iq>"));
    ASSERT_TRUE(Has(Next(), "<jid>alice@localhost/" + std::string(resource) + "</jid>"));
  }

  // Pings the server and expects the answer: the stream still works.
  bool Alive(std::string_view id) {
    const std::string ping = "<iq xmlns='jabber:client' type='get' id='" + std::string(id) +
                             "'><ping xmlns='urn:xmpp:ping'/></iq>";
    if (!Send(ping)) return false;
    const std::vector<std::string> seen = Until("id='" + std::string(id) + "'");
    return !seen.empty() && Has(seen.back(), "type='result'");
  }

 private:
  RawHttpResponse refusal_;
  std::optional<RawWebSocket> ws_;
};

class XmppWebSocketTest : public XmppFriendsFixture {
 protected:
  void StartServer(std::vector<std::string> more_args = {}) {
    std::vector<std::string> args = {"--xmpp-domain", "localhost", "--xmpp-plain-without-tls",
                                     "true"};
    args.insert(args.end(), more_args.begin(), more_args.end());
    StartWithFriends({.extra_args = args});
  }
};

TEST_F(XmppWebSocketTest, LogsInRestartsChatsBothWaysAndCloses) {
  StartServer();
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));

  XmppSocket alice(server_->port());
  ASSERT_EQ(alice.status(), 101);
  EXPECT_TRUE(Has(alice.ws().head(), "Sec-WebSocket-Protocol: xmpp")) << alice.ws().head();
  ASSERT_TRUE(alice.Send(kOpen));
  const std::string open = alice.Next();
  EXPECT_TRUE(Has(open, "from='localhost'")) << open;
  EXPECT_TRUE(Has(open, "version='1.0'")) << open;
  // The features stand alone (their prefix declared), offer SASL and no STARTTLS.
  const std::string features = alice.Next();
  EXPECT_TRUE(Has(features, "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>"))
      << features;
  EXPECT_TRUE(Has(features, "<mechanism>SCRAM-SHA-256</mechanism>")) << features;
  EXPECT_FALSE(Has(features, "starttls")) << features;
  ASSERT_TRUE(alice.Send(kAlicePlain));
  ASSERT_TRUE(Has(alice.Next(), "<success"));
  ASSERT_TRUE(alice.Send(kOpen));  // the restart: a new <open/>
  ASSERT_TRUE(Has(alice.Next(), "<open "));
  ASSERT_TRUE(Has(alice.Next(), "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"));
  ASSERT_TRUE(
      alice.Send("<iq xmlns='jabber:client' type='set' id='b1'><bind "
                 "xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>ws</resource></bind></iq>"));
  ASSERT_TRUE(Has(alice.Next(), "<jid>alice@localhost/ws</jid>"));
  ASSERT_TRUE(alice.Send("<presence xmlns='jabber:client'/>"));

  // XMPP to the native protocol.
  ASSERT_TRUE(
      alice.Send("<message xmlns='jabber:client' to='bob@localhost' type='chat' id='ws-1'>"
                 "<body>hi bob, over a websocket</body></message>"));
  auto to_bob = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(to_bob)) << server_->output();
  EXPECT_EQ((*to_bob)["text"], "hi bob, over a websocket");
  EXPECT_EQ((*to_bob)["id"], "ws-1");

  // The native protocol to XMPP: one whole <message/> in one WebSocket message.
  auto ack = (*bob_ws)->SendToUser(alice_.id, "hello alice & co", "w-1");
  ASSERT_TRUE(IsOk(ack));
  const std::vector<std::string> seen = alice.Until("hello alice &amp; co");
  ASSERT_FALSE(seen.empty());
  const std::string& message = seen.back();
  EXPECT_TRUE(message.starts_with("<message from='bob@localhost'")) << message;
  EXPECT_TRUE(message.ends_with("</message>")) << message;
  EXPECT_TRUE(Has(message, "id='" + std::to_string((*ack)["seq"].get<int64_t>()) + "'")) << message;
  EXPECT_TRUE(alice.Alive("p1"));

  // <close/> is answered with <close/>, then the WebSocket closes normally.
  ASSERT_TRUE(alice.Send(kCloseElement));
  EXPECT_EQ(alice.Until("<close ").back(), std::string(kCloseElement));
  EXPECT_EQ(alice.ws().WaitForClose(), 1000);
}

TEST_F(XmppWebSocketTest, AnUpgradeWithoutTheXmppSubprotocolIsRefused) {
  StartServer();
  XmppSocket none(server_->port(), "");
  EXPECT_EQ(none.status(), 400);
  EXPECT_TRUE(Has(none.refusal().raw_body, "subprotocol xmpp")) << none.refusal().raw_body;
  XmppSocket other(server_->port(), "Sec-WebSocket-Protocol: mqtt, xmppx\r\n");
  EXPECT_EQ(other.status(), 400);
  // Among others it is taken.
  XmppSocket listed(server_->port(), "Sec-WebSocket-Protocol: mqtt, xmpp\r\n");
  EXPECT_EQ(listed.status(), 101);
}

TEST_F(XmppWebSocketTest, WithoutXmppThePathIsNotFound) {
  auto server = ServerProcess::Start();
  ASSERT_TRUE(IsOk(server));
  XmppSocket socket((*server)->port());
  EXPECT_EQ(socket.status(), 404);
}

TEST_F(XmppWebSocketTest, HostileMessagesEndOnlyTheirOwnConnection) {
  StartServer();
  XmppSocket healthy(server_->port());
  ASSERT_EQ(healthy.status(), 101);
  healthy.LogInAlice("healthy");
  if (HasFatalFailure()) return;

  struct Case {
    std::string name;
    bool login;  // the hostile message comes after binding
    std::vector<std::string> messages;
    std::string condition;
  };
  const std::vector<Case> cases = {
      {"two elements in one message",
       true,
       {"<presence xmlns='jabber:client'/><presence xmlns='jabber:client'/>"},
       "not-well-formed"},
      {"half an element",
       true,
       {"<message xmlns='jabber:client' to='bob@localhost'><body>"},
       "not-well-formed"},
      {"text", false, {"GET / HTTP/1.1\r\n\r\n"}, "bad-format"},
      {"not XML", false, {"<<>>&&"}, "not-well-formed"},
      {"a TCP stream header",
       false,
       {"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
        "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>"},
       "not-well-formed"},
      {"a stream:stream without the declaration",
       false,
       {"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
        "to='localhost' version='1.0'>"},
       "not-well-formed"},
      {"a stanza before <open/>", false, {"<presence xmlns='jabber:client'/>"}, "bad-format"},
      {"a second <open/>", false, {std::string(kOpen), std::string(kOpen)}, "bad-format"},
      {"a DTD", false, {"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>"}, "not-well-formed"},
      {"a comment", false, {"<!-- x -->"}, "restricted-xml"},
      {"above the stanza limit",
       true,
       {"<message xmlns='jabber:client' to='bob@localhost'><body>" + std::string(100 * 1024, 'a') +
        "</body></message>"},
       "policy-violation"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    XmppSocket hostile(server_->port());
    ASSERT_EQ(hostile.status(), 101);
    if (c.login) {
      hostile.LogInAlice("hostile");
      if (HasFatalFailure()) return;
    }
    for (const std::string& message : c.messages) ASSERT_TRUE(hostile.Send(message));
    const std::vector<std::string> seen = hostile.Until("</stream:error>");
    ASSERT_FALSE(seen.empty());
    EXPECT_TRUE(
        Has(seen.back(), "<" + c.condition + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"))
        << seen.back();
    EXPECT_TRUE(
        seen.back().starts_with("<stream:error xmlns:stream='http://etherx.jabber.org/streams'>"))
        << seen.back();
    EXPECT_EQ(hostile.Next(), std::string(kCloseElement));
    EXPECT_EQ(hostile.ws().WaitForClose(), 1000);
    EXPECT_TRUE(healthy.Alive("after-" + std::to_string(&c - cases.data())));
  }

  {
    SCOPED_TRACE("binary");
    XmppSocket hostile(server_->port());
    ASSERT_TRUE(hostile.Send(kOpen));
    hostile.Until("</stream:features>");
    ASSERT_TRUE(hostile.ws().SendFrame(kBinary, kOpen));
    const std::vector<std::string> seen = hostile.Until("</stream:error>");
    ASSERT_FALSE(seen.empty());
    EXPECT_TRUE(Has(seen.back(), "<bad-format ")) << seen.back();
    EXPECT_EQ(hostile.ws().WaitForClose(), 1000);
  }
  {
    // Above twice the stanza limit the WebSocket layer refuses the message itself.
    SCOPED_TRACE("far above the limit");
    XmppSocket hostile(server_->port());
    ASSERT_TRUE(hostile.Send(kOpen));
    hostile.Until("</stream:features>");
    hostile.Send("<presence xmlns='jabber:client'>" + std::string(300 * 1024, ' ') + "</presence>");
    const int code = hostile.ws().WaitForClose();
    EXPECT_TRUE(code == 1009 || code == 1006) << code;
  }
  EXPECT_TRUE(healthy.Alive("last"));
}

TEST_F(XmppWebSocketTest, TheXmppConnectionCapPerAddressHoldsForWebSockets) {
  StartServer({"--xmpp-max-connections-per-address", "2"});
  XmppSocket first(server_->port());
  XmppSocket second(server_->port());
  ASSERT_EQ(first.status(), 101);
  ASSERT_EQ(second.status(), 101);
  XmppSocket third(server_->port());
  EXPECT_EQ(third.status(), 503);
  // The two admitted streams work.
  first.LogInAlice("first");
  if (HasFatalFailure()) return;
  EXPECT_TRUE(first.Alive("p1"));
  ASSERT_TRUE(second.Send(kOpen));
  EXPECT_TRUE(Has(second.Next(), "<open "));
}

}  // namespace
}  // namespace parley::e2e
