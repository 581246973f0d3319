// STARTTLS on the XMPP listener (RFC 6120 section 5, docs/xmpp.md) of a real parleyd with a
// certificate from a CA made at test time (test_ca.h): @xmpp/client (tests/peers/
// xmpp_peer.mjs, trusting that CA through NODE_EXTRA_CA_CERTS) and a raw stream with
// OpenSSL's client both upgrade and log in; SASL before STARTTLS is refused; garbage in place
// of a TLS handshake closes only its own connection.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_ca.h"
#include "tests/e2e/xmpp_friends_fixture.h"

namespace parley::e2e {
namespace {

using json = nlohmann::json;

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='localhost' version='1.0'>";
constexpr std::string_view kStartTls = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
// "\0alice\0correct horse battery" (kTestPassword)
constexpr std::string_view kAlicePlain =
    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
    "AGFsaWNlAGNvcnJlY3QgaG9yc2UgYmF0dGVyeQ==</auth>";

// A client connection that speaks the stream in the clear, then, after StartTls(), over TLS
// with OpenSSL's client, trusting only `ca_file` and checking the name "localhost". Reads
// time out after 5 s.
class StartTlsClient {
 public:
  StartTlsClient(uint16_t port, const std::string& ca_file)
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)),
        context_(SSL_CTX_new(TLS_client_method())) {
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    SSL_CTX_load_verify_locations(context_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
  }
  ~StartTlsClient() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    SSL_CTX_free(context_);
    ::close(fd_);
  }

  bool connected() const { return connected_; }

  bool Write(std::string_view data) {
    if (ssl_ != nullptr) return SSL_write(ssl_, data.data(), static_cast<int>(data.size())) > 0;
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }

  // What arrived up to and including `needle` (everything so far if the connection ended or
  // the read timed out first); the rest stays for the next call.
  std::string ReadUntil(std::string_view needle) {
    size_t at;
    while ((at = in_.find(needle)) == std::string::npos) {
      char chunk[4096];
      const int n = ssl_ != nullptr ? SSL_read(ssl_, chunk, sizeof chunk)
                                    : static_cast<int>(::recv(fd_, chunk, sizeof chunk, 0));
      if (n <= 0) return std::exchange(in_, "");
      in_.append(chunk, static_cast<size_t>(n));
    }
    std::string out = in_.substr(0, at + needle.size());
    in_.erase(0, at + needle.size());
    return out;
  }

