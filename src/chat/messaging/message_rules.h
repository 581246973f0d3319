// The pure rules of message operations (docs/protocol.md, "Message operations"): what counts
// as a reaction emoji and who may delete whose message. No I/O; thread-safe.
#ifndef PARLEY_CHAT_MESSAGING_MESSAGE_RULES_H_
#define PARLEY_CHAT_MESSAGING_MESSAGE_RULES_H_

#include <optional>
#include <string_view>

#include "store/types.h"

namespace parley::chat {

inline constexpr size_t kMaxEmojiBytes = 32;
inline constexpr int64_t kMaxReactionsPerUser = 20;  // distinct emoji per user per message

// 1..32 bytes of valid UTF-8 forming one emoji-ish grapheme: a pictographic code point (or a
// pair of regional indicators: a flag), optionally followed by variation selectors, skin tones
// or tags, possibly several such joined by ZERO WIDTH JOINER. Never ASCII letters or digits,
// whitespace or controls.
bool IsReactionEmoji(std::string_view emoji);

// Whether a member with role `actor` may delete a message whose sender now has role `author`
// (nullopt: no longer a member). Everyone may delete their own messages (not asked here); in
// groups an owner or admin may delete the messages of members who rank below them.
bool MayDeleteOthers(store::ConversationKind kind, store::Role actor,
                     std::optional<store::Role> author);

}  // namespace parley::chat

#endif  // PARLEY_CHAT_MESSAGING_MESSAGE_RULES_H_
