// OidcOptions: the OpenID Connect providers people may sign in with, read from the config file
// (docs/operations.md, "Signing in with OpenID Connect"):
//
//   oidc-provider = NAME                  declares a provider (several lines: several providers)
//   oidc.NAME.issuer = https://...        its issuer URL (discovery is fetched under it)
//   oidc.NAME.client-id = ...
//   oidc.NAME.client-secret-file = PATH   a file holding the client secret (one line)
//   oidc.NAME.display-name = ...          on the login button (default: NAME)
//   oidc.NAME.scopes = openid profile     (default: "openid profile email")
//   oidc.NAME.token-auth = client_secret_basic | client_secret_post (default: basic)
//
// Pure data and parsing; thread-safe once built.
#ifndef PARLEY_OIDC_OPTIONS_H_
#define PARLEY_OIDC_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "push/http_client.h"

namespace parley::oidc {

struct ProviderOptions {
  std::string name;  // [a-z0-9-]{1,32}: in URLs and in the identity table
  std::string issuer;
  std::string client_id;
  std::string client_secret_file;
  std::string client_secret;  // read from client_secret_file by ValidateOidcOptions
  std::string display_name;
  std::string scopes = "openid profile email";
  bool secret_in_body = false;  // client_secret_post instead of client_secret_basic
};

struct OidcOptions {
  std::vector<ProviderOptions> providers;
  // Where the provider sends the browser back: <public_url>/api/v1/auth/oidc/NAME/callback,
  // and where the callback sends it on (the web app). Filled from public-url at start-up.
  std::string public_url;
  push::HttpClientOptions http{.max_reply_bytes = 64 * 1024};  // discovery, JWKS, tokens
  int64_t flow_lifetime_ms = 10 * 60 * 1000;    // from start to callback, then to the last step
  size_t max_pending_flows = 10'000;            // flows and tickets kept at most (each < 1 KiB)
  int64_t key_refetch_interval_ms = 60 * 1000;  // JWKS fetched again at most this often
  int64_t clock_skew_ms = 60 * 1000;            // tolerated on exp and iat
};

// Applies `oidc-provider = NAME` or `oidc.NAME.FIELD = value`. kInvalidArgument naming the key.
Status ApplyOidcKey(OidcOptions& options, std::string_view key, const std::string& value);

// After every key is read: each provider has an issuer (https, or http on loopback) and a
// client id, its secret file is read, and names are unique. kInvalidArgument naming the key.
Status ValidateOidcOptions(OidcOptions& options);

}  // namespace parley::oidc

#endif  // PARLEY_OIDC_OPTIONS_H_