  // The client side of the TLS handshake on this connection.
  bool StartTls() {
    ssl_ = SSL_new(context_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    SSL_set1_host(ssl_, "localhost");
    return SSL_connect(ssl_) == 1;
  }

 private:
  int fd_;
  SSL_CTX* context_;
  SSL* ssl_ = nullptr;
  bool connected_ = false;
  std::string in_;
};

bool Has(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

class XmppStartTlsTest : public XmppFriendsFixture {
 protected:
  void SetUp() override {
    auto ca = TestCa::Create("Parley XMPP Test CA");
    ASSERT_TRUE(IsOk(ca));
    ca_ = std::make_unique<TestCa>(std::move(*ca));
    auto cert = ca_->Issue("localhost", {"DNS:localhost", "IP:127.0.0.1"});
    ASSERT_TRUE(IsOk(cert));
    cert_file_ = ca_->dir() + "/served.pem";
    key_file_ = ca_->dir() + "/served.key";
    std::filesystem::copy_file(cert->cert_file, cert_file_);
    std::filesystem::copy_file(cert->key_file, key_file_);
    ServerProcess::Options options;
    options.extra_args = {"--tls-cert", cert_file_,      "--tls-key",
                          key_file_,    "--xmpp-domain", "localhost"};
    options.tls_ca_file = ca_->ca_file();
    StartWithFriends(std::move(options));
  }

  // @xmpp/client as alice; it negotiates STARTTLS by itself when offered.
  std::unique_ptr<PeerProcess> StartAlicePeer() {
    ::setenv("NODE_EXTRA_CA_CERTS", ca_->ca_file().c_str(), 1);  // read by node at start
    auto peer =
        PeerProcess::Start({PARLEY_NODE_PATH, "xmpp_peer.mjs", std::to_string(xmpp_port_),
                            "localhost", alice_.username, std::string(kTestPassword), "tls"},
                           PARLEY_PEERS_DIR);
    EXPECT_TRUE(IsOk(peer));
    return peer.ok() ? std::move(*peer) : nullptr;
  }

  // alice (the peer) sends `text` to bob, who reads it on his WebSocket.
  void ExpectAliceReachesBob(PeerProcess& alice, client::WsClient& bob_ws, const std::string& text,
                             const std::string& id) {
    alice.WriteLine(
        json{{"op", "send"}, {"to", "bob@localhost"}, {"body", text}, {"id", id}}.dump());
    auto to_bob = bob_ws.WaitForType("message");
    ASSERT_TRUE(IsOk(to_bob)) << server_->output();
    EXPECT_EQ((*to_bob)["text"], text);
    EXPECT_EQ((*to_bob)["sender_id"], alice_.id);
  }

  // Whether a new stream's STARTTLS handshake succeeds (the certificate is for "localhost").
  bool NewStartTlsSucceeds() {
    StartTlsClient client(xmpp_port_, ca_->ca_file());
    if (!client.connected() || !client.Write(std::string(kHeader) + std::string(kStartTls))) {
      return false;
    }
    return Has(client.ReadUntil("<proceed"), "<proceed") && client.StartTls();
  }

  std::unique_ptr<TestCa> ca_;
  std::string cert_file_;  // the files served: the reload test replaces them
  std::string key_file_;
};

TEST_F(XmppStartTlsTest, XmppClientUpgradesLogsInAndChatsBothWays) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto alice = StartAlicePeer();
  ASSERT_TRUE(alice);
  json online = alice->WaitForLine([](const json& line) { return line["event"] == "online"; });
  ASSERT_FALSE(online.is_null()) << server_->output();
  EXPECT_EQ(online["jid"], "alice@localhost/tls");
  ASSERT_NO_FATAL_FAILURE(ExpectAliceReachesBob(*alice, **bob_ws, "over STARTTLS", "t-1"));
  ASSERT_TRUE(IsOk((*bob_ws)->SendToUser(alice_.id, "back over TLS", "w-1")));
  json to_alice = alice->WaitForLine(
      [](const json& line) { return line["event"] == "message" && !line["body"].is_null(); });
  EXPECT_EQ(to_alice["body"], "back over TLS");
}

TEST_F(XmppStartTlsTest, RawStreamUpgradesThenPlainIsOfferedAndLogsIn) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  StartTlsClient client(xmpp_port_, ca_->ca_file());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Write(kHeader));
  // In the clear: only STARTTLS, required; no SASL yet.
  const std::string clear = client.ReadUntil("</stream:features>");
  EXPECT_TRUE(
      Has(clear, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"))
      << clear;
  EXPECT_FALSE(Has(clear, "mechanism")) << clear;
  ASSERT_TRUE(client.Write(kStartTls));
  EXPECT_TRUE(Has(client.ReadUntil("/>"), "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'"));
  ASSERT_TRUE(client.StartTls());

  // Over TLS: a new stream whose features offer SASL, PLAIN among them, and no STARTTLS.
  ASSERT_TRUE(client.Write(kHeader));
  const std::string secure = client.ReadUntil("</stream:features>");
  EXPECT_TRUE(Has(secure, "<mechanism>PLAIN</mechanism>")) << secure;
  EXPECT_TRUE(Has(secure, "<mechanism>SCRAM-SHA-256</mechanism>")) << secure;
  EXPECT_FALSE(Has(secure, "starttls")) << secure;
  ASSERT_TRUE(client.Write(kAlicePlain));
  ASSERT_TRUE(Has(client.ReadUntil("</success>"), "<success")) << server_->output();
  ASSERT_TRUE(client.Write(kHeader));
  EXPECT_TRUE(Has(client.ReadUntil("</stream:features>"), "urn:ietf:params:xml:ns:xmpp-bind"));
  ASSERT_TRUE(
      client.Write("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                   "<resource>raw</resource></bind></iq>"));
  EXPECT_TRUE(Has(client.ReadUntil("</iq>"), "<jid>alice@localhost/raw</jid>"));
  ASSERT_TRUE(
      client.Write("<message to='bob@localhost' type='chat' id='r-1'><body>raw TLS</body>"
                   "</message>"));
  auto to_bob = (*bob_ws)->WaitForType("message");
  ASSERT_TRUE(IsOk(to_bob)) << server_->output();
  EXPECT_EQ((*to_bob)["text"], "raw TLS");
}

TEST_F(XmppStartTlsTest, SaslBeforeStartTlsAndBadHandshakesCloseOnlyTheirConnection) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto alice = StartAlicePeer();
  ASSERT_TRUE(alice);
  ASSERT_FALSE(
      alice->WaitForLine([](const json& line) { return line["event"] == "online"; }).is_null())
      << server_->output();

  // SASL (PLAIN or SCRAM) in the clear when STARTTLS is required: policy-violation, closed.
  const std::string scram =
      "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>"
      "biwsbj1hbGljZSxyPWFiY2RlZmdoaWprbG1ub3A=</auth>";
  for (const std::string& auth : {std::string(kAlicePlain), scram}) {
    auto raw = RawSocket::Connect(xmpp_port_);
    ASSERT_TRUE(IsOk(raw));
    raw->WriteAll(std::string(kHeader) + auth);
    raw->ReadUntil(
        [](const std::string& in) { return in.find("</stream:stream>") != std::string::npos; });
    EXPECT_TRUE(
        Has(raw->buffer(), "<policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"))
        << raw->buffer();
    EXPECT_FALSE(Has(raw->buffer(), "<success")) << raw->buffer();
    const ReadEnd closed = raw->DrainToEnd();
    EXPECT_TRUE(closed == ReadEnd::kEof || closed == ReadEnd::kReset);
  }

  // Garbage, an HTTP request, or nothing at all where the ClientHello should be.
  const std::vector<std::string> handshakes = {
      std::string(4096, '\x16'), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
      std::string("\x16\x03\x01\xff\xff", 5) + std::string(300, 'A'), ""};
  for (const std::string& garbage : handshakes) {
    auto raw = RawSocket::Connect(xmpp_port_);
    ASSERT_TRUE(IsOk(raw));
    raw->WriteAll(std::string(kHeader) + std::string(kStartTls));
    raw->ReadUntil([](const std::string& in) { return in.find("<proceed") != std::string::npos; });
    ASSERT_TRUE(Has(raw->buffer(), "<proceed")) << raw->buffer();
    if (garbage.empty()) {
      raw->Close();  // hangs up mid-upgrade
      continue;
    }
    raw->WriteAll(garbage);
    const ReadEnd closed = raw->DrainToEnd();
    EXPECT_TRUE(closed == ReadEnd::kEof || closed == ReadEnd::kReset) << garbage.substr(0, 20);
  }

  // STARTTLS once TLS is on is a TLS <failure/>, and the stream ends.
  StartTlsClient twice(xmpp_port_, ca_->ca_file());
  ASSERT_TRUE(twice.connected());
  ASSERT_TRUE(twice.Write(std::string(kHeader) + std::string(kStartTls)));
  twice.ReadUntil("<proceed");
  twice.ReadUntil("/>");
  ASSERT_TRUE(twice.StartTls());
  ASSERT_TRUE(twice.Write(std::string(kHeader) + std::string(kStartTls)));
  const std::string refused = twice.ReadUntil("</stream:stream>");
  EXPECT_TRUE(Has(refused, "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")) << refused;

  // alice's stream went on.
  ASSERT_NO_FATAL_FAILURE(ExpectAliceReachesBob(*alice, **bob_ws, "still here", "s-1"));
}

// SIGHUP reloads the certificate for new STARTTLS upgrades too; streams already upgraded go on.
TEST_F(XmppStartTlsTest, SighupSwapsTheCertificateForNewUpgrades) {
  auto bob_ws = ConnectUser(*server_, bob_);
  ASSERT_TRUE(IsOk(bob_ws));
  auto alice = StartAlicePeer();
  ASSERT_TRUE(alice);
  ASSERT_FALSE(
      alice->WaitForLine([](const json& line) { return line["event"] == "online"; }).is_null())
      << server_->output();
  ASSERT_TRUE(NewStartTlsSucceeds());

  // A certificate for another name: once loaded, a client that expects "localhost" refuses it.
  auto other = ca_->Issue("other", {"DNS:other.example"});
  ASSERT_TRUE(IsOk(other));
  for (const auto& [from, to] :
       {std::pair{other->cert_file, cert_file_}, std::pair{other->key_file, key_file_}}) {
    std::filesystem::copy_file(from, to + ".new",
                               std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(to + ".new", to);
  }
  server_->Signal(SIGHUP);
  ASSERT_TRUE(server_->WaitForOutput("tls_reloaded", std::chrono::seconds(5)));
  // The XMPP listener reloads right after the HTTPS one: wait for it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool refused = false;
  while (!refused && std::chrono::steady_clock::now() < deadline) refused = !NewStartTlsSucceeds();
  EXPECT_TRUE(refused);

  ASSERT_NO_FATAL_FAILURE(ExpectAliceReachesBob(*alice, **bob_ws, "after the reload", "h-1"));
}

}  // namespace
}  // namespace parley::e2e
