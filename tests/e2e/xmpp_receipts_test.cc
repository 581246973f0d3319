// XEP-0184 receipts and XEP-0333 chat markers as Parley's delivered and read cursors
// (docs/xmpp.md, "Receipts and chat markers"), on a real parleyd with a raw XMPP stream and a
// web-app user on a WebSocket: markers raise the cursors the web app shows, the web app's
// receipts come back as markers, and markers naming nothing Parley knows change nothing.
#include <gtest/gtest.h>

#include <string>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_xmpp.h"
#include "tests/e2e/xmpp_friends_fixture.h"

namespace parley::e2e {
namespace {

using json = nlohmann::json;

class XmppReceiptsTest : public XmppFriendsFixture {
 protected:
  void SetUp() override { StartWithFriends({.extra_args = {"--xmpp-plain-without-tls", "true"}}); }
};

// The receipt frames about alice that bob's WebSocket got up to now.
std::vector<json> ReceiptsOf(client::WsClient& ws, int64_t user_id) {
  std::vector<json> out;
  for (const json& frame : OfType(DrainUntilPong(ws), "receipt")) {
    if (frame.value("user_id", int64_t{0}) == user_id) out.push_back(frame);
  }
  return out;
}

TEST_F(XmppReceiptsTest, MarkersFromXmppRaiseTheCursorsTheWebAppShows) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  std::optional<RawXmpp> alice = RawXmpp::Login(xmpp_port_, alice_);
  ASSERT_TRUE(alice && alice->Bind("phone"));
  alice->Clear();
  ASSERT_TRUE(
      alice->Write("<iq type='get' id='disco'><query "
                   "xmlns='http://jabber.org/protocol/disco#info'/></iq>"));
  ASSERT_TRUE(alice->ReadFor("</iq>"));
  EXPECT_TRUE(Has(alice->text(), "var='urn:xmpp:receipts'")) << alice->text();
  EXPECT_TRUE(Has(alice->text(), "var='urn:xmpp:chat-markers:0'")) << alice->text();

  auto first = (*bob_ws)->SendToUser(alice_.id, "one", "w-1");
  auto second = (*bob_ws)->SendToUser(alice_.id, "two", "w-2");
  ASSERT_TRUE(IsOk(first) && IsOk(second));
  const int64_t conversation = (*first)["conversation_id"];
  const int64_t seq1 = (*first)["seq"];
  const int64_t seq2 = (*second)["seq"];
  ASSERT_TRUE(alice->ReadFor("two"));
  EXPECT_TRUE(
      Has(alice->text(), "<stanza-id xmlns='urn:xmpp:sid:0' id='" + std::to_string(seq2) + "'"));

  // Markers that name nothing Parley knows change nothing: a client id, no number, zero, a
  // number past 64 bits, a marker without id. (A seq past the last message is the last one,
  // as for the web app.)
  for (const std::string& id : {std::string("w-1"), std::string("-1"), std::string("0"),
                                std::string("99999999999999999999")}) {
    ASSERT_TRUE(
        alice->Write("<message to='bob@localhost' type='chat'><displayed "
                     "xmlns='urn:xmpp:chat-markers:0' id='" +
                     id + "'/></message>"));
  }
  ASSERT_TRUE(
      alice->Write("<message to='bob@localhost' type='chat'><received "
                   "xmlns='urn:xmpp:receipts'/></message>"));
  // A marker to no one is an error to alice only.
  alice->Clear();
  ASSERT_TRUE(
      alice->Write("<message to='nobody@localhost' id='m-x' type='chat'><received "
                   "xmlns='urn:xmpp:receipts' id='1'/></message>"));
  ASSERT_TRUE(alice->ReadFor("</message>"));
  EXPECT_TRUE(Has(alice->text(), "item-not-found")) << alice->text();
  EXPECT_TRUE(ReceiptsOf(**bob_ws, alice_.id).empty());

  // XEP-0184 <received/> with a seq: delivered.
  ASSERT_TRUE(
      alice->Write("<message to='bob@localhost' type='chat'><received "
                   "xmlns='urn:xmpp:receipts' id='" +
                   std::to_string(seq1) + "'/></message>"));
  auto delivered = (*bob_ws)->WaitFor([&](const json& frame) {
    return client::IsType(frame, "receipt") && frame.value("user_id", int64_t{0}) == alice_.id;
  });
  ASSERT_TRUE(IsOk(delivered)) << server_->output();
  EXPECT_EQ((*delivered)["conversation_id"], conversation);
  EXPECT_EQ((*delivered)["delivered_seq"], seq1);
  EXPECT_EQ((*delivered)["read_seq"], 0);

  // XEP-0333 <displayed/>: read (and so delivered).
  ASSERT_TRUE(
      alice->Write("<message to='bob@localhost' type='chat'><displayed "
                   "xmlns='urn:xmpp:chat-markers:0' id='" +
                   std::to_string(seq2) + "'/></message>"));
  auto read = (*bob_ws)->WaitFor([&](const json& frame) {
    return client::IsType(frame, "receipt") && frame.value("user_id", int64_t{0}) == alice_.id;
  });
  ASSERT_TRUE(IsOk(read));
  EXPECT_EQ((*read)["read_seq"], seq2);
  EXPECT_EQ((*read)["delivered_seq"], seq2);
}

TEST_F(XmppReceiptsTest, TheWebAppsReceiptsArriveAsMarkers) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  std::optional<RawXmpp> alice = RawXmpp::Login(xmpp_port_, alice_);
  ASSERT_TRUE(alice && alice->Bind("phone"));
  ASSERT_TRUE(
      alice->Write("<message to='bob@localhost' type='chat' id='x-1'><body>hello"
                   "</body></message>"));
  auto message = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(message));
  const int64_t conversation = (*message)["conversation_id"];
  const int64_t seq = (*message)["seq"];

  alice->Clear();
  ASSERT_TRUE(IsOk((*bob_ws)->Send(
      json{{"type", "delivered"}, {"conversation_id", conversation}, {"seq", seq}})));
  ASSERT_TRUE(alice->ReadFor("</message>")) << server_->output();
  EXPECT_TRUE(Has(alice->text(),
                  "<message from='bob@localhost' type='chat'><received "
                  "xmlns='urn:xmpp:chat-markers:0' id='" +
                      std::to_string(seq) + "'/></message>"))
      << alice->text();

  alice->Clear();
  ASSERT_TRUE(IsOk(
      (*bob_ws)->Send(json{{"type", "read"}, {"conversation_id", conversation}, {"seq", seq}})));
  ASSERT_TRUE(alice->ReadFor("</message>"));
  EXPECT_TRUE(Has(alice->text(),
                  "<message from='bob@localhost' type='chat'><displayed "
                  "xmlns='urn:xmpp:chat-markers:0' id='" +
                      std::to_string(seq) + "'/></message>"))
      << alice->text();
}

}  // namespace
}  // namespace parley::e2e
