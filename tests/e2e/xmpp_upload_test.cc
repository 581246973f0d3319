// XEP-0363 HTTP File Upload as Parley media (docs/xmpp.md, "HTTP upload"), on a real parleyd
// with raw XMPP streams and plain HTTP: the service found by disco, slots under the native
// upload rules (size limit, quota, kinds), the PUT and GET capability URLs, and what a hostile
// client gets: forged, swapped, used and expired tokens, wrong sizes, cut bodies, bytes that
// are not the declared image, other methods. Every refusal leaves nothing stored. Then media
// both ways between XMPP and the web app: a message linking the sender's upload is a media
// message, a media message arrives with its URL and XEP-0066's oob, with raw stanzas and with
// @xmpp/client (tests/peers/xmpp_upload.mjs).
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "base/base64.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/raw_xmpp.h"
#include "tests/e2e/xmpp_friends_fixture.h"
#include "tests/media/media_samples.h"

namespace parley::e2e {
namespace {

using client::HttpResponse;
using media::testing::EncodeImage;
using nlohmann::json;

constexpr int64_t kMaxUpload = 300'000;
constexpr int64_t kChunk = 16 * 1024;  // smaller than the images, so a PUT spans chunks

struct Slot {
  std::string put_url, get_url, put_path, get_path, token;
};

class XmppUploadTest : public XmppFriendsFixture {
 protected:
  void SetUp() override { Start({}); }

  void Start(std::vector<std::string> extra) {
    ServerProcess::Options options;
    options.extra_args = {"--xmpp-plain-without-tls", "true",
                          "--max-upload-bytes",       std::to_string(kMaxUpload),
                          "--upload-chunk-bytes",     std::to_string(kChunk)};
    options.extra_args.insert(options.extra_args.end(), extra.begin(), extra.end());
    StartWithFriends(std::move(options));
    if (HasFatalFailure()) return;
    alice_xmpp_ = RawXmpp::Login(xmpp_port_, alice_);
    ASSERT_TRUE(alice_xmpp_ && alice_xmpp_->Bind("phone"));
  }

  // The iq answering alice's slot request (its attributes as given, unescaped).
  std::string RequestSlot(const std::string& attributes) {
    RawXmpp& xmpp = *alice_xmpp_;
    xmpp.Clear();
    EXPECT_TRUE(
        xmpp.Write("<iq type='get' id='slot' to='upload.localhost'><request "
                   "xmlns='urn:xmpp:http:upload:0' " +
                   attributes + "/></iq>"));
    EXPECT_TRUE(xmpp.ReadFor("</iq>")) << xmpp.text();
    return xmpp.text();
  }

  Slot SlotFor(const std::string& filename, size_t size, const std::string& type) {
    const std::string answer = RequestSlot("filename='" + filename + "' size='" +
                                           std::to_string(size) + "' content-type='" + type + "'");
    Slot slot;
    slot.put_url = AttrOf(answer, "put", "url");
    slot.get_url = AttrOf(answer, "get", "url");
    EXPECT_FALSE(slot.put_url.empty() || slot.get_url.empty()) << answer;
    const std::string base = server_->url();
    if (slot.put_url.rfind(base, 0) == 0) slot.put_path = slot.put_url.substr(base.size());
    if (slot.get_url.rfind(base, 0) == 0) slot.get_path = slot.get_url.substr(base.size());
    EXPECT_FALSE(slot.put_path.empty() || slot.get_path.empty()) << answer;
    return slot;
  }

  // A request with no token or cookie: the URL is the credential.
  HttpResponse Http(const std::string& method, const std::string& path,
                    std::optional<std::string> body = std::nullopt,
                    const client::HttpHeaders& headers = {}) {
    client::HttpApi anonymous(server_->endpoint());
    auto response = anonymous.Request(method, path, std::move(body), headers);
    EXPECT_TRUE(IsOk(response)) << method << " " << path << "\n" << server_->output();
    return response.ok() ? *response : HttpResponse{};
  }

  // The media id a GET URL names: "m_" and the token's first 32 hex digits.
  static std::string MediaIdOf(const Slot& slot) {
    const std::string prefix = "/xmpp-upload/";
    return "m_" + slot.get_path.substr(prefix.size(), 32);
  }

