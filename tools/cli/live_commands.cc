// parley follow | chat
#include "tools/cli/cli_context.h"
#include "tools/cli/live_session.h"

namespace parley::cli {
namespace {

int RunLive(const CliContext& context, const std::string& username, bool chat) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  std::optional<client::User> peer;
  std::optional<int64_t> conversation = ConversationRef(username);  // "#42": a group
  if (!username.empty() && !conversation) {
    Result<client::User> user = (*api)->LookupUser(username);
    if (!user.ok()) return Fail(user.status(), "user " + username);
    peer = std::move(user).value();
  }
  LiveSession session(context, std::move(api).value(), std::move(peer), chat, conversation);
  return session.Run();
}

}  // namespace

int RunFollow(const CliContext& context, const std::string& username) {
  return RunLive(context, username, /*chat=*/false);
}

int RunChat(const CliContext& context, const std::string& username) {
  return RunLive(context, username, /*chat=*/true);
}

}  // namespace parley::cli
