// XMPP history and devices: @xmpp/client (tests/peers/xmpp_history.mjs) reads a direct
// conversation with a native Parley user through XEP-0313 (MAM) in pages, as the WebSocket
// history shows it (edits, deletions), catches up on what arrived while it was away, gets
// carbons (XEP-0280) of what the user sent from other devices, and gets clear errors for bad
// requests without losing its stream (docs/xmpp.md, "MAM", "Carbons").
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "base/clock.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/xmpp_friends_fixture.h"
#include "xmpp/xmpp_time.h"

namespace parley::e2e {
namespace {

using json = nlohmann::json;

class XmppHistoryTest : public XmppFriendsFixture {
 protected:
  void SetUp() override { StartWithFriends({.extra_args = {"--xmpp-domain", "localhost"}}); }

  std::unique_ptr<PeerProcess> StartPeer(const TestUser& user, std::string resource = "history") {
    auto peer =
        PeerProcess::Start({PARLEY_NODE_PATH, "xmpp_history.mjs", std::to_string(xmpp_port_),
                            "localhost", user.username, std::string(kTestPassword), resource},
                           PARLEY_PEERS_DIR);
    EXPECT_TRUE(IsOk(peer));
    if (!peer.ok()) return nullptr;
    json online = WaitEvent(**peer, "online");
    EXPECT_FALSE(online.is_null()) << server_->output();
    return online.is_null() ? nullptr : std::move(*peer);
  }

  static json WaitEvent(PeerProcess& peer, std::string_view event,
                        const std::function<bool(const json&)>& also = nullptr) {
    return peer.WaitForLine([&](const json& line) {
      return line.value("event", "") == event && (!also || also(line));
    });
  }

  // Runs one command and waits for its own result (lines are never consumed: a tag tells
  // this command's result from earlier ones).
  static json Run(PeerProcess& peer, json command) {
    static int tags = 0;
    command["tag"] = ++tags;
    peer.WriteLine(command.dump());
    return WaitEvent(peer, "result",
                     [&](const json& line) { return line.value("tag", 0) == command["tag"]; });
  }

  // A query of alice's archive with bob.
  static json Mam(PeerProcess& peer, json rsm = nullptr, json fields = json::object()) {
    fields["with"] = "bob@localhost";
    json command = {{"op", "mam"}, {"fields", fields}};
    if (!rsm.is_null()) command["rsm"] = rsm;
    return Run(peer, command);
  }

  static std::vector<std::string> Bodies(const json& result) {
    std::vector<std::string> bodies;
    for (const json& r : result["results"]) {
      bodies.push_back(r["retracted"].get<bool>() ? "(retracted)" : r["body"].get<std::string>());
    }
    return bodies;
  }
};

TEST_F(XmppHistoryTest, MamPagesThroughADirectConversationAsTheNativeHistoryShowsIt) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  // Five messages from bob (the second then edited, the third deleted), one from alice's web
  // app: the archive holds the six as the WebSocket history does.
  const int64_t before_all = NowMillis();
  std::vector<int64_t> seqs;
  int64_t conversation = 0;
  for (int i = 1; i <= 5; ++i) {
    auto ack = (*bob_ws)->SendToUser(alice_.id, "m" + std::to_string(i), "b-" + std::to_string(i));
    ASSERT_TRUE(IsOk(ack));
    seqs.push_back((*ack)["seq"]);
    conversation = (*ack)["conversation_id"];
  }
  const std::string ops = std::to_string(conversation);
  ASSERT_TRUE(IsOk((*bob_ws)->SendAndAwaitAck(
      "e-1", R"({"type":"edit","id":"e-1","conversation_id":)" + ops + R"(,"seq":)" +
                 std::to_string(seqs[1]) + R"(,"text":"m2 fixed"})")));
  ASSERT_TRUE(IsOk(
      (*bob_ws)->SendAndAwaitAck("d-1", R"({"type":"delete","id":"d-1","conversation_id":)" + ops +
                                            R"(,"seq":)" + std::to_string(seqs[2]) + "}")));
  auto alice_ws = ConnectUser(*server_, alice_);
  ASSERT_TRUE(IsOk(alice_ws));
  auto from_alice = (*alice_ws)->SendToUser(bob_.id, "a6 <&>", "a-6");
  ASSERT_TRUE(IsOk(from_alice));
  seqs.push_back((*from_alice)["seq"]);

