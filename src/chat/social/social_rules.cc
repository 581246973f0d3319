#include "chat/social/social_rules.h"

#include <string>

#include "auth/validation.h"
#include "base/utf8.h"

namespace parley::chat {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// C0 controls, DEL and C1 controls (U+0080..U+009F).
bool HasControl(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    auto decoded = DecodeUtf8At(text, pos);
    if (!decoded) return true;  // cannot happen for decoded JSON; refuse rather than guess
    const char32_t c = decoded->code_point;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
    pos += decoded->length;
  }
  return false;
}

Status Invalid(std::string message) { return Status(Code::kInvalidArgument, std::move(message)); }

// Splits `text` at `separator` and checks every part with `part_ok(part, index)`.
template <typename Fn>
bool AllParts(std::string_view text, char separator, Fn&& part_ok) {
  size_t index = 0;
  for (;;) {
    const size_t end = text.find(separator);
    if (!part_ok(text.substr(0, end), index++)) return false;
    if (end == std::string_view::npos) return true;
    text.remove_prefix(end + 1);
  }
}

}  // namespace

Status ValidateNote(std::string_view note) {
  if (note.size() > kMaxNoteBytes) {
    return Status(Code::kTooLarge, "note is longer than 256 bytes");
  }
  if (HasControl(note)) return Invalid("note must not contain control characters");
  return Status::Ok();
}

Status ValidateAvatar(std::string_view avatar) {
  if (avatar.size() > kMaxAvatarBytes) {
    return Status(Code::kTooLarge, "avatar is longer than 512 bytes");
  }
  if (HasControl(avatar) || avatar.find(' ') != std::string_view::npos) {
    return Invalid("avatar must not contain spaces or control characters");
  }
  return Status::Ok();
}

Status ValidateStatusLine(std::string_view status_line) {
  if (Utf8Length(status_line) > kMaxStatusLineChars) {
    return Status(Code::kTooLarge, "status_line is longer than 140 characters");
  }
  if (HasControl(status_line)) return Invalid("status_line must not contain control characters");
  return Status::Ok();
}

Status ValidateLanguage(std::string_view language) {
  if (language.empty()) return Status::Ok();
  const bool ok = language.size() <= kMaxLanguageBytes &&
                  AllParts(language, '-', [](std::string_view part, size_t index) {
                    if (part.empty() || part.size() > 8) return false;
                    for (char c : part) {
                      if (!IsAsciiAlpha(c) && (index == 0 || !IsAsciiDigit(c))) return false;
                    }
                    return index > 0 || (part.size() >= 2 && part.size() != 4);
                  });
  return ok ? Status::Ok() : Invalid("language must be a BCP 47 tag such as en or zh-Hant-TW");
}

Status ValidateTimeZone(std::string_view time_zone) {
  if (time_zone.empty() || time_zone == "UTC") return Status::Ok();
  size_t parts = 0;
  const bool ok =
      time_zone.size() <= kMaxTimeZoneBytes &&
      AllParts(time_zone, '/', [&parts](std::string_view part, size_t index) {
        ++parts;
        if (part.empty() || part.size() > 30) return false;
        if (index == 0 && !(part[0] >= 'A' && part[0] <= 'Z')) return false;
        for (char c : part) {
          if (!IsAsciiAlpha(c) && !IsAsciiDigit(c) && c != '_' && c != '+' && c != '-') {
            return false;
          }
        }
        return true;
      });
  if (!ok || parts < 2 || parts > 3) {
    return Invalid("time_zone must be UTC or an IANA name such as Europe/Paris");
  }
  return Status::Ok();
}

Status ValidateProfileUpdate(const store::ProfileUpdate& update) {
  if (update.display_name) {
    if (Status s = auth::ValidateDisplayName(*update.display_name); !s.ok()) return s;
  }
  if (update.avatar) {
    if (Status s = ValidateAvatar(*update.avatar); !s.ok()) return s;
  }
  if (update.status_line) {
    if (Status s = ValidateStatusLine(*update.status_line); !s.ok()) return s;
  }
  if (update.language) {
    if (Status s = ValidateLanguage(*update.language); !s.ok()) return s;
  }
  if (update.time_zone) {
    if (Status s = ValidateTimeZone(*update.time_zone); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace parley::chat
