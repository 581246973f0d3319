// Signing in with OpenID Connect over HTTP (docs/protocol.md, "Signing in with OpenID
// Connect"): request decoding and response bodies. Pure functions, thread-safe. Decoders answer
// kMalformed for wrong shapes and types; values are checked by oidc/ and auth/.
#ifndef PARLEY_PROTO_OIDC_BODIES_H_
#define PARLEY_PROTO_OIDC_BODIES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace parley::proto {

// {"ticket", "username"?, "password"?, "device"?}: the steps after the provider's callback.
struct OidcStepRequest {
  std::string ticket;
  std::string username;  // "" when absent
  std::string password;  // "" when absent
  std::string device;    // "" when absent
};
// `needs_username`: "username" is required; `needs_password`: "password" too.
Result<OidcStepRequest> DecodeOidcStep(std::string_view body, bool needs_username,
                                       bool needs_password);

struct OidcProviderEntry {
  std::string name;
  std::string display_name;
};
// {"providers": [{"name", "display_name"}, ...]}
std::string OidcProvidersBody(const std::vector<OidcProviderEntry>& providers);

// Finish's answer when the identity is not linked yet:
// {"account_needed": true, "provider": display name, "suggested_username", "display_name",
//  "expires_at": ms}
std::string OidcAccountNeededBody(std::string_view provider_display_name,
                                  std::string_view suggested_username,
                                  std::string_view display_name, int64_t expires_at);

struct OidcIdentityEntry {
  std::string provider;
  std::string provider_display_name;
  std::string subject;
  int64_t linked_at = 0;
};
// {"identities": [{"provider", "provider_display_name", "subject", "linked_at"}, ...]}
std::string OidcIdentitiesBody(const std::vector<OidcIdentityEntry>& identities);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_OIDC_BODIES_H_