  auto alice = StartPeer(alice_);
  ASSERT_TRUE(alice);
  json disco = Run(*alice, {{"op", "disco"}});
  ASSERT_TRUE(disco.value("ok", false));
  EXPECT_NE(std::find(disco["features"].begin(), disco["features"].end(), "urn:xmpp:mam:2"),
            disco["features"].end());

  // Without a result set: from the oldest, everything, complete.
  json all = Mam(*alice);
  ASSERT_TRUE(all.value("ok", false)) << all.dump();
  EXPECT_EQ(Bodies(all),
            (std::vector<std::string>{"m1", "m2 fixed", "(retracted)", "m4", "m5", "a6 <&>"}));
  EXPECT_TRUE(all["complete"].get<bool>());
  const json& first = all["results"][0];
  EXPECT_EQ(first["id"], std::to_string(seqs[0]));  // the archive id is the seq (XEP-0359's)
  EXPECT_EQ(first["queryid"], "q1");
  EXPECT_EQ(first["from"], "bob@localhost");
  EXPECT_EQ(first["to"], "alice@localhost");
  EXPECT_EQ(first["msgid"], "b-1");
  EXPECT_TRUE(first["outer_from"].is_null());
  const std::optional<int64_t> stamp = xmpp::ParseDateTime(first["stamp"].get<std::string>());
  ASSERT_TRUE(stamp.has_value());
  EXPECT_GE(*stamp, before_all - 1000);
  EXPECT_LE(*stamp, NowMillis());
  EXPECT_EQ(all["results"][5]["from"], "alice@localhost");
  EXPECT_EQ(all["results"][5]["to"], "bob@localhost");

  // Backwards from the newest in pages of two, as clients page: <before/>, then <before>first.
  json page = Mam(*alice, {{"max", 2}, {"before", ""}});
  ASSERT_TRUE(page.value("ok", false)) << page.dump();
  EXPECT_EQ(Bodies(page), (std::vector<std::string>{"m5", "a6 <&>"}));
  EXPECT_FALSE(page["complete"].get<bool>());
  EXPECT_EQ(page["first"], std::to_string(seqs[4]));
  EXPECT_EQ(page["last"], std::to_string(seqs[5]));
  page = Mam(*alice, {{"max", 2}, {"before", page["first"]}});
  EXPECT_EQ(Bodies(page), (std::vector<std::string>{"(retracted)", "m4"}));
  EXPECT_FALSE(page["complete"].get<bool>());
  page = Mam(*alice, {{"max", 2}, {"before", page["first"]}});
  EXPECT_EQ(Bodies(page), (std::vector<std::string>{"m1", "m2 fixed"}));
  EXPECT_TRUE(page["complete"].get<bool>());

  // Forwards after a seq.
  page = Mam(*alice, {{"max", 2}, {"after", std::to_string(seqs[2])}});
  EXPECT_EQ(Bodies(page), (std::vector<std::string>{"m4", "m5"}));
  EXPECT_FALSE(page["complete"].get<bool>());
  page = Mam(*alice, {{"after", page["last"]}});
  EXPECT_EQ(Bodies(page), (std::vector<std::string>{"a6 <&>"}));
  EXPECT_TRUE(page["complete"].get<bool>());

  // Dates: everything is after an hour ago and nothing ended before it.
  const std::string hour_ago = xmpp::FormatDateTime(before_all - 3'600'000);
  page = Mam(*alice, nullptr, {{"start", hour_ago}});
  EXPECT_EQ(page["results"].size(), 6u);
  page = Mam(*alice, {{"before", ""}}, {{"end", hour_ago}});
  ASSERT_TRUE(page.value("ok", false)) << page.dump();
  EXPECT_TRUE(page["results"].empty());
  EXPECT_TRUE(page["complete"].get<bool>());
  page = Mam(*alice, nullptr, {{"start", xmpp::FormatDateTime(NowMillis() + 60'000)}});
  EXPECT_TRUE(page["results"].empty());
  EXPECT_TRUE(page["complete"].get<bool>());

  // The native history of the same conversation shows the same content messages.
  ASSERT_TRUE(IsOk((*bob_ws)->Send(
      {{"type", "history"}, {"req", "h-1"}, {"conversation_id", conversation}, {"limit", 50}})));
  auto native = (*bob_ws)->WaitFor([](const json& f) { return f.value("req", "") == "h-1"; });
  ASSERT_TRUE(IsOk(native)) << server_->output();
  std::vector<std::string> native_bodies;
  for (const json& m : (*native)["messages"]) {
    if (m.value("kind", "text") != "text") continue;
    native_bodies.push_back(m.value("deleted", false) ? "(retracted)" : m.value("text", ""));
  }
  EXPECT_EQ(native_bodies, Bodies(all)) << native->dump();
}

TEST_F(XmppHistoryTest, WhatArrivedWhileAwayIsReadFromTheArchiveAfterTheLastStanzaId) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto alice = StartPeer(alice_);
  ASSERT_TRUE(alice);
  ASSERT_TRUE(Run(*alice, {{"op", "presence"}}).value("ok", false));
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "while online", "o-1")));
  json live = WaitEvent(*alice, "message", [](const json& m) { return !m["body"].is_null(); });
  ASSERT_FALSE(live.is_null());
  const std::string last_seen = live["stanza_id"];

