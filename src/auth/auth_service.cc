#include "auth/auth_service.h"

#include <optional>
#include <utility>

#include "auth/token.h"
#include "auth/validation.h"
#include "base/random_hex.h"

namespace parley::auth {
namespace {

// The password the dummy hash is made of. Its value does not matter: nobody can log in with it.
constexpr std::string_view kDummyPassword = "parley: no such account";

Status BadCredentials() { return Status(Code::kUnauthenticated, "wrong username or password"); }

Status InvalidToken() {
  return Status(Code::kUnauthenticated, "invalid, expired or revoked token");
}

// What a disabled account gets instead of a session, after its credentials were checked.
Status Disabled() {
  return Status(Code::kAccountDisabled, "this account has been disabled by a server admin");
}

store::User WithoutHash(store::User user) {
  user.password_hash.clear();
  return user;
}

}  // namespace

AuthService::AuthService(store::Store& store, AuthOptions options)
    : store_(store),
      options_(std::move(options)),
      login_limits_(options_.login),
      admin_setup_(store),
      address_registrations_(options_.registrations_per_address, options_.rate_limiter_max_keys),
      identity_confirmations_(options_.rate_limiter_max_keys),
      scram_decoy_key_(RandomBytes(32)) {}

void AuthService::ShareLimits(SharedBuckets* shared) {
  login_limits_.ShareLimits(shared);
  address_registrations_.Share(shared, "auth.registrations_per_address");
}

void AuthService::ShareSignIn(SharedEntries* entries, SharedFailures* failures) {
  login_limits_.ShareBackoff(failures);
  identity_confirmations_.Share(entries);
  admin_setup_.Share(entries);
}

void AuthService::SetRevocationListener(RevocationListener* listener) {
  listener_.store(listener, std::memory_order_release);
}

void AuthService::SetSecondFactorGate(SecondFactorGate* gate) {
  second_factor_.store(gate, std::memory_order_release);
}

Result<store::User> AuthService::Register(std::string_view username, std::string_view password,
                                          std::string_view display_name,
                                          std::string_view client_address, int64_t now) {
  if (!address_registrations_.Allow(AddressKey(client_address), now)) {
    return Status(Code::kRateLimited, "too many new accounts from this address; try later");
  }
  if (Status s = ValidateUsername(username); !s.ok()) return s;
  if (Status s = ValidatePassword(password); !s.ok()) return s;
  if (!display_name.empty()) {
    if (Status s = ValidateDisplayName(display_name); !s.ok()) return s;
  }
  // Fail fast on a taken name before spending a hash; CreateUser still settles races.
  Result<store::User> existing = store_.FindUserByName(username);
  if (existing.ok()) return Status(Code::kConflict, "username is taken");
  if (existing.status().code() != Code::kNotFound) return existing.status();
  Result<std::string> hash = HashPassword(password, options_.password);
  if (!hash.ok()) return hash.status();
  Result<store::User> created = CreateAccount(username, std::move(*hash),
                                              display_name.empty() ? username : display_name, now);
  if (created.ok()) StoreScramCredentials(created->id, password);
  return created;
}

Result<store::User> AuthService::RegisterWithoutPassword(std::string_view username,
                                                         std::string_view display_name,
                                                         std::string_view client_address,
                                                         int64_t now) {
  if (!address_registrations_.Allow(AddressKey(client_address), now)) {
    return Status(Code::kRateLimited, "too many new accounts from this address; try later");
  }
  if (Status s = ValidateUsername(username); !s.ok()) return s;
  return CreateAccount(username, "", display_name.empty() ? username : display_name, now);
}

Result<store::User> AuthService::CreateAccount(std::string_view username, std::string password_hash,
                                               std::string_view display_name, int64_t now) {
  if (Status s = ValidateDisplayName(display_name); !s.ok()) return s;
  store::NewUser new_user{
      .username = std::string(username),
      .display_name = std::string(display_name),
      .password_hash = std::move(password_hash),
      .created_at = now,
  };
  Result<store::User> created = store_.CreateUser(new_user);
  if (!created.ok()) {
    if (created.status().code() == Code::kConflict) {
      return Status(Code::kConflict, "username is taken");
    }
    return created.status();
  }
  return WithoutHash(std::move(*created));
}

Result<LoginResult> AuthService::Login(std::string_view username, std::string_view password,
                                       std::string_view device_name,
                                       std::string_view client_address, int64_t now) {
  Result<std::string> device_label = NormalizeDeviceName(device_name);
  if (!device_label.ok()) return device_label.status();
  // A name that breaks the rules has no account. It costs a hash like any other miss, but is
  // kept out of the per-account limits so that junk names cannot crowd real ones out.
  const std::string account =
      ValidateUsername(username).ok() ? CanonicalUsername(username) : std::string();
  if (Status s = login_limits_.AdmitLogin(account, client_address, now); !s.ok()) return s;
  if (account.empty()) {
    SpendDummyVerification(password);
    login_limits_.LoginFailed(account, client_address, now);
    return BadCredentials();
  }

  Result<store::User> user = store_.FindUserByName(username);
  if (!user.ok() && user.status().code() != Code::kNotFound) return user.status();
  bool verified = false;
  if (user.ok() && !user->password_hash.empty()) {
    verified = VerifyPassword(user->password_hash, password);
  } else {
    SpendDummyVerification(password);  // so that "no such user" takes as long as "wrong password"
  }
  if (!verified) {
    login_limits_.LoginFailed(account, client_address, now);
    return BadCredentials();
  }
  login_limits_.LoginSucceeded(account, client_address);
  MaybeUpgradeHash(*user, password);
  // Accounts older than SCRAM credentials (or whose hash was just upgraded, which drops them)
  // get them now, from the password the user just proved.
  Result<std::optional<store::ScramCredentials>> scram = store_.FindScramCredentials(user->id);
  if (scram.ok() && (!scram->has_value() || (*scram)->iterations < kScramIterations)) {
    StoreScramCredentials(user->id, password);
  }

  return FinishLogin(std::move(*user), std::move(*device_label), now);
}

Result<AuthService::ScramLookup> AuthService::BeginScramLogin(std::string_view username,
                                                              std::string_view client_address,
                                                              int64_t now) {
  ScramLookup lookup;
  lookup.account = ValidateUsername(username).ok() ? CanonicalUsername(username) : std::string();
  if (Status s = login_limits_.AdmitLogin(lookup.account, client_address, now); !s.ok()) return s;
  if (!lookup.account.empty()) {
    Result<store::User> user = store_.FindUserByName(username);
    if (!user.ok() && user.status().code() != Code::kNotFound) return user.status();
    if (user.ok() && !user->password_hash.empty()) {
      Result<std::optional<store::ScramCredentials>> credentials =
          store_.FindScramCredentials(user->id);
      if (!credentials.ok()) return credentials.status();
      if (credentials->has_value()) {
        lookup.user_id = user->id;
        lookup.credentials = std::move(**credentials);
        return lookup;
      }
    }
  }
  // Decoy credentials: a salt that stays the same for the name (within this process), keys
  // no password derives.
  lookup.credentials.salt =
      DeriveScramCredentials(scram_decoy_key_, lookup.account, 1).server_key.substr(0, 16);
  lookup.credentials.iterations = kScramIterations;
  lookup.credentials.stored_key = RandomBytes(32);
  lookup.credentials.server_key = RandomBytes(32);
  return lookup;
}

Result<LoginResult> AuthService::FinishScramLogin(const ScramLookup& lookup, bool proof_ok,
                                                  std::string_view device_name,
                                                  std::string_view client_address, int64_t now) {
  Result<std::string> device_label = NormalizeDeviceName(device_name);
  if (!device_label.ok()) return device_label.status();
  if (!proof_ok || lookup.user_id == 0) {
    login_limits_.LoginFailed(lookup.account, client_address, now);
    return BadCredentials();
  }
  Result<store::User> user = store_.FindUserById(lookup.user_id);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) return BadCredentials();
    return user.status();
  }
  login_limits_.LoginSucceeded(lookup.account, client_address);
  return FinishLogin(std::move(*user), std::move(*device_label), now);
}

