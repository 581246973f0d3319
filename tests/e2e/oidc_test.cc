// Signing in with OpenID Connect against a real provider on loopback (tests/peers/oidc_peer.mjs:
// the npm oidc-provider, one confidential client, a programmatic login page). The whole code
// flow is driven by hand as a browser would (cookie_browser.h): parleyd's start, the provider's
// login, parleyd's callback; then the API's finish / accounts / link steps. Refusals use ID
// tokens the peer alters on request (a forged signature, an unknown key id, expired, another
// audience or issuer, alg none, HS256, a replayed earlier token) and states that are wrong,
// replayed or come back in another browser. An account made by the provider, which has no
// password, proves its identity again before a sensitive change. At the end, the same provider
// with client_secret_post and ES256, and over https trusted through --oidc-ca-file.
#include <gtest/gtest.h>

#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "auth/totp.h"
#include "tests/e2e/cookie_browser.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/peer_process.h"
#include "tests/e2e/server_process.h"
#include "tests/e2e/test_ca.h"
#include "tests/support/temp_dir.h"

namespace parley::e2e {
namespace {

using json = nlohmann::json;

constexpr const char* kPublicUrl = "http://chat.example.org";
constexpr const char* kCallback = "http://chat.example.org/api/v1/auth/oidc/test/callback";
constexpr const char* kClientSecret = "client secret: s3cret/+";

class OidcTest : public ::testing::Test {
 protected:
  // What a variant of the provider and of parleyd's settings for it add (see the end).
  virtual std::vector<std::string> PeerArgs() const { return {}; }
  virtual std::vector<std::string> ServerArgs() const { return {}; }

  void SetUp() override {
    std::vector<std::string> peer_args = {PARLEY_NODE_PATH,  "oidc_peer.mjs", "--redirect-uri",
                                          kCallback,         "--client-id",   "parley",
                                          "--client-secret", kClientSecret};
    for (const std::string& arg : PeerArgs()) peer_args.push_back(arg);
    auto peer = PeerProcess::Start(peer_args, PARLEY_PEERS_DIR);
    ASSERT_TRUE(IsOk(peer));
    peer_ = std::move(*peer);
    json listening = peer_->WaitForLine([](const json& l) { return l.contains("listening"); });
    ASSERT_FALSE(listening.is_null()) << "the OpenID provider did not start";
    issuer_ = listening["issuer"];
    const std::string secret_file = dir_.path() + "/client-secret";
    std::ofstream(secret_file) << kClientSecret << "\n";
    ServerProcess::Options options;
    options.extra_args = {"--public-url",
                          kPublicUrl,
                          "--oidc-provider",
                          "test",
                          "--oidc.test.issuer",
                          issuer_,
                          "--oidc.test.client-id",
                          "parley",
                          "--oidc.test.client-secret-file",
                          secret_file,
                          "--oidc.test.display-name",
                          "Test IdP",
                          "--oidc-allow-private",
                          "true"};
    for (const std::string& arg : ServerArgs()) options.extra_args.push_back(arg);
    server_args_ = options.extra_args;
    auto server = ServerProcess::Start(options);
    ASSERT_TRUE(IsOk(server));
    server_ = std::move(*server);
  }

  // The provider's answer to /_test/CONTROL.
  void Control(const std::string& control) {
    BrowserReply reply = CookieBrowser(ca_file_).Get(issuer_ + "/_test/" + control);
    ASSERT_EQ(reply.status, 200) << control;
  }

  // Start in `browser` up to the provider's redirect back: the callback URL (on kPublicUrl).
  std::string SignInAtProvider(CookieBrowser& browser, const std::string& user) {
    BrowserReply start = browser.Get(server_->url() + "/api/v1/auth/oidc/test/start");
    EXPECT_EQ(start.status, 302);
    EXPECT_TRUE(start.location.starts_with(issuer_ + "/auth?")) << start.location;
    BrowserReply login = browser.Get(start.location);
    EXPECT_EQ(login.status, 303) << login.body;
    // Signed in at the provider already, with consent: straight back.
    if (login.location.starts_with(std::string(kCallback) + "?")) return login.location;
    BrowserReply page = browser.Get(login.location);
    EXPECT_NE(page.body.find("<form"), std::string::npos);
    BrowserReply signed_in = browser.Post(login.location, "user=" + user);
    EXPECT_EQ(signed_in.status, 303) << signed_in.body;
    BrowserReply back = browser.Get(signed_in.location);
    EXPECT_EQ(back.status, 303) << back.body;
    EXPECT_TRUE(back.location.starts_with(std::string(kCallback) + "?")) << back.location;
    return back.location;
  }

