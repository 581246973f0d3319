// OidcService: signing in with OpenID Connect providers (docs/protocol.md, "Signing in with
// OpenID Connect"; docs/security.md says what is checked).
//
// The flow, as the HTTP API drives it:
//  1. Start: a fresh state, nonce and PKCE verifier (S256) are kept server-side for
//     flow_lifetime_ms, bound to the browser by a random value the API sets as a cookie; the
//     answer is the provider's authorization URL.
//  2. Callback: the state is taken (single use) and must come back with the same provider and
//     the browser's cookie; the code is redeemed and the ID token verified (provider_client.h,
//     id_token.h). The verified identity is kept under a single-use ticket for the web app.
//  3. Finish: a linked identity signs in (through AuthService::SignIn, so an account with
//     two-step sign-in still asks for the code); an unknown one answers "account needed" and
//     the ticket stays, for CreateAccount (a new account without a password) or
//     LinkAccount (an existing account, after its password, through AuthService::Login).
// Accounts list and unlink their identities; the last way in (password or identity) stays.
// A signed-in account without a password goes through the flow again to prove who it is
// before a sensitive change (ConfirmIdentity). In a cluster the flows and tickets are shared
// (ShareSignIn), so each step may go to any node.
//
// Errors: kNotFound for an unknown provider; kRateLimited per client address; kUnauthenticated
// for a refused flow, whose message begins with the reason (state, browser, code, and those of
// id_token.h); kUnavailable when the provider cannot be reached. Messages hold no secrets.
// Thread-safety: every method is thread-safe; Start and Callback block on the network.
// Ownership: borrows the Store and the AuthService, which must outlive it.
#ifndef PARLEY_OIDC_OIDC_SERVICE_H_
#define PARLEY_OIDC_OIDC_SERVICE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/auth_service.h"
#include "base/pending_table.h"
#include "base/rate_limiter.h"
#include "base/shared_entries.h"
#include "base/status.h"
#include "oidc/id_token.h"
#include "oidc/options.h"
#include "oidc/provider_client.h"
#include "push/http_client.h"
#include "store/store.h"

namespace parley::oidc {

struct ProviderInfo {
  std::string name;
  std::string display_name;
};

struct StartedLogin {
  std::string authorization_url;  // where the browser goes next
  std::string browser_binding;    // the cookie value the callback must come back with
};

// A verified identity waiting for the web app's next step (the ticket's content).
struct VerifiedIdentity {
  std::string provider;
  IdClaims claims;
  int64_t expires_at = 0;  // the ticket's end (Unix ms)
};

// Finish's answer: a login (a session, or a second-factor challenge), or the identity is not
// linked yet and the ticket waits for CreateAccount or LinkAccount.
struct Finished {
  std::optional<auth::LoginResult> login;
  std::string provider_display_name;  // the rest is set when login is empty
  std::string suggested_username;     // the provider's preferred_username when it fits our rules
  std::string display_name;           // the provider's name claim
  int64_t expires_at = 0;             // the ticket's end
};

struct LinkedIdentity {
  store::OidcIdentity identity;
  std::string provider_display_name;
};

struct OidcLimits {
  // Starts, callbacks and ticket steps per client address: 60 per 10 minutes.
  RateLimit per_address{.max_events = 60, .window_ms = 10 * 60 * 1000};
  size_t max_keys = 100'000;
};

class OidcService {
 public:
  OidcService(store::Store& store, auth::AuthService& auth, OidcOptions options,
              OidcLimits limits = {});

  // In a cluster: this service's rate limits hold across the nodes (base/rate_limiter.h,
  // Share). Called once while wiring, before requests are served; `shared` outlives the service.
  void ShareLimits(SharedBuckets* shared);
  // In a cluster: the pending flows and tickets are kept where every node finds them
  // (base/pending_table.h, Share). Called once while wiring, before requests are served;
  // `shared` outlives the service.
  void ShareSignIn(SharedEntries* shared);

  std::vector<ProviderInfo> Providers() const;

  // The URL the provider sends the browser back to (registered with the provider).
  std::string CallbackUrl(std::string_view provider) const;
  // Where the callback sends the browser on: the web app, with `fragment`.
  std::string WebAppUrl(std::string_view fragment) const;

  Result<StartedLogin> Start(std::string_view provider, std::string_view client_address,
                             int64_t now);
  // The ticket of the verified identity.
  Result<std::string> Callback(std::string_view provider, std::string_view code,
                               std::string_view state, std::string_view browser_binding,
                               std::string_view client_address, int64_t now);
  // kUnauthenticated for an unknown or expired ticket.
  Result<Finished> Finish(std::string_view ticket, std::string_view device_name,
                          std::string_view client_address, int64_t now);
  // A new account named `username` (kConflict if taken), with the identity linked, signed in.
  Result<auth::LoginResult> CreateAccount(std::string_view ticket, std::string_view username,
                                          std::string_view device_name,
                                          std::string_view client_address, int64_t now);
  // Links the identity to the account whose password is given (AuthService::Login's limits
  // and second step apply), then signs in. kConflict if the identity got linked meanwhile.
  Result<auth::LoginResult> LinkAccount(std::string_view ticket, std::string_view username,
                                        std::string_view password, std::string_view device_name,
                                        std::string_view client_address, int64_t now);

  // The caller's fresh proof of identity, for an account without a password
  // (auth/identity_confirmations.h): a ticket of an identity linked to the caller's account,
  // which this uses up. kUnauthenticated for an unknown, used or expired ticket (the reason
  // "ticket"), kForbidden for another account's identity or one not linked.
  Status ConfirmIdentity(const auth::Principal& me, std::string_view ticket, int64_t now);

  Result<std::vector<LinkedIdentity>> Identities(const auth::Principal& me);
  // kNotFound if not the caller's; kForbidden if it is the account's last way in.
  Status Unlink(const auth::Principal& me, std::string_view provider, std::string_view subject);

 private:
  struct Flow {
    std::string provider;
    std::string nonce;
    std::string code_verifier;
    std::string browser_binding;
  };
  ProviderClient* Find(std::string_view provider) const;
  Status Admit(std::string_view client_address, int64_t now);
  // The ticket's identity (still kept); kUnauthenticated if unknown or expired.
  Result<VerifiedIdentity> Ticket(std::string_view ticket, int64_t now) const;
  std::string DisplayNameOf(std::string_view provider) const;
  static void EncodeFlow(const Flow& flow, WireWriter& out);
  static Flow DecodeFlow(WireReader& in);
  static void EncodeIdentity(const VerifiedIdentity& identity, WireWriter& out);
  static VerifiedIdentity DecodeIdentity(WireReader& in);

  store::Store& store_;
  auth::AuthService& auth_;
  const OidcOptions options_;
  const push::HttpClient http_;
  std::vector<std::unique_ptr<ProviderClient>> providers_;
  PendingTable<Flow> flows_;                // by state
  PendingTable<VerifiedIdentity> tickets_;  // by ticket
  RateLimiter per_address_;
};

}  // namespace parley::oidc

#endif  // PARLEY_OIDC_OIDC_SERVICE_H_
