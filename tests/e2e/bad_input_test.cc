// End-to-end tests of hostile and broken input against a real parleyd on loopback, checking the
// error codes and close codes of docs/protocol.md and that the server and other sessions carry on:
// - WebSocket handshake: first frame not hello (4000), wrong protocol (unsupported_version,
//   4000), bad/revoked token (unauthenticated, 4001), no hello in time (4001), binary hello;
// - after hello: invalid JSON, non-objects, wrong field types, missing fields, unknown types,
//   invalid UTF-8, binary frames, deep nesting: each an `error` frame echoing req/id, and the
//   session survives (ping gets pong, a send is acked);
// - a hello announcing more cursors: anything but `cursors` frames next, no end in time, or more
//   than 100,000 cursors in all close the session (4000);
// - limits: message text (too_large, session survives), frame size (close 1009), frames per
//   second (rate_limited errors, then close 4029), outgoing queue (a peer that never reads is
//   disconnected while everyone else carries on);
// - send errors: unknown user or conversation, oneself, someone else's conversation;
// - malformed HTTP: garbage request line, oversized header and body, bad JSON, a truncated body,
//   an upgrade to a path other than /ws; /healthz still answers after each.
// Raw sockets and hand-made WebSocket frames (raw_wire.h) are used where the client library
// would refuse to send the garbage.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using client::HttpApi;
using client::WsClient;
using nlohmann::json;

// An `error` frame with this code, echoing req and id exactly when given (absent otherwise).
::testing::AssertionResult IsErrorFrame(const Result<json>& frame, std::string_view code,
                                        std::optional<std::string> req = std::nullopt,
                                        std::optional<std::string> id = std::nullopt) {
  if (!frame.ok()) {
    return ::testing::AssertionFailure() << "no frame: " << client::FormatStatus(frame.status());
  }
  const json& f = *frame;
  auto failure = [&]() {
    return ::testing::AssertionFailure()
           << "expected error " << code << " req=" << req.value_or("-")
           << " id=" << id.value_or("-") << ", got " << f.dump();
  };
  if (!client::IsType(f, "error") || f.value("code", "") != code || !f.contains("message") ||
      !f["message"].is_string()) {
    return failure();
  }
  for (const auto& [key, want] : {std::pair{"req", req}, std::pair{"id", id}}) {
    if (want.has_value() != f.contains(key)) return failure();
    if (want && f[key] != *want) return failure();
  }
  return ::testing::AssertionSuccess();
}

// A ping with a fresh req gets its pong.
::testing::AssertionResult IsAlive(WsClient& ws) {
  const std::string req = client::NewClientId("p-");
  if (Status sent = ws.SendRaw(client::PingFrame(req)); !sent.ok()) {
    return ::testing::AssertionFailure() << "ping not sent: " << client::FormatStatus(sent);
  }
  Result<json> pong = ws.WaitFor(
      [&req](const json& f) { return client::IsType(f, "pong") && f.value("req", "") == req; });
  if (!pong.ok()) return ::testing::AssertionFailure() << client::FormatStatus(pong.status());
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsAlive(RawWebSocket& ws) {
  const std::string req = client::NewClientId("p-");
  if (!ws.SendText(client::PingFrame(req))) return ::testing::AssertionFailure() << "not sent";
  for (;;) {
    Result<json> frame = ws.ReadJson();
    if (!frame.ok()) {
      return ::testing::AssertionFailure() << "no pong: " << client::FormatStatus(frame.status());
    }
    if (client::IsType(*frame, "pong") && frame->value("req", "") == req) {
      return ::testing::AssertionSuccess();
    }
  }
}

// `from` sends a message to `to` (acked), and `to_ws` receives it.
::testing::AssertionResult Chats(WsClient& from_ws, WsClient& to_ws, const TestUser& to,
                                 std::string_view text) {
  Result<json> ack = from_ws.SendToUser(to.id, text);
  if (!ack.ok())
    return ::testing::AssertionFailure() << "send: " << client::FormatStatus(ack.status());
  Result<json> message = to_ws.WaitFor([&](const json& f) {
    return client::IsType(f, "message") && f["conversation_id"] == (*ack)["conversation_id"] &&
           f["seq"] == (*ack)["seq"];
  });
  if (!message.ok()) {
    return ::testing::AssertionFailure() << "receive: " << client::FormatStatus(message.status());
  }
  if ((*message)["text"] != text) return ::testing::AssertionFailure() << message->dump();
  return ::testing::AssertionSuccess();
}

// GET /healthz answers 200 on a fresh connection.
::testing::AssertionResult Healthy(const ServerProcess& server) {
  HttpApi api(server.endpoint());
  return IsOk(api.Healthz());
}

std::string Repeat(std::string_view unit, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += unit;
  return out;
}

class BadInputTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> extra_args = {}) {
    ServerProcess::Options options;
    options.extra_args = std::move(extra_args);
    auto started = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(started));
    server_ = std::move(started).value();
  }
  ServerProcess& server() { return *server_; }

  TestUser MustCreate(std::string_view username, std::string_view device = "e2e") {
    Result<TestUser> user = CreateUser(server(), username, device);
    EXPECT_TRUE(IsOk(user)) << username;
    return user.ok() ? *user : TestUser{};
  }
  std::unique_ptr<WsClient> MustConnect(const TestUser& user) {
    Result<std::unique_ptr<WsClient>> ws = ConnectUser(server(), user);
    EXPECT_TRUE(IsOk(ws)) << user.username;
    return ws.ok() ? std::move(ws).value() : std::make_unique<WsClient>();
  }
  // A WebSocket that is open but has sent nothing yet.
  std::unique_ptr<WsClient> MustOpen() {
    auto ws = std::make_unique<WsClient>();
    EXPECT_TRUE(IsOk(ws->Connect(server().endpoint())));
    return ws;
  }

  // A raw WebSocket after hello, with welcome and the replay read up to synced.
  Result<RawWebSocket> RawConnect(const TestUser& user, int receive_buffer = 0) {
    Result<RawWebSocket> ws = RawWebSocket::Open(server().port(), "/ws", receive_buffer);
    if (!ws.ok()) return ws.status();
    if (ws->status() != 101) return Status(Code::kUnavailable, "upgrade refused");
    if (!ws->SendText(client::HelloFrame(user.token, {}))) {
      return Status(Code::kUnavailable, "hello not sent");
    }
    for (;;) {
      Result<json> frame = ws->ReadJson();
      if (!frame.ok()) return frame.status();
      if (client::IsType(*frame, "error")) return client::StatusFromErrorFrame(*frame);
      if (client::IsType(*frame, "synced")) return ws;
    }
  }

  // Two users who chat with each other over the same server while a test misbehaves.
  struct Bystanders {
    TestUser carol, dave;
    std::unique_ptr<WsClient> carol_ws, dave_ws;
    int sent = 0;
  };
  void AddBystanders() {
    bystanders_.carol = MustCreate("carol");
    bystanders_.dave = MustCreate("dave");
    bystanders_.carol_ws = MustConnect(bystanders_.carol);
    bystanders_.dave_ws = MustConnect(bystanders_.dave);
  }
  ::testing::AssertionResult BystandersChat() {
    Bystanders& b = bystanders_;
    const std::string text = "still here " + std::to_string(++b.sent);
    return b.sent % 2 == 1 ? Chats(*b.carol_ws, *b.dave_ws, b.dave, text)
                           : Chats(*b.dave_ws, *b.carol_ws, b.carol, text);
  }

  std::unique_ptr<ServerProcess> server_;
  Bystanders bystanders_;
};

