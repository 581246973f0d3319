// parley export [--out FILE] and parley delete-account [--yes] (docs/protocol.md,
// "Downloading my data" and "Deleting the account").
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "client/http_api.h"
#include "client/wire_codes.h"
#include "tools/cli/cli_context.h"

namespace parley::cli {

using nlohmann::json;

namespace {

constexpr auto kExportPollInterval = std::chrono::milliseconds(500);

}  // namespace

int RunExport(const CliContext& context, const std::string& out_file) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<json> state = (*api)->StartExport();
  // A ready export that has not expired is downloaded again rather than refused.
  if (!state.ok() && state.status().code() == Code::kConflict) state = (*api)->ExportState();
  if (!state.ok()) return Fail(state.status(), "export");
  for (;;) {
    const std::string name = state->value("state", "");
    if (name == "ready") break;
    if (name == "failed") {
      const json error = state->value("error", json::object());
      std::cerr << "\n";
      return Fail(Status(client::CodeFromName(error.value("code", "internal")),
                         error.value("message", "the export failed")),
                  "export");
    }
    std::cerr << "\rpreparing your data: " << state->value("items_done", int64_t{0}) << "/"
              << state->value("items_total", int64_t{0}) << std::flush;
    std::this_thread::sleep_for(kExportPollInterval);  // the server offers no push for this
    state = (*api)->ExportState();
    if (!state.ok()) return Fail(state.status(), "export");
  }
  std::cerr << "\rdownloading " << state->value("size", int64_t{0}) << " bytes...\n";
  Result<client::HttpResponse> zip = (*api)->Download(state->value("download_url", ""));
  if (!zip.ok()) return Fail(zip.status(), "export");
  if (zip->status != 200) {
    return Fail(Status(Code::kInternal, "download answered " + std::to_string(zip->status)),
                "export");
  }
  std::ofstream out(out_file, std::ios::binary | std::ios::trunc);
  out.write(zip->raw_body.data(), static_cast<std::streamsize>(zip->raw_body.size()));
  out.close();
  if (!out) return Fail(Status(Code::kInternal, "cannot write " + out_file), "export");
  std::cout << "your data is in " << out_file << "\n";
  return kExitOk;
}

int RunDeleteAccount(const CliContext& context, bool confirmed) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  if (!confirmed) {
    std::cerr << "This deletes your account, your messages' content, your media and your\n"
                 "moments for good. Type \"delete\" to go on: ";
    std::string answer;
    if (!std::getline(std::cin, answer) || answer != "delete") {
      return Fail(Status(Code::kInvalidArgument, "not confirmed; nothing was deleted"));
    }
  }
  Result<std::string> password = ReadSecret(context.password_flag, "PARLEY_PASSWORD", "Password: ");
  if (!password.ok()) return Fail(password.status());
  Status deleted = (*api)->DeleteAccount(*password);
  if (deleted.code() == Code::kUnauthenticated && deleted.message() == "code required") {
    Result<std::string> code =
        ReadSecret("", "PARLEY_CODE", "Code from your authenticator app (or a recovery code): ");
    if (!code.ok()) return Fail(code.status());
    deleted = (*api)->DeleteAccount(*password, *code);
  }
  if (!deleted.ok()) return Fail(deleted, "delete-account");
  RemoveToken(context);
  std::cout << "your account is deleted\n";
  return kExitOk;
}

}  // namespace parley::cli