  std::optional<RawXmpp> alice_xmpp_;
};

TEST_F(XmppUploadTest, TheServiceIsFoundByDiscoAndNamesTheLimit) {
  RawXmpp& xmpp = *alice_xmpp_;
  xmpp.Clear();
  ASSERT_TRUE(xmpp.Write(
      "<iq type='get' id='items'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"));
  ASSERT_TRUE(xmpp.ReadFor("</iq>"));
  EXPECT_TRUE(Has(xmpp.text(), "jid='upload.localhost'")) << xmpp.text();
  xmpp.Clear();
  ASSERT_TRUE(
      xmpp.Write("<iq type='get' id='info' to='upload.localhost'><query "
                 "xmlns='http://jabber.org/protocol/disco#info'/></iq>"));
  ASSERT_TRUE(xmpp.ReadFor("</iq>"));
  const std::string& info = xmpp.text();
  EXPECT_TRUE(Has(info, "category='store'") && Has(info, "type='file'")) << info;
  EXPECT_TRUE(Has(info, "<feature var='urn:xmpp:http:upload:0'/>")) << info;
  EXPECT_TRUE(Has(info, "<value>urn:xmpp:http:upload:0</value>")) << info;
  EXPECT_TRUE(Has(info, "var='max-file-size'><value>" + std::to_string(kMaxUpload) + "</value>"))
      << info;
  // Anything else to the service: service-unavailable, the stream goes on.
  xmpp.Clear();
  ASSERT_TRUE(
      xmpp.Write("<iq type='set' id='odd' to='upload.localhost'><request "
                 "xmlns='urn:xmpp:http:upload:0' filename='a' size='1'/></iq>"));
  ASSERT_TRUE(xmpp.ReadFor("</iq>"));
  EXPECT_TRUE(Has(xmpp.text(), "service-unavailable")) << xmpp.text();
}

TEST_F(XmppUploadTest, AnImagePutToItsSlotBecomesTheUsersMediaAndIsFetchedByItsGetUrl) {
  const std::string png = EncodeImage("png", 200, 150);
  ASSERT_GT(png.size(), static_cast<size_t>(kChunk)) << "the PUT should span chunks";
  ASSERT_LT(png.size(), static_cast<size_t>(kMaxUpload));
  const Slot slot = SlotFor("holiday photo.png", png.size(), "image/png");
  EXPECT_TRUE(Has(slot.put_url, "/holiday%20photo.png")) << slot.put_url;
  EXPECT_NE(slot.put_path, slot.get_path);
  // Before the PUT there is nothing to get.
  EXPECT_EQ(Http("GET", slot.get_path).status, 404);

  HttpResponse put = Http("PUT", slot.put_path, png, {{"Content-Type", "image/png"}});
  EXPECT_EQ(put.status, 201) << put.raw_body;

  HttpResponse got = Http("GET", slot.get_path);
  ASSERT_EQ(got.status, 200) << got.raw_body;
  EXPECT_EQ(got.headers["content-type"], "image/png");
  EXPECT_EQ(got.raw_body.substr(1, 3), "PNG");
  // A HEAD and a range, as the native download serves them.
  EXPECT_EQ(Http("HEAD", slot.get_path).status, 200);
  EXPECT_EQ(Http("GET", slot.get_path, std::nullopt, {{"Range", "bytes=0-9"}}).status, 206);

  // It is alice's media: the web app's API shows it to her, and not to bob (not sent yet).
  auto info =
      ApiFor(*server_, &alice_)->Request("GET", "/api/v1/media/" + MediaIdOf(slot) + "/info");
  ASSERT_TRUE(IsOk(info));
  EXPECT_EQ(info->status, 200) << info->raw_body;
  EXPECT_EQ(info->body["kind"], "image");
  EXPECT_EQ(info->body["width"], 200);
  auto bobs = ApiFor(*server_, &bob_)->Request("GET", "/api/v1/media/" + MediaIdOf(slot) + "/info");
  ASSERT_TRUE(IsOk(bobs));
  EXPECT_EQ(bobs->status, 404);

  // The slot is single use.
  EXPECT_EQ(Http("PUT", slot.put_path, png).status, 404);
}

TEST_F(XmppUploadTest, AnyOtherFileIsStoredAsItCame) {
  const std::string text = "a text file\nwith two lines\n";
  const Slot slot = SlotFor("notes.txt", text.size(), "text/plain");
  ASSERT_EQ(Http("PUT", slot.put_path, text, {{"Content-Type", "text/plain"}}).status, 201);
  HttpResponse got = Http("GET", slot.get_path);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.raw_body, text);
  EXPECT_TRUE(Has(got.headers["content-disposition"], "attachment")) << "files download";
}

TEST_F(XmppUploadTest, SlotRequestsFollowTheNativeUploadRules) {
  // Over the limit: not-acceptable with XEP-0363's file-too-large naming the limit.
  std::string answer = RequestSlot("filename='big.bin' size='" + std::to_string(kMaxUpload + 1) +
                                   "' content-type='application/octet-stream'");
  EXPECT_TRUE(Has(answer, "type='error'") && Has(answer, "<not-acceptable")) << answer;
  EXPECT_TRUE(Has(answer, "<file-too-large xmlns='urn:xmpp:http:upload:0'><max-file-size>" +
                              std::to_string(kMaxUpload) + "</max-file-size>"))
      << answer;
  // Bad sizes, names and types: bad-request.
  for (const std::string& bad : {
           std::string("filename='a.txt' size='0'"),
           std::string("filename='a.txt' size='-5'"),
           std::string("filename='a.txt' size='12abc'"),
           std::string("filename='a.txt' size='99999999999999999999999'"),
           std::string("filename='a.txt'"),
           std::string("size='10'"),
           std::string("filename='' size='10'"),
           std::string("filename='../etc/passwd' size='10'"),
           std::string("filename='a&#10;b' size='10'"),
           std::string("filename='" + std::string(300, 'x') + "' size='10'"),
           std::string("filename='a.txt' size='10' content-type='not a type'"),
           std::string("filename='a.txt' size='10' content-type='text/'"),
       }) {
    answer = RequestSlot(bad);
    EXPECT_TRUE(Has(answer, "type='error'") && Has(answer, "<bad-request"))
        << bad << ": " << answer;
  }
  // The stream is still fine.
  const Slot slot = SlotFor("ok.txt", 2, "text/plain");
  EXPECT_EQ(Http("PUT", slot.put_path, "ok").status, 201);
}

TEST_F(XmppUploadTest, TheStorageQuotaCountsSlotsAsUploads) {
  // A new server whose quota holds one slot of 200 kB but not two.
  server_.reset();
  Start({"--media-quota-bytes", "300000"});
  ASSERT_FALSE(HasFatalFailure());
  SlotFor("one.bin", 200'000, "application/octet-stream");
  const std::string answer = RequestSlot("filename='two.bin' size='200000'");
  EXPECT_TRUE(Has(answer, "type='wait'") && Has(answer, "<resource-constraint")) << answer;
}

TEST_F(XmppUploadTest, ForgedSwappedAndUsedTokensFindNothing) {
  const std::string text = "secret";
  const Slot slot = SlotFor("s.txt", text.size(), "text/plain");
  const std::string prefix = "/xmpp-upload/";
  const std::string put_token = slot.put_path.substr(prefix.size(), 64);
  const std::string get_token = slot.get_path.substr(prefix.size(), 64);
  std::string forged = put_token;
  forged[63] = forged[63] == '0' ? '1' : '0';  // the MAC's last digit
  for (const std::string& path : {
           prefix + forged + "/s.txt",                   // a MAC that does not hold
           prefix + std::string(64, '0') + "/s.txt",     // a made-up token
           prefix + get_token + "/s.txt",                // the GET token cannot PUT
           prefix + put_token.substr(0, 63) + "/s.txt",  // too short
           prefix + put_token + "0/s.txt",               // too long
           prefix + "/s.txt",                            // no token
           prefix + put_token,                           // no file name segment
       }) {
    EXPECT_EQ(Http("PUT", path, text).status, 404) << path;
  }
  // The PUT token does not GET, before or after.
  EXPECT_EQ(Http("GET", slot.put_path).status, 404);
  ASSERT_EQ(Http("PUT", slot.put_path, text).status, 201);
  EXPECT_EQ(Http("GET", slot.put_path).status, 404);
  EXPECT_EQ(Http("PUT", slot.put_path, text).status, 404) << "used";
  // The file name is for show: the GET token alone decides.
  EXPECT_EQ(Http("GET", prefix + get_token + "/other-name").raw_body, text);
  // Other methods: 405 naming the allowed ones; nothing changes.
  for (const std::string& method : {"POST", "DELETE", "PATCH"}) {
    HttpResponse refused = Http(method, slot.get_path, "x");
    EXPECT_EQ(refused.status, 405) << method;
    EXPECT_EQ(refused.headers["allow"], "PUT, GET, HEAD");
  }
  EXPECT_EQ(Http("GET", slot.get_path).raw_body, text);
}

TEST_F(XmppUploadTest, AWrongSizeIsRefusedBeforeTheBodyAndTheSlotStaysUsable) {
  const std::string text = "0123456789";
  const Slot slot = SlotFor("ten.txt", text.size(), "text/plain");
  EXPECT_EQ(Http("PUT", slot.put_path, "short").status, 422);
  EXPECT_EQ(Http("PUT", slot.put_path, text + "more").status, 413);
  EXPECT_EQ(Http("GET", slot.get_path).status, 404) << "nothing stored";
  // Chunked, without a length: refused too.
  auto chunked =
      RawHttpExchange(server_->port(), "PUT " + slot.put_path +
                                           " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                           "chunked\r\n\r\na\r\n0123456789\r\n0\r\n\r\n");
  ASSERT_TRUE(IsOk(chunked));
  EXPECT_EQ(chunked->status, 422);
  EXPECT_EQ(Http("PUT", slot.put_path, text).status, 201);
  EXPECT_EQ(Http("GET", slot.get_path).raw_body, text);
}

TEST_F(XmppUploadTest, BytesThatAreNotTheDeclaredImageAreRefusedAndTheSlotIsGone) {
  const std::string not_png(100'000, 'x');  // spans chunks, then fails the image check
  const Slot slot = SlotFor("fake.png", not_png.size(), "image/png");
  HttpResponse put = Http("PUT", slot.put_path, not_png, {{"Content-Type", "image/png"}});
  EXPECT_EQ(put.status, 415) << put.raw_body;
  EXPECT_EQ(Http("GET", slot.get_path).status, 404);
  EXPECT_EQ(Http("PUT", slot.put_path, not_png).status, 404) << "the upload was discarded";
}

TEST_F(XmppUploadTest, ABodyCutShortStoresNothing) {
  const std::string bytes(150'000, 'y');
  const Slot slot = SlotFor("cut.bin", bytes.size(), "application/octet-stream");
  {
    auto socket = RawSocket::Connect(server_->port());
    ASSERT_TRUE(IsOk(socket));
    ASSERT_TRUE(
        socket->WriteAll("PUT " + slot.put_path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                         std::to_string(bytes.size()) + "\r\n\r\n" + bytes.substr(0, 100'000)));
  }  // the connection is closed halfway
  // The server notices and abandons the upload: the PUT URL is gone (a wrong length on a live
  // slot would be 422).
  int status = 0;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       std::chrono::steady_clock::now() < deadline;) {
    status = Http("PUT", slot.put_path, "x").status;
    if (status == 404) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(status, 404);
  EXPECT_EQ(Http("GET", slot.get_path).status, 404);
}

TEST_F(XmppUploadTest, AnExpiredSlotTakesNoPut) {
  server_.reset();
  Start({"--upload-expiry-s", "1"});
  ASSERT_FALSE(HasFatalFailure());
  const Slot slot = SlotFor("late.txt", 4, "text/plain");
  // Once expired, the slot is 404 whatever is sent (before, a wrong length is 422).
  int status = 0;
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       std::chrono::steady_clock::now() < deadline;) {
    status = Http("PUT", slot.put_path, "x").status;
    if (status == 404) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 404);
  EXPECT_EQ(Http("PUT", slot.put_path, "late").status, 404);
}

// A raw stream: the body (and oob url) naming alice's own upload sends the media to the web
// app; a link to someone else's upload stays a link; a web-app image arrives with oob.
TEST_F(XmppUploadTest, MediaGoBothWaysBetweenXmppAndTheWebApp) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  const std::string png = EncodeImage("png", 120, 80);
  const Slot slot = SlotFor("cat.png", png.size(), "image/png");
  ASSERT_EQ(Http("PUT", slot.put_path, png, {{"Content-Type", "image/png"}}).status, 201);
  RawXmpp& alice = *alice_xmpp_;
  ASSERT_TRUE(alice.Write("<message to='bob@localhost' type='chat' id='cat-1'><body>" +
                          slot.get_url + "</body><x xmlns='jabber:x:oob'><url>" + slot.get_url +
                          "</url></x></message>"));
  auto message = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(message)) << server_->output();
  EXPECT_EQ((*message)["media"]["id"], MediaIdOf(slot));
  EXPECT_EQ((*message)["media"]["kind"], "image");
  EXPECT_EQ((*message).value("text", ""), "");
  // Bob, now a member of a conversation carrying it, fetches it as the web app does.
  auto fetched = ApiFor(*server_, &bob_)->Download("/api/v1/media/" + MediaIdOf(slot));
  ASSERT_TRUE(IsOk(fetched));
  EXPECT_EQ(fetched->status, 200);

  // Bob's own image from the web app reaches alice's stream as its URL, body and oob.
  auto bob_api = ApiFor(*server_, &bob_);
  auto photo = bob_api->Upload("dog.png", "image", EncodeImage("png", 64, 64));
  ASSERT_TRUE(IsOk(photo));
  alice.Clear();
  ASSERT_TRUE(IsOk((*bob_ws)->SendFields(json{{"to", alice_.id}, {"media", (*photo)["id"]}})));
  ASSERT_TRUE(alice.ReadFor("</message>")) << alice.text();
  const std::string received = alice.text();
  const size_t start = received.find("<url>") + 5;
  const std::string dog_url = received.substr(start, received.find("</url>") - start);
  EXPECT_TRUE(Has(received, "<x xmlns='jabber:x:oob'><url>")) << received;
  EXPECT_TRUE(Has(received, "<body>" + dog_url + "</body>")) << received;
  ASSERT_EQ(dog_url.rfind(server_->url() + "/xmpp-upload/", 0), 0u) << dog_url;
  HttpResponse dog = Http("GET", dog_url.substr(server_->url().size()));
  EXPECT_EQ(dog.status, 200);
  EXPECT_EQ(dog.headers["content-type"], "image/png");

  // Alice sending bob's URL back: not her upload, so a link as any text.
  ASSERT_TRUE(alice.Write("<message to='bob@localhost' type='chat' id='link-1'><body>" + dog_url +
                          "</body></message>"));
  auto link = (*bob_ws)->WaitFor([](const json& frame) {
    return client::IsType(frame, "message") && frame.value("id", "") == "link-1";
  });
  ASSERT_TRUE(IsOk(link));
  EXPECT_EQ((*link)["text"], dog_url);
  EXPECT_FALSE(link->contains("media") && !(*link)["media"].is_null());

  // The archive (MAM) carries both media as the live path does.
  alice.Clear();
  ASSERT_TRUE(
      alice.Write("<iq type='set' id='mam'><query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' "
                  "type='submit'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2"
                  "</value></field><field var='with'><value>bob@localhost</value></field></x>"
                  "</query></iq>"));
  ASSERT_TRUE(alice.ReadFor("</fin>")) << alice.text();
  EXPECT_TRUE(Has(alice.text(), "<body>" + slot.get_url + "</body><x xmlns='jabber:x:oob'><url>" +
                                    slot.get_url + "</url></x>"))
      << alice.text();
  EXPECT_TRUE(Has(alice.text(), "<url>" + dog_url + "</url>")) << alice.text();
  EXPECT_TRUE(Has(alice.text(), "<body>" + dog_url + "</body></message>")) << "the link as text";
}

// In a room too: a groupchat linking the sender's upload is a media message of the group, and
// the room's occupants get the URL with oob.
TEST_F(XmppUploadTest, AGroupchatLinkingAnUploadIsAGroupMediaMessage) {
  auto group = ApiFor(*server_, &alice_)->CreateGroup("pets", {bob_.id});
  ASSERT_TRUE(IsOk(group));
  const std::string room = std::to_string((*group)["id"].get<int64_t>()) + "@conference.localhost";
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  RawXmpp& alice = *alice_xmpp_;
  alice.Clear();
  ASSERT_TRUE(alice.Write("<presence to='" + room +
                          "/alice'><x xmlns='http://jabber.org/protocol/muc'><history "
                          "maxstanzas='0'/></x></presence>"));
  ASSERT_TRUE(alice.ReadFor("code='110'")) << alice.text();
  const std::string png = EncodeImage("png", 50, 50);
  const Slot slot = SlotFor("pet.png", png.size(), "image/png");
  ASSERT_EQ(Http("PUT", slot.put_path, png, {{"Content-Type", "image/png"}}).status, 201);
  alice.Clear();
  ASSERT_TRUE(alice.Write("<message to='" + room + "' type='groupchat' id='g-1'><body>" +
                          slot.get_url + "</body></message>"));
  auto message = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(message)) << server_->output();
  EXPECT_EQ((*message)["conversation_id"], (*group)["id"]);
  EXPECT_EQ((*message)["media"]["id"], MediaIdOf(slot));
  // Bob's image to the group reaches alice in the room as its URL with oob.
  auto photo = ApiFor(*server_, &bob_)->Upload("b.png", "image", EncodeImage("png", 30, 30));
  ASSERT_TRUE(IsOk(photo));
  alice.Clear();
  ASSERT_TRUE(IsOk(
      (*bob_ws)->SendFields(json{{"conversation_id", (*group)["id"]}, {"media", (*photo)["id"]}})));
  ASSERT_TRUE(alice.ReadFor("</x>")) << alice.text();
  EXPECT_TRUE(Has(alice.text(), "from='" + room + "/bob' type='groupchat'")) << alice.text();
  EXPECT_TRUE(Has(alice.text(), "<x xmlns='jabber:x:oob'><url>" + server_->url() + "/xmpp-upload/"))
      << alice.text();
}

// @xmpp/client finds the service by disco, PUTs with fetch and sends the URL; the web app sees
// an image; a web-app image reaches it with oob and it fetches the URL.
TEST_F(XmppUploadTest, AnXmppClientNoOneHereWroteSharesAndReceivesImages) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto started =
      PeerProcess::Start({PARLEY_NODE_PATH, "xmpp_upload.mjs", std::to_string(xmpp_port_),
                          "localhost", alice_.username, alice_.password},
                         PARLEY_PEERS_DIR);
  ASSERT_TRUE(IsOk(started));
  PeerProcess& peer = **started;
  auto event = [&](std::string_view name, const std::function<bool(const json&)>& also = nullptr) {
    return peer.WaitForLine(
        [&](const json& line) { return line.value("event", "") == name && (!also || also(line)); });
  };
  ASSERT_FALSE(event("online").is_null()) << server_->output();

  const std::string png = EncodeImage("png", 90, 60);
  peer.WriteLine(json{{"op", "share"},
                      {"to", "bob@localhost"},
                      {"filename", "from xmpp.png"},
                      {"content_type", "image/png"},
                      {"base64", Base64Encode(png)}}
                     .dump());
  json shared = event("result", [](const json& line) { return line["op"] == "share"; });
  ASSERT_TRUE(shared.value("ok", false)) << shared.dump() << server_->output();
  EXPECT_EQ(shared["service"], "upload.localhost");
  EXPECT_EQ(shared["max_file_size"], kMaxUpload);
  EXPECT_EQ(shared["put_status"], 201);
  auto message = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(message));
  ASSERT_TRUE(message->contains("media")) << message->dump();
  EXPECT_EQ((*message)["media"]["kind"], "image");
  EXPECT_EQ((*message)["media"]["width"], 90);
  auto fetched = ApiFor(*server_, &bob_)
                     ->Download("/api/v1/media/" + (*message)["media"]["id"].get<std::string>());
  ASSERT_TRUE(IsOk(fetched));
  EXPECT_EQ(fetched->status, 200);

  auto photo = ApiFor(*server_, &bob_)->Upload("to xmpp.png", "image", EncodeImage("png", 40, 30));
  ASSERT_TRUE(IsOk(photo));
  ASSERT_TRUE(IsOk((*bob_ws)->SendFields(json{{"to", alice_.id}, {"media", (*photo)["id"]}})));
  json received = event("message", [](const json& line) { return !line["oob_url"].is_null(); });
  ASSERT_FALSE(received.is_null());
  EXPECT_EQ(received["from"], "bob@localhost");
  EXPECT_EQ(received["body"], received["oob_url"]);
  peer.WriteLine(json{{"op", "fetch"}, {"url", received["oob_url"]}}.dump());
  json got = event("result", [](const json& line) { return line["op"] == "fetch"; });
  EXPECT_EQ(got["status"], 200) << got.dump();
  EXPECT_EQ(got["content_type"], "image/png");
}

}  // namespace
}  // namespace parley::e2e
