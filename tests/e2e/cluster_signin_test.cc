// Two parleyd nodes on one PostgreSQL database and one Redis server, behind no sticky balancer:
// each step of a sign-in may go to either node (docs/operations.md, "Several nodes"). The
// password on one node and the two-step code on the other; wrong codes and wrong passwords
// alternating between the nodes meet the delays after as many as on one node (docs/security.md,
// "Limits in a cluster"); an admin setup token printed by one node is claimed on the other, after
// which no node's token makes another admin.
#include <gtest/gtest.h>

#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "auth/totp.h"
#include "tests/e2e/cluster_fixture.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/server_process.h"

namespace parley::e2e {
namespace {

using nlohmann::json;

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

client::HttpResponse Post(const ServerProcess& node, const std::string& target, const json& body,
                          const TestUser* user = nullptr) {
  auto response = ApiFor(node, user)->Request("POST", target, body.dump());
  EXPECT_TRUE(IsOk(response));
  return response.ok() ? *response : client::HttpResponse{};
}

client::HttpResponse Login(const ServerProcess& node, const TestUser& user) {
  return Post(node, "/api/v1/sessions",
              {{"username", user.username}, {"password", user.password}, {"device", "2fa"}});
}

client::HttpResponse SecondStep(const ServerProcess& node, const std::string& challenge,
                                const std::string& code) {
  return Post(node, "/api/v1/sessions/second-factor", {{"challenge", challenge}, {"code", code}});
}

// Turns two-step sign-in on for `user` on `node`; returns the seed.
std::string Enrol(const ServerProcess& node, const TestUser& user) {
  auto started = Post(node, "/api/v1/account/2fa/totp", {{"password", user.password}}, &user);
  EXPECT_EQ(started.status, 201) << started.raw_body;
  auto seed = auth::Base32Decode(started.body.value("secret", ""));
  EXPECT_TRUE(IsOk(seed));
  if (!seed.ok()) return "";
  auto confirmed = Post(node, "/api/v1/account/2fa/totp/confirm",
                        {{"code", auth::TotpCode(*seed, Now() - 30)}}, &user);
  EXPECT_EQ(confirmed.status, 200) << confirmed.raw_body;
  return *seed;
}

class ClusterSignInTest : public ::testing::Test {
 protected:
  void StartCluster(const std::string& database) {
    auto cluster = TwoNodeCluster::Start(database, {});
    ASSERT_TRUE(IsOk(cluster));
    cluster_ = std::move(*cluster);
  }