  // Follows the provider's redirect to parleyd in `browser`: the web app fragment it sends the
  // browser on to ("oidc=TICKET" or "oidc-error=REASON").
  std::string Callback(CookieBrowser& browser, const std::string& callback_url) {
    const std::string target = callback_url.substr(std::string(kPublicUrl).size());
    BrowserReply reply = browser.Get(server_->url() + target);
    EXPECT_EQ(reply.status, 303);
    const std::string prefix = std::string(kPublicUrl) + "/#";
    EXPECT_TRUE(reply.location.starts_with(prefix)) << reply.location;
    return reply.location.substr(std::min(prefix.size(), reply.location.size()));
  }

  std::string Flow(const std::string& user) {
    CookieBrowser browser(ca_file_);
    return Callback(browser, SignInAtProvider(browser, user));
  }

  static std::string TicketOf(const std::string& fragment) {
    EXPECT_TRUE(fragment.starts_with("oidc=")) << fragment;
    return fragment.starts_with("oidc=") ? fragment.substr(5) : "";
  }

  client::HttpResponse Post(const std::string& target, const json& body,
                            const TestUser* user = nullptr) {
    auto reply = ApiFor(*server_, user)->Request("POST", target, body.dump());
    EXPECT_TRUE(IsOk(reply));
    return reply.ok() ? *reply : client::HttpResponse{};
  }

  client::HttpResponse Call(const std::string& method, const std::string& target,
                            const TestUser& user) {
    auto reply = ApiFor(*server_, &user)->Request(method, target);
    EXPECT_TRUE(IsOk(reply));
    return reply.ok() ? *reply : client::HttpResponse{};
  }

  // The session a 201 login answer opened, as a TestUser.
  static TestUser SessionOf(const client::HttpResponse& login) {
    EXPECT_EQ(login.status, 201) << login.raw_body;
    if (login.status != 201) return {};
    return TestUser{login.body["user"]["id"], login.body["user"]["username"], "",
                    login.body["token"]};
  }

  // A new account named `username` for the provider's `user`, signed in.
  TestUser NewAccount(const std::string& user, const std::string& username) {
    const std::string ticket = TicketOf(Flow(user));
    return SessionOf(
        Post("/api/v1/auth/oidc/accounts", {{"ticket", ticket}, {"username", username}}));
  }

