// The XMPP encoder's frames (route line and stanza tail), JIDs and the stanza error table.
#include "xmpp/xmpp_frames.h"

#include <gtest/gtest.h>

#include "xmpp/jid.h"
#include "xmpp/stanza_error.h"
#include "xmpp/upload_frames.h"
#include "xmpp/xml_stream_reader.h"

namespace parley::xmpp {
namespace {

constexpr std::string_view kHeader =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

// What a session writes for a frame from user `name`: the head it makes, then the tail, read
// back by the stream reader as `count` stanzas.
std::vector<XmlElement> CompletedStanzas(const chat::SharedFrame& frame, std::string_view head,
                                         size_t count) {
  std::optional<Route> route = ReadRoute(*frame);
  EXPECT_TRUE(route.has_value());
  if (!route) return {};
  XmlStreamReader reader{XmlLimits{}};
  (void)reader.Feed(kHeader, 0);
  FeedResult result = reader.Feed(std::string(head) + std::string(route->tail), 0);
  auto* events = std::get_if<std::vector<XmlEvent>>(&result);
  EXPECT_TRUE(events != nullptr && events->size() == count) << *frame;
  std::vector<XmlElement> stanzas;
  if (events == nullptr) return stanzas;
  for (XmlEvent& event : *events) {
    stanzas.push_back(std::get<xml_events::Stanza>(std::move(event)).element);
  }
  return stanzas;
}

XmlElement Completed(const chat::SharedFrame& frame, std::string_view head) {
  std::vector<XmlElement> stanzas = CompletedStanzas(frame, head, 1);
  return stanzas.empty() ? XmlElement{} : std::move(stanzas.front());
}

// XEP-0363/XEP-0066: a media goes as its URL, in the body and in oob, the text as its desc;
// without a URL maker, a media message without text is nothing for XMPP.
TEST(XmppFrames, AMediaMessageCarriesItsUrlAsBodyAndOob) {
  store::Message message;
  message.conversation_id = 7;
  message.seq = 5;
  message.sender_id = 3;
  message.client_id = "c-1";
  message.media = store::Media{};
  message.media->id = "m_ab";
  message.media->name = "a&b'<c>.png";
  XmppFrameEncoder encoder("example.org", [](const store::Media& media) {
    return SlotUrl("https://chat.example.org", "TOKEN-" + media.id, media.name);
  });
  const std::string url = "https://chat.example.org/xmpp-upload/TOKEN-m_ab/a%26b%27%3Cc%3E.png";
  XmlElement stanza = Completed(encoder.Encode(chat::events::MessageCommitted{message}),
                                "<message from='bob@example.org");
  EXPECT_EQ(stanza.Child("body", "jabber:client")->text, url);
  const XmlElement* oob = stanza.Child("x", "jabber:x:oob");
  ASSERT_NE(oob, nullptr);
  EXPECT_EQ(oob->Child("url", "jabber:x:oob")->text, url);
  EXPECT_EQ(oob->Child("desc", "jabber:x:oob"), nullptr);
  ASSERT_NE(stanza.Child("stanza-id", "urn:xmpp:sid:0"), nullptr);

  message.text = "look </desc> & see";
  stanza = Completed(encoder.Encode(chat::events::MessageCommitted{message}),
                     "<message from='bob@example.org");
  EXPECT_EQ(stanza.Child("x", "jabber:x:oob")->Child("desc", "jabber:x:oob")->text,
            "look </desc> & see");

  message.text.clear();
  EXPECT_TRUE(
      XmppFrameEncoder("example.org").Encode(chat::events::MessageCommitted{message})->empty());
}

TEST(UploadFrames, OnlyUrlsOfTheSlotPathUnderTheBaseNameAToken) {
  const std::string base = "https://chat.example.org";
  EXPECT_EQ(TokenOfSlotUrl(base, SlotUrl(base, "abc", "my file.png")), "abc");
  EXPECT_EQ(TokenOfSlotUrl(base, base + "/xmpp-upload/abc/x"), "abc");
  for (const std::string& url : {
           std::string("https://chat.example.org.evil.com/xmpp-upload/abc/x"),
           std::string("http://chat.example.org/xmpp-upload/abc/x"),
           base + "/api/v1/media/abc",
           base + "/xmpp-upload/abc",
           base + "/xmpp-upload//x",
           base + "/xmpp-upload/abc/x/y",
           base + "/xmpp-upload/abc/x?y=1",
           base + "/xmpp-upload/abc/x y",
           std::string(""),
       }) {
    EXPECT_EQ(TokenOfSlotUrl(base, url), "") << url;
  }
  EXPECT_EQ(TokenOfSlotUrl("", "/xmpp-upload/abc/x"), "") << "no base: no upload service";
}

TEST(XmppFrames, ADirectMessageIsRoutedAndCompletedWithTheSendersJid) {
  XmppFrameEncoder encoder("example.org");
  store::Message message;
  message.conversation_id = 7;
  message.seq = 42;
  message.sender_id = 3;
  message.client_id = "c'1";
  message.text = "1 < 2 & <b>";
  chat::SharedFrame frame = encoder.Encode(chat::events::MessageCommitted{message});
  std::optional<Route> route = ReadRoute(*frame);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->kind, 'm');
  EXPECT_EQ(route->user_id, 3);
  EXPECT_EQ(route->conversation_id, 7);
  XmlElement stanza = Completed(frame, "<message from='bob@example.org");
  EXPECT_EQ(stanza.Attr("from"), "bob@example.org");
  EXPECT_EQ(stanza.Attr("type"), "chat");
  EXPECT_EQ(stanza.Attr("id"), "c'1");
  EXPECT_EQ(stanza.Child("body", "jabber:client")->text, "1 < 2 & <b>");
  const XmlElement* id = stanza.Child("stanza-id", "urn:xmpp:sid:0");
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->Attr("id"), "42");
  EXPECT_EQ(id->Attr("by"), "example.org");
}

