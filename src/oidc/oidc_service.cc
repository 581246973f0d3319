#include "oidc/oidc_service.h"

#include "auth/token.h"
#include "auth/validation.h"
#include "base/base64.h"
#include "base/random_hex.h"

namespace parley::oidc {
namespace {

constexpr size_t kMaxCodeBytes = 2048;
constexpr size_t kSecretLength = 43;           // base64url of 32 random bytes
constexpr size_t kMaxSharedFieldBytes = 1024;  // a shared flow's or ticket's strings (claims: 256)

std::string NewSecret() { return Base64UrlEncode(RandomBytes(32)); }

// Tables are keyed by the SHA-256 of the secret the browser holds, so a lookup's timing says
// nothing about the secrets kept.
std::string KeyOf(std::string_view secret) { return auth::TokenHash(secret); }

bool IsSecretShape(std::string_view text) {
  return text.size() == kSecretLength && Base64UrlDecode(text).has_value();
}

Status Refused(std::string_view reason, std::string_view why) {
  return Status(Code::kUnauthenticated, std::string(reason) + ": " + std::string(why));
}

Status UnknownProvider() { return Status(Code::kNotFound, "no such sign-in provider"); }

}  // namespace

OidcService::OidcService(store::Store& store, auth::AuthService& auth, OidcOptions options,
                         OidcLimits limits)
    : store_(store),
      auth_(auth),
      options_(std::move(options)),
      http_(options_.http),
      flows_(options_.max_pending_flows),
      tickets_(options_.max_pending_flows),
      per_address_(limits.per_address, limits.max_keys) {
  for (const ProviderOptions& provider : options_.providers) {
    providers_.push_back(std::make_unique<ProviderClient>(provider, options_, http_));
  }
}

void OidcService::ShareLimits(SharedBuckets* shared) {
  per_address_.Share(shared, "oidc.per_address");
}

void OidcService::ShareSignIn(SharedEntries* shared) {
  flows_.Share(shared, "oidc.flows", &EncodeFlow, &DecodeFlow);
  tickets_.Share(shared, "oidc.tickets", &EncodeIdentity, &DecodeIdentity);
}

void OidcService::EncodeFlow(const Flow& flow, WireWriter& out) {
  out.Bytes(flow.provider);
  out.Bytes(flow.nonce);
  out.Bytes(flow.code_verifier);
  out.Bytes(flow.browser_binding);
}

OidcService::Flow OidcService::DecodeFlow(WireReader& in) {
  Flow flow;
  flow.provider = std::string(in.Bytes(kMaxSharedFieldBytes));
  flow.nonce = std::string(in.Bytes(kMaxSharedFieldBytes));
  flow.code_verifier = std::string(in.Bytes(kMaxSharedFieldBytes));
  flow.browser_binding = std::string(in.Bytes(kMaxSharedFieldBytes));
  return flow;
}

void OidcService::EncodeIdentity(const VerifiedIdentity& identity, WireWriter& out) {
  out.Bytes(identity.provider);
  out.Bytes(identity.claims.subject);
  out.Bytes(identity.claims.name);
  out.Bytes(identity.claims.preferred_username);
  out.Bytes(identity.claims.email);
  out.SignedVarint(identity.expires_at);
}

VerifiedIdentity OidcService::DecodeIdentity(WireReader& in) {
  VerifiedIdentity identity;
  identity.provider = std::string(in.Bytes(kMaxSharedFieldBytes));
  identity.claims.subject = std::string(in.Bytes(kMaxSharedFieldBytes));
  identity.claims.name = std::string(in.Bytes(kMaxSharedFieldBytes));
  identity.claims.preferred_username = std::string(in.Bytes(kMaxSharedFieldBytes));
  identity.claims.email = std::string(in.Bytes(kMaxSharedFieldBytes));
  identity.expires_at = in.SignedVarint();
  return identity;
}

std::vector<ProviderInfo> OidcService::Providers() const {
  std::vector<ProviderInfo> out;
  for (const auto& client : providers_) {
    out.push_back({client->provider().name, client->provider().display_name});
  }
  return out;
}

ProviderClient* OidcService::Find(std::string_view provider) const {
  for (const auto& client : providers_) {
    if (client->provider().name == provider) return client.get();
  }
  return nullptr;
}

std::string OidcService::DisplayNameOf(std::string_view provider) const {
  ProviderClient* client = Find(provider);
  return client ? client->provider().display_name : std::string(provider);
}

std::string OidcService::CallbackUrl(std::string_view provider) const {
  return options_.public_url + "/api/v1/auth/oidc/" + std::string(provider) + "/callback";
}

std::string OidcService::WebAppUrl(std::string_view fragment) const {
  return options_.public_url + "/#" + std::string(fragment);
}

Status OidcService::Admit(std::string_view client_address, int64_t now) {
  if (!per_address_.Allow(AddressKey(client_address), now)) {
    return Status(Code::kRateLimited, "too many sign-in attempts from this address; try later");
  }
  return Status::Ok();
}

Result<StartedLogin> OidcService::Start(std::string_view provider, std::string_view client_address,
                                        int64_t now) {
  ProviderClient* client = Find(provider);
  if (client == nullptr) return UnknownProvider();
  if (Status s = Admit(client_address, now); !s.ok()) return s;
  Result<Endpoints> endpoints = client->Discover();
  if (!endpoints.ok()) return endpoints.status();
  Flow flow{std::string(provider), NewSecret(), NewSecret(), NewSecret()};
  const std::string state = NewSecret();
  // PKCE S256 (RFC 7636): the challenge is base64url(SHA-256(verifier)); TokenHash is SHA-256.
  const std::string challenge = Base64UrlEncode(auth::TokenHash(flow.code_verifier));
  const ProviderOptions& options = client->provider();
  std::string url = endpoints->authorization;
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += "response_type=code&client_id=" + UrlEscape(options.client_id) +
         "&redirect_uri=" + UrlEscape(CallbackUrl(provider)) +
         "&scope=" + UrlEscape(options.scopes) + "&state=" + state + "&nonce=" + flow.nonce +
         "&code_challenge=" + challenge + "&code_challenge_method=S256";
  StartedLogin started{std::move(url), flow.browser_binding};
  flows_.Put(KeyOf(state), std::move(flow), now, now + options_.flow_lifetime_ms);
  return started;
}

Result<std::string> OidcService::Callback(std::string_view provider, std::string_view code,
                                          std::string_view state, std::string_view browser_binding,
                                          std::string_view client_address, int64_t now) {
  ProviderClient* client = Find(provider);
  if (client == nullptr) return UnknownProvider();
  if (Status s = Admit(client_address, now); !s.ok()) return s;
  if (!IsSecretShape(state)) return Refused("state", "missing or malformed");
  std::optional<Flow> flow = flows_.Take(KeyOf(state), now);
  if (!flow || flow->provider != provider) return Refused("state", "unknown, used or expired");
  if (browser_binding != flow->browser_binding) {
    return Refused("browser", "the login was started in another browser");
  }
  if (code.empty() || code.size() > kMaxCodeBytes) return Refused("code", "missing or too long");
  Result<IdClaims> claims = client->Redeem(std::string(code), flow->code_verifier,
                                           CallbackUrl(provider), flow->nonce, now);
  if (!claims.ok()) return claims.status();
  const std::string ticket = NewSecret();
  const int64_t expires_at = now + options_.flow_lifetime_ms;
  tickets_.Put(KeyOf(ticket),
               VerifiedIdentity{std::string(provider), std::move(*claims), expires_at}, now,
               expires_at);
  return ticket;
}

Result<VerifiedIdentity> OidcService::Ticket(std::string_view ticket, int64_t now) const {
  if (!IsSecretShape(ticket)) return Refused("ticket", "malformed");
  std::optional<VerifiedIdentity> identity = tickets_.Peek(KeyOf(ticket), now);
  if (!identity) return Refused("ticket", "unknown, used or expired");
  return *identity;
}

Result<Finished> OidcService::Finish(std::string_view ticket, std::string_view device_name,
                                     std::string_view client_address, int64_t now) {
  if (Status s = Admit(client_address, now); !s.ok()) return s;
  Result<VerifiedIdentity> identity = Ticket(ticket, now);
  if (!identity.ok()) return identity.status();
  Result<std::optional<int64_t>> user =
      store_.FindIdentityUser(identity->provider, identity->claims.subject);
  if (!user.ok()) return user.status();
  Finished finished;
  if (user->has_value()) {
    Result<auth::LoginResult> login = auth_.SignIn(**user, device_name, now);
    if (!login.ok()) return login.status();
    tickets_.Take(KeyOf(ticket), now);
    finished.login = std::move(*login);
    return finished;
  }
  finished.provider_display_name = DisplayNameOf(identity->provider);
  if (auth::ValidateUsername(identity->claims.preferred_username).ok()) {
    finished.suggested_username = identity->claims.preferred_username;
  }
  if (auth::ValidateDisplayName(identity->claims.name).ok()) {
    finished.display_name = identity->claims.name;
  }
  finished.expires_at = identity->expires_at;
  return finished;
}

Result<auth::LoginResult> OidcService::CreateAccount(std::string_view ticket,
                                                     std::string_view username,
                                                     std::string_view device_name,
                                                     std::string_view client_address, int64_t now) {
  if (Status s = Admit(client_address, now); !s.ok()) return s;
  Result<VerifiedIdentity> identity = Ticket(ticket, now);
  if (!identity.ok()) return identity.status();
  if (Result<std::string> device = auth::NormalizeDeviceName(device_name); !device.ok()) {
    return device.status();
  }
  Result<std::optional<int64_t>> linked =
      store_.FindIdentityUser(identity->provider, identity->claims.subject);
  if (!linked.ok()) return linked.status();
  if (linked->has_value()) return Status(Code::kConflict, "this identity is linked already");
  const std::string display_name =
      auth::ValidateDisplayName(identity->claims.name).ok() ? identity->claims.name : "";
  Result<store::User> user =
      auth_.RegisterWithoutPassword(username, display_name, client_address, now);
  if (!user.ok()) return user.status();
  // A concurrent step with the same identity may win between the check above and here: the
  // loser's new account then has no way in, and its session is not opened.
  if (Status s = store_.AddIdentity({identity->provider, identity->claims.subject, user->id, now});
      !s.ok()) {
    return s;
  }
  tickets_.Take(KeyOf(ticket), now);
  return auth_.SignIn(user->id, device_name, now);
}

Result<auth::LoginResult> OidcService::LinkAccount(std::string_view ticket,
                                                   std::string_view username,
                                                   std::string_view password,
                                                   std::string_view device_name,
                                                   std::string_view client_address, int64_t now) {
  if (Status s = Admit(client_address, now); !s.ok()) return s;
  Result<VerifiedIdentity> identity = Ticket(ticket, now);
  if (!identity.ok()) return identity.status();
  Result<std::optional<int64_t>> linked =
      store_.FindIdentityUser(identity->provider, identity->claims.subject);
  if (!linked.ok()) return linked.status();
  if (linked->has_value()) return Status(Code::kConflict, "this identity is linked already");
  // The password login's limits, delays and second step all apply.
  Result<auth::LoginResult> login =
      auth_.Login(username, password, device_name, client_address, now);
  if (!login.ok()) return login.status();
  if (Status s =
          store_.AddIdentity({identity->provider, identity->claims.subject, login->user.id, now});
      !s.ok()) {
    return s;
  }
  tickets_.Take(KeyOf(ticket), now);
  return login;
}

Status OidcService::ConfirmIdentity(const auth::Principal& me, std::string_view ticket,
                                    int64_t now) {
  Result<VerifiedIdentity> identity = Ticket(ticket, now);
  if (!identity.ok()) return identity.status();
  Result<std::optional<int64_t>> user =
      store_.FindIdentityUser(identity->provider, identity->claims.subject);
  if (!user.ok()) return user.status();
  if (!user->has_value() || **user != me.user.id) {
    return Status(Code::kForbidden, "this identity is not linked to your account");
  }
  tickets_.Take(KeyOf(ticket), now);
  auth_.ConfirmedIdentity(me, now);
  return Status::Ok();
}

Result<std::vector<LinkedIdentity>> OidcService::Identities(const auth::Principal& me) {
  Result<std::vector<store::OidcIdentity>> identities = store_.ListIdentities(me.user.id);
  if (!identities.ok()) return identities.status();
  std::vector<LinkedIdentity> out;
  for (store::OidcIdentity& identity : *identities) {
    std::string display_name = DisplayNameOf(identity.provider);
    out.push_back({std::move(identity), std::move(display_name)});
  }
  return out;
}

Status OidcService::Unlink(const auth::Principal& me, std::string_view provider,
                           std::string_view subject) {
  return store_.RemoveIdentity(me.user.id, provider, subject);
}

}  // namespace parley::oidc
