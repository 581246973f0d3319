// parley notice | admin | admin-setup (server-admin commands)
#include <iostream>
#include <vector>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"

namespace parley::cli {

int RunNotice(const CliContext& context, const std::string& text,
              const std::vector<std::string>& usernames, bool everyone) {
  if (everyone == !usernames.empty()) {
    return Fail(Status(Code::kInvalidArgument, "give either --all or --to USER..."));
  }
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  std::vector<int64_t> ids;
  for (const std::string& username : usernames) {
    Result<client::User> user = (*api)->LookupUser(username);
    if (!user.ok()) return Fail(user.status(), username);
    ids.push_back(user->id);
  }
  Result<int64_t> recipients = (*api)->SendNotice(text, ids);
  if (!recipients.ok()) return Fail(recipients.status(), "notice");
  std::cout << "notice sent to " << *recipients << " user" << (*recipients == 1 ? "" : "s") << "\n";
  return kExitOk;
}

int RunAdmin(const CliContext& context, const std::string& username, bool grant) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<client::User> user = (*api)->LookupUser(username);
  if (!user.ok()) return Fail(user.status(), username);
  if (Status status = (*api)->SetAdmin(user->id, grant); !status.ok()) {
    return Fail(status, "admin");
  }
  std::cout << username << (grant ? " is now a server admin\n" : " is no longer a server admin\n");
  return kExitOk;
}

int RunAdminSetup(const CliContext& context, const std::string& setup_token) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  if (Status status = (*api)->ClaimAdminSetup(setup_token); !status.ok()) {
    return Fail(status, "admin-setup");
  }
  std::cout << "you are now a server admin\n";
  return kExitOk;
}

}  // namespace parley::cli