// --- The handshake ------------------------------------------------------------------------

TEST_F(BadInputTest, FirstFrameNotHelloIsMalformedAndClosed4000) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  struct Case {
    std::string label;
    std::string frame;
    std::optional<std::string> req;
  };
  const std::vector<Case> cases = {
      {"ping", client::PingFrame("p1"), "p1"},
      {"send", client::SendToUserFrame("c-1", alice.id, "hi"), std::nullopt},
      {"history", R"({"type":"history","req":"h1","conversation_id":1})", "h1"},
      {"unknown type", R"({"type":"bogus","req":"b1"})", "b1"},
      {"not JSON", "hello", std::nullopt},
      {"JSON array", R"(["hello", 1, "token"])", std::nullopt},
      {"empty object", "{}", std::nullopt},
      {"hello without token", R"({"type":"hello","protocol":1,"req":"x1"})", "x1"},
      {"hello with a numeric token", R"({"type":"hello","protocol":1,"token":12})", std::nullopt},
      {"hello with protocol as a string",
       R"({"type":"hello","protocol":"1","token":")" + alice.token + "\"}", std::nullopt},
      {"hello with cursors not an array",
       R"({"type":"hello","protocol":1,"token":")" + alice.token + R"(","cursors":5})",
       std::nullopt},
      {"deeply nested", Repeat("[", 10000), std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    std::unique_ptr<WsClient> ws = MustOpen();
    ASSERT_TRUE(IsOk(ws->SendRaw(c.frame)));
    EXPECT_TRUE(IsErrorFrame(ws->Next(), "malformed", c.req));
    EXPECT_EQ(ws->WaitForClose(), 4000);
  }
  EXPECT_TRUE(Healthy(server()));
}

TEST_F(BadInputTest, BinaryHelloIsNotAHello) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  // Frames are JSON text frames; a binary frame is not a valid hello even with hello's bytes.
  Result<RawWebSocket> ws = RawWebSocket::Open(server().port());
  ASSERT_TRUE(IsOk(ws));
  ASSERT_EQ(ws->status(), 101);
  ASSERT_TRUE(ws->SendFrame(kBinary, client::HelloFrame(alice.token, {})));
  std::vector<json> frames;
  EXPECT_EQ(ws->WaitForClose(kRawTimeout, &frames), 4000);
  ASSERT_EQ(frames.size(), 1u) << json(frames).dump();
  EXPECT_TRUE(IsErrorFrame(frames[0], "malformed"));
}

TEST_F(BadInputTest, HelloWithAnotherProtocolIsUnsupported) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  for (int protocol : {0, 2, -1, 1000}) {
    SCOPED_TRACE(protocol);
    std::unique_ptr<WsClient> ws = MustOpen();
    ASSERT_TRUE(IsOk(ws->SendRaw(client::HelloFrame(alice.token, {}, protocol))));
    EXPECT_TRUE(IsErrorFrame(ws->Next(), "unsupported_version"));
    EXPECT_EQ(ws->WaitForClose(), 4000);
  }
}

TEST_F(BadInputTest, HelloWithABadTokenIsUnauthenticated) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice", "laptop");
  Result<TestUser> phone = LoginDevice(server(), alice, "phone");
  ASSERT_TRUE(IsOk(phone));
  ASSERT_TRUE(IsOk(ApiFor(server(), &*phone)->Logout()));
  for (const std::string& token : {std::string("pt_garbage"), std::string(""), alice.token + "x",
                                   phone->token, std::string(1000, 'x')}) {
    SCOPED_TRACE(token.substr(0, 40));
    std::unique_ptr<WsClient> ws = MustOpen();
    ASSERT_TRUE(IsOk(ws->SendRaw(client::HelloFrame(token, {}))));
    EXPECT_TRUE(IsErrorFrame(ws->Next(), "unauthenticated"));
    EXPECT_EQ(ws->WaitForClose(), 4001);
  }
  // The good token still works.
  EXPECT_TRUE(IsAlive(*MustConnect(alice)));
}

TEST_F(BadInputTest, NoHelloInTimeIsClosed4001) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--hello-timeout-ms", "300"}));
  TestUser alice = MustCreate("alice");
  std::unique_ptr<WsClient> silent = MustOpen();
  EXPECT_EQ(silent->WaitForClose(std::chrono::seconds(5)), 4001);
  // Helloing in time is fine, and the deadline does not apply after hello.
  std::unique_ptr<WsClient> ws = MustConnect(alice);
  Result<TestUser> bob = CreateUser(server(), "bob");  // takes several hello deadlines' worth
  ASSERT_TRUE(IsOk(bob));
  std::unique_ptr<WsClient> silent2 = MustOpen();
  EXPECT_EQ(silent2->WaitForClose(std::chrono::seconds(5)), 4001);
  EXPECT_TRUE(IsAlive(*ws));
  EXPECT_FALSE(ws->closed());
}

