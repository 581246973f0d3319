// MailTest: a gtest fixture for tests of the mail parleyd sends: a real SMTP server on loopback
// (tests/peers/smtp_peer.mjs: the npm smtp-server with STARTTLS and AUTH, each mail read with
// mailparser, printed as one JSON line), a parleyd that sends through it, and helpers to wait
// for a mail, count mails and verify an address through the mailed link.
#ifndef PARLEY_TESTS_E2E_MAIL_FIXTURE_H_
#define PARLEY_TESTS_E2E_MAIL_FIXTURE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_ca.h"
#include "tests/support/child_process.h"

namespace parley::e2e {

inline constexpr std::chrono::milliseconds kMailWait{20000};
inline constexpr const char* kPublicUrl = "https://chat.example.org";

class MailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = TestCa::Create("Parley E-mail Test CA");
    ASSERT_TRUE(ca.ok()) << ca.status().message();
    ca_ = std::make_unique<TestCa>(std::move(*ca));
    auto cert = ca_->Issue("smtp", {"DNS:localhost", "IP:127.0.0.1"});
    ASSERT_TRUE(cert.ok()) << cert.status().message();
    ASSERT_TRUE(
        smtp_.Start({PARLEY_NODE_PATH, PARLEY_PEERS_DIR "/smtp_peer.mjs", "--cert", cert->cert_file,
                     "--key", cert->key_file, "--user", "parley", "--pass", "s3cret pass"}));
    auto line = smtp_.WaitForLine([](const std::string& l) { return l.starts_with("listening "); },
                                  kMailWait);
    ASSERT_TRUE(line) << "the SMTP peer did not start";
    smtp_port_ = line->substr(10);
  }

  void StartServer(std::vector<std::string> extra = {}) {
    ServerProcess::Options options;
    options.extra_args = {"--smtp-url",      "smtp://127.0.0.1:" + smtp_port_,
                          "--smtp-from",     "parley@chat.example.org",
                          "--smtp-username", "parley",
                          "--smtp-password", "s3cret pass",
                          "--smtp-ca-file",  ca_->ca_file(),
                          "--public-url",    kPublicUrl};
    options.extra_args.insert(options.extra_args.end(), extra.begin(), extra.end());
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status().message();
    server_ = std::move(*server);
  }

  TestUser MustCreate(const std::string& name) {
    auto user = CreateUser(*server_, name);
    EXPECT_TRUE(user.ok()) << user.status().message();
    return user.ok() ? *user : TestUser{};
  }

  // The next mail to `to` with `subject` not returned before.
  std::optional<nlohmann::json> NextMail(const std::string& to, const std::string& subject) {
    std::optional<nlohmann::json> found;
    smtp_.WaitForLine(
        [&](const std::string& line) {
          auto parsed = nlohmann::json::parse(line, nullptr, false);
          if (parsed.is_discarded() || !parsed.contains("mail")) return false;
          const nlohmann::json& mail = parsed["mail"];
          const std::string id = mail.value("messageId", "");
          if (seen_.contains(id) || mail.value("subject", "") != subject) return false;
          if (mail["to"] != nlohmann::json::array({to})) return false;
          found = mail;
          return true;
        },
        kMailWait);
    if (found) seen_.insert(found->value("messageId", ""));
    return found;
  }

  int MailsTo(const std::string& to) {
    int count = 0;
    for (const std::string& line : smtp_.lines()) {
      auto parsed = nlohmann::json::parse(line, nullptr, false);
      if (!parsed.is_discarded() && parsed.contains("mail") &&
          parsed["mail"]["to"] == nlohmann::json::array({to})) {
        ++count;
      }
    }
    return count;
  }

  // The token of a mail's link to the web app's `page`, checked to appear as a plain code too.
  static std::string TokenIn(const nlohmann::json& mail, const std::string& page) {
    const std::string text = mail.value("text", "");
    std::smatch match;
    const std::regex link(std::string(kPublicUrl) + "/" + page + "#(pt_[A-Za-z0-9_-]{43})");
    if (!std::regex_search(text, match, link)) {
      ADD_FAILURE() << "no link in: " << text;
      return "";
    }
    const std::string token = match[1];
    EXPECT_NE(text.find("  " + token + "\n\n"), text.find(token)) << "the code is also shown alone";
    return token;
  }

  // Sets and verifies `user`'s address through the mailed link.
  void VerifyAddress(const TestUser& user, const std::string& address) {
    auto api = ApiFor(*server_, &user);
    auto set = api->SetEmail(address, user.password);
    ASSERT_TRUE(IsOk(set));
    auto mail = NextMail(address, "Confirm your e-mail address");
    ASSERT_TRUE(mail) << "no verification mail to " << address;
    ASSERT_TRUE(IsOk(ApiFor(*server_)->VerifyEmail(TokenIn(*mail, "verify-email"))));
  }

  std::unique_ptr<TestCa> ca_;
  testing_support::ChildProcess smtp_;
  std::string smtp_port_;
  std::unique_ptr<ServerProcess> server_;
  std::set<std::string> seen_;
};

}  // namespace parley::e2e

#endif  // PARLEY_TESTS_E2E_MAIL_FIXTURE_H_
