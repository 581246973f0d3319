#include "account/two_factor_service.h"

#include <utility>

#include "auth/token.h"
#include "auth/totp.h"
#include "auth/validation.h"
#include "base/random_hex.h"

namespace parley::account {
namespace {

constexpr size_t kSeedBytes = 20;          // 160 bits, RFC 4226's recommendation
constexpr size_t kRecoveryCodeBytes = 10;  // 80 bits: 16 base32 characters
constexpr size_t kMaxCodeBytes = 64;       // longer input is no code: refused unread

Status WrongCode() { return Status(Code::kUnauthenticated, "wrong or already used code"); }

Status BadChallenge() {
  return Status(Code::kUnauthenticated, "sign-in challenge unknown or expired; sign in again");
}

Status Off() { return Status(Code::kConflict, "two-step sign-in is off"); }

bool IsTotpShaped(std::string_view code) {
  if (code.size() != static_cast<size_t>(auth::kTotpDigits)) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A recovery code as shown ("abcd-efgh-ijkl-mnop"), in the one spelling that is hashed: without
// dashes and spaces, lower case.
std::string NormalizeRecoveryCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// RFC 3986 percent-encoding of everything but unreserved characters (otpauth:// label, issuer).
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

std::string AccountKey(int64_t user_id) { return "user " + std::to_string(user_id); }

}  // namespace

std::string TotpSealContext(int64_t user_id) { return "totp " + std::to_string(user_id); }

TwoFactorService::TwoFactorService(store::Store& store, auth::AuthService& auth,
                                   const auth::SecretBox& box, TwoFactorOptions options)
    : store_(store),
      auth_(auth),
      box_(box),
      options_(std::move(options)),
      failures_per_account_(options_.failures_per_account, options_.rate_limiter_max_keys),
      checks_per_address_(options_.checks_per_address, options_.rate_limiter_max_keys),
      challenges_(options_.max_challenges) {}

void TwoFactorService::ShareLimits(SharedBuckets* shared) {
  checks_per_address_.Share(shared, "two_factor.checks_per_address");
}

void TwoFactorService::ShareSignIn(SharedEntries* entries, SharedFailures* failures) {
  challenges_.Share(entries, "two_factor.challenges", &EncodeChallenge, &DecodeChallenge);
  failures_per_account_.Share(failures, "two_factor.failures_per_account");
}

Result<TwoFactorState> TwoFactorService::State(const auth::Principal& me) {
  auto secret = store_.FindTotp(me.user.id);
  if (!secret.ok()) return secret.status();
  TwoFactorState state;
  if (secret->has_value()) {
    state.enabled = (*secret)->enabled;
    state.pending = !(*secret)->enabled;
  }
  if (state.enabled) {
    auto left = store_.RecoveryCodeCount(me.user.id);
    if (!left.ok()) return left.status();
    state.recovery_codes_left = *left;
  }
  return state;
}

Result<TotpEnrolment> TwoFactorService::StartEnrolment(const auth::Principal& me,
                                                       std::string_view password, int64_t now) {
  if (Status s = auth_.ConfirmPassword(me, password, now); !s.ok()) return s;
  const std::string seed = RandomBytes(kSeedBytes);
  if (Status s = store_.StartTotp(me.user.id, box_.Seal(seed, TotpSealContext(me.user.id)), now);
      !s.ok()) {
    return s;
  }
  TotpEnrolment enrolment;
  enrolment.secret = auth::Base32Encode(seed);
  const std::string issuer = PercentEncode(options_.issuer);
  enrolment.uri = "otpauth://totp/" + issuer + ":" + PercentEncode(me.user.username) +
                  "?secret=" + enrolment.secret + "&issuer=" + issuer +
                  "&algorithm=SHA1&digits=" + std::to_string(auth::kTotpDigits) +
                  "&period=" + std::to_string(auth::kTotpStepSeconds);
  return enrolment;
}

Result<std::vector<std::string>> TwoFactorService::ConfirmEnrolment(const auth::Principal& me,
                                                                    std::string_view code,
                                                                    std::string_view client_address,
                                                                    int64_t now) {
  if (code.empty() || code.size() > kMaxCodeBytes) {
    return Status(Code::kInvalidArgument, "code must be 1 to 64 characters");
  }
  auto secret = store_.FindTotp(me.user.id);
  if (!secret.ok()) return secret.status();
  if (!secret->has_value() || (*secret)->enabled) {
    return Status(Code::kConflict, "no two-step sign-in set-up is waiting for a code");
  }
  if (Status s = AdmitCheck(me.user.id, client_address, now); !s.ok()) return s;
  auto seed = OpenSeed(**secret);
  if (!seed.ok()) return seed.status();
  const std::optional<int64_t> step = auth::MatchTotp(*seed, code, now / 1000);
  if (!step) {
    failures_per_account_.RecordFailure(AccountKey(me.user.id), now);
    return WrongCode();
  }
  auto [codes, hashes] = MakeRecoveryCodes();
  auto enabled = store_.EnableTotp(me.user.id, *step, hashes);
  if (!enabled.ok()) return enabled.status();
  if (!*enabled) return Status(Code::kConflict, "two-step sign-in was set up meanwhile");
  failures_per_account_.Reset(AccountKey(me.user.id));
  return std::move(codes);
}

Status TwoFactorService::Disable(const auth::Principal& me, std::string_view password,
                                 std::string_view code, std::string_view client_address,
                                 int64_t now) {
  if (code.empty() || code.size() > kMaxCodeBytes) {
    return Status(Code::kInvalidArgument, "code must be 1 to 64 characters");
  }
  if (Status s = auth_.ConfirmPassword(me, password, now); !s.ok()) return s;
  if (Status s = AdmitCheck(me.user.id, client_address, now); !s.ok()) return s;
  auto right = CheckCode(me.user.id, code, now);
  if (!right.ok()) return right.status();
  if (!*right) return WrongCode();
  return store_.RemoveTotp(me.user.id);
}

Status TwoFactorService::ConfirmIdentity(const auth::Principal& me, std::string_view password,
                                         std::string_view code, std::string_view client_address,
                                         int64_t now) {
  if (code.size() > kMaxCodeBytes) {
    return Status(Code::kInvalidArgument, "code must be at most 64 characters");
  }
  if (Status s = auth_.ConfirmPassword(me, password, now); !s.ok()) return s;
  auto secret = store_.FindTotp(me.user.id);
  if (!secret.ok()) return secret.status();
  if (!secret->has_value() || !(*secret)->enabled) return Status::Ok();
  if (code.empty()) return Status(Code::kUnauthenticated, "code required");
  if (Status s = AdmitCheck(me.user.id, client_address, now); !s.ok()) return s;
  auto right = CheckCode(me.user.id, code, now);
  if (!right.ok()) return right.status();
  return *right ? Status::Ok() : WrongCode();
}

Result<std::vector<std::string>> TwoFactorService::NewRecoveryCodes(const auth::Principal& me,
                                                                    std::string_view code,
                                                                    std::string_view client_address,
                                                                    int64_t now) {
  if (code.empty() || code.size() > kMaxCodeBytes) {
    return Status(Code::kInvalidArgument, "code must be 1 to 64 characters");
  }
  if (Status s = AdmitCheck(me.user.id, client_address, now); !s.ok()) return s;
  auto right = CheckCode(me.user.id, code, now);
  if (!right.ok()) return right.status();
  if (!*right) return WrongCode();
  auto [codes, hashes] = MakeRecoveryCodes();
  if (Status s = store_.ReplaceRecoveryCodes(me.user.id, hashes); !s.ok()) return s;
  return std::move(codes);
}

Result<auth::LoginResult> TwoFactorService::CompleteLogin(std::string_view challenge,
                                                          std::string_view code,
                                                          std::string_view client_address,
                                                          int64_t now) {
  if (code.empty() || code.size() > kMaxCodeBytes) {
    return Status(Code::kInvalidArgument, "code must be 1 to 64 characters");
  }
  if (!auth::IsWellFormedToken(challenge)) return BadChallenge();
  const std::string key = auth::TokenHash(challenge);
  std::optional<Challenge> taken = challenges_.Take(key, now);
  if (!taken) return BadChallenge();
  if (Status s = AdmitCheck(taken->user_id, client_address, now); !s.ok()) {
    PutBackChallenge(key, std::move(*taken), now);  // a refusal before the check costs no attempt
    return s;
  }
  auto right = CheckCode(taken->user_id, code, now);
  if (!right.ok()) {
    // Off meanwhile (kConflict): the password was right, which is all the account asks now.
    if (right.status().code() != Code::kConflict) return right.status();
  } else if (!*right) {
    if (++taken->wrong_codes < options_.codes_per_challenge) {
      PutBackChallenge(key, std::move(*taken), now);
    }
    return WrongCode();
  }
  return auth_.OpenSession(taken->user_id, std::move(taken->device_name), now);
}

Result<std::optional<auth::SecondFactorChallenge>> TwoFactorService::ChallengeFor(
    const store::User& user, std::string_view device_name, int64_t now) {
  auto secret = store_.FindTotp(user.id);
  if (!secret.ok()) return secret.status();
  if (!secret->has_value() || !(*secret)->enabled) {
    return std::optional<auth::SecondFactorChallenge>();
  }
  auth::SecondFactorChallenge challenge{auth::NewToken(), now + options_.challenge_lifetime_ms};
  PutBackChallenge(auth::TokenHash(challenge.token),
                   Challenge{user.id, std::string(device_name), challenge.expires_at, 0}, now);
  return std::optional<auth::SecondFactorChallenge>(std::move(challenge));
}

Status TwoFactorService::AdmitCheck(int64_t user_id, std::string_view client_address, int64_t now) {
  const int64_t wait = failures_per_account_.RetryAfterMs(AccountKey(user_id), now);
  if (wait > 0) {
    return Status(Code::kRateLimited,
                  "too many wrong codes; retry in " + std::to_string((wait + 999) / 1000) + " s");
  }
  if (!checks_per_address_.Allow(AddressKey(client_address), now)) {
    return Status(Code::kRateLimited, "too many codes from this address; retry later");
  }
  return Status::Ok();
}

Result<bool> TwoFactorService::CheckCode(int64_t user_id, std::string_view code, int64_t now) {
  auto secret = store_.FindTotp(user_id);
  if (!secret.ok()) return secret.status();
  if (!secret->has_value() || !(*secret)->enabled) return Off();
  Result<bool> right = false;
  if (IsTotpShaped(code)) {
    auto seed = OpenSeed(**secret);
    if (!seed.ok()) return seed.status();
    const std::optional<int64_t> step = auth::MatchTotp(*seed, code, now / 1000);
    right = step.has_value() ? store_.AcceptTotpStep(user_id, *step) : Result<bool>(false);
  } else {
    right = store_.TakeRecoveryCode(user_id, auth::TokenHash(NormalizeRecoveryCode(code)));
  }
  if (!right.ok()) return right.status();
  if (*right) {
    failures_per_account_.Reset(AccountKey(user_id));
  } else {
    failures_per_account_.RecordFailure(AccountKey(user_id), now);
  }
  return right;
}

Result<std::string> TwoFactorService::OpenSeed(const store::TotpSecret& secret) const {
  return box_.Open(secret.sealed_seed, TotpSealContext(secret.user_id));
}

std::pair<std::vector<std::string>, std::vector<std::string>> TwoFactorService::MakeRecoveryCodes()
    const {
  std::vector<std::string> codes;
  std::vector<std::string> hashes;
  for (int i = 0; i < options_.recovery_codes; ++i) {
    const std::string plain =
        NormalizeRecoveryCode(auth::Base32Encode(RandomBytes(kRecoveryCodeBytes)));
    hashes.push_back(auth::TokenHash(plain));
    std::string shown;
    for (size_t at = 0; at < plain.size(); at += 4) {
      if (at > 0) shown.push_back('-');
      shown += plain.substr(at, 4);
    }
    codes.push_back(std::move(shown));
  }
  return {std::move(codes), std::move(hashes)};
}

void TwoFactorService::PutBackChallenge(std::string_view token_hash, Challenge challenge,
                                        int64_t now) {
  const int64_t expires_at = challenge.expires_at;
  challenges_.Put(token_hash, std::move(challenge), now, expires_at);
}

void TwoFactorService::EncodeChallenge(const Challenge& challenge, WireWriter& out) {
  out.SignedVarint(challenge.user_id);
  out.Bytes(challenge.device_name);
  out.SignedVarint(challenge.expires_at);
  out.Varint(static_cast<uint64_t>(challenge.wrong_codes));
}

TwoFactorService::Challenge TwoFactorService::DecodeChallenge(WireReader& in) {
  Challenge challenge;
  challenge.user_id = in.SignedVarint();
  challenge.device_name = std::string(in.Bytes(4 * auth::kMaxDeviceNameChars));
  challenge.expires_at = in.SignedVarint();
  const uint64_t wrong_codes = in.Varint();
  if (wrong_codes > 1000) in.Fail("wrong codes out of range");
  challenge.wrong_codes = static_cast<int>(wrong_codes);
  return challenge;
}

}  // namespace parley::account