// The cursors a hello announced must follow in `cursors` frames: nothing else, in time, and no
// more than 100,000 in all.
TEST_F(BadInputTest, HelloAnnouncingMoreCursorsGetsOnlyCursorsFrames) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--hello-timeout-ms", "2000"}));
  TestUser alice = MustCreate("alice");
  const std::string hello =
      R"({"type":"hello","protocol":1,"more_cursors":true,"token":")" + alice.token + R"("})";
  {
    SCOPED_TRACE("a ping instead");
    std::unique_ptr<WsClient> ws = MustOpen();
    ASSERT_TRUE(IsOk(ws->SendRaw(hello)));
    ASSERT_TRUE(IsOk(ws->SendRaw(client::PingFrame("p1"))));
    EXPECT_TRUE(client::IsType(*ws->Next(), "welcome"));
    EXPECT_TRUE(IsErrorFrame(ws->Next(), "malformed", "p1"));
    EXPECT_EQ(ws->WaitForClose(), 4000);
  }
  {
    SCOPED_TRACE("a broken cursors frame");
    std::unique_ptr<WsClient> ws = MustOpen();
    ASSERT_TRUE(IsOk(ws->SendRaw(hello)));
    ASSERT_TRUE(IsOk(ws->SendRaw(R"({"type":"cursors","more":"yes","req":"c1"})")));
    EXPECT_TRUE(client::IsType(*ws->Next(), "welcome"));
    EXPECT_TRUE(IsErrorFrame(ws->Next(), "malformed", "c1"));
    EXPECT_EQ(ws->WaitForClose(), 4000);
  }
  {
    SCOPED_TRACE("never the last one");
    std::unique_ptr<WsClient> ws = MustOpen();
    ASSERT_TRUE(IsOk(ws->SendRaw(hello)));
    ASSERT_TRUE(IsOk(ws->SendRaw(R"({"type":"cursors","cursors":[],"more":true})")));
    EXPECT_TRUE(client::IsType(*ws->Next(), "welcome"));
    EXPECT_EQ(ws->WaitForClose(std::chrono::seconds(10)), 4000);
  }
  {
    SCOPED_TRACE("more than 100,000 cursors");
    std::string cursors;
    for (int i = 0; i < 1000; ++i) {
      if (i > 0) cursors += ",";
      cursors += R"({"conversation_id":)" + std::to_string(i + 1) + R"(,"seq":1})";
    }
    const std::string frame = R"({"type":"cursors","more":true,"cursors":[)" + cursors + "]}";
    std::unique_ptr<WsClient> ws = MustOpen();
    ASSERT_TRUE(IsOk(ws->SendRaw(hello)));
    for (int i = 0; i <= 100; ++i) ASSERT_TRUE(IsOk(ws->SendRaw(frame)));
    EXPECT_TRUE(client::IsType(*ws->Next(), "welcome"));
    EXPECT_TRUE(IsErrorFrame(ws->Next(), "too_large"));
    EXPECT_EQ(ws->WaitForClose(), 4000);
  }
  EXPECT_TRUE(IsAlive(*MustConnect(alice)));
}

// --- Garbage after hello --------------------------------------------------------------------

TEST_F(BadInputTest, GarbageFramesGetErrorsAndTheSessionSurvives) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  std::unique_ptr<WsClient> alice_ws = MustConnect(alice);
  std::unique_ptr<WsClient> bob_ws = MustConnect(bob);
  AddBystanders();
  const std::string to_bob = std::to_string(bob.id);
  struct Case {
    std::string label;
    std::string frame;
    std::string code;
    std::optional<std::string> req;
    std::optional<std::string> id;
  };
  const std::vector<Case> cases = {
      {"not JSON", "not json at all", "malformed"},
      {"truncated JSON", R"({"type":"ping","req":"t)", "malformed"},
      {"empty frame", "", "malformed"},
      {"JSON array", R"([{"type":"ping","req":"a1"}])", "malformed"},
      {"JSON number", "42", "malformed"},
      {"JSON string", R"("ping")", "malformed"},
      {"JSON null", "null", "malformed"},
      {"object without type", R"({"req":"n1"})", "malformed", "n1"},
      {"type not a string", R"({"type":7,"req":"n2"})", "malformed", "n2"},
      {"type null", R"({"type":null,"req":"n3"})", "malformed", "n3"},
      {"unknown type", R"({"type":"bogus","req":"u1"})", "unknown_type", "u1"},
      {"unknown type without req", R"({"type":"dance"})", "unknown_type"},
      {"type in the wrong case", R"({"type":"PING","req":"u2"})", "unknown_type", "u2"},
      {"req not a string", R"({"type":"ping","req":5})", "malformed"},
      {"second hello", client::HelloFrame(alice.token, {}), "malformed"},
      {"cursors without a hello announcing them", R"({"type":"cursors","cursors":[],"req":"c1"})",
       "malformed", "c1"},
      {"send: to is a string", R"({"type":"send","id":"s1","to":")" + to_bob + R"(","text":"x"})",
       "malformed", std::nullopt, "s1"},
      {"send: to is a float", R"({"type":"send","id":"s2","to":1.5,"text":"x"})", "malformed",
       std::nullopt, "s2"},
      {"send: text missing", R"({"type":"send","id":"s3","to":)" + to_bob + "}", "malformed",
       std::nullopt, "s3"},
      {"send: text a number", R"({"type":"send","id":"s4","to":)" + to_bob + R"(,"text":4})",
       "malformed", std::nullopt, "s4"},
      {"send: text an object",
       R"({"type":"send","id":"s5","to":)" + to_bob + R"(,"text":{"t":"x"}})", "malformed",
       std::nullopt, "s5"},
      {"send: id missing", R"({"type":"send","to":)" + to_bob + R"(,"text":"x"})", "malformed"},
      {"send: id a number", R"({"type":"send","id":6,"to":)" + to_bob + R"(,"text":"x"})",
       "malformed"},
      // The doc says "exactly one of the two" but not which code breaking it gets; the server
      // answers invalid_argument (well-formed but unacceptable).
      {"send: neither to nor conversation_id", R"({"type":"send","id":"s7","text":"x"})",
       "invalid_argument", std::nullopt, "s7"},
      {"send: both to and conversation_id",
       R"({"type":"send","id":"s7b","conversation_id":1,"to":)" + to_bob + R"(,"text":"x"})",
       "invalid_argument", std::nullopt, "s7b"},
      {"send: conversation_id a string",
       R"({"type":"send","id":"s8","conversation_id":"1","text":"x"})", "malformed", std::nullopt,
       "s8"},
      {"send: empty text", R"({"type":"send","id":"s9","to":)" + to_bob + R"(,"text":""})",
       "invalid_argument", std::nullopt, "s9"},
      {"send: 2^64 user id", R"({"type":"send","id":"s10","to":18446744073709551616,"text":"x"})",
       "malformed", std::nullopt, "s10"},
      {"history: conversation_id missing", R"({"type":"history","req":"h1"})", "malformed", "h1"},
      {"history: conversation_id a string",
       R"({"type":"history","req":"h2","conversation_id":"3"})", "malformed", "h2"},
      {"history: limit a string",
       R"({"type":"history","req":"h3","conversation_id":1,"limit":"5"})", "malformed", "h3"},
      {"read: seq missing", R"({"type":"read","req":"r1","conversation_id":1})", "malformed", "r1"},
      {"delivered: seq a string",
       R"({"type":"delivered","req":"r2","conversation_id":1,"seq":"1"})", "malformed", "r2"},
      {"deeply nested JSON", Repeat("[", 10000), "malformed"},
      {"nesting inside an object",
       R"({"type":"ping","req":"d1","x":)" + Repeat("[", 100) + Repeat("]", 100) + "}", "malformed",
       "d1"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    ASSERT_TRUE(IsOk(alice_ws->SendRaw(c.frame)));
    EXPECT_TRUE(IsErrorFrame(alice_ws->Next(), c.code, c.req, c.id));
    ASSERT_TRUE(IsAlive(*alice_ws));
  }
  EXPECT_TRUE(Chats(*alice_ws, *bob_ws, bob, "after all that garbage"));
  EXPECT_TRUE(BystandersChat());
  // None of the rejected sends was stored: bob got exactly one message.
  Result<json> conversations = ApiFor(server(), &bob)->Conversations();
  ASSERT_TRUE(IsOk(conversations));
  ASSERT_EQ(conversations->size(), 1u);
  EXPECT_EQ((*conversations)[0]["last_seq"], 1);
}

