// Web Push cryptography against the RFC 8291 test vector, VAPID JWTs, base64url, the webhook
// signature, endpoint and key rules, and what each preview level lets through.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>

#include "base/base64.h"
#include "push/payload.h"
#include "push/target_rules.h"
#include "push/web_push_crypto.h"
#include "push/webhook_sender.h"
#include "tests/support/temp_dir.h"

namespace parley::push {
namespace {

std::string B64(std::string_view text) { return *Base64UrlDecode(text); }

// RFC 8291, Appendix A.
TEST(WebPushCrypto, MatchesRfc8291TestVector) {
  auto body = EncryptWebPushWith("When I grow up, I want to be a watermelon",
                                 B64("BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-"
                                     "AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
                                 B64("BTBZMqHH6r4Tts7J_aSIgg"), B64("DGv6ra1nlYgDCS1FRnbzlw"),
                                 B64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"));
  ASSERT_TRUE(body.ok()) << body.status().message();
  EXPECT_EQ(Base64UrlEncode(*body),
            "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocI"
            "nmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWG"
            "NWQexSgSxsj_Qulcy4a-fN");
}

TEST(WebPushCrypto, RefusesBadKeysAndOversizedPayloads) {
  const std::string ua = B64(
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
  const std::string auth = B64("BTBZMqHH6r4Tts7J_aSIgg");
  EXPECT_TRUE(EncryptWebPush("hi", ua, auth).ok());
  EXPECT_EQ(EncryptWebPush(std::string(kMaxWebPushPlaintext + 1, 'x'), ua, auth).status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(EncryptWebPush(std::string(kMaxWebPushPlaintext, 'x'), ua, auth)->size(), 4096u);
  std::string off_curve = ua;
  off_curve[40] ^= 1;
  EXPECT_EQ(EncryptWebPush("hi", off_curve, auth).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(EncryptWebPush("hi", ua, "short").status().code(), Code::kInvalidArgument);
}

TEST(Vapid, JwtVerifiesWithThePublicKeyAndPersists) {
  testing_support::TempDir dir;
  const std::string path = (std::filesystem::path(dir.path()) / "vapid.pem").string();
  auto box = std::move(*auth::SecretBox::FromKey(std::string(auth::SecretBox::kKeyBytes, 'k')));
  auto key = VapidKey::LoadOrCreate(path, *box);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ((std::filesystem::status(path).permissions() & std::filesystem::perms::group_all),
            std::filesystem::perms::none);
  auto again = VapidKey::LoadOrCreate(path, *box);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->public_key(), (*key)->public_key());

  auto jwt = (*key)->SignJwt("https://push.example:8443", "mailto:ops@example.org", 1700000000);
  ASSERT_TRUE(jwt.ok());
  const size_t dot1 = jwt->find('.');
  const size_t dot2 = jwt->rfind('.');
  EXPECT_EQ(*Base64UrlDecode(jwt->substr(0, dot1)), R"({"typ":"JWT","alg":"ES256"})");
  EXPECT_EQ(
      *Base64UrlDecode(jwt->substr(dot1 + 1, dot2 - dot1 - 1)),
      R"({"aud":"https://push.example:8443","exp":1700000000,"sub":"mailto:ops@example.org"})");
  EXPECT_EQ(Base64UrlDecode(jwt->substr(dot2 + 1))->size(), 64u);
  auto header = (*key)->AuthorizationHeader("https://a", "mailto:x@y", 1);
  ASSERT_TRUE(header.ok());
  EXPECT_TRUE(header->starts_with("vapid t="));
  EXPECT_TRUE(header->ends_with(", k=" + (*key)->public_key_base64url()));
}

TEST(Webhook, SignatureIsHmacSha256OfTimestampAndBody) {
  // RFC 4231 test case 2.
  std::string hex;
  for (unsigned char c : HmacSha256("Jefe", "what do ya want for nothing?")) {
    hex += "0123456789abcdef"[c >> 4];
    hex += "0123456789abcdef"[c & 15];
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // The webhook signs "<timestamp>.<body>".
  EXPECT_EQ(
      WebhookSignature("Jefe", 0, "body"), "v1=" + [] {
        std::string h;
        for (unsigned char c : HmacSha256("Jefe", "0.body")) {
          h += "0123456789abcdef"[c >> 4];
          h += "0123456789abcdef"[c & 15];
        }
        return h;
      }());
  EXPECT_NE(WebhookSignature("k", 1, "b"), WebhookSignature("k", 2, "b"));
}

TEST(TargetRules, Endpoints) {
  EXPECT_EQ(ParseEndpoint("https://push.example.com/x/y?z", false)->origin,
            "https://push.example.com");
  EXPECT_EQ(ParseEndpoint("https://push.example.com:8443/x", false)->host, "push.example.com");
  EXPECT_EQ(ParseEndpoint("http://[::1]:9/x", true)->host, "::1");
  for (std::string bad : {"", "http://a/x", "ftp://a", "https://", "https://u:p@a/x",
                          "https://a/x#f", "https://a/ x", "https://a/\x01", "javascript:x"}) {
    EXPECT_EQ(ParseEndpoint(bad, false).status().code(), Code::kInvalidArgument) << bad;
  }
  EXPECT_FALSE(ParseEndpoint("https://a/" + std::string(kMaxEndpointBytes, 'x'), false).ok());
}

TEST(TargetRules, SubscriptionKeys) {
  Target target;
  EXPECT_TRUE(
      DecodeSubscriptionKeys(
          "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
          "BTBZMqHH6r4Tts7J_aSIgg", target)
          .ok());
  EXPECT_EQ(target.p256dh.size(), 65u);
  EXPECT_EQ(target.auth.size(), 16u);
  EXPECT_FALSE(DecodeSubscriptionKeys("AAAA", "BTBZMqHH6r4Tts7J_aSIgg", target).ok());
  EXPECT_FALSE(
      DecodeSubscriptionKeys(
          "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
          "BTBZ", target)
          .ok());
}

TEST(Payload, PreviewLevelsDecideWhatLeavesTheServer) {
  Notification n;
  n.kind = Notification::Kind::kMessage;
  n.conversation_id = 7;
  n.seq = 3;
  n.sender_id = 2;
  n.text = "the secret plan";
  Job full = MakeJob(n, Preview::kFull, "Alice");
  EXPECT_EQ(full.title, "Alice");
  EXPECT_EQ(full.body, "the secret plan");
  EXPECT_EQ(full.collapse_key, "c7");
  Job sender = MakeJob(n, Preview::kSender, "Alice");
  EXPECT_EQ(sender.title, "Alice");
  EXPECT_EQ(sender.body, "");
  EXPECT_EQ(PayloadJson(sender).find("secret"), std::string::npos);
  Job none = MakeJob(n, Preview::kNone, "Alice");
  const std::string json = PayloadJson(none);
  EXPECT_EQ(json.find("Alice"), std::string::npos);
  EXPECT_EQ(json.find("secret"), std::string::npos);
  EXPECT_EQ(json.find("sender_id"), std::string::npos);
  EXPECT_NE(json.find(R"("body":"New message")"), std::string::npos);
  none.count = 3;
  EXPECT_NE(PayloadJson(none).find(R"("body":"3 new messages")"), std::string::npos);
  EXPECT_EQ(Stricter(Preview::kFull, Preview::kSender), Preview::kSender);
  EXPECT_EQ(Stricter(Preview::kNone, Preview::kFull), Preview::kNone);
}

TEST(Payload, GroupNamesFollowThePreviewLevel) {
  Notification n;
  n.kind = Notification::Kind::kMessage;
  n.conversation_id = 9;
  n.sender_id = 2;
  n.text = "lunch?";
  EXPECT_EQ(MakeJob(n, Preview::kFull, "Alice", "Climbing club").title, "Alice · Climbing club");
  EXPECT_EQ(MakeJob(n, Preview::kSender, "Alice", "Climbing club").title, "Alice · Climbing club");
  const std::string none = PayloadJson(MakeJob(n, Preview::kNone, "Alice", "Climbing club"));
  EXPECT_EQ(none.find("Climbing"), std::string::npos);
  EXPECT_EQ(MakeJob(n, Preview::kFull, "Alice").title, "Alice");  // a direct conversation
  n.kind = Notification::Kind::kAddedToGroup;
  EXPECT_EQ(MakeJob(n, Preview::kFull, "Alice", "Climbing club").body,
            "added you to Climbing club");
  EXPECT_EQ(PayloadJson(MakeJob(n, Preview::kNone, "Alice", "Climbing club")).find("Climbing"),
            std::string::npos);
}

TEST(Payload, CutsPreviewsAtCharacterBoundaries) {
  const std::string text = std::string(kMaxPreviewBytes - 1, 'a') + "你好";
  const std::string cut = CutUtf8(text, kMaxPreviewBytes);
  EXPECT_EQ(cut, std::string(kMaxPreviewBytes - 1, 'a') + "…");
  EXPECT_EQ(CutUtf8("short", 10), "short");
}

}  // namespace
}  // namespace parley::push