Result<LoginResult> AuthService::SignIn(int64_t user_id, std::string_view device_name,
                                        int64_t now) {
  Result<std::string> device_label = NormalizeDeviceName(device_name);
  if (!device_label.ok()) return device_label.status();
  Result<store::User> user = store_.FindUserById(user_id);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) return BadCredentials();
    return user.status();
  }
  return FinishLogin(std::move(*user), std::move(*device_label), now);
}

Result<LoginResult> AuthService::FinishLogin(store::User user, std::string device_name,
                                             int64_t now) {
  if (user.disabled_at != 0) return Disabled();
  if (SecondFactorGate* gate = second_factor_.load(std::memory_order_acquire)) {
    auto challenge = gate->ChallengeFor(user, device_name, now);
    if (!challenge.ok()) return challenge.status();
    if (challenge->has_value()) {
      LoginResult pending;
      pending.user = WithoutHash(std::move(user));
      pending.second_factor = std::move(*challenge);
      return pending;
    }
  }
  std::string token = NewToken();
  Result<store::Device> device = CreateDevice(user.id, std::move(device_name), token, now);
  if (!device.ok()) return device.status();
  return LoginResult{std::move(token), std::move(*device), WithoutHash(std::move(user)), {}};
}

Result<LoginResult> AuthService::OpenSession(int64_t user_id, std::string device_name,
                                             int64_t now) {
  Result<store::User> user = store_.FindUserById(user_id);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) return BadCredentials();
    return user.status();
  }
  if (user->disabled_at != 0) return Disabled();
  std::string token = NewToken();
  Result<store::Device> device = CreateDevice(user_id, std::move(device_name), token, now);
  if (!device.ok()) return device.status();
  return LoginResult{std::move(token), std::move(*device), WithoutHash(std::move(*user)), {}};
}