// RFC 6455 section 8.1: a text frame that is not UTF-8 fails the connection (close 1007).
// Invalid UTF-8 spelled inside JSON (a lone surrogate escape) is the server's to judge: it is
// `malformed` and that session survives.
TEST_F(BadInputTest, InvalidUtf8TextFrameFailsOnlyThatConnection) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  TestUser carol = MustCreate("erin");
  std::unique_ptr<WsClient> alice_ws = MustConnect(alice);
  std::unique_ptr<WsClient> bob_ws = MustConnect(bob);
  std::unique_ptr<WsClient> carol_ws = MustConnect(carol);
  // The client library sends these bytes as they are, in a text frame.
  const std::string invalid = R"({"type":"send","id":"bad-utf8","to":)" + std::to_string(bob.id) +
                              R"(,"text":"a)" + "\xff\xfe" + R"(b"})";
  ASSERT_TRUE(IsOk(alice_ws->SendRaw(invalid)));
  EXPECT_EQ(alice_ws->WaitForClose(), 1007);

  const std::string lone_surrogate = R"({"type":"send","id":"surrogate","to":)" +
                                     std::to_string(carol.id) + R"(,"text":"a\ud800b","req":"s1"})";
  ASSERT_TRUE(IsOk(bob_ws->SendRaw(lone_surrogate)));
  Result<json> reply = bob_ws->WaitForType("error");
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ((*reply)["code"], "malformed") << reply->dump();
  EXPECT_TRUE(IsAlive(*bob_ws));
  EXPECT_TRUE(Chats(*bob_ws, *carol_ws, carol, "valid again"));
}

TEST_F(BadInputTest, BinaryFrameIsMalformedAndTheSessionSurvives) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  std::unique_ptr<WsClient> bob_ws = MustConnect(bob);
  Result<RawWebSocket> ws = RawConnect(alice);
  ASSERT_TRUE(IsOk(ws));
  // A binary frame carrying a perfectly good ping is still not a JSON text frame.
  ASSERT_TRUE(ws->SendFrame(kBinary, client::PingFrame("b1")));
  Result<json> reply = ws->ReadJson();
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ((*reply)["type"], "error") << reply->dump();
  EXPECT_EQ((*reply)["code"], "malformed") << reply->dump();
  ASSERT_TRUE(ws->SendFrame(kBinary, std::string("\x00\x01\x02\xff", 4)));
  reply = ws->ReadJson();
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ((*reply)["code"], "malformed") << reply->dump();
  EXPECT_TRUE(IsAlive(*ws));
  // And the session can still send.
  ASSERT_TRUE(ws->SendText(client::SendToUserFrame("after-binary", bob.id, "hi")));
  Result<json> ack = ws->ReadJson();
  ASSERT_TRUE(IsOk(ack));
  EXPECT_EQ((*ack)["type"], "ack") << ack->dump();
  EXPECT_TRUE(IsOk(bob_ws->WaitForType("message")));
}

// --- Limits -----------------------------------------------------------------------------------

TEST_F(BadInputTest, TextOverTheLimitIsTooLargeAndTheSessionSurvives) {
  ASSERT_NO_FATAL_FAILURE(
      StartServer({"--max-text-bytes", "1000", "--max-upload-bytes", "5000000"}));
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  client::SyncResult sync;
  Result<std::unique_ptr<WsClient>> alice_ws = ConnectUser(server(), alice, {}, &sync);
  ASSERT_TRUE(IsOk(alice_ws));
  EXPECT_EQ(sync.welcome["limits"]["max_text_bytes"], 1000);
  EXPECT_EQ(sync.welcome["limits"]["max_upload_bytes"], 5000000);
  std::unique_ptr<WsClient> bob_ws = MustConnect(bob);
  struct Case {
    std::string label;
    std::string text;
    bool fits;
  };
  const std::vector<Case> cases = {
      {"1001 ASCII bytes", Repeat("a", 1001), false},
      {"501 two-byte characters (1002 bytes)", Repeat("é", 501), false},
      {"251 emoji (1004 bytes)", Repeat("🙂", 251), false},
      {"10 KB", Repeat("z", 10240), false},
      {"1000 ASCII bytes", Repeat("a", 1000), true},
      {"500 two-byte characters", Repeat("é", 500), true},
      {"250 emoji", Repeat("🙂", 250), true},
  };
  int index = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    const std::string id = "t-" + std::to_string(++index);
    ASSERT_TRUE(IsOk((*alice_ws)->SendRaw(client::SendToUserFrame(id, bob.id, c.text))));
    Result<json> reply = (*alice_ws)->Next();
    if (c.fits) {
      ASSERT_TRUE(IsOk(reply));
      EXPECT_EQ((*reply)["type"], "ack") << reply->dump();
      Result<json> message = bob_ws->WaitForType("message");
      ASSERT_TRUE(IsOk(message));
      EXPECT_EQ((*message)["text"], c.text);
    } else {
      EXPECT_TRUE(IsErrorFrame(reply, "too_large", std::nullopt, id));
    }
    EXPECT_TRUE(IsAlive(**alice_ws));
  }
}

