// Signing in with OpenID Connect on two parleyd nodes that share one PostgreSQL database and one
// Redis server, behind no sticky balancer (docs/operations.md, "Several nodes"): the login
// starts on one node, and the provider's callback, the finish and the new account's step come
// to the other one, or back; a state is used once across the nodes; and an account without a
// password proves its identity on one node for one change on any. The provider is
// tests/peers/oidc_peer.mjs as in oidc_test.cc; the browser is driven by hand (cookie_browser.h).
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/e2e/cluster_fixture.h"
#include "tests/e2e/cookie_browser.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/server_process.h"
#include "tests/support/temp_dir.h"

namespace parley::e2e {
namespace {

using json = nlohmann::json;

constexpr const char* kPublicUrl = "http://chat.example.org";
constexpr const char* kCallback = "http://chat.example.org/api/v1/auth/oidc/test/callback";
constexpr const char* kClientSecret = "cluster client secret";

class ClusterOidcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto peer = PeerProcess::Start({PARLEY_NODE_PATH, "oidc_peer.mjs", "--redirect-uri", kCallback,
                                    "--client-id", "parley", "--client-secret", kClientSecret},
                                   PARLEY_PEERS_DIR);
    ASSERT_TRUE(IsOk(peer));
    peer_ = std::move(*peer);
    json listening = peer_->WaitForLine([](const json& l) { return l.contains("listening"); });
    ASSERT_FALSE(listening.is_null()) << "the OpenID provider did not start";
    issuer_ = listening["issuer"];
    const std::string secret_file = dir_.path() + "/client-secret";
    std::ofstream(secret_file) << kClientSecret << "\n";
    auto cluster = TwoNodeCluster::Start(
        "cluster_oidc",
        {"--public-url", kPublicUrl, "--oidc-provider", "test", "--oidc.test.issuer", issuer_,
         "--oidc.test.client-id", "parley", "--oidc.test.client-secret-file", secret_file,
         "--oidc-allow-private", "true"});
    ASSERT_TRUE(IsOk(cluster));
    cluster_ = std::move(*cluster);
  }

  // Starts on `start` in `browser` and signs in at the provider as `user`: the callback URL
  // the provider sends the browser back to (on kPublicUrl).
  std::string SignInAtProvider(CookieBrowser& browser, const ServerProcess& start,
                               const std::string& user) {
    BrowserReply started = browser.Get(start.url() + "/api/v1/auth/oidc/test/start");
    EXPECT_EQ(started.status, 302);
    BrowserReply login = browser.Get(started.location);
    EXPECT_EQ(login.status, 303) << login.body;
    if (login.location.starts_with(std::string(kCallback) + "?")) return login.location;
    BrowserReply signed_in = browser.Post(login.location, "user=" + user);
    EXPECT_EQ(signed_in.status, 303) << signed_in.body;
    BrowserReply back = browser.Get(signed_in.location);
    EXPECT_EQ(back.status, 303) << back.body;
    EXPECT_TRUE(back.location.starts_with(std::string(kCallback) + "?")) << back.location;
    return back.location;
  }

  // The provider's redirect followed to `node`: the ticket it hands the web app.
  std::string Callback(CookieBrowser& browser, const ServerProcess& node,
                       const std::string& callback_url) {
    const std::string target = callback_url.substr(std::string(kPublicUrl).size());
    BrowserReply reply = browser.Get(node.url() + target);
    EXPECT_EQ(reply.status, 303);
    const std::string prefix = std::string(kPublicUrl) + "/#oidc=";
    EXPECT_TRUE(reply.location.starts_with(prefix)) << reply.location;
    return reply.location.starts_with(prefix) ? reply.location.substr(prefix.size()) : "";
  }

  client::HttpResponse Post(const ServerProcess& node, const std::string& target, const json& body,
                            const TestUser* user = nullptr) {
    auto reply = ApiFor(node, user)->Request("POST", target, body.dump());
    EXPECT_TRUE(IsOk(reply));
    return reply.ok() ? *reply : client::HttpResponse{};
  }

  testing_support::TempDir dir_;
  std::unique_ptr<PeerProcess> peer_;
  std::string issuer_;
  std::unique_ptr<TwoNodeCluster> cluster_;
};