  // alice's XMPP client goes away; bob writes twice meanwhile.
  alice.reset();
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "while away 1", "o-2")));
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "while away 2", "o-3")));

  // Back: the archive after the last stanza id she saw holds exactly what she missed.
  alice = StartPeer(alice_);
  ASSERT_TRUE(alice);
  ASSERT_TRUE(Run(*alice, {{"op", "presence"}}).value("ok", false));
  json missed = Mam(*alice, {{"after", last_seen}});
  ASSERT_TRUE(missed.value("ok", false)) << missed.dump();
  EXPECT_EQ(Bodies(missed), (std::vector<std::string>{"while away 1", "while away 2"}));
  EXPECT_TRUE(missed["complete"].get<bool>());
  EXPECT_EQ(missed["results"][1]["msgid"], "o-3");
}

TEST_F(XmppHistoryTest, OnlyTheUsersOwnConversationsAndBadQueriesGetClearErrors) {
  auto carol_user = CreateUser(*server_, "carol");
  ASSERT_TRUE(IsOk(carol_user));
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "for alice only", "p-1")));

  // carol is in no conversation with bob: her archive with him is empty, never alice's.
  auto carol = StartPeer(*carol_user);
  ASSERT_TRUE(carol);
  json nothing = Mam(*carol);
  ASSERT_TRUE(nothing.value("ok", false)) << nothing.dump();
  EXPECT_TRUE(nothing["results"].empty());
  EXPECT_TRUE(nothing["complete"].get<bool>());

  auto alice = StartPeer(alice_);
  ASSERT_TRUE(alice);
  struct Case {
    std::string name;
    json command;
    std::string condition;
  };
  const std::vector<Case> cases = {
      {"unknown field",
       {{"op", "mam"}, {"fields", {{"with", "bob@localhost"}, {"fulltext", "x"}}}},
       "bad-request"},
      {"bad date",
       {{"op", "mam"}, {"fields", {{"with", "bob@localhost"}, {"start", "2024-02-30T00:00:00Z"}}}},
       "bad-request"},
      {"huge max",
       {{"op", "mam"}, {"fields", {{"with", "bob@localhost"}}}, {"rsm", {{"max", "1e99"}}}},
       "bad-request"},
      {"overflowing max",
       {{"op", "mam"},
        {"fields", {{"with", "bob@localhost"}}},
        {"rsm", {{"max", "123456789012345678901234567890"}}}},
       "bad-request"},
      {"no with", {{"op", "mam"}}, "feature-not-implemented"},
      {"foreign domain",
       {{"op", "mam"}, {"fields", {{"with", "bob@example.org"}}}},
       "item-not-found"},
      {"no such user",
       {{"op", "mam"}, {"fields", {{"with", "nobody@localhost"}}}},
       "item-not-found"},
      {"with oneself",
       {{"op", "mam"}, {"fields", {{"with", "alice@localhost"}}}},
       "item-not-found"},
      {"id that is no seq",
       {{"op", "mam"}, {"fields", {{"with", "bob@localhost"}}}, {"rsm", {{"after", "abc"}}}},
       "item-not-found"},
      {"before and after",
       {{"op", "mam"},
        {"fields", {{"with", "bob@localhost"}}},
        {"rsm", {{"after", "1"}, {"before", "3"}}}},
       "bad-request"},
      {"unsupported element",
       {{"op", "mam"}, {"fields", {{"with", "bob@localhost"}}}, {"extra", "flip-page"}},
       "bad-request"},
  };
  for (const Case& c : cases) {
    json result = Run(*alice, c.command);
    EXPECT_FALSE(result.value("ok", true)) << c.name;
    EXPECT_EQ(result["condition"], c.condition) << c.name << ": " << result.dump();
    EXPECT_TRUE(result["text"].is_string()) << c.name << ": " << result.dump();
  }
  // The stream went on: the archive still answers.
  json mine = Mam(*alice);
  ASSERT_TRUE(mine.value("ok", false));
  EXPECT_EQ(Bodies(mine), (std::vector<std::string>{"for alice only"}));
}

