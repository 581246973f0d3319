// XEP-0198 stream management on a real parleyd (docs/xmpp.md, "Stream management"): raw TCP
// streams check the counters, the resume of a dropped connection with what arrived meanwhile,
// and what an abuser sends (ids of another user, unknown ids, h past what was sent, elements
// out of place); @xmpp/client (tests/peers/xmpp_resume.mjs) resumes after its socket is
// destroyed while a web-app user writes to it, with no message lost or repeated.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/raw_xmpp.h"
#include "tests/e2e/xmpp_friends_fixture.h"
#include "xmpp/sm_queue.h"

namespace parley::e2e {
namespace {

using json = nlohmann::json;

class XmppStreamManagementTest : public XmppFriendsFixture {
 protected:
  void StartServer(std::vector<std::string> extra = {}) {
    // Two event loops: streams are handed to them in turn, so a resume by the next connection
    // takes a stream of the other loop over.
    std::vector<std::string> args = {"--xmpp-plain-without-tls", "true", "--io-threads", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    StartWithFriends({.extra_args = args});
  }

  // Alice bound and resumable: the stream and its resume id.
  std::pair<std::optional<RawXmpp>, std::string> ResumableAlice() {
    std::optional<RawXmpp> alice = RawXmpp::Login(xmpp_port_, alice_);
    if (!alice || !alice->Bind("phone")) return {std::nullopt, ""};
    std::string id = alice->EnableResume();
    return {std::move(alice), id};
  }

  // The <resume/> of stream `id` that a client has handled `h` stanzas of.
  static std::string ResumeOf(const std::string& id, std::string_view h = "0") {
    return "<resume xmlns='urn:xmpp:sm:3' previd='" + id + "' h='" + std::string(h) + "'/>";
  }

  // A new login of alice's asks to resume `id` and is refused with `condition`.
  void ExpectResumeRefused(const std::string& id, std::string_view condition) {
    std::optional<RawXmpp> again = RawXmpp::Login(xmpp_port_, alice_);
    ASSERT_TRUE(again);
    again->Clear();
    ASSERT_TRUE(again->Write(ResumeOf(id)));
    ASSERT_TRUE(again->ReadFor("</failed>"));
    EXPECT_TRUE(Has(again->text(), "<" + std::string(condition))) << again->text();
  }
};

TEST_F(XmppStreamManagementTest, CountsBothWaysAndAsksForAcknowledgements) {
  StartServer();
  std::optional<RawXmpp> alice = RawXmpp::Login(xmpp_port_, alice_);
  ASSERT_TRUE(alice);
  EXPECT_TRUE(Has(alice->text(), "<sm xmlns='urn:xmpp:sm:3'/>")) << alice->text();
  ASSERT_TRUE(alice->Bind("phone"));
  const std::string id = alice->EnableResume();
  EXPECT_EQ(id.size(), 32u) << alice->text();
  EXPECT_EQ(AttrOf(alice->text(), "enabled", "resume"), "true");
  EXPECT_EQ(AttrOf(alice->text(), "enabled", "max"), "300");

  // Inbound: <r/> is answered with the stanzas handled since <enable/>.
  alice->Clear();
  ASSERT_TRUE(alice->Write("<r xmlns='urn:xmpp:sm:3'/>"));
  ASSERT_TRUE(alice->ReadFor("<a "));
  ASSERT_TRUE(alice->ReadFor("/>"));
  EXPECT_EQ(AttrOf(alice->text(), "a", "h"), "0");
  alice->Clear();
  ASSERT_TRUE(
      alice->Write("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>"
                   "<iq type='get' id='p2'><ping xmlns='urn:xmpp:ping'/></iq>"
                   "<r xmlns='urn:xmpp:sm:3'/>"));
  ASSERT_TRUE(alice->ReadFor("<a "));
  ASSERT_TRUE(alice->ReadFor("/>"));
  EXPECT_EQ(AttrOf(alice->text(), "a", "h"), "2") << alice->text();

  // Outbound: the server asks for an acknowledgement after a few stanzas (2 pongs so far).
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  alice->Clear();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "m" + std::to_string(i))));
  }
  ASSERT_TRUE(alice->ReadFor("<r xmlns='urn:xmpp:sm:3'/>")) << alice->text();
  // An acknowledgement of what was sent is taken; one of more than that ends the stream.
  ASSERT_TRUE(alice->Write("<a xmlns='urn:xmpp:sm:3' h='5'/>"));
  ASSERT_TRUE(alice->Write("<iq type='get' id='p3'><ping xmlns='urn:xmpp:ping'/></iq>"));
  ASSERT_TRUE(alice->ReadFor("id='p3'"));
  ASSERT_TRUE(alice->Write("<a xmlns='urn:xmpp:sm:3' h='99'/>"));
  ASSERT_TRUE(alice->ReadFor("</stream:stream>"));
  EXPECT_TRUE(Has(alice->text(), "<undefined-condition")) << alice->text();
}

