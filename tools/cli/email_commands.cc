// parley email [ADDRESS | --remove] | verify-email TOKEN | reset-password ACCOUNT | --token T
#include <cstdlib>
#include <iostream>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"

namespace parley::cli {

using nlohmann::json;

Result<std::string> ReadNewPassword() {
  Result<std::string> new_password = ReadSecret("", "PARLEY_NEW_PASSWORD", "New password: ");
  if (!new_password.ok()) return new_password.status();
  if (std::getenv("PARLEY_NEW_PASSWORD") == nullptr) {
    Result<std::string> again = ReadSecret("", "PARLEY_NEW_PASSWORD", "New password again: ");
    if (!again.ok() || *again != *new_password) {
      return Status(Code::kInvalidArgument, "the new passwords differ");
    }
  }
  return new_password;
}

namespace {

void PrintEmail(const json& reply) {
  if (!reply.contains("email") || !reply["email"].is_string()) {
    std::cout << "no e-mail address\n";
    return;
  }
  std::cout << reply["email"].get<std::string>()
            << (reply.value("verified", false) ? " (verified)"
                                               : " (not verified: see the mail sent to it)")
            << "\n";
}

}  // namespace

int RunEmail(const CliContext& context, const std::string& address, bool remove) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  if (address.empty() && !remove) {
    Result<json> reply = (*api)->Email();
    if (!reply.ok()) return Fail(reply.status(), "email");
    PrintEmail(*reply);
    return kExitOk;
  }
  Result<std::string> password = ReadSecret(context.password_flag, "PARLEY_PASSWORD", "Password: ");
  if (!password.ok()) return Fail(password.status());
  Result<json> reply = (*api)->SetEmail(remove ? "" : address, *password);
  if (!reply.ok()) return Fail(reply.status(), "email");
  PrintEmail(*reply);
  return kExitOk;
}

int RunVerifyEmail(const CliContext& context, const std::string& token) {
  client::HttpApi api(context.endpoint);
  if (Status status = api.VerifyEmail(token); !status.ok()) return Fail(status, "verify-email");
  std::cout << "e-mail address verified\n";
  return kExitOk;
}

int RunResetPassword(const CliContext& context, const std::string& account,
                     const std::string& token) {
  client::HttpApi api(context.endpoint);
  if (token.empty()) {
    if (Status status = api.RequestPasswordReset(account); !status.ok()) {
      return Fail(status, "reset-password");
    }
    std::cout << "if " << account
              << " has a verified e-mail address, a reset code is on its way; then run\n"
                 "  parley reset-password --token CODE\n";
    return kExitOk;
  }
  Result<std::string> new_password = ReadNewPassword();
  if (!new_password.ok()) return Fail(new_password.status());
  if (Status status = api.ResetPassword(token, *new_password); !status.ok()) {
    return Fail(status, "reset-password");
  }
  std::cout << "password changed; every device of the account was logged out\n";
  return kExitOk;
}

}  // namespace parley::cli