TEST(XmppFrames, PresenceTypingRosterAndErrors) {
  XmppFrameEncoder encoder("example.org");
  chat::PresenceInfo away{chat::PresenceStatus::kAway, 0};
  XmlElement presence = Completed(encoder.Encode(chat::events::PresenceChanged{5, away}),
                                  "<presence from='carol@example.org");
  EXPECT_EQ(presence.Child("show", "jabber:client")->text, "away");
  XmlElement offline = Completed(
      encoder.Encode(chat::events::PresenceChanged{5, {chat::PresenceStatus::kOffline, 9}}),
      "<presence from='carol@example.org");
  EXPECT_EQ(offline.Attr("type"), "unavailable");

  XmlElement typing =
      Completed(encoder.Encode(chat::events::Typing{7, 3}), "<message from='bob@example.org");
  EXPECT_NE(typing.Child("composing", "http://jabber.org/protocol/chatstates"), nullptr);

  chat::Friend added;
  added.relation.user.id = 9;
  added.relation.user.username = "dave";
  added.relation.user.display_name = "Dave <3";
  // A new friend: the subscription is approved, then the roster push (RFC 6121 3.1.5).
  std::vector<XmlElement> added_stanzas =
      CompletedStanzas(encoder.Encode(chat::events::FriendAdded{added}), "", 2);
  ASSERT_EQ(added_stanzas.size(), 2u);
  EXPECT_EQ(added_stanzas[0].name, "presence");
  EXPECT_EQ(added_stanzas[0].Attr("from"), "dave@example.org");
  EXPECT_EQ(added_stanzas[0].Attr("type"), "subscribed");
  const XmlElement* item =
      added_stanzas[1].Child("query", "jabber:iq:roster")->Child("item", "jabber:iq:roster");
  ASSERT_NE(item, nullptr);
  EXPECT_EQ(item->Attr("jid"), "dave@example.org");
  EXPECT_EQ(item->Attr("name"), "Dave <3");
  EXPECT_EQ(item->Attr("subscription"), "both");

  XmlElement error = Completed(
      encoder.Encode(chat::events::RequestFailed{Status(Code::kBlocked, "blocked"), "m1", ""}), "");
  EXPECT_EQ(error.Attr("type"), "error");
  EXPECT_EQ(error.Attr("id"), "m1");
  EXPECT_NE(error.Child("error", "jabber:client")->Child("not-allowed", std::string(kStanzasNs)),
            nullptr);

  std::optional<Route> removed = ReadRoute(*encoder.Encode(chat::events::FriendRemoved{9}));
  ASSERT_TRUE(removed.has_value());
  EXPECT_EQ(removed->kind, 'r');
  EXPECT_EQ(removed->user_id, 9);
}

