// TLS served by parleyd itself (docs/security.md, "TLS"): a real parleyd with a certificate from
// a CA made at test time (tests/e2e/test_ca.h). The HTTP API, the WebSocket and the CLI over
// https:// and wss://; clients refuse a certificate from another CA or for another name; TLS
// 1.0/1.1 and non-AEAD suites are refused; plain HTTP, garbage and a stalled handshake on the
// TLS port are closed without harm; SIGHUP swaps the certificate for new connections while open
// ones go on (and a broken file keeps the old one); the plain-HTTP listener only redirects;
// responses carry Strict-Transport-Security.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "client/http_api.h"
#include "client/ws_client.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/raw_wire.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_ca.h"

#ifndef PARLEY_CLI_PATH
#define PARLEY_CLI_PATH "parley"
#endif

namespace parley::e2e {
namespace {

using std::chrono::milliseconds;

// Copies `from` over `to` atomically (a reload must never read half a file).
void Replace(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to + ".new", std::filesystem::copy_options::overwrite_existing);
  std::filesystem::rename(to + ".new", to);
}

// Whether a TLS handshake with 127.0.0.1:port succeeds when the client offers only protocol
// versions [min_version, max_version] and, for TLS 1.2, only `ciphers` (OpenSSL's own client,
// at security level 0 so that it is willing to offer old versions at all).
bool HandshakeSucceeds(uint16_t port, int min_version, int max_version, const char* ciphers) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
    SSL_CTX* context = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_security_level(context, 0);
    SSL_CTX_set_min_proto_version(context, min_version);
    SSL_CTX_set_max_proto_version(context, max_version);
    SSL_CTX_set_cipher_list(context, ciphers);
    SSL* ssl = SSL_new(context);
    SSL_set_fd(ssl, fd);
    ok = SSL_connect(ssl) == 1;
    SSL_free(ssl);
    SSL_CTX_free(context);
  }
  ::close(fd);
  return ok;
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = TestCa::Create("Parley Test CA");
    ASSERT_TRUE(IsOk(ca));
    ca_ = std::make_unique<TestCa>(std::move(*ca));
    auto good = ca_->Issue("localhost", {"DNS:localhost", "IP:127.0.0.1"});
    ASSERT_TRUE(IsOk(good));
    good_ = *good;
    cert_ = ca_->dir() + "/served.pem";
    key_ = ca_->dir() + "/served.key";
    Replace(good_.cert_file, cert_);
    Replace(good_.key_file, key_);
    ServerProcess::Options options;
    options.extra_args = {
        "--tls-cert",          cert_, "--tls-key", key_, "--http-redirect-listen", "127.0.0.1:0",
        "--header-timeout-ms", "1000"};
    options.tls_ca_file = ca_->ca_file();
    auto server = ServerProcess::Start(std::move(options));
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
  }

  // The redirect listener's port, from "parleyd redirecting http://127.0.0.1:PORT to https".
  uint16_t RedirectPort() {
    const std::string prefix = "parleyd redirecting http://127.0.0.1:";
    const std::string output = server_->output();
    const size_t at = output.find(prefix);
    return at == std::string::npos
               ? 0
               : static_cast<uint16_t>(std::atoi(output.c_str() + at + prefix.size()));
  }

  // An endpoint of the server that trusts `ca_file` instead of the test CA.
  client::Endpoint EndpointTrusting(const std::string& ca_file) {
    client::Endpoint endpoint = server_->endpoint();
    EXPECT_TRUE(IsOk(endpoint.UseCaFile(ca_file)));
    return endpoint;
  }

  // Makes alice and bob, each with a WebSocket open over TLS.
  void ConnectAliceAndBob() {
    auto alice = CreateUser(*server_, "alice");
    ASSERT_TRUE(IsOk(alice));
    alice_ = *alice;
    auto bob = CreateUser(*server_, "bob");
    ASSERT_TRUE(IsOk(bob));
    bob_ = *bob;
    auto alice_ws = ConnectUser(*server_, alice_);
    ASSERT_TRUE(IsOk(alice_ws));
    alice_ws_ = std::move(*alice_ws);
    auto bob_ws = ConnectUser(*server_, bob_);
    ASSERT_TRUE(IsOk(bob_ws));
    bob_ws_ = std::move(*bob_ws);
  }

  // alice sends `text` to bob on the open WebSockets; bob receives it.
  void ExpectRelayed(const std::string& text) {
    ASSERT_TRUE(IsOk(alice_ws_->SendToUser(bob_.id, text)));
    auto delivered = bob_ws_->WaitForType("message");
    ASSERT_TRUE(IsOk(delivered));
    EXPECT_EQ((*delivered)["text"], text);
  }

  std::unique_ptr<TestCa> ca_;
  IssuedCert good_;
  std::string cert_;  // the files the server was started with; the reload test replaces them
  std::string key_;
  std::unique_ptr<ServerProcess> server_;
  TestUser alice_;
  TestUser bob_;
  std::unique_ptr<client::WsClient> alice_ws_;
  std::unique_ptr<client::WsClient> bob_ws_;
};

