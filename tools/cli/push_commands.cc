// parley push list | webhook URL | remove ID | preview LEVEL (push targets and settings;
// docs/protocol.md, "Push notifications"). Browsers register Web Push targets themselves; the
// CLI registers webhooks for integrations and manages the account's targets.
#include <iostream>
#include <nlohmann/json.hpp>

#include "client/http_api.h"
#include "client/wire_codes.h"
#include "tools/cli/cli_context.h"

namespace parley::cli {
namespace {

// The JSON body of a 2xx answer, or the error the server gave.
Result<nlohmann::json> Call(const CliContext& context, std::string_view method,
                            std::string_view target, std::optional<std::string> body = {}) {
  auto api = AuthedApi(context);
  if (!api.ok()) return api.status();
  auto response = (*api)->Request(method, target, std::move(body));
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status >= 300) {
    return client::StatusFromHttpError(response->status, response->body);
  }
  return response->body;
}

}  // namespace

int RunPush(const CliContext& context, const std::string& action, const std::string& argument) {
  if (action == "list") {
    auto listed = Call(context, "GET", "/api/v1/push/targets");
    if (!listed.ok()) return Fail(listed.status(), "push list");
    for (const nlohmann::json& target : (*listed)["targets"]) {
      std::cout << target.value("id", 0) << "  " << target.value("provider", "") << "  "
                << target.value("endpoint", target.value("token", "")) << "  (device "
                << target.value("device_id", 0) << ")\n";
    }
    return kExitOk;
  }
  if (action == "webhook") {
    const nlohmann::json body = {{"provider", "webhook"}, {"endpoint", argument}};
    auto added = Call(context, "POST", "/api/v1/push/targets", body.dump());
    if (!added.ok()) return Fail(added.status(), "push webhook");
    const nlohmann::json& target = (*added)["target"];
    std::cout << "webhook " << target.value("id", 0)
              << " registered; signing secret (shown once): " << target.value("secret", "") << "\n";
    return kExitOk;
  }
  if (action == "remove") {
    auto removed = Call(context, "DELETE", "/api/v1/push/targets/" + argument);
    if (!removed.ok()) return Fail(removed.status(), "push remove");
    std::cout << "push target " << argument << " removed\n";
    return kExitOk;
  }
  // preview
  const nlohmann::json body = {{"preview", argument}};
  auto settings = Call(context, "PUT", "/api/v1/push/settings", body.dump());
  if (!settings.ok()) return Fail(settings.status(), "push preview");
  std::cout << "notifications show: " << (*settings).value("preview", "") << " (server allows "
            << (*settings).value("server_preview", "") << ")\n";
  return kExitOk;
}

}  // namespace parley::cli