TEST_F(XmppHistoryTest, CarbonsCopyWhatTheUserSentFromOtherDevices) {
  auto bob_ws = ConnectUser(*server_, bob_);
  auto alice_web = ConnectUser(*server_, alice_);
  ASSERT_TRUE(IsOk(bob_ws) && IsOk(alice_web));
  auto phone = StartPeer(alice_, "phone");
  auto laptop = StartPeer(alice_, "laptop");
  ASSERT_TRUE(phone && laptop);
  json disco = Run(*phone, {{"op", "disco"}});
  EXPECT_NE(std::find(disco["features"].begin(), disco["features"].end(), "urn:xmpp:carbons:2"),
            disco["features"].end());
  ASSERT_TRUE(Run(*phone, {{"op", "carbons"}, {"enable", true}}).value("ok", false));

  // Sent from the web app: the phone gets a <sent/> carbon of it.
  ASSERT_TRUE(IsOk((*alice_web)->SendToUser(bob_.id, "from the web", "w-1")));
  json carbon =
      WaitEvent(*phone, "carbon", [](const json& c) { return c["body"] == "from the web"; });
  ASSERT_FALSE(carbon.is_null()) << server_->output();
  EXPECT_EQ(carbon["from"], "alice@localhost");
  EXPECT_EQ(carbon["original_from"], "alice@localhost");
  EXPECT_EQ(carbon["to"], "bob@localhost");
  EXPECT_EQ(carbon["id"], "w-1");

  // Sent from the other XMPP resource: a carbon too; bob gets the message itself.
  ASSERT_TRUE(
      Run(*laptop,
          {{"op", "send"}, {"to", "bob@localhost"}, {"body", "from the laptop"}, {"id", "l-1"}})
          .value("ok", false));
  carbon =
      WaitEvent(*phone, "carbon", [](const json& c) { return c["body"] == "from the laptop"; });
  ASSERT_FALSE(carbon.is_null());
  EXPECT_EQ(carbon["id"], "l-1");
  auto at_bob =
      (*bob_ws)->WaitFor([](const json& f) { return f.value("text", "") == "from the laptop"; });
  EXPECT_TRUE(IsOk(at_bob));

  // What alice receives reaches each resource already.
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "to every alice", "b-1")));
  for (PeerProcess* resource : {phone.get(), laptop.get()}) {
    EXPECT_FALSE(WaitEvent(*resource, "message", [](const json& m) {
                   return m["body"] == "to every alice";
                 }).is_null());
  }
  // The laptop never enabled carbons: it got no copy, not even of its own message.
  EXPECT_TRUE(
      laptop->Lines([](const json& l) { return l.value("event", "") == "carbon"; }).empty());

  // Disabled: the next message from the web is not copied (bob's reply after it arrives).
  ASSERT_TRUE(Run(*phone, {{"op", "carbons"}, {"enable", false}}).value("ok", false));
  ASSERT_TRUE(IsOk((*alice_web)->SendToUser(bob_.id, "not copied", "w-2")));
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "after that", "b-2")));
  ASSERT_FALSE(WaitEvent(*phone, "message", [](const json& m) {
                 return m["body"] == "after that";
               }).is_null());
  EXPECT_TRUE(
      phone->Lines([](const json& l) { return l.value("body", json()) == "not copied"; }).empty());

  // Wrong carbons requests: a clear error, and the stream goes on.
  json get = Run(*phone, {{"op", "carbons"}, {"enable", true}, {"get", true}});
  EXPECT_EQ(get["condition"], "bad-request") << get.dump();
  json other = Run(*phone, {{"op", "carbons"}, {"element", "private"}});
  EXPECT_EQ(other["condition"], "bad-request") << other.dump();
  EXPECT_TRUE(Run(*phone, {{"op", "ping"}}).value("ok", false));
}

}  // namespace
}  // namespace parley::e2e
