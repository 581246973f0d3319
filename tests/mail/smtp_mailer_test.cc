// SmtpMailer against a real SMTP server on loopback: tests/peers/smtp_peer.mjs (the npm
// smtp-server package, STARTTLS with a certificate from a CA made at test time, AUTH required),
// which reads each mail with mailparser and prints it as JSON. Covers delivery over STARTTLS
// with AUTH (UTF-8 subject and text, a lone "." line), and the refusals: a wrong password, a
// server that does not offer STARTTLS, a certificate from another CA, a full queue.
#include "mail/smtp_mailer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>

#include "tests/e2e/test_ca.h"
#include "tests/support/child_process.h"

namespace parley::mail {
namespace {

using std::chrono::milliseconds;
using testing_support::ChildProcess;

constexpr milliseconds kWait{15000};

class SmtpMailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = e2e::TestCa::Create("Parley Mail Test CA");
    ASSERT_TRUE(ca.ok()) << ca.status().message();
    ca_ = std::make_unique<e2e::TestCa>(std::move(*ca));
    auto cert = ca_->Issue("smtp", {"DNS:localhost", "IP:127.0.0.1"});
    ASSERT_TRUE(cert.ok()) << cert.status().message();
    cert_ = *cert;
  }

  // Starts the peer; returns its port (0 on failure).
  uint16_t StartPeer(bool starttls = true) {
    std::vector<std::string> argv = {"node",   PARLEY_PEERS_DIR "/smtp_peer.mjs",
                                     "--cert", cert_.cert_file,
                                     "--key",  cert_.key_file,
                                     "--user", "parley",
                                     "--pass", "s3cret pass"};
    if (!starttls) argv.push_back("--no-starttls");
    if (!peer_.Start(argv)) return 0;
    auto line =
        peer_.WaitForLine([](const std::string& l) { return l.starts_with("listening "); }, kWait);
    if (!line) {
      for (const auto& l : peer_.lines()) ADD_FAILURE() << "peer: " << l;
      return 0;
    }
    return static_cast<uint16_t>(std::stoi(line->substr(10)));
  }

  SmtpOptions OptionsFor(uint16_t port) {
    SmtpOptions options;
    options.url = "smtp://127.0.0.1:" + std::to_string(port);
    options.from = "parley@chat.example.org";
    options.username = "parley";
    options.password = "s3cret pass";
    options.ca_file = ca_->ca_file();
    options.timeout_ms = 10000;
    return options;
  }

  // The mails the peer received so far.
  std::vector<nlohmann::json> Received() {
    std::vector<nlohmann::json> mails;
    for (const std::string& line : peer_.lines()) {
      if (!line.starts_with("{")) continue;
      auto json = nlohmann::json::parse(line, nullptr, false);
      if (!json.is_discarded() && json.contains("mail")) mails.push_back(json["mail"]);
    }
    return mails;
  }

  std::unique_ptr<e2e::TestCa> ca_;
  e2e::IssuedCert cert_;
  ChildProcess peer_;
};

TEST_F(SmtpMailerTest, DeliversOverStartTlsWithAuth) {
  const uint16_t port = StartPeer();
  ASSERT_NE(port, 0);
  auto mailer = SmtpMailer::Start(OptionsFor(port));
  ASSERT_TRUE(mailer.ok()) << mailer.status().message();
  const std::string text = "Bonjour 👋\n.\nYour code: 123456\n你好";
  ASSERT_TRUE((*mailer)->Send(Mail{"bob@example.org", "Vérifiez votre adresse 🔑", text}).ok());
  auto line =
      peer_.WaitForLine([](const std::string& l) { return l.starts_with("{\"mail\""); }, kWait);
  ASSERT_TRUE(line.has_value());
  const auto mails = Received();
  ASSERT_EQ(mails.size(), 1u);
  const nlohmann::json& mail = mails[0];
  EXPECT_EQ(mail["from"], "parley@chat.example.org");
  EXPECT_EQ(mail["to"], nlohmann::json::array({"bob@example.org"}));
  EXPECT_EQ(mail["subject"], "Vérifiez votre adresse 🔑");
  EXPECT_EQ(mail["text"], text);
  EXPECT_EQ(mail["secure"], true);  // the mail went over STARTTLS
  EXPECT_EQ(mail["user"], "parley");
  EXPECT_TRUE(mail["messageId"].get<std::string>().ends_with("@chat.example.org>"));
  (*mailer)->Stop();
  EXPECT_EQ((*mailer)->stats().sent, 1);
}

