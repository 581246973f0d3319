#include "base/utf8.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace parley {
namespace {

struct Utf8Case {
  std::string name;
  std::string text;
  bool valid;
};

std::vector<Utf8Case> Cases() {
  using namespace std::string_literals;
  return {
      {"empty", "", true},
      {"ascii", "hello, world", true},
      {"nul byte is valid UTF-8", "a\0b"s, true},
      {"two bytes", "\xC3\xA9", true},                 // é
      {"three bytes", "\xE2\x82\xAC", true},           // €
      {"four bytes emoji", "\xF0\x9F\x99\x82", true},  // 🙂
      {"last code point", "\xF4\x8F\xBF\xBF", true},   // U+10FFFF
      {"before surrogates", "\xED\x9F\xBF", true},     // U+D7FF
      {"after surrogates", "\xEE\x80\x80", true},      // U+E000
      {"BOM", "\xEF\xBB\xBF", true},
      {"smallest two byte", "\xC2\x80", true},
      {"smallest three byte", "\xE0\xA0\x80", true},
      {"smallest four byte", "\xF0\x90\x80\x80", true},
      {"overlong slash 2", "\xC0\xAF", false},
      {"overlong slash 3", "\xE0\x80\xAF", false},
      {"overlong slash 4", "\xF0\x80\x80\xAF", false},
      {"overlong NUL", "\xC0\x80", false},
      {"overlong C1", "\xC1\xBF", false},
      {"overlong U+07FF in 3", "\xE0\x9F\xBF", false},
      {"overlong U+FFFF in 4", "\xF0\x8F\xBF\xBF", false},
      {"surrogate low end", "\xED\xA0\x80", false},   // U+D800
      {"surrogate high end", "\xED\xBF\xBF", false},  // U+DFFF
      {"CESU pair", "\xED\xA0\xBD\xED\xB8\x82", false},
      {"above U+10FFFF", "\xF4\x90\x80\x80", false},
      {"F5 lead", "\xF5\x80\x80\x80", false},
      {"F8 five byte form", "\xF8\x88\x80\x80\x80", false},
      {"FE", "\xFE", false},
      {"FF", "\xFF", false},
      {"lone continuation", "\x80", false},
      {"continuation after ascii", "a\xBF", false},
      {"truncated two", "\xC3", false},
      {"truncated three", "\xE2\x82", false},
      {"truncated four", "\xF0\x9F\x99", false},
      {"truncated at end of text", "abc\xF0\x9F", false},
      {"bad continuation", "\xC3\x28", false},
      {"ascii in place of continuation", "\xE2\x28\xA1", false},
      {"valid then invalid", "\xF0\x9F\x99\x82\xFF", false},
  };
}

TEST(Utf8Test, ValidatesStrictly) {
  for (const Utf8Case& c : Cases()) {
    EXPECT_EQ(IsValidUtf8(c.text), c.valid) << c.name;
  }
}

TEST(Utf8Test, DecodeAgreesWithValidation) {
  for (const Utf8Case& c : Cases()) {
    bool valid = true;
    size_t pos = 0;
    while (pos < c.text.size()) {
      std::optional<DecodedCodePoint> decoded = DecodeUtf8At(c.text, pos);
      if (!decoded) {
        valid = false;
        break;
      }
      pos += decoded->length;
    }
    EXPECT_EQ(valid, c.valid) << c.name;
  }
}

TEST(Utf8Test, DecodesCodePoints) {
  const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x99\x82";
  struct Row {
    size_t pos;
    char32_t code_point;
    size_t length;
  };
  const Row rows[] = {{0, U'a', 1}, {1, U'é', 2}, {3, U'€', 3}, {6, U'🙂', 4}};
  for (const Row& row : rows) {
    std::optional<DecodedCodePoint> decoded = DecodeUtf8At(text, row.pos);
    ASSERT_TRUE(decoded.has_value()) << row.pos;
    EXPECT_EQ(decoded->code_point, row.code_point) << row.pos;
    EXPECT_EQ(decoded->length, row.length) << row.pos;
  }
  EXPECT_FALSE(DecodeUtf8At(text, 2).has_value());  // middle of é
  EXPECT_FALSE(DecodeUtf8At(text, text.size()).has_value());
}

TEST(Utf8Test, EveryCodePointRoundTrips) {
  // Encode every scalar value by hand and check the decoder gets it back.
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s;
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    std::optional<DecodedCodePoint> decoded = DecodeUtf8At(s, 0);
    ASSERT_TRUE(decoded.has_value()) << std::hex << static_cast<uint32_t>(cp);
    ASSERT_EQ(decoded->code_point, cp);
    ASSERT_EQ(decoded->length, s.size());
  }
}

TEST(Utf8Test, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("\xC3\xA9t\xC3\xA9"), 3u);                 // été
  EXPECT_EQ(Utf8Length("\xF0\x9F\x99\x82\xF0\x9F\x99\x82"), 2u);  // 🙂🙂
}

TEST(Utf8Test, LargeInputs) {
  std::string ascii(10 * 1024, 'x');
  EXPECT_TRUE(IsValidUtf8(ascii));
  std::string emoji;
  for (int i = 0; i < 2560; ++i) emoji += "\xF0\x9F\x99\x82";
  EXPECT_TRUE(IsValidUtf8(emoji));
  EXPECT_EQ(Utf8Length(emoji), 2560u);
  emoji.back() = 'x';
  EXPECT_FALSE(IsValidUtf8(emoji));
}

}  // namespace
}  // namespace parley