TEST_F(BadInputTest, FrameOverTheLimitIsClosed1009) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--max-frame-bytes", "4096"}));
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  AddBystanders();
  std::unique_ptr<WsClient> bob_ws = MustConnect(bob);
  // A frame of exactly the limit is fine.
  auto frame_of_size = [&](std::string_view id, size_t size) {
    const size_t base = client::SendToUserFrame(id, bob.id, "").size();
    return client::SendToUserFrame(id, bob.id, std::string(size - base, 'a'));
  };
  {
    std::unique_ptr<WsClient> ws = MustConnect(alice);
    const std::string exact = frame_of_size("exact", 4096);
    ASSERT_EQ(exact.size(), 4096u);
    ASSERT_TRUE(IsOk(ws->SendRaw(exact)));
    Result<json> ack = ws->Next();
    ASSERT_TRUE(IsOk(ack));
    EXPECT_EQ((*ack)["type"], "ack") << ack->dump();
  }
  for (size_t size : {size_t{4097}, size_t{200000}}) {
    SCOPED_TRACE(size);
    std::unique_ptr<WsClient> ws = MustConnect(alice);
    const std::string big = frame_of_size("big-" + std::to_string(size), size);
    ws->SendRaw(big);  // may fail when the server closes before it is all written
    // The server sends close 1009 (the raw variant below checks the code), then drops the TCP
    // connection without reading the frame, so the peer may see a reset right after the close
    // frame. WsClient then reports 1006 although a 1009 close frame arrived: a client library
    // limitation (WsConnection ignores ws_.reason() when the transport fails after the close
    // frame), not a server one, so either code is accepted here.
    const int code = ws->WaitForClose();
    EXPECT_TRUE(code == 1009 || code == 1006) << code;
    EXPECT_TRUE(BystandersChat());
  }
  // The same over a raw socket, whatever the client library does.
  for (size_t size : {size_t{4097}, size_t{200000}}) {
    SCOPED_TRACE(size);
    Result<RawWebSocket> raw = RawConnect(alice);
    ASSERT_TRUE(IsOk(raw));
    raw->SendText(frame_of_size("raw-" + std::to_string(size), size));
    std::vector<json> frames;
    EXPECT_EQ(raw->WaitForClose(kRawTimeout, &frames), 1009) << json(frames).dump();
  }
  // A frame header announcing 1 TB: closed without waiting for the payload.
  Result<RawWebSocket> raw = RawConnect(alice);
  ASSERT_TRUE(IsOk(raw));
  std::string header = EncodeClientFrame(kText, "");
  header[1] = static_cast<char>(0x80 | 127);
  header.insert(2, std::string("\x00\x00\x01\x00\x00\x00\x00\x00", 8));
  ASSERT_TRUE(raw->socket().WriteAll(header));
  EXPECT_EQ(raw->WaitForClose(), 1009);
  // Nothing big was stored; everyone else carries on.
  EXPECT_TRUE(BystandersChat());
  EXPECT_TRUE(Chats(*MustConnect(alice), *bob_ws, bob, "small"));
  EXPECT_TRUE(Healthy(server()));
}

TEST_F(BadInputTest, SendErrorsEchoTheIdAndTheSessionSurvives) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  AddBystanders();
  std::unique_ptr<WsClient> alice_ws = MustConnect(alice);
  std::unique_ptr<WsClient> bob_ws = MustConnect(bob);
  // carol and dave have a conversation alice is not in.
  Result<json> theirs = bystanders_.carol_ws->SendToUser(bystanders_.dave.id, "private");
  ASSERT_TRUE(IsOk(theirs));
  const int64_t their_conversation = (*theirs)["conversation_id"];

  struct Case {
    std::string label;
    std::string frame;
    std::string code;
    std::optional<std::string> req;
    std::optional<std::string> id;
  };
  const std::string c = std::to_string(their_conversation);
  const std::vector<Case> cases = {
      {"to a nonexistent user", client::SendToUserFrame("e1", 987654321, "hi"), "not_found",
       std::nullopt, "e1"},
      {"to the largest user id", client::SendToUserFrame("e2", INT64_MAX, "hi"), "not_found",
       std::nullopt, "e2"},
      {"to oneself", client::SendToUserFrame("e3", alice.id, "hi"), "invalid_argument",
       std::nullopt, "e3"},
      {"into someone else's conversation",
       client::SendToConversationFrame("e4", their_conversation, "hi"), "not_found", std::nullopt,
       "e4"},
      {"into a nonexistent conversation", client::SendToConversationFrame("e5", 987654321, "hi"),
       "not_found", std::nullopt, "e5"},
      {"read in someone else's conversation",
       R"({"type":"read","req":"r1","conversation_id":)" + c + R"(,"seq":1})", "not_found", "r1"},
      {"delivered in someone else's conversation",
       R"({"type":"delivered","req":"r2","conversation_id":)" + c + R"(,"seq":1})", "not_found",
       "r2"},
      {"history of someone else's conversation",
       R"({"type":"history","req":"h1","conversation_id":)" + c + "}", "not_found", "h1"},
      // An empty id cannot tell the answer apart, so none is echoed (docs/protocol.md, "error").
      {"an empty id", client::SendToUserFrame("", bob.id, "hi"), "invalid_argument", std::nullopt,
       std::nullopt},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.label);
    ASSERT_TRUE(IsOk(alice_ws->SendRaw(k.frame)));
    EXPECT_TRUE(IsErrorFrame(alice_ws->Next(), k.code, k.req, k.id));
    EXPECT_TRUE(IsAlive(*alice_ws));
  }
  EXPECT_TRUE(Chats(*alice_ws, *bob_ws, bob, "a real message"));
  // carol and dave's conversation holds only their message and saw no receipt from alice.
  Result<json> history = ApiFor(server(), &bystanders_.dave)->History(their_conversation);
  ASSERT_TRUE(IsOk(history));
  EXPECT_EQ((*history)["messages"].size(), 1u) << history->dump();
  EXPECT_TRUE(BystandersChat());
}

// Floods use these limits: a burst of 10 frames, then 5 per second.
const std::vector<std::string> kFloodLimits = {"--max-frames-per-second", "5", "--frame-burst",
                                               "10"};