TEST_F(ClusterOidcTest, ALoginStartedOnOneNodeEndsOnTheOther) {
  const ServerProcess& node_0 = (*cluster_)[0];
  const ServerProcess& node_1 = (*cluster_)[1];
  CookieBrowser browser;
  // Started on node 0; the callback (the flow's state) and the finish (the ticket) on node 1.
  const std::string ticket = Callback(browser, node_1, SignInAtProvider(browser, node_0, "alice"));
  auto needed = Post(node_1, "/api/v1/auth/oidc/finish", {{"ticket", ticket}, {"device", "web"}});
  ASSERT_EQ(needed.status, 200) << needed.raw_body;
  EXPECT_TRUE(needed.body["account_needed"]);
  // The account is made on node 0 with the ticket node 1 checked; then the ticket is spent on
  // both.
  auto created = Post(node_0, "/api/v1/auth/oidc/accounts",
                      {{"ticket", ticket}, {"username", "alice_o"}, {"device", "web"}});
  ASSERT_EQ(created.status, 201) << created.raw_body;
  const int64_t alice_id = created.body["user"]["id"];
  EXPECT_EQ(Post(node_1, "/api/v1/auth/oidc/finish", {{"ticket", ticket}}).status, 401);
  EXPECT_EQ(Post(node_0, "/api/v1/auth/oidc/finish", {{"ticket", ticket}}).status, 401);

  // The other way round: started on node 1, back on node 0, signed into the same account.
  const std::string again = Callback(browser, node_0, SignInAtProvider(browser, node_1, "alice"));
  auto signed_in = Post(node_0, "/api/v1/auth/oidc/finish", {{"ticket", again}});
  ASSERT_EQ(signed_in.status, 201) << signed_in.raw_body;
  EXPECT_EQ(signed_in.body["user"]["id"], alice_id);
}

TEST_F(ClusterOidcTest, AStateIsUsedOnceAcrossTheNodes) {
  const ServerProcess& node_0 = (*cluster_)[0];
  const ServerProcess& node_1 = (*cluster_)[1];
  CookieBrowser browser;
  const std::string callback_url = SignInAtProvider(browser, node_0, "bob");
  EXPECT_FALSE(Callback(browser, node_1, callback_url).empty());
  // The same redirect replayed to either node: the state is gone everywhere.
  for (const ServerProcess* node : {&node_0, &node_1}) {
    const std::string target = callback_url.substr(std::string(kPublicUrl).size());
    BrowserReply replay = browser.Get(node->url() + target);
    EXPECT_EQ(replay.status, 303);
    EXPECT_NE(replay.location.find("oidc-error=state"), std::string::npos) << replay.location;
  }
}

TEST_F(ClusterOidcTest, AProofOfIdentityOnOneNodeAllowsOneChangeOnAny) {
  const ServerProcess& node_0 = (*cluster_)[0];
  const ServerProcess& node_1 = (*cluster_)[1];
  CookieBrowser browser;
  const std::string ticket = Callback(browser, node_0, SignInAtProvider(browser, node_0, "dora"));
  auto created = Post(node_0, "/api/v1/auth/oidc/accounts",
                      {{"ticket", ticket}, {"username", "dora_o"}, {"device", "web"}});
  ASSERT_EQ(created.status, 201) << created.raw_body;
  const TestUser dora{created.body["user"]["id"], "dora_o", "", created.body["token"]};
  // The account has no password: a sensitive change needs a fresh proof of identity.
  const json change = {{"password", ""}};
  EXPECT_EQ(Post(node_0, "/api/v1/account/2fa/totp", change, &dora).status, 403);
  const std::string proof = Callback(browser, node_1, SignInAtProvider(browser, node_1, "dora"));
  EXPECT_EQ(Post(node_1, "/api/v1/account/identities/confirm", {{"ticket", proof}}, &dora).status,
            204);
  // Proven on node 1, used on node 0, and then used up on both.
  EXPECT_EQ(Post(node_0, "/api/v1/account/2fa/totp", change, &dora).status, 201);
  EXPECT_EQ(Post(node_1, "/api/v1/account/2fa/totp", change, &dora).status, 403);
  EXPECT_EQ(Post(node_0, "/api/v1/account/2fa/totp", change, &dora).status, 403);
}

}  // namespace
}  // namespace parley::e2e