TEST_F(SmtpMailerTest, WrongPasswordIsRefused) {
  const uint16_t port = StartPeer();
  ASSERT_NE(port, 0);
  SmtpOptions options = OptionsFor(port);
  options.password = "wrong";
  Status sent = SendOverSmtp(options, Mail{"bob@example.org", "s", "t"});
  EXPECT_EQ(sent.code(), Code::kUnavailable);
  EXPECT_TRUE(
      peer_.WaitForLine([](const std::string& l) { return l == "auth-failed parley"; }, kWait));
  EXPECT_TRUE(Received().empty());
}

TEST_F(SmtpMailerTest, NoMailWithoutStartTls) {
  const uint16_t port = StartPeer(/*starttls=*/false);
  ASSERT_NE(port, 0);
  Status sent = SendOverSmtp(OptionsFor(port), Mail{"bob@example.org", "s", "t"});
  EXPECT_EQ(sent.code(), Code::kUnavailable);
  EXPECT_TRUE(Received().empty());
}

TEST_F(SmtpMailerTest, CertificateFromAnotherCaIsRefused) {
  const uint16_t port = StartPeer();
  ASSERT_NE(port, 0);
  auto rogue = e2e::TestCa::Create("Another CA");
  ASSERT_TRUE(rogue.ok());
  SmtpOptions options = OptionsFor(port);
  options.ca_file = rogue->ca_file();
  Status sent = SendOverSmtp(options, Mail{"bob@example.org", "s", "t"});
  EXPECT_EQ(sent.code(), Code::kUnavailable);
  EXPECT_TRUE(Received().empty());
}

TEST_F(SmtpMailerTest, QueueIsBoundedAndStopDoesNotWaitForTheQueue) {
  // A server that accepts the TCP connection and never greets: the one send under way hangs
  // until its timeout, the queue fills.
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(listen(listener, 16), 0);
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  SmtpOptions options = OptionsFor(ntohs(address.sin_port));
  options.queue_limit = 2;
  options.attempts = 1;
  options.timeout_ms = 2000;
  auto mailer = SmtpMailer::Start(options);
  ASSERT_TRUE(mailer.ok());
  int accepted = 0;
  for (int i = 0; i < 4; ++i) {
    if ((*mailer)->Send(Mail{"bob@example.org", "s", "t"}).ok()) ++accepted;
  }
  EXPECT_GE(accepted, 2);  // the queue's two, and maybe one already taken by the thread
  EXPECT_LE(accepted, 3);
  EXPECT_GE((*mailer)->stats().refused, 1);
  EXPECT_EQ((*mailer)->Send(Mail{"not an address", "s", "t"}).code(), Code::kInvalidArgument);
  const auto started = std::chrono::steady_clock::now();
  (*mailer)->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(5000));
  EXPECT_EQ((*mailer)->Send(Mail{"bob@example.org", "s", "t"}).code(), Code::kUnavailable);
  close(listener);
}

TEST(SmtpMailerOptionsTest, RefusesUnusableOptions) {
  SmtpOptions options;
  options.from = "parley@example.org";
  for (const char* url : {"", "http://mail.example.org", "mail.example.org:25"}) {
    options.url = url;
    EXPECT_EQ(SmtpMailer::Start(options).status().code(), Code::kInvalidArgument) << url;
  }
  options.url = "smtp://127.0.0.1:25";
  options.from = "parley";
  EXPECT_EQ(SmtpMailer::Start(options).status().code(), Code::kInvalidArgument);
}

}  // namespace
}  // namespace parley::mail