Result<Principal> AuthService::Authenticate(std::string_view token, int64_t now) {
  if (!IsWellFormedToken(token)) return InvalidToken();
  Result<store::Device> device = store_.FindDeviceByTokenHash(TokenHash(token), now);
  if (!device.ok()) {
    if (device.status().code() == Code::kNotFound) return InvalidToken();
    return device.status();
  }
  Result<store::User> user = store_.FindUserById(device->user_id);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) return InvalidToken();
    return user.status();
  }
  // Disabling revokes every session too; this covers one opened in the meantime.
  if (user->disabled_at != 0) return Disabled();
  // last_seen_at is informational: refresh it at most once per interval, and do not fail the
  // request when that write fails.
  if (now - device->last_seen_at >= options_.touch_interval_ms) {
    (void)store_.TouchDevice(device->id, now);
  }
  return Principal{WithoutHash(std::move(*user)), device->id, device->expires_at};
}

Status AuthService::Logout(const Principal& principal) {
  Status status = store_.RevokeDevice(principal.user.id, principal.device_id);
  if (status.code() == Code::kNotFound) {
    return Status(Code::kUnauthenticated, "this session is no longer active");
  }
  if (!status.ok()) return status;
  NotifyDeviceRevoked(principal.user.id, principal.device_id);
  return Status::Ok();
}

Result<std::vector<store::Device>> AuthService::ListDevices(const Principal& principal,
                                                            int64_t now) {
  return store_.ListDevices(principal.user.id, now);
}

Status AuthService::RevokeDevice(const Principal& principal, int64_t device_id) {
  Status status = store_.RevokeDevice(principal.user.id, device_id);
  if (status.code() == Code::kNotFound) {
    return Status(Code::kNotFound, "no such active device");
  }
  if (!status.ok()) return status;
  NotifyDeviceRevoked(principal.user.id, device_id);
  return Status::Ok();
}

Status AuthService::ChangePassword(const Principal& principal, std::string_view old_password,
                                   std::string_view new_password, int64_t now) {
  if (Status s = ValidatePassword(new_password); !s.ok()) return s;
  if (Status s = ConfirmPassword(principal, old_password, now); !s.ok()) return s;
  return ReplacePassword(principal.user.id, new_password, principal.device_id);
}

