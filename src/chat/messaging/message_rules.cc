#include "chat/messaging/message_rules.h"

#include <vector>

#include "base/utf8.h"

namespace parley::chat {
namespace {

bool IsRegionalIndicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }

// Emoji modifiers and selectors that extend the code point before them.
bool IsExtender(char32_t c) {
  return c == 0xFE0E || c == 0xFE0F || (c >= 0x1F3FB && c <= 0x1F3FF) ||
         (c >= 0xE0020 && c <= 0xE007F);
}

// Code points that may start an emoji: the symbol and pictograph blocks, minus the spaces,
// joiners and format characters of General Punctuation.
bool IsPictographic(char32_t c) {
  if (c == 0xA9 || c == 0xAE) return true;
  if (c >= 0x1F000 && c <= 0x1FAFF)
    return !IsRegionalIndicator(c) && !(c >= 0x1F3FB && c <= 0x1F3FF);
  if (c < 0x2010 || c > 0x32FF) return false;
  if ((c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F)) return false;
  return c != 0x3000;
}

}  // namespace

bool IsReactionEmoji(std::string_view emoji) {
  if (emoji.empty() || emoji.size() > kMaxEmojiBytes || !IsValidUtf8(emoji)) return false;
  std::vector<char32_t> cps;
  for (size_t pos = 0; pos < emoji.size();) {
    std::optional<DecodedCodePoint> decoded = DecodeUtf8At(emoji, pos);
    cps.push_back(decoded->code_point);
    pos += decoded->length;
  }
  if (cps.size() == 2 && IsRegionalIndicator(cps[0]) && IsRegionalIndicator(cps[1])) return true;
  size_t i = 0;
  // One pictograph with its extenders; false if there is none at i.
  auto element = [&] {
    if (i >= cps.size() || !IsPictographic(cps[i])) return false;
    ++i;
    while (i < cps.size() && IsExtender(cps[i])) ++i;
    return true;
  };
  if (!element()) return false;
  while (i < cps.size() && cps[i] == 0x200D) {  // ZERO WIDTH JOINER
    ++i;
    if (!element()) return false;
  }
  return i == cps.size();
}

bool MayDeleteOthers(store::ConversationKind kind, store::Role actor,
                     std::optional<store::Role> author) {
  if (kind != store::ConversationKind::kGroup) return false;
  if (actor == store::Role::kMember) return false;
  return static_cast<int>(author.value_or(store::Role::kMember)) < static_cast<int>(actor);
}

}  // namespace parley::chat
