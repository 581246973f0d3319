// Input rules of the social features (docs/protocol.md, "Friends, blocks, profiles and
// presence"): friend request notes and profile fields.
//
// Each check returns OK or a Status fit to show the user, never echoing the input:
// kTooLarge for values over their size limit, kInvalidArgument for values of the wrong shape.
// Text arrives as valid UTF-8 (the JSON decoder rejects anything else as `malformed`).
// All functions are pure and thread-safe.
#ifndef PARLEY_CHAT_SOCIAL_SOCIAL_RULES_H_
#define PARLEY_CHAT_SOCIAL_SOCIAL_RULES_H_

#include <cstddef>
#include <string_view>

#include "base/status.h"
#include "store/types.h"

namespace parley::chat {

inline constexpr size_t kMaxNoteBytes = 256;
inline constexpr size_t kMaxAvatarBytes = 512;
inline constexpr size_t kMaxStatusLineChars = 140;  // code points
inline constexpr size_t kMaxLanguageBytes = 35;
inline constexpr size_t kMaxTimeZoneBytes = 64;
inline constexpr size_t kMaxSearchQueryBytes = 64;
inline constexpr int kMaxSearchLimit = 100;

// At most 256 bytes, no control characters. Empty is allowed.
Status ValidateNote(std::string_view note);
// At most 512 bytes, no control characters or spaces. Empty clears it. (Whether it names an
// image the user uploaded is checked in the writer: media_rules.h.)
Status ValidateAvatar(std::string_view avatar);
// At most 140 code points, no control characters. Empty clears it.
Status ValidateStatusLine(std::string_view status_line);
// A BCP 47-shaped tag: a primary subtag of 2-3 or 5-8 letters, then subtags of 1-8 letters or
// digits, separated by '-' ("en", "zh-Hant-TW", "es-419"); at most 35 bytes. Empty clears it.
Status ValidateLanguage(std::string_view language);
// "UTC", or an IANA-shaped name: 2 or 3 parts separated by '/', each 1-30 of A-Z a-z 0-9 _ + -,
// the first starting with an upper-case letter ("Europe/Paris", "America/Argentina/Salta",
// "Etc/GMT+5"); at most 64 bytes. Empty clears it.
Status ValidateTimeZone(std::string_view time_zone);
// Every field that holds a value (display name: auth's rule, 1 to 64 code points).
Status ValidateProfileUpdate(const store::ProfileUpdate& update);

}  // namespace parley::chat

#endif  // PARLEY_CHAT_SOCIAL_SOCIAL_RULES_H_
