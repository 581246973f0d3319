// parley register | login | logout | whoami | sessions | revoke | passwd
#include <iostream>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"
#include "tools/cli/format.h"

namespace parley::cli {

using nlohmann::json;

int RunRegister(const CliContext& context, const std::string& username,
                const std::string& display_name) {
  Result<std::string> password =
      ReadSecret(context.password_flag, "PARLEY_PASSWORD", "Choose a password: ");
  if (!password.ok()) return Fail(password.status());
  client::HttpApi api(context.endpoint);
  Result<client::User> user = api.Register(username, *password, display_name);
  if (!user.ok()) return Fail(user.status(), "register");
  std::cout << "registered " << user->username << " (id " << user->id << ")\n";
  return kExitOk;
}

int RunLogin(const CliContext& context, const std::string& username, const std::string& device,
             bool print_token) {
  Result<std::string> password = ReadSecret(context.password_flag, "PARLEY_PASSWORD", "Password: ");
  if (!password.ok()) return Fail(password.status());
  client::HttpApi api(context.endpoint);
  Result<client::LoginResult> login = api.Login(username, *password, device);
  if (login.ok() && !login->challenge.empty()) login = FinishSecondStep(api, login->challenge);
  if (!login.ok()) return Fail(login.status(), "login");
  if (print_token) {
    std::cout << login->token << "\n";
    return kExitOk;
  }
  if (Status saved = SaveToken(context, login->token); !saved.ok()) return Fail(saved);
  std::cout << "logged in as " << login->user.username << " (device " << login->device_id << ")\n";
  return kExitOk;
}

int RunLogout(const CliContext& context) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Status status = (*api)->Logout();
  RemoveToken(context);  // the local token is useless either way
  if (!status.ok() && status.code() != Code::kUnauthenticated) return Fail(status, "logout");
  std::cout << "logged out\n";
  return kExitOk;
}

int RunWhoami(const CliContext& context) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<json> account = (*api)->Account();
  if (!account.ok()) return Fail(account.status(), "whoami");
  const json& user = (*account)["user"];
  std::cout << user.value("username", std::string()) << " (id " << user.value("id", int64_t{0})
            << ", display name \"" << user.value("display_name", std::string()) << "\"), device "
            << account->value("device_id", int64_t{0}) << "\n";
  return kExitOk;
}

int RunSessions(const CliContext& context) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<json> sessions = (*api)->ListSessions();
  if (!sessions.ok()) return Fail(sessions.status(), "sessions");
  for (const json& session : *sessions) {
    std::cout << session.value("id", int64_t{0}) << "\t" << session.value("device", std::string())
              << "\tcreated " << FormatDateTime(session.value("created_at", int64_t{0}))
              << "\tlast seen " << FormatDateTime(session.value("last_seen_at", int64_t{0}))
              << "\texpires " << FormatDateTime(session.value("expires_at", int64_t{0}))
              << (session.value("current", false) ? "\t(current)" : "") << "\n";
  }
  return kExitOk;
}

int RunRevoke(const CliContext& context, int64_t session_id) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  if (Status status = (*api)->RevokeSession(session_id); !status.ok()) {
    return Fail(status, "revoke");
  }
  std::cout << "revoked session " << session_id << "\n";
  return kExitOk;
}

int RunPasswd(const CliContext& context) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<std::string> old_password =
      ReadSecret(context.password_flag, "PARLEY_PASSWORD", "Current password: ");
  if (!old_password.ok()) return Fail(old_password.status());
  Result<std::string> new_password = ReadNewPassword();
  if (!new_password.ok()) return Fail(new_password.status());
  if (Status status = (*api)->ChangePassword(*old_password, *new_password); !status.ok()) {
    return Fail(status, "passwd");
  }
  std::cout << "password changed; your other devices were logged out\n";
  return kExitOk;
}

}  // namespace parley::cli
