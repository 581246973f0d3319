#include "base/utf8.h"

namespace parley {
namespace {

constexpr bool IsContinuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

}  // namespace

std::optional<DecodedCodePoint> DecodeUtf8At(std::string_view text, size_t pos) {
  if (pos >= text.size()) return std::nullopt;
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) return DecodedCodePoint{lead, 1};

  size_t length;
  char32_t code_point;
  char32_t smallest;  // the smallest code point that needs `length` bytes: below it is overlong
  if ((lead & 0xE0) == 0xC0) {
    length = 2, code_point = lead & 0x1F, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, code_point = lead & 0x0F, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, code_point = lead & 0x07, smallest = 0x10000;
  } else {
    return std::nullopt;  // a stray continuation byte, or 0xF8..0xFF which UTF-8 never uses
  }
  if (text.size() - pos < length) return std::nullopt;  // truncated
  for (size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[pos + i]);
    if (!IsContinuation(byte)) return std::nullopt;
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  if (code_point < smallest) return std::nullopt;                         // overlong
  if (code_point >= 0xD800 && code_point <= 0xDFFF) return std::nullopt;  // surrogate
  if (code_point > 0x10FFFF) return std::nullopt;
  return DecodedCodePoint{code_point, length};
}

bool IsValidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    // Most text is ASCII: skip it without the full decoder.
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    const std::optional<DecodedCodePoint> decoded = DecodeUtf8At(text, pos);
    if (!decoded) return false;
    pos += decoded->length;
  }
  return true;
}

size_t Utf8Length(std::string_view text) {
  size_t count = 0;
  for (char c : text) {
    if (!IsContinuation(static_cast<unsigned char>(c))) ++count;
  }
  return count;
}

}  // namespace parley