TEST_F(TlsTest, ApiWebSocketAndHstsOverTls) {
  ASSERT_NO_FATAL_FAILURE(ConnectAliceAndBob());
  ASSERT_NO_FATAL_FAILURE(ExpectRelayed("over TLS 🔒"));

  auto api = ApiFor(*server_, &alice_);
  auto response = api->Request("GET", "/api/v1/account");
  ASSERT_TRUE(IsOk(response));
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->headers["strict-transport-security"], "max-age=31536000");
}

TEST_F(TlsTest, ClientsRefuseACertificateFromAnotherCa) {
  auto rogue = TestCa::Create("Someone Elses CA");
  ASSERT_TRUE(IsOk(rogue));
  client::HttpApi api(EndpointTrusting(rogue->ca_file()));
  auto registered = api.Register("mallory", kTestPassword);
  ASSERT_FALSE(registered.ok());
  EXPECT_EQ(registered.status().code(), Code::kUnavailable);
  EXPECT_NE(registered.status().message().find("certificate verify failed"), std::string::npos)
      << registered.status().message();

  client::WsClient ws;
  Status connected = ws.Connect(EndpointTrusting(rogue->ca_file()));
  EXPECT_FALSE(connected.ok());

  // The system's CAs do not know the test CA either.
  client::Endpoint system = server_->endpoint();
  system.tls_context.reset();
  client::HttpApi defaults(system);
  EXPECT_FALSE(defaults.Register("mallory", kTestPassword).ok());
  // Nothing reached the server: the name is still free.
  EXPECT_TRUE(IsOk(CreateUser(*server_, "mallory")));
}