TEST_F(XmppStreamManagementTest, ResumeAfterADropGetsWhatArrivedMeanwhileOnce) {
  StartServer();
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto [alice, id] = ResumableAlice();
  ASSERT_TRUE(alice);
  ASSERT_FALSE(id.empty());
  alice->Clear();
  ASSERT_TRUE(alice->Write("<presence/>"));
  auto online = (*bob_ws)->WaitFor([&](const json& frame) {
    return frame.value("type", "") == "presence" && frame.value("user_id", 0) == alice_.id &&
           frame.value("status", "") == "online";
  });
  ASSERT_TRUE(IsOk(online));

  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "before the drop", "w-1")));
  ASSERT_TRUE(alice->ReadFor("before the drop"));
  // Alice acknowledges everything she got so far, then loses her connection.
  alice->ReadFor("</message>");
  const uint32_t handled = xmpp::CountStanzas(alice->text(), "");
  ASSERT_GE(handled, 1u);
  ASSERT_TRUE(alice->Write("<a xmlns='urn:xmpp:sm:3' h='" + std::to_string(handled) + "'/>"));
  ASSERT_TRUE(alice->Write("<iq type='get' id='sync'><ping xmlns='urn:xmpp:ping'/></iq>"));
  ASSERT_TRUE(alice->ReadFor("id='sync'"));
  const uint32_t before_drop = handled + 1;  // the pong
  alice->Drop();

  // Bob writes while she is away; she still counts as connected.
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "while away 1", "w-2")));
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "while away 2", "w-3")));
  for (const json& frame : DrainUntilPong(**bob_ws)) {
    EXPECT_FALSE(frame.value("type", "") == "presence" && frame.value("status", "") == "offline")
        << frame.dump();
  }

  // A new connection of alice's resumes: the messages, once each, and the stream goes on.
  std::optional<RawXmpp> again = RawXmpp::Login(xmpp_port_, alice_);
  ASSERT_TRUE(again);
  again->Clear();
  ASSERT_TRUE(again->Write(ResumeOf(id, std::to_string(before_drop))));
  ASSERT_TRUE(again->ReadFor("<resumed")) << again->text();
  EXPECT_EQ(AttrOf(again->text(), "resumed", "previd"), id);
  EXPECT_EQ(AttrOf(again->text(), "resumed", "h"), "2");  // <presence/> and the ping
  ASSERT_TRUE(again->ReadFor("while away 2")) << again->text();
  EXPECT_FALSE(Has(again->text(), "before the drop")) << again->text();
  auto count = [&](std::string_view what) {
    size_t n = 0;
    for (size_t at = again->text().find(what); at != std::string::npos;
         at = again->text().find(what, at + 1)) {
      ++n;
    }
    return n;
  };
  EXPECT_EQ(count("while away 1"), 1u);
  EXPECT_EQ(count("while away 2"), 1u);
  EXPECT_LT(again->text().find("while away 1"), again->text().find("while away 2"));

  // The resumed stream carries on both ways, and its counters with it.
  ASSERT_TRUE(
      again->Write("<message to='bob@localhost' type='chat' id='x-back'><body>back"
                   "</body></message>"));
  auto back = (*bob_ws)->WaitFor([](const json& frame) {
    return frame.value("type", "") == "message" && frame.value("text", "") == "back";
  });
  ASSERT_TRUE(IsOk(back)) << server_->output();
  again->Clear();
  ASSERT_TRUE(again->Write("<r xmlns='urn:xmpp:sm:3'/>"));
  ASSERT_TRUE(again->ReadFor("<a "));
  ASSERT_TRUE(again->ReadFor("/>"));
  EXPECT_EQ(AttrOf(again->text(), "a", "h"), "3");

  // Leaving properly ends the session: bob sees alice offline now.
  ASSERT_TRUE(again->Write("</stream:stream>"));
  auto offline = (*bob_ws)->WaitFor([&](const json& frame) {
    return frame.value("type", "") == "presence" && frame.value("user_id", 0) == alice_.id &&
           frame.value("status", "") == "offline";
  });
  EXPECT_TRUE(IsOk(offline));
}

