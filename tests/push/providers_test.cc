// FCM and APNs credentials and tokens: JWTs signed RS256/ES256 verify with OpenSSL; keys,
// service-account files and device tokens that are wrong, hostile or oversized are refused
// with a typed error; provider tokens are reused and replaced on time; the bodies' shapes.
#include "push/providers.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <nlohmann/json.hpp>

#include "push/apns_sender.h"
#include "base/base64.h"
#include "push/fcm_auth.h"
#include "push/fcm_sender.h"
#include "push/jwt.h"
#include "push/target_rules.h"

namespace parley::push {
namespace {

using nlohmann::json;

struct Key {
  EVP_PKEY* key;
  ~Key() { EVP_PKEY_free(key); }
  std::string Pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(length));
    BIO_free(bio);
    return pem;
  }
};
Key Rsa(unsigned bits) { return Key{EVP_RSA_gen(bits)}; }
Key Ec(const char* curve) { return Key{EVP_EC_gen(curve)}; }

bool Verify(const Key& key, std::string_view jwt, bool es256) {
  const size_t last = jwt.rfind('.');
  const std::string input(jwt.substr(0, last));
  std::string signature = *Base64UrlDecode(jwt.substr(last + 1));
  if (es256) {  // JWS r || s to DER
    if (signature.size() != 64) return false;
    ECDSA_SIG* sig = ECDSA_SIG_new();
    const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, nullptr), BN_bin2bn(raw + 32, 32, nullptr));
    unsigned char* der = nullptr;
    const int length = i2d_ECDSA_SIG(sig, &der);
    signature.assign(reinterpret_cast<char*>(der), static_cast<size_t>(length));
    OPENSSL_free(der);
    ECDSA_SIG_free(sig);
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.key) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(input.data()),
                       input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

json Part(std::string_view jwt, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) start = jwt.find('.', start) + 1;
  return json::parse(*Base64UrlDecode(jwt.substr(start, jwt.find('.', start) - start)));
}

TEST(Jwt, SignsRs256AndEs256ThatVerify) {
  const Key rsa = Rsa(2048);
  auto signer = SigningKey::FromPem(rsa.Pem(), SigningKey::Algorithm::kRs256, "key");
  ASSERT_TRUE(signer.ok()) << signer.status().message();
  auto jwt = (*signer)->Sign(R"({"kid":"k1"})", R"({"iss":"me"})");
  ASSERT_TRUE(jwt.ok());
  EXPECT_TRUE(Verify(rsa, *jwt, false));
  EXPECT_EQ(Part(*jwt, 0), json({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "k1"}}));
  EXPECT_EQ(Part(*jwt, 1), json({{"iss", "me"}}));

  const Key ec = Ec("P-256");
  auto es = SigningKey::FromPem(ec.Pem(), SigningKey::Algorithm::kEs256, "key");
  ASSERT_TRUE(es.ok()) << es.status().message();
  auto token = (*es)->Sign("{}", R"({"iss":"team"})");
  ASSERT_TRUE(token.ok());
  EXPECT_TRUE(Verify(ec, *token, true));
  EXPECT_EQ(Part(*token, 0)["alg"], "ES256");
  EXPECT_FALSE(Verify(Ec("P-256"), *token, true));  // another key does not verify it
}

TEST(Jwt, RefusesWrongWeakAndHostileKeys) {
  using A = SigningKey::Algorithm;
  auto code = [](std::string_view pem, A algorithm) {
    return SigningKey::FromPem(pem, algorithm, "key").status().code();
  };
  EXPECT_EQ(code("", A::kRs256), Code::kInvalidArgument);
  EXPECT_EQ(code("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", A::kRs256),
            Code::kInvalidArgument);
  EXPECT_EQ(code(Ec("P-256").Pem(), A::kRs256), Code::kInvalidArgument);
  EXPECT_EQ(code(Rsa(1024).Pem(), A::kRs256), Code::kInvalidArgument);
  EXPECT_EQ(code(Rsa(2048).Pem(), A::kEs256), Code::kInvalidArgument);
  EXPECT_EQ(code(Ec("P-384").Pem(), A::kEs256), Code::kInvalidArgument);
  EXPECT_EQ(code(std::string(70000, 'A'), A::kEs256), Code::kInvalidArgument);
}

