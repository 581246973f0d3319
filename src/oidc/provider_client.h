// ProviderClient: what parleyd asks one OpenID Connect provider over HTTPS: its discovery
// document (/.well-known/openid-configuration, fetched once and kept), its signing keys (the
// JWKS, kept and fetched again when an ID token names an unknown key id, at most once per
// key_refetch_interval_ms), and the token request that trades an authorization code (with its
// PKCE verifier) for an ID token, authenticated with client_secret_basic or _post.
//
// Errors: kUnavailable when the provider cannot be reached or answers nonsense (message begins
// "provider: "); the ID token's own refusals as in id_token.h.
// Thread-safety: every method is thread-safe; they block on the network (worker threads only).
#ifndef PARLEY_OIDC_PROVIDER_CLIENT_H_
#define PARLEY_OIDC_PROVIDER_CLIENT_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "oidc/id_token.h"
#include "oidc/key_set.h"
#include "oidc/options.h"
#include "push/http_client.h"

namespace parley::oidc {

struct Endpoints {
  std::string authorization;
  std::string token;
  std::string jwks;
};

// Percent-encodes everything but RFC 3986's unreserved characters (query strings and forms).
std::string UrlEscape(std::string_view text);

class ProviderClient {
 public:
  // Borrows `http`, which must outlive the client.
  ProviderClient(ProviderOptions provider, const OidcOptions& options,
                 const push::HttpClient& http);

  const ProviderOptions& provider() const { return provider_; }

  // The endpoints from the discovery document (whose issuer must be the configured one).
  Result<Endpoints> Discover();

  // Trades `code` for an ID token and verifies it (id_token.h) with `nonce`; an unknown key id
  // fetches the keys again (rate-limited) and retries once.
  Result<IdClaims> Redeem(const std::string& code, const std::string& code_verifier,
                          const std::string& redirect_uri, const std::string& nonce,
                          int64_t now_ms);

 private:
  // The keys kept, or fetched when there are none yet or `refresh`; every fetch after the first
  // is at least key_refetch_interval_ms after the previous one (else the kept keys answer).
  Result<std::shared_ptr<const KeySet>> Keys(const Endpoints& endpoints, bool refresh,
                                             int64_t now_ms);
  Result<std::string> RequestIdToken(const Endpoints& endpoints, const std::string& code,
                                     const std::string& code_verifier,
                                     const std::string& redirect_uri);

  const ProviderOptions provider_;
  const int64_t key_refetch_interval_ms_;
  const int64_t clock_skew_ms_;
  const push::HttpClient& http_;
  std::mutex mutex_;
  std::optional<Endpoints> endpoints_;   // guarded by mutex_
  std::shared_ptr<const KeySet> keys_;   // guarded by mutex_
  bool attempted_ = false;               // guarded by mutex_: a first fetch was tried
  std::optional<int64_t> refetched_at_;  // guarded by mutex_: the last fetch after the first
};

}  // namespace parley::oidc

#endif  // PARLEY_OIDC_PROVIDER_CLIENT_H_