  testing_support::TempDir dir_;
  std::unique_ptr<PeerProcess> peer_;
  std::string issuer_;
  std::string ca_file_;  // the CA the test's browser trusts for the provider ("": the system's)
  std::vector<std::string> server_args_;  // parleyd's extra arguments
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(OidcTest, ProvidersAreListedForTheLoginScreen) {
  auto reply = ApiFor(*server_)->Request("GET", "/api/v1/auth/oidc/providers");
  ASSERT_TRUE(IsOk(reply));
  EXPECT_EQ(reply->status, 200);
  EXPECT_EQ(reply->body,
            json::parse(R"({"providers":[{"name":"test","display_name":"Test IdP"}]})"));
}

TEST_F(OidcTest, AFirstLoginCreatesAnAccountAndTheNextOneSignsIntoIt) {
  const std::string ticket = TicketOf(Flow("alice"));
  auto needed = Post("/api/v1/auth/oidc/finish", {{"ticket", ticket}, {"device", "laptop"}});
  ASSERT_EQ(needed.status, 200) << needed.raw_body;
  EXPECT_TRUE(needed.body["account_needed"]);
  EXPECT_EQ(needed.body["provider"], "Test IdP");
  EXPECT_EQ(needed.body["suggested_username"], "alice");
  EXPECT_EQ(needed.body["display_name"], "alice Example");
  const int64_t now_ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
  EXPECT_GT(needed.body["expires_at"].get<int64_t>(), now_ms + 9 * 60 * 1000);
  EXPECT_LE(needed.body["expires_at"].get<int64_t>(), now_ms + 11 * 60 * 1000);

  auto created = Post("/api/v1/auth/oidc/accounts",
                      {{"ticket", ticket}, {"username", "alice_o"}, {"device", "laptop"}});
  TestUser alice = SessionOf(created);
  EXPECT_EQ(created.body["user"]["display_name"], "alice Example");
  auto account = Call("GET", "/api/v1/account", alice);
  EXPECT_EQ(account.status, 200);
  EXPECT_EQ(account.body["user"]["username"], "alice_o");
  // A ticket is used once.
  EXPECT_EQ(
      Post("/api/v1/auth/oidc/accounts", {{"ticket", ticket}, {"username", "alice_2"}}).status,
      401);

  // The next login at the provider signs into the same account.
  auto again = Post("/api/v1/auth/oidc/finish", {{"ticket", TicketOf(Flow("alice"))}});
  TestUser second = SessionOf(again);
  EXPECT_EQ(second.id, alice.id);
  EXPECT_NE(second.token, alice.token);

  // The account has no password, and its only identity cannot be unlinked.
  auto password_login =
      Post("/api/v1/sessions", {{"username", "alice_o"}, {"password", "any password at all"}});
  EXPECT_EQ(password_login.status, 401);
  auto identities = Call("GET", "/api/v1/account/identities", alice);
  ASSERT_EQ(identities.status, 200);
  ASSERT_EQ(identities.body["identities"].size(), 1u);
  EXPECT_EQ(identities.body["identities"][0]["provider"], "test");
  EXPECT_EQ(identities.body["identities"][0]["provider_display_name"], "Test IdP");
  EXPECT_EQ(identities.body["identities"][0]["subject"], "alice");
  EXPECT_EQ(Call("DELETE", "/api/v1/account/identities/test/alice", alice).status, 403);
}

TEST_F(OidcTest, AnExistingAccountIsLinkedAfterItsPasswordAndUnlinkedByItsOwnerOnly) {
  auto bob = CreateUser(*server_, "bob");
  ASSERT_TRUE(IsOk(bob));
  auto carol = CreateUser(*server_, "carol");
  ASSERT_TRUE(IsOk(carol));
  const std::string ticket = TicketOf(Flow("bob-at-idp"));
  EXPECT_EQ(Post("/api/v1/auth/oidc/finish", {{"ticket", ticket}}).status, 200);
  auto wrong = Post("/api/v1/auth/oidc/link",
                    {{"ticket", ticket}, {"username", "bob"}, {"password", "not the password"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body["error"]["code"], "unauthenticated") << wrong.raw_body;
  TestUser linked =
      SessionOf(Post("/api/v1/auth/oidc/link",
                     {{"ticket", ticket}, {"username", "bob"}, {"password", bob->password}}));
  EXPECT_EQ(linked.id, bob->id);

  // Signing in at the provider is now signing in as bob.
  EXPECT_EQ(
      SessionOf(Post("/api/v1/auth/oidc/finish", {{"ticket", TicketOf(Flow("bob-at-idp"))}})).id,
      bob->id);
  // Another account sees none of it and cannot unlink it.
  auto carols = Call("GET", "/api/v1/account/identities", *carol);
  EXPECT_EQ(carols.body["identities"], json::array());
  EXPECT_EQ(Call("DELETE", "/api/v1/account/identities/test/bob-at-idp", *carol).status, 404);
  // The identity cannot be linked twice.
  const std::string twice = TicketOf(Flow("bob-at-idp"));
  EXPECT_EQ(Post("/api/v1/auth/oidc/link",
                 {{"ticket", twice}, {"username", "carol"}, {"password", carol->password}})
                .status,
            409);
  // bob keeps his password, so he may unlink it; then the provider's login needs an account.
  EXPECT_EQ(Call("DELETE", "/api/v1/account/identities/test/bob-at-idp", *bob).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/account/identities", *bob).body["identities"], json::array());
  auto after = Post("/api/v1/auth/oidc/finish", {{"ticket", TicketOf(Flow("bob-at-idp"))}});
  EXPECT_EQ(after.status, 200);
  EXPECT_TRUE(after.body["account_needed"]);
}

TEST_F(OidcTest, AnAccountWithTwoStepSignInStillAsksForTheCode) {
  auto hank = CreateUser(*server_, "hank");
  ASSERT_TRUE(IsOk(hank));
  auto started = Post("/api/v1/account/2fa/totp", {{"password", hank->password}}, &*hank);
  ASSERT_EQ(started.status, 201) << started.raw_body;
  auto seed = auth::Base32Decode(started.body.value("secret", ""));
  ASSERT_TRUE(IsOk(seed));
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  ASSERT_EQ(
      Post("/api/v1/account/2fa/totp/confirm", {{"code", auth::TotpCode(*seed, now - 30)}}, &*hank)
          .status,
      200);
  // Linking takes the password, and then the code.
  auto linked = Post("/api/v1/auth/oidc/link", {{"ticket", TicketOf(Flow("hank-at-idp"))},
                                                {"username", "hank"},
                                                {"password", hank->password}});
  EXPECT_EQ(linked.status, 202) << linked.raw_body;
  EXPECT_EQ(linked.body["second_factor"], "totp");
  // Every sign-in with the identity asks for the code too, and the code finishes it.
  auto signin = Post("/api/v1/auth/oidc/finish", {{"ticket", TicketOf(Flow("hank-at-idp"))}});
  ASSERT_EQ(signin.status, 202) << signin.raw_body;
  EXPECT_FALSE(signin.body.contains("token"));
  auto finished = Post("/api/v1/sessions/second-factor", {{"challenge", signin.body["challenge"]},
                                                          {"code", auth::TotpCode(*seed, now)}});
  EXPECT_EQ(SessionOf(finished).id, hank->id);
}

// An account made by the provider has no password: the routes that re-check the password want
// a fresh proof of identity from the calling device instead, one change per proof
// (docs/protocol.md, "Accounts without a password").
TEST_F(OidcTest, APasswordlessAccountProvesItsIdentityBeforeSensitiveChanges) {
  TestUser dora = NewAccount("dora", "dora_o");
  EXPECT_EQ(Call("GET", "/api/v1/account", dora).body["has_password"], false);
  auto send = [this](const std::string& method, const std::string& target, const json& body,
                     const TestUser& user) {
    auto reply = ApiFor(*server_, &user)->Request(method, target, body.dump());
    EXPECT_TRUE(IsOk(reply));
    return reply.ok() ? *reply : client::HttpResponse{};
  };
  struct Guarded {
    const char* method;
    const char* target;
    json body;
  };
  const std::vector<Guarded> guarded = {
      {"PUT", "/api/v1/account/password", {{"old_password", ""}, {"new_password", "a new pass 1"}}},
      {"PUT",
       "/api/v1/account/password",
       {{"old_password", "guess"}, {"new_password", "pass 2 x"}}},
      {"PUT", "/api/v1/account/email", {{"email", nullptr}, {"password", ""}}},
      {"POST", "/api/v1/account/2fa/totp", {{"password", ""}}},
      {"POST", "/api/v1/account/2fa/disable", {{"password", "x"}, {"code", "123456"}}},
      {"POST", "/api/v1/account/delete", {{"password", "any password at all"}}},
  };
  // Without a proof, each is refused, whatever password is given.
  for (const Guarded& g : guarded) {
    auto refused = send(g.method, g.target, g.body, dora);
    EXPECT_EQ(refused.status, 403) << g.target << " " << refused.raw_body;
    EXPECT_EQ(refused.body["error"]["code"], "forbidden") << g.target;
  }
  // Another account's identity, and an identity linked to no account, prove nothing.
  NewAccount("erin", "erin_o");
  for (const char* other : {"erin", "nobody-linked"}) {
    auto refused =
        Post("/api/v1/account/identities/confirm", {{"ticket", TicketOf(Flow(other))}}, &dora);
    EXPECT_EQ(refused.status, 403) << other << " " << refused.raw_body;
  }
  // Hostile or stale bodies get typed errors; no token, no proof.
  EXPECT_EQ(Post("/api/v1/account/identities/confirm", {{"ticket", 5}}, &dora).status, 400);
  EXPECT_EQ(Post("/api/v1/account/identities/confirm", json::object(), &dora).status, 400);
  EXPECT_EQ(Post("/api/v1/account/identities/confirm", {{"ticket", "short"}}, &dora).status, 401);
  EXPECT_EQ(Post("/api/v1/account/identities/confirm", {{"ticket", std::string(5000, 'A')}}, &dora)
                .status,
            401);
  EXPECT_EQ(
      Post("/api/v1/account/identities/confirm", {{"ticket", std::string(100000, 'A')}}, &dora)
          .status,
      413);
  EXPECT_EQ(Post("/api/v1/account/identities/confirm", {{"ticket", TicketOf(Flow("dora"))}}).status,
            401);

  // A proof made on another of dora's devices does not serve this one.
  TestUser laptop =
      SessionOf(Post("/api/v1/auth/oidc/finish", {{"ticket", TicketOf(Flow("dora"))}}));
  const std::string ticket = TicketOf(Flow("dora"));
  EXPECT_EQ(Post("/api/v1/account/identities/confirm", {{"ticket", ticket}}, &laptop).status, 204);
  EXPECT_EQ(Post("/api/v1/account/identities/confirm", {{"ticket", ticket}}, &laptop).status, 401);
  EXPECT_EQ(send("POST", "/api/v1/account/2fa/totp", {{"password", ""}}, dora).status, 403);
  // On its own device it allows one change, then it is used up.
  EXPECT_EQ(send("POST", "/api/v1/account/2fa/totp", {{"password", ""}}, laptop).status, 201);
  EXPECT_EQ(send("POST", "/api/v1/account/2fa/totp", {{"password", ""}}, laptop).status, 403);

  // A new proof, and the account gets its first password: password logins work from now on,
  // and the other devices are logged out as after any password change.
  EXPECT_EQ(
      Post("/api/v1/account/identities/confirm", {{"ticket", TicketOf(Flow("dora"))}}, &laptop)
          .status,
      204);
  EXPECT_EQ(send("PUT", "/api/v1/account/password",
                 {{"old_password", ""}, {"new_password", "dora's own password"}}, laptop)
                .status,
            204);
  EXPECT_EQ(Call("GET", "/api/v1/account", laptop).body["has_password"], true);
  EXPECT_EQ(Call("GET", "/api/v1/account", dora).status, 401);
  SessionOf(
      Post("/api/v1/sessions", {{"username", "dora_o"}, {"password", "dora's own password"}}));
  // With a password, the password is what counts again: "" is a wrong one.
  EXPECT_EQ(send("POST", "/api/v1/account/2fa/totp", {{"password", ""}}, laptop).status, 401);
  // An account registered with a password says so.
  auto frank = CreateUser(*server_, "frank");
  ASSERT_TRUE(IsOk(frank));
  EXPECT_EQ(Call("GET", "/api/v1/account", *frank).body["has_password"], true);
}

TEST_F(OidcTest, AlteredIdTokensAreRefused) {
  // A first login, so that the provider has an earlier ID token to replay.
  NewAccount("dave", "dave");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"forged_signature", "signature"},
      {"unknown_kid", "unknown_key"},
      {"expired", "expired"},
      {"wrong_audience", "audience"},
      {"wrong_issuer", "issuer"},
      {"alg_none", "signature"},
      {"hs256", "signature"},
      {"replay_previous", "nonce"},
  };
  for (const auto& tamper_and_reason : cases) {
    // Named copies, not structured bindings: clang 14 cannot capture those in a lambda.
    const std::string tamper = tamper_and_reason.first;
    const std::string reason = tamper_and_reason.second;
    Control("next?tamper=" + tamper);
    EXPECT_EQ(Flow("dave"), "oidc-error=" + reason) << tamper;
    json applied =
        peer_->WaitForLine([&](const json& l) { return l.value("tampered", "") == tamper; });
    EXPECT_FALSE(applied.is_null()) << tamper << " was not applied";
  }
  // The provider and parleyd still work together afterwards.
  EXPECT_TRUE(Flow("dave").starts_with("oidc="));
}

TEST_F(OidcTest, KeysAreFetchedAgainForANewKeyIdAtMostOncePerInterval) {
  // The provider's output is read on another thread, so the line of a fetch may trail the flow
  // that made it: wait for the count expected, then count them all.
  const auto fetches = [&](int expected) {
    peer_->WaitForLine([&](const json& l) { return l.value("jwks_fetch", 0) >= expected; });
    return peer_->Lines([](const json& l) { return l.contains("jwks_fetch"); }).size();
  };
  NewAccount("erin", "erin");
  ASSERT_EQ(fetches(1), 1u);
  // The provider rotates to a new key: its first token makes parleyd fetch the keys again.
  Control("rotate");
  Control("next?tamper=rotated_key");
  EXPECT_TRUE(Flow("erin").starts_with("oidc="));
  EXPECT_EQ(fetches(2), 2u);
  // Another unknown key id right after is refused without a third fetch.
  Control("next?tamper=unknown_kid");
  EXPECT_EQ(Flow("erin"), "oidc-error=unknown_key");
  EXPECT_EQ(fetches(2), 2u);
}

TEST_F(OidcTest, StatesAreSingleUseAndBoundToTheBrowser) {
  CookieBrowser browser;
  const std::string callback = SignInAtProvider(browser, "frank");
  // The same redirect in another browser (no cookie) is refused, and so used up.
  CookieBrowser other;
  EXPECT_EQ(Callback(other, callback), "oidc-error=browser");
  EXPECT_EQ(Callback(browser, callback), "oidc-error=state");

  const std::string fresh = SignInAtProvider(browser, "frank");
  EXPECT_TRUE(Callback(browser, fresh).starts_with("oidc="));
  EXPECT_EQ(Callback(browser, fresh), "oidc-error=state");  // replayed

  // A state parleyd never made, and none at all.
  const std::string code_only = fresh.substr(0, fresh.find("&state="));
  EXPECT_EQ(Callback(browser, code_only), "oidc-error=state");
  EXPECT_EQ(Callback(browser, code_only + "&state=" + std::string(43, 'A')), "oidc-error=state");
  // The provider's own refusal.
  EXPECT_EQ(Callback(browser, std::string(kCallback) + "?error=access_denied"), "oidc-error=code");
}

TEST_F(OidcTest, HostileInputGetsTypedErrors) {
  CookieBrowser browser;
  BrowserReply unknown = browser.Get(server_->url() + "/api/v1/auth/oidc/nope/start");
  EXPECT_EQ(unknown.status, 303);
  EXPECT_EQ(unknown.location, std::string(kPublicUrl) + "/#oidc-error=unknown_provider");
  // Over 4 KiB, a query value counts as missing; over the header limit, the request is refused.
  const std::string long_value(4500, 'x');
  EXPECT_EQ(Callback(browser, std::string(kCallback) + "?code=x&state=" + long_value),
            "oidc-error=state");
  const std::string huge(100'000, 'x');
  EXPECT_EQ(browser.Get(server_->url() + "/api/v1/auth/oidc/test/callback?code=" + huge).status,
            413);

  auto malformed = ApiFor(*server_)->Request("POST", "/api/v1/auth/oidc/finish", "{not json");
  ASSERT_TRUE(IsOk(malformed));
  EXPECT_EQ(malformed->status, 400);
  EXPECT_EQ(malformed->body["error"]["code"], "malformed");
  EXPECT_EQ(Post("/api/v1/auth/oidc/finish", {{"ticket", 5}}).body["error"]["code"], "malformed");
  EXPECT_EQ(Post("/api/v1/auth/oidc/finish", {{"ticket", std::string(43, 'A')}}).status, 401);
  EXPECT_EQ(Post("/api/v1/auth/oidc/finish", {{"ticket", long_value}}).status, 401);
  EXPECT_EQ(Post("/api/v1/auth/oidc/finish", {{"ticket", huge}}).body["error"]["code"],
            "too_large");

  const std::string ticket = TicketOf(Flow("gina"));
  auto bad_name =
      Post("/api/v1/auth/oidc/accounts", {{"ticket", ticket}, {"username", "no spaces"}});
  EXPECT_EQ(bad_name.status, 422);
  EXPECT_EQ(bad_name.body["error"]["code"], "invalid_argument");
  EXPECT_EQ(Post("/api/v1/auth/oidc/accounts", {{"ticket", ticket}}).body["error"]["code"],
            "malformed");
  // Identities need a login.
  auto anonymous = ApiFor(*server_)->Request("GET", "/api/v1/account/identities");
  ASSERT_TRUE(IsOk(anonymous));
  EXPECT_EQ(anonymous->status, 401);
}

// --- Other shapes of provider: the client secret in the token request's body
// (client_secret_post) and ES256-signed ID tokens; a provider over https, trusted through
// --oidc-ca-file. ---

class OidcPostEs256Test : public OidcTest {
 protected:
  std::vector<std::string> PeerArgs() const override {
    return {"--token-auth", "client_secret_post", "--alg", "ES256"};
  }
  std::vector<std::string> ServerArgs() const override {
    return {"--oidc.test.token-auth", "client_secret_post"};
  }
};

// The provider accepts only client_secret_post for this client and signs with P-256 keys.
TEST_F(OidcPostEs256Test, SignsInWithAPostedSecretAndEs256Tokens) {
  TestUser ida = NewAccount("ida", "ida");
  EXPECT_EQ(SessionOf(Post("/api/v1/auth/oidc/finish", {{"ticket", TicketOf(Flow("ida"))}})).id,
            ida.id);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"forged_signature", "signature"},
      {"unknown_kid", "unknown_key"},
      {"wrong_audience", "audience"},
      {"alg_none", "signature"},
      {"hs256", "signature"},
  };
  for (const auto& tamper_and_reason : cases) {
    const std::string tamper = tamper_and_reason.first;
    const std::string reason = tamper_and_reason.second;
    Control("next?tamper=" + tamper);
    EXPECT_EQ(Flow("ida"), "oidc-error=" + reason) << tamper;
    json applied =
        peer_->WaitForLine([&](const json& l) { return l.value("tampered", "") == tamper; });
    EXPECT_FALSE(applied.is_null()) << tamper << " was not applied";
  }
  EXPECT_TRUE(Flow("ida").starts_with("oidc="));
}

class OidcHttpsTest : public OidcTest {
 protected:
  void SetUp() override {
    auto ca = TestCa::Create("Parley OIDC test CA");
    ASSERT_TRUE(IsOk(ca));
    ca_ = std::make_unique<TestCa>(std::move(*ca));
    auto cert = ca_->Issue("provider", {"IP:127.0.0.1"});
    ASSERT_TRUE(IsOk(cert));
    cert_ = *cert;
    ca_file_ = ca_->ca_file();
    OidcTest::SetUp();
  }
  std::vector<std::string> PeerArgs() const override {
    return {"--tls-cert", cert_.cert_file, "--tls-key", cert_.key_file};
  }
  std::vector<std::string> ServerArgs() const override { return {"--oidc-ca-file", ca_file_}; }

  std::unique_ptr<TestCa> ca_;
  IssuedCert cert_;
};

TEST_F(OidcHttpsTest, AProviderOverHttpsIsTrustedThroughTheCaFile) {
  ASSERT_TRUE(issuer_.starts_with("https://127.0.0.1:")) << issuer_;
  TestUser jo = NewAccount("joan", "joan");
  EXPECT_EQ(SessionOf(Post("/api/v1/auth/oidc/finish", {{"ticket", TicketOf(Flow("joan"))}})).id,
            jo.id);
  // Under another CA the provider's certificate is refused: no sign-in starts.
  auto other = TestCa::Create("Another CA");
  ASSERT_TRUE(IsOk(other));
  std::vector<std::string> args = server_args_;
  args.back() = other->ca_file();  // --oidc-ca-file comes last
  ASSERT_TRUE(IsOk(server_->Restart(args))) << server_->output();
  CookieBrowser browser(ca_file_);
  BrowserReply start = browser.Get(server_->url() + "/api/v1/auth/oidc/test/start");
  EXPECT_EQ(start.status, 303);
  EXPECT_EQ(start.location, std::string(kPublicUrl) + "/#oidc-error=unavailable") << start.location;
}

}  // namespace
}  // namespace parley::e2e
