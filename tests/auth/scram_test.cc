// SCRAM-SHA-256, the server side: RFC 7677's test vector, and refusals of bad messages.
#include "auth/scram.h"

#include <gtest/gtest.h>

#include "base/base64.h"

namespace parley::auth {
namespace {

// RFC 7677 section 3.
constexpr std::string_view kClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr std::string_view kClientFinal =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr std::string_view kServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

ScramServer Rfc7677Server() {
  Result<ScramClientFirst> first = ParseScramClientFirst(kClientFirst);
  EXPECT_TRUE(first.ok());
  return ScramServer(
      *first, DeriveScramCredentials("pencil", *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096),
      kServerNonce);
}

TEST(Scram, Rfc7677TestVector) {
  Result<ScramClientFirst> first = ParseScramClientFirst(kClientFirst);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->username, "user");
  EXPECT_EQ(first->nonce, "rOprNGfwEbeRWgbNEkqO");
  EXPECT_EQ(first->gs2_header, "n,,");
  ScramServer server = Rfc7677Server();
  EXPECT_EQ(server.server_first(), kServerFirst);
  Result<std::string> final_message = server.Finish(kClientFinal);
  ASSERT_TRUE(final_message.ok()) << final_message.status().message();
  EXPECT_EQ(*final_message, kServerFinal);
}

TEST(Scram, WrongProofNonceOrBindingIsUnauthenticated) {
  ScramServer server = Rfc7677Server();
  const std::string wrong_proof =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=eHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  const std::string wrong_nonce =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k1,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  const std::string wrong_binding =
      "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  for (const std::string& message : {wrong_proof, wrong_nonce, wrong_binding}) {
    EXPECT_EQ(server.Finish(message).status().code(), Code::kUnauthenticated) << message;
  }
  // The wrong password gives other keys.
  ScramServer other(
      *ParseScramClientFirst(kClientFirst),
      DeriveScramCredentials("pencil2", *Base64Decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096),
      kServerNonce);
  EXPECT_EQ(other.Finish(kClientFinal).status().code(), Code::kUnauthenticated);
}

TEST(Scram, RefusesBadClientFirstMessages) {
  const std::vector<std::pair<std::string, Code>> cases = {
      {"", Code::kMalformed},
      {"n", Code::kMalformed},
      {"n,", Code::kMalformed},
      {"x,,n=user,r=abc", Code::kMalformed},
      {"p=tls-unique,,n=user,r=abc", Code::kInvalidArgument},
      {"n,,m=ext,n=user,r=abc", Code::kInvalidArgument},
      {"n,,r=abc,n=user", Code::kMalformed},
      {"n,,n=user", Code::kMalformed},
      {"n,,n=,r=abc", Code::kMalformed},
      {"n,,n=us=er,r=abc", Code::kMalformed},
      {"n,,n=user,r=", Code::kMalformed},
      {"n,,n=user,r=a b", Code::kMalformed},
      {"n,,n=user,,r=abc", Code::kMalformed},
      {"n,a=admin,n=user,r=abc", Code::kInvalidArgument},
      {"n,b=user,n=user,r=abc", Code::kMalformed},
      {std::string("n,,n=us\0er,r=abc", 16), Code::kMalformed},
  };
  for (const auto& [message, code] : cases) {
    EXPECT_EQ(ParseScramClientFirst(message).status().code(), code) << message;
  }
  Result<ScramClientFirst> escaped = ParseScramClientFirst("y,a=a=2Cb=3D,n=a=2Cb=3D,r=xyz,e=1");
  ASSERT_TRUE(escaped.ok());
  EXPECT_EQ(escaped->username, "a,b=");
}

TEST(Scram, RefusesBadClientFinalMessages) {
  ScramServer server = Rfc7677Server();
  for (std::string_view message :
       {"", "c=biws", "p=abc", "c=biws,r=x,p=", "c=biws,r=x,p=!!!!", "r=x,c=biws,p=AAAA",
        "c=biws,r=x,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ", "c=biws,r=x,p=AAAA"}) {
    EXPECT_EQ(server.Finish(message).status().code(), Code::kMalformed) << message;
  }
}

TEST(Scram, NewCredentialsHaveAFreshSalt) {
  store::ScramCredentials a = NewScramCredentials("pencil", kScramIterations);
  store::ScramCredentials b = NewScramCredentials("pencil", kScramIterations);
  EXPECT_EQ(a.salt.size(), 16u);
  EXPECT_NE(a.salt, b.salt);
  EXPECT_NE(a.stored_key, b.stored_key);
  EXPECT_EQ(a.iterations, 4096);
  EXPECT_EQ(NewScramNonce().find(','), std::string::npos);
}

}  // namespace
}  // namespace parley::auth
