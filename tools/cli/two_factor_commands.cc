// parley 2fa [enable | confirm CODE | disable CODE | recovery-codes CODE], and the second step
// of `parley login` (docs/protocol.md, "Two-step sign-in").
#include <iostream>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"

namespace parley::cli {

using nlohmann::json;

namespace {

void PrintRecoveryCodes(const json& reply) {
  std::cout << "recovery codes (each works once; keep them safe, they are not shown again):\n";
  for (const json& code : reply.value("recovery_codes", json::array())) {
    std::cout << "  " << code.get<std::string>() << "\n";
  }
}

}  // namespace

Result<client::LoginResult> FinishSecondStep(client::HttpApi& api, const std::string& challenge) {
  Result<std::string> code =
      ReadSecret("", "PARLEY_CODE", "Code from your authenticator app (or a recovery code): ");
  if (!code.ok()) return code.status();
  return api.SecondFactor(challenge, *code);
}

int RunTwoFactor(const CliContext& context, const std::string& action, const std::string& code) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  if (action.empty()) {
    Result<json> state = (*api)->TwoStep();
    if (!state.ok()) return Fail(state.status(), "2fa");
    if (state->value("enabled", false)) {
      std::cout << "two-step sign-in is on; recovery codes left: "
                << state->value("recovery_codes_left", int64_t{0}) << "\n";
    } else {
      std::cout << "two-step sign-in is off"
                << (state->value("pending", false) ? " (set-up waiting for `parley 2fa confirm`)"
                                                   : "")
                << "\n";
    }
    return kExitOk;
  }
  if (action == "enable") {
    Result<std::string> password =
        ReadSecret(context.password_flag, "PARLEY_PASSWORD", "Password: ");
    if (!password.ok()) return Fail(password.status());
    Result<json> started = (*api)->StartTwoStep(*password);
    if (!started.ok()) return Fail(started.status(), "2fa");
    std::cout << "add this key to your authenticator app: " << started->value("secret", "")
              << "\n(or open this URI as a QR code: " << started->value("uri", "")
              << ")\nthen run: parley 2fa confirm CODE\n";
    return kExitOk;
  }
  if (code.empty()) return Fail(Status(Code::kInvalidArgument, "give the CODE from your app"));
  if (action == "confirm" || action == "recovery-codes") {
    Result<json> codes =
        action == "confirm" ? (*api)->ConfirmTwoStep(code) : (*api)->NewRecoveryCodes(code);
    if (!codes.ok()) return Fail(codes.status(), "2fa");
    if (action == "confirm") std::cout << "two-step sign-in is on\n";
    PrintRecoveryCodes(*codes);
    return kExitOk;
  }
  Result<std::string> password = ReadSecret(context.password_flag, "PARLEY_PASSWORD", "Password: ");
  if (!password.ok()) return Fail(password.status());
  if (Status s = (*api)->DisableTwoStep(*password, code); !s.ok()) return Fail(s, "2fa");
  std::cout << "two-step sign-in is off\n";
  return kExitOk;
}

}  // namespace parley::cli
