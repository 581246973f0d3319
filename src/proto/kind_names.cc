#include "proto/kind_names.h"

namespace parley::proto {

std::string_view MessageKindName(store::MessageKind kind) {
  switch (kind) {
    case store::MessageKind::kText:
      return "text";
    case store::MessageKind::kEvent:
      return "event";
    case store::MessageKind::kNotice:
      return "notice";
    case store::MessageKind::kEdit:
      return "edit";
    case store::MessageKind::kDelete:
      return "delete";
    case store::MessageKind::kReaction:
      return "reaction";
    case store::MessageKind::kSticker:
      return "sticker";
  }
  return "unknown";
}

std::string_view ConversationKindName(store::ConversationKind kind) {
  switch (kind) {
    case store::ConversationKind::kDirect:
      return "direct";
    case store::ConversationKind::kGroup:
      return "group";
    case store::ConversationKind::kSystem:
      return "system";
  }
  return "unknown";
}

}  // namespace parley::proto