TEST_F(XmppStreamManagementTest, RefusedResumesFailAndTheConnectionGoesOnFresh) {
  StartServer();
  auto [alice, id] = ResumableAlice();
  ASSERT_TRUE(alice);
  ASSERT_FALSE(id.empty());
  // A resumable session that is still connected cannot be taken.
  std::optional<RawXmpp> thief = RawXmpp::Login(xmpp_port_, alice_);
  ASSERT_TRUE(thief);
  thief->Clear();
  ASSERT_TRUE(thief->Write(ResumeOf(id)));
  ASSERT_TRUE(thief->ReadFor("</failed>"));
  EXPECT_TRUE(Has(thief->text(), "<item-not-found")) << thief->text();
  alice->Drop();

  // Bob cannot take alice's session with her id.
  std::optional<RawXmpp> bob = RawXmpp::Login(xmpp_port_, bob_);
  ASSERT_TRUE(bob);
  bob->Clear();
  ASSERT_TRUE(bob->Write(ResumeOf(id)));
  ASSERT_TRUE(bob->ReadFor("</failed>"));
  EXPECT_TRUE(Has(bob->text(), "<item-not-found")) << bob->text();
  // ... and goes on as a fresh session of his own.
  ASSERT_TRUE(bob->Bind("laptop"));
  EXPECT_TRUE(Has(bob->text(), "bob@localhost/laptop")) << bob->text();

  std::optional<RawXmpp> again = RawXmpp::Login(xmpp_port_, alice_);
  ASSERT_TRUE(again);
  for (const std::string& bad :
       {ResumeOf(std::string(32, '0')), ResumeOf(id, "4294967296"), ResumeOf(id, "-1"),
        std::string("<resume xmlns='urn:xmpp:sm:3' h='0'/>"), ResumeOf(std::string(5000, 'a')),
        std::string("<enable xmlns='urn:xmpp:sm:3' resume='true'/>")}) {
    again->Clear();
    ASSERT_TRUE(again->Write(bad));
    ASSERT_TRUE(again->ReadFor("</failed>")) << bad;
  }
  // h over what the session sent: refused with the session's count, the session still waits.
  again->Clear();
  ASSERT_TRUE(again->Write(ResumeOf(id, "1000")));
  ASSERT_TRUE(again->ReadFor("</failed>"));
  EXPECT_TRUE(Has(again->text(), "<undefined-condition")) << again->text();
  EXPECT_EQ(AttrOf(again->text(), "failed", "h"), "0");
  again->Clear();
  ASSERT_TRUE(again->Write(ResumeOf(id)));
  ASSERT_TRUE(again->ReadFor("<resumed")) << again->text();
  // Resumed once: the id is not free to take again while this stream lives.
  ExpectResumeRefused(id, "item-not-found");
}

TEST_F(XmppStreamManagementTest, StreamManagementElementsOutOfPlace) {
  StartServer();
  // <a/> before <enable/>, and an h that is no number, each end only their own stream.
  std::optional<RawXmpp> early = RawXmpp::Login(xmpp_port_, alice_);
  ASSERT_TRUE(early && early->Bind("one"));
  ASSERT_TRUE(early->Write("<a xmlns='urn:xmpp:sm:3' h='1'/>"));
  ASSERT_TRUE(early->ReadFor("</stream:stream>"));
  EXPECT_TRUE(Has(early->text(), "<bad-format")) << early->text();

  auto [alice, id] = ResumableAlice();
  ASSERT_TRUE(alice);
  alice->Clear();
  ASSERT_TRUE(alice->Write("<enable xmlns='urn:xmpp:sm:3'/>"));  // twice
  ASSERT_TRUE(alice->ReadFor("</failed>"));
  EXPECT_TRUE(Has(alice->text(), "<unexpected-request")) << alice->text();
  ASSERT_TRUE(alice->Write("<a xmlns='urn:xmpp:sm:3' h='x'/>"));
  ASSERT_TRUE(alice->ReadFor("</stream:stream>"));
  EXPECT_TRUE(Has(alice->text(), "<bad-format")) << alice->text();

  // A stream that ended with a stream error is not resumable.
  ExpectResumeRefused(id, "item-not-found");
}

TEST_F(XmppStreamManagementTest, ADetachedSessionEndsAfterTheTimeout) {
  StartServer({"--xmpp-resume-timeout-s", "1"});
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto [alice, id] = ResumableAlice();
  ASSERT_TRUE(alice);
  EXPECT_EQ(AttrOf(alice->text(), "enabled", "max"), "1");
  ASSERT_TRUE(alice->Write("<presence/>"));
  ASSERT_TRUE(IsOk((*bob_ws)->WaitFor([&](const json& frame) {
    return frame.value("type", "") == "presence" && frame.value("status", "") == "online";
  })));
  alice->Drop();
  // Offline once the timeout passed, and the session is gone.
  auto offline = (*bob_ws)->WaitFor([&](const json& frame) {
    return frame.value("type", "") == "presence" && frame.value("user_id", 0) == alice_.id &&
           frame.value("status", "") == "offline";
  });
  ASSERT_TRUE(IsOk(offline));
  ExpectResumeRefused(id, "item-not-found");
}