TEST_F(TlsTest, OnlyTls12And13WithAeadSuitesAreAccepted) {
  const uint16_t port = server_->port();
  EXPECT_TRUE(HandshakeSucceeds(port, TLS1_3_VERSION, TLS1_3_VERSION, "DEFAULT"));
  EXPECT_TRUE(
      HandshakeSucceeds(port, TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256"));
  EXPECT_TRUE(
      HandshakeSucceeds(port, TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305"));
  EXPECT_FALSE(HandshakeSucceeds(port, TLS1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0"));
  // TLS 1.2 with CBC suites (no AEAD), even with ECDHE.
  EXPECT_FALSE(HandshakeSucceeds(port, TLS1_2_VERSION, TLS1_2_VERSION,
                                 "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384"));
}

TEST_F(TlsTest, PlainHttpGarbageAndStalledHandshakesAreClosed) {
  {
    auto raw = RawSocket::Connect(server_->port());
    ASSERT_TRUE(IsOk(raw));
    ASSERT_TRUE(raw->WriteAll("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    std::string seen;
    raw->ReadUntil([&](const std::string& b) {
      seen = b;
      return false;
    });
    EXPECT_EQ(seen.find("HTTP/1.1"), std::string::npos) << "no HTTP answer on the TLS port";
  }
  {
    auto raw = RawSocket::Connect(server_->port());
    ASSERT_TRUE(IsOk(raw));
    std::mt19937 random(13);
    std::string garbage(64 * 1024, '\0');
    for (char& c : garbage) c = static_cast<char>(random());
    raw->WriteAll(garbage);  // the server may close before it is all written
    const ReadEnd end = raw->DrainToEnd();
    EXPECT_TRUE(end == ReadEnd::kEof || end == ReadEnd::kReset);
  }
  {
    // The start of a ClientHello record, then silence: closed after --header-timeout-ms.
    auto raw = RawSocket::Connect(server_->port());
    ASSERT_TRUE(IsOk(raw));
    ASSERT_TRUE(raw->WriteAll(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)));
    const auto started = std::chrono::steady_clock::now();
    const ReadEnd end = raw->DrainToEnd(milliseconds(5000));
    EXPECT_TRUE(end == ReadEnd::kEof || end == ReadEnd::kReset);
    EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(4000));
  }
  {
    // A connection that sends nothing at all is closed the same way.
    auto raw = RawSocket::Connect(server_->port());
    ASSERT_TRUE(IsOk(raw));
    const ReadEnd end = raw->DrainToEnd(milliseconds(5000));
    EXPECT_TRUE(end == ReadEnd::kEof || end == ReadEnd::kReset);
  }
  // The server is fine.
  EXPECT_TRUE(IsOk(CreateUser(*server_, "after")));
  EXPECT_TRUE(server_->running());
}

TEST_F(TlsTest, SighupSwapsTheCertificateAndOpenConnectionsGoOn) {
  ASSERT_NO_FATAL_FAILURE(ConnectAliceAndBob());

  // A certificate from the same CA for another name: once loaded, clients that expect
  // 127.0.0.1 refuse new connections.
  auto other = ca_->Issue("other", {"DNS:other.example"});
  ASSERT_TRUE(IsOk(other));
  Replace(other->cert_file, cert_);
  Replace(other->key_file, key_);
  server_->Signal(SIGHUP);
  ASSERT_TRUE(server_->WaitForOutput("tls_reloaded", milliseconds(5000)));
  client::HttpApi fresh(server_->endpoint());
  auto refused = fresh.Register("carol", kTestPassword);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("certificate verify failed"), std::string::npos)
      << refused.status().message();

  // The WebSockets opened before the reload still carry messages.
  ASSERT_NO_FATAL_FAILURE(ExpectRelayed("still here"));

  // A broken certificate file is refused on reload; the server keeps the one it has.
  {
    std::ofstream broken(cert_ + ".broken");
    broken << "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n";
  }
  Replace(cert_ + ".broken", cert_);
  server_->Signal(SIGHUP);
  ASSERT_TRUE(server_->WaitForOutput("tls_reload_failed", milliseconds(5000)));
  EXPECT_FALSE(client::HttpApi(server_->endpoint()).Register("carol", kTestPassword).ok());

  // Back to the right name: new connections succeed again.
  Replace(good_.cert_file, cert_);
  Replace(good_.key_file, key_);
  const size_t reloads_before = server_->output().find("tls_reloaded");
  server_->Signal(SIGHUP);
  ASSERT_TRUE(server_->WaitForOutput("tls_reloaded", milliseconds(5000)));
  bool second_reload = false;
  for (int i = 0; i < 500 && !second_reload; ++i) {  // bounded wait for the second log line
    second_reload = server_->output().find("tls_reloaded", reloads_before + 1) != std::string::npos;
    if (!second_reload) std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_TRUE(second_reload);
  EXPECT_TRUE(IsOk(CreateUser(*server_, "carol")));
  ASSERT_NO_FATAL_FAILURE(ExpectRelayed("after the second reload"));
}

TEST_F(TlsTest, PlainHttpListenerOnlyRedirects) {
  const uint16_t port = RedirectPort();
  ASSERT_NE(port, 0);
  const std::string https = "https://127.0.0.1:" + std::to_string(server_->port());
  {
    auto raw = RawSocket::Connect(port);
    ASSERT_TRUE(IsOk(raw));
    ASSERT_TRUE(raw->WriteAll("POST /api/v1/sessions?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" +
                              std::to_string(port) + "\r\nContent-Length: 2\r\n\r\n{}"));
    auto response = ReadHttpResponse(*raw);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, 308);
    EXPECT_NE(response->head.find("\r\nLocation: " + https + "/api/v1/sessions?x=1\r\n"),
              std::string::npos)
        << response->head;
    EXPECT_EQ(raw->DrainToEnd(), ReadEnd::kEof);  // one answer, then the connection ends
  }
  for (const std::string host : {"", "Host: a b\r\n", "Host: evil.example/path\r\n"}) {
    auto raw = RawSocket::Connect(port);
    ASSERT_TRUE(IsOk(raw));
    ASSERT_TRUE(raw->WriteAll("GET / HTTP/1.1\r\n" + host + "\r\n"));
    auto response = ReadHttpResponse(*raw);
    ASSERT_TRUE(IsOk(response));
    EXPECT_EQ(response->status, 400) << host;
    EXPECT_EQ(response->head.find("Location"), std::string::npos);
  }
  {
    auto raw = RawSocket::Connect(port);
    ASSERT_TRUE(IsOk(raw));
    ASSERT_TRUE(raw->WriteAll("GET /" + std::string(16 * 1024, 'a') + " HTTP/1.1\r\n\r\n"));
    const ReadEnd end = raw->DrainToEnd();
    EXPECT_TRUE(end == ReadEnd::kEof || end == ReadEnd::kReset);
  }
}

// Runs the CLI against the TLS server; returns its exit code and output.
std::pair<int, std::string> RunCli(const std::string& config_dir, const std::string& arguments) {
  const std::string command = "PARLEY_CONFIG_DIR='" + config_dir + "' PARLEY_PASSWORD='" +
                              std::string(kTestPassword) + "' '" + PARLEY_CLI_PATH + "' " +
                              arguments + " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  std::array<char, 4096> buffer;
  size_t got = 0;
  while ((got = fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    output.append(buffer.data(), got);
  const int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

TEST_F(TlsTest, CliSpeaksHttpsWithItsCaFileAndRefusesWithout) {
  const std::string dir = ca_->dir() + "/cli";
  const std::string server = "--server " + server_->url() + " ";
  auto [refused, refused_output] = RunCli(dir, server + "register dave");
  EXPECT_NE(refused, 0);
  EXPECT_NE(refused_output.find("certificate verify failed"), std::string::npos) << refused_output;
  const std::string trusted = server + "--ca-file " + ca_->ca_file() + " ";
  auto [registered, registered_output] = RunCli(dir, trusted + "register dave");
  EXPECT_EQ(registered, 0) << registered_output;
  auto [logged_in, login_output] = RunCli(dir, trusted + "login dave");
  EXPECT_EQ(logged_in, 0) << login_output;
  auto [whoami, whoami_output] = RunCli(dir, trusted + "whoami");
  EXPECT_EQ(whoami, 0) << whoami_output;
  EXPECT_NE(whoami_output.find("dave"), std::string::npos) << whoami_output;
  auto [missing, missing_output] = RunCli(dir, server + "--ca-file /nonexistent/ca.pem whoami");
  EXPECT_NE(missing, 0);
  EXPECT_NE(missing_output.find("CA file"), std::string::npos) << missing_output;
}

}  // namespace
}  // namespace parley::e2e