Status AuthService::ConfirmPassword(const Principal& principal, std::string_view password,
                                    int64_t now) {
  const std::string account = CanonicalUsername(principal.user.username);
  if (Status s = login_limits_.AdmitPasswordCheck(account, principal.device_id, now); !s.ok()) {
    return s;
  }
  // Read the hash afresh: the principal's copy has none, and it may have changed since.
  Result<store::User> user = store_.FindUserById(principal.user.id);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) return InvalidToken();
    return user.status();
  }
  if (user->password_hash.empty()) {
    if (identity_confirmations_.Take(principal.user.id, principal.device_id, now)) {
      return Status::Ok();
    }
    return Status(Code::kForbidden, "identity confirmation required");
  }
  if (!VerifyPassword(user->password_hash, password)) {
    login_limits_.PasswordCheckFailed(account, principal.device_id, now);
    return Status(Code::kUnauthenticated, "wrong password");
  }
  login_limits_.PasswordCheckSucceeded(account, principal.device_id);
  return Status::Ok();
}

Result<bool> AuthService::HasPassword(int64_t user_id) {
  Result<store::User> user = store_.FindUserById(user_id);
  if (!user.ok()) return user.status();
  return !user->password_hash.empty();
}

void AuthService::ConfirmedIdentity(const Principal& principal, int64_t now) {
  identity_confirmations_.Record(principal.user.id, principal.device_id, now);
}

Status AuthService::ResetPassword(int64_t user_id, std::string_view new_password) {
  if (Status s = ValidatePassword(new_password); !s.ok()) return s;
  return ReplacePassword(user_id, new_password, /*kept_device_id=*/0);
}

Status AuthService::EndAllSessions(int64_t user_id) {
  if (Status s = store_.RevokeOtherDevices(user_id, /*keep_device_id=*/0); !s.ok()) return s;
  if (RevocationListener* listener = listener_.load(std::memory_order_acquire)) {
    listener->OnOtherDevicesRevoked(user_id, /*kept_device_id=*/0);
  }
  return Status::Ok();
}

Status AuthService::ForcePasswordReset(int64_t user_id) {
  if (Status s = store_.SetPasswordHash(user_id, ""); !s.ok()) return s;
  return EndAllSessions(user_id);
}

Status AuthService::ReplacePassword(int64_t user_id, std::string_view new_password,
                                    int64_t kept_device_id) {
  Result<std::string> hash = HashPassword(new_password, options_.password);
  if (!hash.ok()) return hash.status();
  if (Status s = store_.SetPasswordHash(user_id, *hash); !s.ok()) return s;
  StoreScramCredentials(user_id, new_password);
  // Revoke only after the new hash is in place, so that a login which slipped in with the old
  // password meanwhile is revoked too. If this fails the password has changed all the same;
  // the client may retry with the new one as the old.
  if (Status s = store_.RevokeOtherDevices(user_id, kept_device_id); !s.ok()) return s;
  if (RevocationListener* listener = listener_.load(std::memory_order_acquire)) {
    listener->OnOtherDevicesRevoked(user_id, kept_device_id);
  }
  return Status::Ok();
}

void AuthService::SpendDummyVerification(std::string_view password) {
  std::call_once(dummy_hash_once_, [this] {
    Result<std::string> hash = HashPassword(kDummyPassword, options_.password);
    if (hash.ok()) dummy_hash_ = std::move(*hash);
  });
  (void)VerifyPassword(dummy_hash_, password);
}

Result<store::Device> AuthService::CreateDevice(int64_t user_id, std::string device_name,
                                                std::string_view token, int64_t now) {
  store::NewDevice device{
      .user_id = user_id,
      .name = std::move(device_name),
      .token_hash = TokenHash(token),
      .created_at = now,
      .expires_at = now + options_.token_lifetime_ms,
  };
  return store_.CreateDevice(device);
}

void AuthService::MaybeUpgradeHash(const store::User& user, std::string_view password) {
  if (!PasswordNeedsRehash(user.password_hash, options_.password)) return;
  // Best effort: the old hash keeps working if this fails, and the next login tries again.
  Result<std::string> hash = HashPassword(password, options_.password);
  if (hash.ok()) (void)store_.SetPasswordHash(user.id, *hash);
}

void AuthService::StoreScramCredentials(int64_t user_id, std::string_view password) {
  (void)store_.SetScramCredentials(user_id, NewScramCredentials(password, kScramIterations));
}

void AuthService::NotifyDeviceRevoked(int64_t user_id, int64_t device_id) {
  if (RevocationListener* listener = listener_.load(std::memory_order_acquire)) {
    listener->OnDeviceRevoked(user_id, device_id);
  }
}

}  // namespace parley::auth
