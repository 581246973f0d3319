#include "tools/cli/cli_context.h"

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "client/wire_codes.h"

namespace parley::cli {

using nlohmann::json;

int Fail(const Status& status, std::string_view what) {
  std::cerr << "parley: ";
  if (!what.empty()) std::cerr << what << ": ";
  std::cerr << client::FormatStatus(status) << "\n";
  return kExitFailure;
}

std::string DefaultConfigDir() {
  if (const char* dir = std::getenv("PARLEY_CONFIG_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.config/parley";
}

namespace {

std::string TokenPath(const CliContext& context) { return context.config_dir + "/token"; }
std::string CursorsPath(const CliContext& context) { return context.config_dir + "/cursors.json"; }

// Writes `contents` to `path` via a temporary file and rename, with the given mode.
Status WriteFileAtomically(const std::string& path, const std::string& contents, mode_t mode) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    if (!out) return Status(Code::kInternal, "cannot write " + temp);
    out << contents;
    if (!out.flush()) return Status(Code::kInternal, "cannot write " + temp);
  }
  chmod(temp.c_str(), mode);
  std::filesystem::rename(temp, path, ec);
  if (ec) return Status(Code::kInternal, "cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

std::string PromptWithoutEcho(const char* prompt) {
  std::string line;
  if (!isatty(STDIN_FILENO)) {
    std::getline(std::cin, line);
    return line;
  }
  std::cerr << prompt << std::flush;
  termios old_mode{};
  tcgetattr(STDIN_FILENO, &old_mode);
  termios quiet = old_mode;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  std::getline(std::cin, line);
  tcsetattr(STDIN_FILENO, TCSANOW, &old_mode);
  std::cerr << "\n";
  return line;
}

}  // namespace

Result<std::string> LoadToken(const CliContext& context) {
  std::ifstream in(TokenPath(context));
  std::string token;
  if (!in || !std::getline(in, token) || token.empty()) {
    return Status(Code::kUnauthenticated, "not logged in (run: parley login USER)");
  }
  return token;
}

Status SaveToken(const CliContext& context, const std::string& token) {
  return WriteFileAtomically(TokenPath(context), token + "\n", 0600);
}

void RemoveToken(const CliContext& context) {
  std::error_code ignored;
  std::filesystem::remove(TokenPath(context), ignored);
  std::filesystem::remove(CursorsPath(context), ignored);
}

Result<std::unique_ptr<client::HttpApi>> AuthedApi(const CliContext& context) {
  Result<std::string> token = LoadToken(context);
  if (!token.ok()) return token.status();
  auto api = std::make_unique<client::HttpApi>(context.endpoint);
  api->set_token(*token);
  return api;
}

CursorMap LoadCursors(const CliContext& context) {
  CursorMap cursors;
  std::ifstream in(CursorsPath(context));
  if (!in) return cursors;
  json saved = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!saved.is_object()) return cursors;
  for (auto& [key, value] : saved.items()) {
    if (value.is_number_integer()) cursors[std::atoll(key.c_str())] = value.get<int64_t>();
  }
  return cursors;
}

void SaveCursors(const CliContext& context, const CursorMap& cursors) {
  json saved = json::object();
  for (const auto& [conversation, seq] : cursors) saved[std::to_string(conversation)] = seq;
  WriteFileAtomically(CursorsPath(context), saved.dump() + "\n", 0600);
}

Result<std::string> ReadSecret(const std::string& flag_value, const char* env_var,
                               const char* prompt) {
  if (!flag_value.empty()) return flag_value;
  if (const char* value = std::getenv(env_var); value != nullptr && *value != '\0') {
    return std::string(value);
  }
  std::string secret = PromptWithoutEcho(prompt);
  if (secret.empty()) return Status(Code::kInvalidArgument, "no password given");
  return secret;
}

Result<std::optional<int64_t>> FindDirectConversation(client::HttpApi& api, int64_t peer_id) {
  Result<json> list = api.Conversations();
  if (!list.ok()) return list.status();
  for (const json& conversation : *list) {
    if (conversation.value("kind", std::string()) != "direct") continue;
    for (const json& member : conversation.value("members", json::array())) {
      if (member.value("user_id", int64_t{0}) == peer_id) {
        return std::optional<int64_t>(conversation.value("id", int64_t{0}));
      }
    }
  }
  return std::optional<int64_t>();
}

Result<int64_t> ResolveConversation(client::HttpApi& api, const std::string& where) {
  if (std::optional<int64_t> conversation = ConversationRef(where)) return *conversation;
  Result<client::User> peer = api.LookupUser(where);
  if (!peer.ok()) return peer.status();
  Result<std::optional<int64_t>> direct = FindDirectConversation(api, peer->id);
  if (!direct.ok()) return direct.status();
  if (!direct->has_value()) return Status(Code::kNotFound, "no messages with " + where + " yet");
  return **direct;
}

}  // namespace parley::cli