TEST_F(BadInputTest, FloodGetsRateLimitedThenClosed4029) {
  ASSERT_NO_FATAL_FAILURE(StartServer(kFloodLimits));
  TestUser alice = MustCreate("alice");
  AddBystanders();
  ASSERT_TRUE(BystandersChat());
  Result<RawWebSocket> ws = RawConnect(alice);
  ASSERT_TRUE(IsOk(ws));
  // 200 pings in one write, without reading anything.
  std::string blast;
  for (int i = 0; i < 200; ++i)
    blast += EncodeClientFrame(kText, client::PingFrame("f" + std::to_string(i)));
  ASSERT_TRUE(ws->socket().WriteAll(blast));
  ASSERT_TRUE(BystandersChat());

  std::vector<json> frames;
  EXPECT_EQ(ws->WaitForClose(kRawTimeout, &frames), 4029);
  int pongs = 0, limited = 0;
  for (const json& f : frames) {
    if (client::IsType(f, "pong")) ++pongs;
    if (client::IsType(f, "error")) {
      EXPECT_EQ(f["code"], "rate_limited") << f.dump();
      ++limited;
    }
  }
  EXPECT_GE(pongs, 1);
  EXPECT_LE(pongs, 199);
  EXPECT_GE(limited, 1);
  EXPECT_EQ(pongs + limited, static_cast<int>(frames.size()));
  // Everyone else is unaffected, and alice can come back.
  EXPECT_TRUE(BystandersChat());
  EXPECT_TRUE(BystandersChat());
  EXPECT_TRUE(Healthy(server()));
  EXPECT_TRUE(IsAlive(*MustConnect(alice)));
}

// 6 times the limit of 5 frames/s: few enough rejections in a row never to pass the burst, so
// only the flood's length (3 s) closes it; meanwhile the errors stay few (20, then 1 a second).
TEST_F(BadInputTest, SustainedFloodIsClosed4029AndItsErrorsAreFew) {
  ASSERT_NO_FATAL_FAILURE(StartServer(kFloodLimits));
  TestUser alice = MustCreate("alice");
  AddBystanders();
  Result<RawWebSocket> ws = RawConnect(alice);
  ASSERT_TRUE(IsOk(ws));
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  int sent = 0, errors = 0, dropped_counted = 0, close_code = 0;
  while (close_code == 0 && Clock::now() - start < std::chrono::seconds(10)) {
    if (ws->SendText(client::PingFrame("f" + std::to_string(sent)))) ++sent;
    const Clock::time_point tick_end = Clock::now() + std::chrono::milliseconds(33);  // 30/s
    while (close_code == 0 && Clock::now() < tick_end) {
      Result<RawFrame> frame = ws->ReadFrame(std::chrono::duration_cast<std::chrono::milliseconds>(
          tick_end - Clock::now() + std::chrono::milliseconds(1)));
      if (!frame.ok()) {
        if (ws->end() != ReadEnd::kTimeout) close_code = 1006;
        break;
      }
      if (frame->opcode == kClose) {
        close_code = (static_cast<unsigned char>(frame->payload[0]) << 8) |
                     static_cast<unsigned char>(frame->payload[1]);
        break;
      }
      const json f = json::parse(frame->payload, nullptr, false);
      if (client::IsType(f, "error")) {
        EXPECT_EQ(f["code"], "rate_limited") << f.dump();
        ++errors;
        dropped_counted += f.value("dropped", 0);
      }
    }
  }
  const auto lasted = Clock::now() - start;
  std::printf(
      "[ flood    ] %d frames in %lld ms: %d errors (+%d counted), close %d\n", sent,
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(lasted).count()),
      errors, dropped_counted, close_code);
  EXPECT_EQ(close_code, 4029);
  EXPECT_GE(lasted, std::chrono::seconds(3));
  EXPECT_LT(lasted, std::chrono::seconds(6));
  EXPECT_GE(errors, 20);
  EXPECT_LE(errors, 26);
  EXPECT_GT(sent, 70);
  EXPECT_TRUE(BystandersChat());
  EXPECT_TRUE(Healthy(server()));
}

TEST_F(BadInputTest, RateLimitedFramesGetErrorsEchoingReqAndId) {
  ASSERT_NO_FATAL_FAILURE(StartServer(kFloodLimits));
  TestUser alice = MustCreate("alice");
  TestUser bob = MustCreate("bob");
  std::unique_ptr<WsClient> bob_ws = MustConnect(bob);
  Result<RawWebSocket> ws = RawConnect(alice);
  ASSERT_TRUE(IsOk(ws));
  // 13 sends at once: the burst of 10 is admitted, the rest are dropped with rate_limited (not
  // enough in a row to be closed). Every send gets exactly one answer carrying its id.
  std::string blast;
  std::set<std::string> ids;
  for (int i = 0; i < 13; ++i) {
    const std::string id = "m-" + std::to_string(i);
    ids.insert(id);
    blast += EncodeClientFrame(kText, client::SendToUserFrame(id, bob.id, "burst " + id));
  }
  ASSERT_TRUE(ws->socket().WriteAll(blast));
  std::map<std::string, std::string> answers;  // id -> "ack" or the error code
  int anonymous_errors = 0;
  while (answers.size() + anonymous_errors < ids.size()) {
    Result<json> frame = ws->ReadJson();
    ASSERT_TRUE(IsOk(frame)) << answers.size() << " answers so far";
    if (client::IsType(*frame, "ack")) {
      answers[(*frame)["id"]] = "ack";
    } else if (client::IsType(*frame, "error")) {
      EXPECT_EQ((*frame)["code"], "rate_limited") << frame->dump();
      if (frame->contains("id")) {
        answers[(*frame)["id"]] = (*frame)["code"];
      } else {
        ++anonymous_errors;
      }
    }
  }
  EXPECT_EQ(anonymous_errors, 0) << "rate_limited errors for sends must carry the send's id";
  int acks = 0;
  for (const auto& [id, answer] : answers) acks += answer == "ack" ? 1 : 0;
  EXPECT_GE(acks, 10);
  EXPECT_LT(acks, 13);

  // Pings dropped the same way echo their req.
  std::string pings;
  for (int i = 0; i < 3; ++i)
    pings += EncodeClientFrame(kText, client::PingFrame("q" + std::to_string(i)));
  ASSERT_TRUE(ws->socket().WriteAll(pings));
  int answered = 0;
  while (answered < 3) {
    Result<json> frame = ws->ReadJson();
    ASSERT_TRUE(IsOk(frame));
    if (client::IsType(*frame, "ack")) continue;  // a late one from above
    ++answered;
    if (client::IsType(*frame, "error")) {
      EXPECT_EQ((*frame)["code"], "rate_limited");
      EXPECT_TRUE(frame->contains("req"))
          << "rate_limited error without the ping's req: " << frame->dump();
    }
  }
  // The session continues: once the bucket refills (5 per second), a ping gets its pong. Poll
  // with a bounded number of pings, well under the burst of rejections that would close it.
  bool ponged = false;
  for (int attempt = 0; attempt < 8 && !ponged; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    const std::string req = "alive-" + std::to_string(attempt);
    ASSERT_TRUE(ws->SendText(client::PingFrame(req)));
    for (;;) {
      Result<json> frame = ws->ReadJson();
      ASSERT_TRUE(IsOk(frame));
      if (client::IsType(*frame, "pong") && (*frame)["req"] == req) {
        ponged = true;
        break;
      }
      if (client::IsType(*frame, "error")) break;
    }
  }
  EXPECT_TRUE(ponged);
}

