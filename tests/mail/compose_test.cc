#include "mail/compose.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace parley::mail {
namespace {

std::string DecodeBase64(const std::string& text) {
  std::string out(text.size(), '\0');
  size_t length = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.c_str(),
                        text.size(), "\r\n", &length, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0) {
    return "<bad base64>";
  }
  out.resize(length);
  return out;
}

TEST(ComposeTest, AcceptsPlainAddressesOnly) {
  for (const char* good :
       {"a@b", "alice@example.org", "a.b+tag@sub.example.org", "x_y-z@1.2.3.4"}) {
    EXPECT_TRUE(IsPlainAddress(good)) << good;
  }
  const std::string long_local(250, 'a');
  for (const std::string bad :
       {std::string(""), std::string("alice"), std::string("@example.org"), std::string("alice@"),
        std::string("a@b@c"), std::string("a b@c"), std::string("<a@b>"), std::string("a@b,c@d"),
        std::string("a@b;c"), std::string("a@b\r\nRCPT TO:<x@y>"), std::string("a@b\n"),
        std::string("\"a\"@b"), std::string("a@.b"), std::string("a@b."), std::string("a@b..c"),
        std::string("é@b"), std::string("a@b\0c", 5), long_local + "@b.org"}) {
    EXPECT_FALSE(IsPlainAddress(bad)) << bad;
  }
}

TEST(ComposeTest, RefusesHeaderInjectionAndOversizedParts) {
  const Mail good{"bob@example.org", "Hello", "text"};
  EXPECT_TRUE(CheckMail(good).ok());
  for (const Mail& bad :
       {Mail{"bob@example.org", "a\r\nBcc: eve@evil.example", "x"},
        Mail{"bob@example.org", "a\nBcc: eve@evil.example", "x"},
        Mail{"bob@example.org", std::string(201, 's'), "x"}, Mail{"bob@example.org", "\xff", "x"},
        Mail{"bob@example.org", "s", "\xc3"},
        Mail{"bob@example.org", "s", std::string(64 * 1024 + 1, 't')},
        Mail{"bob@example.org>\r\nX: y", "s", "x"}}) {
    Status status = CheckMail(bad);
    EXPECT_EQ(status.code(), Code::kInvalidArgument) << bad.subject.substr(0, 40);
    EXPECT_FALSE(ComposeMessage(bad, "parley@example.org", 0, "id").ok());
  }
  EXPECT_FALSE(ComposeMessage(good, "not an address", 0, "id").ok());
}

TEST(ComposeTest, WritesHeadersAndABase64Body) {
  const Mail mail{"bob@example.org", "Reset your password", "line one\n.\nline three 你好"};
  auto message = ComposeMessage(mail, "parley@chat.example.org", 86400, "abc123");
  ASSERT_TRUE(message.ok());
  EXPECT_NE(message->find("Date: Fri, 02 Jan 1970 00:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(message->find("From: <parley@chat.example.org>\r\n"), std::string::npos);
  EXPECT_NE(message->find("To: <bob@example.org>\r\n"), std::string::npos);
  EXPECT_NE(message->find("Subject: Reset your password\r\n"), std::string::npos);
  EXPECT_NE(message->find("Message-ID: <abc123@chat.example.org>\r\n"), std::string::npos);
  EXPECT_NE(message->find("Content-Transfer-Encoding: base64\r\n\r\n"), std::string::npos);
  const size_t body_at = message->find("\r\n\r\n") + 4;
  const std::string body = message->substr(body_at);
  for (size_t at = 0; at < body.size();) {
    const size_t end = body.find("\r\n", at);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - at, 76u);
    at = end + 2;
  }
  EXPECT_EQ(DecodeBase64(body), "line one\r\n.\r\nline three 你好");
}

TEST(ComposeTest, EncodesNonAsciiSubjectsAsWholeCharacters) {
  const std::string subject = "Réinitialisez votre mot de passe 🔑 — 重置密码 重置密码 重置密码";
  auto message = ComposeMessage(Mail{"a@b.org", subject, "x"}, "p@b.org", 0, "id");
  ASSERT_TRUE(message.ok());
  const size_t start = message->find("Subject: ") + 9;
  const size_t end = message->find("\r\nMessage-ID:");
  std::string header = message->substr(start, end - start);
  std::string decoded;
  for (size_t at = 0; (at = header.find("=?UTF-8?B?", at)) != std::string::npos;) {
    const size_t close = header.find("?=", at + 10);
    ASSERT_NE(close, std::string::npos);
    const std::string word = DecodeBase64(header.substr(at + 10, close - at - 10));
    EXPECT_TRUE(word.empty() || (static_cast<unsigned char>(word[0]) & 0xC0) != 0x80)
        << "a word starts inside a character";
    decoded += word;
    EXPECT_LE(close + 2 - at, 76u);
    at = close + 2;
  }
  EXPECT_EQ(decoded, subject);
}

}  // namespace
}  // namespace parley::mail
