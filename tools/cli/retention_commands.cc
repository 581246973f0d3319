// parley retention WHERE [--days N] [--max-messages N]: show or set how long a conversation
// keeps its messages (docs/protocol.md, "Retention"). WHERE is a USER (the direct conversation
// with them) or #ID.
#include <iostream>

#include "client/http_api.h"
#include "tools/cli/cli_context.h"

namespace parley::cli {
namespace {

using nlohmann::json;

std::string Limits(const json& policy) {
  const int64_t days = policy.value("days", int64_t{0});
  const int64_t messages = policy.value("max_messages", int64_t{0});
  if (days == 0 && messages == 0) return "keep forever";
  std::string out;
  if (days > 0) out += std::to_string(days) + " days";
  if (messages > 0) out += (out.empty() ? "" : ", ") + std::to_string(messages) + " messages";
  return out;
}

}  // namespace

int RunRetention(const CliContext& context, const std::string& where, const RetentionArgs& args) {
  auto api = AuthedApi(context);
  if (!api.ok()) return Fail(api.status());
  Result<int64_t> conversation = ResolveConversation(**api, where);
  if (!conversation.ok()) return Fail(conversation.status(), where);
  Result<json> view = args.days || args.max_messages
                          ? (*api)->SetRetention(*conversation, args.days.value_or(0),
                                                 args.max_messages.value_or(0))
                          : (*api)->Retention(*conversation);
  if (!view.ok()) return Fail(view.status(), "retention");
  std::cout << "conversation " << *conversation << "\n"
            << "its policy: " << Limits(view->value("conversation", json::object())) << "\n"
            << "applies:    " << Limits(view->value("effective", json::object())) << "\n";
  const int64_t pruned = view->value("pruned_through", int64_t{0});
  if (pruned > 0) std::cout << "removed:    messages up to seq " << pruned << "\n";
  return kExitOk;
}

}  // namespace parley::cli