// Reads /proc/sys/net/ipv4/tcp_wmem's maximum: the most the kernel may buffer for a socket.
size_t MaxSocketSendBuffer() {
  std::ifstream in("/proc/sys/net/ipv4/tcp_wmem");
  size_t low = 0, initial = 0, max = 0;
  if (in >> low >> initial >> max) return max;
  return size_t{4} << 20;
}

TEST_F(BadInputTest, SlowConsumerIsDisconnectedAndEveryoneElseCarriesOn) {
  ASSERT_NO_FATAL_FAILURE(
      StartServer({"--max-outgoing-bytes", "65536", "--fsync", "normal", "--max-frames-per-second",
                   "100000", "--frame-burst", "100000"}));
  TestUser slow = MustCreate("slow");
  TestUser sender = MustCreate("sender");
  AddBystanders();
  // The slow peer completes the handshake and hello, then never reads again.
  Result<RawWebSocket> slow_ws = RawConnect(slow, /*receive_buffer=*/4096);
  ASSERT_TRUE(IsOk(slow_ws));
  std::unique_ptr<WsClient> sender_ws = MustConnect(sender);

  // Send more than every buffer between the server and the slow peer can hold: its queue limit,
  // the server's socket send buffer at its largest, the peer's receive buffer.
  const std::string text(16000, 's');
  const size_t must_send = MaxSocketSendBuffer() + 65536 + (1u << 20);
  size_t sent_bytes = 0;
  int batch_index = 0;
  json last_ack;
  while (sent_bytes < must_send) {
    std::vector<std::string> ids;
    for (int i = 0; i < 32; ++i) {
      ids.push_back("slow-" + std::to_string(batch_index) + "-" + std::to_string(i));
      ASSERT_TRUE(IsOk(sender_ws->SendRaw(client::SendToUserFrame(ids.back(), slow.id, text))));
      sent_bytes += text.size();
    }
    ++batch_index;
    for (const std::string& id : ids) {
      Result<json> ack = sender_ws->WaitFor([&id](const json& f) {
        return (client::IsType(f, "ack") || client::IsType(f, "error")) && f.value("id", "") == id;
      });
      ASSERT_TRUE(IsOk(ack));
      ASSERT_EQ((*ack)["type"], "ack") << ack->dump();
      last_ack = *ack;
    }
  }
  // The server stayed responsive throughout.
  EXPECT_TRUE(Healthy(server()));
  EXPECT_TRUE(BystandersChat());
  EXPECT_TRUE(BystandersChat());
  EXPECT_TRUE(IsAlive(*sender_ws));

  // The slow peer was disconnected: reading what was buffered ends with the close frame 4008
  // (after the frame that was being written; the rest of the queue was dropped), not in a
  // connection that stays open.
  int close_code = 0;
  size_t received = 0;
  for (;;) {
    Result<RawFrame> frame = slow_ws->ReadFrame(std::chrono::seconds(10));
    if (!frame.ok()) break;
    received += frame->payload.size();
    if (frame->opcode == kClose) {
      close_code = (static_cast<unsigned char>(frame->payload[0]) << 8) |
                   static_cast<unsigned char>(frame->payload[1]);
    }
  }
  EXPECT_NE(slow_ws->end(), ReadEnd::kTimeout)
      << "the slow peer's connection is still open after " << received << " bytes";
  EXPECT_LT(received, sent_bytes);
  // It reads again within the close grace period, so the close frame reaches it.
  EXPECT_EQ(close_code, 4008);

  // The slow user can reconnect (stating it has everything: a replay of these 16 KB messages
  // would not fit this test's tiny queue) and gets the next message live.
  const client::Cursor have{last_ack["conversation_id"].get<int64_t>(),
                            last_ack["seq"].get<int64_t>()};
  Result<std::unique_ptr<WsClient>> again =
      ConnectUser(server(), slow, std::span<const client::Cursor>(&have, 1));
  ASSERT_TRUE(IsOk(again));
  EXPECT_TRUE(Chats(*sender_ws, **again, slow, "are you back?"));
  EXPECT_TRUE(BystandersChat());
}

// A device that was offline gets every missed message (up to the sync limit per conversation)
// on hello, however large that replay is: it reads as fast as it can, so it is no slow consumer.
// Here two conversations of 200 messages of 16 KB (6.5 MB) exceed the default 4 MiB outgoing
// queue.
TEST_F(BadInputTest, LargeCatchUpIsNotASlowConsumer) {
  ASSERT_NO_FATAL_FAILURE(StartServer(
      {"--fsync", "normal", "--max-frames-per-second", "100000", "--frame-burst", "100000"}));
  TestUser away = MustCreate("away");
  const std::string text(16000, 'c');
  std::map<int64_t, int64_t> last_seq;  // conversation -> seq
  for (std::string_view name : {"sender1", "sender2"}) {
    TestUser sender = MustCreate(name);
    std::unique_ptr<WsClient> ws = MustConnect(sender);
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(
          IsOk(ws->SendRaw(client::SendToUserFrame("m" + std::to_string(i), away.id, text))));
    }
    for (int i = 0; i < 200; ++i) {
      Result<json> ack = ws->WaitForType("ack");
      ASSERT_TRUE(IsOk(ack));
      last_seq[(*ack)["conversation_id"]] =
          std::max<int64_t>(last_seq[(*ack)["conversation_id"]], (*ack)["seq"].get<int64_t>());
    }
  }
  client::SyncResult sync;
  Result<std::unique_ptr<WsClient>> ws = ConnectUser(server(), away, {}, &sync);
  ASSERT_TRUE(IsOk(ws)) << "a device catching up on " << 2 * 200 << " messages of " << text.size()
                        << " bytes was disconnected";
  EXPECT_EQ(sync.messages.size(), 400u);
  ASSERT_TRUE(sync.synced.contains("conversations"));
  for (const json& conversation : sync.synced["conversations"]) {
    EXPECT_EQ(conversation["last_seq"], last_seq[conversation["conversation_id"]]);
    EXPECT_EQ(conversation["complete"], true);
  }
  EXPECT_TRUE(IsAlive(**ws));
}

