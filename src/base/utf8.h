// Strict UTF-8 (RFC 3629) validation and decoding.
//
// "Valid" means: every sequence is complete and uses its shortest form (no overlongs), no
// UTF-16 surrogates (U+D800..U+DFFF) and nothing above U+10FFFF. The protocol rejects anything
// else as `malformed`. All functions are pure and thread-safe; none allocates.
#ifndef PARLEY_BASE_UTF8_H_
#define PARLEY_BASE_UTF8_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace parley {

struct DecodedCodePoint {
  char32_t code_point = 0;
  size_t length = 0;  // bytes the code point takes, 1 to 4
};

// Decodes the code point that starts at byte `pos` of `text`. nullopt when `pos` is past the end
// or the bytes there are not a valid UTF-8 sequence.
std::optional<DecodedCodePoint> DecodeUtf8At(std::string_view text, size_t pos);

// True if `text` is entirely valid UTF-8. The empty string is valid.
bool IsValidUtf8(std::string_view text);

// The number of code points in `text`, which must be valid UTF-8 (otherwise the count is of
// non-continuation bytes, which is meaningless but safe).
size_t Utf8Length(std::string_view text);

}  // namespace parley

#endif  // PARLEY_BASE_UTF8_H_