TEST(XmppFrames, EventsNotMappedYetAreEmptyFrames) {
  XmppFrameEncoder encoder("example.org");
  store::Message reaction;
  reaction.kind = store::MessageKind::kReaction;
  reaction.text = "+1";
  EXPECT_TRUE(encoder.Encode(chat::events::MessageCommitted{reaction})->empty());
  EXPECT_TRUE(encoder.Encode(chat::events::Acked{reaction})->empty());
  EXPECT_TRUE(
      encoder.Encode(chat::events::RequestFailed{Status(Code::kMalformed, "x"), "", "r"})->empty());
  EXPECT_FALSE(ReadRoute("").has_value());
  EXPECT_FALSE(ReadRoute("m x 1\n").has_value());
  EXPECT_FALSE(ReadRoute("m 1 1").has_value());
}

TEST(XmppFrames, ADirectMessageNamesItsRecipientSoNoLookupIsNeeded) {
  XmppFrameEncoder encoder("example.org");
  store::Message message;
  message.conversation_id = 7;
  message.seq = 1;
  message.sender_id = 3;
  message.text = "hi";
  chat::SharedFrame frame = encoder.Encode(chat::events::MessageCommitted{message, 5});
  std::optional<Route> route = ReadRoute(*frame);
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->user_id, 3);
  EXPECT_EQ(route->conversation_id, 7);
  EXPECT_EQ(route->direct_recipient_id, 5);
  EXPECT_EQ(Completed(frame, "<message from='bob@example.org").Attr("from"), "bob@example.org");
  // A group's message (recipient unknown) says none.
  EXPECT_EQ(
      ReadRoute(*encoder.Encode(chat::events::MessageCommitted{message}))->direct_recipient_id, 0);
  EXPECT_FALSE(ReadRoute("m 1 2 x\n").has_value());
  EXPECT_FALSE(ReadRoute("m 1 2 3 4\n").has_value());
  EXPECT_FALSE(ReadRoute("m 1 2  3\n").has_value());
}

TEST(XmppFrames, AnAckOfATextMessageNamesItsClientIdAndSeq) {
  XmppFrameEncoder encoder("example.org");
  store::Message message;
  message.conversation_id = 12;
  message.seq = 77;
  message.client_id = "id\nwith a newline";
  chat::SharedFrame frame = encoder.Encode(chat::events::Acked{message});
  std::optional<Route> route = ReadRoute(*frame);  // views into the frame
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->kind, 'a');
  EXPECT_EQ(route->conversation_id, 12);
  EXPECT_EQ(route->tail, "id\nwith a newline\n77");  // the seq after the last newline
}

TEST(Jid, ParsesAndRefuses) {
  std::optional<Jid> full = ParseJid("alice@Example.ORG/phone 1");
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->local, "alice");
  EXPECT_EQ(full->domain, "example.org");
  EXPECT_EQ(full->resource, "phone 1");
  EXPECT_EQ(full->Bare(), "alice@example.org");
  EXPECT_EQ(full->Full(), "alice@example.org/phone 1");
  EXPECT_EQ(ParseJid("example.org")->local, "");
  for (std::string_view bad : {"", "@example.org", "alice@", "alice@example.org/",
                               "a b@example.org", "alice@exa\nmple.org"}) {
    EXPECT_FALSE(ParseJid(bad).has_value()) << bad;
  }
  EXPECT_FALSE(ValidResource("").has_value());
  EXPECT_FALSE(ValidResource(std::string(65, 'r')).has_value());
  EXPECT_FALSE(ValidResource("a\x01").has_value());
  EXPECT_EQ(ValidResource("laptop"), "laptop");
}

TEST(StanzaError, EveryCodeHasOneCondition) {
  EXPECT_EQ(StanzaErrorOf(Code::kNotFound).condition, "item-not-found");
  EXPECT_EQ(StanzaErrorOf(Code::kBlocked).condition, "not-allowed");
  EXPECT_EQ(StanzaErrorOf(Code::kRateLimited).type, "wait");
  EXPECT_EQ(StanzaErrorOf(Code::kInternal).condition, "internal-server-error");
}

}  // namespace
}  // namespace parley::xmpp