// --- Malformed HTTP ---------------------------------------------------------------------------

// An HTTP error response with this status and the body {"error":{"code","message"}}.
::testing::AssertionResult IsHttpError(const Result<RawHttpResponse>& response, int status,
                                       std::string_view code) {
  if (!response.ok()) {
    return ::testing::AssertionFailure()
           << "no response: " << client::FormatStatus(response.status());
  }
  const json& body = response->body;
  if (response->status == status && body.is_object() && body.contains("error") &&
      body["error"].is_object() && body["error"].value("code", "") == code &&
      body["error"].contains("message") && body["error"]["message"].is_string()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected " << status << " " << code << ", got " << response->head << "\n"
         << response->raw_body;
}

std::string WithBody(std::string_view method, std::string_view target, std::string_view body,
                     std::string_view extra_headers = "") {
  return std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
         "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + std::string(extra_headers) + "\r\n" + std::string(body);
}

TEST_F(BadInputTest, MalformedHttpGetsErrorsAndTheServerCarriesOn) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--max-body-bytes", "1024"}));
  TestUser alice = MustCreate("alice");
  struct Case {
    std::string label;
    std::string request;
    int status;
    std::string code;
  };
  const std::string register_ok = R"({"username":"zed","password":"correct horse battery"})";
  const std::vector<Case> cases = {
      {"garbage request line", "GARBAGE\r\n\r\n", 400, "malformed"},
      {"binary junk", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 15), 400,
       "malformed"},
      {"bad HTTP version", "GET /healthz HTTP/9\r\nHost: x\r\n\r\n", 400, "malformed"},
      {"header without colon", "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", 400, "malformed"},
      {"header too large",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n", 413,
       "too_large"},
      {"body over --max-body-bytes",
       WithBody("POST", "/api/v1/accounts", std::string(2000, ' ') + register_ok), 413,
       "too_large"},
      {"Content-Length over --max-body-bytes, no body",
       "POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n", 413,
       "too_large"},
      {"Content-Length not a number",
       "POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n", 400,
       "malformed"},
      {"two different Content-Lengths",
       "POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n"
       "\r\nabcdef",
       400, "malformed"},
      {"body not JSON", WithBody("POST", "/api/v1/accounts", "username=zed&password=x"), 400,
       "malformed"},
      {"body invalid UTF-8",
       WithBody("POST", "/api/v1/accounts",
                "{\"username\":\"z\xff\",\"password\":\"correct horse\"}"),
       400, "malformed"},
      {"login JSON with wrong types",
       WithBody("POST", "/api/v1/sessions", R"({"username":1,"password":2})"), 400, "malformed"},
      {"register JSON with wrong types",
       WithBody("POST", "/api/v1/accounts", R"({"username":["zed"],"password":true})"), 400,
       "malformed"},
      {"password change JSON with wrong types",
       WithBody("PUT", "/api/v1/account/password", R"({"old_password":1,"new_password":2})",
                "Authorization: Bearer " + alice.token + "\r\n"),
       400, "malformed"},
      {"deeply nested body", WithBody("POST", "/api/v1/sessions", Repeat("[", 1000)), 400,
       "malformed"},
      {"bad percent-encoding",
       "GET /api/v1/users/%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + alice.token +
           "\r\n\r\n",
       400, "malformed"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_TRUE(IsHttpError(RawHttpExchange(server().port(), c.request), c.status, c.code));
    ASSERT_TRUE(Healthy(server()));
  }
  // None of them registered anyone.
  Result<client::User> zed = ApiFor(server(), &alice)->LookupUser("zed");
  EXPECT_EQ(zed.status().code(), Code::kNotFound);
}

TEST_F(BadInputTest, TruncatedRequestsDoNotHangTheServer) {
  ASSERT_NO_FATAL_FAILURE(StartServer({"--max-body-bytes", "1024"}));
  // A body shorter than its Content-Length, then the client closes its side: the server ends
  // the connection (with or without an error response) and carries on.
  for (const std::string& request :
       {std::string("POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
                    "{\"username\":"),
        std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Half: "), std::string("GET /hea")}) {
    SCOPED_TRACE(request);
    Result<RawSocket> socket = RawSocket::Connect(server().port());
    ASSERT_TRUE(IsOk(socket));
    ASSERT_TRUE(socket->WriteAll(request));
    socket->ShutdownWrite();
    const ReadEnd end = socket->DrainToEnd();
    EXPECT_NE(end, ReadEnd::kTimeout);
    ASSERT_TRUE(Healthy(server()));
  }
  // Many connections left open mid-request do not stop others from being served.
  std::vector<RawSocket> stalled;
  for (int i = 0; i < 50; ++i) {
    Result<RawSocket> socket = RawSocket::Connect(server().port());
    ASSERT_TRUE(IsOk(socket));
    ASSERT_TRUE(socket->WriteAll(
        "POST /api/v1/accounts HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"));
    stalled.push_back(std::move(socket).value());
  }
  EXPECT_TRUE(Healthy(server()));
  TestUser alice = MustCreate("alice");
  EXPECT_TRUE(IsAlive(*MustConnect(alice)));
}

TEST_F(BadInputTest, WebSocketUpgradeToAnotherPathIs404) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  for (std::string_view path : {"/", "/api/v1/ws", "/wss", "/ws/", "/socket"}) {
    SCOPED_TRACE(path);
    RawHttpResponse response;
    Result<RawWebSocket> ws = RawWebSocket::Open(server().port(), path, 0, &response);
    ASSERT_TRUE(IsOk(ws));
    EXPECT_EQ(ws->status(), 404);
    EXPECT_TRUE(IsHttpError(Result<RawHttpResponse>(response), 404, "not_found"));
  }
  // /ws itself upgrades, with a query string or without (the query is ignored).
  for (std::string_view path : {"/ws", "/ws?v=1", "/ws?"}) {
    SCOPED_TRACE(path);
    Result<RawWebSocket> ws = RawWebSocket::Open(server().port(), path);
    ASSERT_TRUE(IsOk(ws));
    EXPECT_EQ(ws->status(), 101);
  }
  RawHttpResponse response;
  Result<RawWebSocket> other = RawWebSocket::Open(server().port(), "/wsx?v=1", 0, &response);
  ASSERT_TRUE(IsOk(other));
  EXPECT_EQ(other->status(), 404);
  EXPECT_TRUE(Healthy(server()));
}

}  // namespace
}  // namespace parley::e2e