TEST_F(XmppStreamManagementTest, AtMostFourDetachedSessionsPerUser) {
  StartServer();
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto [alice, id] = ResumableAlice();
    ASSERT_TRUE(alice);
    ASSERT_FALSE(id.empty());
    ids.push_back(id);
    alice->Drop();
  }
  // The fifth did not wait: resuming it fails, the first four resume.
  auto resume = [&](const std::string& id) {
    std::optional<RawXmpp> again = RawXmpp::Login(xmpp_port_, alice_);
    if (!again) return std::string("no login");
    again->Clear();
    again->Write(ResumeOf(id));
    again->ReadFor("/>");
    again->ReadFor(">");
    const std::string text = again->text();
    again->Write("</stream:stream>");
    return text;
  };
  // Each drop is seen by the server in its own time: wait until the fifth is refused.
  std::string fifth;
  for (int attempt = 0; attempt < 50; ++attempt) {
    fifth = resume(ids[4]);
    if (Has(fifth, "<failed")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(Has(fifth, "<item-not-found")) << fifth;
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(Has(resume(ids[i]), "<resumed")) << i;
}

// @xmpp/client (its own XEP-0198 code) resumes after its socket is destroyed; what bob sent
// meanwhile from the web app arrives once, in order, with nothing missing.
TEST_F(XmppStreamManagementTest, XmppClientResumesWithNoGapAndNoDuplicate) {
  StartServer();
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto alice = PeerProcess::Start({PARLEY_NODE_PATH, "xmpp_resume.mjs", std::to_string(xmpp_port_),
                                   "localhost", alice_.username, std::string(kTestPassword)},
                                  PARLEY_PEERS_DIR);
  ASSERT_TRUE(IsOk(alice));
  auto event = [&](std::string_view name, const std::function<bool(const json&)>& also = {}) {
    return (*alice)->WaitForLine(
        [&](const json& line) { return line.value("event", "") == name && (!also || also(line)); });
  };
  ASSERT_FALSE(event("online").is_null()) << server_->output();
  auto result = [&](std::string_view op) {
    return event("result", [&](const json& line) { return line["op"] == op; });
  };
  (*alice)->WriteLine(R"({"op":"wait_sm"})");
  json enabled = result("wait_sm");
  ASSERT_TRUE(enabled.value("ok", false)) << enabled.dump();

  std::vector<int64_t> seqs;
  auto ack = (*bob_ws)->SendToUser(alice_.id, "m1", "w-1");
  ASSERT_TRUE(IsOk(ack));
  seqs.push_back((*ack)["seq"]);
  ASSERT_FALSE(event("message", [](const json& l) { return l["body"] == "m1"; }).is_null());

  (*alice)->WriteLine(R"({"op":"drop"})");
  ASSERT_TRUE(result("drop").value("ok", false));
  for (int i = 2; i <= 4; ++i) {
    auto sent = (*bob_ws)->SendToUser(alice_.id, "m" + std::to_string(i), "w-" + std::to_string(i));
    ASSERT_TRUE(IsOk(sent));
    seqs.push_back((*sent)["seq"]);
  }
  ASSERT_FALSE(event("resumed").is_null()) << server_->output();
  ASSERT_FALSE(event("message", [](const json& l) { return l["body"] == "m4"; }).is_null())
      << server_->output();
  // What alice saw, in order: each message once.
  (*alice)->WriteLine(R"({"op":"seen"})");
  json seen = result("seen");
  ASSERT_TRUE(seen.value("ok", false));
  std::vector<int64_t> got;
  for (const json& id : seen["stanza_ids"]) got.push_back(std::stoll(id.get<std::string>()));
  EXPECT_EQ(got, seqs) << seen.dump();

  // The resumed stream still works: alice to bob.
  (*alice)->WriteLine(R"({"op":"send","to":"bob@localhost","body":"after resume","id":"x-9"})");
  auto back = (*bob_ws)->WaitFor([](const json& frame) {
    return frame.value("type", "") == "message" && frame.value("text", "") == "after resume";
  });
  EXPECT_TRUE(IsOk(back)) << server_->output();
}

}  // namespace
}  // namespace parley::e2e
