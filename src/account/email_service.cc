#include "account/email_service.h"

#include <utility>

#include "auth/token.h"
#include "auth/validation.h"
#include "base/log.h"
#include "mail/compose.h"

namespace parley::account {
namespace {

Status NoMail() { return Status(Code::kUnavailable, "this server does not send e-mail"); }

Status BadToken(store::TokenPurpose purpose) {
  return Status(Code::kUnauthenticated, purpose == store::TokenPurpose::kResetPassword
                                            ? "invalid or expired password reset link"
                                            : "invalid or expired verification link");
}

bool IsEmailIdentifier(std::string_view identifier) {
  return identifier.find('@') != std::string_view::npos;
}

// The limiter key of what a reset request named: ASCII-lowercased, so "Alice" and "alice"
// share one bucket (usernames and addresses are both compared case-insensitively).
std::string IdentifierKey(std::string_view identifier) {
  std::string key(identifier);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

std::string MailText(store::TokenPurpose purpose, const std::string& public_url,
                     const std::string& token, int64_t lifetime_ms) {
  const bool reset = purpose == store::TokenPurpose::kResetPassword;
  const std::string minutes = std::to_string(lifetime_ms / 60'000);
  std::string text = reset ? "Someone asked to reset the password of your Parley account.\n"
                             "If it was you, choose a new password here:\n\n"
                           : "Please confirm that this address belongs to your Parley account:\n\n";
  if (!public_url.empty()) {
    text += "  " + public_url + (reset ? "/reset-password#" : "/verify-email#") + token + "\n\n";
    text += "or enter this code in the app:\n\n";
  } else {
    text += "Enter this code in the app:\n\n";
  }
  text += "  " + token + "\n\n";
  text += "It works once, within " + minutes + " minutes.\n";
  text += reset ? "If you did not ask for this, ignore this mail: your password stays as it is.\n"
                : "If you did not ask for this, ignore this mail.\n";
  return text;
}

}  // namespace

EmailService::EmailService(store::Store& store, auth::AuthService& auth, mail::Mailer* mailer,
                           EmailOptions options)
    : store_(store),
      auth_(auth),
      mailer_(mailer),
      options_(std::move(options)),
      resets_per_address_(options_.resets_per_address, options_.rate_limiter_max_keys),
      resets_per_identifier_(options_.resets_per_identifier, options_.rate_limiter_max_keys),
      reset_mails_per_account_(options_.reset_mails_per_account, options_.rate_limiter_max_keys),
      verify_mails_per_account_(options_.verify_mails_per_account, options_.rate_limiter_max_keys),
      redemptions_per_address_(options_.redemptions_per_address, options_.rate_limiter_max_keys) {}

void EmailService::ShareLimits(SharedBuckets* shared) {
  resets_per_address_.Share(shared, "email.resets_per_address");
  resets_per_identifier_.Share(shared, "email.resets_per_identifier");
  reset_mails_per_account_.Share(shared, "email.reset_mails_per_account");
  verify_mails_per_account_.Share(shared, "email.verify_mails_per_account");
  redemptions_per_address_.Share(shared, "email.redemptions_per_address");
}

Result<EmailState> EmailService::GetEmail(const auth::Principal& me) {
  auto email = store_.FindEmail(me.user.id);
  if (!email.ok()) return email.status();
  if (!email->has_value()) return EmailState{};
  return EmailState{(*email)->address, (*email)->verified};
}

Result<EmailState> EmailService::SetEmail(const auth::Principal& me, std::string_view address,
                                          std::string_view password, int64_t now) {
  if (!address.empty() && !mail::IsPlainAddress(address)) {
    return Status(Code::kInvalidArgument, "email must be an address like name@example.org");
  }
  if (!address.empty() && mailer_ == nullptr) return NoMail();
  if (Status s = auth_.ConfirmPassword(me, password, now); !s.ok()) return s;
  auto current = store_.FindEmail(me.user.id);
  if (!current.ok()) return current.status();
  const bool unchanged = current->has_value() && (*current)->address == address;
  if (unchanged && (*current)->verified) return EmailState{(*current)->address, true};
  if (!address.empty() && !verify_mails_per_account_.Allow(std::to_string(me.user.id), now)) {
    return Status(Code::kRateLimited, "too many verification mails; try again later");
  }
  // Setting the same unverified address again only sends a new code (the old ones stay).
  if (!unchanged) {
    if (Status s = store_.SetEmail(me.user.id, address, now); !s.ok()) return s;
  }
  if (address.empty()) return EmailState{};
  if (Status s =
          SendToken(me.user.id, store::TokenPurpose::kVerifyEmail, std::string(address), now);
      !s.ok()) {
    return s;
  }
  return EmailState{std::string(address), false};
}

Status EmailService::VerifyEmail(std::string_view token, std::string_view client_address,
                                 int64_t now) {
  auto taken = Redeem(token, store::TokenPurpose::kVerifyEmail, client_address, now);
  if (!taken.ok()) return taken.status();
  auto marked = store_.MarkEmailVerified(taken->user_id, taken->address);
  if (!marked.ok()) return marked.status();
  if (!*marked) return BadToken(store::TokenPurpose::kVerifyEmail);  // the address changed since
  Log(LogLevel::kInfo, "email_verified", {{"user", std::to_string(taken->user_id)}});
  return Status::Ok();
}

Status EmailService::RequestPasswordReset(std::string_view identifier,
                                          std::string_view client_address, int64_t now) {
  if (identifier.empty() || identifier.size() > mail::kMaxAddressBytes) {
    return Status(Code::kInvalidArgument, "account must be a username or an e-mail address");
  }
  if (mailer_ == nullptr) return NoMail();
  // Check both before taking from either, so a refused request costs no bucket anything.
  const std::string_view address_key = AddressKey(client_address);
  const std::string identifier_key = IdentifierKey(identifier);
  if (resets_per_address_.IsLimited(address_key, now) ||
      resets_per_identifier_.IsLimited(identifier_key, now)) {
    return Status(Code::kRateLimited, "too many password reset requests; try again later");
  }
  resets_per_address_.Record(address_key, now);
  resets_per_identifier_.Record(identifier_key, now);
  return Status::Ok();
}

void EmailService::SendResetMail(std::string_view identifier, int64_t now) {
  auto user_id = FindResetTarget(identifier);
  if (!user_id.ok()) {
    Log(LogLevel::kWarning, "reset_mail_failed", {{"reason", user_id.status().message()}});
    return;
  }
  if (!user_id->has_value()) return;  // no such account, or no verified address
  auto email = store_.FindEmail(**user_id);
  if (!email.ok() || !email->has_value() || !(*email)->verified) return;
  if (!reset_mails_per_account_.Allow(std::to_string(**user_id), now)) {
    Log(LogLevel::kInfo, "reset_mail_limited", {{"user", std::to_string(**user_id)}});
    return;
  }
  Status sent = SendToken(**user_id, store::TokenPurpose::kResetPassword, (*email)->address, now);
  if (!sent.ok()) {
    Log(LogLevel::kWarning, "reset_mail_failed",
        {{"user", std::to_string(**user_id)}, {"reason", sent.message()}});
  }
}

Status EmailService::ResetPassword(std::string_view token, std::string_view new_password,
                                   std::string_view client_address, int64_t now) {
  if (Status s = auth::ValidatePassword(new_password); !s.ok()) return s;
  auto taken = Redeem(token, store::TokenPurpose::kResetPassword, client_address, now);
  if (!taken.ok()) return taken.status();
  // The reset proves the mailbox, which must still be the account's verified address.
  auto email = store_.FindEmail(taken->user_id);
  if (!email.ok()) return email.status();
  if (!email->has_value() || !(*email)->verified || (*email)->address != taken->address) {
    return BadToken(store::TokenPurpose::kResetPassword);
  }
  if (Status s = auth_.ResetPassword(taken->user_id, new_password); !s.ok()) return s;
  // Every other link mailed for this account is void now.
  (void)store_.RemoveTokens(taken->user_id, store::TokenPurpose::kResetPassword);
  Log(LogLevel::kInfo, "password_reset", {{"user", std::to_string(taken->user_id)}});
  return Status::Ok();
}

Status EmailService::SendToken(int64_t user_id, store::TokenPurpose purpose,
                               const std::string& address, int64_t now) {
  if (mailer_ == nullptr) return NoMail();
  const bool reset = purpose == store::TokenPurpose::kResetPassword;
  const int64_t lifetime = reset ? options_.reset_lifetime_ms : options_.verify_lifetime_ms;
  const std::string token = auth::NewToken();
  store::OneTimeToken stored{auth::TokenHash(token), user_id, purpose, address, now,
                             now + lifetime};
  if (Status s = store_.AddToken(stored); !s.ok()) return s;
  mail::Mail mail{address, reset ? "Reset your Parley password" : "Confirm your e-mail address",
                  MailText(purpose, options_.public_url, token, lifetime)};
  return mailer_->Send(std::move(mail));
}

Result<std::optional<int64_t>> EmailService::FindResetTarget(std::string_view identifier) {
  if (IsEmailIdentifier(identifier)) {
    if (!mail::IsPlainAddress(identifier)) return std::optional<int64_t>();
    return store_.UserWithVerifiedEmail(identifier);
  }
  if (!auth::ValidateUsername(identifier).ok()) return std::optional<int64_t>();
  auto user = store_.FindUserByName(identifier);
  if (user.ok()) return std::optional<int64_t>(user->id);
  if (user.status().code() == Code::kNotFound) return std::optional<int64_t>();
  return user.status();
}

Result<store::OneTimeToken> EmailService::Redeem(std::string_view token,
                                                 store::TokenPurpose purpose,
                                                 std::string_view client_address, int64_t now) {
  if (!redemptions_per_address_.Allow(AddressKey(client_address), now)) {
    return Status(Code::kRateLimited, "too many attempts; try again later");
  }
  if (!auth::IsWellFormedToken(token)) return BadToken(purpose);
  auto taken = store_.TakeToken(auth::TokenHash(token), purpose, now);
  if (!taken.ok()) return taken.status();
  if (!taken->has_value()) return BadToken(purpose);
  return std::move(**taken);
}

}  // namespace parley::account