  std::unique_ptr<TwoNodeCluster> cluster_;
};

TEST_F(ClusterSignInTest, ThePasswordOnOneNodeAndTheCodeOnTheOther) {
  ASSERT_NO_FATAL_FAILURE(StartCluster("signin_code"));
  const ServerProcess& node_0 = (*cluster_)[0];
  const ServerProcess& node_1 = (*cluster_)[1];
  auto alice = CreateUser(node_0, "alice");
  ASSERT_TRUE(IsOk(alice));
  const std::string seed = Enrol(node_0, *alice);
  for (int round = 0; round < 2; ++round) {  // each way round
    const ServerProcess& first = round == 0 ? node_0 : node_1;
    const ServerProcess& second = round == 0 ? node_1 : node_0;
    auto login = Login(first, *alice);
    ASSERT_EQ(login.status, 202) << login.raw_body;
    const std::string challenge = login.body.at("challenge");
    // A wrong code on the other node puts the challenge back there: it still works.
    EXPECT_EQ(SecondStep(second, challenge, "000000").status, 401);
    auto session = SecondStep(second, challenge, auth::TotpCode(seed, Now() + 30 * round));
    ASSERT_EQ(session.status, 201) << session.raw_body;
    EXPECT_EQ(session.body["user"]["username"], "alice");
    // Used: on neither node again.
    EXPECT_EQ(SecondStep(first, challenge, auth::TotpCode(seed, Now() - 30)).status, 401);
  }
}

TEST_F(ClusterSignInTest, WrongCodesOverBothNodesMeetTheDelayOfOneNode) {
  ASSERT_NO_FATAL_FAILURE(StartCluster("signin_backoff"));
  const ServerProcess& node_0 = (*cluster_)[0];
  const ServerProcess& node_1 = (*cluster_)[1];
  auto alice = CreateUser(node_0, "alice");
  ASSERT_TRUE(IsOk(alice));
  Enrol(node_0, *alice);
  auto login = Login(node_0, *alice);
  auto other = Login(node_1, *alice);
  ASSERT_EQ(login.status, 202);
  ASSERT_EQ(other.status, 202);
  const std::string challenge = login.body.at("challenge");
  // As on one node (tests/e2e/two_factor_test.cc): five wrong codes are free, the sixth makes
  // the account wait, whichever challenge and node bring the next.
  for (int i = 0; i < 5; ++i) {
    auto wrong = SecondStep((*cluster_)[i % 2], challenge, "00000" + std::to_string(i));
    EXPECT_EQ(wrong.status, 401) << i << " " << wrong.raw_body;
    EXPECT_NE(wrong.raw_body.find("wrong or already used code"), std::string::npos)
        << i << " " << wrong.raw_body;
  }
  EXPECT_EQ(SecondStep(node_1, other.body.at("challenge"), "000005").status, 401);
  auto limited = SecondStep(node_0, other.body.at("challenge"), "123456");
  EXPECT_EQ(limited.status, 429) << limited.raw_body;
  limited = SecondStep(node_1, other.body.at("challenge"), "123456");
  EXPECT_EQ(limited.status, 429) << limited.raw_body;
}

TEST_F(ClusterSignInTest, WrongPasswordsOverBothNodesMeetTheDelayOfOneNode) {
  ASSERT_NO_FATAL_FAILURE(StartCluster("signin_passwords"));
  auto alice = CreateUser((*cluster_)[0], "alice");
  ASSERT_TRUE(IsOk(alice));
  TestUser wrong = *alice;
  wrong.password = "not the password";
  // As on one node (auth/login_limits.h): five failures from one address are free, the sixth
  // makes that address wait before its next try, on whichever node it comes to.
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(Login((*cluster_)[i % 2], wrong).status, 401) << i;
  }
  EXPECT_EQ(Login((*cluster_)[0], wrong).status, 429);
  EXPECT_EQ(Login((*cluster_)[1], *alice).status, 429);  // the right password waits too
}

TEST_F(ClusterSignInTest, OneNodesSetupTokenIsClaimedOnTheOtherThenNoneWorks) {
  ASSERT_NO_FATAL_FAILURE(StartCluster("signin_setup"));
  const ServerProcess& node_0 = (*cluster_)[0];
  const ServerProcess& node_1 = (*cluster_)[1];
  auto token_0 = AdminSetupToken(node_0);
  auto token_1 = AdminSetupToken(node_1);
  ASSERT_TRUE(IsOk(token_0));
  ASSERT_TRUE(IsOk(token_1));
  EXPECT_NE(*token_0, *token_1);  // each node that starts with no admin prints its own
  auto first = CreateUser(node_0, "first");
  auto second = CreateUser(node_0, "second");
  ASSERT_TRUE(IsOk(first));
  ASSERT_TRUE(IsOk(second));
  ASSERT_TRUE(IsOk(ApiFor(node_1, &*first)->ClaimAdminSetup(*token_0)));
  auto account = ApiFor(node_0, &*first)->Account();
  ASSERT_TRUE(IsOk(account));
  EXPECT_TRUE(account->at("user").at("is_admin").get<bool>());
  // Spent on every node; and with an admin, the other node's token makes no second one.
  EXPECT_EQ(ApiFor(node_0, &*second)->ClaimAdminSetup(*token_0).code(), Code::kForbidden);
  EXPECT_EQ(ApiFor(node_0, &*second)->ClaimAdminSetup(*token_1).code(), Code::kForbidden);
  EXPECT_EQ(ApiFor(node_1, &*second)->ClaimAdminSetup(*token_1).code(), Code::kForbidden);
}

}  // namespace
}  // namespace parley::e2e
