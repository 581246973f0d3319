#include "tools/cli/format.h"

#include <ctime>

namespace parley::cli {
namespace {

std::string FormatLocal(int64_t unix_ms, const char* pattern) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[32];
  size_t n = std::strftime(text, sizeof(text), pattern, &local);
  return std::string(text, n);
}

}  // namespace

std::string FormatClock(int64_t unix_ms) { return FormatLocal(unix_ms, "%H:%M"); }

std::string FormatDateTime(int64_t unix_ms) {
  return unix_ms == 0 ? "-" : FormatLocal(unix_ms, "%Y-%m-%d %H:%M");
}

std::string UserNames::NameOf(int64_t id) const {
  auto it = names_.find(id);
  return it != names_.end() ? it->second : "user#" + std::to_string(id);
}

std::string FormatMessage(const nlohmann::json& message, const UserNames& names) {
  int64_t created_at = message.value("created_at", int64_t{0});
  int64_t sender = message.value("sender_id", int64_t{0});
  const std::string head = "[" + FormatClock(created_at) + "] " + names.NameOf(sender);
  // Group events carry an object (type, actor, ...) instead of text.
  if (message.contains("event")) return head + " * " + message["event"].dump();
  // Operations on an earlier message name it; a tombstone says so.
  if (message.contains("target")) {
    const std::string kind = message.value("kind", std::string());
    const std::string target = "#" + std::to_string(message.value("target", int64_t{0}));
    if (kind == "edit") return head + " edited " + target + ": " + message.value("text", std::string());
    if (kind == "reaction") {
      return head + (message.value("on", false) ? " reacted " : " unreacted ") +
             message.value("emoji", std::string()) + " to " + target;
    }
    return head + " deleted " + target;
  }
  if (message.value("deleted", false)) return head + ": (deleted)";
  std::string line = head + ": ";
  if (message.contains("reply_to")) {
    line += "(re #" + std::to_string(message["reply_to"].value("seq", int64_t{0})) + ") ";
  }
  if (message.value("kind", std::string()) == "sticker") {
    line += "[sticker #" + std::to_string(message.value("sticker", int64_t{0})) + "] ";
  }
  line += message.value("text", std::string());
  if (message.contains("edited_at")) line += " (edited)";
  for (const nlohmann::json& reaction : message.value("reactions", nlohmann::json::array())) {
    line += " " + reaction.value("emoji", std::string()) + std::to_string(reaction.value("count", 0));
  }
  return line;
}

}  // namespace parley::cli
