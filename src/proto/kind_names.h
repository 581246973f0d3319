// The names of message and conversation kinds as they appear on the wire (docs/protocol.md)
// and in a user's data export: one spelling for every encoder.
#ifndef PARLEY_PROTO_KIND_NAMES_H_
#define PARLEY_PROTO_KIND_NAMES_H_

#include <string_view>

#include "store/types.h"

namespace parley::proto {

// "text", "event", "notice", "edit", "delete", "reaction", "sticker"; "unknown" outside the enum.
std::string_view MessageKindName(store::MessageKind kind);
// "direct", "group", "system"; "unknown" outside the enum.
std::string_view ConversationKindName(store::ConversationKind kind);

}  // namespace parley::proto

#endif  // PARLEY_PROTO_KIND_NAMES_H_