json ServiceAccount(const std::string& pem) {
  return {{"type", "service_account"},
          {"project_id", "my-project-1"},
          {"private_key_id", "abc"},
          {"private_key", pem},
          {"client_email", "svc@my-project-1.iam.gserviceaccount.com"},
          {"token_uri", "https://oauth2.googleapis.com/token"}};
}

TEST(FcmAuth, ParsesAServiceAccountAndSignsTheDocumentedAssertion) {
  const Key rsa = Rsa(2048);
  auto account = ParseServiceAccount(ServiceAccount(rsa.Pem()).dump(), false);
  ASSERT_TRUE(account.ok()) << account.status().message();
  EXPECT_EQ(account->project_id, "my-project-1");
  HttpClient http({});
  FcmAuth auth(*account, http);
  auto assertion = auth.Assertion(1'700'000'000);
  ASSERT_TRUE(assertion.ok());
  EXPECT_TRUE(Verify(rsa, *assertion, false));
  EXPECT_EQ(Part(*assertion, 0)["kid"], "abc");
  EXPECT_EQ(Part(*assertion, 1),
            json({{"iss", "svc@my-project-1.iam.gserviceaccount.com"},
                  {"scope", "https://www.googleapis.com/auth/firebase.messaging"},
                  {"aud", "https://oauth2.googleapis.com/token"},
                  {"iat", 1'700'000'000},
                  {"exp", 1'700'003'600}}));
}

TEST(FcmAuth, RefusesMalformedServiceAccounts) {
  const std::string pem = Rsa(2048).Pem();
  auto refused = [&](const std::function<void(json&)>& change, bool allow_http = false) {
    json account = ServiceAccount(pem);
    change(account);
    auto parsed = ParseServiceAccount(account.dump(), allow_http);
    return !parsed.ok() && parsed.status().code() == Code::kInvalidArgument;
  };
  EXPECT_EQ(ParseServiceAccount("{not json", false).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseServiceAccount("[]", false).status().code(), Code::kInvalidArgument);
  EXPECT_TRUE(refused([](json& a) { a["type"] = "authorized_user"; }));
  EXPECT_TRUE(refused([](json& a) { a.erase("client_email"); }));
  EXPECT_TRUE(refused([](json& a) { a["token_uri"] = 5; }));
  EXPECT_TRUE(refused([](json& a) { a["project_id"] = "../../other/messages"; }));
  EXPECT_TRUE(refused([](json& a) { a["token_uri"] = "http://oauth2.example/token"; }));
  EXPECT_FALSE(refused([](json& a) { a["token_uri"] = "http://127.0.0.1:1/token"; }, true));
  EXPECT_TRUE(refused([&](json& a) { a["private_key"] = Ec("P-256").Pem(); }));
  EXPECT_TRUE(refused([](json& a) { a["private_key"] = "not a key"; }));
}

TEST(Providers, LoadRefusesMissingFilesAndIncompleteApnsSettings) {
  HttpClient http({});
  ProviderOptions options;
  options.fcm_service_account_file = "/nonexistent/service_account.json";
  EXPECT_EQ(Providers::Load(options, http, false, 60).status().code(), Code::kInvalidArgument);
  options = {};
  options.apns_key_file = "/dev/null";
  EXPECT_EQ(Providers::Load(options, http, false, 60).status().code(), Code::kInvalidArgument);
  options.apns = {.key_id = "ABC", .team_id = "TEAM", .topic = "org.example\r\nX: y"};
  EXPECT_EQ(Providers::Load(options, http, false, 60).status().code(), Code::kInvalidArgument);
  options = {};
  auto none = Providers::Load(options, http, false, 60);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ((*none)->fcm(), nullptr);
  EXPECT_EQ((*none)->apns(), nullptr);
}

TEST(Apns, ProviderTokensAreReusedAndReplacedBeforeAnHour) {
  const Key ec = Ec("P-256");
  auto key = SigningKey::FromPem(ec.Pem(), SigningKey::Algorithm::kEs256, "key");
  ASSERT_TRUE(key.ok());
  HttpClient http({});
  ApnsSender sender(std::move(*key), http, {.key_id = "KEY1", .team_id = "TEAM1", .topic = "t"});
  const int64_t start = 1'700'000'000'000;
  auto first = sender.ProviderToken(start);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(Verify(ec, *first, true));
  EXPECT_EQ(Part(*first, 0)["kid"], "KEY1");
  EXPECT_EQ(Part(*first, 1), json({{"iss", "TEAM1"}, {"iat", 1'700'000'000}}));
  EXPECT_EQ(*sender.ProviderToken(start + kApnsTokenRefreshMs - 1), *first);
  auto later = sender.ProviderToken(start + kApnsTokenRefreshMs);
  ASSERT_TRUE(later.ok());
  EXPECT_NE(*later, *first);
  EXPECT_LT(kApnsTokenRefreshMs, 60 * 60 * 1000);
  EXPECT_GE(kApnsTokenRefreshMs, 20 * 60 * 1000);
}

TEST(Bodies, FcmAndApnsCarryTheSamePayload) {
  Job job;
  job.kind = Notification::Kind::kMessage;
  job.conversation_id = 7;
  job.seq = 42;
  job.sender_id = 3;
  job.title = "Ann";
  job.body = "hi";
  job.count = 2;
  job.collapse_key = "c7";
  const json apns = json::parse(ApnsSender::NotificationJson(job));
  EXPECT_EQ(apns["aps"]["alert"], json({{"title", "Ann"}, {"body", "2 new messages: hi"}}));
  EXPECT_EQ(apns["aps"]["thread-id"], "c7");
  EXPECT_EQ(apns["parley"]["seq"], 42);
  EXPECT_FALSE(apns["aps"].contains("badge"));
  EXPECT_EQ(json::parse(ApnsSender::NotificationJson(job, 5))["aps"]["badge"], 5);
  const Key rsa = Rsa(2048);
  auto account = ParseServiceAccount(ServiceAccount(rsa.Pem()).dump(), false);
  ASSERT_TRUE(account.ok());
  HttpClient http({});
  FcmAuth auth(*account, http);
  FcmSender fcm(auth, http, "https://fcm.googleapis.com", "my-project-1", 3600);
  const json message = json::parse(fcm.MessageJson(job, "tok"))["message"];
  EXPECT_EQ(message["token"], "tok");
  EXPECT_EQ(message["notification"]["body"], "2 new messages: hi");
  EXPECT_EQ(message["data"]["seq"], "42");
  EXPECT_EQ(message["data"]["count"], "2");
  EXPECT_EQ(message["android"]["ttl"], "3600s");
  EXPECT_EQ(message["android"]["collapse_key"], "c7");
  EXPECT_FALSE(message["android"]["notification"].contains("notification_count"));
  const json badged = json::parse(fcm.MessageJson(job, "tok", 4))["message"];
  EXPECT_EQ(badged["android"]["notification"]["notification_count"], 4);
  EXPECT_EQ(badged["data"]["badge"], "4");
}

TEST(TargetRules, DeviceTokens) {
  EXPECT_TRUE(CheckFcmToken("dGVzdA:APA91b-x_y.z").ok());
  EXPECT_FALSE(CheckFcmToken("").ok());
  EXPECT_FALSE(CheckFcmToken("a/b").ok());
  EXPECT_FALSE(CheckFcmToken("a\nb").ok());
  EXPECT_FALSE(CheckFcmToken(std::string(1025, 'a')).ok());
  EXPECT_TRUE(CheckApnsToken(std::string(64, 'a')).ok());
  EXPECT_TRUE(CheckApnsToken(std::string(160, 'F')).ok());
  EXPECT_FALSE(CheckApnsToken(std::string(63, 'a')).ok());
  EXPECT_FALSE(CheckApnsToken(std::string(65, 'a')).ok());
  EXPECT_FALSE(CheckApnsToken(std::string(202, 'a')).ok());
  EXPECT_FALSE(CheckApnsToken(std::string(63, 'a') + "/").ok());
}

}  // namespace
}  // namespace parley::push
